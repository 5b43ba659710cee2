import { FormData, request } from 'undici';
import { z } from 'zod';
import { WhatsAppApiError } from '../domain/graph-error.ts';

export interface CloudApiOptions {
  /** https://graph.facebook.com in production, the local emulator in tests and the demo. */
  baseUrl: string;
  /** Graph API version, e.g. v23.0 (the seed's v18.0 is retired). */
  version: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs: number;
}

export interface TemplateMessage {
  name: string;
  language: string;
  bodyParameters: string[];
  headerDocument?: { id: string; filename: string } | null;
}

export interface CloudApi {
  sendText(to: string, body: string, callbackData: string): Promise<string>;
  sendTemplate(to: string, template: TemplateMessage, callbackData: string): Promise<string>;
  sendDocument(
    to: string,
    document: { id: string; filename: string; caption?: string },
    callbackData: string,
  ): Promise<string>;
  /** Uploads a file to the media endpoint; its id can be sent for 30 days. */
  uploadMedia(data: Buffer, filename: string, mimeType: string): Promise<string>;
}

const Sent = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const Uploaded = z.object({ id: z.string().min(1) });
const GraphErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
  }),
});

const retryAfterMs = (header: string | string[] | undefined): number | null => {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : null;
};

// Numbers never appear in Graph's messages in practice; blanked anyway because reasons reach events and logs.
const scrub = (text: string) => text.replace(/\+?\d[\d .-]{6,}\d/g, '[number]').slice(0, 300);

/** The WhatsApp Business Cloud API over undici: messages and media of one business phone number. */
export const createCloudApi = (options: CloudApiOptions): CloudApi => {
  const root = `${options.baseUrl.replace(/\/$/, '')}/${options.version}/${options.phoneNumberId}`;
  const auth = { authorization: `Bearer ${options.accessToken}` };

  const call = async (path: string, body: string | FormData, json: boolean): Promise<unknown> => {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${root}${path}`, {
        method: 'POST',
        headers: json ? { ...auth, 'content-type': 'application/json' } : auth,
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const e = error as { name?: string; code?: string; message?: string };
      const what =
        e?.name === 'TimeoutError' || e?.name === 'AbortError'
          ? 'no answer in time'
          : (e?.code ?? e?.message ?? 'request failed');
      throw new WhatsAppApiError(`Cloud API unreachable: ${what}`, {
        httpStatus: null,
        code: null,
        cause: error,
      });
    }
    const raw = await response.body.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // judged by the status alone
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return parsed;
    const graph = GraphErrorBody.safeParse(parsed);
    const code = graph.success ? (graph.data.error.code ?? null) : null;
    const message = graph.success ? (graph.data.error.message ?? '') : '';
    throw new WhatsAppApiError(
      `Cloud API HTTP ${response.statusCode}${code !== null ? ` code ${code}` : ''}${message ? `: ${scrub(message)}` : ''}`,
      {
        httpStatus: response.statusCode,
        code,
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      },
    );
  };

  const sendMessage = async (
    to: string,
    message: Record<string, unknown>,
    callbackData: string,
  ): Promise<string> => {
    const answer = await call(
      '/messages',
      JSON.stringify({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        // Echoed in every status webhook of this message: how a webhook finds its notification.
        biz_opaque_callback_data: callbackData,
        ...message,
      }),
      true,
    );
    const sent = Sent.safeParse(answer);
    if (!sent.success)
      throw new WhatsAppApiError('Cloud API answered without a message id', { httpStatus: 200, code: null });
    return sent.data.messages[0]!.id;
  };

  return {
    sendText: (to, body, callbackData) =>
      sendMessage(to, { type: 'text', text: { preview_url: false, body } }, callbackData),
    sendTemplate: (to, template, callbackData) =>
      sendMessage(
        to,
        {
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language },
            components: [
              ...(template.headerDocument
                ? [{ type: 'header', parameters: [{ type: 'document', document: template.headerDocument }] }]
                : []),
              { type: 'body', parameters: template.bodyParameters.map((text) => ({ type: 'text', text })) },
            ],
          },
        },
        callbackData,
      ),
    sendDocument: (to, document, callbackData) =>
      sendMessage(to, { type: 'document', document }, callbackData),
    async uploadMedia(data, filename, mimeType) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mimeType);
      form.set('file', new Blob([new Uint8Array(data)], { type: mimeType }), filename);
      const uploaded = Uploaded.safeParse(await call('/media', form, false));
      if (!uploaded.success)
        throw new WhatsAppApiError('Cloud API media upload answered without an id', {
          httpStatus: 200,
          code: null,
        });
      return uploaded.data.id;
    },
  };
};
