import { type Kysely, sql } from 'kysely';
import { storeDb } from './schema.ts';
import type { Checkpoint } from './stored-event.ts';

// biome-ignore lint/suspicious/noExplicitAny: any service's typed Kysely, or a transaction of it
type AnyDb = Kysely<any>;

export const loadCheckpoint = async (db: AnyDb, schema: string, name: string): Promise<Checkpoint | null> => {
  const row = await storeDb(db, schema)
    .selectFrom('checkpoints')
    .select(['transaction_id', 'global_position'])
    .where('name', '=', name)
    .executeTakeFirst();
  return row
    ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
    : null;
};

export const saveCheckpoint = async (
  db: AnyDb,
  schema: string,
  name: string,
  checkpoint: Checkpoint,
): Promise<void> => {
  const values = {
    transaction_id: checkpoint.transactionId.toString(),
    global_position: checkpoint.globalPosition.toString(),
  };
  await storeDb(db, schema)
    .insertInto('checkpoints')
    .values({ name, ...values })
    .onConflict((oc) => oc.column('name').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
};

/** Events stored after the named checkpoint, committed or not yet visible: what the reader still has to do. */
export const eventsBehind = async (db: AnyDb, schema: string, name: string): Promise<number> => {
  const checkpoint = await loadCheckpoint(db, schema, name);
  let query = storeDb(db, schema)
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'));
  if (checkpoint) {
    query = query.where(
      sql<boolean>`(transaction_id, global_position) > (${checkpoint.transactionId.toString()}::xid8, ${checkpoint.globalPosition.toString()}::bigint)`,
    );
  }
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
};
