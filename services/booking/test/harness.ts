import {
  type Context,
  createEvent,
  type Envelope,
  PaymentCompleted,
  PaymentRefunded,
} from '@express-quote/contracts';
import { createEventStore, type EventStore, migrateEventStore } from '@express-quote/eventstore';
import { createPublisher } from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import {
  createTestDatabase,
  createTestNats,
  type TestDatabase,
  type TestNats,
  testLogger,
} from '@express-quote/testing';
import { bookingConfigSchema } from '../src/config.ts';
import { BOOKING_SCHEMA } from '../src/database.ts';
import { DEFAULT_PRICING_RATES, type PricingRates } from '../src/domain/pricing-rates.ts';
import type { HandlerDeps } from '../src/handlers/handler-deps.ts';
import { migrateBooking } from '../src/migrations.ts';
import { type BookingService, startBookingService } from '../src/service.ts';

/** A Paris winter morning in 2030; services are booked relative to it. */
export const NOW = new Date('2030-03-10T09:00:00.000Z');

export const quoteBody = (over: Record<string, unknown> = {}) => ({
  serviceType: 'MOVING',
  pickupAddress: { street: '10 rue de Rivoli', postcode: '75001', city: 'Paris' },
  deliveryAddress: { street: '5 place Bellecour', postcode: '69002', city: 'Lyon' },
  serviceDate: '2030-03-20',
  startTime: '08:00',
  endTime: '12:00',
  volumeM3: 20,
  distanceKm: 465,
  insurance: true,
  ...over,
});

export interface RunningBooking {
  readonly service: BookingService;
  readonly nats: TestNats;
  readonly tdb: TestDatabase;
  publish(event: Envelope): Promise<void>;
  /** Publishes the same bytes again without a msgID: what a redelivery or a replay looks like to the consumer. */
  publishRaw(event: Envelope): Promise<void>;
  /** Every message stored in a context's stream of the test namespace, parsed. */
  streamMessages(context: Context): Promise<Array<{ subject: string; event: Envelope }>>;
  stop(): Promise<void>;
}

export const startTestBooking = async (env: Record<string, string> = {}): Promise<RunningBooking> => {
  const nats = await createTestNats();
  const tdb = await createTestDatabase();
  const config = loadConfig(bookingConfigSchema, {
    NATS_URL: nats.url,
    DATABASE_URL: tdb.url,
    NATS_NAMESPACE: nats.ns.prefix,
    HOST: '127.0.0.1',
    PORT: '0',
    CONSUMER_BACKOFF: '100ms,200ms',
    CONSUMER_MAX_DELIVER: '5',
    ...env,
  });
  const service = await startBookingService({ config, logger: testLogger('booking'), clock: () => NOW });
  const publisher = createPublisher(nats.nc, nats.ns);
  return {
    service,
    nats,
    tdb,
    async publish(event) {
      await publisher.publish(event);
    },
    async publishRaw(event) {
      await nats.js.publish(nats.ns.subject(`payments.${event.type}`), JSON.stringify(event));
    },
    async streamMessages(context) {
      const stream = nats.ns.stream(context);
      const info = await nats.jsm.streams.info(stream);
      const out: Array<{ subject: string; event: Envelope }> = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const msg = await nats.jsm.streams.getMessage(stream, { seq });
        if (msg) out.push({ subject: nats.ns.relative(msg.subject), event: msg.json<Envelope>() });
      }
      return out;
    },
    async stop() {
      await service.stop();
      await nats.cleanup();
      await tdb.drop();
    },
  };
};

/** A migrated booking database without NATS, for driving the handlers directly. */
export const startTestStore = async (
  rates: PricingRates = DEFAULT_PRICING_RATES,
  clock: () => Date = () => NOW,
): Promise<{ tdb: TestDatabase; store: EventStore; deps: HandlerDeps }> => {
  const tdb = await createTestDatabase();
  await migrateEventStore(tdb.db, BOOKING_SCHEMA);
  await migrateBooking(tdb.db);
  const store = createEventStore(tdb.db, { schema: BOOKING_SCHEMA });
  return { tdb, store, deps: { db: tdb.db, store, rates, urgentWithinMs: 48 * 3_600_000, clock } };
};

let counter = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface CompletedOptions {
  temporaryId: string;
  amountCents: number;
  checkoutSessionId?: string;
  paymentIntentId?: string | null;
  stripeEventId?: string;
  paymentStatus?: 'paid' | 'no_payment_required';
  customer?: {
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phone: string | null;
  };
}

export const paymentCompleted = (o: CompletedOptions) => {
  const stripeEventId = o.stripeEventId ?? unique('evt');
  return createEvent(
    PaymentCompleted,
    {
      stripeEventId,
      livemode: false,
      checkoutSessionId: o.checkoutSessionId ?? unique('cs_test'),
      paymentIntentId: o.paymentIntentId === undefined ? unique('pi') : o.paymentIntentId,
      temporaryId: o.temporaryId,
      amountCents: o.amountCents,
      currency: 'EUR',
      paymentStatus: o.paymentStatus ?? 'paid',
      customer: o.customer ?? {
        firstName: 'Jean',
        lastName: 'Dupont',
        email: 'Jean.Dupont@Example.fr',
        phone: '06 12 34 56 78',
      },
    },
    { cause: { externalId: stripeEventId } },
  );
};

export const paymentRefunded = (o: {
  paymentIntentId: string | null;
  amountRefundedCents: number;
  fullyRefunded: boolean;
  stripeEventId?: string;
}) => {
  const stripeEventId = o.stripeEventId ?? unique('evt_refund');
  return createEvent(
    PaymentRefunded,
    {
      stripeEventId,
      livemode: false,
      chargeId: unique('ch'),
      paymentIntentId: o.paymentIntentId,
      amountRefundedCents: o.amountRefundedCents,
      currency: 'EUR',
      fullyRefunded: o.fullyRefunded,
    },
    { cause: { externalId: stripeEventId } },
  );
};

export const newPaymentIntent = () => unique('pi');
export const newCheckoutSession = () => unique('cs_test');
