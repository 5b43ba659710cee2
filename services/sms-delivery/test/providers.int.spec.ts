import { CircuitOpenError } from '@express-quote/delivery-kit';
import { type SmsSink, startSmsSink } from '@express-quote/sinks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBrevoProvider } from '../src/adapters/brevo.ts';
import { createFreeMobileProvider } from '../src/adapters/free-mobile.ts';
import { withBreaker } from '../src/adapters/provider-breaker.ts';
import { type OutgoingSms, type SmsProvider, SmsProviderError } from '../src/adapters/sms-provider.ts';
import { createTwilioProvider } from '../src/adapters/twilio.ts';
import { createVonageProvider } from '../src/adapters/vonage.ts';
import { sendThroughChain } from '../src/domain/provider-chain.ts';

const TIMEOUT = { timeoutMs: 5_000 };
let counter = 0;
const sms = (overrides: Partial<OutgoingSms> = {}): OutgoingSms => ({
  notificationId: `0190f5a4-7c1e-7b3a-9f10-${String(++counter).padStart(12, '0')}`,
  to: '+33612345678',
  text: 'Express Quote : Bonjour Élodie, votre réservation EQ-2026-000123 est confirmée.',
  encoding: 'GSM-7',
  segments: 1,
  recipientKind: 'customer',
  statusCallbackUrl: null,
  ...overrides,
});

const failure = async (promise: Promise<unknown>): Promise<SmsProviderError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SmsProviderError);
    return error as SmsProviderError;
  }
  throw new Error('expected the provider to refuse');
};

