import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, quoteBody, type RunningBooking, startTestBooking } from './harness.ts';

let bk: RunningBooking;

beforeAll(async () => {
  bk = await startTestBooking({ QUOTE_VALIDITY: '72h' });
});
afterAll(() => bk?.stop());

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  bk.service.app.inject({ method: 'POST', url: '/api/quotes', payload: payload as object, headers });
const get = (url: string) => bk.service.app.inject({ method: 'GET', url });

describe('POST /api/quotes', () => {
  it('creates a priced quote stored as quote.requested', async () => {
    const res = await post(quoteBody({ options: { pickupFloorsWithoutLift: 2, packing: true } }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.temporaryId).toMatch(/^tq_[A-Za-z0-9_-]{22}$/);
    expect(body.quoteId).toMatch(/^[0-9a-f-]{36}$/);
    // 72 h after NOW: before the service starts.
    expect(body.expiresAt).toBe(new Date(NOW.getTime() + 72 * 3_600_000).toISOString());
    expect(body.price).toMatchObject({ currency: 'EUR', vatRatePercent: 20 });
    expect(body.price.lines.map((l: { code: string }) => l.code)).toEqual([
      'BASE',
      'VOLUME',
      'DISTANCE',
      'FLOORS',
      'PACKING',
      'VAT',
      'INSURANCE',
    ]);
    // 150 + 700 + 697,50 + 50 + 300 = 1 897,50 HT; TVA 379,50; assurance 30.
    expect(body.price.totalCents).toBe(230_700);

    const stored = await get(`/api/quotes/${body.temporaryId}`);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({
      temporaryId: body.temporaryId,
      quoteId: body.quoteId,
      status: 'REQUESTED',
      price: body.price,
      expiresAt: body.expiresAt,
      expired: false,
      bookingId: null,
      request: {
        serviceType: 'MOVING',
        schedule: { date: '2030-03-20', startsAt: '2030-03-20T07:00:00.000Z', timeZone: 'Europe/Paris' },
        options: {
          pickupFloorsWithoutLift: 2,
          deliveryFloorsWithoutLift: 0,
          packing: true,
          disassembly: false,
        },
        insurance: { wanted: true },
        contact: null,
      },
    });
  });

  it('never lets a quote be paid after the service has started', async () => {
    const res = await post(quoteBody({ serviceDate: '2030-03-11', startTime: '07:00', endTime: '09:00' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().expiresAt).toBe('2030-03-11T06:00:00.000Z');
  });

  const REFUSED: ReadonlyArray<[string, unknown, string[]]> = [
    ['a date in the past', quoteBody({ serviceDate: '2030-03-09' }), ['serviceDate']],
    ['an end before the start', quoteBody({ startTime: '12:00', endTime: '08:00' }), ['endTime']],
    ['an unknown service type', quoteBody({ serviceType: 'PIANO' }), ['serviceType']],
    [
      'a malformed postcode',
      quoteBody({ pickupAddress: { street: 'x', postcode: '7500A', city: 'Paris' } }),
      ['pickupAddress.postcode'],
    ],
    [
      'a postcode that does not exist',
      quoteBody({ deliveryAddress: { street: 'x', postcode: '99999', city: 'Nulle' } }),
      ['deliveryAddress.postcode'],
    ],
    ['a moving without volume', quoteBody({ volumeM3: undefined }), ['volumeM3']],
    ['a missing date', quoteBody({ serviceDate: undefined }), ['serviceDate']],
    ['a badly formed time', quoteBody({ startTime: '8h' }), ['startTime']],
    ['a price-changing field it does not know', quoteBody({ discountPercent: 50 }), ['']],
  ];
  for (const [name, payload, paths] of REFUSED) {
    it(`answers 400 with reasons to ${name}`, async () => {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error).toBe('bad_request');
      expect(body.issues.map((i: { path: string }) => i.path)).toEqual(paths);
      expect(body.issues.every((i: { message: string }) => i.message.length > 0)).toBe(true);
    });
  }

  it('says why in French', async () => {
    const res = await post(quoteBody({ serviceDate: '2030-03-09' }));
    expect(res.json()).toEqual({
      error: 'bad_request',
      message: 'demande de devis invalide',
      issues: [{ path: 'serviceDate', message: 'la date du service est passée (2030-03-09)' }],
    });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post('serviceType=MOVING', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    const broken = await post('{"serviceType":', { 'content-type': 'application/json' });
    expect(broken.statusCode).toBe(400);
  });
});

describe('GET /api/quotes and /api/bookings', () => {
  it('answers 404 for an unknown quote', async () => {
    const res = await get('/api/quotes/tq_AAAAAAAAAAAAAAAAAAAAAA');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'devis introuvable' });
  });

  it('answers 404 for an unknown booking and 400 for a malformed id', async () => {
    expect((await get('/api/bookings/0195f000-0000-7000-8000-000000000001')).statusCode).toBe(404);
    const bad = await get('/api/bookings/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('id');
  });

  it('needs a well-formed reference to search bookings', async () => {
    expect((await get('/api/bookings')).statusCode).toBe(400);
    const bad = await get('/api/bookings?reference=2030-1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('reference');
    const none = await get('/api/bookings?reference=EQ-2030-999999');
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ bookings: [] });
  });

  it('is ready when NATS and Postgres answer', async () => {
    const res = await get('/readyz');
    expect(res.json()).toEqual({ status: 'ready', checks: { nats: 'ok', postgres: 'ok' } });
  });
});
