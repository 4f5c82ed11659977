import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fillTemplate, loadQueries } from './sql.ts';
import { readMigrations } from './migrate.ts';

function sqlFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-'));
  fs.writeFileSync(path.join(dir, 'q.sql'), text);
  return pathToFileURL(path.join(dir, 'module.ts')).href;
}

describe('loadQueries', () => {
  it('splits a file into named queries', () => {
    const url = sqlFile('-- name: a\nSELECT 1;\n\n-- name: b\nSELECT $1\nFROM t;\n');
    expect(loadQueries(url, 'q.sql', ['a', 'b'])).toEqual({ a: 'SELECT 1;', b: 'SELECT $1\nFROM t;' });
  });

  it('fails at load when a query the module needs is missing', () => {
    const url = sqlFile('-- name: a\nSELECT 1;\n');
    expect(() => loadQueries(url, 'q.sql', ['a', 'b'])).toThrow('query "b" is missing');
  });

  it('fails at load on a query no module uses', () => {
    const url = sqlFile('-- name: a\nSELECT 1;\n-- name: stale\nSELECT 2;\n');
    expect(() => loadQueries(url, 'q.sql', ['a'])).toThrow('"stale" is not used');
  });
});

describe('fillTemplate', () => {
  it('fills every occurrence of each named slot and leaves the others open', () => {
    expect(fillTemplate('SELECT {{a}} FROM {{t}} WHERE {{a}} > 0 AND {{where}}', { a: 'x', t: '"tab"' }))
      .toBe('SELECT x FROM "tab" WHERE x > 0 AND {{where}}');
  });

  it('inserts fragments verbatim: $&, $\', $` and $$ are not replacement patterns', () => {
    const fragment = "t.name <> '$&' AND t.code <> '$''' AND t.note <> '$`' AND t.x <> $$a$$";
    expect(fillTemplate('WHERE {{where}};', { where: fragment })).toBe(`WHERE ${fragment};`);
  });
});

describe('migrations', () => {
  it('are numbered in ascending order from 001, each number once', async () => {
    const m = await readMigrations();
    expect(m[0]!.version).toBe(1);
    expect(m.map((x) => x.version)).toEqual([...new Set(m.map((x) => x.version))].sort((a, b) => a - b));
  });

  it('accept a gap (work numbered on separate branches lands in any order) but not a repeated number', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '001_a.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, '003_c.sql'), 'SELECT 1;');
    expect((await readMigrations(dir)).map((m) => m.version)).toEqual([1, 3]);
    fs.writeFileSync(path.join(dir, '003_d.sql'), 'SELECT 1;');
    await expect(readMigrations(dir)).rejects.toThrow('003_d.sql" has version 3, after version 3');
  });
});
