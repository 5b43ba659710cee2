import { type Logger, pino } from 'pino';

/** A logger for tests: silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to see a failing run). */
export const testLogger = (name = 'test'): Logger =>
  pino({ name, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
