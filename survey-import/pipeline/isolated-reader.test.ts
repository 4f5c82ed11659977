import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { makeZip, shapefileBomb } from '../../test/hostile/zip-craft.ts';
import { isolatedReader } from './isolated-reader.ts';

const enc = (s: string) => new TextEncoder().encode(s);

async function readAll(reader: ReturnType<typeof isolatedReader>, files: { name: string; bytes: Uint8Array }[]) {
  const parts = [];
  for await (const p of reader(files, {})) parts.push(p);
  return parts;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a failure');
}

describe('isolatedReader (reading in a worker with a heap limit)', () => {
  const reader = isolatedReader({ memoryMb: 64 });

  it('reads a GeoJSON file in the worker', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Point', coordinates: [107.5, 31.2] } }] };
    const parts = await readAll(reader, [{ name: 'a.geojson', bytes: enc(JSON.stringify(fc)) }]);
    expect(parts.map((p) => p.items.length)).toEqual([1]);
    expect(parts[0].items[0].properties).toEqual({ name: 'a' });
  });

  it('refuses the 300 MiB zeros .shp zip bomb before inflating it (honest sizes)', async () => {
    const bomb = await shapefileBomb(300);
    expect(bomb.length).toBeLessThan(400_000);
    const err = await failure(readAll(reader, [{ name: 'bomb.zip', bytes: bomb }]));
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^bomb\.zip: entry "parcels\.shp" (is \d+ bytes|has a compression ratio)/);
  });

  it('stops inflating a bomb whose sizes are forged', async () => {
    const err = await failure(readAll(reader, [{ name: 'forged.zip', bytes: await shapefileBomb(300, true) }]));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^forged\.zip: entry "parcels\.shp" has a compression ratio above 200:1/);
  });

  it('refuses a zip-slip entry name, naming it', async () => {
    const zip = makeZip([{ name: '../../etc/parcels.shp', data: new Uint8Array(100) }]);
    const err = await failure(readAll(reader, [{ name: 'slip.zip', bytes: zip }]));
    expect(err.status).toBe(400);
    expect(err.message).toBe('slip.zip: entry "../../etc/parcels.shp" escapes the archive with ".." (zip slip)');
  });

  it('a reader that runs out of its heap dies alone and the import gets a 413', async () => {
    // ~40 MB of GeoJSON parse into far more than a 16 MB heap.
    const feature = JSON.stringify({ type: 'Feature', properties: { name: 'x'.repeat(50), n: 1 }, geometry: { type: 'Polygon', coordinates: [[[107, 31], [107.1, 31], [107.1, 31.1], [107, 31]]] } });
    const text = `{"type":"FeatureCollection","features":[${Array.from({ length: 200_000 }, () => feature).join(',')}]}`;
    const small = isolatedReader({ memoryMb: 16 });
    const err = await failure(readAll(small, [{ name: 'huge.geojson', bytes: enc(text) }]));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/^huge\.geojson: reading needs more memory than one import may use \(16 MB, IMPORT_MEMORY_MB\)/);
    // This process is alive and the reader still works.
    expect((await readAll(small, [{ name: 'p.geojson', bytes: enc('{"type":"Point","coordinates":[107,31]}') }]))[0].items.length).toBe(1);
  });
});
