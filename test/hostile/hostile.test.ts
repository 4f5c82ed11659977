/**
 * Hostile input, table-driven: every upload and query endpoint gets bad inputs (zip bombs with
 * honest and forged sizes, zip slip, truncated and empty files, XXE, billion laughs, NaN and
 * Infinity, out-of-range coordinates, huge attributes, bad encodings, malformed multipart, bad
 * CQL2, bad tile coordinates). Each case asserts a 4xx whose message names the file, field or
 * parameter and the value; that nothing is stored (no batch left in progress, no staged item of a
 * failed batch, no new feature, tileset or model, no original kept for the refused file); and
 * that the server still answers GET /api/health.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api, baseUrl, testPool, userWithRole } from '../helpers.ts';
import { deflatedZeros, makeZip } from './zip-craft.ts';

const enc = (s: string) => new TextEncoder().encode(s);
let pool: pg.Pool;
let staff: string;

/** Zip bombs, made once: ~100 KB and ~300 KB of deflated zeros. */
let zeros100: Awaited<ReturnType<typeof deflatedZeros>>;
let zeros300: Awaited<ReturnType<typeof deflatedZeros>>;

beforeAll(async () => {
  pool = testPool();
  staff = await userWithRole('staff');
  [zeros100, zeros300] = await Promise.all([deflatedZeros(100 * 1024 * 1024), deflatedZeros(300 * 1024 * 1024)]);
});
afterAll(async () => {
  await pool.end();
});

/** Same-origin headers for a state-changing request (the CSRF check wants an Origin); messages in English. */
function origin(): Record<string, string> {
  return { origin: new URL(baseUrl()).origin, 'accept-language': 'en' };
}

interface File {
  name: string;
  bytes: Uint8Array;
}

/** What a case sends: files (+ form fields) to an upload route, or a raw request. */
interface Case {
  name: string;
  /** Upload route (multipart): files and fields. */
  route?: '/api/imports' | '/api/tilesets' | '/api/models';
  files?: () => File[] | Promise<File[]>;
  fields?: Record<string, string>;
  /** Raw request instead of an upload. */
  request?: () => { path: string; method?: string; headers?: Record<string, string>; body?: Uint8Array | string; signedIn?: boolean };
  status: number;
  message: RegExp;
}

const FC = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const point = (props: Record<string, unknown> = { name: 'a' }, coordinates: unknown = [107.5, 31.2]) => ({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates } });
const poly = [[[107.5, 31.2], [107.51, 31.2], [107.51, 31.21], [107.5, 31.2]]];
const gpx = (body: string, prolog = '') => enc(`<?xml version="1.0"?>${prolog}<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">${body}</gpx>`);
const kml = (body: string, prolog = '') => enc(`<?xml version="1.0"?>${prolog}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>${body}</Document></kml>`);
const LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
const XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
const stored = (entries: Parameters<typeof makeZip>[0]) => makeZip(entries);
const tiny = new Uint8Array(100);

/** A zip whose one entry has `flags`/`method` patched in both headers. */
function patchedZip(name: string, patch: { flags?: number; method?: number }): Uint8Array {
  const zip = makeZip([{ name, data: enc('x'.repeat(200)) }]);
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) {
      if (patch.flags !== undefined) dv.setUint16(i + 6, patch.flags, true);
      if (patch.method !== undefined) dv.setUint16(i + 8, patch.method, true);
    } else if (sig === 0x02014b50) {
      if (patch.flags !== undefined) dv.setUint16(i + 8, patch.flags, true);
      if (patch.method !== undefined) dv.setUint16(i + 10, patch.method, true);
    }
  }
  return zip;
}

/** A multipart body by hand (for malformed ones). */
function multipart(boundary: string, parts: string[], close = true): string {
  return parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + (close ? `--${boundary}--\r\n` : '');
}

