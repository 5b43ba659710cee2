import assert from 'node:assert/strict';
import { type Decider, type DomainEvent, foldEvents } from './decider.ts';

// biome-ignore lint/suspicious/noExplicitAny: any error class
type ErrorClass = new (...args: any[]) => Error;

/**
 * given(past events).when(command).thenEmits(expected events) for pure decider tests, as in Emmett (not
 * `.then`: an object with a `then` method is a thenable and `await` would call it). Uses node:assert, so it
 * works under any test runner and needs no database.
 */
export const deciderSpec = <Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) => ({
  given: (events: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, foldEvents(decider, events));
      return {
        thenEmits: (expected: Event[]): void => assert.deepStrictEqual(run(), expected),
        thenNothing: (): void => assert.deepStrictEqual(run(), []),
        thenThrows: (expected: ErrorClass | RegExp): void => assert.throws(run, expected),
      };
    },
  }),
});
