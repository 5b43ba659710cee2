import { ServiceType } from '@express-quote/contracts';
import { type HttpApp, HttpError, validate } from '@express-quote/service-kit';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ProfessionalFields, ProfessionalLocation } from '../domain/professional.ts';
import { Skill } from '../domain/skills.ts';
import { getProfessional, listProfessionals, upsertProfessionals } from '../professionals/directory.ts';
import { requireAdminToken } from './admin-auth.ts';

const IdParams = z.object({ professionalId: z.uuid() });
const ListQuery = z.object({
  serviceType: ServiceType.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  blacklisted: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  postcodePrefix: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
});

/** A partial update: only the fields given change (e.g. `{ "blacklisted": true }`). */
const ProfessionalPatch = z
  .object({
    companyName: z.string(),
    contactName: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    serviceTypes: z.array(ServiceType),
    skills: z.array(Skill),
    location: ProfessionalLocation,
    active: z.boolean(),
    blacklisted: z.boolean(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'at least one field to change');

/**
 * The professionals registry for staff, behind ADMIN_TOKEN: list, read, create or replace (PUT), change some
 * fields (PATCH: deactivate, blacklist, new skills…). Changes apply to the next eligibility search.
 */
export const adminProfessionalsRoutes =
  // biome-ignore lint/suspicious/noExplicitAny: the service's pool
  (options: { db: Kysely<any>; adminToken: string; clock: () => Date }) => async (app: HttpApp) => {
    app.addHook('onRequest', requireAdminToken(options.adminToken));

    app.get('/admin/professionals', async (request) => {
      const filter = validate(ListQuery, request.query, 'query');
      return { professionals: await listProfessionals(options.db, filter) };
    });

    app.get('/admin/professionals/:professionalId', async (request) => {
      const { professionalId } = validate(IdParams, request.params, 'path');
      const professional = await getProfessional(options.db, professionalId);
      if (!professional) throw new HttpError(404, 'not_found', `no professional ${professionalId}`);
      return professional;
    });

    app.put('/admin/professionals/:professionalId', async (request, reply) => {
      const { professionalId } = validate(IdParams, request.params, 'path');
      const fields = validate(ProfessionalFields, request.body, 'professional');
      const existed = (await getProfessional(options.db, professionalId)) !== undefined;
      const professional = { ...fields, professionalId };
      await upsertProfessionals(options.db, [professional], 'admin', options.clock());
      return reply.code(existed ? 200 : 201).send(professional);
    });

    app.patch('/admin/professionals/:professionalId', async (request) => {
      const { professionalId } = validate(IdParams, request.params, 'path');
      const patch = validate(ProfessionalPatch, request.body, 'professional patch');
      const current = await getProfessional(options.db, professionalId);
      if (!current) throw new HttpError(404, 'not_found', `no professional ${professionalId}`);
      const { professionalId: _id, ...currentFields } = current;
      const fields = validate(ProfessionalFields, { ...currentFields, ...patch }, 'professional');
      const professional = { ...fields, professionalId };
      await upsertProfessionals(options.db, [professional], 'admin', options.clock());
      return professional;
    });
  };
