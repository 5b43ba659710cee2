import { availableParallelism } from 'node:os';
import { Piscina, queueOptionsSymbol } from 'piscina';
import type { CompanyIdentity } from './company.ts';
import { PriorityTaskQueue, type RenderQueueOptions } from './priority-task-queue.ts';
import type { RenderJob } from './render-job.ts';
import { renderDocument } from './render-pdf.ts';
import { renderPriorities, renderPriorityOf } from './render-priority.ts';

/** Something that turns a render job into PDF bytes. */
export interface Renderer {
  render(job: RenderJob): Promise<Uint8Array>;
  /** Worker threads doing the work (0: the calling thread). */
  readonly threads: number;
  /** Jobs waiting for a free worker. */
  readonly queued: number;
  close(): Promise<void>;
}

/** A job as handed to piscina: its queue options under a symbol key, which structured clone leaves out. */
type QueuedRenderJob = RenderJob & { readonly [queueOptionsSymbol]: RenderQueueOptions };

export const defaultRenderThreads = (): number => availableParallelism();

/**
 * Renders in a pool of worker threads so that a burst of bookings never blocks the consumer's event loop (acks,
 * heartbeats, HTTP). Threads are created at start (minThreads = maxThreads) and never retired: a PDF takes a few
 * milliseconds, a thread start-up with pdfmake loaded takes far more. Jobs waiting for a thread are taken by priority
 * (renderPriorityOf): a booking's documents overtake the mission proposals queued before them, so the customer's
 * confirmation does not wait for every professional's proposal.
 */
export const createRenderPool = (options: { company: CompanyIdentity; threads?: number }): Renderer => {
  const threads = options.threads ?? defaultRenderThreads();
  const pool = new Piscina<QueuedRenderJob, Uint8Array>({
    filename: new URL('./render-worker.ts', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { company: options.company },
    taskQueue: new PriorityTaskQueue(Math.max(...Object.values(renderPriorities)) + 1),
    // A task piscina shifts but cannot hand to a busy worker goes back to the head of its level, not to the tail:
    // otherwise every completion pushes one queued job behind all the others of its level.
    stricterFIFO: true,
  });
  return {
    threads,
    get queued() {
      return pool.queueSize;
    },
    // The worker receives exactly the job: the priority stays on this side of the thread boundary.
    render: (job) => pool.run({ ...job, [queueOptionsSymbol]: { priority: renderPriorityOf(job) } }),
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
