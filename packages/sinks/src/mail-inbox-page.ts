import type { CapturedMail } from './mail-store.ts';

const escapeHtml = (value: string): string =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const dateFr = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'medium',
  timeZone: 'Europe/Paris',
});

const formatBytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} o`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} Ko`
      : `${(bytes / 1048576).toFixed(1)} Mo`;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1f2937}
header{background:#1e3a8a;color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}
main{padding:20px 24px}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e5e7eb;font-size:14px;vertical-align:top}
th{background:#f9fafb;font-weight:600}
tr:hover td{background:#f0f4ff}
.muted{color:#6b7280}
.badge{display:inline-block;background:#e0e7ff;color:#1e3a8a;border-radius:10px;padding:1px 8px;font-size:12px;margin:1px}
iframe{width:100%;height:70vh;border:1px solid #e5e7eb;background:#fff}
pre{white-space:pre-wrap;background:#fff;border:1px solid #e5e7eb;padding:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:12px;border:1px solid #e5e7eb}
dt{font-weight:600}
`;

const layout = (title: string, body: string, refresh = false): string => `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${refresh ? '<meta http-equiv="refresh" content="5">' : ''}
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><header><strong>Express Quote · boîte de réception locale</strong><a href="/">Tous les messages</a></header>
<main>${body}</main></body></html>`;

/** The inbox: newest first, refreshed every 5 s. */
export const renderInboxPage = (messages: readonly CapturedMail[]): string => {
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<tr>
<td class="muted">${escapeHtml(dateFr.format(new Date(m.receivedAt)))}</td>
<td>${escapeHtml(m.envelope.to.join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject ?? '(sans objet)')}</a></td>
<td>${m.attachments.map((a) => `<span class="badge">${escapeHtml(a.filename ?? 'pièce jointe')}</span>`).join(' ')}</td>
<td class="muted">${formatBytes(m.size)}</td></tr>`,
    )
    .join('\n');
  const body = messages.length
    ? `<p class="muted">${messages.length} message(s) capturé(s). API JSON : <a href="/api/messages">/api/messages</a></p>
<table><thead><tr><th>Reçu</th><th>Destinataires</th><th>Objet</th><th>Pièces jointes</th><th>Taille</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : '<p class="muted">Aucun message pour l’instant. Cette page se rafraîchit toute seule.</p>';
  return layout('Boîte de réception', body, true);
};

/** One message: headers, HTML body in a sandboxed frame (no scripts, no navigation), text body, attachments. */
export const renderMessagePage = (m: CapturedMail): string => {
  const id = encodeURIComponent(m.id);
  const attachments = m.attachments
    .map(
      (a) =>
        `<li><a href="/api/messages/${id}/attachments/${a.index}">${escapeHtml(a.filename ?? `pièce jointe ${a.index + 1}`)}</a>
<span class="muted">${escapeHtml(a.contentType)}, ${formatBytes(a.size)}, sha256 ${a.sha256.slice(0, 16)}…</span></li>`,
    )
    .join('\n');
  const body = `<h2>${escapeHtml(m.subject ?? '(sans objet)')}</h2>
<dl>
<dt>Reçu</dt><dd>${escapeHtml(dateFr.format(new Date(m.receivedAt)))}</dd>
<dt>De</dt><dd>${escapeHtml(m.from ?? m.envelope.from)}</dd>
<dt>À (enveloppe)</dt><dd>${escapeHtml(m.envelope.to.join(', '))}</dd>
<dt>Message-ID</dt><dd>${escapeHtml(m.messageId ?? '—')}</dd>
<dt>Source</dt><dd><a href="/api/messages/${id}/raw">message.eml</a> (${formatBytes(m.size)})</dd>
</dl>
${attachments ? `<h3>Pièces jointes</h3><ul>${attachments}</ul>` : ''}
${m.html ? `<h3>Version HTML</h3><iframe sandbox="" srcdoc="${escapeHtml(m.html)}"></iframe>` : ''}
${m.text ? `<h3>Version texte</h3><pre>${escapeHtml(m.text)}</pre>` : ''}
${m.parseError ? `<p>Message illisible : ${escapeHtml(m.parseError)}</p>` : ''}`;
  return layout(m.subject ?? 'Message', body);
};
