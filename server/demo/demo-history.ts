/**
 * A plausible past for the demo carriers: the last 24 months before the seeding day, so the
 * statistics dashboard (inventory over time, 同比/环比, data freshness) has something to show on a
 * fresh clone. Deterministic for a seed and a seeding day; its own PRNG stream, so the generated
 * current state (`generate.ts`) is exactly what it is without history — only its past is added.
 *
 * Every carrier gets a creation date spread over the two years (more of them early: a maturing
 * inventory) and, by its current status, a path there: available → reserved (洽谈中) → occupied,
 * some reserved and back to available, some occupied straight away, some unchanged since they were
 * listed; a few prices were cut on the way. Each step is one applied `feature_history` entry shaped
 * as a published edit writes it (changed columns in `before`/`after`, the row version after it);
 * the carrier row gets the creation time, the version after its last step and the date of its last
 * status change (`status_date`), as real edits would have left them.
 */
import type { CarrierSeed } from './seed-types.ts';
import { DEMO_SEED, mulberry32 } from './generate.ts';

/** Who the demo's past entries name. */
export const DEMO_HISTORY_ACTOR = '演示数据';

/** One applied history entry; the creation entry's `after` holds only what differed from now (the SQL adds the rest of the row). */
export interface DemoHistoryEntry {
  code: string;
  created: boolean;
  version: number;
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

/** What the carrier row keeps of its past. */
export interface DemoCarrierPast {
  created_at: string;
  updated_at: string;
  version: number;
  status_date: string | null;
}

export interface DemoHistory {
  /** Per carrier code. */
  rows: Map<string, DemoCarrierPast>;
  /** Every entry, oldest first. */
  entries: DemoHistoryEntry[];
}

const DAY = 86_400_000;

/** `today` (the seeding day, UTC midnight is used) minus `days`, at a working hour in China (09:00–17:59 +08). */
function at(today: number, days: number, rng: () => number): Date {
  return new Date(today - days * DAY + Math.floor((1 + rng() * 9) * 3_600_000));
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The demo carriers' last 24 months, relative to `now`. */
export function demoHistory(carriers: readonly CarrierSeed[], now: Date = new Date(), seed: number = DEMO_SEED): DemoHistory {
  const rng = mulberry32((seed ^ 0x48495354) >>> 0); // "HIST"
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const rows = new Map<string, DemoCarrierPast>();
  const entries: DemoHistoryEntry[] = [];
  for (const c of carriers) {
    // Listed 3 weeks to 24 months ago, most of them in the first year.
    const createdAgo = 21 + Math.floor(700 * Math.sqrt(rng()));
    const created = at(today, createdAgo, rng);
    // Status path from 'available' to the current status.
    const r = rng();
    let path: string[];
    if (c.status === 'available') path = r < 0.22 ? ['available', 'reserved', 'available'] : ['available'];
    else if (c.status === 'reserved') path = r < 0.85 ? ['available', 'reserved'] : ['reserved'];
    else path = r < 0.5 ? ['available', 'reserved', 'occupied'] : r < 0.75 ? ['available', 'occupied'] : ['occupied'];
    // A price cut for some carriers with a price.
    const priceCut = c.price !== null && c.price > 0 && rng() < 0.2;
    const steps = path.length - 1 + (priceCut ? 1 : 0);
    // Step days: sorted, strictly after the creation day and at least a day before today.
    const days = Array.from({ length: steps }, () => 1 + Math.floor(rng() * (createdAgo - 2))).sort((a, b) => b - a);
    const priceStep = priceCut ? Math.floor(rng() * steps) : -1;
    const oldPrice = priceCut ? Math.round(c.price! * (1.05 + 0.1 * rng()) * 100) / 100 : null;
    const first: Record<string, unknown> = {};
    if (path[0] !== c.status) first.status = path[0];
    if (priceCut) first.price = oldPrice;
    if (path.length > 1) first.status_date = null;
    let version = 1;
    entries.push({ code: c.code, created: true, version, at: created.toISOString(), before: null, after: first });
    let status = path[0];
    let statusDate: string | null = null;
    let next = 1;
    const times = days.map((d) => at(today, d, rng)).sort((a, b) => a.getTime() - b.getTime());
    let last = created;
    for (let s = 0; s < steps; s++) {
      const when = times[s];
      version += 1;
      last = when;
      if (s === priceStep) {
        entries.push({ code: c.code, created: false, version, at: when.toISOString(), before: { price: oldPrice }, after: { price: c.price } });
      } else {
        const to = path[next++];
        const day = isoDay(when);
        entries.push({ code: c.code, created: false, version, at: when.toISOString(),
          before: { status, status_date: statusDate }, after: { status: to, status_date: day } });
        status = to;
        statusDate = day;
      }
    }
    rows.set(c.code, { created_at: created.toISOString(), updated_at: last.toISOString(), version, status_date: statusDate });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { rows, entries };
}
