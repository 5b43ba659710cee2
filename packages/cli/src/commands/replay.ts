import { COMMON_HELP, parseCommandArgs, parsePositiveInt, parseStreamPosition } from '../args.ts';
import { CliError, type Command, type Context, UsageError } from '../command.ts';
import { confirm } from '../confirm.ts';
import { replayConsumer } from '../consumers/replay-consumer.ts';
import { SIDE_EFFECTS_ARE_NO_OPS, sideEffectsOf } from '../consumers/side-effects.ts';
import { tableExists } from '../db/catalog.ts';
import { humanDuration } from '../format/time.ts';
import { createProgress } from '../progress.ts';
import { completeJob, ensureJobTable, loadJob, startJob } from '../projections/jobs.ts';
import type { ProjectionDefinition } from '../projections/projection.ts';
import { PROJECTIONS, projectionByName } from '../projections/registry.ts';
import { replayStreamIntoProjection } from '../projections/replay-stream.ts';
import { createBeside } from '../projections/tables.ts';
import { resolveStream, type StreamRef } from '../streams/names.ts';
import { sequenceAt, streamInfo } from '../streams/scan.ts';

const usage = `usage: eq replay <stream> --into <projection | consumer:<durable>> [--from <seq|time>] [options]

Re-runs history from a stream.

Into a projection (${PROJECTIONS.map((p) => p.name).join(', ')}): reads the stream with an ordered consumer and folds it into
the projection's table, batch by batch, each batch committed with its checkpoint (eq_cli.replay_jobs). Ctrl-C
stops after the batch in hand; the same command resumes where it stopped. The folds are idempotent, so replaying
into the live table beside the running service is safe; --table builds a separate table instead.
${PROJECTIONS.map((p) => `  ${p.name.padEnd(20)} ${p.description}`).join('\n')}

Into a durable consumer (consumer:<durable>): recreates the durable (nats-server 2.9 cannot move one) with the same
configuration, acknowledges the messages before --from, and watches its service process the rest. Stop the
service first. Replays that would send messages to people (NOTIFY consumers, the notifications planner, delivery
consumers) are refused unless --allow-side-effects.

  --into <target>          a projection name, or consumer:<durable>
  --from <seq|time>        first stream sequence, or a time (2h, 2026-03-14 10:00 Paris, …); default: the start
  --table <name>           projection: write into this table of the same schema (created like the live one)
  --restart                projection: forget this replay's checkpoint and start again from --from
  --batch <n>              projection: messages per transaction (default 10000)
  --filter <subject>       consumer: filter of a durable that does not exist yet (relative to the namespace)
  --allow-side-effects     consumer: replay into a consumer that sends messages to people
  --no-watch               consumer: return once the durable is rewound
  --yes                    do not ask before rewinding a durable
  --json                   the summary as JSON

Exit code: 0 done, 1 failed or refused, 2 bad arguments, 130 interrupted (run it again to resume).

${COMMON_HELP}

Examples:
  eq replay NOTIFICATIONS --into notification-status --from 2d
  eq replay NOTIFY --into notification-status --table notification_status_check
  eq replay BOOKINGS --into consumer:documents-booking-confirmed --from 1200`;

const sourceContexts = (p: ProjectionDefinition) =>
  p.sources.kind === 'streams' ? p.sources.contexts : [p.sources.stream];

