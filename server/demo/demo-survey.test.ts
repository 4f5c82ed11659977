/**
 * The demo's survey files read back, through the import's readers and field mapping, into exactly
 * the generated carriers and amenities: every value, no issue, no unmapped field. (The database
 * side, from staging to the published rows, is what the whole suite's demo data is.)
 */
import fs from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from './generate.ts';
import { demoSurveyFiles } from './demo-survey.ts';
import { COUNTIES_FILE } from './demo.service.ts';
import { readFiles } from '../../survey-import/readers/index.ts';
import { normalizeItems } from '../../survey-import/pipeline/normalize.ts';

const data = generateDemoData(JSON.parse(fs.readFileSync(COUNTIES_FILE, 'utf8')) as FeatureCollection);

describe('demo survey files', () => {
  it('map back to the generated values, with Chinese survey headers and no issue', async () => {
    const files = demoSurveyFiles(data.carriers, data.amenities);
    expect(files.map((f) => [f.layer, f.codes.length])).toEqual([
      ['land', data.carriers.filter((c) => c.kind === 'land').length], ['factories', data.carriers.filter((c) => c.kind === 'factory').length],
      ['offices', data.carriers.filter((c) => c.kind === 'office').length], ['amenities', data.amenities.length],
    ]);
    const generated = new Map<string, Record<string, unknown>>([...data.carriers, ...data.amenities].map((f) => [f.code, { ...f }]));
    // The carrier kind is the layer, the park is found by geometry, the review state is the reviewer's.
    const skip = new Set(['kind', 'park_code', 'review_state', 'geom']);
    for (const f of files) {
      const [read] = await readFiles([{ name: f.name, bytes: f.bytes }]);
      const unmapped = new Map<string, Map<string, number>>();
      const rows = normalizeItems(f.layer, read!.items, read!.errors, read!.warnings, undefined, 1, 0, unmapped);
      expect(rows.map((r) => r.mapped.code)).toEqual(f.codes);
      expect([...unmapped.values()].flatMap((m) => [...m.keys()]), f.layer).toEqual([]);
      for (const row of rows) {
        expect([row.mapped.code, row.status, row.issues]).toEqual([row.mapped.code, 'valid', []]);
        const want = generated.get(String(row.mapped.code))!;
        // Every generated value the layer imports, and nothing else; empty ones are left out of the file.
        const expected = Object.fromEntries(Object.entries(want).filter(([k, v]) =>
          (!skip.has(k) || (k === 'kind' && f.layer === 'amenities')) && v !== null && !(Array.isArray(v) && v.length === 0) && (f.layer !== 'amenities' || ['code', 'name', 'kind', 'address', 'county_adcode'].includes(k))));
        expect(row.mapped).toEqual(expected);
        expect(row.geom).toEqual(want.geom);
      }
    }
  });

  it('use the headers of a parcel table', () => {
    const land = JSON.parse(new TextDecoder().decode(demoSurveyFiles(data.carriers.slice(0, 1), [])[0]!.bytes)) as FeatureCollection;
    expect(Object.keys(land.features[0]!.properties!)).toEqual(expect.arrayContaining(['地块编号', '地块名称', '用地性质', '容积率', '招商状态', '县区']));
  });
});
