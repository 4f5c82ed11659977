/**
 * bench:select's query-plan report: `EXPLAIN (ANALYZE, BUFFERS)` of the statements the server runs
 * for each of the bench's 20 briefs, on the data bench:select loaded (run that first).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/select-explain.ts [--embedded] [--brief=N] [--plans]
 *
 * Prints per brief the execution time of each statement; `--plans` prints the plans too. The
 * statements are captured from the server's own repository (SelectionRepository), so the report
 * explains exactly what a request runs. Not part of CI.
 */
import fs from 'node:fs';
import pg from 'pg';
import { socketInfoPath } from '../core/db/embedded.ts';
import { parseBrief } from '../server/selection/brief.ts';
import { SelectionRepository } from '../server/selection/selection.repository.ts';
import { briefs } from './select-briefs.ts';

const EMBEDDED = process.argv.includes('--embedded');
const PLANS = process.argv.includes('--plans');
const ONLY = process.argv.find((a) => a.startsWith('--brief='))?.slice(8);
const SCHEMA = EMBEDDED ? 'app' : 'bench_select';
const url = EMBEDDED ? JSON.parse(fs.readFileSync(socketInfoPath('/tmp/bench-select-embedded'), 'utf8')).url : process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL (or --embedded with the bench server running)');

const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);

/** A pool that records the statements it is given and answers them with an empty result. */
function recorder(seen: { text: string; values: unknown[] }[]): pg.Pool {
  const query = async (q: string | pg.QueryConfig, values?: unknown[]) => {
    const text = typeof q === 'string' ? q : q.text;
    const vals = (typeof q === 'string' ? values : q.values) ?? [];
    if (/pg_jit_available/.test(text)) return { rows: [{ jit: false }] };
    if (/^(BEGIN|COMMIT|ROLLBACK)/.test(text)) return { rows: [] };
    seen.push({ text, values: vals });
    return { rows: [] };
  };
  return { query, connect: async () => ({ query, release() {} }) } as unknown as pg.Pool;
}

async function main() {
  const client = await pool.connect();
  try {
    if (!EMBEDDED) await client.query('SET jit = off');
    const all = briefs();
    for (let i = 0; i < all.length; i++) {
      if (ONLY && Number(ONLY) !== i + 1) continue;
      const seen: { text: string; values: unknown[] }[] = [];
      const repo = new SelectionRepository(recorder(seen));
      await repo.rankPage(parseBrief(all[i]));
      for (const s of seen) {
        const t0 = performance.now();
        const { rows } = await client.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, values: s.values });
        const wall = performance.now() - t0;
        const lines = rows.map((r) => r['QUERY PLAN'] as string);
        const exec = lines.find((l) => l.startsWith('Execution Time'));
        const plan = lines.find((l) => l.startsWith('Planning Time'));
        console.log(`brief ${i + 1}: ${exec} · ${plan} · wall ${wall.toFixed(1)} ms`);
        if (PLANS) console.log(lines.join('\n'));
      }
    }
  } finally {
    client.release();
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
