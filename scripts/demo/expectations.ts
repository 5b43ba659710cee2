import type { MailSink, PhoneSinks } from '@express-quote/sinks';
import type { Observed } from './timeline.ts';

/** Something the demo must see before it calls the run a success. */
export interface Expectation {
  readonly description: string;
  met(observed: readonly Observed[]): boolean | Promise<boolean>;
}

const seen =
  (type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  (observed: readonly Observed[]) =>
    observed.some((e) => e.type === type && where(e.data ?? {}));

const requested = (observed: readonly Observed[], channel: string, template: string) =>
  observed.filter(
    (e) =>
      e.type === 'notification.requested' && e.data?.channel === channel && e.data?.template === template,
  );

const allSent = (observed: readonly Observed[], channel: string, template: string) => {
  const ids = requested(observed, channel, template).map((e) => e.data.notificationId as string);
  return (
    ids.length > 0 &&
    ids.every((id) => observed.some((e) => e.type === 'notification.sent' && e.data?.notificationId === id))
  );
};

/** What each service present in this run must contribute to one paid booking. */
export const expectationsFor = (
  present: readonly string[],
  deps: { mail: MailSink; phones: PhoneSinks; customerPhone: string },
): Expectation[] => {
  const has = (s: string) => present.includes(s);
  const list: Expectation[] = [];
  if (has('payments'))
    list.push({ description: 'payments: payment.completed on PAYMENTS', met: seen('payment.completed') });
  if (has('booking')) {
    list.push({ description: 'booking: booking.confirmed on BOOKINGS', met: seen('booking.confirmed') });
  }
  if (has('documents')) {
    for (const audience of ['customer', 'internal']) {
      list.push({
        description: `documents: documents.generated for the ${audience} set`,
        met: seen('documents.generated', (d) => d.audience === audience),
      });
    }
  }
  if (has('attribution')) {
    list.push({ description: 'attribution: attribution.started', met: seen('attribution.started') });
    list.push({
      description: 'attribution: at least one professional proposed',
      met: seen('attribution.professional_proposed'),
    });
  }
  if (has('notifications')) {
    list.push({
      description: 'notifications: customer e-mail booking-confirmation requested',
      met: (o) => requested(o, 'email', 'booking-confirmation').length === 1,
    });
    list.push({
      description: 'notifications: staff e-mails professional-document requested',
      met: (o) => requested(o, 'email', 'professional-document').length >= 1,
    });
    list.push({
      description: 'notifications: customer SMS booking-confirmation-sms requested',
      met: (o) => requested(o, 'sms', 'booking-confirmation-sms').length === 1,
    });
  }
  if (has('notifications') && has('email-delivery')) {
    list.push({
      description: 'email-delivery: customer e-mail SENT',
      met: (o) => allSent(o, 'email', 'booking-confirmation'),
    });
    list.push({
      description: 'email-delivery: every staff e-mail SENT',
      met: (o) => allSent(o, 'email', 'professional-document'),
    });
    list.push({
      description: 'mail sink: customer e-mail with BOOKING_CONFIRMATION and INVOICE PDFs',
      met: () =>
        deps.mail
          .messages()
          .some((m) => m.to.some((t) => t.includes('elodie.martin@example.fr')) && m.attachments.length >= 2),
    });
  }
  if (has('notifications') && has('sms-delivery')) {
    list.push({
      description: 'sms-delivery: customer SMS SENT',
      met: (o) => allSent(o, 'sms', 'booking-confirmation-sms'),
    });
    list.push({
      description: 'SMS emulator: customer SMS captured in one GSM-7 segment',
      met: () =>
        deps.phones.store
          .list({ to: deps.customerPhone })
          .some((m) => m.encoding === 'GSM-7' && m.segments === 1 && m.text.includes('EQ-')),
    });
    list.push({
      description: 'sms-delivery: customer SMS DELIVERED (signed Twilio status callback)',
      met: (o) => {
        const ids = requested(o, 'sms', 'booking-confirmation-sms').map((e) => e.data.notificationId);
        return (
          ids.length > 0 &&
          ids.every((id) =>
            o.some((e) => e.type === 'notification.delivered' && e.data?.notificationId === id),
          )
        );
      },
    });
  }
  if (has('attribution') && has('notifications') && has('email-delivery')) {
    list.push({
      description: 'email-delivery: proposal e-mails to professionals SENT',
      met: (o) => allSent(o, 'email', 'external-professional-attribution'),
    });
  }
  return list;
};
