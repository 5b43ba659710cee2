import type { Logger } from '@express-quote/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import {
  InvalidJsonError,
  InvalidSignatureError,
  type StripeWebhookVerifier,
} from '../adapters/stripe-webhook-verifier.ts';
import { StripeEventSchema } from '../domain/stripe-objects.ts';
import type { PaymentsMetrics } from '../metrics.ts';
import type { StripeEventReceiver } from '../receive-stripe-event.ts';

export const STRIPE_WEBHOOK_PATH = '/api/webhooks/stripe';
/** Stripe's payloads are a few kB; a megabyte is far beyond any of them. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface StripeWebhookRoutesOptions {
  verifier: StripeWebhookVerifier;
  receiver: StripeEventReceiver;
  metrics: PaymentsMetrics;
  logger: Logger;
}

/**
 * `POST /api/webhooks/stripe`. Kept in its own encapsulated plugin: its JSON parser hands over the raw bytes
 * (the signature covers them exactly), and no other content type is accepted (415).
 */
export const stripeWebhookRoutes: FastifyPluginAsync<StripeWebhookRoutesOptions> = async (app, options) => {
  const { verifier, receiver, metrics, logger } = options;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(STRIPE_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
    const startedAt = performance.now();
    const body = request.body;
    // Without a content type Fastify hands no body at all: same answer as a wrong type.
    if (!Buffer.isBuffer(body)) {
      metrics.webhook('unknown', 'unsupported_media_type');
      return reply.code(415).send({
        error: 'unsupported_media_type',
        message: 'Stripe webhooks are sent as application/json',
      });
    }

    // Decoded once: verified, parsed and stored as this same text (the payload column keeps what Stripe sent).
    const text = body.toString('utf8');
    let payload: unknown;
    try {
      payload = verifier.verify(text, request.headers['stripe-signature']);
    } catch (error) {
      if (error instanceof InvalidJsonError) {
        metrics.webhook('unknown', 'invalid_json');
        return reply.code(400).send({ error: 'invalid_json', message: error.message });
      }
      if (error instanceof InvalidSignatureError) {
        metrics.webhook('unknown', 'invalid_signature');
        logger.warn({ reason: error.message }, 'Stripe webhook refused: invalid signature');
        return reply.code(400).send({ error: 'invalid_signature', message: error.message });
      }
      throw error;
    }

    const parsed = StripeEventSchema.safeParse(payload);
    if (!parsed.success) {
      metrics.webhook('unknown', 'invalid_event');
      return reply.code(400).send({
        error: 'invalid_event',
        message: 'signed payload is not a Stripe event',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const event = parsed.data;

    let outcome: Awaited<ReturnType<StripeEventReceiver['receive']>>;
    try {
      outcome = await receiver.receive(event, text);
    } catch (error) {
      metrics.webhook(event.type, 'unavailable');
      logger.error(
        { stripeEventId: event.id, type: event.type, err: (error as Error).message },
        'Stripe event not recorded: answering 503 so that Stripe retries',
      );
      return reply.code(503).send({
        error: 'unavailable',
        message: 'the event could not be recorded; retry later',
      });
    }
    metrics.webhook(event.type, outcome);
    logger.info(
      {
        stripeEventId: event.id,
        correlationId: event.id,
        type: event.type,
        livemode: event.livemode,
        outcome,
        durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      },
      'Stripe webhook handled',
    );
    return reply.code(200).send({ received: true, outcome });
  });
};
