/**
 * A substring index over a text column of the candidate table (selection.table.ts), for the site
 * finder's search documents: which rows' text holds a word. It has the shape of the finder's GIN
 * index (migration 013): a posting list (rows in ascending order) of every two-character sequence
 * inside a segment of the text, and of every non-ASCII character (a one-character Chinese word),
 * in one compressed-row layout (offsets + row numbers, ~4 bytes a posting). Keys are exact (not
 * hashed): a word of one or two characters is exactly its list; a longer word is the intersection
 * of its sequences' lists, each row of which is then checked with `includes`.
 *
 * Rows written after the build (a delta's upserts) are kept apart (`touch`) and checked directly,
 * so the lists need no patching; beyond `MAX_DIRTY` such rows the index is stale and is built
 * again. Strings are compared as UTF-16 code units, which for well-formed text is the same
 * substring relation as on code points (PostgreSQL's LIKE).
 */

/** Code-point order of two strings (PostgreSQL's under a C/C.UTF-8 collation; JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    let x = a.charCodeAt(k), y = b.charCodeAt(k);
    if (x === y) continue;
    // Surrogates (U+10000 and above) sort after U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Rows built per turn of the event loop. */
const SLICE = 20_000;
/** Rows changed since the build beyond which the index is built again. */
const MAX_DIRTY = 5_000;
/** Checked rows of longer words kept (most recent words first), in rows. */
const CACHE_ROWS = 2_000_000;

/** Exact 32-bit keys → dense ids (open addressing). */
class KeyIds {
  private keys = new Uint32Array(1 << 16);
  private ids = new Int32Array(1 << 16).fill(-1);
  size = 0;

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    const h = Math.imul(key, 0x9e3779b1);
    let s = (h ^ (h >>> 16)) & mask;
    while (this.ids[s] !== -1 && this.keys[s] !== key) s = (s + 1) & mask;
    return s;
  }

  /** The id of `key`, -1 when absent. */
  get(key: number): number {
    return this.ids[this.slot(key)];
  }

  /** The id of `key`, added when absent. */
  add(key: number): number {
    let s = this.slot(key);
    if (this.ids[s] !== -1) return this.ids[s];
    if (2 * (this.size + 1) > this.keys.length) {
      const keys = this.keys, ids = this.ids;
      this.keys = new Uint32Array(keys.length * 2);
      this.ids = new Int32Array(ids.length * 2).fill(-1);
      for (let k = 0; k < keys.length; k++) if (ids[k] !== -1) { const t = this.slot(keys[k]); this.keys[t] = keys[k]; this.ids[t] = ids[k]; }
      s = this.slot(key);
    }
    this.keys[s] = key;
    this.ids[s] = this.size;
    return this.size++;
  }
}

/** The index of one table's text column. */
export class SubstringIndex {
  private readonly ids = new KeyIds();
  private offsets = new Int32Array(1);
  private postings = new Int32Array(0);
  /** Rows the lists were built over (0..built-1). */
  private built = 0;
  /** Rows written since the build started: checked directly. */
  private readonly dirty = new Set<number>();
  private done = false;
  /** Whether a row was skipped in the second pass (its places in the lists hold -1). */
  private holes = false;
  /**
   * The checked rows (from the lists, dirty rows left out) of recent words of three or more
   * characters: a word asked again costs no `includes`. The lists never change, so an entry stays
   * right; dirty rows are checked at every call.
   */
  private readonly checked = new Map<string, Int32Array>();
  private checkedRows = 0;

  /** `sep` separates segments: no key spans it, and a word holding it is looked for by a scan. */
  private constructor(private readonly sep: number) {}

  /**
   * Build the index of `texts[0..n-1]` a slice at a time (the server keeps answering meanwhile).
   * The returned index takes `touch`es at once; it answers when `ready`.
   */
  static start(texts: readonly (string | null)[], n: number, sep = '|'): SubstringIndex {
    const index = new SubstringIndex(sep.charCodeAt(0));
    void index.build(texts, n);
    return index;
  }

  /** Whether it can answer (built, and not too many rows changed since). */
  get ready(): boolean {
    return this.done && this.dirty.size <= MAX_DIRTY;
  }

  /** Whether it should be built again. */
  get stale(): boolean {
    return this.dirty.size > MAX_DIRTY;
  }

  /** Row `i`'s text changed (or the row is new). */
  touch(i: number): void {
    this.dirty.add(i);
  }

  /** The exact key of a character (`(sep, c)`: no sequence holds `sep`) or of a two-character sequence. */
  private charKey(c: number): number {
    return ((this.sep << 16) | c) >>> 0;
  }

