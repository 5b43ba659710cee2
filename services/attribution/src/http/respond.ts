import type { HttpApp } from '@express-quote/service-kit';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LINK_ACTIONS } from '../domain/link-token.ts';
import {
  type AnswerOutcome,
  answerProposal,
  checkLink,
  type LinkCheck,
} from '../handlers/answer-proposal.ts';
import type { AttributionDeps } from '../handlers/handler-deps.ts';
import {
  acceptedPage,
  missionPage,
  type RenderedPage,
  refusedPage,
  resultPage,
} from '../pages/respond-pages.ts';
import { sendPage } from './page-headers.ts';

export interface RespondRoutesOptions {
  /** Requests per minute and client address on the link pages (GET and POST together). */
  rateLimitPerMinute: number;
}

const Query = z.object({ token: z.string().min(1).max(1024) });
const Form = z.object({ token: z.string().min(1).max(1024), action: z.enum(LINK_ACTIONS) });

const FORM_BODY_LIMIT = 4_096;

const pageFor = (outcome: LinkCheck | AnswerOutcome): RenderedPage => {
  switch (outcome.kind) {
    case 'accepted':
      return acceptedPage(outcome.summary);
    case 'refused':
      return refusedPage(outcome.summary);
    case 'rejected':
      return resultPage(outcome.code, outcome.summary);
    case 'invalid':
    case 'expired':
    case 'used':
      return resultPage(outcome.kind);
    case 'ready':
      throw new Error('a ready link renders the mission page');
  }
};

/**
 * The professionals' answer pages. `GET /attribution/respond?token=…` (the link in the e-mail and the PDF) shows
 * the restricted mission summary and one button; it writes nothing. `POST /attribution/respond` (the button:
 * token and action in the form body, never in a cookie, so another site cannot make a professional's browser
 * answer) is the only state change. Every outcome is a French HTML page; a bad link is a 4xx page.
 */
export const respondRoutes =
  (deps: AttributionDeps, options: RespondRoutesOptions) => async (app: HttpApp) => {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        Object.assign(new Error('rate limited'), { statusCode: context.statusCode, rateLimited: true }),
    });
    const limit = { rateLimit: { max: options.rateLimitPerMinute, timeWindow: 60_000 } };

    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    // Pages, not JSON, for whatever goes wrong on these routes.
    app.setErrorHandler((error, request, reply) => {
      const e = error as { statusCode?: number; rateLimited?: boolean };
      if (e.rateLimited || e.statusCode === 429) return sendPage(reply, resultPage('rate_limited'));
      if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
        request.log.info(
          { statusCode: e.statusCode, reason: (error as Error).message },
          'answer request rejected',
        );
        return sendPage(reply, resultPage('invalid'));
      }
      request.log.error({ err: error }, 'answer page failed');
      return sendPage(reply, resultPage('unavailable'));
    });

    app.get('/attribution/respond', { config: limit }, async (request, reply) => {
      const query = Query.safeParse(request.query);
      if (!query.success) return sendPage(reply, resultPage('invalid'));
      const checked = await checkLink(deps, query.data.token);
      if (checked.kind !== 'ready') return sendPage(reply, pageFor(checked));
      return sendPage(reply, missionPage(checked.summary, query.data.token, checked.claims.action));
    });

    app.post('/attribution/respond', { config: limit }, async (request, reply) => {
      const form = Form.safeParse(request.body);
      if (!form.success) return sendPage(reply, resultPage('invalid'));
      const outcome = await answerProposal(deps, form.data.token, form.data.action, request.log as Logger);
      return sendPage(reply, pageFor(outcome));
    });
  };
