import { sql } from 'kysely';
import type { z } from 'zod';
import type { NotificationsDb, StaffMembersTable } from '../database.ts';
import { StaffMember, type StaffMemberFields, type StaffRole } from '../domain/staff.ts';

type Row = Pick<StaffMembersTable, 'id' | 'name' | 'email' | 'phone' | 'role' | 'service_types' | 'active'>;

const toMember = (row: Row): StaffMember =>
  // Rows were validated on the way in; parsing again keeps a hand-edited row from reaching the planner unchecked.
  StaffMember.parse({
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    role: row.role as StaffRole,
    serviceTypes: row.service_types,
    active: row.active,
  });

const COLUMNS = ['id', 'name', 'email', 'phone', 'role', 'service_types', 'active'] as const;

export const listStaff = async (db: NotificationsDb): Promise<StaffMember[]> =>
  (await db.selectFrom('staff_members').select(COLUMNS).orderBy('id').execute()).map(toMember);

export const findStaff = async (db: NotificationsDb, id: string): Promise<StaffMember | undefined> => {
  const row = await db.selectFrom('staff_members').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toMember(row) : undefined;
};

const toRow = (member: StaffMember, source: 'fixture' | 'admin', now: Date) => ({
  id: member.id,
  name: member.name,
  email: member.email,
  phone: member.phone,
  role: member.role,
  service_types: member.serviceTypes,
  active: member.active,
  source,
  updated_at: now,
});

/** Creates or replaces one member; tells whether it was created. */
export const putStaff = async (
  db: NotificationsDb,
  id: string,
  fields: z.output<typeof StaffMemberFields>,
  now: Date,
): Promise<{ member: StaffMember; created: boolean }> => {
  const member = StaffMember.parse({ ...fields, id });
  const row = toRow(member, 'admin', now);
  const result = await db
    .insertInto('staff_members')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: row.name,
        email: row.email,
        phone: row.phone,
        role: row.role,
        service_types: row.service_types,
        active: row.active,
        source: row.source,
        updated_at: row.updated_at,
      }),
    )
    // xmax = 0 only on a freshly inserted row: the cheapest way to tell insert from update in one statement.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { member, created: result.created };
};

export const deleteStaff = async (db: NotificationsDb, id: string): Promise<boolean> => {
  const result = await db.deleteFrom('staff_members').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
};

export const upsertStaffRows = async (
  db: NotificationsDb,
  members: readonly StaffMember[],
  source: 'fixture' | 'admin',
  now: Date,
): Promise<void> => {
  if (members.length === 0) return;
  await db
    .insertInto('staff_members')
    .values(members.map((m) => toRow(m, source, now)))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        email: eb.ref('excluded.email'),
        phone: eb.ref('excluded.phone'),
        role: eb.ref('excluded.role'),
        service_types: eb.ref('excluded.service_types'),
        active: eb.ref('excluded.active'),
        source: eb.ref('excluded.source'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
};
