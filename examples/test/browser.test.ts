import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/browser.js';
import { runDemo, type DemoResult } from '../demo.js';
import { runDigits, type DigitsExampleResult } from '../digits.js';
import { writeGraphPage, type GraphPage } from '../graph.js';
import { OUT_DIR } from '../lib/report.js';
import { runNeuron, type NeuronResult } from '../neuron.js';
import { runTabular, type TabularResult } from '../tabular.js';

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

// The real-data examples at the size their commands run, trained once: the
// accuracies they must reach, then their reports in the browser.
describe('the real-data examples', () => {
  let digits: DigitsExampleResult;
  let tabular: TabularResult;
  beforeAll(() => {
    digits = runDigits({ outDir: dir, out: null });
    tabular = runTabular({ outDir: dir, out: null, splits: 3 });
  }, 300_000);

  it('digits: at least 95% of a stratified 20% of the images named right', () => {
    expect(digits.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(digits.report.support.reduce((a, b) => a + b, 0)).toBe(359);
    expect(digits.epochs).toHaveLength(15);
    expect(digits.epochs[0]!.loss).toBeGreaterThan(digits.epochs.at(-1)!.loss * 5);
    expect(digits.epochs.at(-1)!.valAccuracy).toBe(digits.testAccuracy);
  });

  it('tabular: iris ≥ 93%, wine ≥ 94%, breast cancer ≥ 95% test accuracy, standardized', () => {
    const acc = Object.fromEntries(tabular.sets.map((s) => [s.name, s.report.accuracy]));
    expect(acc['iris']).toBeGreaterThanOrEqual(0.93);
    expect(acc['wine']).toBeGreaterThanOrEqual(0.94);
    expect(acc['breastCancer']).toBeGreaterThanOrEqual(0.95);
    // on other splits too, within a row or two of the target (one iris test row is 3.3 points)
    for (const s of tabular.sets) expect(Math.min(...s.accuracies), s.name).toBeGreaterThanOrEqual(0.85);
  });

  it('the digits report draws the curves, the confusion matrix, the scores and every misclassified digit', async () => {
    const { page, errors, requests, until } = await open(digits.reportPath, { width: 1280, height: 1200 });
    await until(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4);
    const traces = await page.$$eval('.js-plotly-plot', (plots) => plots.map((p) => (p as unknown as { data: { type: string }[] }).data.map((t) => t.type).join(',')));
    expect(traces).toEqual(['scatter,scatter,scatter,scatter', 'heatmap', 'table', 'heatmap']);
    const wrong = digits.report.support.reduce((a, b) => a + b, 0) - digits.report.confusion.reduce((s, row, i) => s + row[i]!, 0);
    // the confusion matrix writes its 100 counts, the grid one "predicted / true" caption per mistake
    expect(await page.locator('.js-plotly-plot').nth(1).locator('.annotation').count()).toBe(100);
    const captions = await page.locator('.js-plotly-plot').nth(3).locator('.annotation-text').allTextContents();
    expect(captions).toHaveLength(Math.min(wrong, 30));
    expect(captions.every((c) => /^\d \/ \d$/.test(c))).toBe(true);
    expect(await page.locator('.card .v').first().textContent()).toBe(`${(100 * digits.testAccuracy).toFixed(1)}%`);
    await page.screenshot({ path: join(shots, 'digits.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('the tabular report draws three confusion matrices and the accuracy over splits', async () => {
    const { page, errors, requests, until } = await open(tabular.reportPath);
    await until(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4);
    expect(await page.locator('.js-plotly-plot .hm image').count()).toBe(3);
    // 3×3 + 3×3 + 2×2 cell counts written on the matrices
    expect(await page.locator('.js-plotly-plot .annotation').count()).toBe(22);
    expect(await page.locator('.js-plotly-plot').nth(3).locator('.scatterlayer .point').count()).toBe(3 * 3 + 3);
    await page.screenshot({ path: join(shots, 'tabular.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
