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

interface SourceFile {
  readonly path: string;
  readonly source: string;
  readonly exports: ReadonlySet<string>;
}

const readSource = (path: string): SourceFile => {
  const source = readFileSync(path, 'utf8');
  const exports = new Set<string>();
  for (const m of source.matchAll(/^export (?:const|(?:async )?function\*?|class) (\w+)/gm))
    exports.add(m[1]!);
  return { path, source, exports };
};

/** Identifiers called (`name(`, `name<T>(`) or constructed (`new Name(`) in a source. */
const callsIn = (source: string): Set<string> =>
  new Set([...source.matchAll(/\b([A-Za-z_$][\w$]*)\s*(?:<[^<>()]*>)?\s*\(/g)].map((m) => m[1]!));

/**
 * The package files a service's code reaches: those exporting a function it calls, then, transitively, those
 * exporting a function these call (file granularity: our package files are small and hold one thing).
 */
const reachedPackageFiles = (serviceSource: string, packageFiles: readonly SourceFile[]): SourceFile[] => {
  const reached = new Set<SourceFile>();
  const pending = [serviceSource];
  while (pending.length > 0) {
    const calls = callsIn(pending.pop()!);
    for (const file of packageFiles) {
      if (reached.has(file) || ![...file.exports].some((name) => calls.has(name))) continue;
      reached.add(file);
      pending.push(file.source);
    }
  }
  return [...reached];
};

/** prom-client's process metrics (event loop lag, heap, CPU), registered by collectDefaultMetrics. */
const processMetricNames = (): Set<string> =>
  new Set(
    createMetricsRegistry('metric-names')
      .getMetricsAsArray()
      .map((m) => m.name),
  );

/**
 * What each service's /metrics can show, by service folder, read from the sources: metrics its own code
 * defines, and those of the package code it reaches (the consumer runner's when it calls runConsumer, the HTTP
 * histogram through createHttpApp, delivery-kit's through startDeliveryService…).
 */
export const exportedMetricsByService = (services: readonly string[]): Map<string, Set<string>> => {
  const processNames = processMetricNames();
  const packageFiles = readdirSync(join(REPO_ROOT, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => tsFiles(join(REPO_ROOT, 'packages', d.name, 'src')))
    .map(readSource);
  const result = new Map<string, Set<string>>();
  for (const service of services) {
    const own = tsFiles(join(REPO_ROOT, 'services', service, 'src')).map(readSource);
    const sources = [...own, ...reachedPackageFiles(own.map((f) => f.source).join('\n'), packageFiles)];
    const names = new Set(sources.flatMap((f) => [...metricNamesIn(f.source)]));
    if (sources.some((f) => f.source.includes('collectDefaultMetrics(')))
      for (const n of processNames) names.add(n);
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
