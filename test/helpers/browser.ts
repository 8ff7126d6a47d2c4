import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (apt `chromium`, installed by scripts/setup.d/50-console.sh); never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Chromium with a fresh profile, for the console's browser tests. The networking flags keep it from
 * calling home: on a closed network those calls hang the start.
 */
export async function startBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  await fs.access(CHROMIUM).catch(() => {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run npm run setup (it installs Debian's chromium), or set CHROMIUM_PATH`,
    );
  });
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}
