import { describe, expect, it } from 'vitest';
import { HandwrittenMLP } from '../handwritten.js';
import { valueMLP } from '../compiled.js';
import { eagerMoonsLoss } from '../engine.js';
import { initWeights, moonsData } from '../moons.js';

// The benchmark's yardstick must compute the same step as the engine, or its
// ratios mean nothing: same loss and gradients as the eager graph to 1e-12.

function compare(sizes: number[], n: number, seed: string) {
  const { X, y } = moonsData(n, 0.1, seed);
  const { W, B } = initWeights(sizes, seed);
  const { W: Wv, B: Bv, params } = valueMLP(W, B);
  const loss = eagerMoonsLoss(X, y, Wv, Bv);
  loss.backward();
  const hand = new HandwrittenMLP(sizes, W, B);
  const got = hand.lossAndGrad(Float64Array.from(X.flat()), Float64Array.from(y), n);
  return { hand, got, want: loss.data, grads: hand.grads(), wantGrads: params.map((p) => p.grad), W, B, X, y };
}

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-12 * scale;

describe('HandwrittenMLP', () => {
  for (const [sizes, n] of [[[2, 16, 16, 1], 100], [[2, 64, 64, 1], 256], [[2, 5, 3, 4, 1], 37]] as const) {
    it(`gives the eager loss and gradients for MLP ${sizes.join('-')} on ${n} samples`, () => {
      const { got, want, grads, wantGrads } = compare([...sizes], n, `hw-${n}`);
      expect(close(got, want, Math.abs(want)), `loss ${got} vs ${want}`).toBe(true);
      const scale = Math.max(...wantGrads.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      const bad = grads.flatMap((g, i) => (close(g, wantGrads[i]!, scale) ? [] : [`grad ${i}: ${g} vs ${wantGrads[i]}`]));
      expect(grads.length).toBe(wantGrads.length);
      expect(bad.slice(0, 3)).toEqual([]);
    });
  }

  it('steps by w -= lr · grad and returns the loss before the update', () => {
    const { hand, want, wantGrads, W, B, X, y } = compare([2, 4, 1], 10, 'hw-step');
    const loss = hand.step(Float64Array.from(X.flat()), Float64Array.from(y), 10, 0.5);
    expect(close(loss, want, Math.abs(want))).toBe(true);
    const before = W.flatMap((l, i) => l.flatMap((r, j) => [...r, B[i]![j]!]));
    const after: number[] = [];
    hand.W.forEach((w, l) => { for (let j = 0; j < hand.B[l]!.length; j++) after.push(...w.subarray(j * W[l]![0]!.length, (j + 1) * W[l]![0]!.length), hand.B[l]![j]!); });
    after.forEach((v, i) => expect(v).toBeCloseTo(before[i]! - 0.5 * wantGrads[i]!, 12));
  });
});
