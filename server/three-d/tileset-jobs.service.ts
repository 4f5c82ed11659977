/**
 * Background conversion of uploaded OSGB oblique exports into 3D Tiles tilesets.
 *
 * The upload request does what needs no .osgb to be read (zip, metadata.xml, SRS and origin through
 * PostGIS, tile root files, osgconv installed: `prepareObliqueExport`), stores the zip and queues a
 * job; it answers 202 at once. Jobs run one at a time in this process's queue, each in a child
 * process (`survey-import/oblique/oblique-runner.ts`) that writes the tileset's files into a work
 * folder of its own. The parent then stores them content-addressed and writes the tileset, its
 * entries and the job's `done` in one transaction, so a failed or killed conversion leaves no
 * tileset and no rows behind (the work folder is removed either way). A server that stops marks
 * its unfinished jobs failed at the next start ({@link TilesetJobService.recover}).
 *
 * Progress: reading .osgb files 0–0.7 (files read of the export's .osgb files), writing glb
 * contents 0.7–0.95, storing 0.95–1; each stage has a label in Chinese and English.
 */
import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AssetStore } from '../../assets/storage.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { ZipLimits } from '../../survey-import/three-d/safe-zip.ts';
import type { Placement } from '../../survey-import/three-d/enu.ts';
import type { ObliquePlan } from '../../survey-import/oblique/oblique-tileset.ts';
import type { Lang } from '../../survey-import/oblique/oblique-errors.ts';
import { ObliqueJobError, runObliqueIsolated, type ObliqueRun } from '../../survey-import/oblique/oblique-runner.ts';
import type { JobError, JobRow, ThreeDRepository, TilesetEntryRow } from './three-d.repository.ts';

/** Labels of the stages, zh and en. */
export const JOB_STAGES: Record<string, { zh: string; en: string }> = {
  queued: { zh: '排队等待转换', en: 'Queued for conversion' },
  reading: { zh: '读取 OSGB 文件', en: 'Reading OSGB files' },
  writing: { zh: '生成 3D Tiles 瓦片', en: 'Writing 3D Tiles contents' },
  storing: { zh: '保存瓦片集', en: 'Storing the tileset' },
  done: { zh: '转换完成', en: 'Converted' },
  failed: { zh: '转换失败', en: 'Conversion failed' },
};

/** Message of a job a stop interrupted; `{file}` is the job's file. */
const INTERRUPTED = {
  zh: '{file}：服务器重启，转换被中断，请重新上传',
  en: '{file}: the conversion was interrupted by a server restart; upload it again',
};

/** Longest one conversion may run before its worker is killed (ms). */
const JOB_TIMEOUT_MS = 60 * 60 * 1000;

/** What the upload hands to a job (kept in `tileset_jobs.options`). */
export interface JobOptions {
  name: string;
  parkId: number | null;
  carrierId: number | null;
  /** Staff's placement (instead of metadata.xml's), or null. */
  placement: Placement | null;
  lang: Lang;
  plan: ObliquePlan;
}

/** A job as the API shows it. */
export interface JobView {
  id: number;
  kind: 'oblique';
  file_name: string;
  name: string;
  state: JobRow['state'];
  stage: string;
  stage_label: { zh: string; en: string };
  progress: number;
  /** The failure, in the request's language (`message`) and both (`zh`, `en`), naming the file. */
  error: (JobError & { message: string }) | null;
  warnings: string[];
  tileset_id: number | null;
  tileset_url: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Queue and runner of OSGB conversions. */
export class TilesetJobService {
  private readonly queue: number[] = [];
  private running: { id: number; run: ObliqueRun | null } | null = null;
  private idle: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly repo: ThreeDRepository,
    private readonly store: AssetStore,
    /** Folder for the workers' output (one sub-folder per job, removed when it ends). */
    private readonly workDir: string,
    private readonly zipLimits: ZipLimits,
  ) {}

  /** Stores the job's row and queues it. */
  async create(file: { name: string; sha256: string; size: number }, options: JobOptions, createdBy: number | null): Promise<JobRow> {
    const id = await this.repo.insertJob({ fileName: file.name, sourceSha256: file.sha256, sourceBytes: file.size, options: options as unknown as Record<string, unknown>, createdBy });
    this.enqueue(id);
    return (await this.repo.getJob(id))!;
  }

  /** A job for the API, in `lang`. */
  async get(id: number, lang: Lang): Promise<JobView> {
    const row = await this.repo.getJob(id);
    if (!row) throw new NotFoundError('conversion job', id);
    return jobView(row, lang);
  }

  /** The newest jobs (unfinished first). */
  async list(lang: Lang, limit = 20): Promise<JobView[]> {
    return (await this.repo.listJobs(limit)).map((r) => jobView(r, lang));
  }

