// Generates docs/deployment.md: the deployment guide with every environment variable of every service, read
// from each service's zod config schema (services/<name>/src/config.ts) through service-kit's describeConfig.
//   node scripts/config-docs.ts            rewrites docs/deployment.md (`make docs`)
//   node scripts/config-docs.ts --check    exits 1 when docs/deployment.md differs from what would be generated
// Tooling, not a service: it may import service config modules (they only declare schemas).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConfigVariable, describeConfig } from '@express-quote/service-kit';

export const REPO_ROOT = join(import.meta.dirname, '..');
export const DEPLOYMENT_DOC = 'docs/deployment.md';

type ConfigSchema = Parameters<typeof describeConfig>[0];

export interface ServiceConfig {
  /** Folder name under services/, also the image, compose service, Deployment and Prometheus job name. */
  readonly service: string;
  /** Export name of the schema in src/config.ts. */
  readonly exportName: string;
  readonly schema: ConfigSchema;
  readonly variables: readonly ConfigVariable[];
}

// The order of the data path (DESIGN.md); a service folder not listed here follows, alphabetically.
const DATA_PATH_ORDER = [
  'payments',
  'booking',
  'documents',
  'attribution',
  'notifications',
  'email-delivery',
  'sms-delivery',
  'whatsapp-delivery',
];

const isZodObject = (value: unknown): value is ConfigSchema =>
  typeof value === 'object' &&
  value !== null &&
  '_zod' in value &&
  (value as { _zod: { def: { type: string } } })._zod.def.type === 'object';

/** Every deployable: a folder of services/ with a src/main.ts. */
export const serviceFolders = (root = REPO_ROOT): string[] => {
  const found = readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'services', d.name, 'src', 'main.ts')))
    .map((d) => d.name);
  const rank = (name: string) => {
    const i = DATA_PATH_ORDER.indexOf(name);
    return i === -1 ? DATA_PATH_ORDER.length : i;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
};

/** Imports each service's src/config.ts and describes the one zod object schema it exports. */
export const loadServiceConfigs = async (root = REPO_ROOT): Promise<ServiceConfig[]> => {
  const configs: ServiceConfig[] = [];
  for (const service of serviceFolders(root)) {
    const file = join(root, 'services', service, 'src', 'config.ts');
    if (!existsSync(file)) {
      throw new Error(
        `services/${service} has no src/config.ts: every deployable declares its environment there`,
      );
    }
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const schemas = Object.entries(module).filter(([, value]) => isZodObject(value));
    if (schemas.length !== 1) {
      throw new Error(
        `services/${service}/src/config.ts must export exactly one zod object schema, found ${schemas.length}` +
          (schemas.length ? ` (${schemas.map(([name]) => name).join(', ')})` : ''),
      );
    }
    const [exportName, schema] = schemas[0] as [string, ConfigSchema];
    configs.push({
      service,
      exportName,
      schema,
      variables: describeConfig(schema).map((v) => tidy(root, schema, v)),
    });
  }
  return configs;
};

/**
 * Defaults as an operator would write them: a record default (price tables) in its `key=value,…` form, and a
 * path inside the repository relative to it (config modules resolve fixtures to absolute paths of this machine).
 */
const tidy = (root: string, schema: ConfigSchema, variable: ConfigVariable): ConfigVariable => {
  let value = variable.default;
  if (value === '[object Object]') {
    const parsed = (
      schema.shape[variable.name] as { safeParse(input: unknown): { data?: unknown } }
    ).safeParse(undefined).data;
    value = Object.entries(parsed as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  }
  if (value?.startsWith(`${root}/`)) value = relative(root, value);
  return { ...variable, default: value };
};

/** The default port of each service when run as a process (`make demo`); containers all listen on 8080. */
export const defaultPort = (config: ServiceConfig): string =>
  config.variables.find((v) => v.name === 'PORT')?.default ?? '';

const cell = (text: string | undefined): string =>
  (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (value: string | undefined): string => {
  if (value === undefined) return '';
  if (value === '') return '`""`';
  return `\`${value.replace(/`/g, "'")}\``;
};

