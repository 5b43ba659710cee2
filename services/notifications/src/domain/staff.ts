import { E164, Email, ServiceType } from '@express-quote/contracts';
import { z } from 'zod';

/**
 * Roles of the internal team (seed step 4.1). SERVICE_MANAGER is "the responsible of a service type": which types is
 * said by `serviceTypes`. CUSTOMER_SERVICE exists in the directory but receives no booking documents.
 */
export const STAFF_ROLES = [
  'SERVICE_MANAGER',
  'OPERATIONS_MANAGER',
  'ADMIN',
  'ACCOUNTING',
  'CUSTOMER_SERVICE',
] as const;
export const StaffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRole>;

export const StaffId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'id must be 1-64 lowercase letters, digits, "-" or "_"');

/** What an administrator writes (fixture entry or PUT body, without the id for PUT). */
export const StaffMemberFields = z.object({
  name: z.string().trim().min(1).max(200),
  email: Email,
  phone: E164.nullable().default(null),
  role: StaffRole,
  /** Service types this person is responsible for; only meaningful for SERVICE_MANAGER. */
  serviceTypes: z.array(ServiceType).default([]),
  active: z.boolean().default(true),
});

export const StaffMember = StaffMemberFields.extend({ id: StaffId });
export type StaffMember = z.infer<typeof StaffMember>;

/** services/notifications/fixtures/staff.json: the initial directory, loaded when its version is newer. */
export const StaffFixture = z
  .object({
    version: z.number().int().positive(),
    staff: z.array(StaffMember),
  })
  .superRefine((fixture, ctx) => {
    const seen = new Set<string>();
    fixture.staff.forEach((member, index) => {
      if (seen.has(member.id)) {
        ctx.addIssue({ code: 'custom', path: ['staff', index, 'id'], message: `duplicate id ${member.id}` });
      }
      seen.add(member.id);
    });
  });
export type StaffFixture = z.infer<typeof StaffFixture>;
