import { createTestDatabase, type TestDatabase } from '@express-quote/testing';
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSchema } from '../src/migrations.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

let runs = 0;
const migrations: Record<string, Migration> = {
  '0001_things': {
    async up(db) {
      runs++;
      // Slow enough that concurrent callers would collide without the advisory lock.
      await sql`select pg_sleep(0.2)`.execute(db);
      await db.schema.withSchema('kit_test').createTable('things').addColumn('id', 'integer').execute();
    },
  },
};

describe('migrateSchema', () => {
  it('creates the schema and runs each migration once, even from concurrent starts', async () => {
    await Promise.all([
      migrateSchema(database.db, 'kit_test', migrations),
      migrateSchema(database.db, 'kit_test', migrations),
      migrateSchema(database.db, 'kit_test', migrations),
    ]);
    await migrateSchema(database.db, 'kit_test', migrations);
    expect(runs).toBe(1);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from kit_test.things`.execute(
      database.db,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('names the schema and the failed migration, and releases the lock', async () => {
    const broken: Record<string, Migration> = {
      '0001_broken': {
        async up(db) {
          await sql`select * from no_such_table`.execute(db);
        },
      },
    };
    await expect(migrateSchema(database.db, 'kit_broken', broken)).rejects.toThrow(
      /^kit_broken migration 0001_broken failed: .*no_such_table/,
    );
    // The lock was released: another schema's run and a retry of this one do not hang.
    await expect(migrateSchema(database.db, 'kit_broken', broken)).rejects.toThrow(/0001_broken failed/);
  });
});
