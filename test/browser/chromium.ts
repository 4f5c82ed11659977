/**
 * Headless Debian Chromium for browser tests (playwright-core; never `npx playwright install`).
 * Flags per ../shared/BROWSER_AND_STACK_NOTES.md: software WebGL through SwiftShader, no background
 * networking (the machine has no internet).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Path of the Chromium binary, overridable with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a browser is available. In CI a missing browser is a failure, not a skip. */
export function hasChromium(): boolean {
  const found = fs.existsSync(CHROMIUM_PATH);
  if (!found && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; .ci/run installs it`);
  return found;
}

/** A fresh browser profile. */
export async function launch(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: [
      '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Folder for screenshots (kept as CI artefacts). */
export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');
fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
