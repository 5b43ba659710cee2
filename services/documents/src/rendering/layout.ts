import type { Content, createPdf, TableCell } from 'pdfmake';
import { type CompanyIdentity, companyContactLine, formatSiret } from './company.ts';

export type DocDefinition = Parameters<typeof createPdf>[0];

export const COLORS = {
  brand: '#1F4E79',
  text: '#1F2933',
  muted: '#616E7C',
  rule: '#CBD2D9',
  shade: '#EEF2F7',
  accept: '#1E7B4B',
  refuse: '#B42318',
  warning: '#B54708',
} as const;

const STYLES: NonNullable<DocDefinition['styles']> = {
  companyName: { fontSize: 16, bold: true, color: COLORS.brand },
  companyAddress: { fontSize: 8.5, color: COLORS.muted, lineHeight: 1.2 },
  title: { fontSize: 18, bold: true, color: COLORS.brand, alignment: 'right' },
  titleMeta: { fontSize: 9.5, color: COLORS.muted, alignment: 'right', lineHeight: 1.25 },
  section: { fontSize: 11, bold: true, color: COLORS.brand, margin: [0, 16, 0, 6] },
  label: { fontSize: 9.5, color: COLORS.muted },
  value: { fontSize: 9.5, color: COLORS.text },
  tableHeader: { fontSize: 9, bold: true, color: COLORS.brand, fillColor: COLORS.shade },
  small: { fontSize: 8, color: COLORS.muted },
  note: { fontSize: 9, color: COLORS.text, lineHeight: 1.25 },
  notice: { fontSize: 9.5, bold: true, color: COLORS.warning },
};

/** Thin table lines in the rule colour, no vertical lines: the look of an invoice, not of a spreadsheet. */
export const ruledTableLayout = {
  hLineWidth: (i: number, node: { table: { body: unknown[] } }) =>
    i === 0 || i === node.table.body.length ? 0 : 0.5,
  vLineWidth: () => 0,
  hLineColor: () => COLORS.rule,
  paddingTop: () => 4,
  paddingBottom: () => 4,
  paddingLeft: () => 6,
  paddingRight: () => 6,
};

export const urgentNotice = (urgent: boolean, text: string): Content[] =>
  urgent ? [{ text, style: 'notice', margin: [0, 8, 0, 0] }] : [];

export const sectionTitle = (text: string): Content => ({ text, style: 'section' });

export const horizontalRule = (width = 499): Content => ({
  canvas: [{ type: 'line', x1: 0, y1: 0, x2: width, y2: 0, lineWidth: 0.75, lineColor: COLORS.rule }],
  margin: [0, 10, 0, 4],
});

/** Two columns of label → value, the label muted. */
export const detailsTable = (rows: ReadonlyArray<readonly [string, string | Content]>): Content => ({
  table: {
    widths: [140, '*'],
    body: rows.map(([label, value]): TableCell[] => [
      { text: label, style: 'label' },
      typeof value === 'string' ? { text: value, style: 'value' } : value,
    ]),
  },
  layout: ruledTableLayout,
});

const companyBlock = (company: CompanyIdentity): Content[] => {
  const address: Content = {
    text: [...company.addressLines, companyContactLine(company)].filter(Boolean).join('\n'),
    style: 'companyAddress',
  };
  return company.logoDataUrl
    ? [{ image: 'logo', fit: [150, 48], margin: [0, 0, 0, 6] }, address]
    : [{ text: company.name, style: 'companyName', margin: [0, 0, 0, 4] }, address];
};

const legalFooterLine = (company: CompanyIdentity): string =>
  [
    company.name,
    company.addressLines.join(', '),
    `SIRET ${formatSiret(company.siret)}`,
    `TVA ${company.vatNumber}`,
    company.legalMention,
  ]
    .filter(Boolean)
    .join(' – ');

export interface ShellOptions {
  company: CompanyIdentity;
  /** Shown in the header and as the PDF title. */
  title: string;
  /** Lines under the title (reference, number, date). */
  meta: string[];
  /** PDF subject metadata. */
  subject: string;
  /** Fixed creation date (from the event): two renders of one event give identical bytes. */
  createdAt: Date;
  content: Content[];
}

/** A4 page with the issuer's block, the document title and a legal footer with page numbers. */
export const documentShell = (options: ShellOptions): DocDefinition => {
  const { company } = options;
  return {
    pageSize: 'A4',
    pageMargins: [48, 40, 48, 64],
    info: {
      title: `${options.title} – ${options.meta[0] ?? ''}`.trim(),
      author: company.name,
      subject: options.subject,
      creator: `${company.name} – documents`,
      producer: 'pdfmake',
      creationDate: options.createdAt,
      modDate: options.createdAt,
    },
    ...(company.logoDataUrl ? { images: { logo: company.logoDataUrl } } : {}),
    defaultStyle: { font: 'Helvetica', fontSize: 10, color: COLORS.text },
    styles: STYLES,
    content: [
      {
        columns: [
          { width: '*', stack: companyBlock(company) },
          {
            width: 'auto',
            stack: [
              { text: options.title, style: 'title' },
              { text: options.meta.join('\n'), style: 'titleMeta', margin: [0, 4, 0, 0] },
            ],
          },
        ],
        columnGap: 16,
      },
      horizontalRule(),
      ...options.content,
    ],
    footer: (currentPage: number, pageCount: number): Content => ({
      margin: [48, 16, 48, 0],
      columns: [
        { text: legalFooterLine(company), style: 'small', width: '*' },
        { text: `Page ${currentPage} / ${pageCount}`, style: 'small', width: 60, alignment: 'right' },
      ],
      columnGap: 12,
    }),
  };
};
