import { waitFor } from '@express-quote/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaff } from '../src/staff/staff-directory.ts';
import { applyStaffFixture } from '../src/staff/staff-fixture.ts';
import { bookingConfirmed, DIRECTORY, member } from './fixtures.ts';
import { ADMIN_TOKEN, type Harness, startHarness, writeFixture } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const call = (
  method: 'GET' | 'PUT' | 'DELETE',
  url: string,
  options: { token?: string | null; body?: unknown } = {},
) =>
  h.service.app.inject({
    method,
    url,
    headers: options.token === null ? {} : { authorization: `Bearer ${options.token ?? ADMIN_TOKEN}` },
    ...(options.body !== undefined ? { payload: options.body as Record<string, unknown> } : {}),
  });

const cleaner = {
  name: 'Amandine Leroy',
  email: 'Amandine.Leroy@Express-Quote.test',
  phone: '+33600000001',
  role: 'SERVICE_MANAGER',
  serviceTypes: ['CLEANING'],
};

describe('staff admin API', () => {
  it.each([
    { name: 'no Authorization header', token: null },
    { name: 'a wrong token', token: 'not-the-admin-token-at-all-000000' },
    { name: 'a prefix of the token', token: ADMIN_TOKEN.slice(0, -1) },
  ])('refuses $name with 401 and changes nothing', async ({ token }) => {
    for (const [method, url, body] of [
      ['GET', '/api/staff', undefined],
      ['PUT', '/api/staff/intruder', cleaner],
      ['DELETE', '/api/staff/ops', undefined],
    ] as const) {
      const res = await call(method, url, { token, body });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized' });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const ids = (await listStaff(h.service.db)).map((m) => m.id);
    expect(ids).toContain('ops');
    expect(ids).not.toContain('intruder');
  });

  it('creates (201), replaces (200), reads and deletes (204, then 404) a member', async () => {
    const created = await call('PUT', '/api/staff/cleaning-2', { body: cleaner });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: 'cleaning-2',
      ...cleaner,
      email: 'amandine.leroy@express-quote.test',
      active: true,
    });

    const updated = await call('PUT', '/api/staff/cleaning-2', { body: { ...cleaner, active: false } });
    expect(updated.statusCode).toBe(200);
    expect((await call('GET', '/api/staff/cleaning-2')).json()).toMatchObject({ active: false });

    expect((await call('DELETE', '/api/staff/cleaning-2')).statusCode).toBe(204);
    expect((await call('GET', '/api/staff/cleaning-2')).statusCode).toBe(404);
    const again = await call('DELETE', '/api/staff/cleaning-2');
    expect(again.statusCode).toBe(404);
    expect(again.json().message).toContain('cleaning-2');
  });

  it('rejects an invalid member with 400 and the reasons', async () => {
    const res = await call('PUT', '/api/staff/x', {
      body: { name: '', email: 'nope', role: 'BOSS', serviceTypes: ['GARDENING'], extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'email', 'role', 'serviceTypes.0']));
    const badId = await call('PUT', '/api/staff/Not%20Valid', { body: cleaner });
    expect(badId.statusCode).toBe(400);
  });

  it('a member added through the API receives the next booking of their service type', async () => {
    expect((await call('PUT', '/api/staff/cleaning-lead-2', { body: cleaner })).statusCode).toBe(201);
    const event = bookingConfirmed({ serviceType: 'CLEANING' });
    await h.publish(event);
    const seq = (await h.nats.jsm.streams.info(h.ns.stream('bookings'))).state.last_seq;
    await h.consumed(h.ns.stream('bookings'), 'notifications-booking-confirmed', seq);
    const staff = await waitFor('the staff plan', async () => {
      const rows = await h.service.db
        .selectFrom('notification_outbox')
        .select(['recipient'])
        .where('booking_id', '=', event.data.bookingId)
        .where('template', '=', 'professional-document')
        .execute();
      return rows.length > 0 && rows.map((r) => (r.recipient as { id: string }).id).sort();
    });
    expect(staff).toEqual(['admin', 'cleaning-lead', 'cleaning-lead-2', 'compta', 'ops']);
  });
});

describe('staff fixture versions', () => {
  it('applies a newer version, ignores an equal or older one, and keeps API edits until then', async () => {
    const edited = { ...cleaner, name: 'Nom modifié par un admin' };
    expect(
      (await call('PUT', '/api/staff/ops', { body: { ...edited, role: 'OPERATIONS_MANAGER' } })).statusCode,
    ).toBe(200);

    // Restart with the same fixture (version 1): the edit survives.
    await h.service.stop();
    await h.start();
    expect((await listStaff(h.service.db)).find((m) => m.id === 'ops')?.name).toBe(
      'Nom modifié par un admin',
    );

    // A newer fixture wins for the members it lists and adds new ones.
    const v2 = {
      version: 2,
      staff: [...DIRECTORY.filter((m) => m.id !== 'compta'), member({ id: 'new-admin', role: 'ADMIN' })],
    };
    await writeFixture(h.fixturePath, v2);
    await h.service.stop();
    await h.start();
    const after = await listStaff(h.service.db);
    expect(after.find((m) => m.id === 'ops')?.name).toBe('Membre ops');
    expect(after.map((m) => m.id)).toEqual(expect.arrayContaining(['new-admin', 'compta']));

    // An older file is ignored.
    const result = await applyStaffFixture(
      h.service.db,
      { version: 1, staff: [member({ id: 'old', role: 'ADMIN' })] },
      new Date(),
    );
    expect(result).toMatchObject({ applied: false, fileVersion: 1, previousVersion: 2 });
    expect((await listStaff(h.service.db)).map((m) => m.id)).not.toContain('old');
  });

  it('loads concurrently from several instances without error, once', async () => {
    const fixture = { version: 3, staff: [member({ id: 'v3-admin', role: 'ADMIN' })] };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => applyStaffFixture(h.service.db, fixture, new Date())),
    );
    expect(results.filter((r) => r.applied)).toHaveLength(1);
  });
});