const replayProjection = async (
  ctx: Context,
  projection: ProjectionDefinition,
  stream: StreamRef,
  values: { from?: string; table?: string; restart?: boolean; batch?: string; json?: boolean },
): Promise<number> => {
  if (!stream.context || !sourceContexts(projection).includes(stream.context)) {
    throw new UsageError(
      `${projection.name} is built from ${sourceContexts(projection)
        .map((c) => c.toUpperCase())
        .join(' and ')}, not ${stream.label}`,
      usage,
    );
  }
  const batchSize = values.batch ? parsePositiveInt(values.batch, '--batch', usage) : 10_000;
  const from = values.from ? parseStreamPosition(values.from, new Date(), '--from', usage) : undefined;
  const db = await ctx.db();
  const nats = await ctx.connections.nats();
  const live = projection.live;
  if (!(await tableExists(db, live.schema, live.table))) {
    throw new CliError(
      `${live.schema}.${live.table} does not exist: has its service started (it migrates its schema)?`,
    );
  }
  let target = live;
  if (values.table && values.table !== live.table) {
    try {
      target = await createBeside(db, live, values.table);
    } catch (error) {
      throw new UsageError((error as Error).message, usage);
    }
  }
  await ensureJobTable(db);
  const job = `replay:${projection.name}:${target.schema}.${target.table}:${stream.name}:from=${values.from ?? 'start'}`;
  const info = await streamInfo(nats.jsm, stream.name);
  let existing = await loadJob(db, job);
  if (existing && values.restart) existing = null;
  if (existing?.completedAt) {
    ctx.err.line(
      `this replay already ran to #${existing.position && 'seq' in existing.position ? existing.position.seq : '?'} (${existing.processed} messages, done ${existing.completedAt.toISOString()}); --restart to run it again`,
    );
    return 0;
  }
  let startSeq: number;
  if (existing) {
    startSeq = (existing.position && 'seq' in existing.position ? existing.position.seq : 0) + 1;
    ctx.err.line(`resuming after #${startSeq - 1} (${existing.processed} messages already replayed)`);
  } else {
    await startJob(db, job);
    if (!from) startSeq = info.state.first_seq || 1;
    else if ('seq' in from) startSeq = from.seq;
    else startSeq = (await sequenceAt(nats.js, nats.jsm, stream.name, from.time)) ?? info.state.last_seq + 1;
  }
  startSeq = Math.max(startSeq, info.state.first_seq || 1);
  const endSeq = info.state.last_seq;
  const offset = existing?.processed ?? 0;
  const total = Math.max(0, endSeq - startSeq + 1) + offset;
  const progress = createProgress(ctx.err, `${stream.label} → ${target.table}`, total);
  const outcome = await replayStreamIntoProjection({
    nats,
    db,
    projection,
    stream: stream.name,
    target,
    job,
    startSeq,
    endSeq,
    batchSize,
    signal: ctx.io.signal,
    progress,
    progressOffset: offset,
  });
  progress.finish();
  if (outcome.completed) await completeJob(db, job);
  const summary = {
    projection: projection.name,
    stream: stream.name,
    table: `${target.schema}.${target.table}`,
    from: startSeq,
    to: outcome.lastSeq,
    end: endSeq,
    messages: outcome.read,
    events: outcome.events,
    rowsChanged: outcome.rowsChanged,
    invalid: outcome.invalid,
    completed: outcome.completed,
    seconds: Math.round(outcome.elapsedMs) / 1000,
    eventsPerSecond: outcome.elapsedMs > 0 ? Math.round((outcome.read / outcome.elapsedMs) * 1000) : null,
  };
  if (values.json) ctx.out.line(JSON.stringify(summary, null, 2));
  else {
    ctx.out.line(
      `${outcome.completed ? 'replayed' : 'interrupted:'} ${stream.label} #${startSeq}–#${outcome.lastSeq ?? startSeq - 1} into ${summary.table}: ` +
        `${outcome.read} messages, ${outcome.events} ${projection.name} events, ${outcome.rowsChanged} rows changed` +
        `${outcome.invalid ? `, ${outcome.invalid} invalid skipped` : ''} in ${humanDuration(outcome.elapsedMs)}` +
        `${summary.eventsPerSecond !== null ? ` (${summary.eventsPerSecond.toLocaleString('en-US')} msg/s)` : ''}`,
    );
    if (!outcome.completed) ctx.out.line('run the same command again to resume from the checkpoint');
  }
  return outcome.completed ? 0 : 130;
};

