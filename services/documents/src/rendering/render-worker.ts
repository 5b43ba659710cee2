import { workerData } from 'node:worker_threads';
import type { CompanyIdentity } from './company.ts';
import type { RenderJob } from './render-job.ts';
import { renderDocument } from './render-pdf.ts';
import { installStandardFontMetrics } from './standard-font-metrics.ts';

/**
 * Entry point of a render worker thread (piscina). The company identity (and its logo) arrives once through
 * workerData, not with every job; fonts are loaded and their metrics parsed before the worker reports ready.
 */
const { company } = workerData as { company: CompanyIdentity };

await installStandardFontMetrics();

export default (job: RenderJob): Promise<Uint8Array> => renderDocument(job, company);
