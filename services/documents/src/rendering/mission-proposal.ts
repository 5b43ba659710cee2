import type { DataOf, ProfessionalProposed } from '@express-quote/contracts';
import type { Content } from 'pdfmake';
import { formatEuros } from '../domain/money.ts';
import { formatLocalDateLong, formatParisDateTime, formatTimeWindow } from '../domain/paris-time.ts';
import { serviceLabel } from './booking-text.ts';
import type { CompanyIdentity } from './company.ts';
import {
  COLORS,
  type DocDefinition,
  detailsTable,
  documentShell,
  sectionTitle,
  urgentNotice,
} from './layout.ts';

export type ProposalData = DataOf<typeof ProfessionalProposed>;

/** QR codes of the two links, as PNG data URLs (see qr-png.ts). */
export interface ProposalQrCodes {
  acceptPng: string;
  refusePng: string;
}

const answerColumn = (
  label: string,
  url: string,
  qrPng: string,
  color: string,
  caption: string,
): Content => ({
  stack: [
    {
      table: {
        widths: ['*'],
        body: [[{ text: label, link: url, bold: true, color: '#FFFFFF', alignment: 'center', fontSize: 11 }]],
      },
      layout: {
        fillColor: () => color,
        hLineWidth: () => 0,
        vLineWidth: () => 0,
        paddingTop: () => 7,
        paddingBottom: () => 7,
      },
    },
    { image: qrPng, width: 110, height: 110, alignment: 'center', link: url, margin: [0, 10, 0, 4] },
    { text: caption, style: 'small', alignment: 'center' },
  ],
});

/**
 * What a professional sees before accepting: the restricted view only (initials, cities, schedule, service type,
 * estimated amount). The customer's surname, e-mail, phone and street are not in the event, and nothing here
 * would print them if they were.
 */
export const missionProposalDocument = (
  proposal: ProposalData,
  qr: ProposalQrCodes,
  company: CompanyIdentity,
  /** When the proposal was made (the event's occurredAt): a fixed creation date gives identical bytes. */
  createdAt: string,
): DocDefinition => {
  const { booking } = proposal;
  const deadline = formatParisDateTime(proposal.respondBy);
  const content: Content[] = [
    {
      text: [
        'Une nouvelle mission est disponible près de chez vous. ',
        'Les coordonnées complètes du client vous seront communiquées dès que la mission vous sera attribuée.',
      ],
      style: 'note',
      margin: [0, 4, 0, 0],
    },
    ...urgentNotice(booking.urgent, 'Mission urgente : réponse attendue rapidement.'),
    sectionTitle('La mission'),
    detailsTable([
      ['Référence', { text: booking.reference, bold: true }],
      ['Prestation', serviceLabel(booking.serviceType)],
      ['Date', formatLocalDateLong(booking.schedule.date)],
      ['Créneau', formatTimeWindow(booking.schedule.startTime, booking.schedule.endTime)],
      ['Client', booking.customerInitials],
      [booking.deliveryCity ? 'Ville de départ' : 'Ville', booking.pickupCity],
      ...(booking.deliveryCity ? [["Ville d'arrivée", booking.deliveryCity] as [string, string]] : []),
      ['Montant estimé', { text: formatEuros(booking.estimatedAmountCents), bold: true }],
    ]),
    {
      table: {
        widths: ['*'],
        body: [
          [
            {
              text: [
                { text: 'Répondez avant le ', bold: true },
                { text: deadline, bold: true, color: COLORS.warning },
                '. Passé ce délai, la mission pourra être proposée à d’autres professionnels. ',
                'La première acceptation l’emporte.',
              ],
              style: 'note',
              fillColor: COLORS.shade,
            },
          ],
        ],
      },
      layout: { hLineWidth: () => 0, vLineWidth: () => 0, paddingTop: () => 8, paddingBottom: () => 8 },
      margin: [0, 16, 0, 0],
    },
    sectionTitle('Votre réponse'),
    {
      columns: [
        answerColumn(
          'Accepter la mission',
          proposal.acceptUrl,
          qr.acceptPng,
          COLORS.accept,
          'Scannez pour accepter la mission',
        ),
        answerColumn(
          'Refuser la mission',
          proposal.refuseUrl,
          qr.refusePng,
          COLORS.refuse,
          'Scannez pour refuser la mission',
        ),
      ],
      columnGap: 40,
      margin: [40, 4, 40, 0],
    },
  ];
  return documentShell({
    company,
    title: 'Proposition de mission',
    meta: [`Réf. ${booking.reference}`, `Réponse avant le ${deadline}`],
    subject: `Proposition de mission ${booking.reference}`,
    createdAt: new Date(createdAt),
    content,
  });
};
