import { type HttpApp, HttpError } from '@express-quote/service-kit';
import { z } from 'zod';
import { statusesOf, WebhookPayload } from '../domain/webhook-payload.ts';
import { sameSecret, verifyHubSignature } from '../domain/webhook-signature.ts';
import type { createStatusProcessor } from '../handlers/status-webhook.ts';

export interface WebhookDeps {
  appSecret: string;
  verifyToken: string;
  process: ReturnType<typeof createStatusProcessor>;
}

const Verification = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string().min(1),
  'hub.challenge': z.string().min(1).max(200),
});

/**
 * `GET /api/webhooks/whatsapp`: Meta's subscription check (hub.mode=subscribe, our verify token, echo the
 * challenge). `POST /api/webhooks/whatsapp`: status webhooks, signed with `X-Hub-Signature-256` over the raw body:
 * unsigned or forged → 403 before anything is read or written. 200 once every status is recorded; 503 when one
 * could not be (Meta retries).
 */
export const whatsAppWebhookRoutes = (deps: WebhookDeps) => async (app: HttpApp) => {
  // The signature covers the exact bytes: keep them (this plugin's scope only).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  app.get('/api/webhooks/whatsapp', async (request, reply) => {
    const query = Verification.safeParse(request.query);
    if (!query.success || !sameSecret(query.data['hub.verify_token'], deps.verifyToken)) {
      throw new HttpError(403, 'forbidden', 'verification refused');
    }
    return reply.type('text/plain').send(query.data['hub.challenge']);
  });

  app.post('/api/webhooks/whatsapp', async (request, reply) => {
    const raw = request.body;
    const signature = request.headers['x-hub-signature-256'];
    if (
      !Buffer.isBuffer(raw) ||
      !verifyHubSignature(deps.appSecret, raw, typeof signature === 'string' ? signature : undefined)
    ) {
      throw new HttpError(
        403,
        'forbidden',
        signature ? 'invalid X-Hub-Signature-256' : 'missing X-Hub-Signature-256',
      );
    }
    let payload: z.infer<typeof WebhookPayload>;
    try {
      payload = WebhookPayload.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      // Signed by Meta but not a shape we know: acknowledged so it is not retried for days, and logged.
      request.log.warn('signed WhatsApp webhook with an unknown shape ignored');
      return reply.code(200).send({ status: 'ignored' });
    }
    try {
      for (const status of statusesOf(payload)) await deps.process(status, request.log);
    } catch (error) {
      request.log.error({ err: error }, 'WhatsApp status not recorded; Meta will retry');
      throw new HttpError(503, 'service_unavailable', 'status not recorded; retry later');
    }
    return reply.code(200).send({ status: 'ok' });
  });
};
