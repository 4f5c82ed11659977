/**
 * The one place that runs OpenSceneGraph's `osgconv` (Debian package `openscenegraph`): `.osgb` →
 * `.osgt` (ASCII scene, read by `osgt.ts`) with every texture inline as raw pixels
 * (`WriteImageHint=IncludeData`), so osgconv never writes files named by the uploaded scene. The
 * optimizer is off (`OSG_OPTIMIZER=OFF`) so PagedLOD trees and geometry stay as exported.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** The osgconv command (on PATH). */
const OSGCONV = 'osgconv';
/** Longest one conversion may take (ms). */
const CONVERT_TIMEOUT_MS = 120_000;

function run(args: string[], cwd: string): Promise<{ code: number; out: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(OSGCONV, args, { cwd, timeout: CONVERT_TIMEOUT_MS, maxBuffer: 4 << 20, env: { ...process.env, OSG_OPTIMIZER: 'OFF', OSG_NOTIFY_LEVEL: 'WARN' } }, (err, stdout, stderr) => {
      const e = err as NodeJS.ErrnoException | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: `${stdout}\n${stderr}`.trim(), missing: e?.code === 'ENOENT' });
    });
  });
}

let available: Promise<boolean> | null = null;

/** Whether osgconv can be run here (checked once per process). */
export function osgconvAvailable(): Promise<boolean> {
  available ??= run(['--help'], process.cwd()).then((r) => !r.missing);
  return available;
}

/**
 * Converts `input` (an .osgb on disk) to ASCII in `workDir` and returns the scene text. Throws an
 * Error whose message is osgconv's own complaint when it cannot read the file.
 */
export async function convertOsgb(input: string, workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  const out = path.join(workDir, `${path.basename(input, '.osgb')}.osgt`);
  try {
    const r = await run(['-O', 'WriteImageHint=IncludeData', input, out], workDir);
    const osgt = await readFile(out, 'utf8').catch(() => null);
    if (r.code !== 0 || osgt === null) {
      const detail = r.out.split('\n').filter((l) => l.trim() && !/^Data written/.test(l)).slice(-2).join(' ').slice(0, 300);
      throw new Error(detail || `osgconv exited with ${r.code}`);
    }
    return osgt;
  } finally {
    await rm(out, { force: true });
  }
}
