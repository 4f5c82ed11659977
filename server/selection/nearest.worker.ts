/**
 * Background upkeep of `carrier_nearest`, the stored distance from every carrier to the nearest
 * published amenity of every kind (migration 007). Triggers only mark work; this worker applies
 * it in small set-based steps, so neither imports nor edits wait for distances to be measured:
 *
 * 1. amenity changes first (one kind at a time): re-measure that kind for the carriers the changed
 *    positions could affect, then drop the changes (until then selection measures the kind live);
 * 2. carrier id ranges: build the rows of carriers that have none (new, or geometry changed),
 *    `batch` carriers per step, and drop rows of deleted carriers.
 *
 * Results never depend on the worker's progress: selection measures live whatever is not current.
 */
import type { CarrierRange, NearestRepository, NearestStep } from './nearest.repository.ts';

/** Worker options (config: `NEAREST_REFRESH_MS`, `NEAREST_BATCH`). */
export interface NearestWorkerOptions {
  /** Pause (ms) between rounds when there is nothing to do; 0 disables the worker. */
  intervalMs: number;
  /** Carriers measured per step (× 16 KNN probes); keeps each transaction short. */
  batch: number;
  /** Where to report failed rounds. */
  log?: (msg: string) => void;
}

/** Amenity changes applied per step. */
const CHANGES_PER_STEP = 1000;
/** Longest pause (ms) between retries after failed rounds (the database gone for a while). */
const MAX_BACKOFF_MS = 30_000;

/** Keeps `carrier_nearest` current. */
export class NearestWorker {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  /** Failed rounds in a row: the next round waits longer each time (back-off), up to MAX_BACKOFF_MS. */
  private failures = 0;

  constructor(private readonly repo: NearestRepository, private readonly options: NearestWorkerOptions) {}

  /** Queue a look at every carrier (catches anything missed while stopped) and start the rounds. */
  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.round = this.repo.queueAll().then(() => this.drain()).then(() => this.ok(), (err) => this.fail(err)).finally(() => this.schedule());
  }

  /** Stop after the current step. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** Run steps until there is no work left (or the worker is stopped). */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.step())) { /* next step */ }
  }

  /** One step of work; false when there was none. */
  async step(): Promise<boolean> {
    if (await this.applyAmenityChanges()) return true;
    return this.repo.step((s) => this.buildNext(s));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.drain().then(() => this.ok(), (err) => this.fail(err)).finally(() => this.schedule());
    }, this.delay());
    this.timer.unref();
  }

  /** Pause before the next round: the interval, or after failures 0.5 s, 1 s, 2 s … up to MAX_BACKOFF_MS. */
  private delay(): number {
    if (!this.failures) return this.options.intervalMs;
    return Math.min(MAX_BACKOFF_MS, Math.max(this.options.intervalMs, 500 * 2 ** Math.min(this.failures - 1, 15)));
  }

  private ok(): void {
    if (this.failures) (this.options.log ?? console.log)(`nearest amenities: refresh works again after ${this.failures} failed round(s)`);
    this.failures = 0;
  }

  private fail(err: unknown): void {
    this.failures++;
    // Steps are transactions: a round cut short (connection lost) leaves its step rolled back, and
    // the pool makes a new connection for the next one.
    (this.options.log ?? console.error)(
      `nearest amenities: refresh failed, retrying in ${(this.delay() / 1000).toFixed(1)} s: ${err instanceof Error ? err.message : err}`);
  }

  /** Re-measure one kind where its pending changes could matter, then drop those changes; false when none are pending. */
  async applyAmenityChanges(): Promise<boolean> {
    const found = await this.repo.step(async (s) => {
      const changes = await s.amenityChanges(CHANGES_PER_STEP);
      if (!changes.length) return null;
      const kind = changes[0].kind;
      return { kind, ids: changes.map((c) => c.id), carriers: await s.affectedCarriers(kind, changes.map((c) => c.id)) };
    });
    if (!found) return false;
    // One probe per carrier here, so 16 × batch carriers per step costs what a build step costs.
    const size = this.options.batch * 16;
    for (let i = 0; i < found.carriers.length && !this.stopped; i += size) {
      await this.repo.step((s) => s.refreshKind(found.kind, found.carriers.slice(i, i + size)));
    }
    if (this.stopped) return false;
    // Changes made while this ran are new rows here: they stay, for the next round.
    await this.repo.step((s) => s.deleteAmenityChanges(found.ids));
    return true;
  }

  /** Build the next batch of missing rows of the oldest range; finish the range when none is left. */
  private async buildNext(s: NearestStep): Promise<boolean> {
    const range: CarrierRange | null = await s.nextRange();
    if (!range) return false;
    const ids = await s.missingInRange(range.nextId, range.hi, this.options.batch);
    if (!ids.length) {
      await s.finishRange(range);
      return true;
    }
    const locked = await s.lockCarriers(ids);
    await s.buildRows(locked);
    const done = new Set(locked);
    const skipped = ids.filter((id) => !done.has(id));
    // Being written right now: look again later (their own trigger may queue them as well).
    if (skipped.length) await s.queueRange(skipped[0], skipped[skipped.length - 1]);
    await s.advanceRange(range, ids[ids.length - 1] + 1);
    // Nothing could be locked: wait for the next round rather than spin while a writer holds them.
    return locked.length > 0;
  }
}
