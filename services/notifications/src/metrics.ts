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