const UPLOADS: Case[] = [
  // Zip bombs: issue 10's 300 MiB .shp of zeros, with honest and with forged sizes.
  { name: 'shapefile zip bomb, honest sizes (300 MiB .shp of zeros)', route: '/api/imports', files: () => [{ name: 'bomb.zip', bytes: stored([{ name: 'parcels.shp', deflated: zeros300 }, { name: 'parcels.dbf', data: tiny }]) }], status: 413, message: /^bomb\.zip: entry "parcels\.shp" is 314572800 bytes, more than the limit of 268435456$/ },
  { name: 'shapefile zip bomb under the size limit, refused by ratio before inflating', route: '/api/imports', files: () => [{ name: 'ratio.zip', bytes: stored([{ name: 'parcels.shp', deflated: zeros100 }, { name: 'parcels.dbf', data: tiny }]) }], status: 413, message: /^ratio\.zip: entry "parcels\.shp" has a compression ratio above 200:1 \(zip bomb\?\)$/ },
  { name: 'shapefile zip bomb with forged sizes (claims 1000 bytes)', route: '/api/imports', files: () => [{ name: 'forged.zip', bytes: stored([{ name: 'parcels.shp', deflated: zeros300, claimSize: 1000 }, { name: 'parcels.dbf', data: tiny }]) }], status: 413, message: /^forged\.zip: entry "parcels\.shp" has a compression ratio above 200:1/ },
  { name: 'KMZ bomb (100 MiB doc.kml of zeros)', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'bomb.kmz', bytes: stored([{ name: 'doc.kml', deflated: zeros100 }]) }], status: 413, message: /^bomb\.kmz: entry "doc\.kml" has a compression ratio above 200:1/ },
  { name: 'zip with more entries than the limit', route: '/api/imports', files: () => [{ name: 'many.zip', bytes: stored(Array.from({ length: 20_001 }, (_, i) => ({ name: `f${i}.txt`, data: new Uint8Array(0) }))) }], status: 413, message: /^many\.zip: the zip has 20001 entries, more than the limit of 20000$/ },
  // Zip slip and other entry names.
  { name: 'zip slip: ../ in an entry name', route: '/api/imports', files: () => [{ name: 'slip.zip', bytes: stored([{ name: '../../evil/parcels.shp', data: tiny }]) }], status: 400, message: /^slip\.zip: entry "\.\.\/\.\.\/evil\/parcels\.shp" escapes the archive with "\.\." \(zip slip\)$/ },
  { name: 'zip slip in a KMZ', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'slip.kmz', bytes: stored([{ name: 'doc.kml', data: kml('') }, { name: 'files/../../x.png', data: tiny }]) }], status: 400, message: /^slip\.kmz: entry "files\/\.\.\/\.\.\/x\.png" escapes the archive/ },
  { name: 'absolute entry path', route: '/api/imports', files: () => [{ name: 'abs.zip', bytes: stored([{ name: '/etc/parcels.shp', data: tiny }]) }], status: 400, message: /^abs\.zip: entry "\/etc\/parcels\.shp" is an absolute path$/ },
  { name: 'windows drive entry path', route: '/api/imports', files: () => [{ name: 'win.zip', bytes: stored([{ name: 'C:/parcels.shp', data: tiny }]) }], status: 400, message: /^win\.zip: entry "C:\/parcels\.shp" is an absolute path$/ },
  { name: 'backslash entry path', route: '/api/imports', files: () => [{ name: 'bs.zip', bytes: stored([{ name: '..\\parcels.shp', data: tiny }]) }], status: 400, message: /^bs\.zip: entry "\.\.\\parcels\.shp" uses backslashes/ },
  { name: 'NUL in an entry name', route: '/api/imports', files: () => [{ name: 'nul.zip', bytes: stored([{ name: 'parcels.shp\0.txt', data: tiny }]) }], status: 400, message: /^nul\.zip: entry "parcels\.shp\\0\.txt" has a NUL character in its name$/ },
  { name: 'duplicate entry names', route: '/api/imports', files: () => [{ name: 'dup.zip', bytes: stored([{ name: 'a.shp', data: tiny }, { name: 'a.shp', data: tiny }]) }], status: 400, message: /^dup\.zip: entry "a\.shp" appears twice$/ },
  { name: 'encrypted entry', route: '/api/imports', files: () => [{ name: 'enc.zip', bytes: patchedZip('a.shp', { flags: 0x801 }) }], status: 400, message: /^enc\.zip: entry "a\.shp" is encrypted$/ },
  { name: 'unsupported compression method', route: '/api/imports', files: () => [{ name: 'bz.zip', bytes: patchedZip('a.shp', { method: 12 }) }], status: 400, message: /^bz\.zip: entry "a\.shp" uses compression method 12/ },
  // Truncated and empty files.
  { name: 'truncated zip', route: '/api/imports', files: () => {
    const zip = stored([{ name: 'a.shp', data: enc('x'.repeat(5000)) }, { name: 'a.dbf', data: tiny }]);
    return [{ name: 'cut.zip', bytes: zip.subarray(0, 3000) }];
  }, status: 400, message: /^cut\.zip: the upload is not a zip archive/ },
  { name: 'empty file', route: '/api/imports', files: () => [{ name: 'empty.geojson', bytes: new Uint8Array(0) }], status: 400, message: /^empty\.geojson: the file is empty \(0 bytes\)$/ },
  { name: 'FeatureCollection without features', route: '/api/imports', files: () => [{ name: 'none.geojson', bytes: enc(FC([])) }], status: 400, message: /^none\.geojson: no features found/ },
  { name: 'truncated GeoJSON', route: '/api/imports', files: () => [{ name: 'cut.geojson', bytes: enc(FC([point()]).slice(0, 60)) }], status: 400, message: /^cut\.geojson: /i },
  { name: 'truncated GPX', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'cut.gpx', bytes: enc('<?xml version="1.0"?><gpx><trk><trkseg><trkpt lat="31" lon=') }], status: 400, message: /^cut\.gpx: not well-formed XML/ },
  { name: 'truncated KML', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'cut.kml', bytes: kml('<Placemark><name>x').subarray(0, 80) }], status: 400, message: /^cut\.kml: not well-formed XML/ },
  { name: 'garbage .shp in a zip', route: '/api/imports', files: () => [{ name: 'garbage.zip', bytes: stored([{ name: 'a.shp', data: new Uint8Array(1000).map((_, i) => (i * 7919) & 255) }, { name: 'a.dbf', data: tiny }]) }], status: 400, message: /^garbage\.zip: cannot read \.shp/ },
  { name: 'zip without a .shp', route: '/api/imports', files: () => [{ name: 'noshp.zip', bytes: stored([{ name: 'a.dbf', data: tiny }]) }], status: 400, message: /^noshp\.zip: no \.shp file/ },
  { name: 'loose .dbf without its .shp', route: '/api/imports', files: () => [{ name: 'lonely.dbf', bytes: tiny }], status: 400, message: /^lonely\.dbf: no \.shp file for this layer/ },
  { name: 'unsupported file type', route: '/api/imports', files: () => [{ name: 'tool.exe', bytes: enc('MZ\x90\0') }], status: 400, message: /^tool\.exe: unsupported file type "\.exe"/ },
  // XML attacks.
  { name: 'GPX with an external entity (XXE)', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'xxe.gpx', bytes: gpx('<wpt lat="31" lon="107"><name>&xxe;</name></wpt>', XXE) }], status: 400, message: /^xxe\.gpx: declares the XML entity "xxe" in a DOCTYPE/ },
  { name: 'GPX billion laughs', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'lol.gpx', bytes: gpx('<wpt lat="31" lon="107"><name>&lol3;</name></wpt>', LAUGHS) }], status: 400, message: /^lol\.gpx: declares the XML entity "lol"/ },
  { name: 'KML with an external entity (XXE)', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'xxe.kml', bytes: kml('<Placemark><name>&xxe;</name><Point><coordinates>107,31</coordinates></Point></Placemark>', XXE) }], status: 400, message: /^xxe\.kml: declares the XML entity "xxe"/ },
  { name: 'KML billion laughs', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'lol.kml', bytes: kml('<Placemark><name>&lol3;</name></Placemark>', LAUGHS) }], status: 400, message: /^lol\.kml: declares the XML entity "lol"/ },
  { name: 'XXE with a parameter entity', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'pe.gpx', bytes: gpx('', '<!DOCTYPE gpx [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>') }], status: 400, message: /^pe\.gpx: declares the XML entity "remote"/ },
  // Numbers JSON cannot carry, and coordinates out of range.
  { name: 'GeoJSON with a NaN literal', route: '/api/imports', files: () => [{ name: 'nan.geojson', bytes: enc('{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,31]}}') }], status: 400, message: /^nan\.geojson: .*JSON/i },
  { name: 'GeoJSON with an Infinity literal', route: '/api/imports', files: () => [{ name: 'inf.geojson', bytes: enc('{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[Infinity,31]}}') }], status: 400, message: /^inf\.geojson: .*JSON/i },
  { name: 'GeoJSON nested 200 000 deep', route: '/api/imports', files: () => [{ name: 'deep.geojson', bytes: enc(`{"type":"Point","coordinates":${'['.repeat(200_000)}${']'.repeat(200_000)}}`) }], status: 400, message: /^deep\.geojson: / },
  // Huge attributes and geometries.
  { name: 'a 50 MB feature name', route: '/api/imports', files: () => [{ name: 'huge-name.geojson', bytes: enc(FC([{ type: 'Feature', properties: { name: 'x'.repeat(50 * 1024 * 1024) }, geometry: { type: 'Polygon', coordinates: poly } }])) }], status: 400, message: /^huge-name\.geojson: feature 1: field "name" value "x{40}"… \(52,428,800 characters\) is longer than the limit of 65,536 characters$/ },
  { name: 'a million-point GPX track', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'million.gpx', bytes: gpx(`<trk><trkseg>${'<trkpt lat="31.2" lon="107.5"/>'.repeat(1_000_000)}</trkseg></trk>`) }], status: 400, message: /^million\.gpx: track 1: field "geometry" has more than 200,000 vertices, the limit per feature$/ },
  { name: 'a 300 000-vertex GeoJSON line', route: '/api/imports', fields: { layer: 'tracks' }, files: () => [{ name: 'long.geojson', bytes: enc(FC([{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: Array.from({ length: 300_000 }, (_, i) => [107 + i * 1e-6, 31]) } }])) }], status: 400, message: /^long\.geojson: feature 1: field "geometry" has more than 200,000 vertices/ },
  { name: 'a feature with 5 000 attributes', route: '/api/imports', files: () => [{ name: 'wide.geojson', bytes: enc(FC([point(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i])))])) }], status: 400, message: /^wide\.geojson: feature 1: 5000 attributes, more than the limit of 1000$/ },
  { name: 'a CSV cell of 100 000 characters', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'cell.csv', bytes: enc(`lon,lat,kind,name\n107.5,31.2,school,${'y'.repeat(100_000)}\n`) }], status: 400, message: /^cell\.csv: row 1: field "name" value "y{40}"… \(100,000 characters\)/ },
  { name: 'NUL in an attribute', route: '/api/imports', fields: { layer: 'amenities' }, files: () => [{ name: 'nul.geojson', bytes: enc(FC([point({ name: 'a\u0000b', kind: 'school' })])) }], status: 400, message: /^nul\.geojson: feature 1: field "name" value "a\\u0000b" contains a NUL character/ },
  // Encodings and options.
  { name: 'unknown encoding option', route: '/api/imports', fields: { layer: 'amenities', encoding: 'klingon' }, files: () => [{ name: 'a.csv', bytes: enc('lon,lat,kind\n107.5,31.2,school\n') }], status: 400, message: /encoding.*"klingon"/ },
  { name: 'unknown layer', route: '/api/imports', fields: { layer: 'secrets' }, files: () => [{ name: 'a.geojson', bytes: enc(FC([point()])) }], status: 400, message: /layer must be one of .*, got "secrets"/ },
  { name: 'bad crs option', route: '/api/imports', fields: { layer: 'land', crs: 'EPSG:abc' }, files: () => [{ name: 'a.geojson', bytes: enc(FC([point()])) }], status: 400, message: /crs.*EPSG:abc/ },
  { name: 'mapping that is not JSON', route: '/api/imports', fields: { layer: 'land', mapping: '{not json' }, files: () => [{ name: 'a.geojson', bytes: enc(FC([point()])) }], status: 400, message: /mapping/ },
  { name: 'GeoJSON crs member that is not EPSG', route: '/api/imports', files: () => [{ name: 'crs.geojson', bytes: enc(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:evil' } }, features: [point()] })) }], status: 400, message: /^crs\.geojson: crs member .* is not an EPSG CRS/ },
  { name: 'TopoJSON', route: '/api/imports', files: () => [{ name: 'topo.json', bytes: enc('{"type":"Topology","objects":{},"arcs":[]}') }], status: 400, message: /^topo\.json: TopoJSON is not supported/ },
  // Malformed multipart.
  { name: 'multipart without a boundary', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data' }, body: 'x' }), status: 400, message: /malformed multipart body: Content-Type "multipart\/form-data" has no boundary/ },
  { name: 'multipart cut off before its end', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: multipart('XyZ', ['Content-Disposition: form-data; name="layer"\r\n\r\nland', 'Content-Disposition: form-data; name="file"; filename="a.geojson"\r\nContent-Type: application/json\r\n\r\n{"type":'], false) }), status: 400, message: /malformed multipart body: Unexpected end of form/ },
  { name: 'file in the wrong multipart field', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: multipart('XyZ', ['Content-Disposition: form-data; name="layer"\r\n\r\nland', 'Content-Disposition: form-data; name="upload"; filename="a.geojson"\r\n\r\n{}']) }), status: 400, message: /unexpected file field "upload"; upload files in field "file"/ },
  { name: 'file name with a NUL', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: multipart('XyZ', ['Content-Disposition: form-data; name="layer"\r\n\r\nland', 'Content-Disposition: form-data; name="file"; filename*=utf-8\'\'a%00.geojson\r\n\r\n{}']) }), status: 400, message: /file name "a\\u0000\.geojson" has control characters/ },
  { name: 'multipart without any file', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: multipart('XyZ', ['Content-Disposition: form-data; name="layer"\r\n\r\nland']) }), status: 400, message: /no files uploaded \(multipart field "file"\)/ },
  { name: 'upload as JSON instead of multipart', request: () => ({ path: '/api/imports', headers: { 'content-type': 'application/json' }, body: '{"layer":"land"}' }), status: 415, message: /multipart\/form-data/ },
  { name: 'gzip-encoded upload that is not gzip', request: () => ({ path: '/api/imports', headers: { 'content-type': 'multipart/form-data; boundary=XyZ', 'content-encoding': 'gzip' }, body: multipart('XyZ', ['Content-Disposition: form-data; name="layer"\r\n\r\nland']) }), status: 415, message: /Content-Encoding "gzip" is not accepted for uploads/ },
  // 3D uploads: the same zip reader.
  { name: '3D tileset zip bomb', route: '/api/tilesets', files: () => [{ name: 'ts-bomb.zip', bytes: stored([{ name: 'tileset.json', data: enc('{}') }, { name: 'a.b3dm', deflated: zeros100 }]) }], status: 413, message: /entry "a\.b3dm" has a compression ratio above 200:1/ },
  { name: '3D tileset zip slip', route: '/api/tilesets', files: () => [{ name: 'ts-slip.zip', bytes: stored([{ name: 'tileset.json', data: enc('{}') }, { name: '../a.b3dm', data: tiny }]) }], status: 400, message: /entry "\.\.\/a\.b3dm" escapes the archive/ },
  { name: '3D tileset that is not a zip', route: '/api/tilesets', files: () => [{ name: 'ts.zip', bytes: enc('not a zip at all') }], status: 400, message: /not a zip archive/ },
  { name: 'truncated glTF binary model', route: '/api/models', fields: { lon: '107.5', lat: '31.2' }, files: () => [{ name: 'cut.glb', bytes: enc('glTF\x02\0\0\0') }], status: 400, message: /cut\.glb/ },
];

