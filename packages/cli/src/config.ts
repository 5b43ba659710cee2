import { namespaced } from '@express-quote/contracts';
import { UsageError } from './command.ts';

export interface CliConfig {
  natsUrl: string | undefined;
  databaseUrl: string | undefined;
  namespace: string;
}

/** The same variables as the services (NATS_URL, DATABASE_URL, NATS_NAMESPACE); `--namespace` wins over the env. */
export const readConfig = (
  env: Readonly<Record<string, string | undefined>>,
  namespaceFlag: string | undefined,
): CliConfig => {
  const namespace = (namespaceFlag ?? env.NATS_NAMESPACE ?? '').trim();
  try {
    namespaced(namespace);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    natsUrl: env.NATS_URL?.trim() || undefined,
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    namespace,
  };
};

export const requireNatsUrl = (config: CliConfig): string => {
  if (!config.natsUrl) {
    throw new UsageError(
      'NATS_URL is not set: export NATS_URL=nats://127.0.0.1:4222 (or `set -a; . var/infra.env; set +a`)',
    );
  }
  return config.natsUrl;
};

export const requireDatabaseUrl = (config: CliConfig): string => {
  if (!config.databaseUrl) {
    throw new UsageError(
      'DATABASE_URL is not set: export DATABASE_URL=postgres://user@host:5432/db (or `set -a; . var/infra.env; set +a`)',
    );
  }
  return config.databaseUrl;
};
