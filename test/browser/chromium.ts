/**
 * Headless Debian Chromium for browser tests (playwright-core; never `npx playwright install`).
 * Flags per ../shared/BROWSER_AND_STACK_NOTES.md: software WebGL through SwiftShader, no background
 * networking (the machine has no internet).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Path of the Chromium binary, overridable with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a browser is available. In CI a missing browser is a failure, not a skip. */
export function hasChromium(): boolean {
  const found = fs.existsSync(CHROMIUM_PATH);
  if (!found && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; .ci/run installs it`);
  return found;
}

/** The one Chromium process of this test worker, started on first use (Playwright kills it when the worker exits). */
let browser: Promise<Browser> | undefined;

function sharedBrowser(): Promise<Browser> {
  if (!browser) {
    const launching = chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    browser = launching;
    // A crashed or failed browser is started again by the next call.
    launching.then((b) => b.on('disconnected', () => { if (browser === launching) browser = undefined; }), () => { if (browser === launching) browser = undefined; });
  }
  return browser;
}

/**
 * A fresh browser profile: a new, isolated context (its own cookies, storage and cache) in the
 * worker's one Chromium process. Starting Chromium once per file instead of once per profile saves
 * a process start (~1–3 s on the 2-core CI machine) per profile; closing the context ends the profile.
 */
export async function launch(viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return (await sharedBrowser()).newContext({ viewport });
}

/** Folder for screenshots (kept as CI artefacts). */
export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');
fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
