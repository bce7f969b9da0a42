import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/session.js';
import { DEFAULTS, copy, formatState, parseState } from '../src/state.js';
import { closePages, drawnVersusHidden, fileUrl, httpUrl, open, shots, value } from './page.js';
import { runScript } from './run-script.js';

// The built page in headless Chromium (setup, page checks and timing in page.ts).

describe('the playground page', () => {
  it('trains at full speed with everything drawn nearly as fast as with the network and graph hidden (hidden 16×6)', async () => {
    const { drawn, bare, ratio, shares } = await drawnVersusHidden('16,16,16,16,16,16', 7, 1500);
    console.log(`hidden 16,16,16,16,16,16 on moons: ${drawn.toFixed(0)} steps/s with everything drawn, ${bare.toFixed(0)} with the network picture and graph panel hidden: ratio ${ratio.toFixed(2)}`
      + ` (time spent training: ${(100 * shares[0]).toFixed(0)}% and ${(100 * shares[1]).toFixed(0)}%)`);
    // The target is 0.8; on a loaded machine single rounds swing by ±30%, hence the margin.
    expect(ratio).toBeGreaterThan(0.7);
  }, 120_000);

  it.runIf(process.env.UGRAD_PLAYGROUND_SPEED)('reports steps per second, drawn and hidden, for several network sizes', async () => {
    const lines = ['| hidden | steps/s, everything drawn | steps/s, network and graph hidden | ratio |', '|---|---|---|---|'];
    for (const hidden of ['8', '16,16', '16,16,16', '16,16,16,16,16,16']) {
      const { drawn, bare, ratio } = await drawnVersusHidden(hidden, 9, 2000);
      lines.push(`| ${hidden} | ${drawn.toFixed(0)} | ${bare.toFixed(0)} | ${ratio.toFixed(2)} |`);
      await closePages();
    }
    console.log(lines.join('\n'));
  }, 600_000);

  it('trains moons past 95% within 600 steps and keeps responding', async () => {
    const page = await open(`${fileUrl}#${formatState(copy(DEFAULTS))}`);
    await page.selectOption('#speed', 'Infinity');
    // A probe on the page's own event loop: the longest gap between timer callbacks is
    // the longest the page was frozen. Training synchronously would freeze it for seconds.
    await page.evaluate(() => {
      const probe = { gaps: [] as number[], stop: false };
      (window as unknown as { probe: typeof probe }).probe = probe;
      let last = performance.now();
      const tick = (): void => {
        const now = performance.now();
        probe.gaps.push(now - last);
        last = now;
        if (!probe.stop) setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
    });
    await page.click('#play');
    await page.waitForTimeout(2000);
    await page.waitForFunction(() => Number(document.getElementById('step')!.dataset.value) >= 3000, null, { timeout: 30_000 });
    // A click during training is handled: pausing stops the step count.
    await page.click('#play');
    const gaps = await page.evaluate(() => {
      const probe = (window as unknown as { probe: { gaps: number[]; stop: boolean } }).probe;
      probe.stop = true;
      return probe.gaps;
    });
    const paused = await value(page, 'step');
    await page.waitForTimeout(400);
    expect(await value(page, 'step')).toBe(paused);
    const sorted = [...gaps].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * sorted.length)]!, longest = sorted[sorted.length - 1]!;
    console.log(`responsiveness probe: ${gaps.length} timer callbacks in ${paused} steps; 95% of gaps under ${p95.toFixed(0)} ms, longest ${longest.toFixed(0)} ms`);
    // Timers kept getting in between slices while thousands of steps ran; training in one
    // go would freeze the page for seconds. The bounds leave room for a loaded machine.
    expect(paused).toBeGreaterThanOrEqual(3000);
    expect(gaps.length).toBeGreaterThan(40);
    expect(p95).toBeLessThan(150);
    expect(longest).toBeLessThan(500);

    // The accuracy curve the page drew: its test trace must pass 95% by step 600.
    const test = await page.$eval('#acc-plot', (el) => {
      const trace = (el as unknown as { data: { name: string; x: number[]; y: number[] }[] }).data.find((t) => t.name === 'test')!;
      return { x: trace.x, y: trace.y };
    });
    const first = test.x.find((_, i) => test.y[i]! >= 0.95);
    expect(first).toBeDefined();
    expect(first!).toBeLessThanOrEqual(600);
    expect(await value(page, 'test-acc')).toBeGreaterThanOrEqual(0.95);
    // Paused, the readouts are of this very step.
    expect(await page.$eval('#train-loss', (el) => Number((el as HTMLElement).dataset.step))).toBe(paused);
    await page.screenshot({ path: path.join(shots, 'moons-trained.png'), fullPage: true });
  });

  it('applies the settings in the URL, and reproduces Node\'s numbers exactly', async () => {
    const hash = 'data=circles&n=120&test=25&feat=x1,x2,x1sq&hidden=5,3&act=relu&loss=bce&opt=sgd&lr=0.1&batch=8&seed=7&pts=0.2,0.3,1';
    const page = await open(`${httpUrl}#${hash}`);
    expect(await page.isHidden('#notice')).toBe(true);
    expect(await page.inputValue('#hidden')).toBe('5,3');
    expect(await page.inputValue('#act')).toBe('relu');
    expect(await page.getAttribute('#datasets [data-dataset=circles]', 'aria-checked')).toBe('true');
    expect(await page.inputValue('#loss')).toBe('bce');
    expect(await page.locator('#network .node.feature.on').count()).toBe(3);
    expect(await page.locator('#network .node.neuron').count()).toBe(5 + 3 + 1);
    // The link is rewritten in full, in canonical order.
    const { state } = parseState(hash);
    expect(await page.evaluate(() => location.hash)).toBe(`#${formatState(state)}`);

    // Five steps in the page give the same losses, to the last bit, as five in Node.
    for (let k = 0; k < 5; k++) await page.click('#step-once');
    const node = new Session(state);
    for (let k = 0; k < 5; k++) node.step();
    expect(await value(page, 'step')).toBe(5);
    expect(await value(page, 'batch-loss')).toBe(node.batchLosses[4]);
    expect(await value(page, 'train-loss')).toBe(node.evaluateNow().trainLoss);
    expect(await page.locator('#graph .node').count()).toBe(node.sampleGraph(0).nodes.length);

    // Editing the link in the address bar (a hash change, no reload) starts that experiment.
    await page.evaluate(() => (location.hash = 'data=xor&hidden=3'));
    await page.waitForFunction(() => (document.getElementById('hidden') as HTMLInputElement).value === '3');
    expect(await page.getAttribute('#datasets [data-dataset=xor]', 'aria-checked')).toBe('true');
    expect(await value(page, 'step')).toBe(0);
    expect(await page.locator('#network .node.neuron').count()).toBe(3 + 1);
  });

  it('falls back field by field for bad values of the new settings, keeping the good ones', async () => {
    const page = await open(`${fileUrl}#feat=x1,zz&reg=L7&regRate=-2&showTest=maybe&disc=1&regen=x&data=gauss&hidden=5&lr=0.1`);
    const notice = await page.locator('#notice').innerText();
    for (const part of ['feat="x1,zz"', 'reg="L7"', 'regRate="-2"', 'showTest="maybe"', 'regen="x"']) expect(notice).toContain(part);
    const { state } = parseState(await page.evaluate(() => location.hash));
    expect(state).toMatchObject({ features: ['x1', 'x2'], reg: 'none', regRate: 0, showTest: false, regen: 0, discretize: true, data: 'gauss', hidden: [5], lr: 0.1, loss: 'mse' });
    expect(await page.isChecked('#disc')).toBe(true);
    expect(await page.isChecked('#showTest')).toBe(false);
  });

  it('falls back to defaults with a visible notice for a broken URL, and still trains', async () => {
    const page = await open(`${httpUrl}#data=bananas&hidden=-3,x&n=-5&lr=abc&%3Cb%3E=1`);
    expect(await page.isVisible('#notice')).toBe(true);
    const notice = await page.locator('#notice').innerText();
    for (const part of ['bananas', 'hidden', 'n="-5"', 'lr="abc"', 'unknown setting "<b>"']) expect(notice).toContain(part);
    expect(await page.inputValue('#hidden')).toBe('8');
    expect(await page.evaluate(() => location.hash)).toBe(`#${formatState(copy(DEFAULTS))}`);
    await page.click('#step-once');
    expect(await value(page, 'step')).toBe(1);
    await page.screenshot({ path: path.join(shots, 'broken-url.png') });
  });

  it('applies learning rate, regularisation, optimizer, batch size, speed and added points live, and says so', async () => {
    const page = await open(`${fileUrl}#${formatState(copy(DEFAULTS))}`);
    for (let k = 0; k < 12; k++) await page.click('#step-once');
    const status = (): Promise<string> => page.locator('#status').innerText();
    const edit = async (selector: string, text: string): Promise<void> => {
      await page.fill(selector, text);
      await page.press(selector, 'Enter');
    };
    await edit('#lr', '0.01');
    expect(await value(page, 'step')).toBe(12);
    expect(await status()).toBe('From step 12 on: learning rate 0.01 — applied live, training goes on.');
    await page.selectOption('#reg', 'L1');
    await edit('#regRate', '0.003');
    expect(await status()).toContain('L1 regularisation at rate 0.003');
    await page.selectOption('#opt', 'sgd');
    expect(await status()).toContain('sgd (weights kept, fresh optimizer state)');
    await edit('#batch', '4');
    expect(await status()).toContain('batch size 4');
    await page.selectOption('#speed', '1');
    await page.click('#map', { position: { x: 200, y: 150 } });
    expect(await status()).toContain('1 added point');
    expect(await value(page, 'step')).toBe(12);
    const { state } = parseState(await page.evaluate(() => location.hash));
    expect(state).toMatchObject({ lr: 0.01, reg: 'L1', regRate: 0.003, optimizer: 'sgd', batch: 4 });
    expect(state.points).toHaveLength(1);
    // At one step per frame, a second of play is about a frame's worth of steps: paced, not reset.
    await page.click('#play');
    await page.waitForTimeout(1000);
    await page.click('#play');
    const after = await value(page, 'step');
    expect(after).toBeGreaterThan(12);
    expect(after).toBeLessThan(12 + 90);
    // The same run in Node: the start, then each change at step 12.
    const node = new Session(parseState(formatState(copy(DEFAULTS))).state);
    for (let k = 0; k < 12; k++) node.step();
    node.apply(state);
    while (node.stepCount < after) node.step();
    expect(await value(page, 'train-loss')).toBe(node.evaluateNow().trainLoss);
  });

  it('restarts on data, architecture, activation, features and seed, saying why', async () => {
    const page = await open(`${fileUrl}#hidden=3`);
    const restartsOn = async (act: () => Promise<unknown>, why: string): Promise<void> => {
      await page.click('#step-once');
      expect(await value(page, 'step')).toBe(1);
      await act();
      expect(await value(page, 'step')).toBe(0);
      expect(await page.locator('#status').innerText()).toBe(`Training restarted from step 0: ${why}.`);
    };
    await restartsOn(() => page.click('#datasets [data-dataset=circles]'), 'the data changed');
    await restartsOn(() => page.fill('#n', '150').then(() => page.press('#n', 'Enter')), 'the data changed');
    await restartsOn(() => page.click('#layer-plus'), 'the architecture changed');
    await restartsOn(() => page.click('#network [data-layer="1"][data-delta="1"]'), 'the architecture changed');
    await restartsOn(() => page.selectOption('#act', 'relu'), 'the activation changed');
    await restartsOn(() => page.click('#network [data-feature=x1sq]'), 'the input features changed');
    await restartsOn(() => page.fill('#seed', '9').then(() => page.press('#seed', 'Enter')), 'the seed changed');
    await restartsOn(() => page.click('#reset'), 'you pressed Reset');
    const { state } = parseState(await page.evaluate(() => location.hash));
    expect(state).toMatchObject({ data: 'circles', n: 150, hidden: [3, 4], activation: 'relu', features: ['x1', 'x2', 'x1sq'], seed: 9 });
  });

  it('shows a neuron\'s or a feature\'s output on the map while hovered, and the output again after', async () => {
    const page = await open(`${fileUrl}#hidden=4,3&feat=x1,x2,x1x2`);
    const legend = (): Promise<string> => page.locator('#map-legend .what').innerText();
    expect(await legend()).toBe('Shading: the model\'s class');
    await page.hover('#network [data-name="L1.n2"]');
    expect(await legend()).toBe('Shading: neuron L1.n2\'s output');
    await page.hover('#network [data-feature=x1x2]');
    expect(await legend()).toBe('Shading: input x₁x₂');
    await page.hover('#datasets');
    expect(await legend()).toBe('Shading: the model\'s class');
    // Clicking a neuron shows its part of the computation graph.
    await page.click('#network [data-name="L0.n1"]');
    expect(await page.inputValue('#focus')).toBe('1');
    expect(await page.locator('#graph-message').innerText()).toContain('the part that flows through L0.n1');
    expect(await page.getAttribute('#network [data-name="L0.n1"]', 'class')).toContain('selected');
    // And from the keyboard: focus a neuron, press Enter.
    await page.focus('#network [data-name="L1.n0"]');
    expect(await legend()).toBe('Shading: neuron L1.n0\'s output');
    await page.keyboard.press('Enter');
    expect(await page.locator('#graph-message').innerText()).toContain('the part that flows through L1.n0');
  });

  it('discretizes the output, shows the test data, redraws data and offers a thumbnail per dataset', async () => {
    const page = await open(`${fileUrl}#hidden=4`);
    // The share of the plot's pixels in one of the two full class colours.
    const flat = (): Promise<number> => page.$eval('#map', (canvas) => {
      // Read through a copy made for reading, so the page's own canvas is not asked to read back.
      const c = document.createElement('canvas');
      c.width = (canvas as HTMLCanvasElement).width;
      c.height = (canvas as HTMLCanvasElement).height;
      const ctx = c.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(canvas as HTMLCanvasElement, 0, 0);
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let hits = 0, total = 0;
      for (let y = Math.floor(c.height * 0.1); y < c.height * 0.85; y += 3) {
        for (let x = Math.floor(c.width * 0.15); x < c.width * 0.95; x += 3) {
          const i = 4 * (y * c.width + x);
          total++;
          // classRGB(label, 0.65): 255 + (c − 255)·0.65 for orange (245,147,34) and blue (8,119,189)
          const orange = Math.abs(data[i]! - 248.5) < 2 && Math.abs(data[i + 1]! - 184.8) < 2 && Math.abs(data[i + 2]! - 111.35) < 2;
          const blue = Math.abs(data[i]! - 94.45) < 2 && Math.abs(data[i + 1]! - 166.6) < 2 && Math.abs(data[i + 2]! - 212.1) < 2;
          if (orange || blue) hits++;
        }
      }
      return hits / total;
    });
    await page.waitForFunction(() => !document.getElementById('map-legend')!.textContent!.includes('computing'));
    expect(await flat()).toBeLessThan(0.3);
    await page.check('#disc');
    expect(await flat()).toBeGreaterThan(0.8);
    expect(parseState(await page.evaluate(() => location.hash)).state.discretize).toBe(true);
    await page.check('#showTest');
    expect(parseState(await page.evaluate(() => location.hash)).state.showTest).toBe(true);
    await page.click('#step-once');
    await page.click('#regenerate');
    expect(await value(page, 'step')).toBe(1);
    expect(await page.locator('#status').innerText()).toContain('freshly drawn data');
    expect(parseState(await page.evaluate(() => location.hash)).state.regen).toBe(1);
    expect(await page.locator('#datasets button[data-dataset]').count()).toBe(7);
    for (const name of ['moons', 'circles', 'spiral', 'xor', 'blobs', 'plane', 'gauss']) {
      expect(await page.locator(`#datasets [data-dataset=${name}] canvas`).count()).toBe(1);
    }
    await page.locator('#output-panel').screenshot({ path: path.join(shots, 'output-discretized.png') });
  });

  it('removes an added point when it is clicked again, and draws added points as squares', async () => {
    const page = await open(`${fileUrl}#n=100&test=20`);
    await page.click('#map', { position: { x: 120, y: 120 } });
    await page.click('#map', { position: { x: 300, y: 300 }, modifiers: ['Shift'] });
    let { state } = parseState(await page.evaluate(() => location.hash));
    expect(state.points.map((p) => p.label)).toEqual([0, 1]);
    // Top left of the map is small x, large y; bottom right the opposite.
    expect(state.points[0]!.x).toBeLessThan(state.points[1]!.x);
    expect(state.points[0]!.y).toBeGreaterThan(state.points[1]!.y);
    expect(await page.getAttribute('#sample', 'max')).toBe(String(80 + 2 - 1));
    await page.locator('#map-box').screenshot({ path: path.join(shots, 'added-points.png') });
    await page.click('#map', { position: { x: 121, y: 119 } });
    ({ state } = parseState(await page.evaluate(() => location.hash)));
    expect(state.points.map((p) => p.label)).toEqual([1]);
    expect(await page.locator('#status').innerText()).toContain('1 added point');
  });

  for (const width of [390, 1024]) {
    it(`lays out at ${width} px without sideways scrolling, every control reachable`, async () => {
      const page = await open(`${fileUrl}#hidden=6,6&showTest=1`, width, 900);
      await page.click('#step-once');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      for (const id of ['play', 'lr', 'opt', 'act', 'reg', 'regRate', 'loss', 'batch', 'speed', 'n', 'noise', 'hidden', 'layer-plus', 'map', 'copy-code', 'sample', 'focus']) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.x, id).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, id).toBeLessThanOrEqual(width);
      }
      await page.screenshot({ path: path.join(shots, `layout-${width}.png`), fullPage: true });
    });
  }

  it('says clearly where and why training diverged, apart from the settings notice, with every readout formatted', async () => {
    const page = await open(`${fileUrl}#opt=sgd&lr=10&loss=mse&act=relu&hidden=16,16&feat=x1,x2,x1sq,x2sq`);
    await page.click('#play');
    await page.waitForSelector('#divergence:not([hidden])');
    const step = await value(page, 'step');
    const text = await page.locator('#divergence').innerText();
    expect(text).toContain(`Training stopped at step ${step}: the loss became +∞`);
    expect(text).toContain('Try a lower learning rate (now 10), then Reset');
    expect(text).not.toMatch(/\bfit\b/);
    expect(await page.isHidden('#notice')).toBe(true);
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('false');
    // No stale readout: the losses are of this very step, and nothing prints 16 digits.
    expect(await page.$eval('#train-loss', (el) => Number((el as HTMLElement).dataset.step))).toBe(step);
    const shown = await page.locator('#topbar, #readouts, #network-panel .legend, #divergence, #graph-panel').allInnerTexts();
    for (const t of shown) expect(t).not.toMatch(/\d\.\d{6,}|e\+\d{3}\d|NaN\d/);
    await page.screenshot({ path: path.join(shots, 'divergence.png') });
    // A lower learning rate and a fresh start; the notice goes away.
    await page.fill('#lr', '0.001');
    await page.press('#lr', 'Enter');
    await page.click('#reset');
    expect(await page.isHidden('#divergence')).toBe(true);
    for (let k = 0; k < 10; k++) await page.click('#step-once');
    expect(await value(page, 'step')).toBe(10);
    expect(await page.isHidden('#divergence')).toBe(true);
  });

  it('never leaves the graph panel blank: a big graph shows one neuron\'s part, with the message in view', async () => {
    const page = await open(`${fileUrl}#hidden=16,16`, 1400, 900);
    await page.click('#step-once');
    await page.locator('#graph-panel').scrollIntoViewIfNeeded();
    const message = await page.locator('#graph-message').innerText();
    expect(message).toMatch(/whole graph has [\d\u202f]+ nodes, too many to draw \(up to 400\), so this is the part that flows through out: \d+ nodes/);
    const nodes = await page.locator('#graph .node').count();
    expect(nodes).toBeGreaterThan(20);
    expect(nodes).toBeLessThan(400);
    // The message stays in view above the graph, however the graph is scrolled.
    await page.locator('#graph-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const [msg, scroll] = await Promise.all([page.locator('#graph-message').boundingBox(), page.locator('#graph-scroll').boundingBox()]);
    expect(msg!.y + msg!.height).toBeLessThanOrEqual(scroll!.y);
    expect(await page.isEnabled('#focus option[value=whole]')).toBe(false);
    // The chain rule at the output neuron's node: its grad is what its user passed back.
    await page.click('#graph .node.neuron >> text=out');
    expect(await page.locator('#explain h3').innerText()).toMatch(/^out = /);
    expect(await page.locator('#explain').innerText()).toContain('Where its grad comes from');
    // Another neuron, picked from the menu: its part, with its users drawn but not expanded.
    await page.selectOption('#focus', { label: 'the part through L0.n3' });
    expect(await page.locator('#graph-message').innerText()).toContain('flows through L0.n3');
    await page.click('#graph .node.neuron >> text=L0.n3');
    expect(await page.locator('#explain').innerText()).toContain('the sum of what each user passed back (16 users)');
    await page.locator('#graph-panel').screenshot({ path: path.join(shots, 'graph-part.png') });
  });

  it('points from a learnt sample, whose grads are all 0, to one that still has a gradient', async () => {
    const page = await open(`${fileUrl}#hidden=8&lr=0.1`);
    await page.selectOption('#speed', 'Infinity');
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('train-acc')!.dataset.value) >= 0.9, null, { timeout: 30_000 });
    await page.click('#play');
    // Some sample the model gets right with margin has hinge loss 0 and no gradient.
    let zero = -1;
    for (let i = 0; i < 40 && zero < 0; i++) {
      await page.fill('#sample', String(i));
      await page.press('#sample', 'Enter');
      if (await page.isVisible('#graph-hint')) zero = i;
    }
    expect(zero).toBeGreaterThanOrEqual(0);
    const hint = await page.locator('#graph-hint').innerText();
    expect(hint).toMatch(new RegExp(`^Sample ${zero}'s loss is 0, so every grad is 0`));
    if (hint.includes('still has a gradient')) {
      await page.click('#graph-hint button');
      expect(Number(await page.inputValue('#sample'))).not.toBe(zero);
      expect(await page.isHidden('#graph-hint')).toBe(true);
      expect(await page.locator('#graph .node.param .grad:not(.pos):not(.neg)').count()).toBeLessThan(await page.locator('#graph .node.param').count());
    }
  });

  it('copies the experiment as code that prints, run in Node, the page\'s losses at its step, bit for bit', async () => {
    // relu and SGD: Chromium's Math.tanh and ** (Adam's β^t) round differently from Node 20's in the last bit.
    const page = await open(`${fileUrl}#data=spiral&classes=3&hidden=6,4&act=relu&opt=sgd&lr=0.3&feat=x1,x2,sinx1`);
    for (let k = 0; k < 8; k++) await page.click('#step-once');
    await page.fill('#lr', '0.1');
    await page.press('#lr', 'Enter');
    await page.selectOption('#reg', 'L2');
    await page.fill('#regRate', '0.001');
    await page.press('#regRate', 'Enter');
    await page.click('#map', { position: { x: 150, y: 150 }, modifiers: ['Shift'] });
    await page.selectOption('#speed', '5');
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('step')!.dataset.value) >= 40);
    await page.click('#copy-code');
    const code = await page.inputValue('#code');
    const [step, train, test] = await Promise.all([value(page, 'step'), page.$eval('#train-loss', (el) => (el as HTMLElement).dataset.value), page.$eval('#test-loss', (el) => (el as HTMLElement).dataset.value)]);
    expect(await page.$eval('#train-loss', (el) => Number((el as HTMLElement).dataset.step))).toBe(step);
    expect(code).toContain(`replayed to step ${step}`);
    expect(runScript('from-chromium', code)).toBe(`step ${step}: training loss ${train}, test loss ${test}`);
    await page.locator('#code-panel').screenshot({ path: path.join(shots, 'copy-as-code.png') });
  });

  it('learns every problem type in the page: each loss falls, the map shades classes or values', async () => {
    const page = await open(`${fileUrl}#hidden=8,8&feat=x1,x2,x1sq,x2sq,x1x2`, 1400, 1000);
    await page.selectOption('#speed', 'Infinity');
    for (const data of ['moons', 'circles', 'spiral', 'xor', 'blobs', 'plane', 'gauss']) {
      await page.click(`#datasets [data-dataset=${data}]`);
      const start = await value(page, 'train-loss');
      await page.click('#play');
      await page.waitForFunction(() => Number(document.getElementById('step')!.dataset.value) >= 400, null, { timeout: 30_000 });
      await page.click('#play');
      const end = await value(page, 'train-loss');
      expect(end, data).toBeLessThan(start * (data === 'gauss' ? 0.8 : 0.5));
      const regression = data === 'plane' || data === 'gauss';
      expect(await page.inputValue('#loss'), data).toBe(regression ? 'mse' : 'hinge');
      expect(await page.isVisible('#acc-plot'), data).toBe(!regression);
      await page.waitForFunction(() => !document.getElementById('map-legend')!.textContent!.includes('computing'));
      expect(await page.locator('#map-legend .what').innerText()).toBe(`Shading: the model's ${regression ? 'output' : 'class'}`);
      await page.locator('main').screenshot({ path: path.join(shots, `problem-${data}.png`) });
    }
    // Three classes: cross-entropy, one output per class.
    await page.click('#datasets [data-dataset=spiral]');
    await page.fill('#classes', '3');
    await page.press('#classes', 'Enter');
    expect(await page.inputValue('#loss')).toBe('crossEntropy');
    expect(await page.locator('#network .node.neuron.output').count()).toBe(3);
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('step')!.dataset.value) >= 600, null, { timeout: 30_000 });
    await page.click('#play');
    expect(await value(page, 'train-acc')).toBeGreaterThan(0.6);
    await page.locator('main').screenshot({ path: path.join(shots, 'problem-spiral-3.png') });
  }, 120_000);
});
