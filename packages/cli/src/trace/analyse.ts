import {
  deriveStatus,
  emptyFacts,
  isStatusEventType,
  mergeFact,
  type NotificationFacts,
  type StatusEvent,
} from '@express-quote/read-models';
import type { StatusRow } from './collect.ts';
import type { Finding, Hop, OutboxRow, TraceNotification } from './model.ts';

const CHANNEL_LABEL: Record<string, string> = { email: 'e-mail', sms: 'SMS', whatsapp: 'WhatsApp' };

/** `customer e-mail (booking-confirmation)`. */
export const describeNotification = (
  n: Pick<TraceNotification, 'recipientKind' | 'channel' | 'template'>,
): string =>
  `${n.recipientKind ?? 'recipient'} ${CHANNEL_LABEL[n.channel ?? ''] ?? n.channel ?? 'message'} (${n.template ?? 'unknown template'})`;

const toStatusEvent = (hop: Hop): StatusEvent | null => {
  if (!hop.eventId || hop.invalid || !isStatusEventType(hop.type)) return null;
  return {
    id: hop.eventId,
    type: hop.type,
    version: 1,
    occurredAt: hop.occurredAt ?? hop.recordedAt,
    causationId: hop.causationId ?? '',
    correlationId: hop.correlationId ?? '',
    data: hop.data,
  } as StatusEvent;
};

/**
 * Every notification of the trace with its status: the service's projection row when there is one (what support
 * sees in the API), else folded here from the NOTIFY and NOTIFICATIONS messages; planned messages still held in
 * the planner's outbox appear as WAITING_DOCUMENTS.
 */
export const traceNotifications = (
  hops: Hop[],
  statusRows: StatusRow[],
  outbox: OutboxRow[],
): TraceNotification[] => {
  const facts = new Map<string, NotificationFacts>();
  for (const hop of hops) {
    const event = toStatusEvent(hop);
    if (!event) continue;
    const id = event.data.notificationId;
    facts.set(id, mergeFact(facts.get(id) ?? emptyFacts(id), event));
  }
  const rows = new Map(statusRows.map((r) => [r.notification_id, r]));
  const planned = new Map(outbox.map((o) => [o.notificationId, o]));
  const ids = [...new Set([...outbox.map((o) => o.notificationId), ...facts.keys(), ...rows.keys()])];
  return ids.map((id): TraceNotification => {
    const f = facts.get(id);
    const view = f ? deriveStatus(f) : null;
    const row = rows.get(id);
    const plan = planned.get(id);
    const base = {
      notificationId: id,
      channel: row?.channel ?? view?.channel ?? plan?.channel ?? null,
      template: row?.template ?? view?.template ?? plan?.template ?? null,
      recipientKind: row?.recipient_kind ?? view?.recipientKind ?? plan?.recipientKind ?? null,
      priority: f?.request?.priority ?? null,
      documentsMissing: f?.request?.documentsMissing ?? null,
      requestedAt: view?.requestedAt ?? (row?.requested_at ? new Date(row.requested_at).toISOString() : null),
    };
    if (row) {
      return {
        ...base,
        status: row.status as TraceNotification['status'],
        attempts: row.attempts,
        lastError: row.last_error,
        retriable: row.retriable,
        provider: row.provider,
        source: 'projection',
        waiting: null,
      };
    }
    if (view && view.requestedAt !== null) {
      return {
        ...base,
        status: view.status,
        attempts: view.attempts,
        lastError: view.lastError,
        retriable: view.retriable,
        provider: view.provider,
        source: 'streams',
        waiting: null,
      };
    }
    if (plan) {
      const waiting = plan.status === 'WAITING';
      return {
        ...base,
        status: waiting && plan.awaitsAudience ? 'WAITING_DOCUMENTS' : 'PLANNED',
        attempts: view?.attempts ?? 0,
        lastError: view?.lastError ?? null,
        retriable: view?.retriable ?? null,
        provider: view?.provider ?? null,
        source: 'outbox',
        waiting: waiting ? { audience: plan.awaitsAudience, releaseAt: plan.releaseAt } : null,
      };
    }
    // Status events without their command (outside --since, or the command aged out of NOTIFY).
    return {
      ...base,
      status: view!.status,
      attempts: view!.attempts,
      lastError: view!.lastError,
      retriable: view!.retriable,
      provider: view!.provider,
      source: 'streams',
      waiting: null,
    };
  });
};

const where = (hop: Hop) =>
  hop.stream ? `${hop.stream} #${hop.seq}` : `store ${hop.store?.schema} ${hop.store?.streamId}`;

