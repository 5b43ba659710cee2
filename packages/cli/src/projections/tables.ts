import { type Kysely, sql } from 'kysely';
import { tableExists } from '../db/catalog.ts';
import type { TableRef } from './projection.ts';

// biome-ignore lint/suspicious/noExplicitAny: the services' schemas
type AnyDb = Kysely<any>;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export const assertIdentifier = (name: string, what: string): string => {
  if (!IDENT.test(name))
    throw new Error(`${what} "${name}" must be a lowercase identifier (letters, digits, _)`);
  return name;
};

/** A table beside the live one with its exact shape (columns, defaults, constraints, indexes). */
export const createBeside = async (db: AnyDb, live: TableRef, table: string): Promise<TableRef> => {
  const target = { schema: live.schema, table: assertIdentifier(table, 'table') };
  if (!(await tableExists(db, target.schema, target.table))) {
    await sql`create table ${sql.id(target.schema, target.table)} (like ${sql.id(live.schema, live.table)} including all)`.execute(
      db,
    );
  }
  return target;
};

export const dropTable = async (db: AnyDb, t: TableRef): Promise<void> => {
  await sql`drop table if exists ${sql.id(t.schema, t.table)}`.execute(db);
};

export const countRows = async (db: AnyDb, t: TableRef): Promise<number> => {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.id(t.schema, t.table)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
};

interface IndexRow {
  indexname: string;
  indexdef: string;
}

const indexes = async (db: AnyDb, t: TableRef): Promise<IndexRow[]> =>
  (
    await sql<IndexRow>`select indexname, indexdef from pg_indexes where schemaname = ${t.schema} and tablename = ${t.table}`.execute(
      db,
    )
  ).rows;

/** What an index does, without its own name and its table's: two tables' indexes compare on this. */
const shape = (def: string, index: string, t: TableRef) =>
  def
    .replace(` INDEX ${index} ON `, ' INDEX ? ON ')
    .replace(` INDEX "${index}" ON `, ' INDEX ? ON ')
    .replace(new RegExp(`ON (ONLY )?${t.schema}\\.${t.table} `), 'ON ? ');

const shortName = (base: string, suffix: string) => `${base.slice(0, 63 - suffix.length)}${suffix}`;

export interface SwapResult {
  oldTable: TableRef | null;
  renamedIndexes: number;
}

/**
 * Inside the caller's transaction (which holds ACCESS EXCLUSIVE on `live`): the live table becomes
 * `<table>_old_<stamp>` (or is dropped), the rebuilt one takes its name, its indexes take the live indexes' names
 * (a later migration may refer to them), and its owner becomes the live table's owner.
 */
export const swapTables = async (
  trx: AnyDb,
  live: TableRef,
  rebuilt: TableRef,
  options: { keepOld: boolean; stamp: string },
): Promise<SwapResult> => {
  const liveIndexes = await indexes(trx, live);
  const newIndexes = await indexes(trx, rebuilt);
  const { rows: owners } = await sql<{ tableowner: string; me: string }>`
    select tableowner, current_user as me from pg_tables where schemaname = ${live.schema} and tablename = ${live.table}`.execute(
    trx,
  );
  const owner = owners[0]?.tableowner;
  if (owner && owner !== owners[0]?.me) {
    await sql`alter table ${sql.id(rebuilt.schema, rebuilt.table)} owner to ${sql.id(owner)}`.execute(trx);
  }
  const oldTable = { schema: live.schema, table: shortName(live.table, `_old_${options.stamp}`) };
  await sql`alter table ${sql.id(live.schema, live.table)} rename to ${sql.id(oldTable.table)}`.execute(trx);
  let renamed = 0;
  for (const li of liveIndexes) {
    const match = newIndexes.find(
      (ni) => shape(ni.indexdef, ni.indexname, rebuilt) === shape(li.indexdef, li.indexname, live),
    );
    if (!match) continue;
    await sql`alter index ${sql.id(live.schema, li.indexname)} rename to ${sql.id(shortName(li.indexname, `_o${options.stamp}`))}`.execute(
      trx,
    );
    await sql`alter index ${sql.id(rebuilt.schema, match.indexname)} rename to ${sql.id(li.indexname)}`.execute(
      trx,
    );
    renamed++;
  }
  await sql`alter table ${sql.id(rebuilt.schema, rebuilt.table)} rename to ${sql.id(live.table)}`.execute(
    trx,
  );
  if (!options.keepOld) {
    await sql`drop table ${sql.id(oldTable.schema, oldTable.table)}`.execute(trx);
    return { oldTable: null, renamedIndexes: renamed };
  }
  return { oldTable, renamedIndexes: renamed };
};

/** Copies the live rows the rebuild has no key for (their history aged out of the streams). */
export const carryOver = async (
  trx: AnyDb,
  live: TableRef,
  rebuilt: TableRef,
  key: string,
): Promise<number> => {
  const result = await sql`
    insert into ${sql.id(rebuilt.schema, rebuilt.table)}
    select l.* from ${sql.id(live.schema, live.table)} l
    where not exists (select 1 from ${sql.id(rebuilt.schema, rebuilt.table)} r where r.${sql.id(key)} = l.${sql.id(key)})`.execute(
    trx,
  );
  return Number(result.numAffectedRows ?? 0);
};
