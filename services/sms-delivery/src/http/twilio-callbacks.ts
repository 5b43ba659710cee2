import { statusEvents, subjectOfRow } from '@express-quote/delivery-kit';
import type { Publisher } from '@express-quote/messaging';
import { type HttpApp, HttpError } from '@express-quote/service-kit';
import twilio from 'twilio';
import { z } from 'zod';
import type { DeliveryRecords } from '../delivery-records.ts';
import { interpretTwilioStatus } from '../domain/twilio-status.ts';
import type { SmsMetrics } from '../metrics.ts';

export interface TwilioCallbackDeps {
  authToken: string;
  /** The origin Twilio calls (the signature covers the full URL); null: the request's own origin. */
  publicBaseUrl: string | null;
  records: DeliveryRecords;
  publisher: Publisher;
  metrics: SmsMetrics;
  now?: () => Date;
}

const Params = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/, 'must be a message SID'),
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().max(10).optional(),
});
const Query = z.object({ notificationId: z.uuid().optional() });

const events = statusEvents('sms');

/**
 * `POST /api/callbacks/twilio`: Twilio's status callback for one message, form-encoded and signed with
 * `X-Twilio-Signature` (HMAC-SHA1 of the URL and the sorted parameters with our auth token). Nothing is read or
 * written before the signature checks out: unsigned or forged → 403. The notification id is in the callback URL
 * we gave Twilio (so a callback racing our own SENT record still finds it), and the URL is covered by the signature.
 */
export const twilioCallbackRoutes = (deps: TwilioCallbackDeps) => async (app: HttpApp) => {
  const now = deps.now ?? (() => new Date());
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.post('/api/callbacks/twilio', async (request, reply) => {
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || signature === '') {
      throw new HttpError(403, 'forbidden', 'missing X-Twilio-Signature');
    }
    const params = (request.body ?? {}) as Record<string, string>;
    const origin = deps.publicBaseUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
    if (
      typeof request.body !== 'object' ||
      !twilio.validateRequest(deps.authToken, signature, `${origin}${request.url}`, params)
    ) {
      throw new HttpError(403, 'forbidden', 'invalid X-Twilio-Signature');
    }
    const parsed = Params.safeParse(params);
    const query = Query.safeParse(request.query);
    if (!parsed.success || !query.success) {
      throw new HttpError(400, 'bad_request', 'not a message status callback');
    }
    const { MessageSid: sid, MessageStatus: status } = parsed.data;
    const record = query.data.notificationId
      ? await deps.records.find(query.data.notificationId)
      : await deps.records.findByProviderMessage('twilio', sid);
    if (!record) {
      // Signed by Twilio but not ours (another app on the account, or a purged row): nothing to report.
      request.log.info({ messageSid: sid, status }, 'status callback for an unknown message ignored');
      return reply.code(204).send();
    }
    const receipt = interpretTwilioStatus(status, parsed.data.ErrorCode ?? null);
    deps.metrics.deliveryReports.inc({ channel: 'sms', provider: 'twilio', status });
    if (receipt.kind === 'progress') return reply.code(204).send();

    const at = now();
    const subject = subjectOfRow(record);
    const event =
      receipt.kind === 'delivered'
        ? events.delivered(subject, at, {
            provider: 'twilio',
            providerMessageId: sid,
            status: receipt.status,
          })
        : events.undelivered(subject, at, {
            provider: 'twilio',
            providerMessageId: sid,
            reason: receipt.reason,
            errorCode: receipt.errorCode,
          });
    try {
      await deps.publisher.publish(event);
    } catch (error) {
      request.log.error(
        { err: error, notificationId: record.notification_id },
        'could not publish the delivery report',
      );
      throw new HttpError(503, 'service_unavailable', 'delivery report not recorded; retry later');
    }
    await deps.records.recordDeliveryStatus(record.notification_id, status, at);
    request.log.info(
      { notificationId: record.notification_id, messageSid: sid, status, event: event.type },
      'delivery report recorded',
    );
    return reply.code(204).send();
  });
};
