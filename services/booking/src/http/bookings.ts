import { BookingReference } from '@express-quote/contracts';
import type { BookingView } from '@express-quote/read-models';
import { type HttpApp, HttpError } from '@express-quote/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { bookingTables } from '../database.ts';

const ByIdParams = z.object({ id: z.uuid() });
const ByReferenceQuery = z.object({ reference: BookingReference }).strict();

/** `GET /api/bookings/:id` and `GET /api/bookings?reference=EQ-…`, served from the bookings_view read model. */
// biome-ignore lint/suspicious/noExplicitAny: the service's pool
export const bookingsRoutes = (deps: { db: Kysely<any> }) => async (app: HttpApp) => {
  const t = bookingTables(deps.db);

  app.get('/api/bookings/:id', { schema: { params: ByIdParams } }, async (request) => {
    const row = await t
      .selectFrom('bookings_view')
      .select('view')
      .where('booking_id', '=', request.params.id)
      .executeTakeFirst();
    if (!row) throw new HttpError(404, 'not_found', 'réservation introuvable');
    return row.view as BookingView;
  });

  app.get('/api/bookings', { schema: { querystring: ByReferenceQuery } }, async (request) => {
    const rows = await t
      .selectFrom('bookings_view')
      .select('view')
      .where('reference', '=', request.query.reference)
      .execute();
    return { bookings: rows.map((r) => r.view as BookingView) };
  });
};
