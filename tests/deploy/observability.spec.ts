import { execFileSync } from 'node:child_process';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { serviceFolders } from '../../scripts/config-docs.ts';
import { exportedMetricsByService, isExported, promqlMetricNames } from './support/metric-names.ts';
import { readRepoFile, readYaml, repoPath } from './support/repo-files.ts';

interface AlertRule {
  alert?: string;
  record?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}

const services = serviceFolders();
const exportedBy = exportedMetricsByService(services);
const exportedAnywhere = new Set([...exportedBy.values()].flatMap((names) => [...names]));
const rules = readYaml<RuleFile>('infra/prometheus/alerts.yml').groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const dashboard = JSON.parse(readRepoFile('infra/grafana/dashboards/express-quote.json')) as {
  uid: string;
  panels: Panel[];
};
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
const dashboardExprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Where the PromQL parser of Prometheus' own UI finds a syntax error, or null. */
const promqlSyntaxError = (expr: string): string | null => {
  let error: string | null = null;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError && error === null)
        error = `syntax error at ${node.from}: ${expr.slice(node.from, node.from + 30)}`;
    },
  });
  return error;
};

describe('PromQL', () => {
  it('the syntax check rejects broken expressions', () => {
    expect(promqlSyntaxError('sum by (x) (rate(a[5m])) > 0')).toBeNull();
    expect(promqlSyntaxError('rate(a[5m]')).not.toBeNull();
    expect(promqlSyntaxError('foo{bar="x"')).not.toBeNull();
  });

  it('every alert expression and dashboard query parses', () => {
    const exprs = [
      ...rules.map((r) => r.expr!),
      // Grafana's own variables are durations.
      ...dashboardExprs.map((e) => e.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h')),
    ];
    for (const expr of exprs) expect(promqlSyntaxError(expr), expr).toBeNull();
  });
});

describe('the metric-name reader used by these checks', () => {
  it('finds metrics, not functions, labels, durations or keywords', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{route=~"/api/.+"}[5m]))) > 2',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(
      promqlMetricNames(
        'max by (job, consumer) (eq_consumer_pending) > 0 unless on (consumer) sum by (consumer) (rate(eq_consumer_messages_total{outcome="acked"}[10m])) > 0',
      ).sort(),
    ).toEqual(['eq_consumer_messages_total', 'eq_consumer_pending']);
    expect(promqlMetricNames('max by (job) ({__name__=~"a_lag_events|b_unpublished"})').sort()).toEqual([
      'a_lag_events',
      'b_unpublished',
    ]);
  });

  it('reads what the services export from their sources (package collectors included)', () => {
    expect(exportedBy.get('payments')).toContain('eq_payments_stripe_webhooks_total');
    // Brought in by runConsumer (messaging) and createHttpApp (service-kit), not defined in the service.
    expect(exportedBy.get('booking')).toContain('eq_consumer_messages_total');
    expect(exportedBy.get('booking')).toContain('http_request_duration_seconds');
    expect(exportedBy.get('payments')).not.toContain('eq_consumer_messages_total');
    expect(isExported('eq_notification_send_seconds_bucket', exportedAnywhere)).toBe(true);
    expect(isExported('eq_no_such_metric_total', exportedAnywhere)).toBe(false);
  });
});

describe('Prometheus scrape configuration', () => {
  const config = readYaml<{ rule_files: string[]; scrape_configs: ScrapeConfig[] }>(
    'infra/prometheus/prometheus.yml',
  );

  it('scrapes every service on its container port, under a job named after its folder', () => {
    for (const service of services) {
      const job = config.scrape_configs.find((c) => c.job_name === service);
      expect(job, `scrape job for ${service}`).toBeDefined();
      expect(job?.static_configs?.flatMap((s) => s.targets)).toEqual([`${service}:8080`]);
    }
  });

  it('loads the alert rules', () => {
    expect(config.rule_files).toContain('alerts.yml');
  });
});

