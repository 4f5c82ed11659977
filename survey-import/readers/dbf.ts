/**
 * dBASE III/IV table reader for Shapefile attributes. Written here rather than taken from the
 * `shapefile` package so that each record is decoded with the right code page, deleted records
 * are skipped, and a bad value becomes an issue instead of a silent null.
 */

/** One DBF column. */
export interface DbfField {
  name: string;
  /** dBASE type letter: C (character), N/F (number), D (date), L (logical), M (memo)… */
  type: string;
  length: number;
  decimals: number;
}

/** A decoded DBF table. */
export interface DbfTable {
  fields: DbfField[];
  /** One entry per record in file order, deleted ones included as null to keep .shp alignment. */
  records: (Record<string, unknown> | null)[];
  /** True when some text contained U+FFFD (the decoder did not fit the bytes). */
  replacementChars: boolean;
}

/**
 * Parses DBF bytes, decoding names and text with `encoding` (a TextDecoder label).
 * Numbers become numbers (blank → null), dates "YYYYMMDD" become "YYYY-MM-DD", logicals
 * booleans. Throws Error when the header is truncated.
 */
export function readDbf(bytes: Uint8Array, encoding: string): DbfTable {
  if (bytes.length < 32) throw new Error(`DBF is ${bytes.length} bytes, shorter than its 32-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const headerLength = view.getUint16(8, true);
  const recordLength = view.getUint16(10, true);
  if (headerLength > bytes.length) throw new Error(`DBF header length ${headerLength} exceeds file size ${bytes.length}`);
  const decoder = new TextDecoder(encoding);
  let replacementChars = false;
  const decode = (b: Uint8Array): string => {
    const s = decoder.decode(b);
    if (s.includes('\uFFFD')) replacementChars = true;
    return s;
  };

  const fields: DbfField[] = [];
  for (let off = 32; off + 32 <= headerLength && bytes[off] !== 0x0d; off += 32) {
    let end = off;
    while (end < off + 11 && bytes[end] !== 0) end++;
    fields.push({
      name: decode(bytes.subarray(off, end)).trim(),
      type: String.fromCharCode(bytes[off + 11]!).toUpperCase(),
      length: bytes[off + 16]!,
      decimals: bytes[off + 17]!,
    });
  }

  const records: DbfTable['records'] = [];
  for (let r = 0; r < count; r++) {
    const start = headerLength + r * recordLength;
    if (start + recordLength > bytes.length || bytes[start] === 0x1a) break;
    if (bytes[start] === 0x2a) {
      records.push(null); // '*' = deleted record
      continue;
    }
    const rec: Record<string, unknown> = {};
    let pos = start + 1;
    for (const f of fields) {
      const raw = bytes.subarray(pos, pos + f.length);
      pos += f.length;
      rec[f.name] = convert(f, raw, decode);
    }
    records.push(rec);
  }
  return { fields, records, replacementChars };
}

function convert(f: DbfField, raw: Uint8Array, decode: (b: Uint8Array) => string): unknown {
  switch (f.type) {
    case 'N':
    case 'F': {
      const s = ascii(raw).trim();
      if (s === '' || /^\*+$/.test(s)) return null;
      const n = Number(s);
      // Keep unparsable text so the field mapping can report it with its value.
      return Number.isFinite(n) ? n : s;
    }
    case 'D': {
      const s = ascii(raw).trim();
      if (!/^\d{8}$/.test(s) || s === '00000000') return s === '' || s === '00000000' ? null : s;
      return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
    }
    case 'L': {
      const s = ascii(raw).trim();
      return /^[YyTt]$/.test(s) ? true : /^[NnFf]$/.test(s) ? false : null;
    }
    default: {
      // Trailing spaces and NULs pad character fields; a field of only padding is null.
      const s = decode(raw).replace(/[\s\0]+$/, '').replace(/^\s+/, '');
      return s === '' ? null : s;
    }
  }
}

function ascii(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
