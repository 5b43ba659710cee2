import { createHash, createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { createEmulatorApp, type EmulatorServer, listenEmulator, sleep } from './sms-emulator-server.ts';
import { type ProviderFault, ProviderFaults } from './sms-faults.ts';
import { type CapturedSms, SmsStore } from './sms-store.ts';

export interface WhatsAppEmulatorOptions {
  host?: string;
  port?: number;
  phoneNumberId?: string;
  accessToken?: string;
  /** Signs the status webhooks (X-Hub-Signature-256). */
  appSecret?: string;
  /** Where status webhooks go (the service's /api/webhooks/whatsapp); settable later with setWebhookUrl(). */
  webhookUrl?: string | null;
  store?: SmsStore;
  /**
   * How a free-form message outside the 24-hour window is refused: `sync` answers 400 code 131047 at once;
   * `async` accepts it and reports `failed` with 131047 in a status webhook (what the Cloud API mostly does).
   */
  windowErrors?: 'sync' | 'async';
  /** Report sent, delivered and read on its own after each accepted message (the demo). */
  autoStatuses?: { delayMs: number } | null;
}

export interface UploadedMedia {
  id: string;
  filename: string | null;
  mimeType: string;
  bytes: number;
  sha256: string;
}

export interface WhatsAppEmulator extends EmulatorServer {
  readonly phoneNumberId: string;
  readonly accessToken: string;
  readonly appSecret: string;
  readonly store: SmsStore;
  /** Faults answered as Graph errors: `{ error: { message, type, code, error_data, fbtrace_id } }` with the status. */
  readonly faults: ProviderFaults;
  readonly requests: number;
  readonly media: ReadonlyMap<string, UploadedMedia>;
  messages(): CapturedSms[];
  /** Opens the 24-hour customer-service window for a recipient (digits or E.164), as if they had written to us. */
  openWindow(to: string): void;
  setWebhookUrl(url: string): void;
  /** Switches how closed-window refusals are reported (see WhatsAppEmulatorOptions.windowErrors). */
  setWindowErrors(mode: 'sync' | 'async'): void;
  /** Posts a signed status webhook for a message. Returns the HTTP status the application answered. */
  reportStatus(
    wamid: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    options?: {
      errors?: Array<{ code: number; title: string; message?: string }>;
      pricing?: { category: string; billable: boolean; pricing_model?: string } | null;
      signature?: string | null;
    },
  ): Promise<number>;
  /** Sends raw bytes to the webhook with a given signature header (for forged-request tests). */
  postWebhook(body: string, signature: string | null): Promise<number>;
}

const digits = (s: string) => s.replace(/[^\d]/g, '');

const graphError = (fault: ProviderFault) => ({
  error: {
    message: fault.message ?? 'An unknown error occurred',
    type: 'OAuthException',
    code: fault.code === undefined ? 1 : Number(fault.code),
    error_data: { messaging_product: 'whatsapp', details: fault.message ?? 'error' },
    fbtrace_id: randomBytes(8).toString('base64url'),
  },
});

/**
 * Speaks the WhatsApp Business Cloud API (Graph: POST /{version}/{phone-number-id}/messages and /media with a
 * bearer token) on a local port, enforces the 24-hour customer-service window for free-form messages, and sends
 * status webhooks signed with the app secret like Meta does.
 */
export const startWhatsAppEmulator = async (
  options: WhatsAppEmulatorOptions = {},
): Promise<WhatsAppEmulator> => {
  const phoneNumberId = options.phoneNumberId ?? '106540352242922';
  const accessToken = options.accessToken ?? 'EAAemulator0123456789abcdef';
  const appSecret = options.appSecret ?? 'emulator-app-secret-0123456789';
  const store = options.store ?? new SmsStore();
  const faults = new ProviderFaults();
  const media = new Map<string, UploadedMedia>();
  const openWindows = new Set<string>();
  let webhookUrl = options.webhookUrl ?? null;
  let windowErrors = options.windowErrors ?? 'sync';
  let requests = 0;
  const app = createEmulatorApp(store, 'whatsapp', faults);
  app.addContentTypeParser(/^multipart\/form-data/, { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const postWebhook = async (body: string, signature: string | null): Promise<number> => {
    if (!webhookUrl) throw new Error('whatsapp emulator: no webhook URL');
    const response = await request(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
      },
      body,
    });
    await response.body.dump();
    return response.statusCode;
  };

  const reportStatus: WhatsAppEmulator['reportStatus'] = async (wamid, status, reportOptions = {}) => {
    const message = store.get(wamid);
    if (!message) throw new Error(`whatsapp emulator: unknown message ${wamid}`);
    const category = message.meta.type === 'template' ? 'utility' : 'service';
    const pricing =
      reportOptions.pricing === undefined
        ? status === 'failed'
          ? null
          : { billable: category !== 'service', pricing_model: 'PMP', category }
        : reportOptions.pricing;
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '33100000000', phone_number_id: phoneNumberId },
                statuses: [
                  {
                    id: wamid,
                    status,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    recipient_id: message.to,
                    ...(message.meta.bizOpaque ? { biz_opaque_callback_data: message.meta.bizOpaque } : {}),
                    ...(pricing
                      ? {
                          conversation: {
                            id: randomBytes(16).toString('hex'),
                            origin: { type: pricing.category },
                          },
                          pricing: { type: 'regular', ...pricing },
                        }
                      : {}),
                    ...(reportOptions.errors
                      ? {
                          errors: reportOptions.errors.map((e) => ({
                            ...e,
                            message: e.message ?? e.title,
                            error_data: { details: e.message ?? e.title },
                          })),
                        }
                      : {}),
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const body = JSON.stringify(payload);
    const signature =
      reportOptions.signature === undefined
        ? `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`
        : reportOptions.signature;
    const answered = await postWebhook(body, signature);
    if (answered < 300) store.setStatus(wamid, status);
    return answered;
  };

  const authorized = (header: string | undefined) => header === `Bearer ${accessToken}`;

  app.post('/:version/:phoneNumberId/media', async (req, reply) => {
    requests += 1;
    if (!authorized(req.headers.authorization)) {
      return reply
        .code(401)
        .send(graphError({ status: 401, code: 190, message: 'Invalid OAuth access token.' }));
    }
    const form = await new Response(new Uint8Array(req.body as Buffer), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) {
      return reply.code(400).send(graphError({ status: 400, code: 100, message: 'Invalid parameter' }));
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const id = String(1_000_000_000_000 + media.size + Math.floor(Math.random() * 1000) * 1_000_000);
    media.set(id, {
      id,
      filename: file instanceof File ? file.name : null,
      mimeType: String(form.get('type') ?? file.type),
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    return reply.code(200).send({ id });
  });

  app.post('/:version/:phoneNumberId/messages', async (req, reply) => {
    requests += 1;
    if (faults.delayMs) await sleep(faults.delayMs);
    if (!authorized(req.headers.authorization)) {
      return reply
        .code(401)
        .send(graphError({ status: 401, code: 190, message: 'Invalid OAuth access token.' }));
    }
    const params = req.params as { phoneNumberId: string };
    if (params.phoneNumberId !== phoneNumberId) {
      return reply
        .code(400)
        .send(graphError({ status: 400, code: 100, message: 'Unsupported post request.' }));
    }
    const body = (req.body ?? {}) as Record<string, unknown> & {
      to?: string;
      type?: string;
      text?: { body?: string };
      template?: { name?: string; language?: { code?: string }; components?: unknown[] };
      document?: { id?: string; link?: string; filename?: string; caption?: string };
      biz_opaque_callback_data?: string;
    };
    const to = body.to ? digits(body.to) : '';
    const fault = faults.take(to);
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send(graphError(fault));
    }
    if (body.messaging_product !== 'whatsapp' || !/^[1-9]\d{6,14}$/.test(to)) {
      return reply.code(400).send(graphError({ status: 400, code: 100, message: 'Invalid parameter' }));
    }
    let text: string;
    const meta: Record<string, unknown> = {
      type: body.type,
      bizOpaque: body.biz_opaque_callback_data ?? null,
    };
    switch (body.type) {
      case 'text':
        if (!body.text?.body)
          return reply
            .code(400)
            .send(graphError({ status: 400, code: 131008, message: 'Required parameter is missing' }));
        text = body.text.body;
        break;
      case 'template': {
        if (!body.template?.name || !body.template.language?.code) {
          return reply
            .code(400)
            .send(graphError({ status: 400, code: 131008, message: 'Required parameter is missing' }));
        }
        const components = (body.template.components ?? []) as Array<{
          type: string;
          parameters?: Array<{ type: string; text?: string; document?: { id?: string; filename?: string } }>;
        }>;
        const bodyParams =
          components.find((c) => c.type === 'body')?.parameters?.map((p) => p.text ?? '') ?? [];
        const headerDocument = components
          .find((c) => c.type === 'header')
          ?.parameters?.find((p) => p.type === 'document')?.document;
        if (headerDocument?.id && !media.has(headerDocument.id)) {
          return reply
            .code(400)
            .send(graphError({ status: 400, code: 131009, message: 'Parameter value is not valid' }));
        }
        meta.template = {
          name: body.template.name,
          language: body.template.language.code,
          bodyParams,
          headerDocument: headerDocument ?? null,
        };
        text = `[${body.template.name}] ${bodyParams.join(' | ')}`;
        break;
      }
      case 'document': {
        const doc = body.document;
        if (!doc || (!doc.id && !doc.link)) {
          return reply
            .code(400)
            .send(graphError({ status: 400, code: 131008, message: 'Required parameter is missing' }));
        }
        if (doc.id && !media.has(doc.id)) {
          return reply
            .code(400)
            .send(graphError({ status: 400, code: 131009, message: 'Parameter value is not valid' }));
        }
        meta.document = {
          id: doc.id ?? null,
          link: doc.link ?? null,
          filename: doc.filename ?? null,
          sha256: doc.id ? media.get(doc.id)?.sha256 : null,
        };
        text = doc.caption ?? doc.filename ?? 'document';
        break;
      }
      default:
        return reply
          .code(400)
          .send(graphError({ status: 400, code: 131051, message: 'Unsupported message type' }));
    }
    const freeForm = body.type !== 'template';
    const windowClosed = freeForm && !openWindows.has(to);
    if (windowClosed && windowErrors === 'sync') {
      return reply.code(400).send(
        graphError({
          status: 400,
          code: 131047,
          message: 'Re-engagement message: more than 24 hours have passed since the customer last replied',
        }),
      );
    }
    const wamid = `wamid.${randomBytes(24).toString('base64url')}`;
    store.add({ id: wamid, provider: 'whatsapp', to, from: phoneNumberId, text, meta, status: 'accepted' });
    if (windowClosed) {
      // Like Meta: a webhook answered with an error is delivered again a little later.
      void (async () => {
        for (let attempt = 0; attempt < 5; attempt++) {
          await sleep(100 * 2 ** attempt);
          const answered = await reportStatus(wamid, 'failed', {
            errors: [
              {
                code: 131047,
                title: 'Re-engagement message',
                message: 'More than 24 hours have passed since the recipient last replied',
              },
            ],
          }).catch(() => 0);
          if (answered >= 200 && answered < 300) return;
        }
      })();
    } else if (options.autoStatuses && webhookUrl) {
      const delay = options.autoStatuses.delayMs;
      void (async () => {
        for (const status of ['sent', 'delivered', 'read'] as const) {
          await sleep(delay);
          await reportStatus(wamid, status).catch(() => undefined);
        }
      })();
    }
    return reply.code(200).send({
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: to }],
      messages: [{ id: wamid, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  });

  const server = await listenEmulator(app, options.host, options.port);
  return {
    ...server,
    phoneNumberId,
    accessToken,
    appSecret,
    store,
    faults,
    media,
    get requests() {
      return requests;
    },
    messages: () => store.list({ provider: 'whatsapp' }),
    openWindow: (to) => {
      openWindows.add(digits(to));
    },
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    setWindowErrors: (mode) => {
      windowErrors = mode;
    },
    reportStatus,
    postWebhook,
  };
};
