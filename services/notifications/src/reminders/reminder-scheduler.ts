import { startPeriodicTask } from '@express-quote/service-kit';
import type { Logger } from 'pino';
import { type FiredReminder, fireDueReminders, type ReminderDeps } from './fire-due-reminders.ts';

export interface ReminderScheduler {
  /** Runs one pass now (tests; concurrent calls share the pass in progress). */
  tick(): Promise<FiredReminder[]>;
  stop(): Promise<void>;
}

/**
 * Polls the reminders table (nats-server 2.9 has no delayed messages). Durable by construction: a reminder is a
 * row, so a restart, or an outage of hours, loses nothing; the first pass afterwards fires what became due, or
 * records why it is too late. Safe with several instances (rows are claimed with SKIP LOCKED).
 */
export const startReminderScheduler = (
  deps: ReminderDeps,
  options: { intervalMs: number; logger: Logger },
): ReminderScheduler => {
  // Logged, not thrown: the rows are still SCHEDULED and the next pass fires them (NATS or Postgres away).
  return startPeriodicTask({
    run: () => fireDueReminders(deps),
    intervalMs: options.intervalMs,
    fallback: [],
    logger: options.logger,
    failureMessage: 'reminder scheduler pass failed',
  });
};
