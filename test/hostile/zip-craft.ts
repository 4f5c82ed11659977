/**
 * Hand-made zip archives for hostile-input tests: zip bombs (honest or forged sizes), zip-slip
 * names, truncated archives. A bomb's payload is deflated from a reused zero block, so a
 * 300 MiB entry costs ~300 KB and well under a second to make, with no 300 MiB buffer.
 */
import { once } from 'node:events';
import zlib from 'node:zlib';

/** Deflated bytes of `size` zeros, with the CRC-32 of the zeros. */
export async function deflatedZeros(size: number): Promise<{ raw: Uint8Array; crc: number; size: number }> {
  const block = Buffer.alloc(1 << 20);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const ended = once(deflate, 'end');
  let crc = 0;
  for (let left = size; left > 0; left -= block.length) {
    const chunk = left >= block.length ? block : block.subarray(0, left);
    crc = zlib.crc32(chunk, crc);
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return { raw: new Uint8Array(Buffer.concat(chunks)), crc: crc >>> 0, size };
}

/** One entry of {@link makeZip}: stored bytes, or ready deflated data. */
export interface CraftEntry {
  name: string;
  /** Stored (method 0) bytes. */
  data?: Uint8Array;
  /** Deflated (method 8) data with its true size and CRC. */
  deflated?: { raw: Uint8Array; crc: number; size: number };
  /** Size to write in the headers instead of the true one (a forged size). */
  claimSize?: number;
}

/** A zip archive of `entries`, byte by byte (names UTF-8, flagged). */
export function makeZip(entries: CraftEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const method = e.deflated ? 8 : 0;
    const body = e.deflated ? Buffer.from(e.deflated.raw) : Buffer.from(e.data ?? new Uint8Array(0));
    const size = e.claimSize ?? (e.deflated ? e.deflated.size : body.length);
    const crc = e.deflated ? e.deflated.crc : zlib.crc32(body) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** The zipped-Shapefile bomb of issue 10: a `.shp` of `mib` MiB of zeros (+ a tiny .dbf/.shx). */
export async function shapefileBomb(mib: number, forged = false): Promise<Uint8Array> {
  const zeros = await deflatedZeros(mib * 1024 * 1024);
  return makeZip([
    { name: 'parcels.shp', deflated: zeros, ...(forged ? { claimSize: 1000 } : {}) },
    { name: 'parcels.shx', data: new Uint8Array(100) },
    { name: 'parcels.dbf', data: new Uint8Array(33) },
  ]);
}
