/**
 * A little history for the statistics tests, on top of the demo data and its generated 24-month past
 * (server/demo/demo-history.ts), once per database: carriers without history created in 2025-09; six
 * published land parcels of 渠县 (511725) reserved until July 2026, available from then, occupied now; one factory deleted now; one parcel imported in October 2026;
 * one published in September 2026 (a draft before); one reshaped in August; photos (published and
 * draft) and status dates for freshness; enquiries in October and November with their events.
 * Past entries are written into feature_history as the trigger would have written them.
 */
import type pg from 'pg';

/** The period the tests ask for. */
export const STATS_PERIOD = { from: '2026-01-01', to: '2026-12-31' } as const;

export async function seedStatsHistory(pool: pg.Pool): Promise<void> {
  const done = await pool.query(`SELECT 1 FROM feature_history WHERE actor_name = 'stats-seed' LIMIT 1`);
  if (done.rowCount) return;
  // Carriers without a creation entry (the demo's generated past has one for every carrier it made) date from 2025-09.
  await pool.query(`UPDATE carriers c SET created_at = '2025-09-10T08:00:00Z'
                    WHERE NOT EXISTS (SELECT 1 FROM feature_history h WHERE h.feature_id = c.id::text AND h.layer IN ('land', 'factories', 'offices'))`);
  const land = (await pool.query(`SELECT id::int FROM carriers WHERE kind = 'land' AND county_adcode = '511725' AND review_state = 'published' ORDER BY id LIMIT 9`)).rows.map((r) => r.id);
  const six = land.slice(0, 6);
  await pool.query(`UPDATE carriers SET status = 'available' WHERE id = ANY ($1)`, [six]);
  await pool.query(`UPDATE carriers SET status = 'occupied', status_date = '2026-11-20' WHERE id = ANY ($1)`, [six]);
  const h = `INSERT INTO feature_history (layer, feature_id, action, applied, actor_name, at, before, after, before_geom) VALUES ($1, $2, $3, true, 'stats-seed', $4, $5, $6, $7)`;
  for (const id of six) {
    await pool.query(h, ['land', String(id), 'edit', '2026-07-15T10:00:00Z', { status: 'reserved' }, { status: 'available' }, null]);
  }
  await pool.query(h, ['land', String(land[6]), 'import', '2026-10-20T10:00:00Z', null, { id: land[6], kind: 'land', status: 'available' }, null]);
  await pool.query(h, ['land', String(land[7]), 'publish', '2026-09-01T10:00:00Z', { review_state: 'draft' }, { review_state: 'published' }, null]);
  const geom = (await pool.query(`SELECT ST_AsEWKT(ST_Multi(ST_Buffer(ST_Centroid(geom), 0.0005))) AS g FROM carriers WHERE id = $1`, [land[8]])).rows[0].g;
  await pool.query(h, ['land', String(land[8]), 'edit', '2026-08-05T10:00:00Z', null, null, geom]);
  // (one no enquiry names: the demo's enquiries keep their links for test/enquiries.test.ts)
  const factory = (await pool.query(`SELECT id::int FROM carriers c WHERE kind = 'factory' AND county_adcode = '511725' AND review_state = 'published'
                                       AND NOT EXISTS (SELECT 1 FROM enquiries e WHERE e.carrier_id = c.id) ORDER BY id LIMIT 1`)).rows[0].id;
  await pool.query(`DELETE FROM carriers WHERE id = $1`, [factory]);
  const photo = `INSERT INTO photos (sha256, file_name, taken_at, review_state, carrier_id) VALUES ($1, $2, $3, $4, $5)`;
  const others = (await pool.query(`SELECT id::int FROM carriers WHERE review_state = 'published' AND county_adcode = '511702' ORDER BY id LIMIT 3`)).rows.map((r) => r.id);
  await pool.query(photo, ['stats-seed-1', 'a.jpg', '2026:10:03 10:00:00', 'published', others[0]]);
  await pool.query(photo, ['stats-seed-2', 'b.jpg', '2026:11:01 09:00:00', 'draft', others[1]]);
  await pool.query(photo, ['stats-seed-3', 'c.jpg', '2025:10:01 09:00:00', 'published', others[2]]);
  await pool.query(`UPDATE carriers SET status_date = '2026-03-01' WHERE id = $1`, [others[2]]);
  const parks = (await pool.query(`SELECT id::int FROM parks WHERE review_state = 'published' ORDER BY id LIMIT 2`)).rows.map((r) => r.id);
  const enq = `INSERT INTO enquiries (reference, company, contact_person, phone, park_id, status, client_hash, created_at)
               VALUES ($1, $2, '张三', '0818-5550000', $3, $4, 'stats-seed', $5) RETURNING id`;
  const rows: [string, number | null, string, string][] = [
    ['DZ-261005-STAT01', parks[0], 'new', '2026-10-05T03:00:00Z'], ['DZ-261012-STAT02', parks[0], 'signed', '2026-10-12T03:00:00Z'],
    ['DZ-261103-STAT03', parks[0], 'closed', '2026-11-03T03:00:00Z'], ['DZ-261110-STAT04', parks[1], 'site_visit', '2026-11-10T03:00:00Z'],
    ['DZ-261115-STAT05', null, 'contacted', '2026-11-15T03:00:00Z'],
  ];
  const ids: number[] = [];
  for (const [ref, park, status, at] of rows) ids.push((await pool.query(enq, [ref, `企业${ref.slice(-2)}`, park, status, at])).rows[0].id);
  // The closed one had a site visit before it closed; the signed one went through a visit too.
  await pool.query(`INSERT INTO enquiry_events (enquiry_id, kind, from_status, to_status) VALUES ($1, 'status', 'new', 'site_visit'), ($1, 'status', 'site_visit', 'closed'), ($2, 'status', 'site_visit', 'signed')`, [ids[2], ids[1]]);
}
