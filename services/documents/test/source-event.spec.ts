import {
  BookingConfirmed,
  DocumentsFailed,
  deterministicId,
  type Envelope,
  ProfessionalProposed,
} from '@express-quote/contracts';
import { PermanentError, type Publisher } from '@express-quote/messaging';
import type { PubAck } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { bookingInconsistencies } from '../src/domain/invoice.ts';
import { proposalInconsistencies } from '../src/handlers/professional-proposed.ts';
import { parseSourceEvent } from '../src/handlers/source-event.ts';
import { createDocumentsMetrics } from '../src/metrics.ts';
import { bookingConfirmed, professionalProposed } from './fixtures.ts';

const now = new Date('2026-03-02T10:20:00.000Z');

const capture = (fail = false) => {
  const published: Envelope[] = [];
  const publisher: Publisher = {
    async publish(event) {
      if (fail) throw new Error('NATS unavailable');
      published.push(event);
      return { stream: 'DOCUMENTS', seq: published.length, duplicate: false } as PubAck;
    },
  };
  const deps = { publisher, metrics: createDocumentsMetrics(new Registry(), () => 0), now: () => now };
  return { deps, published };
};

describe('source event validation', () => {
  it('returns the data of a valid event and publishes nothing', async () => {
    const { deps, published } = capture();
    const event = bookingConfirmed();
    const data = await parseSourceEvent(deps, event, BookingConfirmed, bookingInconsistencies);
    expect(data.bookingId).toBe(event.data.bookingId);
    expect(published).toEqual([]);
  });

  it('turns a schema violation into documents.failed, then a PermanentError', async () => {
    const { deps, published } = capture();
    const event = bookingConfirmed();
    const broken: Envelope = { ...event, data: { ...event.data, reference: 'EQ-1', amountPaidCents: -5 } };
    await expect(
      parseSourceEvent(deps, broken, BookingConfirmed, bookingInconsistencies),
    ).rejects.toBeInstanceOf(PermanentError);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      id: deterministicId(event.id, DocumentsFailed.type),
      type: DocumentsFailed.type,
      causationId: event.id,
      correlationId: event.correlationId,
      occurredAt: now.toISOString(),
      data: {
        sourceEventId: event.id,
        sourceEventType: 'booking.confirmed',
        bookingId: event.data.bookingId,
      },
    });
    const reason = (published[0]!.data as { reason: string }).reason;
    expect(reason).toContain('reference');
    expect(reason).toContain('amountPaidCents');
  });

  it('refuses a proposal whose links are not web links (they become clickable in the PDF)', async () => {
    const { deps, published } = capture();
    const event = professionalProposed({ acceptUrl: 'javascript:alert(1)' });
    await expect(
      parseSourceEvent(deps, event, ProfessionalProposed, proposalInconsistencies),
    ).rejects.toBeInstanceOf(PermanentError);
    expect(published[0]!.data).toMatchObject({
      sourceEventType: ProfessionalProposed.type,
      bookingId: event.data.booking.bookingId,
      reason: 'inconsistent attribution.professional_proposed: acceptUrl must be an http(s) link',
    });
  });

  it('retries (no PermanentError) when the failure itself cannot be published', async () => {
    const { deps } = capture(true);
    const event = bookingConfirmed();
    const broken: Envelope = { ...event, data: { nothing: 'useful' } };
    const error = await parseSourceEvent(deps, broken, BookingConfirmed, bookingInconsistencies).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toBe('NATS unavailable');
  });
});
