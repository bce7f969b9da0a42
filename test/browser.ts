import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests find Chromium: Debian's package, unless UGRAD_CHROMIUM says otherwise. */
export const CHROMIUM = process.env.UGRAD_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary
 * profile (it refuses `--user-data-dir` here); the flags keep Chromium off the
 * network (this machine's closed network refuses its background calls) and off the GPU.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
