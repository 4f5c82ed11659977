/**
 * Reads survey files in a child process with its own heap limit, so a hostile or oversized file
 * can never take the server down: when reading needs more than `memoryMb`, only the reader
 * process dies and the import fails with a 413 naming the files. At most `concurrency` readers
 * run at once (further imports wait), so the memory all imports may use is bounded too.
 *
 * A process, not a worker thread: V8 aborts the whole process when a worker's heap limit is hit
 * inside some builtins (JSON.parse of a big text did, in our test), so only a process isolates.
 *
 * | option        | default | meaning                                                         |
 * |---------------|---------|-----------------------------------------------------------------|
 * | `memoryMb`    | 768     | V8 heap limit of one reader process (IMPORT_MEMORY_MB)          |
 * | `concurrency` | 2       | reader processes at once (IMPORT_CONCURRENCY)                   |
 * | `chunkItems`  | 5000    | features per GeoJSONSeq part                                    |
 *
 * Zip bombs never get that far: readers/zip.ts checks sizes and ratios before inflating, and
 * readers/limits.ts bounds attributes and vertices per feature.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppError, type ErrorCode } from '../../core/errors.ts';
import type { ReadChunk } from '../readers/index.ts';
import type { InputFile, SourceCrs } from '../types.ts';
import type { ReadJob, ReadParentMessage, ReadWorkerMessage } from './read-worker.ts';

/** Options of {@link isolatedReader}; see the table above. */
export interface IsolationOptions {
  memoryMb?: number;
  concurrency?: number;
  chunkItems?: number;
}

/** A file to read: its bytes, and where the asset store keeps it (read there by the worker). */
export type StoredInputFile = InputFile & { path?: string };

const WORKER_PATH = fileURLToPath(new URL('./read-worker.mjs', import.meta.url));

/** Jobs a reader process runs before it is replaced (keeps any slow leak bounded). */
const JOBS_PER_PROCESS = 100;
/** An idle reader process exits after this long (ms). */
const IDLE_MS = 5 * 60_000;

interface Reader {
  child: ChildProcess;
  jobs: number;
  stderr: string;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A FileReader (import.service.ts) that reads in a child process with a heap limit. Processes
 * are reused from job to job (starting one costs seconds of CPU); one that dies takes only its
 * own import with it. Errors come back as the AppErrors the readers threw (400/413 naming file,
 * entry, feature).
 */
export function isolatedReader(options: IsolationOptions = {}) {
  const memoryMb = options.memoryMb ?? 768;
  const chunkItems = options.chunkItems ?? 5000;
  let free = options.concurrency ?? 2;
  const waiting: (() => void)[] = [];
  const idle: Reader[] = [];

  const spawnReader = (): Reader => {
    const child = fork(WORKER_PATH, [], {
      // Only the heap limit: flags of the parent (inspector, test runners) stay out.
      execArgv: [`--max-old-space-size=${memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const reader: Reader = { child, jobs: 0, stderr: '' };
    child.stderr!.on('data', (d: Buffer) => {
      reader.stderr = (reader.stderr + d.toString()).slice(-4096);
    });
    child.on('error', () => undefined);
    return reader;
  };
  const alive = (r: Reader) => r.child.connected && r.child.exitCode === null && r.child.signalCode === null;
  const take = async (): Promise<Reader> => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    for (let r = idle.pop(); r; r = idle.pop()) {
      clearTimeout(r.idleTimer);
      if (alive(r)) {
        r.child.ref();
        (r.child.channel as { ref?: () => void } | undefined)?.ref?.();
        (r.child.stderr as unknown as { ref?: () => void } | null)?.ref?.();
        return r;
      }
    }
    return spawnReader();
  };
  const give = (r: Reader | null) => {
    if (r && alive(r) && r.jobs < JOBS_PER_PROCESS) {
      // An idle reader never keeps the server (or a CLI run) alive.
      r.child.unref();
      (r.child.channel as { unref?: () => void } | undefined)?.unref?.();
      (r.child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      r.idleTimer = setTimeout(() => {
        const i = idle.indexOf(r);
        if (i >= 0) idle.splice(i, 1);
        r.child.kill('SIGKILL');
      }, IDLE_MS);
      r.idleTimer.unref();
      idle.push(r);
    } else if (r) {
      r.child.kill('SIGKILL');
    }
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  return async function* readIsolated(files: StoredInputFile[], opts: { crs?: SourceCrs; encoding?: string }): AsyncGenerator<ReadChunk> {
    const names = files.map((f) => f.name).join(', ');
    const job: ReadJob = {
      // Stored files are read from disk by the reader; the rest travel as a copy of their bytes.
      files: files.map((f) => (f.path ? { name: f.name, path: f.path } : { name: f.name, bytes: f.bytes })),
      opts: { crs: opts.crs, encoding: opts.encoding },
      chunkItems,
    };
    const reader = await take();
    reader.jobs++;
    reader.stderr = '';
    const { child } = reader;
    const inbox: ReadWorkerMessage[] = [];
    let failure: Error | null = null;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const onMessage = (m: ReadWorkerMessage) => {
      inbox.push(m);
      poke();
    };
    const onError = (err: Error) => {
      failure = err;
      poke();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      exit = { code, signal };
      poke();
    };
    child.on('message', onMessage);
    child.on('error', onError);
    child.on('exit', onExit);
    const send = (m: ReadParentMessage) => {
      if (child.connected) child.send(m, (err) => err && undefined);
    };
    // Reusable afterwards only when the job ran to its end (done, or an error the reader sent).
    let finished = false;
    send({ type: 'job', job });
    try {
      for (;;) {
        while (!inbox.length && !failure && !exit) await new Promise<void>((resolve) => (wake = resolve));
        const m = inbox.shift();
        if (m?.type === 'chunk') {
          // Ask for the next part now: it is read while this one is staged.
          send('next');
          yield m.chunk as ReadChunk;
        } else if (m?.type === 'done') {
          finished = true;
          return;
        } else if (m?.type === 'error') {
          finished = true;
          throw new AppError(m.code as ErrorCode, m.message, m.details);
        } else {
          // Exit first: the stderr of a process killed by its heap limit is complete by then.
          if (!exit) await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
          throw readerFailure(names, memoryMb, failure, exit, reader.stderr);
        }
      }
    } finally {
      child.off('message', onMessage);
      child.off('error', onError);
      child.off('exit', onExit);
      give(finished ? reader : (child.kill('SIGKILL'), null));
    }
  };
}

function readerFailure(
  names: string, memoryMb: number, failure: Error | null,
  exit: { code: number | null; signal: NodeJS.Signals | null } | null, stderr: string,
): AppError {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return new AppError('payload_too_large',
      `${names}: reading needs more memory than one import may use (${memoryMb} MB, IMPORT_MEMORY_MB); split the upload into smaller files`,
      { files: names, limitMb: memoryMb });
  }
  if (/Maximum call stack size exceeded/.test(stderr)) return new AppError('bad_request', `${names}: could not be read (nested too deeply)`);
  const how = failure ? failure.message : exit?.signal ? `signal ${exit.signal}` : `exit code ${exit?.code}`;
  return new AppError('internal', `${names}: the import reader stopped unexpectedly (${how})`);
}
