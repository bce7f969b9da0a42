import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DigitsRun, EPOCHS } from '../src/digits-run.js';
import { fileUrl, httpUrl, open, shots, value } from './page.js';

// The digits page in headless Chromium, through its real DOM: it trains, the pad reads
// what is drawn on it with the mouse, and the misread test digits are shown.

const digitsUrl = (base: string): string => new URL('digits.html', base).href;

/** Opens the digits page and waits for its training to end. */
async function trained(url: string, width = 1400, height = 1000): Promise<Page> {
  const page = await open(url, width, height, '#bars .row');
  await page.waitForFunction((epochs) => Number(document.getElementById('d-epoch')!.dataset.value) === epochs, EPOCHS, { timeout: 60_000 });
  return page;
}

/** The ten bars' probabilities, as the page holds them. */
const bars = (page: Page): Promise<number[]> => page.$$eval('#bars output', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));

/** Draws a polyline on the pad with the mouse, points in [0, 1]² of the pad. */
async function draw(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

describe('the digits page', () => {
  it('trains 64-32-10 in seconds, compiled, past 90% on a stratified test split, and shows what it misreads', async () => {
    const page = await trained(digitsUrl(httpUrl));
    const status = await page.locator('#train-status').innerText();
    const [accuracy, ms] = [await value(page, 'd-acc'), await value(page, 'd-time')];
    console.log(`digits page: ${status} (${ms.toFixed(0)} ms from start to end)`);
    // The same run in Node: the held-out set is stratified, a fifth of each digit.
    const node = new DigitsRun(0);
    const n = node.test.X.length;
    for (let digit = 0; digit < 10; digit++) {
      const [inTest, inAll] = [node.test.y.filter((y) => y === digit).length, [...node.train.y, ...node.test.y].filter((y) => y === digit).length];
      expect(Math.abs(inTest - 0.2 * inAll), `digit ${digit}`).toBeLessThanOrEqual(1);
    }
    expect(status).toMatch(new RegExp(`^Trained in [\\d.]+ s \\(compiled\\): it reads [\\d.]+% of the ${n} held-out digits right\\.$`));
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(ms).toBeLessThan(20_000);
    // Chromium and Node round Adam's β^t differently in the last bit, so the two runs may part by a digit or two, no more.
    while (!node.done) node.step();
    expect(Math.abs(accuracy - node.testAccuracy())).toBeLessThanOrEqual(2 / n);
    // The misread digits are the rest of the test set, each shown as true → read.
    const tiles = page.locator('#wrong button');
    const misread = Math.round((1 - accuracy) * n);
    expect(await page.locator('#wrong-count').innerText()).toContain(`${misread} of ${n} after epoch ${EPOCHS}`);
    expect(await tiles.count()).toBe(Math.min(misread, 60));
    const first = tiles.first();
    const [label, predicted] = [await first.getAttribute('data-label'), await first.getAttribute('data-predicted')];
    expect(label).not.toBe(predicted);
    expect(await first.innerText()).toBe(`${label} → ${predicted}`);
    // Put on the pad, a misread digit is read as the list says: the pad gives the network the very image.
    await first.click();
    const p = await bars(page);
    expect(p.indexOf(Math.max(...p))).toBe(Number(predicted));
    expect(await page.locator('#reading').innerText()).toMatch(new RegExp(`^It reads ${predicted} \\(`));
  }, 90_000);

  it('reads what is drawn on the pad live: the ten bars change with each stroke and sum to 1', async () => {
    const page = await trained(digitsUrl(fileUrl));
    expect(await bars(page)).toEqual(new Array(10).fill(0));
    expect(await page.locator('#reading').innerText()).toBe('Draw a digit on the pad.');
    // A one: a single vertical stroke down the middle.
    await draw(page, [[0.5, 0.12], [0.5, 0.88]]);
    const one = await bars(page);
    expect(Math.abs(one.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(one.indexOf(Math.max(...one))).toBe(1);
    expect(await page.locator('#bars .row.top').getAttribute('data-digit')).toBe('1');
    await page.locator('#pad-panel').screenshot({ path: path.join(shots, 'digits-pad-1.png') });
    // A seven: the bar along the top and the stroke down, drawn over a cleared pad.
    await page.click('#clear');
    expect(await bars(page)).toEqual(new Array(10).fill(0));
    await draw(page, [[0.2, 0.15], [0.8, 0.15], [0.45, 0.88]]);
    const seven = await bars(page);
    expect(Math.abs(seven.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(seven).not.toEqual(one);
    expect(seven.indexOf(Math.max(...seven))).toBe(7);
    // Adding a stroke changes the reading again: each stroke is read as it is drawn.
    await draw(page, [[0.3, 0.5], [0.65, 0.5]]);
    expect(await bars(page)).not.toEqual(seven);
    await page.locator('#pad-panel').screenshot({ path: path.join(shots, 'digits-pad-7.png') });
  }, 90_000);

  it('is linked from the playground, and trains again with a new seed', async () => {
    const page = await open(fileUrl);
    await page.click('#digits-link');
    await page.waitForFunction((epochs) => Number(document.getElementById('d-epoch')?.dataset.value) === epochs, EPOCHS, { timeout: 60_000 });
    expect(page.url()).toBe(digitsUrl(fileUrl));
    const before = await value(page, 'd-acc');
    await page.click('#retrain');
    expect(await page.locator('#train-status').innerText()).toContain('seed 1');
    await page.waitForFunction((epochs) => Number(document.getElementById('d-epoch')!.dataset.value) === epochs, EPOCHS, { timeout: 60_000 });
    expect(await value(page, 'd-acc')).toBeGreaterThanOrEqual(0.9);
    expect(await value(page, 'd-acc')).not.toBe(before);
  }, 120_000);

  for (const width of [390, 1024]) {
    it(`lays out at ${width} px without sideways scrolling`, async () => {
      const page = await trained(digitsUrl(fileUrl), width, 900);
      // A two, in the pad's 32×32 units.
      await draw(page, [[7, 9], [12, 4], [20, 4], [25, 9], [24, 15], [7, 28], [26, 28]].map(([x, y]) => [x! / 32, y! / 32] as [number, number]));
      expect(await page.locator('#reading').innerText()).toMatch(/^It reads 2 \(/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      for (const id of ['pad', 'bars', 'clear', 'retrain', 'wrong']) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box!.x, id).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, id).toBeLessThanOrEqual(width);
      }
      await page.screenshot({ path: path.join(shots, `digits-${width}.png`), fullPage: true });
    }, 90_000);
  }
});