  /** Each key of `text` (ids from `id`, which may return -1 to skip) once per row: `visit(id)`. */
  private keys(text: string, seen: Int32Array, stamp: number, id: (key: number) => number, visit: (id: number) => void): void {
    const sep = this.sep;
    let prev = -1;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === sep) { prev = -1; continue; }
      if (c >= 0x80) {
        const x = id(this.charKey(c));
        if (x >= 0 && seen[x] !== stamp) { seen[x] = stamp; visit(x); }
      }
      if (prev >= 0) {
        const x = id(((prev << 16) | c) >>> 0);
        if (x >= 0 && seen[x] !== stamp) { seen[x] = stamp; visit(x); }
      }
      prev = c;
    }
  }

  private async build(texts: readonly (string | null)[], n: number): Promise<void> {
    const pause = () => new Promise((r) => setImmediate(r));
    let counts = new Int32Array(1 << 16);
    let seen = new Int32Array(1 << 16);
    const add = (key: number) => {
      const x = this.ids.add(key);
      if (x >= counts.length) {
        const c = new Int32Array(counts.length * 2); c.set(counts); counts = c;
        const s = new Int32Array(seen.length * 2); s.set(seen); seen = s;
      }
      return x;
    };
    for (let from = 0; from < n; from += SLICE) {
      if (from) await pause();
      for (let i = from; i < Math.min(n, from + SLICE); i++) {
        const text = texts[i];
        if (text) this.keys(text, seen, i + 1, add, (x) => { counts[x]++; });
      }
    }
    const keys = this.ids.size;
    const offsets = new Int32Array(keys + 1);
    for (let x = 0; x < keys; x++) offsets[x + 1] = offsets[x] + counts[x];
    const postings = new Int32Array(offsets[keys]).fill(-1); // -1: the place of a row skipped in the second pass
    const fill = offsets.slice(0, keys);
    seen.fill(0);
    const get = (key: number) => this.ids.get(key);
    for (let from = 0; from < n; from += SLICE) {
      await pause();
      for (let i = from; i < Math.min(n, from + SLICE); i++) {
        const text = texts[i];
        // A row changed between the passes (touched) may have other keys now: it is checked directly.
        if (text && !this.dirty.has(i)) this.keys(text, seen, i + 1, get, (x) => { if (fill[x] < offsets[x + 1]) postings[fill[x]++] = i; });
      }
    }
    for (let x = 0; x < keys; x++) if (fill[x] !== offsets[x + 1]) this.holes = true;
    this.offsets = offsets;
    this.postings = postings;
    this.built = n;
    this.done = true;
  }

  /** The posting list of a key (empty when absent). */
  private list(key: number): Int32Array {
    const x = this.ids.get(key);
    return x < 0 ? this.postings.subarray(0, 0) : this.postings.subarray(this.offsets[x], this.offsets[x + 1]);
  }

  /**
   * The rows among `texts[0..n-1]` whose text holds `word` (each once, in no particular order;
   * removed rows included if their text still holds it — the caller knows which rows are live).
   * Read-only: it may be the index's own list.
   */
  rows(word: string, texts: readonly (string | null)[], n: number): Int32Array {
    let out = new Int32Array(64);
    let count = 0;
    const push = (i: number) => {
      if (count === out.length) { const o = new Int32Array(out.length * 2); o.set(out); out = o; }
      out[count++] = i;
    };
    const holds = (i: number) => { const t = texts[i]; return t !== null && t !== undefined && t.includes(word); };
    const dirty = this.dirty;
    const clean = dirty.size === 0;
    const plain = clean && !this.holes && this.built === n;
    if (!word.length || word.indexOf(String.fromCharCode(this.sep)) >= 0 || (word.length === 1 && word.charCodeAt(0) < 0x80)) {
      for (let i = 0; i < n; i++) if (holds(i)) push(i);
      return out.subarray(0, count);
    }
    if (word.length <= 2) {
      // Exactly the rows of the key.
      const list = this.list(word.length === 1 ? this.charKey(word.charCodeAt(0)) : ((word.charCodeAt(0) << 16) | word.charCodeAt(1)) >>> 0);
      if (plain) return list;
      out = new Int32Array(list.length + 64);
      for (let k = 0; k < list.length; k++) {
        const i = list[k];
        if (i >= 0 && (clean || !dirty.has(i))) out[count++] = i;
      }
    } else if (this.checked.has(word)) {
      const rows = this.checked.get(word)!;
      this.checked.delete(word);
      this.checked.set(word, rows); // most recent last
      if (plain) return rows;
      out = new Int32Array(rows.length + 64);
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k];
        if (clean || !dirty.has(i)) out[count++] = i;
      }
    } else {
      // The rows holding every sequence of the word (lists ascending, the shortest first), then checked.
      const lists: Int32Array[] = [];
      for (let k = 1; k < word.length; k++) lists.push(this.list(((word.charCodeAt(k - 1) << 16) | word.charCodeAt(k)) >>> 0));
      lists.sort((a, b) => a.length - b.length);
      const at = new Int32Array(lists.length);
      const first = lists[0];
      candidates: for (let k = 0; k < first.length; k++) {
        const i = first[k];
        if (i < 0) continue;
        for (let j = 1; j < lists.length; j++) {
          const l = lists[j];
          let p = at[j];
          while (p < l.length && l[p] < i) p++;
          at[j] = p;
          if (p === l.length) break candidates;
          if (l[p] !== i) continue candidates;
        }
        if (holds(i)) push(i);
      }
      // Kept without the dirty rows (checked below at every call).
      const rows = clean ? out.slice(0, count) : out.slice(0, count).filter((i) => !dirty.has(i));
      if (!clean) { out.set(rows); count = rows.length; }
      this.checked.set(word, rows);
      this.checkedRows += rows.length;
      for (const [w, r] of this.checked) {
        if (this.checkedRows <= CACHE_ROWS) break;
        this.checked.delete(w);
        this.checkedRows -= r.length;
      }
    }
    for (const i of dirty) if (i < n && holds(i)) push(i);
    for (let i = this.built; i < n; i++) if (!dirty.has(i) && holds(i)) push(i);
    return out.subarray(0, count);
  }
}
