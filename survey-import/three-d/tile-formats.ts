import { AppError } from '../../core/errors.ts';
/**
 * Readers and writers for the binary 3D Tiles 1.0 tile formats, as far as deriving renderable
 * copies needs them (`renderable-contents.ts`):
 *
 * - b3dm / i3dm: the header, the feature table (JSON + binary body, with typed access to binary
 *   properties), the batch table JSON and the glTF part (gltfFormat 1: an embedded GLB; 0: a URI);
 * - cmpt: the inner tiles, in order (each keeps its own header);
 * - GLB: the JSON chunk and the binary chunk, and back.
 *
 * Layouts are those of the 3D Tiles 1.0 specification: b3dm header 28 bytes, i3dm 32 (the last
 * uint32 is gltfFormat), cmpt 16 (then `tilesLength` tiles back to back). All little-endian.
 */

/** A tile or glTF whose bytes do not follow its format. */
export class TileFormatError extends AppError {
  constructor(message: string) {
    super('bad_request', message);
    this.name = 'TileFormatError';
  }
}

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const CHUNK_BIN = 0x004e4942; // "BIN\0"

/** Byte sizes of the feature-table component types. */
const COMPONENT_BYTES: Record<string, number> = {
  BYTE: 1, UNSIGNED_BYTE: 1, SHORT: 2, UNSIGNED_SHORT: 2, INT: 4, UNSIGNED_INT: 4, FLOAT: 4, DOUBLE: 8,
};

