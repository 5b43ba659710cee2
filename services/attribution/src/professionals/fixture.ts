import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { attributionTables } from '../database.ts';
import { ProfessionalsFixture } from '../domain/professional.ts';
import { upsertProfessionals } from './directory.ts';

/** The fixture shipped with the service (a realistic French set: fictitious companies, example.fr domains). */
export const DEFAULT_FIXTURE_PATH = fileURLToPath(
  new URL('../../fixtures/professionals.json', import.meta.url),
);

export const readProfessionalsFixture = async (path: string): Promise<ProfessionalsFixture> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`professionals fixture ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  const parsed = ProfessionalsFixture.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `professionals fixture ${path} is invalid: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
};

export interface FixtureLoadResult {
  /** True when the file's version was newer than the loaded one and its professionals were upserted. */
  applied: boolean;
  fileVersion: number;
  previousVersion: number;
  professionals: number;
}

// Serialises fixture loads of instances starting together.
const FIXTURE_LOCK_KEY = 'attribution-professionals-fixture';

/**
 * Upserts the fixture's professionals when its version is newer than the one loaded before. An older or equal
 * version is ignored, so edits made through the admin API survive restarts until a newer fixture ships.
 * Professionals absent from a newer file are kept (deactivate them through the API).
 */
export const applyProfessionalsFixture = async (
  // biome-ignore lint/suspicious/noExplicitAny: the service's pool
  db: Kysely<any>,
  fixture: ProfessionalsFixture,
  now: Date,
): Promise<FixtureLoadResult> =>
  db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${FIXTURE_LOCK_KEY}, 0))`.execute(trx);
    const t = attributionTables(trx);
    const state = await t
      .selectFrom('directory_state')
      .select('fixture_version')
      .where('id', '=', 1)
      .executeTakeFirst();
    const previousVersion = state?.fixture_version ?? 0;
    const result = {
      fileVersion: fixture.version,
      previousVersion,
      professionals: fixture.professionals.length,
    };
    if (fixture.version <= previousVersion) return { ...result, applied: false };
    await upsertProfessionals(trx, fixture.professionals, 'fixture', now);
    await t
      .insertInto('directory_state')
      .values({ id: 1, fixture_version: fixture.version, loaded_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ fixture_version: fixture.version, loaded_at: now }))
      .execute();
    return { ...result, applied: true };
  });
