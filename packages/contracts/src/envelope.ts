import { z } from 'zod';

/** ISO-8601 UTC timestamp as produced by `Date.prototype.toISOString()`. */
export const IsoDateTime = z.iso.datetime({ offset: false });

/** The envelope every event and command travels in, on JetStream and in the event store. */
export const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, 'type must look like "booking.confirmed"'),
  version: z.number().int().positive(),
  occurredAt: IsoDateTime,
  streamId: z.string().min(1).optional(),
  streamVersion: z.number().int().positive().optional(),
  causationId: z.string().min(1),
  correlationId: z.string().min(1),
  data: z.unknown(),
});

export type RawEnvelope = z.infer<typeof EnvelopeSchema>;

export interface Envelope<T extends string = string, D = unknown> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  streamId?: string | undefined;
  streamVersion?: number | undefined;
  causationId: string;
  correlationId: string;
  data: D;
}
