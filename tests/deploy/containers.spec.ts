import { loadConfig } from '@express-quote/service-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadServiceConfigs, type ServiceConfig } from '../../scripts/config-docs.ts';
import { readRepoFile, readYaml, repoFileExists, toMs } from './support/repo-files.ts';

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  stop_grace_period?: string;
  init?: boolean;
}

const compose = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml');
let configs: ServiceConfig[];
beforeAll(async () => {
  configs = await loadServiceConfigs();
});

/** What docker compose makes of `${VAR:-default}` / `${VAR-default}` / `${VAR}` with an empty environment. */
const interpolate = (value: string): string =>
  value.replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_m, _name: string, fallback?: string) => fallback ?? '',
  );

// Provider credentials have no defaults in compose (they come from .env): plausible values to check the rest.
const OPERATOR_VALUES: Record<string, Record<string, string>> = {
  'sms-delivery': {
    SMS_PROVIDERS: 'twilio',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'a'.repeat(32),
    TWILIO_FROM: '+33700000000',
  },
  'whatsapp-delivery': {
    WHATSAPP_ACCESS_TOKEN: 'token',
    WHATSAPP_PHONE_NUMBER_ID: '1234567890',
    WHATSAPP_APP_SECRET: 'secret',
    WHATSAPP_VERIFY_TOKEN: 'verify',
  },
};

describe('docker-compose.yml', () => {
  it('starts only the infrastructure without a profile: NATS, Postgres and the mail sink', () => {
    const unprofiled = Object.entries(compose.services)
      .filter(([, s]) => !s.profiles?.length)
      .map(([name]) => name);
    expect(unprofiled.sort()).toEqual(['mailpit', 'nats', 'postgres']);
  });

  it('has every service folder as a compose service built from the Dockerfile with its SERVICE', () => {
    for (const { service } of configs) {
      const s = compose.services[service];
      expect(s, `compose service ${service}`).toBeDefined();
      expect(s?.profiles).toEqual(['app']);
      expect(s?.build).toEqual({ context: '.', args: { SERVICE: service } });
      expect(s?.image).toBe(`express-quote/${service}:local`);
    }
  });

  it('starts every service once NATS and Postgres are healthy, and reports it healthy once ready', () => {
    for (const { service } of configs) {
      const s = compose.services[service]!;
      expect(s.depends_on?.nats).toEqual({ condition: 'service_healthy' });
      expect(s.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
      expect(s.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8080/readyz');
      expect(s.init).toBe(true);
      expect(s.ports).toHaveLength(1);
      expect(s.ports?.[0]).toMatch(/^127\.0\.0\.1:\$\{EQ_[A-Z_]+_PORT:-\d+\}:8080$/);
    }
    expect(compose.services['email-delivery']?.depends_on?.mailpit).toEqual({ condition: 'service_healthy' });
    for (const infra of ['nats', 'postgres', 'mailpit'])
      expect(compose.services[infra]?.healthcheck).toBeDefined();
  });

  it('gives every service an environment its config schema accepts, with no unknown variable', () => {
    for (const { service, schema, variables } of configs) {
      const environment = compose.services[service]!.environment ?? {};
      const known = new Set(variables.map((v) => v.name));
      for (const name of Object.keys(environment)) expect(known, `${service}: ${name}`).toContain(name);
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(environment)) env[name] = interpolate(String(value));
      expect(() => loadConfig(schema, env), service).not.toThrow();
      const configured = { ...env, ...OPERATOR_VALUES[service] };
      expect(() => loadConfig(schema, configured), `${service} with provider credentials`).not.toThrow();
    }
  });

  it('lets a container drain longer than SHUTDOWN_TIMEOUT_MS before SIGKILL', () => {
    for (const { service } of configs) {
      const s = compose.services[service]!;
      const shutdown = toMs(interpolate(s.environment?.SHUTDOWN_TIMEOUT_MS ?? '10000'));
      expect(toMs(s.stop_grace_period ?? '10s'), service).toBeGreaterThan(shutdown);
    }
  });

  it('runs Prometheus and Grafana under the observability profile with the repository configuration', () => {
    for (const name of ['prometheus', 'grafana']) {
      const s = compose.services[name]!;
      expect(s.profiles).toEqual(['observability']);
      expect(s.healthcheck).toBeDefined();
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(repoFileExists(source), `${name} mounts ${source}`).toBe(true);
      }
    }
    expect(compose.services.prometheus?.volumes).toContain('./infra/prometheus:/etc/prometheus:ro');
    expect(compose.services.grafana?.depends_on?.prometheus).toEqual({ condition: 'service_healthy' });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('builds one service chosen by the SERVICE build argument, with pnpm deploy of its production dependencies', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-/m);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^ARG SERVICE$/m);
    expect(stages[0]).toMatch(/--filter "@express-quote\/\$\{SERVICE\}"/);
    expect(stages[0]).toMatch(/deploy --prod --offline .*\/out/);
    expect(stages[0]).toContain('pnpm fetch --prod');
  });

  it('runs node src/main.ts as a non-root user with a HEALTHCHECK on /healthz', () => {
    expect(runtime).toMatch(/^COPY --from=build \/out \/app$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD .*\/healthz/m);
    expect(runtime).toMatch(/^CMD \["node", "src\/main\.ts"\]$/m);
    expect(runtime).toMatch(/^\s+PORT=8080$/m);
    expect(runtime).toMatch(/^EXPOSE 8080$/m);
  });

  it('keeps tests, local state and tooling out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.git', '**/node_modules', '**/test', '**/bench', 'var', '.tools', '.env']) {
      expect(ignored).toContain(entry);
    }
    // What the image needs must stay in the context.
    for (const entry of ignored)
      expect(['services', 'packages', '**/fixtures', '**/src']).not.toContain(entry);
  });
});
