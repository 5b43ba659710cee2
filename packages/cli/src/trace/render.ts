import { summarizeEvent } from '../format/event-summary.ts';
import { table } from '../format/table.ts';
import { parisTime, relativeTime } from '../format/time.ts';
import type { Output } from '../io.ts';
import type { Hop, Trace } from './model.ts';

const where = (hop: Hop) => (hop.stream ? `${hop.stream} #${hop.seq}` : `(store ${hop.store?.schema})`);

const marks = (hop: Hop): string => {
  const m: string[] = [];
  if (hop.store) m.push(`store ${hop.store.schema} ${hop.store.streamId} v${hop.store.version}`);
  if (hop.store && !hop.stream) m.push('NOT PUBLISHED');
  if (hop.sequences.length > 1) m.push(`×${hop.sequences.length}`);
  for (const d of hop.deadLetters) m.push(`DLQ #${d.dlqSequence}`);
  if (hop.invalid) m.push('INVALID');
  return m.length ? `  [${m.join(', ')}]` : '';
};

export const renderTrace = (trace: Trace, out: Output): void => {
  const { subject } = trace;
  out.line(
    `Trace of ${subject.query}${subject.reference && subject.reference !== subject.query ? ` (${subject.reference})` : ''}` +
      `${subject.bookingId && subject.bookingId !== subject.query ? `, booking ${subject.bookingId}` : ''}`,
  );
  for (const r of subject.resolution) out.line(`  ${r}`);
  if (subject.correlationIds.length > 0) out.line(`  correlation: ${subject.correlationIds.join(', ')}`);
  const t0 = trace.hops[0] ? new Date(trace.hops[0].recordedAt).getTime() : null;
  if (t0 !== null) out.line(`  t0 = ${parisTime(new Date(t0))} (Paris)`);
  out.line();
  out.line(`Hops (${trace.hops.length})`);
  const rows = trace.hops.map((h) => [
    relativeTime(new Date(h.recordedAt).getTime() - (t0 ?? 0)),
    where(h),
    h.type,
    summarizeEvent(h.type, h.data) + marks(h),
  ]);
  for (const line of table(rows, { indent: '  ' })) out.line(line);
  if (trace.hops.length === 0) out.line('  (none)');

  out.line();
  out.line(`Notifications (${trace.notifications.length})`);
  const nrows = trace.notifications.map((n) => [
    n.recipientKind ?? '?',
    n.channel ?? '?',
    n.template ?? '?',
    n.status,
    `${n.attempts} attempt${n.attempts === 1 ? '' : 's'}`,
    [
      n.waiting
        ? `waiting for ${n.waiting.audience ?? 'documents'} until ${parisTime(n.waiting.releaseAt)}`
        : '',
      n.lastError ? `last error: ${n.lastError}` : '',
      n.source === 'streams' ? '(from streams)' : '',
      n.notificationId,
    ]
      .filter(Boolean)
      .join('  '),
  ]);
  for (const line of table(nrows, { indent: '  ' })) out.line(line);
  if (trace.notifications.length === 0) out.line('  (none)');

  const missing = trace.findings.filter((f) => f.level !== 'note');
  const notes = trace.findings.filter((f) => f.level === 'note');
  out.line();
  if (missing.length === 0)
    out.line('Nothing missing: every expected hop is there and every notification was sent.');
  else {
    out.line(`Missing or wrong (${missing.length})`);
    for (const f of missing) out.line(`  ✗ ${f.message}`);
  }
  if (notes.length > 0) {
    out.line();
    out.line('Notes');
    for (const f of notes) out.line(`  • ${f.message}`);
  }
  if (trace.warnings.length > 0) {
    out.line();
    out.line('Not read (the trace may be partial)');
    for (const w of trace.warnings) out.line(`  ! ${w}`);
  }
  out.line();
  out.line(
    `Scanned: ${trace.scanned.map((s) => `${s.stream} ${s.messages} msg${s.from !== null ? ` (#${s.from}-#${s.to})` : ''}`).join(', ')}`,
  );
};
