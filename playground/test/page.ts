import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../../test/browser.js';
import { DIST, build, serve } from '../build.js';

// The built pages in headless Chromium: opened from file:// (as someone opening
// dist/index.html would) and from the build script's server. Each test file builds
// its own copy (test files run in parallel; none reads a file another is writing).

let browser: Browser;
let server: Server;
let dist: string;
/** The built page over http, from file://, and where screenshots go (set before the tests run). */
export let httpUrl: string;
export let fileUrl: string;
export let shots: string;
const pages: { page: Page; problems: string[] }[] = [];

beforeAll(async () => {
  await mkdir(DIST, { recursive: true });
  dist = await build(await mkdtemp(path.join(DIST, 'test-')));
  shots = path.join(DIST, 'screenshots');
  await mkdir(shots, { recursive: true });
  fileUrl = pathToFileURL(path.join(dist, 'index.html')).href;
  ({ server, url: httpUrl } = await serve(dist));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dist !== undefined) await rm(dist, { recursive: true, force: true });
});

// Every page must load with no console error, no uncaught exception, and no request
// beyond its own origin: the page works offline.
afterEach(closePages);

/** Opens `url` (checked as every page is), once `ready` matches: by default the playground's graph. */
export async function open(url: string, width = 1400, height = 1250, ready = '#graph .node'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  const origin = url.startsWith('file:') ? 'file:' : httpUrl;
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`); });
  pages.push({ page, problems });
  await page.goto(url);
  await page.waitForSelector(ready);
  return page;
}

/** An output's exact value (its data-value). */
export const value = (page: Page, id: string): Promise<number> => page.$eval(`#${id}`, (el) => Number((el as HTMLElement).dataset.value));

type Timing = { train: number };
const timing = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { playgroundTiming: Timing }).playgroundTiming.train);

/** Steps per second while playing at full speed for `ms`, measured on the page's own counter, and the share of the time spent training. */
async function rate(page: Page, ms: number): Promise<{ steps: number; share: number }> {
  await page.bringToFront();
  await page.click('#play');
  await page.waitForTimeout(600);
  const [s0, t0, train0] = await Promise.all([value(page, 'step'), page.evaluate(() => performance.now()), timing(page)]);
  await page.waitForTimeout(ms);
  const [s1, t1, train1] = await Promise.all([value(page, 'step'), page.evaluate(() => performance.now()), timing(page)]);
  await page.click('#play');
  return { steps: (s1 - s0) / ((t1 - t0) / 1000), share: (train1 - train0) / (t1 - t0) };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Closes the pages opened so far (checking them, as after each test). */
export async function closePages(): Promise<void> {
  for (const { page, problems } of pages.splice(0)) {
    await page.close();
    expect(problems).toEqual([]);
  }
}

/**
 * Steps per second with everything drawn and with the network picture and graph panel
 * hidden by CSS: the two pages measured in turns, as the machine's load changes by the
 * second; the ratio is the median of each round's pair.
 */
export async function drawnVersusHidden(hidden: string, rounds: number, ms: number): Promise<{ drawn: number; bare: number; ratio: number; shares: [number, number] }> {
  const url = `${fileUrl}#hidden=${hidden}`;
  const drawn = await open(url), bare = await open(url);
  await bare.addStyleTag({ content: '#network-panel, #graph-panel { display: none !important; }' });
  for (const page of [drawn, bare]) await page.selectOption('#speed', 'Infinity');
  const rates: [number[], number[]] = [[], []], shares: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always follows the other's leftovers.
    for (const k of r % 2 === 0 ? [0, 1] as const : [1, 0] as const) {
      const { steps, share } = await rate(k === 0 ? drawn : bare, ms);
      rates[k].push(steps);
      shares[k].push(share);
    }
  }
  return { drawn: median(rates[0]), bare: median(rates[1]), ratio: median(rates[0].map((d, r) => d / rates[1][r]!)), shares: [median(shares[0]), median(shares[1])] };
}

