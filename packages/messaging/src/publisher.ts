import {
  ContractViolation,
  type Envelope,
  EnvelopeSchema,
  eventDefinition,
  type Namespace,
  parseEvent,
} from '@express-quote/contracts';
import { type JetStreamClient, jetstream, type PubAck } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { EqHeaders } from './headers.ts';

export interface PublishOptions {
  /**
   * Subject relative to the namespace (e.g. `notify.email.high`). Defaults to the registry subject of the
   * event's type.
   */
  subject?: string;
  /** Milliseconds to wait for the stream's acknowledgement (default: the connection's request timeout). */
  timeoutMs?: number;
}

export interface Publisher {
  /**
   * Publishes an event with msgID = event.id and waits for the stream to store it. A second publish of the same
   * id within the stream's duplicate window is dropped by JetStream: the ack then says `duplicate: true`.
   */
  publish(event: Envelope, options?: PublishOptions): Promise<PubAck>;
}

const RELATIVE_SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

export const createPublisher = (nc: NatsConnection, ns: Namespace): Publisher => {
  const js: JetStreamClient = jetstream(nc);
  return {
    async publish(event, options = {}) {
      const def = eventDefinition(event.type);
      if (!options.subject && !def) {
        throw new PublishError(
          `cannot publish ${event.type}: the type is not registered in @express-quote/contracts and no subject was given`,
        );
      }
      if (options.subject !== undefined && !RELATIVE_SUBJECT.test(options.subject)) {
        throw new PublishError(`invalid subject "${options.subject}": tokens of letters, digits, "-", "_"`);
      }
      // Refuse to put an event into a stream that its consumers would have to terminate.
      if (def) parseEvent(event, [def]);
      else {
        const envelope = EnvelopeSchema.safeParse(event);
        if (!envelope.success) throw new ContractViolation(`invalid envelope for ${event.type}`);
      }
      const subject = ns.subject(options.subject ?? def!.subject);
      const h = headers();
      h.set(EqHeaders.Type, event.type);
      h.set(EqHeaders.Version, String(event.version));
      h.set(EqHeaders.CorrelationId, event.correlationId);
      h.set(EqHeaders.CausationId, event.causationId);
      try {
        return await js.publish(subject, JSON.stringify(event), {
          msgID: event.id,
          headers: h,
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        });
      } catch (error) {
        throw new PublishError(
          `publishing ${event.type} ${event.id} to ${subject} failed: ${(error as Error).message}` +
            // Nothing answering a JetStream publish reads as "jetstream is not enabled" in nats.js.
            (/no responders|jetstream is not enabled/i.test((error as Error).message)
              ? ' (no stream captures this subject, or JetStream is unavailable: is the stream declared?)'
              : ''),
          { cause: error },
        );
      }
    },
  };
};
