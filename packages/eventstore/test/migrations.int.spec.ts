import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, migrateEventStore } from '../src/index.ts';
import { dropTestDatabase, entry } from './fixtures.ts';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => dropTestDatabase(tdb));

describe('migrateEventStore', () => {
  it('survives concurrent starts and re-runs, creating the tables once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => migrateEventStore(tdb.db, 'booking')),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await migrateEventStore(tdb.db, 'booking');

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'booking'`.execute(tdb.db);
    expect(tables.rows.map((r) => r.table_name).sort()).toEqual([
      'checkpoints',
      'events',
      'eventstore_migration',
      'eventstore_migration_lock',
      'streams',
    ]);
    const applied = await sql<{ name: string }>`select name from booking.eventstore_migration`.execute(
      tdb.db,
    );
    expect(applied.rows.map((r) => r.name)).toEqual(['0001_event_store']);
    const xid8 = await sql<{ data_type: string }>`
      select data_type from information_schema.columns
      where table_schema = 'booking' and table_name = 'events' and column_name = 'transaction_id'`.execute(
      tdb.db,
    );
    expect(xid8.rows[0]?.data_type).toBe('xid8');
    const index = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where schemaname = 'booking' and indexname = 'events_transaction_position_idx'`.execute(
      tdb.db,
    );
    expect(index.rows[0]?.indexdef).toMatch(/\(transaction_id, global_position\)/);
  });

  it('keeps the stores of two schemas apart', async () => {
    await migrateEventStore(tdb.db, 'alpha');
    await migrateEventStore(tdb.db, 'beta');
    const alpha = createEventStore(tdb.db, { schema: 'alpha' });
    const beta = createEventStore(tdb.db, { schema: 'beta' });
    await alpha.append('ledger-1', [entry(1)], { expectedVersion: 'no_stream' });
    await beta.append('ledger-1', [entry(2)], { expectedVersion: 'no_stream' });
    expect((await alpha.readStream('ledger-1')).map((e) => e.data)).toEqual([{ amountCents: 1 }]);
    expect((await beta.readStream('ledger-1')).map((e) => e.data)).toEqual([{ amountCents: 2 }]);
  });

  it('refuses schema names that would need quoting', async () => {
    await expect(migrateEventStore(tdb.db, 'Booking; drop')).rejects.toThrow(/invalid event store schema/);
    expect(() => createEventStore(tdb.db, { schema: '1booking' })).toThrow(/invalid event store schema/);
  });
});
