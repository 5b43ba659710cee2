import {
  type DeadLetter,
  type DeadLetterKind,
  listDeadLetters,
  purgeDeadLetters,
  redrive,
  showDeadLetter,
} from '@express-quote/messaging';
import { COMMON_HELP, parseCommandArgs, parseInstant, parsePositiveInt } from '../args.ts';
import { CliError, type Command, type Context, UsageError } from '../command.ts';
import { confirm } from '../confirm.ts';
import { table } from '../format/table.ts';
import { parisTime } from '../format/time.ts';
import { resolveStream } from '../streams/names.ts';

const KINDS: readonly DeadLetterKind[] = ['max_deliveries', 'terminated', 'rejected'];

const FILTER_HELP = `  --stream <stream>     only dead letters of this stream (NOTIFY, BOOKINGS…)
  --consumer <name>     only those given up by this durable consumer
  --kind <kind>         max_deliveries | terminated | rejected
  --before <time>       only those that died before: 2h, 2026-03-14 10:00 (Paris), 2026-03-14T09:00:00Z`;

const listUsage = `usage: eq dlq list [--stream <s>] [--consumer <c>] [--kind <k>] [--before <time>] [--limit <n>] [--json]

Dead letters, oldest first: what was given up, by which consumer, why (the runner's reason), after how many
deliveries. The original stays in its stream: \`eq dlq show <#>\` prints it.

${FILTER_HELP}
  --limit <n>           at most n entries (default 100)
  --json                the entries as a JSON array

${COMMON_HELP}`;

const showUsage = `usage: eq dlq show <dlqSequence> [--json]

One dead letter with its original message (subject, headers, payload), fetched from its stream by sequence.

${COMMON_HELP}`;

const redriveUsage = `usage: eq dlq redrive (<dlqSequence>… | --all | <filter>) [--yes] [--json]

Republishes the original message of each dead letter to its subject, byte for byte (new msgID
redrive:<stream>:<seq>:<dlqSeq>, header Eq-Redrive-Of), then removes the entry from the DLQ. Every consumer of
the subject sees it again; their effects are idempotent (a notification already SENT is not sent again). Fix the
cause first (eq dlq show), or the message dies again.

  <dlqSequence>…        these entries (as listed by eq dlq list)
  --all                 every dead letter
${FILTER_HELP}
  --yes                 do not ask for confirmation (required when stdin is not a terminal)

${COMMON_HELP}`;

const purgeUsage = `usage: eq dlq purge (<dlqSequence>… | --all | <filter>) [--yes]

Deletes dead letters (the originals stay in their streams until they age out): for entries you decided not to
redrive. Asks for confirmation unless --yes.

  <dlqSequence>…        these entries
  --all                 every dead letter
${FILTER_HELP}
  --yes                 do not ask for confirmation (required when stdin is not a terminal)

${COMMON_HELP}`;

const FILTER_OPTIONS = {
  stream: { type: 'string' },
  consumer: { type: 'string' },
  kind: { type: 'string' },
  before: { type: 'string' },
} as const;

interface Filter {
  stream?: string;
  consumer?: string;
  kind?: DeadLetterKind;
  before?: Date;
}

/** Checks the filter options before anything connects: a typo is a usage error, not a server error. */
const checkFilter = (values: { kind?: string; before?: string }, usage: string): void => {
  if (values.kind && !KINDS.includes(values.kind as DeadLetterKind)) {
    throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`, usage);
  }
  if (values.before) parseInstant(values.before, new Date(), '--before', usage);
};

const readFilter = (
  values: { stream?: string; consumer?: string; kind?: string; before?: string },
  usage: string,
  streamName: (s: string) => string,
): Filter => {
  checkFilter(values, usage);
  return {
    ...(values.stream ? { stream: streamName(values.stream) } : {}),
    ...(values.consumer ? { consumer: values.consumer } : {}),
    ...(values.kind ? { kind: values.kind as DeadLetterKind } : {}),
    ...(values.before ? { before: parseInstant(values.before, new Date(), '--before', usage) } : {}),
  };
};

const matches = (e: DeadLetter, f: Filter) =>
  (!f.stream || e.stream === f.stream) &&
  (!f.consumer || e.consumer === f.consumer) &&
  (!f.kind || e.kind === f.kind) &&
  (!f.before || new Date(e.at).getTime() < f.before.getTime());

const entryRows = (entries: DeadLetter[]) =>
  table([
    ['#', 'died at (Paris)', 'stream', 'seq', 'consumer', 'kind', 'deliveries', 'reason'],
    ...entries.map((e) => [
      String(e.dlqSequence),
      parisTime(e.at),
      e.stream,
      `#${e.streamSequence}`,
      e.consumer,
      e.kind,
      e.deliveries === null ? '?' : String(e.deliveries),
      e.reason ?? '',
    ]),
  ]);

