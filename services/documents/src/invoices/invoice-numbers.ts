import { type Kysely, sql } from 'kysely';
import { formatInvoiceNumber } from '../domain/invoice.ts';
import type { DocumentsDatabase } from '../migrations.ts';

export interface AssignedInvoiceNumber {
  invoiceNumber: string;
  year: number;
  sequence: number;
  /** False when the booking already had its number (a redelivery, a replay): the same number comes back. */
  created: boolean;
}

const UNIQUE_VIOLATION = '23505';

const existing = async (db: Kysely<DocumentsDatabase>, bookingId: string) =>
  db
    .selectFrom('documents.invoices')
    .select(['invoice_number', 'year', 'sequence'])
    .where('booking_id', '=', bookingId)
    .executeTakeFirst();

/**
 * The invoice number of a booking: the existing one, or the next of the year's gap-free sequence. The counter
 * increment and the invoice row commit together, so a failure rolls both back (no gap), and the booking's
 * primary key makes two concurrent deliveries of one booking end with one number (the loser reads the winner's).
 */
export const assignInvoiceNumber = async (
  db: Kysely<DocumentsDatabase>,
  request: { bookingId: string; year: number; issuedAt: string; sourceEventId: string },
): Promise<AssignedInvoiceNumber> => {
  const found = await existing(db, request.bookingId);
  if (found) {
    return {
      invoiceNumber: found.invoice_number,
      year: found.year,
      sequence: found.sequence,
      created: false,
    };
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const counter = await trx
        .insertInto('documents.invoice_counters')
        .values({ year: request.year, last_number: 1 })
        .onConflict((oc) =>
          oc.column('year').doUpdateSet({ last_number: sql<number>`invoice_counters.last_number + 1` }),
        )
        .returning('last_number')
        .executeTakeFirstOrThrow();
      const invoiceNumber = formatInvoiceNumber(request.year, counter.last_number);
      await trx
        .insertInto('documents.invoices')
        .values({
          booking_id: request.bookingId,
          year: request.year,
          sequence: counter.last_number,
          invoice_number: invoiceNumber,
          source_event_id: request.sourceEventId,
          issued_at: request.issuedAt,
        })
        .execute();
      return { invoiceNumber, year: request.year, sequence: counter.last_number, created: true };
    });
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    // Another delivery of the same booking committed first; its number is the booking's number.
    const winner = await existing(db, request.bookingId);
    if (!winner) throw error;
    return {
      invoiceNumber: winner.invoice_number,
      year: winner.year,
      sequence: winner.sequence,
      created: false,
    };
  }
};
