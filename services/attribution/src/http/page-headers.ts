import type { FastifyReply } from 'fastify';
import type { RenderedPage } from '../pages/respond-pages.ts';

/**
 * Headers of every page a professional sees. The token is in the URL: no referrer may carry it away and no cache
 * may keep the page. No script runs, frames are refused (no click-jacking of the button), and the form may only
 * post back here.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export const sendPage = (reply: FastifyReply, rendered: RenderedPage): FastifyReply =>
  reply.code(rendered.status).headers(PAGE_HEADERS).send(rendered.body);