const variableTable = (variables: readonly ConfigVariable[]): string => {
  const rows = variables.map((v) => {
    const required = v.required ? '**yes**' : 'no';
    const def = v.secret ? '' : code(v.default);
    return `| \`${v.name}\` | ${required} | ${def} | ${cell(v.description)}${v.secret ? ' *Secret.*' : ''} |`;
  });
  return ['| Variable | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
};

const sameVariable = (a: ConfigVariable, b: ConfigVariable): boolean =>
  a.required === b.required &&
  a.default === b.default &&
  a.description === b.description &&
  a.secret === b.secret;

/** Variables every service declares identically (the service-kit fields), in the first service's order. */
export const commonVariables = (configs: readonly ServiceConfig[]): ConfigVariable[] => {
  const [first, ...rest] = configs;
  if (!first) return [];
  return first.variables.filter((v) =>
    rest.every((c) => c.variables.some((w) => w.name === v.name && sameVariable(v, w))),
  );
};

// What each service is for, reached at, and how it scales. Kept next to the generator so the guide is one file.
const ROLES: Record<string, { role: string; http: string; scaling: string }> = {
  payments: {
    role: 'Stripe webhook gateway: verifies, records (Postgres) and publishes payment events to PAYMENTS.',
    http: 'public: `POST /api/webhooks/stripe`',
    scaling:
      'Horizontal. Any pod answers webhooks; the relay that republishes events recorded during a NATS outage runs on one pod at a time (Postgres advisory lock).',
  },
  booking: {
    role: 'Quotes, customers and bookings (event store, schema `booking`); consumes PAYMENTS, publishes BOOKINGS through its outbox relay.',
    http: 'internal: `/api/quotes`, `/api/bookings` (the web site calls it)',
    scaling:
      'Horizontal. Consumers share the durable consumers; the outbox relay and the bookings projection each run on one leader at a time (advisory lock), the others stand by.',
  },
  documents: {
    role: 'Renders the PDFs (pdfmake in worker threads), stores them in the JetStream Object Store, publishes DOCUMENTS.',
    http: 'public: `GET /api/documents/*` (signed links)',
    scaling:
      'Horizontal, CPU-bound: the first bottleneck of a booking fan-out. Set `RENDER_THREADS` to the CPUs of the pod (the default counts the node). Invoice numbers stay gap-free across pods (one Postgres counter row per year).',
  },
  attribution: {
    role: 'Finds eligible professionals, sends proposals, serves the accept/refuse pages (event store, schema `attribution`).',
    http: 'public: `GET/POST /attribution/respond`; internal: `/admin/*` (bearer token)',
    scaling:
      'Horizontal. The outbox relay has one leader (advisory lock); the deadline poller claims rounds with `FOR UPDATE SKIP LOCKED`. `RESPOND_RATE_LIMIT_PER_MINUTE` and the geocoding cache are per pod.',
  },
  notifications: {
    role: 'The planner: who gets which message on which channel, the reminder scheduler, the status projection and API.',
    http: 'internal: `/api/notifications`, `/api/staff`, `/api/reminders`, `/api/preferences`',
    scaling:
      'Horizontal. Release of planned messages and due reminders claim rows with `FOR UPDATE SKIP LOCKED` and publish with deterministic ids, so several pods never send a message twice.',
  },
  'email-delivery': {
    role: 'Sends e-mails over SMTP (templates, attachments from the Object Store, breaker), publishes status events.',
    http: 'probes and metrics only',
    scaling:
      'Horizontal. `SMTP_RATE_LIMIT_PER_SECOND` and `SMTP_MAX_CONNECTIONS` are per pod: the relay sees replicas × these. Keep `EMAIL_NORMAL_CONCURRENCY` below `SMTP_MAX_CONNECTIONS` so HIGH always finds a connection.',
  },
  'sms-delivery': {
    role: 'Sends SMS through the provider chain (Twilio, Vonage, Brevo, Free Mobile) with breakers and fallback; delivery reports.',
    http: 'public: `POST /api/callbacks/twilio` (signed)',
    scaling:
      'Horizontal. Concurrency (`SMS_HIGH_CONCURRENCY`, `SMS_NORMAL_CONCURRENCY`) and breakers are per pod: a provider sees replicas × concurrency requests at once.',
  },
  'whatsapp-delivery': {
    role: 'Sends WhatsApp messages (Cloud API, approved templates outside the 24 h window), delivery and pricing webhooks.',
    http: 'public: `GET/POST /api/webhooks/whatsapp` (signed)',
    scaling:
      'Horizontal. Concurrency and the breaker are per pod: Meta sees replicas × concurrency requests at once.',
  },
};

const ALERTS = [
  {
    name: 'NotificationFailureRateHigh',
    text: 'More than 5 % (warning) or 25 % (critical, `NotificationFailureRateCritical`) of a channel\'s notifications were given up over 10 minutes. `eq_notifications_failed_total{retriable="true"}` means attempts were exhausted (provider outage: see the breaker panel), `retriable="false"` that the provider refused them (bad numbers or addresses, template data): read the delivery service\'s logs by `correlationId`. Exhausted ones are in the DLQ and can be redriven once the provider is back.',
  },
  {
    name: 'ProviderCircuitOpen',
    text: "A provider failed repeatedly and its probes keep failing. SMS falls back to the next provider of `SMS_PROVIDERS`; e-mail and WhatsApp messages wait (nak) and end in the DLQ when their deliveries run out. Check the provider's status page and credentials; raise `*_MAX_DELIVER` before a planned long outage.",
  },
  {
    name: 'ConsumerLagHigh',
    text: '`ConsumerLagHigh`: more than 1000 messages wait for a durable consumer for 10 minutes: scale the service out (every service scales horizontally) or look for throttling. `ConsumerStalled`: messages wait and none was acknowledged for 10 minutes: the pods are not ready, hang, or every attempt fails (their logs give the reason of each nak).',
  },
  {
    name: 'DlqNotEmpty',
    text: 'Messages were terminated (permanent error, invalid message or `max_deliver` reached) and recorded in the `DLQ` stream (`DeadLettersAdded` fires at once, `DlqNotEmpty` after 30 minutes). List them with `listDeadLetters`/`showDeadLetter` (`@express-quote/messaging`) or the `eq` command line, fix the cause, then redrive (handlers are idempotent) or purge.',
  },
  {
    name: 'WebhookServerErrors',
    text: "A webhook route (`/api/webhooks/stripe`, `/api/webhooks/whatsapp`, `/api/callbacks/twilio`) answers 5xx; `WebhookLatencyHigh` when its p99 exceeds 2 s. payments answers 503 when Postgres is unreachable: the event is not recorded, Stripe retries for 3 days. Check Postgres first, then the pods' readiness.",
  },
  {
    name: 'RelayLagging',
    text: "Events committed in Postgres (booking and attribution event stores, payments' Stripe event log) have not reached JetStream for over 5 minutes: NATS is unreachable from that service, or the relay leader is stuck (an abandoned transaction holds back the event store's global order; `idle_in_transaction_session_timeout` ends it). Nothing is lost: the relay publishes in order once it can, and msgID dedupe absorbs republishing.",
  },
  {
    name: 'ServiceDown',
    text: "Prometheus cannot scrape a pod for 2 minutes: it crashed, is stuck, or its node is gone. `kubectl describe pod` and the previous container's logs (`kubectl logs --previous`); a configuration error prints every bad variable on stderr at start.",
  },
  {
    name: 'DocumentsFailing',
    text: "`documents.failed` was published for a booking or a proposal: the e-mails go out without their PDFs (`documentsMissing`). The reason is in the event and the documents service's logs (for example price lines that do not add up, which an invoice must never print).",
  },
];

export const renderDeploymentDoc = (configs: readonly ServiceConfig[]): string => {
  const common = commonVariables(configs);
  const commonNames = new Set(common.map((v) => v.name));
  const services = configs.map((c) => c.service);
  const lines: string[] = [];
  const add = (...text: string[]) => lines.push(...text);

  add(
    '# Deployment',
    '',
    "<!-- Generated by `make docs` (scripts/config-docs.ts) from every service's src/config.ts. Do not edit:",
    '     change the schema or the generator, then run `make docs`; tests/deploy fails while this file is stale. -->',
    '',
    `One deployable per folder of \`services/\` (${services.length}: ${services.map((s) => `\`${s}\``).join(', ')}), all built from the same`,
    '`Dockerfile`, all configured by environment variables only (validated with zod at start: a bad or missing',
    'variable stops the process with the full list on stderr, exit code 1). Around them: NATS with JetStream',
    '(streams, Object Store), Postgres ≥ 13 (one schema per service), and for the e-mails an SMTP relay.',
    '',
    '## Services and ports',
    '',
    'Each service listens on `PORT`: the default below when run as a process (`make demo`), **8080 in every',
    'container** (the image sets `PORT=8080`). Every service serves `GET /healthz` (the process answers),',
    '`GET /readyz` (NATS with JetStream and Postgres answer: 503 otherwise) and `GET /metrics` (Prometheus).',
    '',
    '| Service | Port (process) | HTTP besides probes | Role |',
    '| --- | --- | --- | --- |',
    ...configs.map((c) => {
      const info = ROLES[c.service];
      return `| \`${c.service}\` | ${defaultPort(c)} | ${info?.http ?? ''} | ${info?.role ?? ''} |`;
    }),
    '',
    'Public routes are the only ones to expose through an ingress; everything else stays on the private network.',
    '',
    '## Images',
    '',
    '```sh',
    'docker build --build-arg SERVICE=payments -t express-quote/payments .',
    '```',
    '',
    'One multi-stage `Dockerfile` for every service (`SERVICE` = a folder of `services/`): `pnpm deploy --prod` of',
    "that service at the lockfile's versions, its workspace packages moved out of `node_modules` (Node refuses to",
    'strip types there), a smoke test that the whole module graph loads, then a `node:24-bookworm-slim` runtime',
    'running `node src/main.ts` as the unprivileged `node` user, with a `HEALTHCHECK` on `/healthz`. Tests,',
    'benchmarks and tooling never enter an image (`.dockerignore`).',
    '',
    '## Docker Compose',
    '',
    '```sh',
    'docker compose up -d                                           # infrastructure only: NATS, Postgres, mailpit',
    'docker compose --profile app up --build                        # + every service (ports 3001-3008)',
    'docker compose --profile app --profile observability up --build   # + Prometheus (:9090) and Grafana (:3000)',
    '```',
    '',
    'Every service waits for NATS and Postgres to be healthy; its own healthcheck is `/readyz`. Local-only secrets',
    'have defaults in `docker-compose.yml`; override them and add provider credentials in a `.env` file',
    '(`TWILIO_*`, `WHATSAPP_*`: without them SMS and WhatsApp run disabled, their commands wait in `NOTIFY`).',
    'E-mails land in mailpit (http://127.0.0.1:8025). Host ports move with `EQ_<SERVICE>_PORT`, e.g.',
    '`EQ_PAYMENTS_PORT=4001`.',
    '',
    '## Kubernetes',
    '',
    '`infra/k8s/base` (kustomize): one Deployment + Service per service, a 3-node NATS JetStream cluster',
    '(StatefulSet `nats`, `nats-headless` for the routes, PodDisruptionBudget `maxUnavailable: 1`) and the',
    'configuration as hash-suffixed ConfigMaps (`common.env`, `services/<name>/config.env`): changing a value rolls',
    'the pods that read it. `infra/k8s/overlays/production` sets `STREAM_REPLICAS=3`, two pods per service spread',
    'over nodes with a PodDisruptionBudget each, NATS one server per node (required anti-affinity) with larger',
    'volumes, and the registry images.',
    '',
    '```sh',
    'kubectl kustomize infra/k8s/overlays/production           # review',
    'kubectl apply -k infra/k8s/overlays/production',
    '```',
    '',
    'Before the first apply:',
    '',
    '- **Secrets** are not in the repository. Each Deployment reads `<service>-secrets`; the keys are listed in',
    '  `infra/k8s/base/services/<service>/secrets.env.example`. Create them with',
    '  `kubectl -n express-quote create secret generic payments-secrets --from-env-file=payments.env` (or your',
    '  secret manager). Pods read them at start: `kubectl rollout restart deployment/<service>` after a rotation.',
    '- **Environment-specific values** are empty in `config.env` (company identity of the invoices, SMTP relay,',
    '  public origins of the links): a service refuses to start while a required one is empty.',
    '- **Postgres** is external (a managed Postgres ≥ 13): one `DATABASE_URL` per service, ideally one role per',
    '  service owning its schema. Each service migrates its schema at start under an advisory lock.',
    '- Probes: `startupProbe` and `livenessProbe` on `/healthz`, `readinessProbe` on `/readyz` (a pod whose NATS',
    '  or Postgres does not answer gets no traffic and is not restarted). Prometheus scrapes pods annotated',
    '  `prometheus.io/scrape` (`infra/prometheus/prometheus-kubernetes.yml` sets `job` to the service name).',
    '',
    '### Rolling a single service without losing messages',
    '',
    '```sh',
    'kubectl -n express-quote set image deployment/email-delivery email-delivery=registry.example.com/express-quote/email-delivery:<tag>',
    'kubectl -n express-quote rollout status deployment/email-delivery',
    '```',
    '',
    'Each step of the rollout (`maxSurge: 1`, `maxUnavailable: 0`) starts a new pod, waits until `/readyz` passes',
    '(its consumers are declared and pulling), then stops an old one:',
    '',
    '1. `preStop` waits 5 s so that the Service stops routing HTTP to the pod before it closes its port;',
    '2. on SIGTERM the service closes HTTP (in-flight requests finish), stops pulling, hands back the messages it',
    '   fetched but had not started (nak: redelivered at once to another pod), waits for running handlers and',
    '   flushes their acks, then drains NATS and closes Postgres, within `SHUTDOWN_TIMEOUT_MS` (20 s);',
    '   `terminationGracePeriodSeconds` (35 s) covers preStop + drain, so SIGKILL never cuts it;',
    '3. messages are never lost: consumers are durable and server-side, and a message is only removed from a',
    "   consumer's pending set by an ack. A pod killed anyway (OOM, node loss) leaves its unacked messages to be",
    '   redelivered after `ack_wait`; handlers are idempotent and publishes carry deterministic msgIDs, so a',
    '   redelivery never doubles an effect. Events committed to an event store but not yet relayed are published',
    '   by the relay of whichever pod takes the leader lock next.',
    '',
    'The old and the new version run side by side for a moment: schema migrations and event schemas must stay',
    'backward compatible for one release (add optional fields, new event versions with an upcaster). A consumer',
    'whose immutable settings changed makes the new pod fail at start (TopologyConflictError): the rollout stops',
    'with the old pods still serving. NATS itself rolls one server at a time (lame duck mode moves clients, R3',
    'streams keep their quorum); do not roll NATS and the services at the same time.',
    '',
    '## Scaling',
    '',
    'Every service can run several pods: JetStream durable pull consumers spread messages over the pods that pull',
    'from them, and the work that must happen once is coordinated in Postgres (leader advisory locks for relays and',
    'projections, `FOR UPDATE SKIP LOCKED` for pollers). No service needs a single replica; rate limits, breakers',
    'and caches are per pod.',
    '',
    '| Service | Scaling |',
    '| --- | --- |',
    ...configs.map((c) => `| \`${c.service}\` | ${ROLES[c.service]?.scaling ?? 'Horizontal.'} |`),
    '',
    'Postgres connections: pods × `DATABASE_POOL_MAX` per service (plus one session per relay/subscription leader',
    "or standby); size the database's `max_connections` for the sum.",
    '',
    '## Observability',
    '',
    '- `infra/prometheus/prometheus.yml` (compose) and `prometheus-kubernetes.yml` (pods): one `job` per service.',
    '- `infra/prometheus/alerts.yml`: the rules below, unit-tested in `alerts.test.yml`',
    '  (`promtool test rules infra/prometheus/alerts.test.yml`).',
    '- `infra/grafana`: the provisioned Prometheus data source and the dashboard "Express Quote — bookings and',
    '  notifications": per channel sent / delivered / failed / latency, per provider calls / outcomes / response',
    '  time / breaker, per consumer waiting / active / completed / failed, SMS and WhatsApp costs, webhooks, relay',
    '  lag, DLQ, renders, reminders, processes.',
    '',
    'Main metric families: `eq_notifications_{sent,failed,retried}_total{channel,provider}`,',
    '`eq_notification_send_seconds` (provider calls), `eq_notification_end_to_end_seconds` (request → accepted),',
    '`eq_notification_delivery_reports_total`, `eq_provider_circuit_state`, `eq_consumer_messages_total{outcome}`,',
    "`eq_consumer_pending` / `eq_consumer_ack_pending` / `eq_consumer_redelivered` (service-kit's",
    '`registerConsumerLagMetrics`), `eq_dlq_messages` (`registerDlqSizeMetric`), `eq_sms_cost_euros_total`,',
    '`eq_whatsapp_cost_euros_total{category}`, `http_request_duration_seconds{route,status_code}`,',
    '`eq_eventstore_append_seconds{schema}` / `eq_eventstore_append_conflicts_total{schema}`, and the relay lag',
    '`eq_relay_lag_events{store}` (booking, attribution, payments).',
    '',
    '### Alert runbooks',
    '',
    ...ALERTS.flatMap((a) => [`#### ${a.name}`, '', a.text, '']),
    '## Configuration reference',
    '',
    'Durations accept milliseconds (`1500`) or a unit (`500ms`, `30s`, `5m`, `1h`); lists are comma-separated; an',
    'empty variable counts as unset. *Secret* variables are never logged nor printed in errors; in Kubernetes they',
    "come from the service's Secret, everything else from its ConfigMaps.",
    '',
    '### Every service',
    '',
    variableTable(common),
    '',
    ...configs.flatMap((c) => [
      `### ${c.service}`,
      '',
      `\`services/${c.service}/src/config.ts\` (\`${c.exportName}\`), besides the variables of every service:`,
      '',
      variableTable(c.variables.filter((v) => !commonNames.has(v.name))),
      '',
    ]),
  );
  return `${lines.join('\n').trimEnd()}\n`;
};

export const generateDeploymentDoc = async (root = REPO_ROOT): Promise<string> =>
  renderDeploymentDoc(await loadServiceConfigs(root));

if (import.meta.main) {
  const target = join(REPO_ROOT, DEPLOYMENT_DOC);
  const doc = await generateDeploymentDoc();
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== doc) {
      process.stderr.write(`${DEPLOYMENT_DOC} is stale: run \`make docs\`\n`);
      process.exit(1);
    }
    process.stdout.write(`${DEPLOYMENT_DOC} is up to date\n`);
  } else {
    writeFileSync(target, doc);
    process.stdout.write(`wrote ${DEPLOYMENT_DOC}\n`);
  }
}
