import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value, compileStep, type ValueLike } from '@ugrad/engine';
import { Rng, Trainer, bceWithLogits, circles, gradCheck } from '@ugrad/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheckpoint } from '../checkpoint.js';
import { Residual, ResNet, SwishLayer, runCustomLayer } from '../custom-layer.js';
import { runRegression } from '../regression.js';
import { runSpiral } from '../spiral.js';

// Each example at a smaller size than its command runs, so the suite stays quick.
const outDir = mkdtempSync(join(tmpdir(), 'ugrad-training-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('regression', () => {
  it('fits sin(x) to about the noise level (σ = 0.1, so MSE ≈ 0.01)', () => {
    const r = runRegression({ n: 40, steps: 150, outDir, out: null });
    expect(r.curve[0]!.loss).toBeGreaterThan(0.1);
    expect(r.mse).toBeLessThan(0.02);
    expect(r.curveMse).toBeLessThan(0.02);
  });
});

describe('spiral', () => {
  it('separates three spiral arms, on held-out points too', () => {
    const r = runSpiral({ n: 120, steps: 60, outDir, out: null });
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.85);
  });
});

describe('custom-layer', () => {
  it('backpropagation through the custom layers agrees with finite differences', () => {
    const model = new ResNet(2, 4, 2, 3);
    const X = [[0.3, -0.7], [-1.2, 0.4], [0.9, 0.9]], y = [1, 0, 1];
    const check = gradCheck(model, () => bceWithLogits(X.map((x) => model.forward(x)), y));
    expect(check.checked).toBe(model.parameters().length);
    expect(check.maxError).toBeLessThan(1e-8);
  });

  it('the gradient check catches a layer that cuts β out of the graph', () => {
    // Reading β's number instead of β itself: the forward pass is unchanged, its gradient is lost.
    class Detached extends SwishLayer {
      override forward(x: readonly ValueLike[]): Value[] {
        const beta = new Value(this.beta.data);
        return this.linear.forward(x).map((z) => z.mul(z.mul(beta).sigmoid()));
      }
    }
    const block = new Residual(3, new Rng(0));
    block.inner = new Detached(3, 3, new Rng(1));
    const check = gradCheck(block, () => block.forward([0.5, -1, 2]).reduce((a, b) => a.add(b)));
    expect(check.worst).toBe('inner.beta');
    expect(check.maxError).toBeGreaterThan(0.01);
  });

  it('the compiled step matches the eager graph on the custom layers to 1e-12, loss and every gradient', () => {
    const model = new ResNet(2, 4, 2, 3);
    const params = model.parameters();
    const data = circles({ n: 24, noise: 0.1, factor: 0.5, seed: 4 });
    const step = compileStep({ params, inputs: 2, labels: true, sample: (x, [y]) => bceWithLogits([model.forward(x)], [y!]) });
    for (const p of params) p.grad = 0;
    const compiledLoss = step.step(data.X, data.y);
    const compiledGrads = params.map((p) => p.grad);
    for (const p of params) p.grad = 0;
    const eager = bceWithLogits(data.X.map((x) => model.forward(x)), data.y);
    eager.backward();
    expect(Math.abs(compiledLoss - eager.data)).toBeLessThanOrEqual(1e-12 * Math.abs(eager.data));
    const largest = Math.max(...params.map((p) => Math.abs(p.grad)));
    params.forEach((p, i) => expect(Math.abs(compiledGrads[i]! - p.grad), `parameter ${i}`).toBeLessThanOrEqual(1e-12 * largest));
    // and fit picks that compiled step by itself
    expect(new Trainer(model, data, { loss: 'bce', lr: 0.1 }).mode).toBe('compiled');
  });

  it('runs: gradient check passes, then the network learns the circles', () => {
    const r = runCustomLayer({ n: 60, steps: 50, outDir, out: null });
    expect(r.gradCheck.maxError).toBeLessThan(1e-8);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.betas).toHaveLength(2);
    expect(r.betas.every((b) => b !== 1)).toBe(true); // β was trained
  });
});

describe('checkpoint', () => {
  it('a run resumed from its checkpoint mid-epoch ends bit-identical to one never stopped', () => {
    // 60 samples in batches of 20: step 17 is inside the sixth epoch.
    const r = runCheckpoint({ n: 60, steps: 40, saveAt: 17, batchSize: 20, outDir, out: null });
    expect(r.identical).toBe(true);
    expect(r.maxDifference).toBe(0);
    expect(r.sameLosses).toBe(true);
    // The comparison can tell runs apart: without the optimizer and trainer state they differ.
    expect(r.weightsOnlyDifference).toBeGreaterThan(1e-3);
  });
});
