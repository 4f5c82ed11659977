/**
 * Photos and panoramas through the pipeline: read metadata (EXIF/XMP), keep photos without GPS
 * (warning "no location", never dropped), stage one row per photo with its footprint, and after
 * the commit derive thumbnails, previews and panorama-viewer images into the asset store.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { AssetStore } from '../../assets/storage.ts';
import { readPhotos } from '../photos/photo.reader.ts';
import { makeDerivatives } from '../photos/thumbnail.ts';
import type { InputFile, ItemIssue } from '../types.ts';
import type { StageRow } from './import.repository.ts';

/** Photo staging and derivation. */
export class PhotoIngest {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: AssetStore,
  ) {}

  /** Stage photos of one upload; `panoramasOnly` rejects photos that are not 360° panoramas. */
  async stage(batchId: number, files: InputFile[], panoramasOnly: boolean): Promise<{ rows: StageRow[]; issues: ItemIssue[] }> {
    const result = await readPhotos(files);
    const rows: StageRow[] = [];
    const byName = new Map(files.map((f) => [f.name, f]));
    let idx = 0;
    for (const p of result.photos) {
      const f = byName.get(p.file)!;
      const sha256 = createHash('sha256').update(f.bytes).digest('hex');
      const issues: ItemIssue[] = [...result.warnings.filter((w) => w.file === p.file)];
      const m = p.meta;
      let status: StageRow['status'] = issues.length ? 'warning' : 'valid';
      if (m.lat === null || m.lon === null) {
        if (!issues.some((i) => /location/i.test(i.message))) {
          issues.push({ file: p.file, index: 0, field: 'GPS', message: 'no location: the photo is kept without a map position' });
        }
        status = 'warning';
      }
      if (panoramasOnly && !p.isPanorama) {
        status = 'rejected';
        issues.push({ file: p.file, index: 0, field: 'projection', value: `${m.width}×${m.height}`, message: 'not a 360° panorama (no GPano equirectangular XMP and not 2:1)' });
      }
      if (!p.footprint && p.footprintReason && m.lat !== null) {
        issues.push({ file: p.file, index: 0, field: 'footprint', message: `no ground footprint: ${p.footprintReason}` });
      }
      rows.push({
        idx: idx++, file: p.file, file_index: 0, location: p.file, kind: p.isPanorama ? 'panorama' : 'photo', status, issues,
        mapped: {
          sha256, is_panorama: p.isPanorama, taken_at: m.capturedAt, make: m.make, model: m.model, width: m.width, height: m.height,
          focal_mm: m.focalLength, altitude_m: m.altitude, rel_altitude_m: m.relativeAltitude, gimbal_yaw: m.gimbal.yaw,
          gimbal_pitch: m.gimbal.pitch, flight_yaw: m.flight.yaw, heading: p.heading, exif: m.raw,
          footprint: p.footprint ?? null, footprint_note: p.footprint ? null : p.footprintReason ?? null,
        },
        raw: {},
        geom: m.lat !== null && m.lon !== null ? { type: 'Point', coordinates: [m.lon, m.lat] } : null,
        srid: 4326,
      });
    }
    for (const e of result.errors) {
      rows.push({ idx: idx++, file: e.file, file_index: e.index, location: e.file, kind: 'photo', status: 'rejected', issues: [e], mapped: {}, raw: {}, geom: null, srid: 4326 });
    }
    return { rows, issues: [] };
  }

  /** Thumbnails, previews and panorama derivatives of a committed batch (re-runnable). */
  async derive(batchId: number): Promise<ItemIssue[]> {
    const { rows } = await this.pool.query<{ sha256: string; file_name: string; is_panorama: boolean }>(
      'SELECT sha256, file_name, is_panorama FROM photos WHERE batch_id = $1', [batchId]);
    const issues: ItemIssue[] = [];
    for (const r of rows) {
      const key = await this.store.find(r.sha256);
      const bytes = key ? await this.store.get(key) : null;
      if (!bytes) continue;
      const d = await makeDerivatives(bytes, r.file_name, { panorama: r.is_panorama });
      for (const [variant, out] of Object.entries(d.outputs)) {
        await this.store.putDerived(r.sha256, variant, out, { ext: 'jpg' });
      }
      issues.push(...d.warnings.map((message: string) => ({ file: r.file_name, index: 0, message })));
    }
    return issues;
  }
}