const dlqList: Command = {
  path: ['dlq', 'list'],
  summary: 'dead letters with their reason',
  usage: listUsage,
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { ...FILTER_OPTIONS, limit: { type: 'string' }, json: { type: 'boolean' } },
      listUsage,
      {
        min: 0,
        max: 0,
      },
    );
    if (values.help) {
      ctx.out.line(listUsage);
      return 0;
    }
    const limit = values.limit ? parsePositiveInt(values.limit, '--limit', listUsage) : 100;
    checkFilter(values, listUsage);
    const nats = await ctx.connections.nats();
    const filter = readFilter(values, listUsage, (s) => resolveStream(nats.ns, s, listUsage).name);
    const all = (await listDeadLetters(nats.jsm, nats.ns, { limit: Number.MAX_SAFE_INTEGER })).filter((e) =>
      matches(e, filter),
    );
    const shown = all.slice(0, limit);
    if (values.json) {
      ctx.out.line(JSON.stringify(shown, null, 2));
      return 0;
    }
    if (all.length === 0) {
      ctx.out.line('no dead letter');
      return 0;
    }
    for (const line of entryRows(shown)) ctx.out.line(line);
    if (all.length > shown.length) ctx.out.line(`… ${all.length - shown.length} more (--limit)`);
    return 0;
  },
};

const dlqShow: Command = {
  path: ['dlq', 'show'],
  summary: 'one dead letter and its original message',
  usage: showUsage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, showUsage, {
      min: 1,
      max: 1,
      names: '<dlqSequence>',
    });
    if (values.help) {
      ctx.out.line(showUsage);
      return 0;
    }
    const seq = parsePositiveInt(positionals[0]!, '<dlqSequence>', showUsage);
    const nats = await ctx.connections.nats();
    const detail = await showDeadLetter(nats.jsm, nats.ns, seq);
    if (!detail) throw new CliError(`no dead letter #${seq} in ${nats.ns.stream('dlq')} (eq dlq list)`);
    if (values.json) {
      ctx.out.line(JSON.stringify(detail, null, 2));
      return 0;
    }
    const e = detail.entry;
    ctx.out.line(`dead letter #${e.dlqSequence} (${e.kind}) at ${parisTime(e.at)} Paris`);
    for (const line of table(
      [
        ['stream', `${e.stream} #${e.streamSequence}`],
        ['subject', e.subject ?? '?'],
        ['consumer', e.consumer],
        ['deliveries', e.deliveries === null ? '?' : String(e.deliveries)],
        ['reason', e.reason ?? '(none recorded: the advisory says only that it was given up)'],
        ['DLQ records', e.records.join(', ')],
      ],
      { indent: '  ' },
    ))
      ctx.out.line(line);
    if (!detail.original) {
      ctx.out.line('  original: no longer in its stream (aged out): nothing to redrive');
      return 0;
    }
    ctx.out.line(`  original stored at ${parisTime(detail.original.storedAt)} Paris, headers:`);
    for (const [k, v] of Object.entries(detail.original.headers)) ctx.out.line(`    ${k}: ${v.join(', ')}`);
    ctx.out.line('  payload:');
    for (const line of JSON.stringify(detail.original.data, null, 2).split('\n')) ctx.out.line(`    ${line}`);
    return 0;
  },
};

