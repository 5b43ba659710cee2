import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderJob } from '../src/rendering/render-job.ts';
import { createInlineRenderer, createRenderPool, type Renderer } from '../src/rendering/render-pool.ts';
import { bookingData, company, proposalData } from './fixtures.ts';

const booking = bookingData();
const bookingSet: RenderJob[] = [
  { kind: 'BOOKING_CONFIRMATION', booking },
  { kind: 'INVOICE', booking, invoiceNumber: 'FA-2026-000042' },
  { kind: 'CUSTOMER_DETAILS', booking },
];
const proposal = (index: number): RenderJob => ({
  kind: 'MISSION_PROPOSAL',
  proposal: proposalData({ professionalId: `0195f3a4-0000-7000-8000-${String(index).padStart(12, '0')}` }),
  createdAt: '2026-03-02T10:16:00.000Z',
});

describe('render pool', () => {
  // One thread: which queued job a free worker takes next is then the only thing that orders the completions.
  let pool: Renderer;
  beforeAll(async () => {
    pool = createRenderPool({ company, threads: 1 });
    // Wait for the worker to be up, so that the first proposal below goes straight to it and the rest queue.
    await pool.render(proposal(0));
  });
  afterAll(() => pool.close());

  it("renders a booking's documents before the mission proposals queued ahead of them", async () => {
    const proposals = 12;
    const completed: string[] = [];
    const track = (name: string, job: RenderJob) =>
      pool.render(job).then((bytes) => {
        completed.push(name);
        return bytes;
      });

    const rendering = Array.from({ length: proposals }, (_, index) =>
      track(`proposal-${index + 1}`, proposal(index + 1)),
    );
    rendering.push(...bookingSet.map((job) => track(job.kind, job)));
    // The pool is saturated: everything but the proposal already running waits for the thread.
    expect(pool.queued).toBe(proposals - 1 + bookingSet.length);
    await Promise.all(rendering);

    expect(completed).toHaveLength(proposals + bookingSet.length);
    const lastOfBooking = Math.max(...bookingSet.map((job) => completed.indexOf(job.kind)));
    const proposalsBeforeBooking = completed
      .slice(0, lastOfBooking)
      .filter((name) => name.startsWith('proposal-'));
    // Only the proposal already on the thread when the booking arrived finishes before the booking's set.
    expect(proposalsBeforeBooking).toEqual(['proposal-1']);
    // The booking's set keeps its own order, and so do the proposals.
    expect(completed.slice(1, 1 + bookingSet.length)).toEqual(bookingSet.map((job) => job.kind));
    expect(completed.filter((name) => name.startsWith('proposal-'))).toEqual(
      Array.from({ length: proposals }, (_, index) => `proposal-${index + 1}`),
    );
  });

  it('gives the worker exactly the job: same bytes as rendering on the calling thread', async () => {
    const inline = createInlineRenderer(company);
    for (const job of [...bookingSet, proposal(1)]) {
      expect(Buffer.from(await pool.render(job)).equals(Buffer.from(await inline.render(job)))).toBe(true);
    }
  });
});
