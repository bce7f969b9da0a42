import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/browser.js';
import { runDemo, type DemoResult } from '../demo.js';
import { writeGraphPage, type GraphPage } from '../graph.js';
import { OUT_DIR } from '../lib/report.js';
import { runNeuron, type NeuronResult } from '../neuron.js';

// The pages must work as a reader opens them: from file://, offline, without
// errors. Screenshots land in examples/out/screenshots/ for a person to look at.
const shots = join(OUT_DIR, 'screenshots');
let browser: Browser;
let dir: string;
let demo: DemoResult;
let graphs: GraphPage;
let neuron: NeuronResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ugrad-examples-'));
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
  demo = runDemo({ outDir: dir, out: null });
  graphs = writeGraphPage({ outDir: dir });
  neuron = await runNeuron({ outDir: dir, quiet: true });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  /** Waits until `ready` holds in the page; if it never does, fails with the page's errors. */
  until(ready: () => boolean): Promise<void>;
}

/**
 * Opens a local file, recording console errors, page errors and every
 * request that would leave the machine (those are refused, so a page that
 * tries one fails fast instead of hanging).
 */
async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) requests.push(r.url()); });
  await page.route(/^(?!file:|data:|blob:)/, (route) => route.abort());
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  const until = async (ready: () => boolean): Promise<void> => {
    try {
      await page.waitForFunction(ready, undefined, { timeout: 15_000 });
    } catch {
      throw new Error(`the page did not render; errors: ${JSON.stringify(errors)}; requests: ${JSON.stringify(requests)}`);
    }
  };
  return { page, errors, requests, until };
}

describe('the demo report', () => {
  it('draws the curves and the boundary from file:// with no network and no errors', async () => {
    const { page, errors, requests, until } = await open(demo.reportPath);
    await until(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2);
    // Trace counts: loss and accuracy; the boundary's heatmap and one scatter per class.
    const traces = await page.$$eval('.js-plotly-plot', (plots) => plots.map((p) => (p as unknown as { data: unknown[] }).data.length));
    expect(traces).toEqual([2, 3]);
    expect(await page.locator('.js-plotly-plot .scatterlayer .trace').count()).toBe(4);
    expect(await page.locator('.js-plotly-plot .hm image').count()).toBe(1);
    // 100 data points drawn as markers.
    expect(await page.locator('.js-plotly-plot .scatterlayer .point').count()).toBe(100);
    expect(await page.locator('.card .v').first().textContent()).toBe('100.0%');
    await page.screenshot({ path: join(shots, 'demo.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('the graph page', () => {
  it('lays out both graphs with Graphviz in the page, every value a node coloured by role', async () => {
    const { page, errors, requests, until } = await open(graphs.path);
    await until(() => document.body.dataset['rendered'] === 'true');
    const [expression, mlp] = graphs.graphs.map((g) => g.graph);
    expect(await page.locator('[data-graph=expression] g.node').count()).toBe(expression!.nodes);
    expect(await page.locator('[data-graph=mlp] g.node').count()).toBe(mlp!.nodes);
    // MLP(2, [3, 1]): 3·(2 + 1) + (3 + 1) = 13 parameters, 2 inputs, 1 loss.
    expect(await page.locator('[data-graph=mlp] g.node.parameter').count()).toBe(13);
    expect(await page.locator('[data-graph=mlp] g.node.input').count()).toBe(2);
    expect(await page.locator('[data-graph=mlp] g.node.loss').count()).toBe(1);
    expect(await page.locator('[data-graph=expression] g.node.loss text').allTextContents()).toEqual(['L', 'op *', 'data -8.0000', 'grad 1.0000']);
    await page.screenshot({ path: join(shots, 'graph.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('the neuron example’s SVG shows its ten values', async () => {
    // A bare SVG document has no scrolling box to measure, so no full-page shot: a viewport its size.
    const { page, errors } = await open(neuron.svgPath, { width: 1600, height: 260 });
    expect(await page.locator('g.node').count()).toBe(10);
    await page.screenshot({ path: join(shots, 'neuron.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