/** The entries a redrive or purge acts on: listed sequences, a filter, or --all (never none by accident). */
const selectEntries = async (
  ctx: Context,
  values: { all?: boolean; stream?: string; consumer?: string; kind?: string; before?: string },
  positionals: string[],
  usage: string,
) => {
  checkFilter(values, usage);
  const nats = await ctx.connections.nats();
  const filter = readFilter(values, usage, (s) => resolveStream(nats.ns, s, usage).name);
  const hasFilter = Object.keys(filter).length > 0;
  const chosen = [positionals.length > 0, values.all === true, hasFilter].filter(Boolean).length;
  if (chosen === 0) throw new UsageError('say which dead letters: their numbers, a filter, or --all', usage);
  if (chosen > 1)
    throw new UsageError('give dead letter numbers, a filter or --all: only one of them', usage);
  const seqs = positionals.map((p) => parsePositiveInt(p, '<dlqSequence>', usage));
  const entries = await listDeadLetters(nats.jsm, nats.ns, { limit: Number.MAX_SAFE_INTEGER });
  if (seqs.length > 0) {
    const missing = seqs.filter((s) => !entries.some((e) => e.dlqSequence === s || e.records.includes(s)));
    if (missing.length > 0)
      throw new CliError(`no dead letter ${missing.map((m) => `#${m}`).join(', ')} (eq dlq list)`);
    return {
      nats,
      entries: entries.filter((e) => seqs.some((s) => e.dlqSequence === s || e.records.includes(s))),
    };
  }
  return { nats, entries: entries.filter((e) => matches(e, filter)) };
};

const dlqRedrive: Command = {
  path: ['dlq', 'redrive'],
  summary: 'republish dead letters (one, a filter, or all)',
  usage: redriveUsage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        ...FILTER_OPTIONS,
        all: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        json: { type: 'boolean' },
      },
      redriveUsage,
      { min: 0, max: Number.MAX_SAFE_INTEGER },
    );
    if (values.help) {
      ctx.out.line(redriveUsage);
      return 0;
    }
    const { nats, entries } = await selectEntries(ctx, values, positionals, redriveUsage);
    if (entries.length === 0) {
      ctx.out.line('no dead letter matches: nothing to redrive');
      return 0;
    }
    if (!values.json) for (const line of entryRows(entries)) ctx.err.line(line);
    const streams = [...new Set(entries.map((e) => e.stream))].join(', ');
    if (
      !(await confirm(
        ctx,
        `Redrive ${entries.length} dead letter(s) of ${streams} to every consumer of their subjects?`,
        values.yes,
        redriveUsage,
      ))
    ) {
      return 1;
    }
    const results: Array<{ dlqSequence: number; ok: boolean; detail: string }> = [];
    for (const e of entries) {
      if (ctx.io.signal.aborted) break;
      try {
        const r = await redrive(nats.jsm, nats.ns, e.dlqSequence);
        results.push({
          dlqSequence: e.dlqSequence,
          ok: true,
          detail: `${nats.ns.relative(r.subject)} → ${e.stream} #${r.sequence}${r.duplicate ? ' (duplicate: already redriven within the window)' : ''}`,
        });
      } catch (error) {
        results.push({ dlqSequence: e.dlqSequence, ok: false, detail: (error as Error).message });
      }
    }
    if (values.json) ctx.out.line(JSON.stringify(results, null, 2));
    else for (const r of results) ctx.out.line(`${r.ok ? '✓' : '✗'} #${r.dlqSequence} ${r.detail}`);
    const failed = results.filter((r) => !r.ok).length;
    if (!values.json)
      ctx.out.line(
        `${results.length - failed} redriven, ${failed} failed${results.length < entries.length ? `, ${entries.length - results.length} not tried (interrupted)` : ''}`,
      );
    return failed > 0 || results.length < entries.length ? 1 : 0;
  },
};

const dlqPurge: Command = {
  path: ['dlq', 'purge'],
  summary: 'delete dead letters (asks first)',
  usage: purgeUsage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      { ...FILTER_OPTIONS, all: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
      purgeUsage,
      { min: 0, max: Number.MAX_SAFE_INTEGER },
    );
    if (values.help) {
      ctx.out.line(purgeUsage);
      return 0;
    }
    const { nats, entries } = await selectEntries(ctx, values, positionals, purgeUsage);
    if (entries.length === 0) {
      ctx.out.line('no dead letter matches: nothing to purge');
      return 0;
    }
    for (const line of entryRows(entries)) ctx.err.line(line);
    if (
      !(await confirm(
        ctx,
        `Delete ${entries.length} dead letter(s)? They cannot be redriven afterwards.`,
        values.yes,
        purgeUsage,
      ))
    ) {
      return 1;
    }
    const removed = await purgeDeadLetters(nats.jsm, nats.ns, {
      dlqSequences: entries.map((e) => e.dlqSequence),
    });
    ctx.out.line(`${removed} dead letter(s) deleted`);
    return 0;
  },
};

export const dlqCommands: readonly Command[] = [dlqList, dlqShow, dlqRedrive, dlqPurge];
