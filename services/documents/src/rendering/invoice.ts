import type { Content, TableCell } from 'pdfmake';
import type { InvoiceModel } from '../domain/invoice.ts';
import { formatEuros, formatPercent } from '../domain/money.ts';
import { formatParisDate } from '../domain/paris-time.ts';
import {
  type BookingData,
  customerFullName,
  formatAddress,
  scheduleDate,
  serviceLabel,
} from './booking-text.ts';
import { type CompanyIdentity, formatSiret } from './company.ts';
import { COLORS, type DocDefinition, documentShell, ruledTableLayout } from './layout.ts';

const right = (text: string, extra: object = {}): TableCell => ({ text, alignment: 'right', ...extra });

const partiesBlock = (booking: BookingData, company: CompanyIdentity): Content => ({
  columns: [
    {
      width: '*',
      stack: [
        { text: 'Émetteur', style: 'label', margin: [0, 0, 0, 3] },
        { text: company.name, bold: true },
        { text: company.addressLines.join('\n'), style: 'value' },
        { text: `SIRET : ${formatSiret(company.siret)}`, style: 'value', margin: [0, 3, 0, 0] },
        { text: `N° TVA intracommunautaire : ${company.vatNumber}`, style: 'value' },
      ],
    },
    {
      width: '*',
      stack: [
        { text: 'Client', style: 'label', margin: [0, 0, 0, 3] },
        { text: customerFullName(booking), bold: true },
        { text: formatAddress(booking.addresses.pickup), style: 'value' },
      ],
    },
  ],
  columnGap: 24,
  margin: [0, 6, 0, 14],
});

const linesTable = (invoice: InvoiceModel): Content => {
  const rate = formatPercent(invoice.breakdown.vatRatePercent);
  return {
    table: {
      widths: ['*', 80, 70, 80],
      headerRows: 1,
      body: [
        [
          { text: 'Désignation', style: 'tableHeader' },
          { text: 'Montant HT', style: 'tableHeader', alignment: 'right' },
          { text: `TVA ${rate}`, style: 'tableHeader', alignment: 'right' },
          { text: 'Montant TTC', style: 'tableHeader', alignment: 'right' },
        ],
        ...invoice.breakdown.lines.map((line): TableCell[] => [
          line.vatExempt ? `${line.label} *` : line.label,
          right(formatEuros(line.htCents)),
          right(line.vatExempt ? 'Exonérée' : formatEuros(line.vatCents)),
          right(formatEuros(line.ttcCents)),
        ]),
      ],
    },
    layout: ruledTableLayout,
  };
};

const totalsTable = (invoice: InvoiceModel): Content => ({
  columns: [
    { width: '*', text: '' },
    {
      width: 260,
      table: {
        widths: ['*', 90],
        body: [
          ['Total HT', right(formatEuros(invoice.breakdown.totalHtCents))],
          [
            invoice.breakdown.exemptCents !== 0
              ? `TVA ${formatPercent(invoice.breakdown.vatRatePercent)} sur ${formatEuros(invoice.breakdown.totalHtCents - invoice.breakdown.exemptCents)}`
              : `TVA (${formatPercent(invoice.breakdown.vatRatePercent)})`,
            right(formatEuros(invoice.breakdown.totalVatCents)),
          ],
          [
            { text: 'Total TTC', bold: true, fillColor: COLORS.shade },
            right(formatEuros(invoice.breakdown.totalTtcCents), { bold: true, fillColor: COLORS.shade }),
          ],
        ],
      },
      layout: ruledTableLayout,
    },
  ],
  margin: [0, 10, 0, 0],
});

const paymentMention = (invoice: InvoiceModel): Content[] => {
  const paid = `Facture acquittée le ${formatParisDate(invoice.issuedAt)} par carte bancaire – montant réglé : ${formatEuros(invoice.paidCents)}.`;
  const balance =
    invoice.balanceCents > 0
      ? [{ text: `Reste dû : ${formatEuros(invoice.balanceCents)}.`, style: 'notice' }]
      : invoice.balanceCents < 0
        ? [{ text: `Trop-perçu : ${formatEuros(-invoice.balanceCents)}.`, style: 'notice' }]
        : [];
  return [{ text: paid, bold: true, color: COLORS.accept, margin: [0, 16, 0, 4] }, ...balance];
};

export const invoiceDocument = (
  booking: BookingData,
  invoice: InvoiceModel,
  company: CompanyIdentity,
): DocDefinition =>
  documentShell({
    company,
    title: 'Facture',
    meta: [
      `N° ${invoice.number}`,
      `Date : ${formatParisDate(invoice.issuedAt)}`,
      `Réservation ${booking.reference}`,
    ],
    subject: `Facture ${invoice.number} – réservation ${booking.reference}`,
    createdAt: new Date(invoice.issuedAt),
    content: [
      partiesBlock(booking, company),
      {
        text: `${serviceLabel(booking.serviceType)} du ${scheduleDate(booking).toLowerCase()} – réservation ${booking.reference}`,
        style: 'note',
        margin: [0, 0, 0, 8],
      },
      linesTable(invoice),
      totalsTable(invoice),
      ...paymentMention(invoice),
      ...(invoice.breakdown.exemptCents !== 0
        ? [
            {
              text: `* Exonéré de TVA (opérations d’assurance, article 261 C du CGI) : ${formatEuros(invoice.breakdown.exemptCents)}.`,
              style: 'small',
              margin: [0, 12, 0, 0],
            } satisfies Content,
          ]
        : []),
      {
        text: [
          'Pas d’escompte pour paiement anticipé. ',
          'Montants exprimés en euros. ',
          company.legalMention ? `${company.name}, ${company.legalMention}.` : '',
        ].join(''),
        style: 'small',
        margin: [0, 20, 0, 0],
      },
    ],
  });
