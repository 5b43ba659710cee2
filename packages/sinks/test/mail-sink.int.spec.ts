import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MailSink, startMailSink } from '../src/index.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('mail sink (real SMTP through nodemailer)', () => {
  let sink: MailSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startMailSink();
    transport = nodemailer.createTransport({
      host: sink.host,
      port: sink.smtpPort,
      secure: false,
      auth: { user: 'demo', pass: 'demo' },
    });
  });
  afterAll(async () => {
    transport.close();
    await sink.close();
  });
  beforeEach(() => sink.reset());

  const send = (to: string | string[], extra: Partial<SendMailOptions> = {}) =>
    transport.sendMail({
      from: 'Express Quote <noreply@express-quote.test>',
      to,
      subject: 'Réservation confirmée',
      text: 'Bonjour',
      html: '<p>Bonjour <strong>Jean</strong></p>',
      ...extra,
    });

  it('captures a message with its envelope, bodies and attachments', async () => {
    const pdf = Buffer.from('%PDF-1.7 fake pdf bytes ✓');
    const info = await send(['Client@Example.fr', 'staff@example.fr'], {
      messageId: '<n-1@express-quote.test>',
      attachments: [{ filename: 'facture.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(info.accepted).toHaveLength(2);
    const [mail] = await sink.waitForMessages(1);
    expect(mail?.envelope).toEqual({
      from: 'noreply@express-quote.test',
      to: ['client@example.fr', 'staff@example.fr'],
    });
    expect(mail?.messageId).toBe('<n-1@express-quote.test>');
    expect(mail?.subject).toBe('Réservation confirmée');
    expect(mail?.text?.trim()).toBe('Bonjour');
    expect(mail?.html).toContain('<strong>Jean</strong>');
    expect(mail?.attachments).toHaveLength(1);
    expect(mail?.attachments[0]).toMatchObject({
      filename: 'facture.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
    });
    expect(sink.messages({ to: 'STAFF@example.fr' })).toHaveLength(1);
    expect(sink.messages({ to: 'other@example.fr' })).toHaveLength(0);
  });

  it('answers 451 the given number of times, then accepts', async () => {
    sink.faults.failNext(2);
    const first = await send('a@example.fr').catch((e: unknown) => e);
    const second = await send('a@example.fr').catch((e: unknown) => e);
    expect(first).toMatchObject({ responseCode: 451 });
    expect(second).toMatchObject({ responseCode: 451 });
    await send('a@example.fr');
    expect(sink.messages()).toHaveLength(1);
    expect(sink.attempts({ to: 'a@example.fr' }).map((a) => [a.outcome, a.code])).toEqual([
      ['rejected', 451],
      ['rejected', 451],
      ['accepted', 250],
    ]);
  });

  it('refuses chosen recipients with 550 at RCPT TO and still delivers to the others', async () => {
    sink.faults.rejectRecipient('Gone@example.fr');
    const refused = await send('gone@example.fr').catch((e: unknown) => e);
    expect(refused).toMatchObject({ responseCode: 550, code: 'EENVELOPE' });
    const info = await send(['gone@example.fr', 'ok@example.fr']);
    expect(info.rejected).toEqual(['gone@example.fr']);
    const [mail] = await sink.waitForMessages(1);
    expect(mail?.envelope.to).toEqual(['ok@example.fr']);
    expect(sink.attempts({ to: 'gone@example.fr' }).every((a) => a.code === 550)).toBe(true);
  });

  it('refuses connections while stopped and comes back on the same port', async () => {
    const port = sink.smtpPort;
    await sink.stopSmtp();
    expect(sink.smtpRunning).toBe(false);
    const error = await send('down@example.fr').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ESOCKET' });
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
    await sink.startSmtp();
    expect(sink.smtpPort).toBe(port);
    await send('down@example.fr');
    expect(sink.messages({ to: 'down@example.fr' })).toHaveLength(1);
  });

  it('waitForMessages rejects with a clear message when nothing arrives', async () => {
    await expect(sink.waitForMessages(1, { timeoutMs: 50, filter: { to: 'x@example.fr' } })).rejects.toThrow(
      /expected 1 message\(s\) matching .*x@example\.fr.*got 0/,
    );
  });
});

describe('mail sink web inbox and JSON API', () => {
  let sink: MailSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startMailSink();
    transport = nodemailer.createTransport({ host: sink.host, port: sink.smtpPort, secure: false });
  });
  afterAll(async () => {
    transport.close();
    await sink.close();
  });

  const api = (path: string, init?: RequestInit) => fetch(`${sink.httpUrl}${path}`, init);

  it('lists, shows, downloads and deletes messages', async () => {
    const pdf = Buffer.from('%PDF-1.7 invoice');
    await transport.sendMail({
      from: 'noreply@express-quote.test',
      to: 'client@example.fr',
      subject: 'Votre facture <EQ-2026-000001>',
      text: 'Ci-joint votre facture',
      html: '<p>Ci-joint votre facture</p>',
      attachments: [{ filename: 'facture.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    await sink.waitForMessages(1);

    const list = (await (await api('/api/messages?to=client@example.fr')).json()) as {
      total: number;
      messages: Array<{ id: string; subject: string; attachments: Array<{ url: string; sha256: string }> }>;
    };
    expect(list.total).toBe(1);
    const [item] = list.messages;
    expect(item?.subject).toBe('Votre facture <EQ-2026-000001>');
    expect(item?.attachments[0]?.sha256).toBe(sha256(pdf));

    const detail = (await (await api(`/api/messages/${item?.id}`)).json()) as { text: string; html: string };
    expect(detail.text).toContain('Ci-joint votre facture');

    const download = await api(item?.attachments[0]?.url ?? '');
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(pdf));

    const raw = await (await api(`/api/messages/${item?.id}/raw`)).text();
    expect(raw).toMatch(/^Subject: /m);

    const page = await (await api('/')).text();
    expect(page).toContain('Votre facture &lt;EQ-2026-000001&gt;');
    expect(page).not.toContain('<EQ-2026-000001>');
    const messagePage = await (await api(`/messages/${item?.id}`)).text();
    expect(messagePage).toContain('sandbox=""');

    expect((await api('/api/messages/999999')).status).toBe(404);
    expect((await api('/api/messages', { method: 'DELETE' })).status).toBe(204);
    expect(((await (await api('/api/messages')).json()) as { total: number }).total).toBe(0);
  });

  it('switches faults on and off over HTTP and rejects a malformed fault body', async () => {
    const put = await api('/api/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        failNext: { count: 1, code: 452 },
        rejectRecipients: [{ address: 'no@example.fr' }],
      }),
    });
    expect(put.status).toBe(200);
    const failed = await transport
      .sendMail({ from: 'a@example.fr', to: 'b@example.fr', text: 'x' })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ responseCode: 452 });
    const refused = await transport
      .sendMail({ from: 'a@example.fr', to: 'no@example.fr', text: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ responseCode: 550 });

    const bad = await api('/api/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: { count: -1 } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues[0]?.path).toBe(
      'failNext.count',
    );

    await api('/api/faults', { method: 'DELETE' });
    await transport.sendMail({ from: 'a@example.fr', to: 'no@example.fr', text: 'x' });
    expect(sink.messages({ to: 'no@example.fr' })).toHaveLength(1);
  });

  it('stops and restarts SMTP over HTTP', async () => {
    expect((await api('/api/smtp/stop', { method: 'POST' })).status).toBe(200);
    const error = await transport
      .sendMail({ from: 'a@example.fr', to: 'b@example.fr', text: 'x' })
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
    expect((await api('/api/smtp/start', { method: 'POST' })).status).toBe(200);
    await transport.sendMail({ from: 'a@example.fr', to: 'b@example.fr', text: 'x' });
    expect(sink.messages({ to: 'b@example.fr' }).length).toBeGreaterThan(0);
  });
});
