import { COMMON_HELP, parseCommandArgs, parsePositiveInt } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { confirm } from '../confirm.ts';
import { tableExists } from '../db/catalog.ts';
import { table } from '../format/table.ts';
import { humanDuration } from '../format/time.ts';
import { rebuildProjection } from '../projections/rebuild.ts';
import { PROJECTIONS, projectionByName } from '../projections/registry.ts';
import { countRows } from '../projections/tables.ts';

const listUsage = `usage: eq projections list [--json]

The read models the CLI can replay and rebuild, their tables, sources and row counts.

${COMMON_HELP}`;

const rebuildUsage = `usage: eq projections rebuild <name> [--keep-old] [--restart] [--batch <n>] [--yes] [--json]

Drops and rebuilds a read model without downtime: builds <table>_rebuild beside the live table from the whole
history (progress on stderr; Ctrl-C and run again to resume from the checkpoint), then in ONE transaction locks the
live table, applies what arrived meanwhile and swaps the two. The service keeps running; its writes wait only for
that last transaction.

${PROJECTIONS.map((p) => `  ${p.name.padEnd(20)} ${p.description}`).join('\n')}

Streams keep limited history (30 days by default): when a source stream no longer starts at #1, rows of the live
table that the history no longer covers are carried over rather than lost, and the summary says how many.

  --keep-old      keep the previous table as <table>_old_<timestamp> (default: dropped in the swap)
  --restart       discard a half-built table and its checkpoints
  --batch <n>     events per transaction (default 10000 from streams, 2000 from an event store)
  --yes           do not ask for confirmation (required when stdin is not a terminal)
  --json          the summary as JSON

Exit code: 0 swapped, 1 failed or refused, 2 bad arguments, 130 interrupted (run it again to resume).

${COMMON_HELP}

Examples:
  eq projections rebuild notification-status
  eq projections rebuild bookings-view --keep-old --yes`;

const projectionsList: Command = {
  path: ['projections', 'list'],
  summary: 'the read models the CLI can replay and rebuild',
  usage: listUsage,
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, listUsage, { min: 0, max: 0 });
    if (values.help) {
      ctx.out.line(listUsage);
      return 0;
    }
    let db: Awaited<ReturnType<typeof ctx.db>> | null = null;
    try {
      db = await ctx.db();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
    }
    const rows = [];
    for (const p of PROJECTIONS) {
      const exists = db ? await tableExists(db, p.live.schema, p.live.table) : null;
      rows.push({
        name: p.name,
        table: `${p.live.schema}.${p.live.table}`,
        source:
          p.sources.kind === 'streams'
            ? p.sources.contexts.map((c) => c.toUpperCase()).join(' + ')
            : `${p.sources.schema} event store (or ${p.sources.stream.toUpperCase()})`,
        rows: db && exists ? await countRows(db, p.live) : null,
        description: p.description,
      });
    }
    if (values.json) ctx.out.line(JSON.stringify(rows, null, 2));
    else
      for (const line of table([
        ['name', 'table', 'rebuilt from', 'rows'],
        ...rows.map((r) => [
          r.name,
          r.table,
          r.source,
          r.rows === null ? (db ? 'no table' : '?') : String(r.rows),
        ]),
      ]))
        ctx.out.line(line);
    return 0;
  },
};

const projectionsRebuild: Command = {
  path: ['projections', 'rebuild'],
  summary: 'rebuild a read model beside the live table, then swap (no downtime)',
  usage: rebuildUsage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        'keep-old': { type: 'boolean' },
        restart: { type: 'boolean' },
        batch: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      rebuildUsage,
      { min: 1, max: 1, names: '<name>' },
    );
    if (values.help) {
      ctx.out.line(rebuildUsage);
      return 0;
    }
    const projection = projectionByName(positionals[0]!, rebuildUsage);
    const batchSize = values.batch ? parsePositiveInt(values.batch, '--batch', rebuildUsage) : undefined;
    const db = await ctx.db();
    const nats = projection.sources.kind === 'streams' ? await ctx.connections.nats() : null;
    const live = `${projection.live.schema}.${projection.live.table}`;
    const ok = await confirm(
      ctx,
      `Rebuild ${projection.name} and replace ${live}${values['keep-old'] ? ' (the old table is kept)' : ' (the old table is dropped)'}?`,
      values.yes,
      rebuildUsage,
    );
    if (!ok) return 1;
    const result = await rebuildProjection({
      db,
      nats,
      projection,
      keepOld: values['keep-old'] === true,
      restart: values.restart === true,
      signal: ctx.io.signal,
      err: ctx.err,
      ...(batchSize ? { batchSize } : {}),
    });
    const summary = {
      projection: projection.name,
      completed: result.completed,
      table: `${result.table.schema}.${result.table.table}`,
      rows: result.rows,
      eventsRead: result.eventsRead,
      caughtUpInSwap: result.caughtUp,
      carriedOver: result.carriedOver,
      oldTable: result.oldTable ? `${result.oldTable.schema}.${result.oldTable.table}` : null,
      seconds: Math.round(result.elapsedMs) / 1000,
    };
    if (values.json) ctx.out.line(JSON.stringify(summary, null, 2));
    else if (result.completed) {
      ctx.out.line(
        `${projection.name} rebuilt: ${result.rows} rows in ${summary.table} from ${result.eventsRead} events ` +
          `(${result.caughtUp} applied during the swap) in ${humanDuration(result.elapsedMs)}` +
          `${result.carriedOver ? `; ${result.carriedOver} rows carried over from the old table (their history aged out of the streams)` : ''}` +
          `${summary.oldTable ? `; previous table kept as ${summary.oldTable}` : ''}`,
      );
    } else {
      ctx.out.line(
        `interrupted: ${summary.table} holds ${result.rows} rows so far; run the same command again to resume`,
      );
    }
    return result.completed ? 0 : 130;
  },
};

export const projectionsCommands: readonly Command[] = [projectionsList, projectionsRebuild];
