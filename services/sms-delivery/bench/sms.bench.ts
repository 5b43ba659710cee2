// SMS deliveries per second through the provider chain against the local emulators, service in-process (NATS, Postgres,
// real HTTP to the emulators). Invoked by scripts/bench.ts; run alone: node services/sms-delivery/bench/sms.bench.ts
import { createEvent, NotificationRequested, newEventId, notifySubject } from '@express-quote/contracts';
import { createPublisher, ensureContextStream } from '@express-quote/messaging';
import { loadConfig } from '@express-quote/service-kit';
import { type SmsSink, startSmsSink } from '@express-quote/sinks';
import { createTestDatabase, createTestNats, testLogger } from '@express-quote/testing';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { SmsDeliveryConfigSchema } from '../src/config.ts';
import { startSmsDeliveryService } from '../src/service.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const COUNT = 1_000;
const CONCURRENCY = 32;

export async function run(): Promise<Row[]> {
  const nats = await createTestNats();
  const database = await createTestDatabase();
  const sink: SmsSink = await startSmsSink();
  const rows: Row[] = [];
  try {
    await ensureContextStream(nats.jsm, nats.ns, 'notify');
    await ensureContextStream(nats.jsm, nats.ns, 'notifications');
    const publisher = createPublisher(nats.nc, nats.ns);
    const sentIds = new Set<string>();
    const consumer = await jetstream(nats.nc).consumers.get(nats.ns.stream('notifications'), {
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) {
        const event = m.json<{ type: string; data: { notificationId: string } }>();
        if (event.type === 'notification.sent') sentIds.add(event.data.notificationId);
      }
    })();

    const scenario = async (name: string, env: Record<string, string>, prepare: () => void, note: string) => {
      sink.reset();
      prepare();
      const config = loadConfig(SmsDeliveryConfigSchema, {
        NATS_URL: nats.url,
        NATS_NAMESPACE: nats.ns.prefix,
        DATABASE_URL: database.url,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        ...sink.env({ providers: ['twilio', 'vonage', 'brevo'] }),
        SMS_HIGH_CONCURRENCY: String(CONCURRENCY),
        DATABASE_POOL_MAX: String(CONCURRENCY + 4),
        SMS_BACKOFF_MS: '200ms',
        ...env,
      });
      const service = await startSmsDeliveryService({
        config,
        logger: testLogger('sms-bench'),
        registry: new Registry(),
      });
      const ids: string[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) => {
          const id = newEventId();
          ids.push(id);
          const phone = `+3361${String(1_000_000 + i).padStart(7, '0')}`;
          return publisher.publish(
            createEvent(
              NotificationRequested,
              {
                notificationId: id,
                channel: 'sms',
                priority: 'HIGH',
                template: 'booking-confirmation-sms',
                recipient: { kind: 'customer', id: null, name: 'Élodie Martin', email: null, phone },
                data: {
                  customerName: 'Élodie Martin',
                  bookingReference: 'EQ-2026-000123',
                  serviceDate: '15/06/2026',
                  serviceTime: '09h00 \u2013 12h00',
                  totalAmount: '1\u202f234,56\u00a0€',
                },
                bookingId: null,
                trigger: { eventId: newEventId(), type: 'booking.confirmed' },
              },
              { cause: { externalId: `bench_${i}` }, id },
            ),
            { subject: notifySubject('sms', 'HIGH') },
          );
        }),
      );
      const deadline = Date.now() + 120_000;
      while (ids.some((id) => !sentIds.has(id))) {
        if (Date.now() > deadline) throw new Error(`${name}: not every SMS was sent within 120 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const seconds = (performance.now() - started) / 1000;
      await service.stop();
      const byProvider = ['twilio', 'vonage', 'brevo']
        .map((p) => `${p} ${sink.store.list({ provider: p as 'twilio' }).length}`)
        .join(', ');
      rows.push({
        name,
        value: Math.round(COUNT / seconds),
        unit: 'SMS/s',
        note: `${COUNT} SMS, concurrency ${CONCURRENCY}; ${note}; captured: ${byProvider}`,
      });
    };

    await scenario('sms: all providers up', {}, () => undefined, 'every SMS through twilio (SDK)');
    await scenario(
      'sms: first provider down, breaker',
      { SMS_BREAKER_FAILURES: '5', SMS_BREAKER_HALF_OPEN_MS: '60s' },
      () => sink.twilio.faults.failAll({ status: 503 }),
      'twilio answers 503: its circuit opens after 5 failures, vonage takes the rest',
    );
    await scenario(
      'sms: first provider down, no breaker',
      { SMS_BREAKER_FAILURES: '1000' },
      () => sink.twilio.faults.failAll({ status: 503 }),
      'every SMS pays a 503 from twilio before vonage accepts it',
    );
    await messages.close();
  } finally {
    await sink.close();
    await nats.cleanup();
    await database.drop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(`${row.name}: ${row.value} ${row.unit} (${row.note})`);
}
