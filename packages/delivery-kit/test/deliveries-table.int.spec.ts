import { newEventId } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandRef, createDeliveriesTable, deliveriesLedger } from '../src/deliveries-table.ts';
import { migrateSchema } from '../src/migrations.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await migrateSchema(database.db, 'kit_channel', {
    '0001': {
      up: (db) =>
        createDeliveriesTable(db, 'kit_channel', (t) =>
          t
            .addColumn('recipient_id', 'text', (c) => c.notNull())
            .addColumn('attempts', 'integer', (c) => c.notNull())
            .addColumn('provider', 'text')
            .addColumn('provider_message_id', 'text')
            .addColumn('cost_micros', 'bigint'),
        ),
    },
  });
});
afterAll(async () => {
  await database?.drop();
});

const ref = (): CommandRef => ({
  notificationId: newEventId(),
  commandEventId: newEventId(),
  correlationId: 'evt_stripe_1',
  bookingId: null,
  template: 'booking-confirmation-sms',
});
const ledger = () => deliveriesLedger(database.db, 'kit_channel');
const markSent = (notificationId: string) =>
  sql`update kit_channel.deliveries set status = 'SENT', provider_message_id = 'm1' where notification_id = ${notificationId}`.execute(
    database.db,
  );

describe('deliveries table', () => {
  it('creates the shared columns around the channel ones, in order', async () => {
    const { rows } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns
      where table_schema = 'kit_channel' and table_name = 'deliveries' order by ordinal_position`.execute(
      database.db,
    );
    expect(rows.map((r) => r.column_name)).toEqual([
      'notification_id',
      'status',
      'command_event_id',
      'correlation_id',
      'booking_id',
      'template',
      'recipient_id',
      'attempts',
      'provider',
      'provider_message_id',
      'cost_micros',
      'sent_at',
      'failure_reason',
      'delivery_status',
      'delivery_updated_at',
      'created_at',
      'updated_at',
    ]);
  });

  it('SENDING then FAILED with the channel columns; the reason is bounded', async () => {
    const r = ref();
    await ledger().markSending(r, 1, { recipient_id: 'wa-1' });
    expect(await ledger().find(r.notificationId)).toMatchObject({
      status: 'SENDING',
      attempts: 1,
      recipient_id: 'wa-1',
    });
    await ledger().markSending(r, 2, { recipient_id: 'wa-1' });
    await ledger().markFailed(
      r,
      { attempt: 2, reason: 'x'.repeat(2000), columns: { provider: 'vonage' } },
      { recipient_id: 'wa-1' },
    );
    const row = await ledger().find(r.notificationId);
    expect(row).toMatchObject({
      status: 'FAILED',
      attempts: 2,
      provider: 'vonage',
      command_event_id: r.commandEventId,
    });
    expect(row?.failure_reason).toHaveLength(1000);
  });

  it('never downgrades a SENT row', async () => {
    const r = ref();
    await ledger().markSending(r, 1, { recipient_id: 'wa-2' });
    await markSent(r.notificationId);
    await ledger().markSending(r, 2, { recipient_id: 'wa-2' });
    await ledger().markFailed(r, { attempt: 3, reason: 'late failure' }, { recipient_id: 'wa-2' });
    expect(await ledger().find(r.notificationId)).toMatchObject({
      status: 'SENT',
      attempts: 1,
      failure_reason: null,
    });
  });

  it('keeps the newest delivery report', async () => {
    const r = ref();
    await ledger().markSending(r, 1, { recipient_id: 'wa-3' });
    await ledger().recordDeliveryStatus(r.notificationId, 'read', new Date('2026-06-01T10:00:05Z'));
    await ledger().recordDeliveryStatus(r.notificationId, 'delivered', new Date('2026-06-01T10:00:01Z'));
    expect(await ledger().find(r.notificationId)).toMatchObject({
      delivery_status: 'read',
      delivery_updated_at: new Date('2026-06-01T10:00:05Z'),
    });
  });
});
