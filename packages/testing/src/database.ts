import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { testDatabaseUrl, uniqueToken } from './env.ts';

export interface TestDatabase {
  /** Connection string of the fresh database. */
  readonly url: string;
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each caller brings its own typed schema
  readonly db: Kysely<any>;
  /** Closes connections and drops the database (only the one this helper created). */
  drop(): Promise<void>;
}

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** A fresh, empty database on the server at DATABASE_URL, for one test file. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const adminUrl = testDatabaseUrl();
  const name = uniqueToken('eqtest_');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // DROP … WITH (FORCE) terminates sessions that are still closing (57P01): an unhandled 'error' would crash the run.
  const ignore = () => {};
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  let dropped = false;
  return {
    url,
    name,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
};
