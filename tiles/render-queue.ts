/**
 * A counting semaphore with a bounded FIFO queue: at most `limit` tasks run at once, up to
 * `maxQueued` more wait their turn, and beyond that `run` rejects at once instead of letting a
 * backlog grow. Tiles use it so a burst of uncached tiles never takes every database connection.
 */
import { AppError } from '../core/errors.ts';

/** Bounds how many tile renders run at once. */
export class RenderQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    /** Tasks run at once. */
    readonly limit: number,
    /** Tasks that may wait; one more is refused with a 503. */
    readonly maxQueued: number,
  ) {
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** Tasks running now and waiting now. */
  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /** Run `task` when a slot is free; rejects with 503 `unavailable` when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxQueued) {
        throw new AppError('unavailable', `the tile renderer is busy (${this.running} rendering, ${this.waiting.length} waiting); try again shortly`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next task: `running` stays the same
      else this.running--;
    }
  }
}
