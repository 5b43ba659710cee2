const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text and attribute values into HTML: every value that reaches a page goes through here. */
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Markup already escaped (built from escaped parts). */
export interface SafeHtml {
  readonly html: string;
}

export const raw = (html: string): SafeHtml => ({ html });

/** Template tag: interpolated strings and numbers are escaped, SafeHtml (and arrays of it) inserted as is. */
export const html = (strings: TemplateStringsArray, ...values: unknown[]): SafeHtml => {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item === null || item === undefined || item === false) continue;
      out += typeof item === 'object' && 'html' in item ? (item as SafeHtml).html : escapeHtml(String(item));
    }
    out += strings[i + 1] ?? '';
  });
  return { html: out };
};

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933;
  background: #f4f6f8; }
main { max-width: 32rem; margin: 0 auto; padding: 1.25rem 1rem 2.5rem; }
header { font-weight: 700; color: #0b4f8a; letter-spacing: .02em; margin-bottom: 1rem; }
.card { background: #fff; border-radius: 12px; padding: 1.25rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 .75rem; }
p { margin: .5rem 0; }
dl { margin: 1rem 0; display: grid; grid-template-columns: max-content 1fr; gap: .4rem .9rem; }
dt { color: #52606d; }
dd { margin: 0; font-weight: 600; }
.badge { display: inline-block; background: #fde8e8; color: #9b1c1c; border-radius: 999px; padding: .1rem .6rem;
  font-size: .85rem; font-weight: 700; }
.note { color: #52606d; font-size: .92rem; }
.deadline { background: #fff8e1; border-radius: 8px; padding: .6rem .8rem; }
button { width: 100%; min-height: 3.25rem; border: 0; border-radius: 10px; font: inherit; font-weight: 700;
  font-size: 1.05rem; color: #fff; cursor: pointer; margin-top: 1rem; }
button.accept { background: #1a7f37; }
button.refuse { background: #b42318; }
.result-ok h1 { color: #1a7f37; }
.result-ko h1 { color: #b42318; }
footer { margin-top: 1.5rem; color: #7b8794; font-size: .85rem; text-align: center; }
`;

/** A complete page: mobile viewport, inline style (no script at all), French. */
export const page = (options: { title: string; body: SafeHtml; tone?: 'ok' | 'ko' | 'neutral' }): string =>
  `<!doctype html>${
    html`<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>${options.title} · Express Quote</title><style>${raw(STYLE)}</style></head>
<body><main><header>Express Quote · Espace professionnels</header>
<section class="card result-${options.tone ?? 'neutral'}">${options.body}</section>
<footer>Express Quote — mise en relation de professionnels du déménagement et des services.</footer>
</main></body></html>`.html
  }`;
