/**
 * Builds the web client (`vite build`) when `web/dist` is missing or older than its sources, so
 * `npm start` and `npm test` work right after `npm install`. Exits non-zero if the build fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../core/config.ts';

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) {
    if (e === 'dist' || e === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

const built = path.join(ROOT_DIR, 'web', 'dist', 'index.html');
const sources = Math.max(
  newestMtime(path.join(ROOT_DIR, 'web')),
  newestMtime(path.join(ROOT_DIR, 'vite.config.ts')),
  newestMtime(path.join(ROOT_DIR, 'package-lock.json')),
);
const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
if (builtAt >= sources && process.argv[2] !== '--force') {
  console.log('web client is up to date (web/dist)');
} else {
  console.log('building the web client (vite build)…');
  const vite = path.join(ROOT_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT_DIR, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
