/**
 * Pieces the benchmarks share: the server started as a child process (so load generators do not
 * share its CPU) and the amenity points of the shared generator loaded into a schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type pg from 'pg';
import { ROOT_DIR } from '../core/config.ts';
import { benchAmenities } from './bench-data.ts';

/** Start `server/main.ts` with extra environment; resolves with its URL once it is ready. */
export async function startBenchServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx'), ['server/main.ts'], {
    cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready in \d+ ms: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { url, child };
}

/** Insert the shared generator's amenities (published) into the pool's schema. */
export async function insertBenchAmenities(pool: pg.Pool): Promise<void> {
  const am: unknown[] = [];
  for (const f of benchAmenities()) am.push({ code: f.properties!.code, kind: f.properties!.kind, name: f.properties!.name, geom: f.geometry });
  await pool.query(
    `INSERT INTO amenities (code, kind, name, review_state, geom)
     SELECT r.code, r.kind, r.name, 'published', ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)
     FROM jsonb_to_recordset($1::jsonb) AS r(code text, kind text, name text, geom jsonb)`, [JSON.stringify(am)]);
}
