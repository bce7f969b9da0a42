import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsMLP, tfjsReady } from '../tfjs.js';
import { valueMLP } from '../compiled.js';
import { eagerMoonsLoss } from '../engine.js';
import { initWeights, moonsData } from '../moons.js';

// The TensorFlow.js peer computes the same step in float32: its loss must agree
// with the engine's to float32 precision, before and after a step of SGD
// (which also checks the gradient functions registered in tfjs-gradients.ts).

beforeAll(tfjsReady);

describe('TfjsMLP', () => {
  it('gives the eager loss, and the same loss after one SGD step', () => {
    const sizes = [2, 16, 16, 1], n = 50, lr = 0.5;
    const { X, y } = moonsData(n, 0.1, 'tf');
    const { W, B } = initWeights(sizes, 'tf');
    const { W: Wv, B: Bv, params } = valueMLP(W, B);
    const model = new TfjsMLP(W, B, X, y, lr);
    for (let step = 0; step < 3; step++) {
      for (const p of params) p.grad = 0;
      const loss = eagerMoonsLoss(X, y, Wv, Bv);
      loss.backward();
      expect(model.step()).toBeCloseTo(loss.data, 5);
      for (const p of params) p.data -= lr * p.grad;
    }
    expect(model.loss()).toBeCloseTo(eagerMoonsLoss(X, y, Wv, Bv).data, 5);
  });
});
