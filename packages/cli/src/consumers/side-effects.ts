import type { Namespace } from '@express-quote/contracts';

/**
 * Would replaying into this durable consumer send messages to people? The delivery services consume NOTIFY
 * (e-mail, SMS, WhatsApp) and the notifications planner turns domain events into NOTIFY commands. Only the status
 * projection among them has no effect outside its own table.
 */
export const sideEffectsOf = (ns: Namespace, stream: string, durable: string): string | null => {
  if (durable.startsWith('notifications-status-')) return null;
  if (stream === ns.stream('notify')) {
    return `${durable} consumes NOTIFY: it delivers e-mails, SMS or WhatsApp messages to customers, staff and professionals`;
  }
  if (durable.startsWith('notifications-')) {
    return `${durable} is the notifications planner: it publishes NOTIFY commands that the delivery services send`;
  }
  if (/-delivery(-|$)/.test(durable)) return `${durable} is a delivery consumer: it sends messages to people`;
  return null;
};

export const SIDE_EFFECTS_ARE_NO_OPS =
  'If you go ahead, the deterministic ids should make it a no-op: a notification id is uuid v5 of (trigger event, ' +
  'recipient, channel, template), the planner never plans a trigger twice (planned_triggers), and the delivery ' +
  'services never send an id they recorded as SENT. A notification that FAILED will be attempted again.';