/** The four-character magic of a tile ("b3dm", "i3dm", "pnts", "cmpt", "glTF"), or '' when too short. */
export function magicOf(bytes: Uint8Array): string {
  return bytes.length < 4 ? '' : String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  if (bytes.length === 0) return {};
  try {
    // Tables are padded with spaces (and some writers pad with NULs).
    return JSON.parse(new TextDecoder().decode(bytes).replace(/[\0\s]+$/, ''));
  } catch (err) {
    throw new TileFormatError(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** A feature table: JSON with global values or `{byteOffset, componentType}` references into the body. */
export class FeatureTable {
  constructor(readonly json: Record<string, unknown>, readonly body: Uint8Array) {}

  /** Whether the property is present (in the JSON, global or binary). */
  has(name: string): boolean {
    return this.json[name] !== undefined;
  }

  /**
   * Reads `count` components of element `index` of property `name`: a JSON array (global values,
   * index ignored) or a binary reference, with `componentType` defaulting to `defaultType`.
   * Returns null when the property is absent.
   */
  read(name: string, defaultType: keyof typeof COMPONENT_BYTES, count: number, index = 0): number[] | null {
    const v = this.json[name];
    if (v === undefined) return null;
    if (typeof v === 'number') return [v];
    if (Array.isArray(v)) {
      if (v.length < count || v.some((x) => typeof x !== 'number')) throw new TileFormatError(`feature table ${name} needs ${count} numbers`);
      return v.slice(0, count) as number[];
    }
    const ref = v as { byteOffset?: unknown; componentType?: unknown };
    const type = (typeof ref.componentType === 'string' ? ref.componentType : defaultType) as string;
    const size = COMPONENT_BYTES[type];
    if (!size || typeof ref.byteOffset !== 'number' || !Number.isInteger(ref.byteOffset) || ref.byteOffset < 0) {
      throw new TileFormatError(`feature table ${name}: bad binary reference ${JSON.stringify(v)}`);
    }
    const start = ref.byteOffset + index * count * size;
    if (start + count * size > this.body.length) throw new TileFormatError(`feature table ${name}[${index}] lies beyond the binary body (${this.body.length} bytes)`);
    const dv = view(this.body);
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      const o = start + k * size;
      switch (type) {
        case 'BYTE': out.push(dv.getInt8(o)); break;
        case 'UNSIGNED_BYTE': out.push(dv.getUint8(o)); break;
        case 'SHORT': out.push(dv.getInt16(o, true)); break;
        case 'UNSIGNED_SHORT': out.push(dv.getUint16(o, true)); break;
        case 'INT': out.push(dv.getInt32(o, true)); break;
        case 'UNSIGNED_INT': out.push(dv.getUint32(o, true)); break;
        case 'FLOAT': out.push(dv.getFloat32(o, true)); break;
        default: out.push(dv.getFloat64(o, true));
      }
    }
    return out;
  }
}

/** A parsed b3dm or i3dm. */
export interface ModelTile {
  magic: 'b3dm' | 'i3dm';
  featureTable: FeatureTable;
  /** Batch table JSON ({} when absent); its binary body is not read. */
  batchTable: Record<string, unknown>;
  /** i3dm only: 1 = embedded GLB, 0 = `gltf` holds a UTF-8 URI. b3dm: always 1. */
  gltfFormat: number;
  /** The glTF part (a GLB, or the URI's bytes for gltfFormat 0). */
  gltf: Uint8Array;
}

/** Parses a b3dm or i3dm (3D Tiles 1.0 header layout). */
export function parseModelTile(bytes: Uint8Array): ModelTile {
  const magic = magicOf(bytes);
  if (magic !== 'b3dm' && magic !== 'i3dm') throw new TileFormatError(`expected a b3dm or i3dm, found magic ${JSON.stringify(magic)}`);
  const headerLength = magic === 'i3dm' ? 32 : 28;
  if (bytes.length < headerLength) throw new TileFormatError(`${magic} is shorter than its ${headerLength}-byte header`);
  const dv = view(bytes);
  const version = dv.getUint32(4, true);
  if (version !== 1) throw new TileFormatError(`${magic} version ${version} is not supported (1 only)`);
  const byteLength = Math.min(dv.getUint32(8, true), bytes.length);
  const [ftJson, ftBin, btJson, btBin] = [12, 16, 20, 24].map((o) => dv.getUint32(o, true));
  // Legacy b3dm headers put BATCH_LENGTH where the feature table length is now: refuse them.
  if (ftJson > byteLength || headerLength + ftJson + ftBin + btJson + btBin > byteLength) {
    throw new TileFormatError(`${magic} table lengths (${ftJson}, ${ftBin}, ${btJson}, ${btBin}) exceed its ${byteLength} bytes (legacy header?)`);
  }
  let o = headerLength;
  const featureTable = new FeatureTable(decodeJson(bytes.subarray(o, o + ftJson), `${magic} feature table`), bytes.subarray(o + ftJson, o + ftJson + ftBin));
  o += ftJson + ftBin;
  const batchTable = decodeJson(bytes.subarray(o, o + btJson), `${magic} batch table`);
  o += btJson + btBin;
  const gltfFormat = magic === 'i3dm' ? dv.getUint32(28, true) : 1;
  if (gltfFormat !== 0 && gltfFormat !== 1) throw new TileFormatError(`i3dm gltfFormat must be 0 or 1, got ${gltfFormat}`);
  return { magic, featureTable, batchTable, gltfFormat, gltf: bytes.subarray(o, byteLength) };
}

/**
 * A b3dm or i3dm with its glTF part replaced by `glb` (header, feature and batch tables kept;
 * byteLength updated).
 */
export function replaceTileGltf(tile: Uint8Array, glb: Uint8Array): Uint8Array {
  const { gltf } = parseModelTile(tile);
  const start = gltf.byteOffset - tile.byteOffset;
  const out = new Uint8Array(start + glb.length);
  out.set(tile.subarray(0, start));
  out.set(glb, start);
  view(out).setUint32(8, out.length, true);
  if (magicOf(tile) === 'i3dm') view(out).setUint32(28, 1, true);
  return out;
}

/** The inner tiles of a cmpt, in order (each a view of its own bytes, header included). */
export function splitCompositeTiles(bytes: Uint8Array): Uint8Array[] {
  if (magicOf(bytes) !== 'cmpt') throw new TileFormatError(`expected a cmpt, found magic ${JSON.stringify(magicOf(bytes))}`);
  if (bytes.length < 16) throw new TileFormatError('cmpt is shorter than its 16-byte header');
  const dv = view(bytes);
  const byteLength = Math.min(dv.getUint32(8, true), bytes.length);
  const tilesLength = dv.getUint32(12, true);
  const tiles: Uint8Array[] = [];
  let o = 16;
  for (let i = 0; i < tilesLength; i++) {
    if (o + 12 > byteLength) throw new TileFormatError(`cmpt inner tile ${i} of ${tilesLength} starts beyond the file`);
    const len = dv.getUint32(o + 8, true);
    if (len < 12 || o + len > byteLength) throw new TileFormatError(`cmpt inner tile ${i} (${magicOf(bytes.subarray(o))}) claims ${len} bytes, beyond the file`);
    tiles.push(bytes.subarray(o, o + len));
    o += len;
  }
  return tiles;
}

/** A GLB split into its JSON and binary chunk. */
export interface Glb {
  json: Record<string, any>;
  bin: Uint8Array | null;
}

/** Reads a glTF 2.0 binary (GLB v2). */
export function parseGlb(bytes: Uint8Array): Glb {
  if (bytes.length < 20) throw new TileFormatError(`GLB too short (${bytes.length} bytes)`);
  const dv = view(bytes);
  if (dv.getUint32(0, true) !== GLB_MAGIC) throw new TileFormatError('not a GLB (magic "glTF" missing)');
  const version = dv.getUint32(4, true);
  if (version !== 2) throw new TileFormatError(`GLB version ${version} (glTF 1.0) is not supported; glTF 2.0 only`);
  const length = Math.min(dv.getUint32(8, true), bytes.length);
  let json: Record<string, any> | null = null;
  let bin: Uint8Array | null = null;
  for (let o = 12; o + 8 <= length;) {
    const len = dv.getUint32(o, true);
    const type = dv.getUint32(o + 4, true);
    if (o + 8 + len > length) throw new TileFormatError('GLB chunk runs past the end of the file');
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === CHUNK_JSON && !json) json = decodeJson(data, 'GLB JSON chunk');
    else if (type === CHUNK_BIN && !bin) bin = data;
    o += 8 + len;
  }
  if (!json) throw new TileFormatError('GLB has no JSON chunk');
  return { json, bin };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Writes a GLB v2 from a JSON document and an optional binary chunk (copied as is); its length is a multiple of 8. */
export function writeGlbChunks(glb: Glb): Uint8Array {
  const jsonBytes = new TextEncoder().encode(JSON.stringify(glb.json));
  const binLen = glb.bin ? pad4(glb.bin.length) : 0;
  let jsonLen = pad4(jsonBytes.length);
  // A multiple of 8 in all, so the GLB keeps a b3dm (or a cmpt's next tile) 8-byte aligned.
  if ((12 + 8 + jsonLen + (glb.bin ? 8 + binLen : 0)) % 8 !== 0) jsonLen += 4;
  const total = 12 + 8 + jsonLen + (glb.bin ? 8 + binLen : 0);
  const out = new Uint8Array(total);
  const dv = view(out);
  dv.setUint32(0, GLB_MAGIC, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonLen, true);
  dv.setUint32(16, CHUNK_JSON, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLen);
  if (glb.bin) {
    const o = 20 + jsonLen;
    dv.setUint32(o, binLen, true);
    dv.setUint32(o + 4, CHUNK_BIN, true);
    out.set(glb.bin, o + 8);
  }
  return out;
}

/** JSON encoded and padded with spaces so that `offset + length` is a multiple of 8. */
function paddedJson(value: unknown, offset: number): Uint8Array {
  const raw = new TextEncoder().encode(JSON.stringify(value));
  const len = Math.ceil((offset + raw.length) / 8) * 8 - offset;
  const out = new Uint8Array(len).fill(0x20);
  out.set(raw);
  return out;
}

/**
 * Wraps a GLB as a b3dm with a JSON-only feature table (e.g. `{BATCH_LENGTH, RTC_CENTER}`) and an
 * optional JSON batch table; the GLB starts on an 8-byte boundary.
 */
export function writeB3dmTile(glb: Uint8Array, featureTable: Record<string, unknown>, batchTable?: Record<string, unknown>): Uint8Array {
  const ft = paddedJson(featureTable, 28);
  const bt = batchTable && Object.keys(batchTable).length ? paddedJson(batchTable, 28 + ft.length) : new Uint8Array(0);
  const total = 28 + ft.length + bt.length + glb.length;
  const out = new Uint8Array(total);
  const dv = view(out);
  out.set(new TextEncoder().encode('b3dm'), 0);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, ft.length, true);
  dv.setUint32(16, 0, true);
  dv.setUint32(20, bt.length, true);
  dv.setUint32(24, 0, true);
  out.set(ft, 28);
  out.set(bt, 28 + ft.length);
  out.set(glb, 28 + ft.length + bt.length);
  return out;
}