const notificationFinding = (n: TraceNotification): Finding | null => {
  const what = describeNotification(n);
  switch (n.status) {
    case 'SENT':
    case 'DELIVERED':
      return null;
    case 'WAITING_DOCUMENTS':
      return {
        level: 'missing',
        message: `${what} planned but not sent yet: waiting for the ${n.waiting?.audience ?? ''} documents; sent without them at ${n.waiting?.releaseAt}`,
      };
    case 'PLANNED':
      return {
        level: 'missing',
        message: n.waiting
          ? `${what} planned, release due at ${n.waiting.releaseAt}, never published to NOTIFY: is the notifications service running?`
          : `${what} published by the planner but not found in NOTIFY (outside --since, or aged out of the stream)`,
      };
    case 'PENDING':
      return {
        level: 'missing',
        message: `${what} requested but never SENT: no delivery attempt (no notification.sending). Is ${n.channel}-delivery running? (eq consumers status)`,
      };
    case 'SENDING':
      return {
        level: 'missing',
        message: `${what} requested but never SENT: stuck in SENDING after ${n.attempts} attempt(s)${n.lastError ? `, last error: ${n.lastError}` : ''}`,
      };
    case 'FAILED':
      return {
        level: 'missing',
        message: `${what} requested but never SENT: FAILED after ${n.attempts} attempt(s), last error: ${n.lastError ?? 'none recorded'} (${n.retriable ? 'attempts exhausted: fix the cause, then eq dlq redrive' : 'permanent: the address, number or data is wrong'})`,
      };
    case 'UNDELIVERED':
      return {
        level: 'problem',
        message: `${what} SENT but UNDELIVERED: ${n.lastError ?? 'no reason given by the provider'}`,
      };
    default:
      return null;
  }
};

const dataOf = (hop: Hop | undefined) => (hop?.data ?? {}) as Record<string, unknown>;

/** What is missing or wrong in the booking's flow: the summary that answers "I got nothing". */
export const findFindings = (
  hops: Hop[],
  notifications: TraceNotification[],
  options: { since?: Date } = {},
): Finding[] => {
  const findings: Finding[] = [];
  if (hops.length === 0) {
    return [{ level: 'missing', message: 'nothing found in any stream or event store for this id' }];
  }
  const first = (type: string) => hops.find((h) => h.type === type);
  const all = (type: string) => hops.filter((h) => h.type === type);

  for (const hop of hops) {
    for (const d of hop.deadLetters) {
      findings.push({
        level: 'problem',
        message: `${hop.type} (${where(hop)}) dead-lettered by ${d.consumer}: ${d.reason ?? d.kind} (eq dlq show ${d.dlqSequence})`,
      });
    }
    if (hop.invalid)
      findings.push({ level: 'problem', message: `${where(hop)} is not a valid event: ${hop.invalid}` });
  }

  const unrelayed = hops.filter(
    (h) => h.store && !h.stream && (!options.since || new Date(h.recordedAt) >= options.since),
  );
  if (unrelayed.length > 0) {
    const schemas = [...new Set(unrelayed.map((h) => h.store!.schema))];
    findings.push({
      level: 'missing',
      message: `${unrelayed.length} event(s) stored in the ${schemas.join(', ')} event store but never published (${unrelayed
        .slice(0, 3)
        .map((h) => h.type)
        .join(', ')}${unrelayed.length > 3 ? ', …' : ''}): is the ${schemas[0]} service's relay running?`,
    });
  }

  const payment = first('payment.completed');
  const confirmed = first('booking.confirmed');
  if (payment && !confirmed) {
    const attention = first('booking.payment_needs_attention');
    findings.push(
      attention
        ? {
            level: 'problem',
            message: `the payment could not become a booking: ${String(dataOf(attention).reason)} – ${String(dataOf(attention).detail)} (staff were alerted)`,
          }
        : {
            level: 'missing',
            message: `payment.completed (${where(payment)}) but no booking.confirmed: check the booking service (eq consumers status) and the DLQ`,
          },
    );
  }

  if (confirmed) {
    const docs = all('documents.generated');
    for (const audience of ['customer', 'internal']) {
      if (!docs.some((h) => dataOf(h).audience === audience)) {
        const failed = first('documents.failed');
        findings.push(
          failed
            ? { level: 'problem', message: `documents failed: ${String(dataOf(failed).reason)}` }
            : {
                level: 'missing',
                message: `booking.confirmed but no ${audience} documents (documents.generated audience ${audience})`,
              },
        );
      }
    }
    if (!first('attribution.started') && !first('attribution.needs_staff')) {
      findings.push({
        level: 'missing',
        message: 'booking.confirmed but attribution never started (attribution.started)',
      });
    }
    const customer = (dataOf(confirmed).customer ?? {}) as { phone?: string | null };
    const expected: Array<{ channel: string; template: string }> = [
      { channel: 'email', template: 'booking-confirmation' },
    ];
    if (customer.phone) expected.push({ channel: 'sms', template: 'booking-confirmation-sms' });
    for (const e of expected) {
      if (!notifications.some((n) => n.template === e.template && n.recipientKind === 'customer')) {
        findings.push({
          level: 'missing',
          message: `customer ${CHANNEL_LABEL[e.channel]} (${e.template}) never planned: check the notifications service's consumer notifications-booking-confirmed`,
        });
      }
    }
    if (!notifications.some((n) => n.template === 'professional-document')) {
      findings.push({
        level: 'note',
        message: 'no staff e-mail planned (professional-document): is any staff member eligible and active?',
      });
    }
  }

  const customerFirst = [...notifications].sort(
    (a, b) => Number(b.recipientKind === 'customer') - Number(a.recipientKind === 'customer'),
  );
  for (const n of customerFirst) {
    const f = notificationFinding(n);
    if (f) findings.push(f);
    if (n.documentsMissing) {
      findings.push({
        level: 'note',
        message: `${describeNotification(n)} was sent without its documents (they did not arrive in time)`,
      });
    }
  }

  const copies = hops.filter((h) => h.sequences.length > 1);
  for (const h of copies) {
    findings.push({
      level: 'note',
      message: `${h.type} ${h.eventId} is in ${h.stream} ${h.sequences.length} times (#${h.sequences.join(', #')}): redriven or republished`,
    });
  }
  return findings;
};
