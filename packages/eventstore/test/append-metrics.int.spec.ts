import { ContractViolation } from '@express-quote/contracts';
import { sql } from 'kysely';
import { type MetricValueWithName, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  createEventStore,
  DuplicateEventError,
  type EventStore,
  migrateEventStore,
  StaleTransactionError,
} from '../src/index.ts';
import { dropTestDatabase, entry, SCHEMA, type StoreFixture, setupStore } from './fixtures.ts';

let fx: StoreFixture;
let registry: Registry;
let store: EventStore;
beforeAll(async () => {
  fx = await setupStore();
  registry = new Registry();
  store = createEventStore(fx.tdb.db, { schema: SCHEMA, registry });
  await sql`create table ledger.scratch (n int)`.execute(fx.tdb.db);
});
afterAll(() => dropTestDatabase(fx?.tdb));

let counter = 0;
const newStream = () => `ledger-m${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** The value of the series `name` (a histogram's `_count`, `_sum`, `_bucket` too) with these labels, if any. */
const seriesValue = async (name: string, labels: Record<string, string>, on = registry) => {
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = on.getSingleMetric(base);
  if (!metric) return undefined;
  const values = (await metric.get()).values as MetricValueWithName<string>[];
  return values.find(
    (v) =>
      (v.metricName ?? base) === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  )?.value;
};
const appendCount = (schema = SCHEMA, on = registry) =>
  seriesValue('eq_eventstore_append_seconds_count', { schema }, on);
const conflicts = (schema = SCHEMA, on = registry) =>
  seriesValue('eq_eventstore_append_conflicts_total', { schema }, on);

describe('append metrics', () => {
  it('start with no append observed and a conflict count of 0 for the schema', async () => {
    const fresh = new Registry();
    createEventStore(fx.tdb.db, { schema: SCHEMA, registry: fresh });
    expect(await conflicts(SCHEMA, fresh)).toBe(0);
    expect(await appendCount(SCHEMA, fresh)).toBeUndefined();
  });

  it('time every successful append, alone or inside the caller transaction', async () => {
    const before = (await appendCount()) ?? 0;
    const a = newStream();
    await store.append(a, [entry(1), entry(2)], { expectedVersion: 'no_stream' });
    await store.append(a, [entry(3)], { expectedVersion: 2 });
    await fx.tdb.db
      .transaction()
      .execute((trx) => store.append(newStream(), [entry(1)], { expectedVersion: 'no_stream', trx }));
    expect(await appendCount()).toBe(before + 3);
    const sum = await seriesValue('eq_eventstore_append_seconds_sum', { schema: SCHEMA });
    expect(sum).toBeGreaterThan(0);
    // The buckets are cumulative: the +Inf bucket holds every observation.
    expect(await seriesValue('eq_eventstore_append_seconds_bucket', { schema: SCHEMA, le: '+Inf' })).toBe(
      before + 3,
    );
  });

  it('count a lost expected version as a conflict, not as an append', async () => {
    const streamId = newStream();
    await store.append(streamId, [entry(1)], { expectedVersion: 'no_stream' });
    const [appends, conflicted] = [await appendCount(), await conflicts()];
    await expect(store.append(streamId, [entry(2)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await expect(store.append(streamId, [entry(2)], { expectedVersion: 7 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await conflicts()).toBe(conflicted! + 2);
    expect(await appendCount()).toBe(appends);
  });

  it('count a stale caller transaction as a conflict', async () => {
    const streamId = newStream();
    await store.append(streamId, [entry(1)], { expectedVersion: 'no_stream' });
    const conflicted = (await conflicts())!;
    const trx = await fx.tdb.db.startTransaction().execute();
    try {
      // The caller writes first (its xid is taken), then another append to the stream commits.
      await sql`insert into ledger.scratch values (1)`.execute(trx);
      await store.append(streamId, [entry(2)], { expectedVersion: 1 });
      await expect(
        store.append(streamId, [entry(3)], { expectedVersion: 'any', trx }),
      ).rejects.toBeInstanceOf(StaleTransactionError);
    } finally {
      await trx.rollback().execute();
    }
    expect(await conflicts()).toBe(conflicted + 1);
  });

  it('leave refused appends out: duplicates and invalid input say nothing about contention', async () => {
    const streamId = newStream();
    const first = entry(1);
    await store.append(streamId, [first], { expectedVersion: 'no_stream' });
    const [appends, conflicted] = [await appendCount(), await conflicts()];
    await expect(store.append(streamId, [first], { expectedVersion: 'any' })).rejects.toBeInstanceOf(
      DuplicateEventError,
    );
    await expect(store.append(streamId, [], { expectedVersion: 'any' })).rejects.toBeInstanceOf(
      ContractViolation,
    );
    expect(await appendCount()).toBe(appends);
    expect(await conflicts()).toBe(conflicted);
  });

  it('share the two metrics between the stores of one registry, one series per schema', async () => {
    await migrateEventStore(fx.tdb.db, 'other_ledger');
    const other = createEventStore(fx.tdb.db, { schema: 'other_ledger', registry });
    const mine = (await appendCount())!;
    await other.append(newStream(), [entry(1)], { expectedVersion: 'no_stream' });
    await other.append(newStream(), [entry(1)], { expectedVersion: 'no_stream' });
    expect(await appendCount('other_ledger')).toBe(2);
    expect(await conflicts('other_ledger')).toBe(0);
    expect(await appendCount()).toBe(mine);
  });

  it('are not recorded by a store created without a registry', async () => {
    const before = (await appendCount())!;
    await fx.store.append(newStream(), [entry(1)], { expectedVersion: 'no_stream' });
    expect(await appendCount()).toBe(before);
  });
});
