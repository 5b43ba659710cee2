import { queueOptionsSymbol, type TaskQueue } from 'piscina';

type Task = Parameters<TaskQueue['push']>[0];

/** What a task carries under piscina's queueOptionsSymbol to be ordered by this queue (0 is the most urgent). */
export interface RenderQueueOptions {
  priority: number;
}

const priorityOf = (task: Task, lanes: number): number => {
  const priority = (task[queueOptionsSymbol] as Partial<RenderQueueOptions> | null)?.priority;
  // A task without a valid priority (a caller's mistake) goes last rather than overtaking the urgent ones.
  return typeof priority === 'number' && Number.isInteger(priority) && priority >= 0 && priority < lanes
    ? priority
    : lanes - 1;
};

/**
 * A piscina task queue with a few fixed priority levels: a free worker always takes the oldest task of the most urgent
 * non-empty level; tasks of the same level stay first in, first out. One FIFO lane per level keeps push/shift O(1)
 * amortised (a handful of levels, no heap needed).
 */
export class PriorityTaskQueue implements TaskQueue {
  readonly #lanes: Task[][];
  #size = 0;

  constructor(levels: number) {
    if (!Number.isInteger(levels) || levels < 1)
      throw new RangeError(`levels must be a positive integer: ${levels}`);
    this.#lanes = Array.from({ length: levels }, () => []);
  }

  get size(): number {
    return this.#size;
  }

  push(task: Task): void {
    this.#lanes[priorityOf(task, this.#lanes.length)]?.push(task);
    this.#size += 1;
  }

  /** Piscina puts back at the head a task it shifted but could not hand to a worker: it keeps its place. */
  unshift(task: Task): void {
    this.#lanes[priorityOf(task, this.#lanes.length)]?.unshift(task);
    this.#size += 1;
  }

  shift(): Task | null {
    for (const lane of this.#lanes) {
      const task = lane.shift();
      if (task !== undefined) {
        this.#size -= 1;
        return task;
      }
    }
    return null;
  }

  /** An aborted task leaves the queue wherever it is. */
  remove(task: Task): void {
    const lane = this.#lanes[priorityOf(task, this.#lanes.length)];
    const index = lane?.indexOf(task) ?? -1;
    if (index === -1) return;
    lane?.splice(index, 1);
    this.#size -= 1;
  }
}