const QUERIES: Case[] = [
  // bbox: NaN, Infinity, out of range, wrong arity.
  { name: 'features bbox with NaN', request: () => ({ path: '/api/layers/land/features?bbox=NaN,31,108,32' }), status: 400, message: /parameter "bbox" has a non-number "NaN" at position 1/ },
  { name: 'features bbox with Infinity', request: () => ({ path: '/api/layers/land/features?bbox=107,31,Infinity,32' }), status: 400, message: /parameter "bbox" .*"Infinity"/ },
  { name: 'features bbox out of range', request: () => ({ path: '/api/layers/land/features?bbox=107,31,181,32' }), status: 400, message: /parameter "bbox" longitudes must be within -180\.\.180, got "107,31,181,32"/ },
  { name: 'features bbox latitude out of range', request: () => ({ path: '/api/layers/land/features?bbox=107,-91,108,32' }), status: 400, message: /latitudes must be within -90\.\.90/ },
  { name: 'features bbox with 3 numbers', request: () => ({ path: '/api/layers/land/features?bbox=107,31,108' }), status: 400, message: /parameter "bbox" needs 4 numbers/ },
  { name: 'features limit negative', request: () => ({ path: '/api/layers/land/features?limit=-1' }), status: 400, message: /parameter "limit"/ },
  { name: 'features limit huge', request: () => ({ path: '/api/layers/land/features?limit=1e12' }), status: 400, message: /parameter "limit"/ },
  { name: 'OGC items bbox with NaN', request: () => ({ path: '/ogc/collections/land/items?bbox=107,NaN,108,32' }), status: 400, message: /parameter "bbox"/ },
  // CQL2.
  { name: 'CQL2 string with a NUL', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent("name = '\0'")}` }), status: 400, message: /parameter "filter" has a NUL character \(\\u0000\) at position 9/ },
  { name: 'CQL2 LIKE with a lone escape', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent("name LIKE '\\'")}` }), status: 400, message: /parameter "filter" has a LIKE pattern "\\\\" ending in a lone escape character/ },
  { name: 'CQL2 unterminated string', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent("name = 'abc")}` }), status: 400, message: /parameter "filter" has an unterminated string at position 8/ },
  { name: 'CQL2 unknown property', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent("password = 'x'")}` }), status: 400, message: /parameter "filter".*password/ },
  { name: 'CQL2 SQL injection attempt', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent("name = 'a'; DROP TABLE carriers; --")}` }), status: 400, message: /parameter "filter"/ },
  { name: 'CQL2 nested 1 000 deep', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent(`${'('.repeat(1000)}name = 'a'${')'.repeat(1000)}`)}` }), status: 400, message: /parameter "filter" nests deeper than/ },
  { name: 'CQL2 number out of range', request: () => ({ path: `/ogc/collections/land/items?filter=${encodeURIComponent('area_m2 > 1e999')}` }), status: 400, message: /number 1e999 is out of range/ },
  { name: 'plain property filter with a NUL', request: () => ({ path: `/ogc/collections/land/items?name=${encodeURIComponent('a\0')}` }), status: 400, message: /parameter "name" has a NUL character/ },
  // Tiles.
  { name: 'tile zoom too deep', request: () => ({ path: '/tiles/land/99/0/0.mvt' }), status: 400, message: /z must be within 0\.\.\d+, got 99/ },
  { name: 'tile x out of range', request: () => ({ path: '/tiles/land/2/4/0.mvt' }), status: 400, message: /x must be within 0\.\.3 at zoom 2, got 4/ },
  { name: 'tile y out of range', request: () => ({ path: '/tiles/land/1/0/2.mvt' }), status: 400, message: /y must be within 0\.\.1 at zoom 1, got 2/ },
  { name: 'tile negative coordinate', request: () => ({ path: '/tiles/land/3/-1/0.mvt' }), status: 400, message: /x must be a non-negative integer, got "-1"/ },
  { name: 'tile fractional zoom', request: () => ({ path: '/tiles/land/1.5/0/0.mvt' }), status: 400, message: /z must be a non-negative integer, got "1\.5"/ },
  { name: 'tile of an unknown layer', request: () => ({ path: '/tiles/nosuchlayer/1/0/0.mvt' }), status: 404, message: /nosuchlayer/ },
  // Sign-in and JSON bodies.
  { name: 'NUL in the login name', request: () => ({ path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ad\u0000min', password: 'x' }), signedIn: false }), status: 400, message: /username/ },
  { name: 'JSON body claiming gzip that is not gzip', request: () => ({ path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: JSON.stringify({ username: 'a', password: 'b' }), signedIn: false }), status: 400, message: /request body could not be read as Content-Encoding "gzip"/ },
  { name: 'JSON body in an unknown encoding', request: () => ({ path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'x-klingon' }, body: JSON.stringify({ username: 'a', password: 'b' }), signedIn: false }), status: 415, message: /Content-Encoding "x-klingon" is not supported/ },
  { name: 'gzip bomb JSON body', request: () => ({ path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.concat([Buffer.from('{"username":"'), Buffer.alloc(20 * 1024 * 1024, 0x61), Buffer.from('"}')])), signedIn: false }), status: 413, message: /request body exceeds/ },
  { name: 'malformed JSON body', request: () => ({ path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: '{"username": "a",', signedIn: false }), status: 400, message: /request body is not valid JSON/ },
  // Ids.
  { name: 'import batch id that is not a number', request: () => ({ path: '/api/imports/abc', method: 'GET' }), status: 400, message: /abc/ },
  { name: 'delete an import batch that does not exist', request: () => ({ path: '/api/imports/999999999', method: 'DELETE' }), status: 404, message: /import batch 999999999 not found/ },
  { name: 'export in an unknown format', request: () => ({ path: '/api/layers/land/export?format=exe', method: 'GET' }), status: 400, message: /format/ },
];

