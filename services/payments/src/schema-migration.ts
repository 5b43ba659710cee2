import type { Logger } from '@express-quote/service-kit';
import type { Kysely } from 'kysely';
import { migratePayments } from './migrations.ts';

export interface SchemaMigration {
  /** Resolves when the schema is migrated, or when stopped first. */
  readonly done: Promise<void>;
  /** Throws the reason while the schema is not migrated yet (for /readyz). */
  assertReady(): void;
  stop(): Promise<void>;
}

/**
 * Migrates in the background and keeps retrying while Postgres is unreachable, so the gateway starts (and answers
 * Stripe with 503, which Stripe retries) instead of crash-looping when the database is late or down.
 */
// biome-ignore lint/suspicious/noExplicitAny: runs before the typed tables exist
export const startSchemaMigration = (db: Kysely<any>, logger: Logger): SchemaMigration => {
  const stopping = new AbortController();
  let ready = false;
  let lastError: Error | undefined;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stopping.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  const done = (async () => {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        await migratePayments(db);
        ready = true;
        logger.info('payments schema migrated');
        return;
      } catch (error) {
        lastError = error as Error;
        const retryInMs = Math.min(250 * 2 ** attempt, 10_000);
        logger[attempt === 1 ? 'warn' : 'debug'](
          { err: lastError.message, attempt, retryInMs },
          'cannot migrate the payments schema yet (is Postgres up?)',
        );
        await wait(retryInMs);
      }
    }
  })();
  return {
    done,
    assertReady() {
      if (!ready) throw new Error(`schema not migrated yet: ${lastError?.message ?? 'in progress'}`);
    },
    async stop() {
      stopping.abort();
      await done;
    },
  };
};
