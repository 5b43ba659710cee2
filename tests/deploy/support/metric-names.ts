import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@express-quote/service-kit';
import { REPO_ROOT } from './repo-files.ts';

/**
 * Metric names a TypeScript source defines: `name: '…'` of prom-client metrics, and `eq_…` literals (collectors
 * that take the name as an argument). Only files that import prom-client count.
 */
export const metricNamesIn = (source: string): Set<string> => {
  const names = new Set<string>();
  if (!source.includes("from 'prom-client'")) return names;
  for (const m of source.matchAll(/\bname:\s*'([a-z][a-z0-9]*_[a-z0-9_]*)'/g)) names.add(m[1]!);
  for (const m of source.matchAll(/'(eq_[a-z0-9_]+)'/g)) names.add(m[1]!);
  // `const DURATION_METRIC = 'http_…'` … `name: DURATION_METRIC`
  for (const m of source.matchAll(/\bconst (\w+) = '([a-z][a-z0-9]*_[a-z0-9_]*)'/g)) {
    if (new RegExp(`\\bname:\\s*${m[1]}\\b`).test(source)) names.add(m[2]!);
  }
  return names;
};

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));

const definedIn = (files: readonly string[]): Set<string> => {
  const names = new Set<string>();
  for (const file of files) for (const name of metricNamesIn(readFileSync(file, 'utf8'))) names.add(name);
  return names;
};

// Package code that registers metrics in the registry a service hands it: the call in the service's source
// that brings them in.
const PACKAGE_METRICS = [
  { call: 'runConsumer(', file: 'packages/messaging/src/metrics.ts' },
  { call: 'createHttpApp(', file: 'packages/service-kit/src/http-metrics.ts' },
  { call: 'registerConsumerLagMetrics(', file: 'packages/service-kit/src/consumer-lag-metrics.ts' },
  { call: 'registerDlqSizeMetric(', file: 'packages/service-kit/src/dlq-size-metric.ts' },
] as const;

/** prom-client's process metrics (event loop lag, heap, CPU), which createMetricsRegistry turns on. */
const processMetricNames = (): Set<string> =>
  new Set(
    createMetricsRegistry('metric-names')
      .getMetricsAsArray()
      .map((m) => m.name),
  );

/** What each service's /metrics can show, by service folder, read from the sources. */
export const exportedMetricsByService = (services: readonly string[]): Map<string, Set<string>> => {
  const processNames = processMetricNames();
  const result = new Map<string, Set<string>>();
  for (const service of services) {
    const files = tsFiles(join(REPO_ROOT, 'services', service, 'src'));
    const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const names = definedIn(files);
    for (const { call, file } of PACKAGE_METRICS) {
      if (source.includes(call)) for (const n of definedIn([join(REPO_ROOT, file)])) names.add(n);
    }
    // runServiceMain hands the service a registry from createMetricsRegistry.
    if (/\b(createMetricsRegistry|runServiceMain)\(/.test(source)) for (const n of processNames) names.add(n);
    result.set(service, names);
  }
  return result;
};

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring']);

/** Metric names a PromQL expression reads (functions, keywords, labels, durations and grouping left out). */
export const promqlMetricNames = (expr: string): string[] => {
  const names = new Set<string>();
  for (const m of expr.matchAll(/__name__\s*=~?\s*"([^"]+)"/g))
    for (const n of m[1]!.split('|')) names.add(n);
  const rest = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = m[0];
    const after = rest.slice((m.index ?? 0) + token.length).trimStart();
    if (after.startsWith('(') || PROMQL_KEYWORDS.has(token)) continue;
    names.add(token);
  }
  return [...names];
};

/** Series Prometheus makes itself for every target. */
export const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** Whether `name` (possibly a histogram's _bucket/_sum/_count series) is among `exported`. */
export const isExported = (name: string, exported: ReadonlySet<string>): boolean => {
  if (exported.has(name) || PROMETHEUS_SERIES.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && exported.has(base);
};
