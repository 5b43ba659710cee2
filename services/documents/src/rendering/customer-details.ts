import type { Content } from 'pdfmake';
import { formatEuros } from '../domain/money.ts';
import { formatParisDateTime } from '../domain/paris-time.ts';
import { priceTable } from './booking-confirmation.ts';
import {
  addressRows,
  type BookingData,
  pricedDetailRows,
  scheduleDate,
  scheduleWindow,
  serviceLabel,
} from './booking-text.ts';
import type { CompanyIdentity } from './company.ts';
import { type DocDefinition, detailsTable, documentShell, sectionTitle } from './layout.ts';

/** Staff only: everything the booking carries, including the customer's contact data and payment ids. */
export const customerDetailsDocument = (booking: BookingData, company: CompanyIdentity): DocDefinition => {
  const mismatch = booking.amountPaidCents - booking.price.totalCents;
  const content: Content[] = [
    {
      text: 'Document interne et confidentiel : il contient des données personnelles. Ne pas transmettre.',
      style: 'notice',
      margin: [0, 4, 0, 0],
    },
    sectionTitle('Client'),
    detailsTable([
      ['Nom', { text: booking.customer.lastName, bold: true }],
      ['Prénom', booking.customer.firstName],
      ['E-mail', booking.customer.email],
      ['Téléphone', booking.customer.phone ?? 'Non communiqué'],
      ['Identifiant client', booking.customer.customerId],
    ]),
    sectionTitle('Réservation'),
    detailsTable([
      ['Référence', { text: booking.reference, bold: true }],
      ['Prestation', serviceLabel(booking.serviceType)],
      ['Date', scheduleDate(booking)],
      ['Créneau', scheduleWindow(booking)],
      ...pricedDetailRows(booking),
      ['Urgente', booking.urgent ? 'Oui (moins de 48 h)' : 'Non'],
      ['Confirmée le', formatParisDateTime(booking.confirmedAt)],
      ['Identifiant réservation', booking.bookingId],
      ['Devis', `${booking.quoteId} (${booking.temporaryId})`],
    ]),
    sectionTitle('Adresses'),
    detailsTable(addressRows(booking)),
    sectionTitle('Paiement'),
    detailsTable([
      ['Session Stripe', booking.checkoutSessionId],
      ['Paiement Stripe', booking.paymentIntentId ?? 'Aucun (paiement non requis)'],
      ['Montant payé', formatEuros(booking.amountPaidCents)],
      [
        'Assurance',
        booking.insurance.wanted
          ? `Souscrite (${formatEuros(booking.insurance.amountCents)})`
          : 'Non souscrite',
      ],
      [
        'Écart de paiement',
        mismatch === 0
          ? 'Aucun'
          : { text: `${formatEuros(mismatch)} par rapport au prix calculé`, style: 'notice' },
      ],
    ]),
    sectionTitle('Détail du prix'),
    priceTable(booking),
  ];
  return documentShell({
    company,
    title: 'Fiche client',
    meta: [`Réf. ${booking.reference}`, 'Usage interne'],
    subject: `Fiche client de la réservation ${booking.reference}`,
    createdAt: new Date(booking.confirmedAt),
    content,
  });
};
