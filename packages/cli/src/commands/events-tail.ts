import { eventDefinition } from '@express-quote/contracts';
import { COMMON_HELP, parseCommandArgs, parseInstant, parsePositiveInt } from '../args.ts';
import { type Command, UsageError } from '../command.ts';
import { messageLine, messageView } from '../format/message.ts';
import { table } from '../format/table.ts';
import { resolveStream } from '../streams/names.ts';
import { scanStream, streamInfo } from '../streams/scan.ts';

const usage = `usage: eq events tail <stream> [--subject <subject> | --type <event type>] [--since <time> | --from <seq>]
                      [--last <n>] [--follow] [--json]

Prints a stream's messages (oldest first), read with an ordered consumer: nothing is acknowledged or changed.

  <stream>             PAYMENTS, BOOKINGS, ATTRIBUTION, DOCUMENTS, NOTIFY, NOTIFICATIONS, DLQ (or the full name)
  --subject <subject>  only this subject, relative to the namespace (wildcards allowed): notify.email.>
  --type <type>        only this event type: booking.confirmed (its registered subject)
  --since <time>       from this time: 15m, 2h, 2026-03-14 10:00 (Paris), 2026-03-14T09:00:00Z
  --from <seq>         from this stream sequence
  --last <n>           only the last n messages (default 20 when neither --since nor --from is given)
  --follow, -f         keep printing new messages until Ctrl-C
  --json               one JSON object per line: { stream, seq, subject, storedAt, redeliveredFrom, payload }

${COMMON_HELP}

Examples:
  eq events tail BOOKINGS --type booking.confirmed --since 1h
  eq events tail NOTIFICATIONS --follow
  eq events tail NOTIFY --subject 'notify.sms.>' --last 50 --json | jq .payload.data.template`;

export const eventsTailCommand: Command = {
  path: ['events', 'tail'],
  summary: 'print a stream’s messages (pretty or --json), optionally following',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        subject: { type: 'string' },
        type: { type: 'string' },
        since: { type: 'string' },
        from: { type: 'string' },
        last: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        json: { type: 'boolean' },
      },
      usage,
      { min: 1, max: 1, names: '<stream>' },
    );
    if (values.help) {
      ctx.out.line(usage);
      return 0;
    }
    if (values.subject && values.type) throw new UsageError('give --subject or --type, not both', usage);
    if (values.since && values.from) throw new UsageError('give --since or --from, not both', usage);
    if (values.last && (values.since || values.from)) {
      throw new UsageError('--last counts back from the end: not with --since or --from', usage);
    }
    let relativeSubject = values.subject;
    if (values.type) {
      const def = eventDefinition(values.type);
      if (!def) throw new UsageError(`unknown event type "${values.type}"`, usage);
      relativeSubject = def.subject;
    }
    if (relativeSubject !== undefined && !/^[A-Za-z0-9_*>-]+(\.[A-Za-z0-9_*>-]+)*$/.test(relativeSubject)) {
      throw new UsageError(`invalid subject "${relativeSubject}"`, usage);
    }
    const since = values.since ? parseInstant(values.since, new Date(), '--since', usage) : undefined;
    const from = values.from ? parsePositiveInt(values.from, '--from', usage) : undefined;
    const last = values.last
      ? parsePositiveInt(values.last, '--last', usage)
      : since || from
        ? undefined
        : 20;

    const nats = await ctx.connections.nats();
    const stream = resolveStream(nats.ns, positionals[0]!, usage);
    const info = await streamInfo(nats.jsm, stream.name);
    const filter = relativeSubject ? nats.ns.subject(relativeSubject) : undefined;

    const print = (views: ReturnType<typeof messageView>[]) => {
      if (values.json) for (const v of views) ctx.out.line(JSON.stringify(v));
      else for (const line of table(views.map(messageLine))) ctx.out.line(line);
    };

    let startSeq = from;
    let ring: ReturnType<typeof messageView>[] = [];
    if (last !== undefined && !filter)
      startSeq = Math.max(info.state.first_seq, info.state.last_seq - last + 1);
    if (last !== undefined && filter) {
      // A filtered tail cannot count back on the server: read the matching messages, keep the last n.
      for await (const m of scanStream(nats.js, nats.jsm, stream.name, { filter, signal: ctx.io.signal })) {
        ring.push(messageView(m, stream.label, nats.ns));
        if (ring.length > last) ring = ring.slice(-last);
      }
      print(ring);
      if (!values.follow) return 0;
      startSeq = (ring.at(-1)?.seq ?? info.state.last_seq) + 1;
    }
    if (!(last !== undefined && filter)) {
      const batch: ReturnType<typeof messageView>[] = [];
      const end = info.state.last_seq;
      for await (const m of scanStream(nats.js, nats.jsm, stream.name, {
        ...(filter ? { filter } : {}),
        ...(startSeq ? { startSeq } : {}),
        ...(since ? { startTime: since } : {}),
        endSeq: end,
        signal: ctx.io.signal,
      })) {
        batch.push(messageView(m, stream.label, nats.ns));
      }
      print(batch);
      if (!values.follow) {
        if (batch.length === 0 && !values.json)
          ctx.err.line(`no message in ${stream.name}${filter ? ` on ${filter}` : ''}`);
        return 0;
      }
      startSeq = end + 1;
    }
    ctx.err.line(`following ${stream.name}${filter ? ` (${filter})` : ''}… Ctrl-C to stop`);
    for await (const m of scanStream(nats.js, nats.jsm, stream.name, {
      ...(filter ? { filter } : {}),
      startSeq: startSeq ?? 1,
      follow: true,
      batch: 100,
      signal: ctx.io.signal,
    })) {
      print([messageView(m, stream.label, nats.ns)]);
    }
    return 0;
  },
};