describe('alert rules', () => {
  it('cover failure rate per channel, DLQ, consumer lag, open breakers, relay lag and webhook 5xx', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'NotificationFailureRateHigh',
        'DlqNotEmpty',
        'ConsumerLagHigh',
        'ProviderCircuitOpen',
        'RelayLagging',
        'WebhookServerErrors',
      ]),
    );
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))(
    '%s has an expression, a duration, a severity, a summary, a description and a runbook',
    (_name, alert) => {
      expect(alert.expr?.trim()).toBeTruthy();
      expect(alert.for).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.description).toBeTruthy();
      expect(alert.annotations?.runbook).toMatch(/^docs\/deployment\.md#[a-z0-9-]+$/);
    },
  );

  it('point to runbook sections that exist in docs/deployment.md', () => {
    const headings = new Set(
      readRepoFile('docs/deployment.md')
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .map((l) =>
          l
            .replace(/^#+\s*/, '')
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-'),
        ),
    );
    for (const alert of alerts) {
      const anchor = alert.annotations!.runbook!.split('#')[1]!;
      expect(headings, `${alert.alert} → #${anchor}`).toContain(anchor);
    }
  });

  it('only read metrics that some service exports', () => {
    for (const rule of rules) {
      for (const name of promqlMetricNames(rule.expr!)) {
        expect(isExported(name, exportedAnywhere), `${rule.alert ?? rule.record} reads ${name}`).toBe(true);
      }
    }
  });
});

