import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { z } from 'zod';
import { renderInboxPage, renderMessagePage } from './mail-inbox-page.ts';
import type { MailSink } from './mail-sink.ts';
import type { CapturedMail } from './mail-store.ts';

const summary = (m: CapturedMail) => ({
  id: m.id,
  receivedAt: m.receivedAt,
  envelope: m.envelope,
  messageId: m.messageId,
  subject: m.subject,
  from: m.from,
  to: m.to,
  size: m.size,
  attachments: m.attachments.map((a) => ({
    index: a.index,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    url: `/api/messages/${encodeURIComponent(m.id)}/attachments/${a.index}`,
  })),
});

const detail = (m: CapturedMail) => ({
  ...summary(m),
  cc: m.cc,
  text: m.text,
  html: m.html,
  headers: m.headers,
  parseError: m.parseError,
});

const ListQuery = z.object({
  to: z.string().optional(),
  messageId: z.string().optional(),
  subject: z.string().optional(),
});

const Reply = { code: z.number().int().min(400).max(599).optional(), message: z.string().min(1).optional() };
const FaultsBody = z
  .object({
    failNext: z.object({ count: z.number().int().min(0), ...Reply }).optional(),
    rejectRecipients: z.array(z.object({ address: z.string().min(3), ...Reply })).optional(),
    dataDelayMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

const badRequest = (reply: FastifyReply, error: z.ZodError) =>
  reply.code(400).send({
    error: 'bad_request',
    message: 'invalid request',
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });

const notFound = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ error: 'not_found', message: `${what} not found` });

/** The web inbox and its JSON API (shapes close to mailpit's so people find their way). */
export const buildMailInbox = ({
  sink,
  logger,
}: {
  sink: MailSink;
  logger?: FastifyBaseLogger;
}): FastifyInstance => {
  const app = Fastify({
    logController: new LogController({ disableRequestLogging: true }),
    ...(logger ? { loggerInstance: logger } : {}),
  });

  app.get('/healthz', async () => ({ status: 'ok', smtp: sink.smtpRunning ? 'up' : 'stopped' }));

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderInboxPage(sink.messages())),
  );

  app.get<{ Params: { id: string } }>('/messages/:id', async (request, reply) => {
    const mail = sink.store.get(request.params.id);
    if (!mail) return reply.code(404).type('text/html; charset=utf-8').send('<p>Message introuvable.</p>');
    return reply.type('text/html; charset=utf-8').send(renderMessagePage(mail));
  });

  app.get('/api/messages', async (request, reply) => {
    const query = ListQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    const messages = sink.messages({
      to: query.data.to,
      messageId: query.data.messageId,
      subjectContains: query.data.subject,
    });
    return { total: messages.length, messages: messages.map(summary) };
  });

  app.get<{ Params: { id: string } }>('/api/messages/:id', async (request, reply) => {
    const mail = sink.store.get(request.params.id);
    return mail ? detail(mail) : notFound(reply, `message ${request.params.id}`);
  });

  app.get<{ Params: { id: string } }>('/api/messages/:id/raw', async (request, reply) => {
    const mail = sink.store.get(request.params.id);
    if (!mail) return notFound(reply, `message ${request.params.id}`);
    return reply
      .type('message/rfc822')
      .header('content-disposition', `attachment; filename="message-${mail.id}.eml"`)
      .send(mail.raw);
  });

  app.get<{ Params: { id: string; index: string } }>(
    '/api/messages/:id/attachments/:index',
    async (request, reply) => {
      const mail = sink.store.get(request.params.id);
      const attachment = mail?.attachments[Number(request.params.index)];
      if (!attachment) return notFound(reply, 'attachment');
      const filename = (attachment.filename ?? `attachment-${attachment.index}`).replaceAll('"', '');
      return reply
        .type(attachment.contentType)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(filename)}"`)
        .header('x-content-sha256', attachment.sha256)
        .send(attachment.content);
    },
  );

  app.delete('/api/messages', async (_request, reply) => {
    sink.store.clear();
    return reply.code(204).send();
  });

  app.get('/api/attempts', async (request, reply) => {
    const query = z.object({ to: z.string().optional() }).safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    return { attempts: sink.attempts(query.data.to ? { to: query.data.to } : undefined) };
  });

  app.get('/api/faults', async () => sink.faults.snapshot());

  app.put('/api/faults', async (request, reply) => {
    const body = FaultsBody.safeParse(request.body);
    if (!body.success) return badRequest(reply, body.error);
    const { failNext, rejectRecipients, dataDelayMs } = body.data;
    if (failNext) sink.faults.failNext(failNext.count, failNext);
    for (const r of rejectRecipients ?? []) sink.faults.rejectRecipient(r.address, r);
    if (dataDelayMs !== undefined) sink.faults.delayData(dataDelayMs);
    return sink.faults.snapshot();
  });

  app.delete('/api/faults', async () => {
    sink.faults.clear();
    return sink.faults.snapshot();
  });

  app.post('/api/smtp/stop', async () => {
    await sink.stopSmtp();
    return { smtp: 'stopped' };
  });

  app.post('/api/smtp/start', async () => {
    await sink.startSmtp();
    return { smtp: 'up', port: sink.smtpPort };
  });

  return app;
};
