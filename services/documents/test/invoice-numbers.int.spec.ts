import { deterministicId } from '@express-quote/contracts';
import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignInvoiceNumber } from '../src/invoices/invoice-numbers.ts';
import { type DocumentsDatabase, migrateDocuments } from '../src/migrations.ts';

let database: TestDatabase;
let db: Kysely<DocumentsDatabase>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db as Kysely<DocumentsDatabase>;
  // Concurrent starts of several instances must not fail.
  await Promise.all([migrateDocuments(db), migrateDocuments(db), migrateDocuments(db)]);
});

afterAll(async () => {
  await database?.drop();
});

const booking = (n: number) => deterministicId('invoice-test-booking', n);
const assign = (bookingId: string, year = 2026) =>
  assignInvoiceNumber(db, {
    bookingId,
    year,
    issuedAt: `${year}-03-02T10:15:00.000Z`,
    sourceEventId: `source-of-${bookingId}`,
  });

describe('invoice numbers (Postgres, schema documents)', () => {
  it('gives each booking the next number of the year, and the same number again on redelivery', async () => {
    const first = await assign(booking(1));
    const second = await assign(booking(2));
    expect(first).toEqual({ invoiceNumber: 'FA-2026-000001', year: 2026, sequence: 1, created: true });
    expect(second).toEqual({ invoiceNumber: 'FA-2026-000002', year: 2026, sequence: 2, created: true });
    expect(await assign(booking(1))).toEqual({ ...first, created: false });
  });

  it('keeps one sequence per year', async () => {
    expect((await assign(booking(100), 2027)).invoiceNumber).toBe('FA-2027-000001');
    expect((await assign(booking(3))).invoiceNumber).toBe('FA-2026-000003');
  });

  it('gives one number to a booking delivered many times at once, without a gap', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => assign(booking(4))));
    expect(new Set(results.map((r) => r.invoiceNumber))).toEqual(new Set(['FA-2026-000004']));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    // The losers' increments were rolled back: the next booking gets the very next number.
    expect((await assign(booking(5))).invoiceNumber).toBe('FA-2026-000005');
  });

  it('numbers concurrent bookings gap-free: 1..n with each number used once', async () => {
    const before = await db
      .selectFrom('documents.invoices')
      .select(db.fn.countAll<string>().as('n'))
      .where('year', '=', 2028)
      .executeTakeFirstOrThrow();
    expect(Number(before.n)).toBe(0);
    const ids = Array.from({ length: 40 }, (_, i) => booking(1_000 + i));
    // Each booking twice, all at once: 80 concurrent allocations for 40 bookings.
    const results = await Promise.all([...ids, ...ids].map((id) => assign(id, 2028)));
    const byBooking = new Map<string, Set<number>>();
    for (const [i, r] of results.entries()) {
      const id = [...ids, ...ids][i]!;
      byBooking.set(id, (byBooking.get(id) ?? new Set()).add(r.sequence));
    }
    expect([...byBooking.values()].every((s) => s.size === 1)).toBe(true);
    const sequences = [...byBooking.values()].map((s) => [...s][0]!).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const counter = await db
      .selectFrom('documents.invoice_counters')
      .select('last_number')
      .where('year', '=', 2028)
      .executeTakeFirstOrThrow();
    expect(counter.last_number).toBe(40);
  });
});
