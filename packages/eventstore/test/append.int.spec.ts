import { ContractViolation, createEvent, type Envelope } from '@express-quote/contracts';
import { waitFor } from '@express-quote/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  createEventStore,
  DuplicateEventError,
  type ExpectedVersion,
  notifyChannel,
  toEnvelope,
} from '../src/index.ts';
import {
  dropTestDatabase,
  EntryRecorded,
  entries,
  entry,
  LedgerClosed,
  SCHEMA,
  type StoreFixture,
  settle,
  setupStore,
} from './fixtures.ts';

let fx: StoreFixture;
beforeAll(async () => {
  fx = await setupStore();
});
afterAll(() => dropTestDatabase(fx?.tdb));

let counter = 0;
const newStream = () => `ledger-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

describe('append and read a stream', () => {
  it('keeps every envelope field and places events in their stream', async () => {
    const streamId = newStream();
    const first = createEvent(
      EntryRecorded,
      { amountCents: 1_250, note: 'acompte' },
      { cause: { id: 'a1b2', correlationId: 'corr-1' }, occurredAt: '2026-03-01T09:00:00.000Z' },
    );
    const second = createEvent(
      LedgerClosed,
      { reason: 'réglé' },
      { cause: first, occurredAt: '2026-03-01T09:05:00.000Z' },
    );
    const result = await fx.store.append(streamId, [first, second], { expectedVersion: 'no_stream' });
    expect(result.nextVersion).toBe(2);

    const read = await fx.store.readStream(streamId);
    expect(read.map(toEnvelope)).toEqual([
      { ...first, streamId, streamVersion: 1 },
      { ...second, streamId, streamVersion: 2 },
    ]);
    expect(read).toEqual(result.events);
    expect(read[0]!.globalPosition < read[1]!.globalPosition).toBe(true);
    // One append, one transaction: both events carry the same xid8.
    expect(read[0]!.transactionId).toBe(read[1]!.transactionId);
    expect(await fx.store.streamVersion(streamId)).toBe(2);
    expect(await fx.store.readStream(streamId, { fromVersion: 2 })).toEqual([read[1]]);
  });

  it('reports version 0 and no events for a stream that does not exist', async () => {
    expect(await fx.store.streamVersion('ledger-missing')).toBe(0);
    expect(await fx.store.readStream('ledger-missing')).toEqual([]);
  });

  it('records the stream type from the stream id prefix, or the one given', async () => {
    const a = newStream();
    await fx.store.append(a, [entry(1)], { expectedVersion: 'no_stream' });
    await fx.store.append('custom', [entry(1)], { expectedVersion: 'no_stream', streamType: 'special' });
    const rows = await fx.tdb.db
      .withSchema(SCHEMA)
      .selectFrom('streams')
      .select(['stream_id', 'stream_type'])
      .where('stream_id', 'in', [a, 'custom'])
      .orderBy('stream_id')
      .execute();
    expect(rows).toEqual([
      { stream_id: 'custom', stream_type: 'special' },
      { stream_id: a, stream_type: 'ledger' },
    ]);
  });
});

describe('expected version', () => {
  // given: a stream at `existing` events (0 = none); when: append 2 events at `expected`;
  // outcome: the new version, or a conflict with the actual version.
  const cases: Array<{
    existing: number;
    expected: ExpectedVersion;
    outcome: number | { conflict: number };
  }> = [
    { existing: 0, expected: 'no_stream', outcome: 2 },
    { existing: 1, expected: 'no_stream', outcome: { conflict: 1 } },
    { existing: 0, expected: 0, outcome: 2 },
    { existing: 3, expected: 0, outcome: { conflict: 3 } },
    { existing: 3, expected: 3, outcome: 5 },
    { existing: 3, expected: 2, outcome: { conflict: 3 } },
    { existing: 3, expected: 4, outcome: { conflict: 3 } },
    { existing: 0, expected: 2, outcome: { conflict: 0 } },
    { existing: 0, expected: 'any', outcome: 2 },
    { existing: 3, expected: 'any', outcome: 5 },
  ];

  it.each(cases)(
    'stream at $existing, expected $expected → $outcome',
    async ({ existing, expected, outcome }) => {
      const streamId = newStream();
      if (existing > 0) await fx.store.append(streamId, entries(existing), { expectedVersion: 'no_stream' });
      const attempt = fx.store.append(streamId, entries(2), { expectedVersion: expected });
      if (typeof outcome === 'number') {
        expect((await attempt).nextVersion).toBe(outcome);
        expect((await fx.store.readStream(streamId)).map((e) => e.streamVersion)).toEqual(
          Array.from({ length: outcome }, (_, i) => i + 1),
        );
      } else {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId, expected, actual: outcome.conflict });
        // A refused append writes nothing.
        expect(await fx.store.readStream(streamId)).toHaveLength(existing);
        expect(await fx.store.streamVersion(streamId)).toBe(existing);
      }
    },
  );

  it('lets exactly one of 50 concurrent appends at the same version win, leaving no gap', async () => {
    const streamId = newStream();
    await fx.store.append(streamId, entries(1), { expectedVersion: 'no_stream' });
    const { fulfilled, rejected } = await settle(
      Array.from({ length: 50 }, () => fx.store.append(streamId, entries(2), { expectedVersion: 1 })),
    );
    expect(fulfilled).toHaveLength(1);
    expect(fulfilled[0]!.nextVersion).toBe(3);
    expect(rejected).toHaveLength(49);
    for (const error of rejected) expect(error).toBeInstanceOf(ConcurrencyError);
    const versions = (await fx.store.readStream(streamId)).map((e) => e.streamVersion);
    expect(versions).toEqual([1, 2, 3]);
  });

  it('lets exactly one of 50 concurrent creations of the same stream win', async () => {
    const streamId = newStream();
    const { fulfilled, rejected } = await settle(
      Array.from({ length: 50 }, () =>
        fx.store.append(streamId, entries(1), { expectedVersion: 'no_stream' }),
      ),
    );
    expect(fulfilled).toHaveLength(1);
    expect(rejected.every((e) => e instanceof ConcurrencyError)).toBe(true);
    expect(await fx.store.streamVersion(streamId)).toBe(1);
  });

  it("serializes 50 concurrent 'any' appends into contiguous versions", async () => {
    const streamId = newStream();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => fx.store.append(streamId, entries(2), { expectedVersion: 'any' })),
    );
    expect(new Set(results.map((r) => r.nextVersion)).size).toBe(50);
    const versions = (await fx.store.readStream(streamId)).map((e) => e.streamVersion);
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe('idempotency', () => {
  it('refuses an event id that is already stored, atomically, with DuplicateEventError', async () => {
    const original = entry(10);
    const a = newStream();
    await fx.store.append(a, [original], { expectedVersion: 'no_stream' });
    const b = newStream();
    const error = await fx.store
      .append(b, [entry(11), original], { expectedVersion: 'no_stream' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateEventError);
    expect((error as DuplicateEventError).eventIds).toEqual([original.id]);
    // The stream row created by the failed append was rolled back with it.
    expect(await fx.store.streamVersion(b)).toBe(0);
    expect(await fx.store.readStream(a)).toHaveLength(1);
  });
});

describe('input validation', () => {
  const bad: Array<[string, () => Envelope[], RegExp]> = [
    ['no events', () => [], /no events/],
    ['an envelope without correlationId', () => [{ ...entry(1), correlationId: '' }], /correlationId/],
    ['an unknown event type', () => [{ ...entry(1), type: 'ledger.unheard_of' }], /unknown event type/],
    ['data that breaks the schema', () => [{ ...entry(1), data: { amountCents: 1.5 } }], /amountCents/],
    ['an old schema version', () => [{ ...entry(1), version: 2 }], /current version 1/],
    ['an envelope of another stream', () => [{ ...entry(1), streamId: 'ledger-other' }], /belongs to stream/],
    [
      'the same id twice',
      () => {
        const e = entry(1);
        return [e, e];
      },
      /appears twice/,
    ],
  ];

  it.each(bad)('refuses %s with a ContractViolation', async (_, events, message) => {
    const streamId = newStream();
    const error = await fx.store
      .append(streamId, events(), { expectedVersion: 'any' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect(String((error as Error).message)).toMatch(message);
    expect(await fx.store.streamVersion(streamId)).toBe(0);
  });

  it('refuses an invalid expected version or stream id', async () => {
    await expect(fx.store.append(newStream(), [entry(1)], { expectedVersion: -1 })).rejects.toThrow(
      /expectedVersion/,
    );
    await expect(fx.store.append('', [entry(1)], { expectedVersion: 'any' })).rejects.toThrow(/stream id/);
  });

  it('stores the data as parsed by its schema', async () => {
    const streamId = newStream();
    const event = { ...entry(1), data: { amountCents: 5, extra: 'dropped by the schema' } };
    await fx.store.append(streamId, [event], { expectedVersion: 'no_stream' });
    expect((await fx.store.readStream(streamId))[0]!.data).toEqual({ amountCents: 5 });
  });
});

describe("the caller's transaction", () => {
  beforeAll(async () => {
    await sql`create table ledger.unique_refs (ref text primary key)`.execute(fx.tdb.db);
  });

  const appendWithRef = (streamId: string, ref: string) =>
    fx.tdb.db.transaction().execute(async (trx) => {
      await trx.withSchema(SCHEMA).insertInto('unique_refs').values({ ref }).execute();
      return fx.store.append(streamId, [entry(1)], { expectedVersion: 'no_stream', trx });
    });

  it('commits the append together with the caller rows, or neither', async () => {
    const a = newStream();
    await appendWithRef(a, 'REF-1');
    expect(await fx.store.streamVersion(a)).toBe(1);

    const b = newStream();
    await expect(appendWithRef(b, 'REF-1')).rejects.toThrow(/unique_refs_pkey/);
    expect(await fx.store.streamVersion(b)).toBe(0);

    const c = newStream();
    await expect(
      fx.tdb.db.transaction().execute(async (trx) => {
        await fx.store.append(c, [entry(1)], { expectedVersion: 'no_stream', trx });
        throw new Error('caller changed its mind');
      }),
    ).rejects.toThrow(/changed its mind/);
    expect(await fx.store.readStream(c)).toEqual([]);
  });

  it('keeps the caller transaction usable after a version conflict', async () => {
    const streamId = newStream();
    await fx.store.append(streamId, [entry(1)], { expectedVersion: 'no_stream' });
    const version = await fx.tdb.db.transaction().execute(async (trx) => {
      const conflict = await fx.store
        .append(streamId, [entry(2)], { expectedVersion: 'no_stream', trx })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ConcurrencyError);
      return (await fx.store.append(streamId, [entry(2)], { expectedVersion: 1, trx })).nextVersion;
    });
    expect(version).toBe(2);
  });

  it('bounds how long the appending transaction may stay idle, for that transaction only', async () => {
    await fx.tdb.db.connection().execute(async (conn) => {
      const inside = await conn.transaction().execute(async (trx) => {
        await fx.store.append(newStream(), [entry(1)], { expectedVersion: 'no_stream', trx });
        return sql<{ v: string }>`select current_setting('idle_in_transaction_session_timeout') as v`.execute(
          trx,
        );
      });
      expect(inside.rows[0]?.v).toBe('10s');
      const after = await sql<{
        v: string;
      }>`select current_setting('idle_in_transaction_session_timeout') as v`.execute(conn);
      expect(after.rows[0]?.v).toBe('0');
    });
  });

  it('refuses a trx that is not a transaction', async () => {
    await expect(
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
      fx.store.append(newStream(), [entry(1)], { expectedVersion: 'any', trx: fx.tdb.db as any }),
    ).rejects.toThrow(/not a transaction/);
  });
});

describe('notifications', () => {
  it('notifies the store channel when an append commits, not before, unless turned off', async () => {
    const quiet = createEventStore(fx.tdb.db, { schema: SCHEMA, notify: false });
    const listener = new pg.Client({ connectionString: fx.tdb.url });
    await listener.connect();
    try {
      const received: string[] = [];
      listener.on('notification', (n) => received.push(n.channel));
      await listener.query(`LISTEN ${listener.escapeIdentifier(notifyChannel(SCHEMA))}`);
      const trx = await fx.tdb.db.startTransaction().execute();
      await fx.store.append(newStream(), [entry(1), entry(2)], { expectedVersion: 'no_stream', trx });
      await fx.store.append(newStream(), [entry(3)], { expectedVersion: 'no_stream', trx });
      // A round trip on the listening session flushes anything already sent to it.
      await listener.query('select 1');
      expect(received).toEqual([]);
      await trx.commit().execute();
      // One per transaction: Postgres folds identical notifications of a transaction.
      await waitFor('notification', () => received.length > 0);
      expect(received).toEqual(['eventstore_ledger']);

      await quiet.append(newStream(), [entry(4)], { expectedVersion: 'no_stream' });
      await fx.store.append(newStream(), [entry(5)], { expectedVersion: 'no_stream' });
      // Notifications arrive in commit order: had the quiet append notified, it would be here already.
      await waitFor('second notification', () => received.length > 1);
      await listener.query('select 1');
      expect(received).toEqual(['eventstore_ledger', 'eventstore_ledger']);
    } finally {
      await listener.end();
    }
  });
});
