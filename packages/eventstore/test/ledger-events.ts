import { defineEvent } from '@express-quote/contracts';
import { z } from 'zod';

/** Event types of a tiny ledger aggregate, registered like every real event so the store accepts them. */
export const EntryRecorded = defineEvent({
  type: 'ledger.entry_recorded',
  context: 'bookings',
  schema: z.object({ amountCents: z.number().int(), note: z.string().optional() }),
});

export const LedgerClosed = defineEvent({
  type: 'ledger.closed',
  context: 'bookings',
  schema: z.object({ reason: z.string().min(1) }),
});
