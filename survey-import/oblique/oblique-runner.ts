/**
 * Runs one OSGB conversion in a child process (`oblique-worker.mjs`) with a heap limit, reporting
 * progress; like the orthophoto pyramid runner. Returns a handle to kill it (a timeout, a stop).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ObliqueWorkerJob, ObliqueWorkerMessage, ObliqueWorkerResult } from './oblique-worker.ts';

const WORKER_PATH = fileURLToPath(new URL('./oblique-worker.mjs', import.meta.url));

/** A conversion's failure, worded in both languages, naming the file at fault. */
export class ObliqueJobError extends Error {
  constructor(readonly zh: string, readonly en: string, readonly reason: string | null, readonly file: string | null) {
    super(en);
    this.name = 'ObliqueJobError';
  }
}

/** A running conversion. */
export interface ObliqueRun {
  /** Resolves with the manifest; rejects with an {@link ObliqueJobError}. */
  result: Promise<ObliqueWorkerResult>;
  /** Stops the worker (the result then rejects). */
  kill(): void;
}

/** Starts converting `job` in a child process. */
export function runObliqueIsolated(job: ObliqueWorkerJob, progress: (stage: 'reading' | 'writing', done: number, total: number) => void, memoryMb = 2048): ObliqueRun {
  const child = fork(WORKER_PATH, [], {
    execArgv: [`--max-old-space-size=${memoryMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const result = new Promise<ObliqueWorkerResult>((resolve, reject) => {
    let stderr = '';
    let settled = false;
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    child.on('message', (m: ObliqueWorkerMessage) => {
      if (m.type === 'progress') progress(m.stage, m.done, m.total);
      else if (m.type === 'done') {
        settled = true;
        const { type: _t, ...rest } = m;
        resolve(rest);
      } else {
        settled = true;
        reject(new ObliqueJobError(m.zh, m.en, m.reason, m.file));
      }
    });
    const stopped = (why: string) => {
      if (settled) return;
      settled = true;
      const tail = stderr.trim().split('\n').slice(-3).join(' ');
      reject(new ObliqueJobError(`${job.fileName}：转换进程中止（${why}）${tail}`, `${job.fileName}: the conversion process stopped (${why}) ${tail}`.trim(), 'worker_stopped', job.fileName));
    };
    // A send to a worker that already died (EPIPE) is followed by its exit, which says why.
    child.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE' && err.code !== 'ERR_IPC_CHANNEL_CLOSED') stopped(err.message); });
    child.on('exit', (code, signal) => stopped(signal ?? `exit ${code}`));
  });
  child.send(job, (err) => { if (err) child.kill('SIGKILL'); });
  return { result, kill: () => { child.kill('SIGKILL'); } };
}