describe('Grafana', () => {
  const datasources = readYaml<{ datasources: Array<{ uid: string; type: string; url: string }> }>(
    'infra/grafana/provisioning/datasources/prometheus.yml',
  ).datasources;
  const providers = readYaml<{ providers: Array<{ options: { path: string } }> }>(
    'infra/grafana/provisioning/dashboards/express-quote.yml',
  ).providers;

  it('provisions the Prometheus the dashboard queries and loads the dashboards from where compose mounts them', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    for (const panel of queryPanels) {
      expect(uids, `panel "${panel.title}"`).toContain(panel.datasource?.uid);
      for (const target of panel.targets ?? []) expect(uids).toContain(target.datasource?.uid);
    }
    const compose = readYaml<{ services: Record<string, { volumes: string[] }> }>('docker-compose.yml');
    const mounts = compose.services.grafana!.volumes.map((v) => v.split(':'));
    expect(mounts).toContainEqual(['./infra/grafana/dashboards', providers[0]!.options.path, 'ro']);
    expect(datasources[0]!.url).toBe('http://prometheus:9090');
  });

  it('has panels with unique ids, each with at least one query', () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of queryPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets!) expect(t.expr.trim(), panel.title).not.toBe('');
    }
  });

  it("shows the seed's metrics: per channel, per provider, per queue, and the costs", () => {
    const used = new Set(dashboardExprs.flatMap(promqlMetricNames));
    for (const name of [
      'eq_notifications_sent_total',
      'eq_notification_delivery_reports_total',
      'eq_notifications_failed_total',
      'eq_notification_end_to_end_seconds_bucket',
      'eq_notification_send_seconds_count',
      'eq_notification_send_seconds_bucket',
      'eq_provider_circuit_state',
      'eq_consumer_pending',
      'eq_consumer_ack_pending',
      'eq_consumer_messages_total',
      'eq_sms_cost_euros_total',
      'eq_whatsapp_cost_euros_total',
      'eq_dlq_messages',
      'eq_relay_lag_events',
      'eq_eventstore_append_seconds_bucket',
      'eq_eventstore_append_conflicts_total',
      'http_request_duration_seconds_bucket',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('only queries metrics that some service exports', () => {
    for (const expr of dashboardExprs) {
      for (const name of promqlMetricNames(expr)) {
        expect(isExported(name, exportedAnywhere), `${name} in ${expr}`).toBe(true);
      }
    }
  });
});

// The queue gauges (service-kit's registerConsumerLagMetrics / registerDlqSizeMetric) of every service that
// consumes; payments consumes nothing.
const QUEUE_METRICS = [
  'eq_consumer_messages_total',
  'eq_consumer_pending',
  'eq_consumer_ack_pending',
  'eq_consumer_redelivered',
  'eq_dlq_messages',
] as const;
// The event stores (packages/eventstore with the service registry) and their relays; payments' Stripe event log
// reports its outbox under the same relay lag name.
const EVENT_STORE_METRICS = [
  'eq_eventstore_append_seconds',
  'eq_eventstore_append_conflicts_total',
  'eq_relay_lag_events',
] as const;

// What each service must keep exporting for the seed's "Métriques et monitoring" and the alerts above; a metric
// removed later fails here.
const SEED_METRICS: Record<string, readonly string[]> = {
  payments: ['eq_payments_stripe_webhooks_total', 'eq_relay_lag_events'],
  booking: [...EVENT_STORE_METRICS, ...QUEUE_METRICS],
  documents: ['eq_documents_render_seconds', 'eq_documents_failed_total', ...QUEUE_METRICS],
  attribution: [...EVENT_STORE_METRICS, ...QUEUE_METRICS, 'eq_provider_circuit_state'],
  notifications: ['eq_notifications_released_total', ...QUEUE_METRICS],
  'email-delivery': [
    'eq_notifications_sent_total',
    'eq_notifications_failed_total',
    'eq_notification_send_seconds',
    'eq_notification_end_to_end_seconds',
    'eq_provider_circuit_state',
    'eq_consumer_messages_total',
    'eq_consumer_pending',
    'eq_consumer_ack_pending',
    'eq_consumer_redelivered',
    'eq_dlq_messages',
  ],
  'sms-delivery': [
    'eq_notifications_sent_total',
    'eq_notification_delivery_reports_total',
    'eq_notifications_failed_total',
    'eq_notification_send_seconds',
    'eq_notification_end_to_end_seconds',
    'eq_provider_circuit_state',
    'eq_consumer_messages_total',
    'eq_consumer_pending',
    'eq_consumer_ack_pending',
    'eq_consumer_redelivered',
    'eq_dlq_messages',
    'eq_sms_cost_euros_total',
  ],
  'whatsapp-delivery': [
    'eq_notifications_sent_total',
    'eq_notification_delivery_reports_total',
    'eq_notifications_failed_total',
    'eq_notification_send_seconds',
    'eq_notification_end_to_end_seconds',
    'eq_provider_circuit_state',
    'eq_consumer_messages_total',
    'eq_consumer_pending',
    'eq_consumer_ack_pending',
    'eq_consumer_redelivered',
    'eq_dlq_messages',
    'eq_whatsapp_cost_euros_total',
  ],
};

describe("services' /metrics", () => {
  it.each(services.map((s) => [s] as const))(
    '%s exports HTTP latency, process metrics and its seed metrics',
    (service) => {
      const exported = exportedBy.get(service)!;
      for (const name of [
        'http_request_duration_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        ...(SEED_METRICS[service] ?? []),
      ]) {
        expect(exported, `${service} exports ${name}`).toContain(name);
      }
    },
  );
});

const promtool = (() => {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return 'promtool';
  } catch {
    return null;
  }
})();

// promtool is not an npm package: .ci/run installs it with Debian's prometheus package. Without it this test fails
// with the install command (never a silent skip): the rules' unit tests (alerts.test.yml: each alert fires, or not,
// on synthetic series) are the proof the alerts work.
describe('promtool', () => {
  const run = (...args: string[]) => {
    if (!promtool) {
      throw new Error('promtool is not installed: apt-get install -y --no-install-recommends prometheus');
    }
    return execFileSync(promtool, args, {
      cwd: repoPath('infra/prometheus'),
      encoding: 'utf8',
      stdio: 'pipe',
    });
  };

  it('accepts the configuration, the rules and their unit tests', () => {
    expect(run('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
    expect(run('check', 'rules', 'alerts.yml')).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(run('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});
