import { COMMON_HELP, parseCommandArgs, parseInstant } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { findFindings, traceNotifications } from '../trace/analyse.ts';
import { collectTrace } from '../trace/collect.ts';
import type { Trace } from '../trace/model.ts';
import { renderTrace } from '../trace/render.ts';
import { resolveSubject } from '../trace/resolve.ts';

const usage = `usage: eq trace <bookingId|reference|stripeEventId|correlationId> [--since <time>] [--json]

Follows one booking through every stream (PAYMENTS, BOOKINGS, ATTRIBUTION, DOCUMENTS, NOTIFY, NOTIFICATIONS), the
event stores (booking, attribution), the DLQ and the notifications service's tables, in time order, and says what
is missing (e.g. "customer e-mail requested but never SENT"). The first command to run when a customer says
"I got nothing".

  <id>              EQ-2026-000123 (reference), a booking uuid, evt_… (the Stripe event id IS the correlation id),
                    a notification id, or any correlation id
  --since <time>    only scan stream messages stored since then: 2h, 3d, 2026-03-14 (Paris), 2026-03-14T09:00:00Z
                    (default: each stream's whole history)
  --json            the trace as JSON (hops, notifications, findings)

Exit code: 0 when nothing is missing, 1 when something is missing or wrong (or nothing was found), 2 bad arguments.

${COMMON_HELP}

Examples:
  eq trace EQ-2026-000123
  eq trace evt_1Q2w3E4r5T6y7U8i9O0pAsDf --since 2d
  eq trace 0190c6a4-7b1e-7c3a-9f00-2d6f1e0b8a11 --json | jq '.findings'`;

export const traceCommand: Command = {
  path: ['trace'],
  summary: 'follow one booking across every stream and store; say what is missing',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { since: { type: 'string' }, json: { type: 'boolean' } },
      usage,
      { min: 1, max: 1, names: '<bookingId|reference|stripeEventId|correlationId>' },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    const query = positionals[0]!.trim();
    if (!query) throw new UsageError('the id is empty', usage);
    const since = values.since ? parseInstant(values.since, new Date(), '--since', usage) : undefined;
    const nats = await ctx.connections.nats();
    let db: Awaited<ReturnType<typeof ctx.db>> | null = null;
    const warnings: string[] = [];
    try {
      db = await ctx.db();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // Without DATABASE_URL the streams alone still tell most of the story.
    }
    const subject = await resolveSubject(query, db, nats, ctx.io.signal);
    const collected = await collectTrace(subject, nats, db, {
      ...(since ? { since } : {}),
      signal: ctx.io.signal,
    });
    const notifications = traceNotifications(collected.hops, collected.statusRows, collected.outbox);
    const trace: Trace = {
      subject: collected.subject,
      hops: collected.hops,
      notifications,
      findings: findFindings(collected.hops, notifications, since ? { since } : {}),
      warnings: [...warnings, ...collected.warnings],
      scanned: collected.scanned,
    };
    if (values.json) ctx.out.line(JSON.stringify(trace, null, 2));
    else renderTrace(trace, ctx.out);
    return trace.findings.some((f) => f.level !== 'note') ? 1 : 0;
  },
};
