import { createTestNats, type TestNats } from '@express-quote/testing';
import { StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consumerLag,
  ensureConsumer,
  ensureContextStream,
  ensureStream,
  TopologyConflictError,
} from '../src/index.ts';

let t: TestNats;
beforeAll(async () => {
  t = await createTestNats();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('ensureContextStream', () => {
  it('creates the context stream with the defaults, then leaves it alone when nothing changed', async () => {
    const created = await ensureContextStream(t.jsm, t.ns, 'bookings');
    expect(created.config).toMatchObject({
      name: t.ns.stream('bookings'),
      subjects: [t.ns.contextFilter('bookings')],
      storage: 'file',
      retention: 'limits',
      num_replicas: 1,
      max_age: nanos(30 * 24 * 3600 * 1000),
      duplicate_window: nanos(120_000),
      max_bytes: -1,
    });
    const again = await ensureContextStream(t.jsm, t.ns, 'bookings');
    expect(again.created).toEqual(created.created);
    expect(again.config).toEqual(created.config);
  });

  it('updates mutable limits in place and keeps the messages', async () => {
    await ensureContextStream(t.jsm, t.ns, 'payments');
    await t.js.publish(t.ns.subject('payments.kept'), 'x');
    const updated = await ensureContextStream(t.jsm, t.ns, 'payments', {
      maxAgeMs: 7 * 24 * 3600 * 1000,
      duplicateWindowMs: 60_000,
    });
    expect(updated.config.max_age).toBe(nanos(7 * 24 * 3600 * 1000));
    expect(updated.config.duplicate_window).toBe(nanos(60_000));
    expect(updated.state.messages).toBe(1);
  });

  it('refuses to change an immutable field and names it', async () => {
    await ensureContextStream(t.jsm, t.ns, 'documents');
    const attempt = ensureStream(t.jsm, {
      name: t.ns.stream('documents'),
      subjects: [t.ns.contextFilter('documents')],
      storage: StorageType.Memory,
    });
    await expect(attempt).rejects.toBeInstanceOf(TopologyConflictError);
    await expect(attempt).rejects.toThrow(/storage=file.*storage=memory/);
  });

  it('rejects invalid options before touching the server', async () => {
    await expect(ensureContextStream(t.jsm, t.ns, 'notify', { replicas: 0 })).rejects.toThrow(/replicas/);
    await expect(t.jsm.streams.info(t.ns.stream('notify'))).rejects.toThrow(/stream not found/);
  });
});

describe('ensureConsumer', () => {
  const base = () => ({
    durable: 'svc-purpose',
    filterSubject: t.ns.subject('attribution.x.>'),
    maxDeliver: 5,
    ackWaitMs: 30_000,
    maxAckPending: 100,
  });

  beforeAll(async () => {
    await ensureContextStream(t.jsm, t.ns, 'attribution');
  });

  it('creates a durable explicit-ack pull consumer, idempotently', async () => {
    const info = await ensureConsumer(t.jsm, t.ns.stream('attribution'), base());
    expect(info.config).toMatchObject({
      durable_name: 'svc-purpose',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: t.ns.subject('attribution.x.>'),
      max_deliver: 5,
      ack_wait: nanos(30_000),
      max_ack_pending: 100,
    });
    expect(info.config.deliver_subject).toBeUndefined();
    const again = await ensureConsumer(t.jsm, t.ns.stream('attribution'), base());
    expect(again.created).toBe(info.created);
  });

  it('updates mutable fields, including the filter subject and backoff', async () => {
    await ensureConsumer(t.jsm, t.ns.stream('attribution'), base());
    const updated = await ensureConsumer(t.jsm, t.ns.stream('attribution'), {
      ...base(),
      filterSubject: t.ns.subject('attribution.y.>'),
      maxDeliver: 8,
      maxAckPending: 50,
      backoffMs: [1000, 5000],
    });
    expect(updated.config).toMatchObject({
      filter_subject: t.ns.subject('attribution.y.>'),
      max_deliver: 8,
      max_ack_pending: 50,
      backoff: [nanos(1000), nanos(5000)],
    });
  });

  it('requires max_deliver above the number of backoff steps', async () => {
    await expect(
      ensureConsumer(t.jsm, t.ns.stream('attribution'), {
        ...base(),
        durable: 'bad-backoff',
        maxDeliver: 2,
        backoffMs: [100, 200],
      }),
    ).rejects.toThrow(/maxDeliver \(2\) must be greater than the number of backoff steps \(2\)/);
    await expect(t.jsm.consumers.info(t.ns.stream('attribution'), 'bad-backoff')).rejects.toThrow(
      /consumer not found/,
    );
  });

  it('names the immutable field when the existing consumer differs in it', async () => {
    await ensureConsumer(t.jsm, t.ns.stream('attribution'), {
      ...base(),
      durable: 'only-new',
      deliverPolicy: 'new',
    });
    await expect(
      ensureConsumer(t.jsm, t.ns.stream('attribution'), {
        ...base(),
        durable: 'only-new',
        deliverPolicy: 'all',
      }),
    ).rejects.toThrow(/only-new.*immutable deliver_policy \(is "new", wanted "all"\)/);
  });

  it('says which stream is missing', async () => {
    await expect(ensureConsumer(t.jsm, t.ns.stream('notifications'), base())).rejects.toThrow(
      new RegExp(`stream ${t.ns.stream('notifications')} does not exist`),
    );
  });

  it('reports consumer lag', async () => {
    await ensureConsumer(t.jsm, t.ns.stream('attribution'), { ...base(), durable: 'lagging' });
    for (const n of [1, 2, 3]) await t.js.publish(t.ns.subject(`attribution.x.m${n}`), 'x');
    await t.js.publish(t.ns.subject('attribution.other'), 'not matching the filter');
    expect(await consumerLag(t.jsm, t.ns.stream('attribution'), 'lagging')).toEqual({
      pending: 3,
      ackPending: 0,
      redelivered: 0,
    });
    const c = await t.js.consumers.get(t.ns.stream('attribution'), 'lagging');
    const m = await c.next({ expires: 2000 });
    expect(m).not.toBeNull();
    expect(await consumerLag(t.jsm, t.ns.stream('attribution'), 'lagging')).toEqual({
      pending: 2,
      ackPending: 1,
      redelivered: 0,
    });
  });
});