describe('SMS providers against their emulators (real client code over real HTTP)', () => {
  let sink: SmsSink;
  let twilio: SmsProvider;
  let vonage: SmsProvider;
  let brevo: SmsProvider;
  let freeMobile: SmsProvider;

  beforeAll(async () => {
    sink = await startSmsSink({ freeMobileOwnerPhone: '+33611111111' });
    const env = sink.env();
    twilio = createTwilioProvider({
      accountSid: env.TWILIO_ACCOUNT_SID!,
      authToken: env.TWILIO_AUTH_TOKEN!,
      from: 'ExpressQuote',
      baseUrl: sink.twilio.url,
      timeoutMs: 5_000,
    });
    vonage = createVonageProvider({
      apiKey: sink.vonage.apiKey,
      apiSecret: sink.vonage.apiSecret,
      from: 'ExpressQuote',
      baseUrl: sink.vonage.url,
      timeoutMs: 5_000,
    });
    brevo = createBrevoProvider({
      apiKey: sink.brevo.apiKey,
      sender: 'ExpressQuot',
      baseUrl: sink.brevo.url,
      timeoutMs: 5_000,
    });
    freeMobile = createFreeMobileProvider({
      user: sink.freeMobile.user,
      pass: sink.freeMobile.pass,
      ownerPhone: '+33611111111',
      baseUrl: sink.freeMobile.url,
      timeoutMs: 5_000,
    });
  });
  afterEach(() => sink.reset());
  afterAll(async () => {
    await sink?.close();
  });

  describe('twilio (the twilio SDK pointed at the emulator)', () => {
    it('sends: SID, status and the status callback reach the emulator', async () => {
      const receipt = await twilio.send(
        sms({ statusCallbackUrl: 'http://127.0.0.1:1/api/callbacks/twilio?notificationId=x' }),
        TIMEOUT,
      );
      expect(receipt.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(receipt.providerStatus).toBe('queued');
      const [captured] = sink.twilio.messages();
      expect(captured).toMatchObject({
        id: receipt.providerMessageId,
        to: '+33612345678',
        from: 'ExpressQuote',
        encoding: 'GSM-7',
        segments: 1,
      });
      expect(captured?.text).toContain('Bonjour Élodie');
      expect(captured?.meta.statusCallback).toBe('http://127.0.0.1:1/api/callbacks/twilio?notificationId=x');
    });

    it('429 then success: the first call is "unavailable", the next one goes through', async () => {
      sink.twilio.faults.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests' });
      const error = await failure(twilio.send(sms(), TIMEOUT));
      expect(error).toMatchObject({ kind: 'unavailable', code: '20429', httpStatus: 429 });
      await expect(twilio.send(sms(), TIMEOUT)).resolves.toMatchObject({ providerStatus: 'queued' });
      expect(sink.twilio.messages()).toHaveLength(1);
    });

    it.each([
      [21211, "The 'To' number +33612345678 is not a valid phone number."],
      [21610, 'Attempt to send to unsubscribed recipient'],
      [21614, "'To' number is not a valid mobile number"],
    ])(
      'code %i is a refusal of the recipient, with the number blanked out of the reason',
      async (code, message) => {
        sink.twilio.faults.rejectRecipient('+33612345678', { status: 400, code, message });
        const error = await failure(twilio.send(sms(), TIMEOUT));
        expect(error).toMatchObject({ kind: 'recipient', code: String(code), httpStatus: 400 });
        expect(error.message).not.toContain('612345678');
      },
    );

    it('5xx and bad credentials are "unavailable"; another 4xx is "rejected"', async () => {
      sink.twilio.faults.failNext(1, { status: 503, message: 'Service Unavailable' });
      expect(await failure(twilio.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        httpStatus: 503,
      });
      const wrong = createTwilioProvider({
        accountSid: sink.twilio.accountSid,
        authToken: 'wrong-token',
        from: 'ExpressQuote',
        baseUrl: sink.twilio.url,
        timeoutMs: 5_000,
      });
      expect(await failure(wrong.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        code: '20003',
        httpStatus: 401,
      });
      sink.twilio.faults.failNext(1, {
        status: 400,
        code: 21617,
        message: 'The concatenated message body exceeds the 1600 character limit',
      });
      expect(await failure(twilio.send(sms(), TIMEOUT))).toMatchObject({ kind: 'rejected', code: '21617' });
    });

    it('connection refused is "unavailable"', async () => {
      const nowhere = createTwilioProvider({
        accountSid: sink.twilio.accountSid,
        authToken: sink.twilio.authToken,
        from: 'ExpressQuote',
        baseUrl: 'http://127.0.0.1:1',
        timeoutMs: 2_000,
      });
      expect(await failure(nowhere.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        httpStatus: null,
      });
    });
  });

  describe('vonage (undici)', () => {
    it('sends and reads the price of every part', async () => {
      const long = sms({ text: 'a'.repeat(200), segments: 2 });
      const receipt = await vonage.send(long, TIMEOUT);
      expect(receipt.costMicros).toBe(2 * 72_000);
      expect(sink.vonage.messages()[0]).toMatchObject({
        to: '33612345678',
        segments: 2,
        meta: { type: 'text', clientRef: long.notificationId },
      });
    });

    it('asks for unicode for an UCS-2 text', async () => {
      await vonage.send(sms({ text: 'Merci 🙂', encoding: 'UCS-2' }), TIMEOUT);
      expect(sink.vonage.messages()[0]?.meta.type).toBe('unicode');
    });

    it('429 then success', async () => {
      sink.vonage.faults.failNext(1, { status: 429, retryAfterSeconds: 2 });
      expect(await failure(vonage.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        httpStatus: 429,
        retryAfterMs: 2_000,
      });
      await expect(vonage.send(sms(), TIMEOUT)).resolves.toMatchObject({ providerStatus: '0' });
    });

    it.each([
      ['7', 'Number barred', 'recipient'],
      ['33', 'Number de-activated', 'recipient'],
      ['1', 'Throttled', 'unavailable'],
      ['9', 'Partner quota exceeded', 'unavailable'],
      ['15', 'Invalid sender address', 'rejected'],
    ])('status %s (%s) is "%s"', async (code, message, kind) => {
      sink.vonage.faults.failNext(1, { status: 200, code, message });
      expect(await failure(vonage.send(sms(), TIMEOUT))).toMatchObject({ kind, code });
    });
  });

  describe('brevo (undici)', () => {
    it('sends a transactional SMS', async () => {
      const receipt = await brevo.send(sms(), TIMEOUT);
      expect(receipt.providerMessageId).toMatch(/^\d+$/);
      expect(receipt.costMicros).toBeNull();
      expect(sink.brevo.messages()[0]).toMatchObject({ to: '33612345678', from: 'ExpressQuot' });
    });

    it('429 then success; 402 (no credit) is "unavailable"', async () => {
      sink.brevo.faults.failNext(1, { status: 429, code: 'too_many_requests', message: 'Too many requests' });
      expect(await failure(brevo.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        httpStatus: 429,
      });
      await expect(brevo.send(sms(), TIMEOUT)).resolves.toMatchObject({ providerStatus: 'accepted' });
      sink.brevo.faults.failNext(1, {
        status: 402,
        code: 'not_enough_credits',
        message: 'Not enough credits',
      });
      expect(await failure(brevo.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'unavailable',
        code: 'not_enough_credits',
      });
    });

    it('an invalid or blacklisted recipient is "recipient"; another bad parameter is "rejected"', async () => {
      sink.brevo.faults.rejectRecipient('33612345678', {
        status: 400,
        code: 'invalid_parameter',
        message: 'Recipient is blacklisted',
      });
      expect(await failure(brevo.send(sms(), TIMEOUT))).toMatchObject({
        kind: 'recipient',
        code: 'invalid_parameter',
      });
      sink.brevo.faults.clear();
      sink.brevo.faults.failNext(1, { status: 400, code: 'invalid_parameter', message: 'sender is invalid' });
      expect(await failure(brevo.send(sms(), TIMEOUT))).toMatchObject({ kind: 'rejected' });
    });
  });

  describe('free mobile (undici)', () => {
    it("reaches only its owner's phone, for staff", async () => {
      expect(freeMobile.canReach(sms({ to: '+33611111111', recipientKind: 'staff' }))).toBe(true);
      expect(freeMobile.canReach(sms({ to: '+33611111111', recipientKind: 'customer' }))).toBe(false);
      expect(freeMobile.canReach(sms({ to: '+33622222222', recipientKind: 'staff' }))).toBe(false);
      const receipt = await freeMobile.send(
        sms({ to: '+33611111111', recipientKind: 'staff', text: '[Alerte] paiement' }),
        TIMEOUT,
      );
      expect(receipt).toMatchObject({ costMicros: 0, providerStatus: 'sent' });
      expect(sink.freeMobile.messages()[0]?.text).toBe('[Alerte] paiement');
    });

    it('402 (too many) is "unavailable"', async () => {
      sink.freeMobile.faults.failNext(1, { status: 402 });
      expect(
        await failure(freeMobile.send(sms({ to: '+33611111111', recipientKind: 'staff' }), TIMEOUT)),
      ).toMatchObject({
        kind: 'unavailable',
        httpStatus: 402,
      });
    });
  });

  describe('fallback chain', () => {
    it('5xx on the first provider, sent by the second', async () => {
      sink.twilio.faults.failNext(1, { status: 500, message: 'Internal Server Error' });
      const result = await sendThroughChain([twilio, vonage, brevo], sms(), TIMEOUT);
      expect(result).toMatchObject({ outcome: 'sent', provider: 'vonage' });
      expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
        ['twilio', 'unavailable'],
        ['vonage', 'sent'],
      ]);
      expect(sink.store.list().map((m) => m.provider)).toEqual(['vonage']);
    });

    it('a refused number stops the chain at once: no other provider is called', async () => {
      sink.twilio.faults.rejectRecipient('+33612345678', {
        status: 400,
        code: 21610,
        message: 'unsubscribed recipient',
      });
      const before = { vonage: sink.vonage.requests, brevo: sink.brevo.requests };
      const result = await sendThroughChain([twilio, vonage, brevo], sms(), TIMEOUT);
      expect(result).toMatchObject({ outcome: 'recipient_refused', provider: 'twilio', code: '21610' });
      expect({ vonage: sink.vonage.requests, brevo: sink.brevo.requests }).toEqual(before);
    });

    it('every provider down: all_failed with the shortest Retry-After', async () => {
      sink.twilio.faults.failAll({ status: 503 });
      sink.vonage.faults.failAll({ status: 429, retryAfterSeconds: 7 });
      sink.brevo.faults.failAll({ status: 429, retryAfterSeconds: 3 });
      const result = await sendThroughChain([twilio, vonage, brevo], sms(), TIMEOUT);
      expect(result).toMatchObject({ outcome: 'all_failed', retryAfterMs: 3_000 });
      expect(result.attempts.map((a) => a.outcome)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    });

    it('a customer with only Free Mobile configured is unreachable (a permanent failure)', async () => {
      const before = sink.freeMobile.requests;
      const result = await sendThroughChain([freeMobile], sms(), TIMEOUT);
      expect(result.outcome).toBe('unreachable');
      expect(sink.freeMobile.requests).toBe(before);
    });

    it('an opened breaker skips the provider without calling it, then a probe closes it again', async () => {
      const guarded = withBreaker(
        createVonageProvider({
          apiKey: sink.vonage.apiKey,
          apiSecret: sink.vonage.apiSecret,
          from: 'EQ',
          baseUrl: sink.vonage.url,
          timeoutMs: 5_000,
        }),
        { consecutiveFailures: 3, halfOpenAfterMs: 300, maxHalfOpenAfterMs: 300 },
      );
      sink.vonage.faults.failAll({ status: 503 });
      for (let i = 0; i < 3; i++)
        expect(await failure(guarded.send(sms(), TIMEOUT))).toMatchObject({ kind: 'unavailable' });
      expect(guarded.circuitState()).toBe('open');
      const calls = sink.vonage.requests;
      await expect(guarded.send(sms(), TIMEOUT)).rejects.toBeInstanceOf(CircuitOpenError);
      const result = await sendThroughChain([guarded, brevo], sms(), TIMEOUT);
      expect(result).toMatchObject({ outcome: 'sent', provider: 'brevo' });
      expect(result.attempts[0]).toMatchObject({ provider: 'vonage', outcome: 'circuit_open' });
      expect(sink.vonage.requests).toBe(calls);

      sink.vonage.faults.clear();
      await new Promise((resolve) => setTimeout(resolve, 350));
      await expect(guarded.send(sms(), TIMEOUT)).resolves.toMatchObject({ providerStatus: '0' });
      expect(guarded.circuitState()).toBe('closed');
    });

    it('refusals of one number never open the breaker', async () => {
      const guarded = withBreaker(twilio, {
        consecutiveFailures: 2,
        halfOpenAfterMs: 10_000,
        maxHalfOpenAfterMs: 10_000,
      });
      sink.twilio.faults.rejectRecipient('+33612345678', { status: 400, code: 21211, message: 'invalid' });
      for (let i = 0; i < 4; i++)
        expect(await failure(guarded.send(sms(), TIMEOUT))).toMatchObject({ kind: 'recipient' });
      expect(guarded.circuitState()).toBe('closed');
    });
  });
});
