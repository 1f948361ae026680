/** Debian's chromium driven by playwright-core, as the browser tests and the docs screenshot use it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether the browser tests can run: in CI (`process.env.CI`) a missing chromium throws (.ci/run installs it), so the
 * test file fails loudly; elsewhere it prints a notice and returns false.
 */
export function requireChromium(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `${CHROMIUM} is missing; ${what} run in a real browser (apt-get install -y chromium).`;
  if (process.env.CI) throw new Error(`${message} In CI this is a failure, not a skip.`);
  console.warn(`\n[countersign] SKIPPING ${what}: ${message}\n`);
  return false;
}

/** A fresh headless chromium with its own profile directory (removed by `close`). */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'countersign-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1360, height: 760 } });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
