/**
 * Runs {@link renderPyramid} in a child process (`pyramid-worker.mjs`) with a heap limit, reporting
 * progress. One process per orthophoto; it exits when done.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PyramidJob, PyramidResult, Progress } from './pyramid.ts';
import type { PyramidWorkerMessage } from './pyramid-worker.ts';

const WORKER_PATH = fileURLToPath(new URL('./pyramid-worker.mjs', import.meta.url));

/**
 * Renders `job` in a child process; rejects with the worker's message (or its exit) on failure.
 * `memoryMb` caps the child's JavaScript heap; the result carries its peak resident memory.
 */
export function renderPyramidIsolated(job: PyramidJob, progress: Progress, memoryMb = 1024): Promise<PyramidResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER_PATH, [], {
      execArgv: [`--max-old-space-size=${memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    child.on('message', (m: PyramidWorkerMessage) => {
      if (m.type === 'progress') progress(m.done, m.total);
      else if (m.type === 'done') { settled = true; resolve({ tiles: m.tiles, bytes: m.bytes, peakRssMb: m.peakRssMb }); }
      else { settled = true; reject(new Error(m.message)); }
    });
    child.on('error', (err) => { if (!settled) { settled = true; reject(err); } });
    child.on('exit', (code, signal) => {
      if (!settled) { settled = true; reject(new Error(`the tile renderer stopped (${signal ?? `exit ${code}`}) ${stderr.trim().split('\n').slice(-3).join(' ')}`.trim())); }
    });
    child.send(job);
  });
}
