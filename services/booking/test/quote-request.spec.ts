import { describe, expect, it } from 'vitest';
import { normaliseQuoteRequest, QuoteRequestInput, type QuoteRules } from '../src/domain/quote-request.ts';

// 2026-03-10 10:00 in Paris (UTC+1 in winter).
const NOW = new Date('2026-03-10T09:00:00.000Z');
const RULES: QuoteRules = {
  maxDaysAhead: 365,
  knownPostcode: (pc) => ['75001', '69002', '13001'].includes(pc),
};

const base = {
  serviceType: 'MOVING',
  pickupAddress: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris' },
  deliveryAddress: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon' },
  serviceDate: '2026-03-20',
  startTime: '08:00',
  endTime: '12:00',
  volumeM3: 20,
  distanceKm: 465,
};

const run = (over: Record<string, unknown>, now = NOW) => {
  const parsed = QuoteRequestInput.safeParse({ ...base, ...over });
  if (!parsed.success) return { schema: parsed.error.issues.map((i) => i.path.join('.')) };
  return normaliseQuoteRequest(parsed.data, now, RULES);
};

const issuesOf = (over: Record<string, unknown>, now = NOW) => {
  const result = run(over, now);
  if ('schema' in result) return result.schema;
  return result.ok ? [] : result.issues.map((i) => i.path);
};

describe('quote request rules', () => {
  it('normalises a valid request with its Paris schedule', () => {
    const result = run({
      insurance: true,
      customer: { firstName: 'Jean', lastName: 'Dupont', email: 'Jean@Example.FR', phone: '06 12 34 56 78' },
    });
    expect(result).toEqual({
      ok: true,
      details: {
        serviceType: 'MOVING',
        schedule: {
          date: '2026-03-20',
          startTime: '08:00',
          endTime: '12:00',
          timeZone: 'Europe/Paris',
          startsAt: '2026-03-20T07:00:00.000Z',
        },
        addresses: {
          pickup: { ...base.pickupAddress, country: 'FR' },
          delivery: { ...base.deliveryAddress, country: 'FR' },
        },
        volumeM3: 20,
        distanceKm: 465,
        options: {
          pickupFloorsWithoutLift: 0,
          deliveryFloorsWithoutLift: 0,
          packing: false,
          disassembly: false,
        },
        insurance: { wanted: true },
        contact: { firstName: 'Jean', lastName: 'Dupont', email: 'jean@example.fr', phone: '+33612345678' },
      },
    });
  });

  it('uses summer time after the last Sunday of March', () => {
    const result = run({ serviceDate: '2026-04-02' });
    expect(result).toMatchObject({
      ok: true,
      details: { schedule: { startsAt: '2026-04-02T06:00:00.000Z' } },
    });
  });

  const REFUSALS: ReadonlyArray<[string, Record<string, unknown>, string[], Date?]> = [
    ['unknown service type', { serviceType: 'PIANO' }, ['serviceType']],
    ['date in the past', { serviceDate: '2026-03-09' }, ['serviceDate']],
    ['start already passed today', { serviceDate: '2026-03-10', startTime: '09:30' }, ['startTime']],
    ['end before start', { startTime: '14:00', endTime: '13:00' }, ['endTime']],
    ['end equal to start', { startTime: '14:00', endTime: '14:00' }, ['endTime']],
    [
      'non-existent time on the spring-forward night',
      { serviceDate: '2026-03-29', startTime: '02:30', endTime: '05:00' },
      ['startTime'],
    ],
    ['more than a year ahead', { serviceDate: '2027-04-01' }, ['serviceDate']],
    [
      'badly formed postcode',
      { pickupAddress: { ...base.pickupAddress, postcode: '7500' } },
      ['pickupAddress.postcode'],
    ],
    [
      'postcode that does not exist',
      { deliveryAddress: { ...base.deliveryAddress, postcode: '99999' } },
      ['deliveryAddress.postcode'],
    ],
    [
      'address abroad',
      { pickupAddress: { ...base.pickupAddress, country: 'BE' } },
      ['pickupAddress.country'],
    ],
    [
      'moving without delivery address nor distance',
      { deliveryAddress: undefined, distanceKm: undefined },
      ['deliveryAddress', 'distanceKm'],
    ],
    ['moving without volume', { volumeM3: null }, ['volumeM3']],
    ['volume with two decimals', { volumeM3: 12.25 }, ['volumeM3']],
    ['negative volume', { volumeM3: -3 }, ['volumeM3']],
    [
      'cleaning with a delivery address and a distance',
      { serviceType: 'CLEANING' },
      ['deliveryAddress', 'distanceKm'],
    ],
    [
      'options that do not apply to cleaning',
      {
        serviceType: 'CLEANING',
        deliveryAddress: undefined,
        distanceKm: undefined,
        options: { packing: true, disassembly: true, pickupFloorsWithoutLift: 2 },
      },
      ['options.packing', 'options.disassembly', 'options.pickupFloorsWithoutLift'],
    ],
    [
      'packing without volume',
      { serviceType: 'DELIVERY', volumeM3: undefined, options: { packing: true } },
      ['options.packing'],
    ],
    ['unknown option', { options: { piano: true } }, ['options']],
    ['unknown field', { promoCode: 'X' }, ['']],
    [
      'invalid phone',
      { customer: { firstName: 'A', lastName: 'B', email: 'a@b.fr', phone: '12' } },
      ['customer.phone'],
    ],
    ['invalid e-mail', { customer: { firstName: 'A', lastName: 'B', email: 'nope' } }, ['customer.email']],
  ];
  for (const [name, over, paths] of REFUSALS) {
    it(`refuses ${name}`, () => {
      expect(issuesOf(over)).toEqual(paths);
    });
  }

  it('reports every broken rule at once', () => {
    expect(
      issuesOf({ serviceDate: '2026-01-01', startTime: '10:00', endTime: '09:00', volumeM3: undefined }),
    ).toEqual(['volumeM3', 'endTime', 'serviceDate']);
  });

  it('explains refusals in French', () => {
    const result = run({ serviceDate: '2026-03-09' });
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: 'serviceDate', message: 'la date du service est passée (2026-03-09)' }],
    });
  });
});
