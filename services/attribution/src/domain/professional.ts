import { E164, ServiceType } from '@express-quote/contracts';
import { z } from 'zod';
import { Skill } from './skills.ts';

const Text = (max: number) => z.string().trim().min(1).max(max);

export const ProfessionalLocation = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  city: Text(100),
  postcode: z.string().regex(/^\d{5}$/, 'postcode must be 5 digits'),
});

/** Everything the registry knows of a professional except its id (the admin API's PUT body). */
export const ProfessionalFields = z.object({
  companyName: Text(200),
  contactName: Text(200),
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  phone: E164.nullable(),
  serviceTypes: z
    .array(ServiceType)
    .min(1, 'at least one service type')
    .transform((types) => [...new Set(types)].sort()),
  skills: z
    .array(Skill)
    .default([])
    .transform((skills) => [...new Set(skills)].sort()),
  location: ProfessionalLocation,
  active: z.boolean().default(true),
  blacklisted: z.boolean().default(false),
});
export type ProfessionalFields = z.output<typeof ProfessionalFields>;

export const Professional = ProfessionalFields.extend({ professionalId: z.uuid() });
export type Professional = z.output<typeof Professional>;

/** The versioned file the registry is seeded from: a newer version is applied at start, an older one ignored. */
export const ProfessionalsFixture = z
  .object({
    version: z.number().int().positive(),
    description: z.string().optional(),
    professionals: z.array(Professional).min(1),
  })
  .superRefine((fixture, ctx) => {
    const seen = new Set<string>();
    fixture.professionals.forEach((p, index) => {
      if (seen.has(p.professionalId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['professionals', index, 'professionalId'],
          message: `duplicate professionalId ${p.professionalId}`,
        });
      }
      seen.add(p.professionalId);
    });
  });
export type ProfessionalsFixture = z.output<typeof ProfessionalsFixture>;
