import type { EventDefinition, Namespace } from '@express-quote/contracts';
import {
  AttributionCancelled,
  AttributionCompleted,
  AttributionNeedsStaff,
  BookingCancelled,
  BookingConfirmed,
  BookingPaymentNeedsAttention,
  DocumentsGenerated,
  NotificationDelivered,
  NotificationFailed,
  NotificationRequested,
  NotificationSending,
  NotificationSent,
  NotificationUndelivered,
  PaymentAmountMismatch,
  PaymentNeedsAttention,
  ProfessionalProposed,
} from '@express-quote/contracts';
import { type RunConsumerOptions, type RunningConsumer, runConsumer } from '@express-quote/messaging';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { handleAttributionCancelled } from './handlers/attribution-cancelled.ts';
import { handleAttributionCompleted } from './handlers/attribution-completed.ts';
import { handleAttributionNeedsStaff } from './handlers/attribution-needs-staff.ts';
import { handleBookingCancelled } from './handlers/booking-cancelled.ts';
import { handleBookingConfirmed } from './handlers/booking-confirmed.ts';
import { handleDocumentsGenerated } from './handlers/documents-generated.ts';
import { handleNotificationRequested } from './handlers/notification-requested.ts';
import {
  handleNotificationStatusChanged,
  type StatusChangedEvent,
} from './handlers/notification-status-changed.ts';
import type { PlannerDeps } from './handlers/planner-deps.ts';
import { handleProfessionalProposed } from './handlers/professional-proposed.ts';
import { handleStaffAlert } from './handlers/staff-alert.ts';
import { createStatusProjectionWriter } from './projections/status-projection-writer.ts';

/** A running consumer and the stream it reads: the queue gauges poll its backlog there. */
export interface StartedConsumer extends RunningConsumer {
  readonly stream: string;
}

const run = async <D extends EventDefinition>(options: RunConsumerOptions<D>): Promise<StartedConsumer> => {
  const consumer = await runConsumer(options);
  return {
    name: consumer.name,
    stream: options.ns.stream(options.context),
    stop: (stopOptions) => consumer.stop(stopOptions),
  };
};

export interface ConsumerSettings {
  nc: NatsConnection;
  ns: Namespace;
  logger: Logger;
  registry: Registry;
  concurrency: number;
  maxDeliver: number;
  backoffMs: readonly number[];
  ackWaitMs: number;
}

type Common = Pick<
  RunConsumerOptions<never>,
  'nc' | 'ns' | 'logger' | 'registry' | 'concurrency' | 'maxDeliver' | 'backoffMs' | 'ackWaitMs' | 'dlq'
>;

const STATUS_EVENTS = [
  NotificationSending,
  NotificationSent,
  NotificationFailed,
  NotificationDelivered,
  NotificationUndelivered,
] as const;
type StatusEventDefinition = (typeof STATUS_EVENTS)[number];

/** Contexts whose streams this service consumes from (their DLQ advisories are declared at start). */
export const CONSUMED_CONTEXTS = [
  'bookings',
  'documents',
  'attribution',
  'payments',
  'notify',
  'notifications',
] as const;

/**
 * One durable consumer per (purpose, filter subject): nats-server 2.9 has no multi-filter consumers, and a
 * consumer on a whole context (`bookings.>`) would have to terminate every event type it does not handle.
 */
export const startConsumers = async (
  settings: ConsumerSettings,
  planner: PlannerDeps,
): Promise<StartedConsumer[]> => {
  const common: Common = {
    nc: settings.nc,
    ns: settings.ns,
    logger: settings.logger,
    registry: settings.registry,
    concurrency: settings.concurrency,
    maxDeliver: settings.maxDeliver,
    backoffMs: settings.backoffMs,
    ackWaitMs: settings.ackWaitMs,
    // Declared once for every consumed context by the service before the consumers start.
    dlq: false,
  };
  const staffAlert = handleStaffAlert(planner);
  // One writer for both status consumers: their events share rows and batch together.
  const projection = createStatusProjectionWriter(planner.db);
  const statusChanged = handleNotificationStatusChanged(projection);
  return Promise.all([
    run({
      ...common,
      name: 'notifications-booking-confirmed',
      context: 'bookings',
      filterSubject: BookingConfirmed.subject,
      events: [BookingConfirmed],
      handler: handleBookingConfirmed(planner),
    }),
    run({
      ...common,
      name: 'notifications-booking-cancelled',
      context: 'bookings',
      filterSubject: BookingCancelled.subject,
      events: [BookingCancelled],
      handler: handleBookingCancelled(planner),
    }),
    run({
      ...common,
      name: 'notifications-attribution-completed',
      context: 'attribution',
      filterSubject: AttributionCompleted.subject,
      events: [AttributionCompleted],
      handler: handleAttributionCompleted(planner),
    }),
    run({
      ...common,
      name: 'notifications-attribution-needs-staff',
      context: 'attribution',
      filterSubject: AttributionNeedsStaff.subject,
      events: [AttributionNeedsStaff],
      handler: handleAttributionNeedsStaff(planner),
    }),
    run({
      ...common,
      name: 'notifications-attribution-cancelled',
      context: 'attribution',
      filterSubject: AttributionCancelled.subject,
      events: [AttributionCancelled],
      handler: handleAttributionCancelled(planner),
    }),
    run({
      ...common,
      name: 'notifications-documents-generated',
      context: 'documents',
      filterSubject: DocumentsGenerated.subject,
      events: [DocumentsGenerated],
      handler: handleDocumentsGenerated(planner),
    }),
    run({
      ...common,
      name: 'notifications-professional-proposed',
      context: 'attribution',
      filterSubject: ProfessionalProposed.subject,
      events: [ProfessionalProposed],
      handler: handleProfessionalProposed(planner),
    }),
    run({
      ...common,
      name: 'notifications-payment-needs-attention',
      context: 'payments',
      filterSubject: PaymentNeedsAttention.subject,
      events: [PaymentNeedsAttention],
      handler: staffAlert,
    }),
    run({
      ...common,
      name: 'notifications-booking-payment-needs-attention',
      context: 'bookings',
      filterSubject: BookingPaymentNeedsAttention.subject,
      events: [BookingPaymentNeedsAttention],
      handler: staffAlert,
    }),
    run({
      ...common,
      name: 'notifications-payment-amount-mismatch',
      context: 'bookings',
      filterSubject: PaymentAmountMismatch.subject,
      events: [PaymentAmountMismatch],
      handler: staffAlert,
    }),
    run({
      ...common,
      name: 'notifications-status-requested',
      context: 'notify',
      filterSubject: 'notify.>',
      events: [NotificationRequested],
      handler: handleNotificationRequested(projection),
    }),
    run<StatusEventDefinition>({
      ...common,
      name: 'notifications-status-events',
      context: 'notifications',
      filterSubject: 'notifications.>',
      events: STATUS_EVENTS,
      // EventOf<union> is not a discriminated union; parseEvent checked each event against its own type's schema.
      handler: (event, ctx) => statusChanged(event as StatusChangedEvent, ctx),
    }),
  ]);
};
