import { CircuitOpenError } from '@express-quote/delivery-kit';
import { describe, expect, it } from 'vitest';
import type { EmailTransport, OutgoingEmail, SendReceipt } from '../src/adapters/smtp.ts';
import { withCircuitBreaker } from '../src/adapters/smtp-circuit-breaker.ts';
import { classifySmtpError } from '../src/domain/smtp-failure.ts';

const email = {} as OutgoingEmail;
const receipt: SendReceipt = {
  messageId: '<m@x.fr>',
  response: '250 ok',
  accepted: ['a@x.fr'],
  rejected: [],
};

/** A transport that answers from a script: an Error to throw, or 'ok'. */
const scripted = () => {
  const outcomes: Array<Error | 'ok'> = [];
  let calls = 0;
  const transport: EmailTransport = {
    provider: 'fake',
    async send() {
      calls++;
      const next = outcomes.shift() ?? 'ok';
      if (next === 'ok') return receipt;
      throw next;
    },
    verify: async () => {},
    close: () => {},
  };
  return { transport, outcomes, calls: () => calls };
};

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' });
const mailboxUnavailable = () =>
  Object.assign(new Error('550 no such user'), { responseCode: 550, code: 'EENVELOPE' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const guard = (transport: EmailTransport, states: string[] = []) =>
  withCircuitBreaker(transport, {
    consecutiveFailures: 3,
    halfOpenAfterMs: 300,
    maxHalfOpenAfterMs: 1_000,
    isServerTrouble: (e) => classifySmtpError(e).serverTrouble,
    onStateChange: (s) => states.push(s),
  });

describe('SMTP circuit breaker', () => {
  it('opens after consecutive server failures and then refuses without calling the server', async () => {
    const fake = scripted();
    const states: string[] = [];
    const guarded = guard(fake.transport, states);
    fake.outcomes.push(refused(), refused(), refused());
    for (let i = 0; i < 3; i++) await expect(guarded.send(email)).rejects.toMatchObject({ code: 'ESOCKET' });
    expect(guarded.circuitState()).toBe('open');
    expect(guarded.circuitReopenInMs()).toBeGreaterThan(0);
    await expect(guarded.send(email)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fake.calls()).toBe(3);
    expect(states).toEqual(['open']);
  });

  it('replies about one message (5xx) never open it', async () => {
    const fake = scripted();
    const guarded = guard(fake.transport);
    for (let i = 0; i < 5; i++) fake.outcomes.push(mailboxUnavailable());
    for (let i = 0; i < 5; i++)
      await expect(guarded.send(email)).rejects.toMatchObject({ responseCode: 550 });
    expect(guarded.circuitState()).toBe('closed');
    expect(guarded.circuitReopenInMs()).toBeNull();
  });

  it('lets one probe through when due: a failed probe opens it for longer, a successful one closes it', async () => {
    const fake = scripted();
    const states: string[] = [];
    const guarded = guard(fake.transport, states);
    fake.outcomes.push(refused(), refused(), refused());
    for (let i = 0; i < 3; i++) await guarded.send(email).catch(() => undefined);

    await sleep(320);
    expect(guarded.circuitReopenInMs()).toBe(0);
    fake.outcomes.push(refused());
    await expect(guarded.send(email)).rejects.toMatchObject({ code: 'ESOCKET' });
    expect(guarded.circuitState()).toBe('open');
    // Doubled: 600 ms now, not 300.
    expect(guarded.circuitReopenInMs()).toBeGreaterThan(300);

    await sleep(620);
    await expect(guarded.send(email)).resolves.toEqual(receipt);
    expect(guarded.circuitState()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });
});
