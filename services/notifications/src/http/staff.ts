import { type HttpApp, HttpError, validate } from '@express-quote/service-kit';
import { z } from 'zod';
import type { NotificationsDb } from '../database.ts';
import { StaffId, StaffMemberFields } from '../domain/staff.ts';
import { deleteStaff, findStaff, listStaff, putStaff } from '../staff/staff-directory.ts';
import { requireBearer } from './admin-auth.ts';

const Params = z.object({ id: StaffId });

/** The staff directory (who receives internal e-mails and alerts), behind the admin bearer token. */
export const staffRoutes =
  (deps: { db: NotificationsDb; adminToken: string; now: () => Date }) => async (app: HttpApp) => {
    // onRequest: an unauthenticated caller is refused before its body is even read.
    app.addHook('onRequest', requireBearer(deps.adminToken));

    app.get('/api/staff', async () => ({ staff: await listStaff(deps.db) }));

    app.get('/api/staff/:id', async (request) => {
      const { id } = validate(Params, request.params, 'staff id');
      const member = await findStaff(deps.db, id);
      if (!member) throw new HttpError(404, 'not_found', `staff member ${id} is unknown`);
      return member;
    });

    app.put('/api/staff/:id', async (request, reply) => {
      const { id } = validate(Params, request.params, 'staff id');
      const fields = validate(StaffMemberFields.strict(), request.body, 'staff member');
      const { member, created } = await putStaff(deps.db, id, fields, deps.now());
      request.log.info({ staffId: id, role: member.role, created }, 'staff member saved');
      return reply.code(created ? 201 : 200).send(member);
    });

    app.delete('/api/staff/:id', async (request, reply) => {
      const { id } = validate(Params, request.params, 'staff id');
      if (!(await deleteStaff(deps.db, id)))
        throw new HttpError(404, 'not_found', `staff member ${id} is unknown`);
      request.log.info({ staffId: id }, 'staff member deleted');
      return reply.code(204).send();
    });
  };
