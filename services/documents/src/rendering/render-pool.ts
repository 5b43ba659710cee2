import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CompanyIdentity } from './company.ts';
import type { RenderJob } from './render-job.ts';
import { renderDocument } from './render-pdf.ts';

/** Something that turns a render job into PDF bytes. */
export interface Renderer {
  render(job: RenderJob): Promise<Uint8Array>;
  /** Worker threads doing the work (0: the calling thread). */
  readonly threads: number;
  /** Jobs waiting for a free worker. */
  readonly queued: number;
  close(): Promise<void>;
}

export const defaultRenderThreads = (): number => availableParallelism();

/**
 * Renders in a pool of worker threads so that a burst of bookings never blocks the consumer's event loop (acks,
 * heartbeats, HTTP). Threads are created at start (minThreads = maxThreads) and never retired: a PDF takes a few
 * milliseconds, a thread start-up with pdfmake loaded takes far more.
 */
export const createRenderPool = (options: { company: CompanyIdentity; threads?: number }): Renderer => {
  const threads = options.threads ?? defaultRenderThreads();
  const pool = new Piscina<RenderJob, Uint8Array>({
    filename: new URL('./render-worker.ts', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { company: options.company },
  });
  return {
    threads,
    get queued() {
      return pool.queueSize;
    },
    render: (job) => pool.run(job),
    close: () => pool.close(),
  };
};

/** Same output on the calling thread: tests of the documents' content, and the single-thread benchmark. */
export const createInlineRenderer = (company: CompanyIdentity): Renderer => ({
  threads: 0,
  queued: 0,
  render: (job) => renderDocument(job, company),
  close: async () => {},
});
