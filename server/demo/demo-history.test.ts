/**
 * The demo carriers' generated past: deterministic, inside the 24 months before seeding, and ending
 * exactly in each carrier's current state (replaying the entries forward from the creation entry
 * gives the status, price, status date and version the carrier row has now).
 */
import fs from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from './generate.ts';
import { demoHistory } from './demo-history.ts';
import { COUNTIES_FILE } from './demo.service.ts';

const data = generateDemoData(JSON.parse(fs.readFileSync(COUNTIES_FILE, 'utf8')) as FeatureCollection);
const now = new Date('2026-12-03T14:00:00Z');
const h = demoHistory(data.carriers, now);

describe('demo history', () => {
  it('is deterministic for a seeding day and differs for another seed', () => {
    expect(demoHistory(data.carriers, new Date('2026-12-03T01:00:00Z')).entries).toEqual(h.entries);
    expect(demoHistory(data.carriers, now, 1).entries).not.toEqual(h.entries);
  });

  it('ends in every carrier’s current state, one creation each, versions counting the steps', () => {
    const byCode = new Map<string, typeof h.entries>();
    for (const e of h.entries) byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);
    expect(byCode.size).toBe(data.carriers.length);
    for (const c of data.carriers) {
      const es = byCode.get(c.code)!;
      expect(es[0].created).toBe(true);
      expect(es.slice(1).every((e) => !e.created)).toBe(true);
      const row = h.rows.get(c.code)!;
      const state: Record<string, unknown> = { status: c.status, price: c.price, status_date: row.status_date, ...es[0].after };
      es.forEach((e, i) => {
        expect(e.version).toBe(i + 1);
        if (i > 0) {
          for (const [k, v] of Object.entries(e.before!)) expect([c.code, k, state[k]]).toEqual([c.code, k, v]);
          Object.assign(state, e.after);
        }
      });
      expect([c.code, state.status, state.price, state.status_date]).toEqual([c.code, c.status, c.price, row.status_date]);
      expect(row.version).toBe(es.length);
      expect(row.created_at).toBe(es[0].at);
    }
  });

  it('spreads over the 24 months before seeding, with changes of every kind', () => {
    const ats = h.entries.map((e) => Date.parse(e.at));
    expect(Math.min(...ats)).toBeGreaterThan(now.getTime() - 731 * 86_400_000);
    expect(Math.max(...ats)).toBeLessThan(now.getTime());
    const moves = new Set(h.entries.filter((e) => e.before?.status).map((e) => `${e.before!.status}>${e.after.status}`));
    expect([...moves].sort()).toEqual(['available>occupied', 'available>reserved', 'reserved>available', 'reserved>occupied']);
    expect(h.entries.some((e) => e.before && 'price' in e.before)).toBe(true);
    // Freshness has a mix: some carriers changed in the last 6 months, many did not.
    const lastAt = new Map<string, number>();
    for (const e of h.entries) lastAt.set(e.code, Date.parse(e.at));
    const recent = [...lastAt.values()].filter((t) => t > now.getTime() - 182 * 86_400_000).length / lastAt.size;
    expect(recent).toBeGreaterThan(0.1);
    expect(recent).toBeLessThan(0.9);
  });
});
