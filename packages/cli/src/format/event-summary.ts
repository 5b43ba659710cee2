import { describeNotification } from '../trace/analyse.ts';
import { euros } from './time.ts';

type Data = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** A few words on what an event says, so a line reads without opening the payload. */
export const summarizeEvent = (type: string, data: unknown): string => {
  const d = (data ?? {}) as Data;
  switch (type) {
    case 'payment.completed':
      return `session ${str(d.checkoutSessionId)}, ${euros(Number(d.amountCents ?? 0))} ${str(d.paymentStatus)}, quote ${str(d.temporaryId)}`;
    case 'payment.failed':
    case 'checkout.expired':
      return `session ${str(d.checkoutSessionId)} ${str(d.reason)}`;
    case 'payment.refunded':
      return `${euros(Number(d.amountRefundedCents ?? 0))} refunded${d.fullyRefunded ? ' (full)' : ''}`;
    case 'payment.needs_attention':
    case 'booking.payment_needs_attention':
      return `${str(d.reason)}: ${str(d.detail)}`;
    case 'booking.drafted':
      return `${str(d.reference)} DRAFT`;
    case 'booking.transaction_recorded':
      return `${euros(Number(d.amountCents ?? 0))} ${str(d.method)}`;
    case 'booking.payment_completed':
      return `DRAFT → PAYMENT_COMPLETED, paid ${euros(Number(d.amountPaidCents ?? 0))}`;
    case 'booking.payment_amount_mismatch':
      return `paid ${euros(Number(d.amountPaidCents ?? 0))}, expected ${euros(Number(d.expectedCents ?? 0))}`;
    case 'booking.confirmed': {
      const s = (d.schedule ?? {}) as Data;
      const price = (d.price ?? {}) as Data;
      return `${str(d.reference)} ${str(d.serviceType)} ${str(s.date)} ${str(s.startTime)}-${str(s.endTime)}, ${euros(Number(price.totalCents ?? 0))}${d.urgent ? ', urgent' : ''}`;
    }
    case 'booking.refunded':
      return `${euros(Number(d.amountCents ?? 0))} (total ${euros(Number(d.totalRefundedCents ?? 0))})`;
    case 'booking.cancelled':
      return `${str(d.reason)}`;
    case 'documents.generated': {
      const docs = Array.isArray(d.documents) ? (d.documents as Data[]) : [];
      return `${str(d.audience)}: ${docs.map((x) => str(x.kind)).join(', ')}${d.invoiceNumber ? ` (invoice ${str(d.invoiceNumber)})` : ''}`;
    }
    case 'documents.failed':
      return str(d.reason);
    case 'attribution.started':
      return `radius ${str(d.radiusKm)} km, ${str(((d.location ?? {}) as Data).precision)}`;
    case 'attribution.professional_proposed':
      return `${str(((d.professional ?? {}) as Data).companyName)} round ${str(d.round)}, ${str(d.distanceKm)} km`;
    case 'attribution.completed':
      return `assigned to ${str(((d.professional ?? {}) as Data).companyName)}`;
    case 'attribution.expired':
      return `round ${str(d.round)}: ${str(d.next)}`;
    case 'attribution.needs_staff':
      return str(d.reason);
    case 'notification.requested': {
      const r = (d.recipient ?? {}) as Data;
      return `${describeNotification({ recipientKind: str(r.kind), channel: str(d.channel), template: str(d.template) })} ${str(d.priority)}${d.documentsMissing ? ', documents missing' : ''}`;
    }
    case 'notification.sending':
      return `${str(d.channel)} attempt ${str(d.attempt)}`;
    case 'notification.sent':
      return `${str(d.channel)} attempt ${str(d.attempt)} via ${str(d.provider)}`;
    case 'notification.failed':
      return `${str(d.channel)} attempt ${str(d.attempt)}: ${str(d.reason)}${d.retriable ? ' (retriable)' : ' (permanent)'}`;
    case 'notification.delivered':
      return `${str(d.channel)} ${str(d.status)} (${str(d.provider)})`;
    case 'notification.undelivered':
      return `${str(d.channel)}: ${str(d.reason)}`;
    default:
      return '';
  }
};