/** Row counts that a refused input must leave as they were. */
async function snapshot() {
  const { rows } = await pool.query(`
    SELECT (SELECT count(*) FROM carriers)::int AS carriers, (SELECT count(*) FROM amenities)::int AS amenities,
           (SELECT count(*) FROM tracks)::int AS tracks, (SELECT count(*) FROM photos)::int AS photos,
           (SELECT count(*) FROM tilesets)::int AS tilesets, (SELECT count(*) FROM bim_models)::int AS models,
           (SELECT coalesce(max(id), 0) FROM import_batches)::int AS "lastBatch"`);
  return rows[0] as Record<string, number>;
}

/** Whether the asset store keeps an original with these bytes. */
function isStored(bytes: Uint8Array): boolean {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const dir = path.join(inject('dataDir'), 'assets', 'originals', sha.slice(0, 2), sha.slice(2, 4));
  return fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith(sha));
}

async function send(c: Case): Promise<{ res: Response; files: File[] }> {
  if (c.route) {
    const files = await c.files!();
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...(c.route === '/api/imports' ? { layer: 'land' } : {}), ...c.fields })) form.set(k, v);
    for (const f of files) form.append('file', new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
    return { res: await api(c.route, { method: 'POST', body: form, cookie: staff, headers: origin() }), files };
  }
  const r = c.request!();
  const method = r.method ?? (r.body === undefined ? 'GET' : 'POST');
  const headers = { ...(method === 'GET' ? { 'accept-language': 'en' } : origin()), ...r.headers };
  return { res: await api(r.path, { method, headers, body: r.body as BodyInit, cookie: r.signedIn === false ? undefined : staff }), files: [] };
}

