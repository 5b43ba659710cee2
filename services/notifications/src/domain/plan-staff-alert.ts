import type {
  BookingPaymentNeedsAttention,
  EventOf,
  NotificationRecipient,
  PaymentAmountMismatch,
  PaymentNeedsAttention,
} from '@express-quote/contracts';
import { formatCents, formatMoney } from './french-format.ts';
import { notificationIdFor, type PlannedNotification, TEMPLATES } from './planned-notification.ts';
import { type PlanningContext, releaseAtFor } from './planning-context.ts';
import type { StaffMember } from './staff.ts';
import { paymentAlertStaff } from './staff-eligibility.ts';

export type StaffAlertEvent =
  | EventOf<typeof PaymentNeedsAttention>
  | EventOf<typeof BookingPaymentNeedsAttention>
  | EventOf<typeof PaymentAmountMismatch>;

export interface StaffAlert {
  subject: string;
  message: string;
  details: Array<{ label: string; value: string }>;
  bookingId: string | null;
}

// Reason codes are owned by other contexts and may grow: unknown ones are shown as their code.
const PAYMENT_REASONS_FR: Readonly<Record<string, string>> = {
  MISSING_TEMPORARY_ID: 'identifiant de devis absent du paiement',
  UNSUPPORTED_CURRENCY: 'devise non prise en charge',
  INVALID_PAYLOAD: 'données Stripe inexploitables',
  ZERO_AMOUNT_FOR_PRICED_QUOTE: 'montant nul pour un devis payant',
};
const BOOKING_REASONS_FR: Readonly<Record<string, string>> = {
  UNKNOWN_QUOTE: 'devis introuvable',
  QUOTE_ALREADY_CONFIRMED: 'devis déjà confirmé',
  INVALID_CUSTOMER: 'coordonnées client invalides',
  ZERO_AMOUNT_FOR_PRICED_QUOTE: 'montant nul pour un devis payant',
  PRICE_NOT_POSITIVE: 'prix recalculé nul ou négatif',
};

const orDash = (value: string | null | undefined): string => (value ? value : '—');

/** The French text of an alert, per event type. */
export const describeStaffAlert = (event: StaffAlertEvent): StaffAlert => {
  switch (event.type) {
    case 'payment.needs_attention': {
      const d = event.data;
      const reason = PAYMENT_REASONS_FR[d.reason] ?? d.reason;
      return {
        subject: `Paiement à vérifier : ${reason}`,
        message:
          "Un paiement Stripe n'a pas pu être transformé en réservation. Vérifiez le paiement dans Stripe et " +
          'traitez la demande manuellement.',
        details: [
          { label: 'Motif', value: reason },
          { label: 'Détail', value: orDash(d.detail) },
          {
            label: 'Montant',
            value: d.amountCents === null ? '—' : formatMoney(d.amountCents, d.currency ?? 'EUR'),
          },
          { label: 'Session Stripe', value: orDash(d.checkoutSessionId) },
          { label: 'Événement Stripe', value: `${d.stripeEventId} (${d.stripeEventType})` },
          { label: 'Mode', value: d.livemode ? 'production' : 'test' },
        ],
        bookingId: null,
      };
    }
    case 'booking.payment_needs_attention': {
      const d = event.data;
      const reason = BOOKING_REASONS_FR[d.reason] ?? d.reason;
      return {
        subject: `Paiement reçu sans réservation : ${reason}`,
        message:
          "Un paiement a été reçu mais la réservation n'a pas pu être créée. Contactez le client et régularisez " +
          'la situation (réservation manuelle ou remboursement).',
        details: [
          { label: 'Motif', value: reason },
          { label: 'Détail', value: orDash(d.detail) },
          { label: 'Montant', value: d.amountCents === null ? '—' : formatCents(d.amountCents) },
          { label: 'Session Stripe', value: d.checkoutSessionId },
          { label: 'Devis', value: orDash(d.temporaryId) },
        ],
        bookingId: null,
      };
    }
    case 'booking.payment_amount_mismatch': {
      const d = event.data;
      const gap = d.amountPaidCents - d.expectedCents;
      return {
        subject: `Écart de montant sur la réservation ${d.reference}`,
        message:
          'Le montant payé ne correspond pas au prix recalculé. La réservation est enregistrée avec les deux ' +
          'montants : vérifiez-la et régularisez avec le client.',
        details: [
          { label: 'Réservation', value: d.reference },
          { label: 'Montant payé', value: formatCents(d.amountPaidCents) },
          { label: 'Montant attendu', value: formatCents(d.expectedCents) },
          { label: 'Écart', value: `${gap > 0 ? '+' : ''}${formatCents(gap)}` },
          { label: 'Session Stripe', value: d.checkoutSessionId },
        ],
        bookingId: d.bookingId,
      };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`no staff alert for ${(unreachable as { type: string }).type}`);
    }
  }
};

/** One `staff-alert` e-mail (HIGH) per operations manager, admin and accountant. */
export const planStaffAlert = (
  event: StaffAlertEvent,
  directory: readonly StaffMember[],
  ctx: PlanningContext,
): PlannedNotification[] => {
  const alert = describeStaffAlert(event);
  return paymentAlertStaff(directory).map((member) => {
    const recipient: NotificationRecipient = {
      kind: 'staff',
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
    };
    return {
      notificationId: notificationIdFor(event.id, 'email', TEMPLATES.staffAlert, recipient),
      channel: 'email',
      priority: 'HIGH',
      template: TEMPLATES.staffAlert,
      recipient,
      data: { subject: alert.subject, message: alert.message, details: alert.details },
      bookingId: alert.bookingId,
      trigger: { eventId: event.id, type: event.type, correlationId: event.correlationId },
      awaitsDocuments: null,
      documentLinks: [],
      releaseAt: releaseAtFor(ctx, false),
    };
  });
};
