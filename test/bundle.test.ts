import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, bundleExports } from '../scripts/bundle.js';
import { launchChromium } from './browser.js';
import { README, readmeBlock } from './readme.js';

// "In a web page": the README's page, served over localhost next to a freshly
// built dist/ugrad.js, trains on xor in headless Chromium.
const page = readmeBlock('### In a web page', 'html');
let dir: string;
let bytes: number;
let server: Server;
let url: string;
let browser: Browser;

/** Serves the page and the bundle from `dir` on 127.0.0.1 (a free port); no favicon, everything else a 404. */
function serve(): Promise<void> {
  const files = new Set(['/xor.html', '/dist/ugrad.js', '/dist/ugrad.js.map']);
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    if (!files.has(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${types[extname(path)]}; charset=utf-8` }).end(readFileSync(join(dir, path)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
    resolve();
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ugrad-bundle-'));
  ({ bytes } = await bundle(join(dir, 'dist', 'ugrad.js')));
  writeFileSync(join(dir, 'xor.html'), page);
  await serve();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe('the browser bundle', () => {
  it('is about the size the README says', () => {
    expect(README).toContain('one ES module (about 350 KB minified');
    expect(bytes).toBeGreaterThan(300_000);
    expect(bytes).toBeLessThan(400_000);
  });

  it("trains the README's page on xor in Chromium, exporting both packages' API and no file I/O", async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    tab.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await tab.goto(`${url}xor.html`);
    const out = tab.locator('#out');
    await expect.poll(() => out.textContent(), { timeout: 30_000 }).toMatch(/^accuracy /);
    // The README says which accuracy the page shows.
    const claimed = /which shows `(accuracy [\d.]+)`/.exec(README)?.[1];
    expect(claimed).toBeDefined();
    expect(await out.textContent()).toBe(claimed);
    expect(Number((await out.textContent())!.split(' ')[1])).toBeGreaterThanOrEqual(0.95);

    // A string, so that vitest leaves the page's import() alone.
    const exported = await tab.evaluate<string[]>("import('./dist/ugrad.js').then((m) => Object.keys(m).sort())");
    expect(exported).toEqual(bundleExports());
    for (const name of ['Value', 'compileStep', 'MLP', 'fit', 'restoreCheckpoint']) expect(exported).toContain(name);
    for (const name of ['saveCheckpoint', 'loadCsv', 'parseOptions']) expect(exported).not.toContain(name);
    expect(errors).toEqual([]);
    expect(requests.filter((p) => p !== '/favicon.ico')).toEqual(['/xor.html', '/dist/ugrad.js']);
    await tab.close();
  });
});
