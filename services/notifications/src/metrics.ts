import { sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotificationsDb } from './database.ts';

export interface PlannerMetrics {
  /** One per NotificationRequested published; `documents` = attached | missing (deadline passed) | none. */
  released: Counter<'channel' | 'template' | 'documents'>;
}

/**
 * Planner metrics. A rising `documents="missing"` count means the documents stage is late or down; the waiting
 * gauge shows how many messages are held for their PDFs right now.
 */
export const plannerMetrics = (registry: Registry, db: NotificationsDb): PlannerMetrics => {
  const released = new Counter({
    name: 'eq_notifications_released_total',
    help: 'Notification commands published, by channel, template and documents (attached, missing, none)',
    labelNames: ['channel', 'template', 'documents'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'eq_notifications_waiting',
    help: 'Planned notifications waiting for their documents or deadline',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('notification_outbox')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('status', '=', 'WAITING')
        .executeTakeFirst();
      this.set(row?.n ?? 0);
    },
  });
  return { released };
};

export interface ReminderMetrics {
  /** Reminders settled by the scheduler, by type and state (SENT, SKIPPED, CANCELLED). */
  fired: Counter<'type' | 'state'>;
}

/** A rising SKIPPED count means the scheduler was down past service times; the gauge shows what is ahead. */
export const reminderMetrics = (registry: Registry, db: NotificationsDb): ReminderMetrics => {
  const fired = new Counter({
    name: 'eq_reminders_fired_total',
    help: 'Due reminders settled by the scheduler, by type (7d, 24h, 1h, day-of) and state (SENT, SKIPPED, CANCELLED)',
    labelNames: ['type', 'state'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'eq_reminders_scheduled',
    help: 'Reminders scheduled and not yet due or fired',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('reminders')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('state', '=', 'SCHEDULED')
        .executeTakeFirst();
      this.set(row?.n ?? 0);
    },
  });
  return { fired };
};
