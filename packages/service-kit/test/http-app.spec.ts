import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, createLogger, type HttpApp, HttpError, validate } from '../src/index.ts';

const Quote = z.object({
  customer: z.object({ email: z.email(), firstName: z.string().min(1) }),
  amountCents: z.number().int().positive(),
});

const apps: HttpApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const build = (options: { readiness?: Record<string, () => Promise<void>>; bodyLimit?: number } = {}) => {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  const logger = createLogger({ service: 'http-test', level: 'debug', destination });
  const registry = new Registry();
  const app = createHttpApp({ logger, registry, readinessTimeoutMs: 200, ...options });
  app.post('/quotes', { schema: { body: Quote } }, async (request, reply) =>
    reply.code(201).send({ amountCents: request.body.amountCents }),
  );
  app.post('/manual', async (request) => {
    const body = validate(Quote, request.body, 'quote request');
    return { email: body.customer.email };
  });
  app.get('/things/:id', async (request) => {
    const { id } = validate(z.object({ id: z.uuid() }), request.params, 'path');
    if (id === '00000000-0000-4000-8000-000000000000') {
      throw new HttpError(409, 'conflict', 'thing already taken');
    }
    return { id };
  });
  app.get('/boom', async () => {
    throw new Error('db password hunter2 rejected for jean@example.fr');
  });
  apps.push(app);
  return { app, registry, logs: () => lines.map((l) => JSON.parse(l)) };
};

describe('probes', () => {
  it('GET /healthz answers ok', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when every check passes', async () => {
    const { app } = build({ readiness: { nats: async () => {}, postgres: async () => {} } });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { nats: 'ok', postgres: 'ok' } });
  });

  it('GET /readyz is 503 with the reason of each failing or hanging check', async () => {
    const { app } = build({
      readiness: {
        nats: async () => {
          throw new Error('NATS connection is closed');
        },
        postgres: async () => {},
        geocoder: () => new Promise<void>(() => {}),
      },
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'not_ready',
      checks: { nats: 'NATS connection is closed', postgres: 'ok', geocoder: 'no answer within 200 ms' },
    });
  });

  it('GET /metrics exposes the request duration histogram by route pattern and status', async () => {
    const { app } = build();
    await app.inject({ method: 'GET', url: '/things/0b7e4a52-3d6f-4a55-9e0a-2f1c9d1e8b11' });
    await app.inject({ method: 'GET', url: '/things/not-a-uuid' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status_code="200"\} 1/,
    );
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/things\/:id",status_code="400"\} 1/,
    );
    expect(res.body).not.toContain('0b7e4a52');
  });
});

describe('errors', () => {
  it('route schema violations are 400 with every issue', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/quotes',
      payload: { customer: { email: 'nope', firstName: '' }, amountCents: 10.5 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ error: 'bad_request', message: 'invalid body' });
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'amountCents',
      'customer.email',
      'customer.firstName',
    ]);
    for (const issue of body.issues) expect(issue.message).toEqual(expect.any(String));
  });

  it('a valid body reaches the handler typed', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/quotes',
      payload: { customer: { email: 'a@b.fr', firstName: 'Jean' }, amountCents: 12_000 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ amountCents: 12_000 });
  });

  it('validate() throws a 400 naming what was invalid', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: '/manual', payload: { customer: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'bad_request',
      message: 'invalid quote request',
      issues: [
        { path: 'customer.email', message: expect.any(String) },
        { path: 'customer.firstName', message: expect.any(String) },
        { path: 'amountCents', message: expect.any(String) },
      ],
    });
  });

  it('HttpError keeps its status, code and message', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/things/00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'conflict', message: 'thing already taken' });
  });

  it('an unexpected error is a bare 500: no message, no stack; the log has it, masked', async () => {
    const { app, logs } = build();
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal_error', message: 'internal server error' });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('at ');
    const failure = logs().find((l) => l.msg === 'request failed');
    expect(failure.err.message).toBe('db password hunter2 rejected for j***@example.fr');
  });

  it('a body over the limit is 413', async () => {
    const { app } = build({ bodyLimit: 64 });
    const res = await app.inject({
      method: 'POST',
      url: '/quotes',
      payload: { customer: { email: 'a@b.fr', firstName: 'x'.repeat(200) }, amountCents: 1 },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'payload_too_large', message: 'request body exceeds 64 bytes' });
  });

  it('an unsupported content type is 415', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/quotes',
      headers: { 'content-type': 'application/xml' },
      payload: '<quote/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('malformed JSON is 400', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/quotes',
      headers: { 'content-type': 'application/json' },
      payload: '{"customer":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', message: 'request body is not valid JSON' });
  });

  it('an unknown route is a JSON 404 without the query string', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/nowhere?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'no route for GET /nowhere' });
  });
});

describe('request logging', () => {
  it('logs one line per request with route and status, never the query string', async () => {
    const { app, logs } = build();
    await app.inject({ method: 'GET', url: '/things/0b7e4a52-3d6f-4a55-9e0a-2f1c9d1e8b11?sig=s3cr3t' });
    const line = logs().find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({
      method: 'GET',
      path: '/things/0b7e4a52-3d6f-4a55-9e0a-2f1c9d1e8b11',
      route: '/things/:id',
      statusCode: 200,
    });
    expect(JSON.stringify(logs())).not.toContain('s3cr3t');
  });
});
