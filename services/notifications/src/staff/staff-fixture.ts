import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { NotificationsDb } from '../database.ts';
import { StaffFixture } from '../domain/staff.ts';
import { upsertStaffRows } from './staff-directory.ts';

export interface FixtureLoadResult {
  /** True when the file's version was newer than the loaded one and its members were upserted. */
  applied: boolean;
  fileVersion: number;
  /** Version loaded before this call (0 when never). */
  previousVersion: number;
  members: number;
}

export const readStaffFixture = async (path: string): Promise<StaffFixture> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`staff fixture ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = StaffFixture.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `staff fixture ${path} is invalid: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
};

// Serialises fixture loads of concurrently starting instances.
const FIXTURE_LOCK = 0x73746166; // "staf"

/**
 * Upserts the fixture's members when its version is newer than the one loaded before; an older or equal version
 * is ignored, so edits made through the admin API survive restarts until someone ships a newer fixture.
 * Members absent from a newer fixture are kept (the fixture adds and updates; deletions go through the API).
 */
export const applyStaffFixture = async (
  db: NotificationsDb,
  fixture: StaffFixture,
  now: Date,
): Promise<FixtureLoadResult> =>
  db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${FIXTURE_LOCK})`.execute(trx);
    const state = await trx
      .selectFrom('staff_directory_state')
      .select('fixture_version')
      .where('id', '=', 1)
      .executeTakeFirst();
    const previousVersion = state?.fixture_version ?? 0;
    const result = { fileVersion: fixture.version, previousVersion, members: fixture.staff.length };
    if (fixture.version <= previousVersion) return { ...result, applied: false };
    await upsertStaffRows(trx, fixture.staff, 'fixture', now);
    await trx
      .insertInto('staff_directory_state')
      .values({ id: 1, fixture_version: fixture.version, loaded_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ fixture_version: fixture.version, loaded_at: now }))
      .execute();
    return { ...result, applied: true };
  });
