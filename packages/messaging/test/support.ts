import { type Cause, createEvent, type EventDefinition } from '@express-quote/contracts';
import { type Logger, pino } from 'pino';
import type { z } from 'zod';

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, unknown>[];
  text(): string;
}

/** A real pino logger writing JSON lines into memory, so tests can assert on what operators would read. */
export const captureLogs = (level = 'debug'): CapturedLogs => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
};

const cause: Cause = { externalId: 'evt_test_cause' };

export const makeEvent = <D extends EventDefinition>(def: D, data: z.input<D['schema']>, id?: string) =>
  createEvent(def, data, { cause, ...(id ? { id } : {}) });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
