/**
 * Prints the pinyin dictionary that migration 013 loads into `search_pinyin_chars`: every CJK
 * Unified Ideograph (U+4E00–U+9FFF) that pinyin-pro knows, with its most common reading, toneless,
 * `ü` written `v` (as people type it: 绿 → lv). One line per reading: `('gao', '高告搞…'),`.
 * Run `npx tsx scripts/gen-search-pinyin.ts` and paste the output into the migration's VALUES list.
 */
import { pinyin } from 'pinyin-pro';

const groups = new Map<string, string[]>();
for (let cp = 0x4e00; cp <= 0x9fff; cp++) {
  const ch = String.fromCodePoint(cp);
  const py = pinyin(ch, { toneType: 'none', type: 'array' })[0];
  if (!py || !/^[a-zü]+$/.test(py)) continue;
  const key = py.replace(/ü/g, 'v');
  let list = groups.get(key);
  if (!list) groups.set(key, (list = []));
  list.push(ch);
}
const lines = [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([py, chars]) => `  ('${py}', '${chars.join('')}')`);
process.stdout.write(lines.join(',\n') + '\n');
