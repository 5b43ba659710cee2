import type { Envelope } from '@express-quote/contracts';
import type { Logger } from '@express-quote/service-kit';
import type { StripeEvent } from './domain/stripe-objects.ts';
import { decideStripeEvent } from './domain/translate-stripe-event.ts';
import type { StripeEventLog } from './stripe-event-log.ts';

export type ReceiveOutcome = 'published' | 'publish_deferred' | 'recorded' | 'duplicate' | 'ignored';

export interface StripeEventReceiver {
  /**
   * Records a verified event, then publishes its envelope. Resolves once the event is durable (the answer to
   * Stripe may then be 200); rejects only when it could not be recorded (Postgres unavailable).
   */
  receive(event: StripeEvent, payloadJson: string): Promise<ReceiveOutcome>;
}

export interface StripeEventReceiverOptions {
  log: StripeEventLog;
  /** Bounded: resolves with the ack or rejects within the publish timeout. */
  publish: (envelope: Envelope) => Promise<unknown>;
  /** False while the NATS connection is down: publishing would only wait for its timeout. */
  natsConnected: () => boolean;
  logger: Logger;
}

export const createStripeEventReceiver = (options: StripeEventReceiverOptions): StripeEventReceiver => {
  const { log, publish, natsConnected, logger } = options;
  return {
    async receive(event, payloadJson) {
      const decision = decideStripeEvent(event);
      if (!decision) return 'ignored';
      const fresh = await log.record({
        id: event.id,
        type: event.type,
        livemode: event.livemode,
        payloadJson,
        outcome: decision.outcome,
        envelope: decision.envelope,
      });
      // Already recorded (Stripe retries, even days later): its envelope is published or on the relay's list.
      if (!fresh) return 'duplicate';
      if (!decision.envelope) return 'recorded';
      if (!natsConnected()) return 'publish_deferred';
      try {
        await publish(decision.envelope);
      } catch (error) {
        logger.warn(
          { stripeEventId: event.id, err: (error as Error).message },
          'publish failed after recording: the relay will publish it',
        );
        return 'publish_deferred';
      }
      try {
        await log.markPublished(event.id);
      } catch (error) {
        // Published but not marked: the relay republishes it with the same msgID, which JetStream drops.
        logger.warn(
          { stripeEventId: event.id, err: (error as Error).message },
          'could not mark an event published',
        );
      }
      return 'published';
    },
  };
};