describe('hostile input: every case is refused with a 4xx naming the value, stores nothing, and the server stays up', () => {
  it('has at least 60 cases', () => {
    expect(UPLOADS.length + QUERIES.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of [...UPLOADS, ...QUERIES]) {
    it(c.name, async () => {
      const before = await snapshot();
      const { res, files } = await send(c);
      const text = await res.text();
      let message = text;
      try {
        message = JSON.parse(text).error?.message ?? text;
      } catch {
        // not JSON: the raw text is what the assertion shows
      }
      expect({ status: res.status, message }).toMatchObject({ status: c.status, message: expect.stringMatching(c.message) });

      const after = await snapshot();
      expect(after).toEqual({ ...before, lastBatch: after.lastBatch });
      // A batch the upload created ended failed (naming why), and keeps no staged items.
      const { rows: created } = await pool.query(
        `SELECT b.status, b.error, (SELECT count(*) FROM import_items i WHERE i.batch_id = b.id)::int AS items
         FROM import_batches b WHERE b.id > $1`, [before.lastBatch]);
      for (const b of created) expect(b).toEqual({ status: 'failed', error: message, items: 0 });
      const { rows: open } = await pool.query(`SELECT count(*)::int AS n FROM import_batches WHERE status IN ('uploaded', 'parsed')`);
      expect(open[0].n).toBe(0);
      for (const f of files) expect(isStored(f.bytes), `original of ${f.name} kept`).toBe(false);

      const health = await api('/api/health');
      expect(health.status).toBe(200);
    });
  }
});
