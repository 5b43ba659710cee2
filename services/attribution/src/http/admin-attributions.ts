import { type HttpApp, HttpError, validate } from '@express-quote/service-kit';
import { z } from 'zod';
import { attributionIdOf } from '../domain/ids.ts';
import { loadAttribution } from '../handlers/attribution-state.ts';
import type { AttributionDeps } from '../handlers/handler-deps.ts';
import { requireAdminToken } from './admin-auth.ts';

const ById = z.object({ attributionId: z.uuid() });
const ByBooking = z.object({ bookingId: z.uuid() });

/** Where an attribution stands, folded from its stream (staff and the demo look here). */
export const adminAttributionsRoutes =
  (options: { deps: AttributionDeps; adminToken: string }) => async (app: HttpApp) => {
    app.addHook('onRequest', requireAdminToken(options.adminToken));

    const show = async (attributionId: string) => {
      const { state, events } = await loadAttribution(options.deps.store, attributionId);
      if (state.status === 'NONE') throw new HttpError(404, 'not_found', `no attribution ${attributionId}`);
      return {
        attributionId,
        bookingId: state.bookingId,
        reference: state.reference,
        status: state.status,
        round: state.round,
        radiusKm: state.radiusKm,
        respondBy: state.respondBy,
        location: state.location,
        assignedTo: state.assignedTo,
        proposals: Object.values(state.proposals).map((p) => ({
          professionalId: p.professional.professionalId,
          companyName: p.professional.companyName,
          distanceKm: p.distanceKm,
          round: p.round,
          refused: state.refused.includes(p.professional.professionalId),
        })),
        version: events.at(-1)?.streamVersion ?? 0,
      };
    };

    app.get('/admin/attributions/:attributionId', async (request) =>
      show(validate(ById, request.params, 'path').attributionId),
    );
    app.get('/admin/bookings/:bookingId/attribution', async (request) =>
      show(attributionIdOf(validate(ByBooking, request.params, 'path').bookingId)),
    );
  };
