import type { DocumentKind } from '@express-quote/contracts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface DocumentsMetrics {
  rendered(kind: DocumentKind, seconds: number, bytes: number): void;
  failed(sourceType: string): void;
}

/** Render throughput and latency per kind, the pool's backlog, and failed source events. */
export const createDocumentsMetrics = (registry: Registry, queued: () => number): DocumentsMetrics => {
  const renders = new Histogram({
    name: 'eq_documents_render_seconds',
    help: 'Time to render one PDF (queue wait in the worker pool included).',
    labelNames: ['kind'],
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const sizes = new Counter({
    name: 'eq_documents_rendered_bytes_total',
    help: 'Bytes of PDF rendered.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'eq_documents_failed_total',
    help: 'Source events whose documents could not be produced (documents.failed published).',
    labelNames: ['source_type'],
    registers: [registry],
  });
  new Gauge({
    name: 'eq_documents_render_queue',
    help: 'Render jobs waiting for a free worker thread.',
    registers: [registry],
    collect() {
      this.set(queued());
    },
  });
  return {
    rendered(kind, seconds, bytes) {
      renders.labels(kind).observe(seconds);
      sizes.labels(kind).inc(bytes);
    },
    failed(sourceType) {
      failures.labels(sourceType).inc();
    },
  };
};
