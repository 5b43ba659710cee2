import type { CommandMetadata, Decider, DomainEvent } from '../src/index.ts';

/** A tiny aggregate for the tests: entries move a balance that may not go negative; a closed ledger refuses. */
export type LedgerEvent =
  | DomainEvent<'ledger.entry_recorded', { amountCents: number; note?: string }>
  | DomainEvent<'ledger.closed', { reason: string }>;

export type LedgerCommand =
  | { type: 'record_entry'; data: { amountCents: number }; metadata: CommandMetadata }
  | { type: 'close_ledger'; data: { reason: string }; metadata: CommandMetadata };

export interface LedgerState {
  balanceCents: number;
  entries: number;
  closed: boolean;
}

export class LedgerIsClosed extends Error {
  override readonly name = 'LedgerIsClosed';
}
export class InsufficientBalance extends Error {
  override readonly name = 'InsufficientBalance';
}

export const ledger: Decider<LedgerCommand, LedgerEvent, LedgerState> = {
  initialState: () => ({ balanceCents: 0, entries: 0, closed: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ledger.entry_recorded':
        return {
          ...state,
          balanceCents: state.balanceCents + event.data.amountCents,
          entries: state.entries + 1,
        };
      case 'ledger.closed':
        return { ...state, closed: true };
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'record_entry': {
        if (state.closed) throw new LedgerIsClosed('ledger closed');
        if (command.data.amountCents === 0) return [];
        if (state.balanceCents + command.data.amountCents < 0)
          throw new InsufficientBalance('balance too low');
        return [{ type: 'ledger.entry_recorded', data: { amountCents: command.data.amountCents } }];
      }
      case 'close_ledger':
        return state.closed ? [] : [{ type: 'ledger.closed', data: { reason: command.data.reason } }];
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  },
};

export const meta = (causationId = 'evt_cause', now = '2026-03-01T10:00:00.000Z'): CommandMetadata => ({
  causationId,
  correlationId: 'corr-ledger',
  now,
});

export const record = (amountCents: number, metadata = meta()): LedgerCommand => ({
  type: 'record_entry',
  data: { amountCents },
  metadata,
});

export const close = (reason: string, metadata = meta()): LedgerCommand => ({
  type: 'close_ledger',
  data: { reason },
  metadata,
});

export const recorded = (amountCents: number): LedgerEvent => ({
  type: 'ledger.entry_recorded',
  data: { amountCents },
});
export const closed = (reason: string): LedgerEvent => ({ type: 'ledger.closed', data: { reason } });