  /** Marks the jobs a stop left unfinished failed and removes their work folders; how many. */
  async recover(): Promise<number> {
    const ids = await this.repo.failInterrupted(INTERRUPTED.zh, INTERRUPTED.en);
    await rm(this.workDir, { recursive: true, force: true });
    return ids.length;
  }

  /** Resolves when every queued job has ended (tests, shutdown). */
  async drained(): Promise<void> {
    while (this.running || this.queue.length) await this.idle;
  }

  /** Kills the running conversion (its job fails) and stops taking jobs. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.running?.run?.kill();
    await this.idle;
  }

  private enqueue(id: number): void {
    if (this.stopped) return;
    this.queue.push(id);
    if (!this.running) this.idle = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.queue.length && !this.stopped) {
      const id = this.queue.shift()!;
      this.running = { id, run: null };
      try {
        // A database error outside the job's own handling leaves it running: the next start fails it.
        await this.runJob(id).catch(() => undefined);
      } finally {
        this.running = null;
      }
    }
  }

  private async runJob(id: number): Promise<void> {
    if (!(await this.repo.claimJob(id).catch(() => false))) return;
    const row = await this.repo.getJob(id);
    if (!row) return;
    const opts = row.options as unknown as JobOptions;
    const outDir = path.join(this.workDir, String(id));
    let lastWrite = 0;
    const report = (stage: string, progress: number, force = false) => {
      const now = Date.now();
      if (!force && now - lastWrite < 500) return;
      lastWrite = now;
      void this.repo.setJobProgress(id, stage, progress).catch(() => undefined);
    };
    let timer: NodeJS.Timeout | null = null;
    try {
      const zipPath = this.store.pathFor({ sha256: row.source_sha256, ext: 'zip' });
      const run = runObliqueIsolated({ zipPath, fileName: row.file_name, plan: opts.plan, lang: opts.lang, outDir, zipLimits: this.zipLimits }, (stage, done, total) => {
        const f = total > 0 ? Math.min(1, done / total) : 0;
        report(stage, stage === 'reading' ? 0.7 * f : 0.7 + 0.25 * f);
      });
      this.running!.run = run;
      timer = setTimeout(() => run.kill(), JOB_TIMEOUT_MS);
      const result = await run.result;
      clearTimeout(timer);
      report('storing', 0.95, true);
      const entries: TilesetEntryRow[] = [];
      for (const e of result.entries) {
        const put = await this.store.put(createReadStream(e.file), { ext: e.ext });
        if (e.gzipFile) await this.store.putDerived(put.sha256, 'gz', new Uint8Array(await readFile(e.gzipFile)), { ext: 'gz' });
        entries.push({ path: e.path, sha256: put.sha256, ext: e.ext, size: e.size, gzip_size: e.gzipFile ? e.gzipSize : null });
      }
      const warnings = [...result.warnings];
      if (opts.placement) warnings.push('placed where given (lon/lat/height/heading) instead of by metadata.xml');
      // The work folder goes before the job's end is visible, so whoever sees the end sees no folder.
      await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
      await this.repo.finishJob(id, {
        name: opts.name, parkId: opts.parkId, carrierId: opts.carrierId, origin: 'upload', sourceSha256: row.source_sha256,
        version: result.version, georeferenced: false, placement: opts.placement ?? result.placement,
        center: opts.placement ? [opts.placement.lon, opts.placement.lat] : result.center, tileCount: result.tiles,
        entries, derivedEntries: [], reviewState: 'draft', createdBy: row.created_by,
      }, warnings);
    } catch (err) {
      if (timer) clearTimeout(timer);
      const e: JobError = err instanceof ObliqueJobError
        ? { zh: err.zh, en: err.en, reason: err.reason, file: err.file }
        : { zh: `${row.file_name}：转换失败：${(err as Error).message}`, en: `${row.file_name}: conversion failed: ${(err as Error).message}`, reason: null, file: row.file_name };
      await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
      await this.repo.failJob(id, e).catch(() => undefined);
    } finally {
      await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** The API's view of a job row. */
function jobView(r: JobRow, lang: Lang): JobView {
  const o = r.options as Partial<JobOptions>;
  return {
    id: r.id, kind: r.kind, file_name: r.file_name, name: o.name ?? r.file_name, state: r.state, stage: r.stage,
    stage_label: JOB_STAGES[r.stage] ?? { zh: r.stage, en: r.stage }, progress: r.state === 'done' ? 1 : r.progress,
    error: r.error ? { ...r.error, message: lang === 'en' ? r.error.en : r.error.zh } : null,
    warnings: r.warnings, tileset_id: r.tileset_id, tileset_url: r.tileset_id ? `/3dtiles/${r.tileset_id}/tileset.json` : null,
    created_at: r.created_at, finished_at: r.finished_at,
  };
}
