import type { StoredDocument } from '@express-quote/contracts';
import type { DocumentsMetrics } from '../metrics.ts';
import type { RenderJob } from '../rendering/render-job.ts';
import type { Renderer } from '../rendering/render-pool.ts';
import type { DocumentStore } from '../storage/document-store.ts';

export interface PlannedDocument {
  key: string;
  filename: string;
  job: RenderJob;
}

export interface RenderDeps {
  renderer: Renderer;
  store: DocumentStore;
  metrics: DocumentsMetrics;
}

/** Renders the documents in parallel (the pool spreads them over its threads), then stores each one. */
export const renderAndStore = (
  deps: RenderDeps,
  planned: readonly PlannedDocument[],
): Promise<StoredDocument[]> =>
  Promise.all(
    planned.map(async ({ key, filename, job }) => {
      const started = performance.now();
      const bytes = await deps.renderer.render(job);
      deps.metrics.rendered(job.kind, (performance.now() - started) / 1000, bytes.byteLength);
      return deps.store.save({ key, kind: job.kind, filename, bytes });
    }),
  );
