import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/**
 * Creates or upgrades a service's Postgres schema (`schema` also holds Kysely's migration tables). Safe at every
 * start and from several instances at once: an advisory lock serializes them (Kysely's own lock needs its lock
 * table, which `create schema` races would not have yet).
 */
export const migrateSchema = async (
  // biome-ignore lint/suspicious/noExplicitAny: runs before the typed database is used
  db: Kysely<any>,
  schema: string,
  migrations: Readonly<Record<string, Migration>>,
): Promise<void> => {
  const lockKey = `migrate:${schema}`;
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtextextended(${lockKey}, 0))`.execute(conn);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => ({ ...migrations }) },
        migrationTableSchema: schema,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(`${schema} migration ${failed} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${lockKey}, 0))`.execute(conn);
    }
  });
};
