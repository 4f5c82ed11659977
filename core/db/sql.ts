/**
 * Named queries from `.sql` files that sit beside the repository that runs them.
 *
 * A file holds one or more queries, each introduced by a `-- name: queryName` line; the text up to
 * the next such line is the query. Values are always `$n` parameters. Files are read once, at
 * module load, so a typo in a name fails at start rather than on the first request.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Load the named queries of `file`, resolved relative to the calling module's URL. */
export function loadQueries<Name extends string>(moduleUrl: string, file: string, names: readonly Name[]): Record<Name, string> {
  const full = path.join(path.dirname(fileURLToPath(moduleUrl)), file);
  const text = fs.readFileSync(full, 'utf8');
  const found: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^--\s*name:\s*([A-Za-z0-9_]+)\s*$/.exec(line);
    if (m) {
      current = m[1];
      found[current] = '';
    } else if (current) {
      found[current] += line + '\n';
    }
  }
  for (const name of names) {
    if (!found[name]?.trim()) throw new Error(`${file}: query "${name}" is missing`);
  }
  for (const name of Object.keys(found)) {
    if (!names.includes(name as Name)) throw new Error(`${file}: query "${name}" is not used by the module`);
  }
  return Object.fromEntries(names.map((n) => [n, found[n].trim()])) as Record<Name, string>;
}

/**
 * Fills the `{{slot}}` placeholders of a query template with SQL fragments (identifiers, compiled
 * predicates, repeated blocks) — every occurrence of each slot named in `slots`; slots not named
 * stay open for a later fill. The fragments are inserted as they are: unlike
 * `String.replace(string, string)`, `$&`, `$'`, `` $` `` and `$$` in a fragment are not expanded.
 */
export function fillTemplate(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (Object.hasOwn(slots, name) ? slots[name]! : whole));
}
