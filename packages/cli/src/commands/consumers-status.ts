import { CONTEXTS, type Context } from '@express-quote/contracts';
import type { ConsumerInfo } from '@nats-io/jetstream';
import { COMMON_HELP, parseCommandArgs, parseNonNegativeInt } from '../args.ts';
import type { Command } from '../command.ts';
import { table } from '../format/table.ts';
import { humanDuration } from '../format/time.ts';
import { resolveStream } from '../streams/names.ts';
import { streamInfo } from '../streams/scan.ts';

const usage = `usage: eq consumers status [--stream <stream>] [--max-pending <n>] [--ephemeral] [--json]

Every durable consumer of the namespace's streams: messages not yet delivered (pending), delivered but not yet
acknowledged (ack pending), redelivered, pull requests waiting (a running service keeps some open), delivered and
acknowledged stream positions, last activity (when the server reports it: nats-server ≥ 2.10).

Lag = pending + ack pending. Exit code 1 when any consumer's lag is over --max-pending: run it from cron or an
alerting probe.

  --stream <stream>     only this stream (NOTIFY, BOOKINGS…)
  --max-pending <n>     lag threshold (default 1000)
  --ephemeral           also list ephemeral consumers (other tools' readers, ordered consumers)
  --json                the rows as JSON

${COMMON_HELP}

Examples:
  eq consumers status
  eq consumers status --stream NOTIFY --max-pending 50 || page-the-on-call`;

export interface ConsumerRow {
  stream: string;
  consumer: string;
  filter: string | null;
  pending: number;
  ackPending: number;
  redelivered: number;
  waiting: number;
  deliveredSeq: number;
  ackFloorSeq: number;
  lastActive: string | null;
  lag: number;
  overThreshold: boolean;
}

const lastActive = (info: ConsumerInfo): string | null => {
  const d = (info.delivered as unknown as { last_active?: string }).last_active;
  const a = (info.ack_floor as unknown as { last_active?: string }).last_active;
  const times = [d, a].filter((t): t is string => typeof t === 'string' && !t.startsWith('0001-'));
  return times.sort().at(-1) ?? null;
};

export const consumersStatusCommand: Command = {
  path: ['consumers', 'status'],
  summary: 'pending / ack-pending / redelivered per consumer; exit 1 over --max-pending',
  usage,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      {
        stream: { type: 'string' },
        'max-pending': { type: 'string' },
        ephemeral: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      usage,
      { min: 0, max: 0 },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    const threshold = values['max-pending']
      ? parseNonNegativeInt(values['max-pending'], '--max-pending', usage)
      : 1000;
    const nats = await ctx.connections.nats();
    const streams: string[] = [];
    if (values.stream) {
      const ref = resolveStream(nats.ns, values.stream, usage);
      await streamInfo(nats.jsm, ref.name);
      streams.push(ref.name);
    } else {
      // The namespace's context streams; other namespaces sharing the server (tests) are not ours to report.
      const existing = new Set<string>();
      for await (const name of nats.jsm.streams.names()) existing.add(name);
      for (const context of Object.keys(CONTEXTS) as Context[]) {
        const name = nats.ns.stream(context);
        if (existing.has(name)) streams.push(name);
      }
      streams.sort();
    }
    const rows: ConsumerRow[] = [];
    for (const stream of streams) {
      for await (const info of nats.jsm.consumers.list(stream)) {
        if (!info.config.durable_name && !values.ephemeral) continue;
        const lag = info.num_pending + info.num_ack_pending;
        rows.push({
          stream,
          consumer: info.name,
          filter: info.config.filter_subject ?? null,
          pending: info.num_pending,
          ackPending: info.num_ack_pending,
          redelivered: info.num_redelivered,
          waiting: info.num_waiting,
          deliveredSeq: info.delivered.stream_seq,
          ackFloorSeq: info.ack_floor.stream_seq,
          lastActive: lastActive(info),
          lag,
          overThreshold: lag > threshold,
        });
      }
    }
    rows.sort((a, b) => a.stream.localeCompare(b.stream) || a.consumer.localeCompare(b.consumer));
    const over = rows.filter((r) => r.overThreshold);
    if (values.json) {
      ctx.out.line(JSON.stringify({ threshold, over: over.length, consumers: rows }, null, 2));
      return over.length > 0 ? 1 : 0;
    }
    if (rows.length === 0) {
      ctx.out.line(`no durable consumer in ${streams.length} stream(s)`);
      return 0;
    }
    const now = Date.now();
    for (const line of table([
      [
        'stream',
        'consumer',
        'pending',
        'ack pending',
        'redelivered',
        'waiting',
        'delivered',
        'acked',
        'last active',
        '',
      ],
      ...rows.map((r) => [
        r.stream,
        r.consumer,
        String(r.pending),
        String(r.ackPending),
        String(r.redelivered),
        String(r.waiting),
        `#${r.deliveredSeq}`,
        `#${r.ackFloorSeq}`,
        r.lastActive ? `${humanDuration(now - new Date(r.lastActive).getTime())} ago` : '—',
        r.overThreshold ? `LAG ${r.lag} > ${threshold}` : '',
      ]),
    ]))
      ctx.out.line(line);
    ctx.out.line();
    ctx.out.line(
      over.length > 0
        ? `${over.length} consumer(s) over the threshold (${threshold}): ${over.map((r) => r.consumer).join(', ')}`
        : `every consumer's lag is within ${threshold}`,
    );
    return over.length > 0 ? 1 : 0;
  },
};
