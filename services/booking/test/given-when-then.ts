import { expect, it } from 'vitest';
import { DomainError } from '../src/domain/errors.ts';

export interface DeciderCase<C, E> {
  readonly name: string;
  readonly given: readonly E[];
  readonly when: C;
  readonly thenEvents?: readonly E[];
  /** DomainError code the command must be refused with. */
  readonly thenThrows?: string;
}

interface PureDecider<C, E, S> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (command: C, state: S) => E[];
}

/** One `it` per row: fold `given`, decide `when`, compare with `thenEvents` or the refusal code. */
export const runDeciderCases = <C, E, S>(
  decider: PureDecider<C, E, S>,
  cases: readonly DeciderCase<C, E>[],
) => {
  for (const c of cases) {
    it(c.name, () => {
      const state = c.given.reduce(decider.evolve, decider.initialState());
      if (c.thenThrows) {
        let thrown: unknown;
        try {
          decider.decide(c.when, state);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(DomainError);
        expect((thrown as DomainError).code).toBe(c.thenThrows);
      } else {
        expect(decider.decide(c.when, state)).toEqual(c.thenEvents);
      }
    });
  }
};
