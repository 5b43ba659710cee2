import { createEventStore, type StoredEvent } from '@express-quote/eventstore';
import { COMMON_HELP, parseCommandArgs, parsePositiveInt } from '../args.ts';
import { CliError, type Command, UsageError } from '../command.ts';
import { SCHEMA_NAME, tableExists } from '../db/catalog.ts';
import { summarizeEvent } from '../format/event-summary.ts';
import { table } from '../format/table.ts';
import { parisTime } from '../format/time.ts';

const usage = `usage: eq eventstore read <schema> <streamId> [--from-version <n>] [--data] [--json]

Prints one event-store stream in version order (older schema versions upcast, as the service reads them).

  <schema>              the service's event store schema: booking, attribution
  <streamId>            booking-<uuid>, quote-<uuid>, customer-<uuid>, checkout-<sessionId>, attribution-<uuid>…
                        (a bare booking uuid is read as booking-<uuid>)
  --from-version <n>    start at this stream version
  --data                print each event's data under its line
  --json                one JSON object per line: the envelope plus streamVersion, globalPosition, transactionId

${COMMON_HELP}

Examples:
  eq eventstore read booking booking-0190c6a4-7b1e-7c3a-9f00-2d6f1e0b8a11
  eq eventstore read booking quote-3b1f… --json | jq .type`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const eventstoreReadCommand: Command = {
  path: ['eventstore', 'read'],
  summary: 'print one event-store stream (pretty or --json)',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { 'from-version': { type: 'string' }, data: { type: 'boolean' }, json: { type: 'boolean' } },
      usage,
      { min: 2, max: 2, names: '<schema> <streamId>' },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    const [schema, rawStreamId] = positionals as [string, string];
    if (!SCHEMA_NAME.test(schema)) throw new UsageError(`invalid schema name "${schema}"`, usage);
    const fromVersion = values['from-version']
      ? parsePositiveInt(values['from-version'], '--from-version', usage)
      : 1;
    const db = await ctx.db();
    if (!(await tableExists(db, schema, 'events'))) {
      throw new CliError(`schema "${schema}" has no event store (known: booking, attribution)`);
    }
    const store = createEventStore(db, { schema });
    let streamId = rawStreamId;
    let events: StoredEvent[] = await store.readStream(streamId, { fromVersion });
    if (events.length === 0 && UUID.test(rawStreamId) && schema === 'booking') {
      streamId = `booking-${rawStreamId}`;
      events = await store.readStream(streamId, { fromVersion });
    }
    if (events.length === 0) {
      const version = await store.streamVersion(streamId);
      if (version === 0) throw new CliError(`no stream "${rawStreamId}" in the ${schema} event store`);
      if (!values.json) ctx.err.line(`${streamId} has ${version} event(s), none from version ${fromVersion}`);
      return 0;
    }
    if (values.json) {
      for (const e of events) {
        ctx.out.line(
          JSON.stringify({
            ...e,
            globalPosition: e.globalPosition.toString(),
            transactionId: e.transactionId.toString(),
          }),
        );
      }
      return 0;
    }
    ctx.out.line(`${schema} ${streamId}: ${events.length} event(s)`);
    const rows = events.map((e) => [
      `v${e.streamVersion}`,
      parisTime(e.occurredAt),
      e.type,
      summarizeEvent(e.type, e.data),
      `corr ${e.correlationId}`,
      `id ${e.id}`,
    ]);
    const lines = table(rows, { indent: '  ' });
    lines.forEach((line, i) => {
      ctx.out.line(line);
      if (values.data) ctx.out.line(`      ${JSON.stringify(events[i]!.data)}`);
    });
    return 0;
  },
};
