import { ContractViolation, defineEvent, newEventId } from '@express-quote/contracts';
import { createTestNats, type TestNats } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createPublisher,
  EqHeaders,
  ensureContextStream,
  PublishError,
  type Publisher,
} from '../src/index.ts';
import { makeEvent } from './support.ts';

const Probe = defineEvent({
  type: 'pubtest.probed',
  context: 'bookings',
  schema: z.object({ n: z.number().int() }),
});
const Command = defineEvent({
  type: 'pubtest.command_requested',
  context: 'notify',
  schema: z.object({ to: z.string() }),
});

let t: TestNats;
let publisher: Publisher;
beforeAll(async () => {
  t = await createTestNats();
  await ensureContextStream(t.jsm, t.ns, 'bookings');
  await ensureContextStream(t.jsm, t.ns, 'notify');
  publisher = createPublisher(t.nc, t.ns);
});
afterAll(async () => {
  await t?.cleanup();
});

describe('createPublisher', () => {
  it('publishes on the registry subject with msgID = event id and tracing headers', async () => {
    const event = makeEvent(Probe, { n: 1 });
    const ack = await publisher.publish(event);
    expect(ack).toMatchObject({ stream: t.ns.stream('bookings'), duplicate: false });
    const stored = await t.jsm.streams.getMessage(t.ns.stream('bookings'), { seq: ack.seq });
    expect(stored?.subject).toBe(t.ns.subject('bookings.pubtest.probed'));
    expect(stored?.json()).toEqual(event);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored?.header.get(EqHeaders.Type)).toBe('pubtest.probed');
    expect(stored?.header.get(EqHeaders.CorrelationId)).toBe(event.correlationId);
    expect(stored?.header.get(EqHeaders.CausationId)).toBe(event.causationId);
  });

  it('stores one message when the same event is published twice; the second ack says duplicate', async () => {
    const event = makeEvent(Probe, { n: 2 });
    const before = (await t.jsm.streams.info(t.ns.stream('bookings'))).state.messages;
    const first = await publisher.publish(event);
    const second = await publisher.publish(event);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    expect((await t.jsm.streams.info(t.ns.stream('bookings'))).state.messages).toBe(before + 1);
  });

  it('publishes on an explicit relative subject, namespaced', async () => {
    const event = makeEvent(Command, { to: 'someone' });
    const ack = await publisher.publish(event, { subject: 'notify.email.high' });
    expect(ack.stream).toBe(t.ns.stream('notify'));
    const stored = await t.jsm.streams.getMessage(t.ns.stream('notify'), { seq: ack.seq });
    expect(stored?.subject).toBe(t.ns.subject('notify.email.high'));
  });

  it('refuses an unregistered type without an explicit subject, and accepts it with one', async () => {
    const event = { ...makeEvent(Probe, { n: 3 }), type: 'pubtest.never_defined' };
    await expect(publisher.publish(event)).rejects.toBeInstanceOf(PublishError);
    await expect(publisher.publish(event)).rejects.toThrow(
      /pubtest.never_defined.*not registered.*no subject/,
    );
    const ack = await publisher.publish(event, { subject: 'bookings.adhoc' });
    expect(ack.duplicate).toBe(false);
  });

  it('refuses invalid data of a registered type without publishing it', async () => {
    const event = { ...makeEvent(Probe, { n: 4 }), data: { n: 'four' } };
    const before = (await t.jsm.streams.info(t.ns.stream('bookings'))).state.messages;
    await expect(publisher.publish(event)).rejects.toBeInstanceOf(ContractViolation);
    expect((await t.jsm.streams.info(t.ns.stream('bookings'))).state.messages).toBe(before);
  });

  it('refuses a malformed subject', async () => {
    await expect(publisher.publish(makeEvent(Probe, { n: 5 }), { subject: 'bookings.*' })).rejects.toThrow(
      /invalid subject/,
    );
  });

  it('says when no stream captures the subject', async () => {
    const event = { ...makeEvent(Probe, { n: 6 }), id: newEventId() };
    await expect(publisher.publish(event, { subject: 'attribution.nowhere' })).rejects.toThrow(
      /attribution\.nowhere.*is the stream declared/,
    );
  });
});
