import pg from 'pg';
import fs from 'node:fs';
import { parseBrief } from '../server/selection/brief.ts';
import { compileBrief } from '../server/selection/selection.query.ts';
const which = process.argv.slice(2).map(Number);
const briefs = JSON.parse(fs.readFileSync('/tmp/selperf/briefs.json', 'utf8'));
const sqlText = fs.readFileSync(process.env.SQLFILE ?? 'server/selection/selection.sql', 'utf8');
const q = sqlText.split('-- name: selectCandidates')[1].split('-- name:')[0];
const pool = new pg.Pool({ connectionString: 'postgres://root@127.0.0.1:5432/test', max: 1 });
const c = await pool.connect();
await c.query('SET search_path TO bench_select, public');
for (const i of which) {
  const { values } = compileBrief(parseBrief(briefs[i - 1]));
  for (let k = 0; k < 2; k++) await c.query(q, values);
  const t = performance.now();
  const r = await c.query(q, values);
  console.log(`brief ${i}: ${r.rowCount} rows ${(performance.now() - t).toFixed(1)} ms`);
  if (process.env.EXPLAIN) {
    const e = await c.query('EXPLAIN (ANALYZE, BUFFERS) ' + q, values);
    console.log(e.rows.map((x) => x['QUERY PLAN']).join('\n'));
  }
}
c.release(); await pool.end();
