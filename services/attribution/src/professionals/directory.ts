import type { ServiceType } from '@express-quote/contracts';
import { type Kysely, type Selectable, sql } from 'kysely';
import { type AttributionTables, attributionTables, type ProfessionalsTable } from '../database.ts';
import type { Professional } from '../domain/professional.ts';
import type { Skill } from '../domain/skills.ts';

// biome-ignore lint/suspicious/noExplicitAny: the pool or a transaction
type AnyDb = Kysely<any>;

export const toProfessional = (row: Selectable<ProfessionalsTable>): Professional => ({
  professionalId: row.professional_id,
  companyName: row.company_name,
  contactName: row.contact_name,
  email: row.email,
  phone: row.phone,
  serviceTypes: row.service_types as ServiceType[],
  skills: row.skills as Skill[],
  location: {
    latitude: row.latitude,
    longitude: row.longitude,
    city: row.city,
    postcode: row.postcode,
  },
  active: row.active,
  blacklisted: row.blacklisted,
});

const toRow = (p: Professional, source: 'fixture' | 'admin', now: Date) => ({
  professional_id: p.professionalId,
  company_name: p.companyName,
  contact_name: p.contactName,
  email: p.email,
  phone: p.phone,
  service_types: p.serviceTypes,
  skills: p.skills,
  latitude: p.location.latitude,
  longitude: p.location.longitude,
  city: p.location.city,
  postcode: p.location.postcode,
  active: p.active,
  blacklisted: p.blacklisted,
  source,
  updated_at: now,
});

/** Inserts or replaces professionals (by id). */
export const upsertProfessionals = async (
  db: AnyDb,
  professionals: readonly Professional[],
  source: 'fixture' | 'admin',
  now: Date,
): Promise<void> => {
  if (professionals.length === 0) return;
  await attributionTables(db)
    .insertInto('professionals')
    .values(professionals.map((p) => toRow(p, source, now)))
    .onConflict((oc) =>
      oc.column('professional_id').doUpdateSet((eb) => ({
        company_name: eb.ref('excluded.company_name'),
        contact_name: eb.ref('excluded.contact_name'),
        email: eb.ref('excluded.email'),
        phone: eb.ref('excluded.phone'),
        service_types: eb.ref('excluded.service_types'),
        skills: eb.ref('excluded.skills'),
        latitude: eb.ref('excluded.latitude'),
        longitude: eb.ref('excluded.longitude'),
        city: eb.ref('excluded.city'),
        postcode: eb.ref('excluded.postcode'),
        active: eb.ref('excluded.active'),
        blacklisted: eb.ref('excluded.blacklisted'),
        source: eb.ref('excluded.source'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
};

export const getProfessional = async (
  db: AnyDb,
  professionalId: string,
): Promise<Professional | undefined> => {
  const row = await attributionTables(db)
    .selectFrom('professionals')
    .selectAll()
    .where('professional_id', '=', professionalId)
    .executeTakeFirst();
  return row ? toProfessional(row) : undefined;
};

export interface ProfessionalFilter {
  serviceType?: ServiceType;
  active?: boolean;
  blacklisted?: boolean;
  postcodePrefix?: string;
}

export const listProfessionals = async (
  db: Kysely<AttributionTables> | AnyDb,
  filter: ProfessionalFilter = {},
): Promise<Professional[]> => {
  let query = attributionTables(db).selectFrom('professionals').selectAll();
  if (filter.serviceType) {
    query = query.where(sql<boolean>`${filter.serviceType}::text = any(service_types)`);
  }
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.blacklisted !== undefined) query = query.where('blacklisted', '=', filter.blacklisted);
  if (filter.postcodePrefix) query = query.where('postcode', 'like', `${filter.postcodePrefix}%`);
  const rows = await query.orderBy('postcode').orderBy('company_name').execute();
  return rows.map(toProfessional);
};
