import type { IncomingMessage, ServerResponse } from 'node:http';
import fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { HttpError, type HttpIssue, zodIssues } from './http-errors.ts';
import { registerHttpMetrics } from './http-metrics.ts';

/** A readiness check resolves when the dependency is usable and throws (with a reason) when it is not. */
export type ReadinessCheck = () => Promise<void>;

export interface CreateHttpAppOptions {
  logger: Logger;
  registry: Registry;
  /** Named checks run by `GET /readyz`, e.g. `{ nats: natsReadiness(nc), postgres: pgReadiness(db) }`. */
  readiness?: Record<string, ReadinessCheck>;
  /** Largest accepted request body in bytes (413 above). Default 1 MiB. */
  bodyLimit?: number;
  /** Budget of each readiness check; a slower dependency counts as not ready. Default 2 s. */
  readinessTimeoutMs?: number;
}

/** Fastify with zod schemas on routes (`schema: { body: QuoteRequest }` types `request.body`). */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ErrorBody {
  error: string;
  message: string;
  issues?: readonly HttpIssue[];
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

const INTERNAL: ErrorBody = { error: 'internal_error', message: 'internal server error' };

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: Array<{ instancePath?: string; message?: string }>;
  validationContext?: string;
}

const pointerToPath = (pointer = ''): string => pointer.split('/').filter(Boolean).join('.');

/** What the client sees for an error: a status and a JSON body, never a stack or an internal message. */
export const toErrorResponse = (error: unknown, bodyLimit: number): { status: number; body: ErrorBody } => {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: error.code, message: error.message };
    if (error.issues) body.issues = error.issues;
    return { status: error.statusCode, body };
  }
  if (error instanceof z.ZodError) {
    return {
      status: 400,
      body: { error: 'bad_request', message: 'invalid request', issues: zodIssues(error) },
    };
  }
  if (isResponseSerializationError(error as never)) return { status: 500, body: INTERNAL };
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  if (hasZodFastifySchemaValidationErrors(error) || Array.isArray(e.validation)) {
    return {
      status: 400,
      body: {
        error: 'bad_request',
        message: `invalid ${e.validationContext ?? 'request'}`,
        issues: (e.validation ?? []).map((v) => ({
          path: pointerToPath(v.instancePath),
          message: v.message ?? 'invalid',
        })),
      },
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error: 'payload_too_large', message: `request body exceeds ${bodyLimit} bytes` },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: 'unsupported_media_type', message: 'unsupported content type; send application/json' },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: { error: 'bad_request', message: 'request body is not valid JSON' } };
  }
  // Other client errors raised by Fastify itself (bad content-length, …) carry safe, generic messages.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: {
        error: STATUS_CODES[e.statusCode] ?? 'client_error',
        message: typeof e.message === 'string' ? e.message : 'bad request',
      },
    };
  }
  if (error instanceof SyntaxError && e.statusCode === 400) {
    return { status: 400, body: { error: 'bad_request', message: 'request body is not valid JSON' } };
  }
  return { status: 500, body: INTERNAL };
};

const withTimeout = async (check: ReadinessCheck, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

const PROBE_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
// Query strings can carry signed tokens (attribution links): logs keep the path only.
const pathOf = (url: string): string => url.split('?', 1)[0] ?? url;

/**
 * The HTTP side every service shares: `/healthz` (the process answers), `/readyz` (its dependencies answer),
 * `/metrics` (Prometheus), JSON errors with a stable shape, and one log line per request. Services add their
 * routes (one plugin per resource) before `listen`.
 */
export const createHttpApp = ({
  logger,
  registry,
  readiness = {},
  bodyLimit = 1_048_576,
  readinessTimeoutMs = 2_000,
}: CreateHttpAppOptions): HttpApp => {
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    // Fastify's two lines per request are replaced by one line on response (below), without query strings.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>() as HttpApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerHttpMetrics(app, registry);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const line = {
      method: request.method,
      path: pathOf(request.url),
      route,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (route && PROBE_ROUTES.has(route)) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, bodyLimit);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else
      request.log.info({ statusCode: status, error: body.error, reason: body.message }, 'request rejected');
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route for ${request.method} ${pathOf(request.url)}` }),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const results = await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check, readinessTimeoutMs);
          return { name, ok: true, detail: 'ok' };
        } catch (error) {
          return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const checks = Object.fromEntries(results.map((r) => [r.name, r.detail]));
    if (results.every((r) => r.ok)) return reply.code(200).send({ status: 'ready', checks });
    request.log.warn({ checks }, 'not ready');
    return reply.code(503).send({ status: 'not_ready', checks });
  });

  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );

  return app;
};
