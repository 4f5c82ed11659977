/**
 * Runs inside an import reader process (see isolated-reader.ts): receives jobs one at a time,
 * reads the uploaded files with the format readers and sends the parts back one at a time,
 * reading the next part only when the parent asks for it, so at most two parts are in flight. Every failure
 * is sent as `{ type: 'error', code, message, details }`; the parent turns it back into an AppError.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../core/errors.ts';
import { readFileChunks } from '../readers/index.ts';
import type { SourceCrs } from '../types.ts';

/** What the parent hands the worker: files by stored path (or bytes), reader options. */
export interface ReadJob {
  files: { name: string; path?: string; bytes?: Uint8Array }[];
  opts: { crs?: SourceCrs; encoding?: string };
  chunkItems: number;
}

/** Messages the worker posts. */
export type ReadWorkerMessage =
  | { type: 'chunk'; chunk: unknown }
  | { type: 'done' }
  | { type: 'error'; code: string; message: string; details?: Record<string, unknown> };

/** Messages the parent sends: the job first, then `'next'` for every further part. */
export type ReadParentMessage = { type: 'job'; job: ReadJob } | 'next';

let credit = 1;
let wake: (() => void) | null = null;
const send = (m: ReadWorkerMessage) => new Promise<void>((resolve, reject) => process.send!(m, undefined, undefined, (err) => (err ? reject(err) : resolve())));

async function run(job: ReadJob): Promise<void> {
  const files = [];
  for (const f of job.files) files.push({ name: f.name, bytes: f.bytes ?? new Uint8Array(await readFile(f.path!)) });
  for await (const chunk of readFileChunks(files, job.opts, job.chunkItems)) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    await send({ type: 'chunk', chunk });
  }
  await send({ type: 'done' });
}

/** Runs one job; the process then waits for the next (the parent reuses it). */
function start(job: ReadJob): void {
  credit = 1;
  run(job).catch(async (err: unknown) => {
    const names = job.files.map((f) => f.name).join(', ');
    const msg: ReadWorkerMessage = err instanceof AppError
      ? { type: 'error', code: err.code, message: err.message, details: err.details }
      // A reader that throws something else was fed a file it could not cope with (deep
      // nesting, a malformed structure): the file is at fault, and the message says which.
      : { type: 'error', code: 'bad_request', message: `${names}: could not be read (${(err as Error)?.message ?? String(err)})` };
    await send(msg).catch(() => undefined);
  });
}

process.on('message', (m: ReadParentMessage) => {
  if (m === 'next') {
    credit++;
    wake?.();
  } else if (m.type === 'job') {
    start(m.job);
  }
});
// The server went away: so does its reader.
process.on('disconnect', () => process.exit(0));
