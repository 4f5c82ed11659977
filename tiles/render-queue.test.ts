import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { RenderQueue } from './render-queue.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('RenderQueue', () => {
  it('runs at most `limit` tasks at once and the rest in arrival order', async () => {
    const q = new RenderQueue(2, 10);
    const started: number[] = [];
    const release: (() => void)[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => q.run(() => new Promise<number>((resolve) => {
      started.push(i);
      release[i] = () => resolve(i);
    })));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(q.stats).toEqual({ running: 2, queued: 3 });
    release[1]();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    release[0]();
    release[2]();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    release[3]();
    release[4]();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4]);
    expect(q.stats).toEqual({ running: 0, queued: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const q = new RenderQueue(1, 1);
    await expect(q.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await q.run(async () => 7)).toBe(7);
    expect(q.stats).toEqual({ running: 0, queued: 0 });
  });

  it('refuses with 503 once the queue is full, naming the load', async () => {
    const q = new RenderQueue(1, 1);
    let open!: () => void;
    const first = q.run(() => new Promise<void>((r) => { open = r; }));
    const second = q.run(async () => 'second');
    const third = q.run(async () => 'third');
    await expect(third).rejects.toBeInstanceOf(AppError);
    await expect(third).rejects.toMatchObject({ status: 503, message: expect.stringContaining('1 rendering, 1 waiting') });
    open();
    await first;
    expect(await second).toBe('second');
  });
});
