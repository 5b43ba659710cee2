import type { Content, TableCell } from 'pdfmake';
import { formatEuros } from '../domain/money.ts';
import { formatParisDateTime } from '../domain/paris-time.ts';
import {
  addressRows,
  type BookingData,
  customerFullName,
  pricedDetailRows,
  scheduleDate,
  scheduleWindow,
  serviceLabel,
} from './booking-text.ts';
import type { CompanyIdentity } from './company.ts';
import {
  COLORS,
  type DocDefinition,
  detailsTable,
  documentShell,
  ruledTableLayout,
  sectionTitle,
  urgentNotice,
} from './layout.ts';

/** Price lines as the customer saw them at checkout, then the total (TTC) and what was paid. */
export const priceTable = (booking: BookingData): Content => {
  const right = (text: string, extra: object = {}): TableCell => ({ text, alignment: 'right', ...extra });
  const body: TableCell[][] = [
    [
      { text: 'Désignation', style: 'tableHeader' },
      { text: 'Montant', style: 'tableHeader', alignment: 'right' },
    ],
    ...booking.price.lines.map((line): TableCell[] => [line.label, right(formatEuros(line.amountCents))]),
    [{ text: 'Total TTC', bold: true }, right(formatEuros(booking.price.totalCents), { bold: true })],
    [
      { text: 'Montant payé', bold: true, color: COLORS.accept },
      right(formatEuros(booking.amountPaidCents), { bold: true, color: COLORS.accept }),
    ],
  ];
  return { table: { widths: ['*', 110], headerRows: 1, body }, layout: ruledTableLayout };
};

export const bookingConfirmationDocument = (
  booking: BookingData,
  company: CompanyIdentity,
): DocDefinition => {
  const contact = [company.email, company.phone].filter(Boolean).join(' ou au ');
  const content: Content[] = [
    {
      text: [
        { text: `Bonjour ${customerFullName(booking)},\n`, bold: true },
        'Nous vous confirmons votre réservation : votre paiement a bien été reçu. ',
        'Vous trouverez ci-dessous le récapitulatif de votre prestation.',
      ],
      style: 'note',
      margin: [0, 6, 0, 0],
    },
    ...urgentNotice(booking.urgent, 'Prestation urgente : notre équipe la traite en priorité.'),
    sectionTitle('Votre prestation'),
    detailsTable([
      ['Référence', { text: booking.reference, bold: true }],
      ['Prestation', serviceLabel(booking.serviceType)],
      ['Date', scheduleDate(booking)],
      ['Créneau', scheduleWindow(booking)],
      ...pricedDetailRows(booking),
      ['Assurance', booking.insurance.wanted ? 'Souscrite' : 'Non souscrite'],
      ['Confirmée le', formatParisDateTime(booking.confirmedAt)],
    ]),
    sectionTitle('Adresses'),
    detailsTable(addressRows(booking)),
    sectionTitle('Détail du prix'),
    priceTable(booking),
    {
      text: contact
        ? `Une question sur votre réservation ? Contactez-nous à ${contact} en rappelant la référence ${booking.reference}.`
        : `Une question sur votre réservation ? Rappelez-nous la référence ${booking.reference}.`,
      style: 'note',
      margin: [0, 18, 0, 0],
    },
  ];
  return documentShell({
    company,
    title: 'Confirmation de réservation',
    meta: [`Réf. ${booking.reference}`],
    subject: `Confirmation de la réservation ${booking.reference}`,
    createdAt: new Date(booking.confirmedAt),
    content,
  });
};
