import { deterministicId } from '@express-quote/contracts';

/** One attribution per booking: its id derives from the booking's, so a redelivered confirmation finds it. */
export const attributionIdOf = (bookingId: string): string => deterministicId(bookingId, 'attribution');

export const attributionStream = (attributionId: string): string => `attribution-${attributionId}`;
