import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError, DuplicateEventError, type EventStore, handleCommand } from '../src/index.ts';
import { dropTestDatabase, entry, type StoreFixture, setupStore } from './fixtures.ts';
import { close, InsufficientBalance, type LedgerCommand, ledger, meta, record } from './ledger-decider.ts';

let fx: StoreFixture;
beforeAll(async () => {
  fx = await setupStore();
});
afterAll(() => dropTestDatabase(fx?.tdb));

let counter = 0;
const newStream = () => `ledger-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** Counts the decider's decisions, to see how many attempts a command took. */
const countingLedger = () => {
  const calls = { decide: 0 };
  return {
    calls,
    decider: {
      ...ledger,
      decide: (command: LedgerCommand, state: ReturnType<typeof ledger.initialState>) => {
        calls.decide++;
        return ledger.decide(command, state);
      },
    },
  };
};

/** A store whose first `races` appends lose to a competing writer that slips in an entry just before. */
const racingStore = (store: EventStore, races: number, competingCents = 1_000): EventStore => {
  let remaining = races;
  return {
    ...store,
    async append(streamId, events, options) {
      if (remaining > 0) {
        remaining--;
        await store.append(streamId, [entry(competingCents)], { expectedVersion: 'any' });
      }
      return store.append(streamId, events, options);
    },
  };
};

describe('handleCommand', () => {
  it('creates the stream, then appends at the loaded version, returning the new state', async () => {
    const streamId = newStream();
    const first = await handleCommand({ store: fx.store, streamId, decider: ledger, command: record(500) });
    expect(first.nextVersion).toBe(1);
    expect(first.state).toEqual({ balanceCents: 500, entries: 1, closed: false });
    const second = await handleCommand({ store: fx.store, streamId, decider: ledger, command: record(-200) });
    expect(second.nextVersion).toBe(2);
    expect(second.state.balanceCents).toBe(300);
    const stored = await fx.store.readStream(streamId);
    expect(stored.map((e) => e.data)).toEqual([{ amountCents: 500 }, { amountCents: -200 }]);
    expect(stored[0]).toMatchObject({
      causationId: 'evt_cause',
      correlationId: 'corr-ledger',
      occurredAt: '2026-03-01T10:00:00.000Z',
    });
    expect(second.events).toEqual([stored[1]]);
  });

  it('appends nothing when the decider has nothing to say', async () => {
    const streamId = newStream();
    await handleCommand({ store: fx.store, streamId, decider: ledger, command: close('fin') });
    const again = await handleCommand({
      store: fx.store,
      streamId,
      decider: ledger,
      command: close('encore', meta('evt_other')),
    });
    expect(again.events).toEqual([]);
    expect(again.nextVersion).toBe(1);
    expect(again.state.closed).toBe(true);
  });

  it('lets a domain error through without retrying', async () => {
    const streamId = newStream();
    const { calls, decider } = countingLedger();
    await expect(
      handleCommand({ store: fx.store, streamId, decider, command: record(-1) }),
    ).rejects.toBeInstanceOf(InsufficientBalance);
    expect(calls.decide).toBe(1);
    expect(await fx.store.streamVersion(streamId)).toBe(0);
  });

  it('reloads and decides again after conflicts, then appends after the competing events', async () => {
    const streamId = newStream();
    const { calls, decider } = countingLedger();
    const result = await handleCommand({
      store: racingStore(fx.store, 2),
      streamId,
      decider,
      command: record(5),
    });
    expect(calls.decide).toBe(3);
    expect(result.state.balanceCents).toBe(2_005);
    expect(result.nextVersion).toBe(3);
    expect((await fx.store.readStream(streamId)).map((e) => e.data)).toEqual([
      { amountCents: 1_000 },
      { amountCents: 1_000 },
      { amountCents: 5 },
    ]);
  });

  it('decides the retry on the fresh state, not the stale one', async () => {
    const streamId = newStream();
    await handleCommand({ store: fx.store, streamId, decider: ledger, command: record(2_000) });
    const { calls, decider } = countingLedger();
    // Allowed against the loaded 2 000, refused once the competitor's -1 000 is seen.
    await expect(
      handleCommand({ store: racingStore(fx.store, 1, -1_000), streamId, decider, command: record(-1_500) }),
    ).rejects.toBeInstanceOf(InsufficientBalance);
    expect(calls.decide).toBe(2);
    expect((await fx.store.readStream(streamId)).map((e) => e.data)).toEqual([
      { amountCents: 2_000 },
      { amountCents: -1_000 },
    ]);
  });

  it('gives up with ConcurrencyError after maxRetries', async () => {
    const streamId = newStream();
    const { calls, decider } = countingLedger();
    const error = await handleCommand({
      store: racingStore(fx.store, 10),
      streamId,
      decider,
      command: record(5),
      maxRetries: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(calls.decide).toBe(4);
    // Only the competitors' entries were stored.
    expect((await fx.store.readStream(streamId)).map((e) => e.data)).toEqual(
      Array.from({ length: 4 }, () => ({ amountCents: 1_000 })),
    );
  });

  it('succeeds for every one of 10 truly concurrent commands on one stream', async () => {
    const streamId = newStream();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        handleCommand({
          store: fx.store,
          streamId,
          decider: ledger,
          command: record(100, meta(`evt_${i}`)),
          maxRetries: 50,
        }),
      ),
    );
    expect(results.map((r) => r.nextVersion).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(await fx.store.streamVersion(streamId)).toBe(10);
  });

  it('refuses to apply a redelivered command twice (same derived ids)', async () => {
    const streamId = newStream();
    await handleCommand({
      store: fx.store,
      streamId,
      decider: ledger,
      command: record(700, meta('evt_once')),
    });
    const error = await handleCommand({
      store: fx.store,
      streamId,
      decider: ledger,
      command: record(700, meta('evt_once')),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateEventError);
    expect(await fx.store.streamVersion(streamId)).toBe(1);
  });

  it("runs inside the caller's transaction", async () => {
    const streamId = newStream();
    await expect(
      fx.tdb.db.transaction().execute(async (trx) => {
        const result = await handleCommand({
          store: fx.store,
          streamId,
          decider: ledger,
          command: record(5),
          trx,
        });
        expect(result.nextVersion).toBe(1);
        expect(await fx.store.streamVersion(streamId, { trx })).toBe(1);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await fx.store.streamVersion(streamId)).toBe(0);
  });

  it('maps events with a custom toEnvelopes for commands without metadata', async () => {
    const streamId = newStream();
    const result = await handleCommand({
      store: fx.store,
      streamId,
      decider: {
        initialState: () => 0,
        evolve: (count: number) => count + 1,
        decide: (command: { amount: number }) => [
          { type: 'ledger.entry_recorded' as const, data: { amountCents: command.amount } },
        ],
      },
      command: { amount: 42 },
      toEnvelopes: (events) => events.map((e) => ({ ...entry(0), data: e.data })),
    });
    expect(result.state).toBe(1);
    expect((await fx.store.readStream(streamId))[0]!.data).toEqual({ amountCents: 42 });
  });
});
