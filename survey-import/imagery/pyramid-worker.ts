/**
 * Child process that renders one orthophoto pyramid (`pyramid.ts`), so the CPU-heavy resampling
 * never blocks the server's event loop and a failure takes only this process down.
 * Protocol (advanced IPC serialization): parent sends one {@link PyramidJob}; the child answers
 * `progress` messages, then `done` or `error`, and exits.
 */
import { renderPyramid, type PyramidJob } from './pyramid.ts';

/** Messages the worker sends. */
export type PyramidWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; tiles: number; bytes: number; peakRssMb: number }
  | { type: 'error'; message: string };

const send = (m: PyramidWorkerMessage) => new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));

process.once('message', async (job: PyramidJob) => {
  try {
    let last = 0;
    const out = await renderPyramid(job, (done, total) => {
      const now = Date.now();
      if (now - last > 300 || done === total) {
        last = now;
        void send({ type: 'progress', done, total });
      }
    });
    await send({ type: 'done', ...out, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
  } catch (err) {
    await send({ type: 'error', message: (err as Error).message });
  }
  process.exit(0);
});