export const replayCommand: Command = {
  path: ['replay'],
  summary: 'replay a stream into a projection or a durable consumer (progress, resumable)',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        into: { type: 'string' },
        from: { type: 'string' },
        table: { type: 'string' },
        restart: { type: 'boolean' },
        batch: { type: 'string' },
        filter: { type: 'string' },
        'allow-side-effects': { type: 'boolean' },
        'no-watch': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      usage,
      { min: 1, max: 1, names: '<stream>' },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    if (!values.into)
      throw new UsageError('--into is required: a projection name or consumer:<durable>', usage);
    const nats = await ctx.connections.nats();
    const stream = resolveStream(nats.ns, positionals[0]!, usage);
    if (!values.into.startsWith('consumer:')) {
      if (values.filter || values['allow-side-effects'] || values['no-watch']) {
        throw new UsageError('--filter, --allow-side-effects and --no-watch are for consumer replays', usage);
      }
      return replayProjection(ctx, projectionByName(values.into, usage), stream, values);
    }
    if (values.table || values.restart || values.batch) {
      throw new UsageError('--table, --restart and --batch are for projection replays', usage);
    }
    const durable = values.into.slice('consumer:'.length);
    if (!/^[A-Za-z0-9_-]+$/.test(durable)) throw new UsageError(`invalid durable name "${durable}"`, usage);
    const effects = sideEffectsOf(nats.ns, stream.name, durable);
    if (effects && !values['allow-side-effects']) {
      ctx.err.line(
        `refused: ${effects}. Replaying it would deliver them again to customers, staff or professionals.`,
      );
      ctx.err.line(`Pass --allow-side-effects to do it anyway. ${SIDE_EFFECTS_ARE_NO_OPS}`);
      return 1;
    }
    if (effects) ctx.err.line(`--allow-side-effects: ${effects}. ${SIDE_EFFECTS_ARE_NO_OPS}`);
    const info = await streamInfo(nats.jsm, stream.name);
    const from = values.from
      ? parseStreamPosition(values.from, new Date(), '--from', usage)
      : { seq: info.state.first_seq || 1 };
    const fromSeq =
      'seq' in from
        ? from.seq
        : ((await sequenceAt(nats.js, nats.jsm, stream.name, from.time)) ?? info.state.last_seq + 1);
    if (values.filter !== undefined && !/^[A-Za-z0-9_*>-]+(\.[A-Za-z0-9_*>-]+)*$/.test(values.filter)) {
      throw new UsageError(`invalid subject "${values.filter}"`, usage);
    }
    const result = await replayConsumer({
      nats,
      stream: stream.name,
      durable,
      fromSeq,
      ...(values.filter ? { filter: nats.ns.subject(values.filter) } : {}),
      confirmRewind: (current) =>
        confirm(
          ctx,
          `Rewind ${durable} on ${stream.name} to #${fromSeq}? It is at #${current.ack_floor.stream_seq} now; every message from #${fromSeq} will be handled again by its service.`,
          values.yes,
          usage,
        ),
      watch: !values['no-watch'],
      signal: ctx.io.signal,
      err: ctx.err,
    });
    if (values.json)
      ctx.out.line(JSON.stringify({ durable, stream: stream.name, fromSeq, ...result }, null, 2));
    else if (!result.aborted) {
      ctx.out.line(
        `${durable}: ${result.rewound ? 'rewound' : 'already rewound'} to #${fromSeq}, ${result.skipped} earlier message(s) acknowledged` +
          (values['no-watch']
            ? '; start its service to replay'
            : `, ${result.replayed} replayed${result.caughtUp ? ', caught up' : ' so far'}`),
      );
    }
    if (result.aborted) return 1;
    return ctx.io.signal.aborted && !result.caughtUp && !values['no-watch'] ? 130 : 0;
  },
};
