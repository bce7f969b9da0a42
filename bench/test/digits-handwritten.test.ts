import { Adam, MLP, digits, softmaxCrossEntropy } from '@ugrad/nn';
import { describe, expect, it } from 'vitest';
import { HandwrittenClassifier } from '../digits-handwritten.js';

// The digits yardstick must compute what ugrad computes, or its ratios mean
// nothing: the same cross-entropy and gradients as the eager graph to 1e-12,
// and the same Adam steps as ugrad's Adam.

function setUp(hidden: number[], rows: number) {
  const data = digits({ scale: true });
  const X = data.X.slice(0, rows), y = data.y.slice(0, rows);
  const model = new MLP(64, [...hidden, 10], { seed: 3, init: 'he' });
  const W = model.layers.map((l) => l.neurons.map((n) => n.w.map((w) => w.data)));
  const B = model.layers.map((l) => l.neurons.map((n) => n.b.data));
  const hand = new HandwrittenClassifier([64, ...hidden, 10], W, B);
  return { model, hand, X, y, Xf: Float64Array.from(X.flat()), yf: Float64Array.from(y), all: Array.from({ length: rows }, (_, i) => i) };
}

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-12 * scale;

describe('HandwrittenClassifier', () => {
  for (const hidden of [[32], [16, 8]]) {
    it(`gives the eager cross-entropy and gradients of MLP 64-${hidden.join('-')}-10`, () => {
      const { model, hand, X, y, Xf, yf, all } = setUp(hidden, 50);
      const loss = softmaxCrossEntropy(X.map((x) => model.forward(x)), y);
      loss.backward();
      const got = hand.lossAndGrad(Xf, yf, all);
      expect(close(got, loss.data, loss.data), `${got} vs ${loss.data}`).toBe(true);
      const want = model.parameters().map((p) => p.grad), grads = hand.grads();
      const scale = Math.max(...want.map(Math.abs));
      expect(grads).toHaveLength(want.length);
      expect(grads.flatMap((g, i) => (close(g, want[i]!, scale) ? [] : [`grad ${i}: ${g} vs ${want[i]}`])).slice(0, 3)).toEqual([]);
      const ev = hand.evaluate(Xf, yf, 50);
      expect(close(ev.loss, loss.data, loss.data)).toBe(true);
    });
  }

  it('steps as ugrad’s Adam does, over minibatches', () => {
    const { model, hand, X, y, Xf, yf } = setUp([32], 40);
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    for (const rows of [[0, 5, 9, 13], [1, 2, 3, 4, 6, 7], [20, 30, 39]]) {
      opt.zeroGrad();
      const loss = softmaxCrossEntropy(rows.map((i) => model.forward(X[i]!)), rows.map((i) => y[i]!));
      loss.backward();
      opt.step();
      expect(close(hand.step(Xf, yf, rows, 0.01), loss.data, loss.data)).toBe(true);
    }
    const want = model.parameters().map((p) => p.data);
    hand.params().forEach((p, i) => expect(Math.abs(p - want[i]!), `parameter ${i}`).toBeLessThanOrEqual(1e-12));
  });
});
