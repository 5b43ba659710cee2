import { queueOptionsSymbol, type TaskQueue } from 'piscina';
import { describe, expect, it } from 'vitest';
import { PriorityTaskQueue } from '../src/rendering/priority-task-queue.ts';
import type { RenderJob } from '../src/rendering/render-job.ts';
import { renderPriorityOf } from '../src/rendering/render-priority.ts';

type Task = Parameters<TaskQueue['push']>[0];
type NamedTask = Task & { name: string };

const task = (name: string, priority?: unknown): NamedTask =>
  ({ name, [queueOptionsSymbol]: priority === undefined ? null : { priority } }) as unknown as NamedTask;

type Operation = ['push' | 'unshift', NamedTask] | ['remove', NamedTask];

const drain = (queue: PriorityTaskQueue): string[] => {
  const names: string[] = [];
  for (let next = queue.shift(); next !== null; next = queue.shift()) names.push((next as NamedTask).name);
  return names;
};

const b1 = task('b1', 0);
const b2 = task('b2', 0);
const p1 = task('p1', 1);
const p2 = task('p2', 1);
const p3 = task('p3', 1);

describe('PriorityTaskQueue', () => {
  it.each<{ name: string; given: Operation[]; expected: string[] }>([
    { name: 'empty', given: [], expected: [] },
    {
      name: 'one level stays FIFO',
      given: [
        ['push', p1],
        ['push', p2],
        ['push', p3],
      ],
      expected: ['p1', 'p2', 'p3'],
    },
    {
      name: 'urgent tasks pushed later go first, each level FIFO',
      given: [
        ['push', p1],
        ['push', p2],
        ['push', b1],
        ['push', p3],
        ['push', b2],
      ],
      expected: ['b1', 'b2', 'p1', 'p2', 'p3'],
    },
    {
      name: 'a task put back at the head keeps the head of its own level only',
      given: [
        ['push', p1],
        ['push', b1],
        ['unshift', p2],
        ['unshift', b2],
      ],
      expected: ['b2', 'b1', 'p2', 'p1'],
    },
    {
      name: 'a removed (aborted) task leaves the queue',
      given: [
        ['push', p1],
        ['push', b1],
        ['push', p2],
        ['remove', p1],
        ['remove', b1],
      ],
      expected: ['p2'],
    },
    {
      name: 'removing a task that is not queued changes nothing',
      given: [
        ['push', p1],
        ['remove', p2],
      ],
      expected: ['p1'],
    },
    {
      name: 'a missing or invalid priority counts as the least urgent',
      given: [
        ['push', task('none')],
        ['push', task('bad', 7)],
        ['push', task('neg', -1)],
        ['push', task('str', '0')],
        ['push', b1],
      ],
      expected: ['b1', 'none', 'bad', 'neg', 'str'],
    },
  ])('$name', ({ given, expected }) => {
    const queue = new PriorityTaskQueue(2);
    for (const [operation, item] of given) queue[operation](item);
    expect(queue.size).toBe(expected.length);
    expect(drain(queue)).toEqual(expected);
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeNull();
  });

  it('refuses a level count that is not a positive integer', () => {
    expect(() => new PriorityTaskQueue(0)).toThrow(RangeError);
    expect(() => new PriorityTaskQueue(1.5)).toThrow(RangeError);
  });
});

describe('renderPriorityOf', () => {
  it.each<[RenderJob['kind'], number]>([
    ['BOOKING_CONFIRMATION', 0],
    ['INVOICE', 0],
    ['CUSTOMER_DETAILS', 0],
    ['MISSION_PROPOSAL', 1],
  ])('%s has priority %i', (kind, priority) => {
    expect(renderPriorityOf({ kind } as RenderJob)).toBe(priority);
  });
});
