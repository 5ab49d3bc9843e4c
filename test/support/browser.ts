import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from '../../src/stack/prerequisites.ts';

/** Debian's Chromium (apt package `chromium`, which `npm test` installs); no browser download is possible on these machines. */
export const CHROMIUM = chromiumPath();

/** Where browser tests keep their screenshots (git-ignored; CI keeps them as artifacts). */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results');

/**
 * Headless Chromium with the flags this closed network needs: without the
 * background-networking ones it keeps trying (and failing) to reach Google.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: npm test installs Debian's chromium package as root; elsewhere run apt-get install chromium, or set USERSTREAM_CHROMIUM`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
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
}
