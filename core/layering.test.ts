/**
 * The import graph runs one way: the ground floor (`core/`) imports nothing of ours above it, and no
 * folder imports from a folder above it. Read from the source files themselves, so a new upward
 * import fails here with the file and the line that made it.
 *
 *   web/            (browser; only web/, the layer catalog's data and ui/)
 *   server/         HTTP: routes → services → repositories
 *   survey-import/  tiles/      peers: neither imports the other
 *   layers/         assets/     peers
 *   core/           database, config, errors
 *   ui/             beside the stack: markup both the server and the browser render (the page header);
 *                   pure functions, no DOM, no Node, imports nothing of ours
 *
 * Tests (`*.test.ts`, `*.test-helper.ts`) may also import tooling: test support in `test/`, scripts they test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from './config.ts';

/** Folders that hold product code, with the folders each may import (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  layers: ['core'],
  assets: ['core'],
  'survey-import': ['core', 'layers', 'assets'],
  tiles: ['core', 'layers', 'assets'],
  server: ['core', 'layers', 'assets', 'survey-import', 'tiles', 'ui'],
  web: ['layers', 'ui'],
  ui: [],
};

/** Folders of tooling around the product: they may import anything, nothing may import them. */
const TOOLING = ['test', 'bench', 'scripts'];

interface ImportEdge { file: string; line: number; spec: string; target: string }

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Relative imports (static, dynamic and re-exports) of one file, resolved to repository paths. */
export function relativeImports(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    const line = text.slice(0, m.index! + m[0].length).split('\n').length;
    const target = path.relative(ROOT_DIR, path.resolve(path.dirname(file), spec));
    edges.push({ file: path.relative(ROOT_DIR, file), line, spec, target });
  }
  return edges;
}

const topFolder = (rel: string) => rel.split(path.sep)[0]!;
const isTestFile = (rel: string) => /\.test(-helper)?\.ts$/.test(rel);

describe('import graph', () => {
  const folders = [...Object.keys(MAY_IMPORT), ...TOOLING].filter((f) => fs.existsSync(path.join(ROOT_DIR, f)));
  const edges = folders.flatMap((f) =>
    sourceFiles(path.join(ROOT_DIR, f)).flatMap((file) => relativeImports(file, fs.readFileSync(file, 'utf8'))),
  );

  it('finds the imports it judges (the parser is not blind)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.file === path.join('server', 'app.ts') && e.target.startsWith('core'))).toBe(true);
  });

  it('has no import from a lower folder to a higher one, nor between peers', () => {
    const violations = edges
      .filter((e) => e.file.split(path.sep)[0]! in MAY_IMPORT)
      .filter((e) => {
        const from = topFolder(e.file);
        const to = topFolder(e.target);
        if (to === from) return false;
        if (isTestFile(e.file) && TOOLING.includes(to)) return false;
        return !MAY_IMPORT[from]!.includes(to);
      })
      .map((e) => `${e.file}:${e.line} imports ${e.spec}`);
    expect(violations).toEqual([]);
  });

  it('imports nothing of ours into core/ but core/ itself', () => {
    const up = edges.filter((e) => topFolder(e.file) === 'core' && !isTestFile(e.file) && topFolder(e.target) !== 'core');
    expect(up.map((e) => `${e.file}:${e.line} imports ${e.spec}`)).toEqual([]);
  });

  it('keeps ui/ free of Node and packages (the server and the browser both run it)', () => {
    const files = sourceFiles(path.join(ROOT_DIR, 'ui')).filter((f) => !isTestFile(path.relative(ROOT_DIR, f)));
    const outside = files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)]
      .map((m) => m[1] ?? m[2]!).filter((spec) => !spec.startsWith('./')).map((spec) => `${path.relative(ROOT_DIR, f)} imports ${spec}`));
    expect(files.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
  });

  it('resolves every relative import to a file that exists', () => {
    const missing = edges.filter((e) => !fs.existsSync(path.join(ROOT_DIR, e.target)));
    expect(missing.map((e) => `${e.file}:${e.line} imports ${e.spec}`)).toEqual([]);
  });
});
