/**
 * Where tests find their servers. `make test` sources var/infra.env written by infra/up.sh; a bare `vitest`
 * falls back to the machine's default local servers.
 */
export const testDatabaseUrl = (): string =>
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const testNatsUrl = (): string => process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Short random lowercase token: unique per test file, valid as a NATS subject token and a Postgres name. */
export const uniqueToken = (prefix = 't'): string =>
  `${prefix}${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 8)}`;
