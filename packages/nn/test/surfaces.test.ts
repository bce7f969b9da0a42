import { describe, expect, it } from 'vitest';
import { gaussians, plane } from '../src/surfaces.js';
import { Rng } from '../src/random.js';
import { thrown } from '../../../test/helpers.js';

// TF Playground's regression problems (its src/dataset.ts, regressPlane and regressGaussian).

const inSquare = (X: number[][]): boolean => X.every((r) => r.length === 2 && r.every((v) => v >= -6 && v < 6));

// The multi-gaussian label written out bump by bump: height ±(1 − d/2) within distance 2 of a centre.
function bumpLabel(x: number, y: number): number {
  const heights = [
    [-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1],
  ].map(([cx, cy, s]) => s! * Math.max(0, 1 - Math.hypot(x - cx!, y - cy!) / 2));
  return heights.reduce((best, h) => (Math.abs(h) > Math.abs(best) ? h : best), 0);
}

describe('plane', () => {
  it('without noise labels each point (x₁ + x₂)/10 exactly, points uniform in [-6, 6]²', () => {
    const { X, y } = plane({ n: 2000, seed: 1 });
    expect(X).toHaveLength(2000);
    expect(inSquare(X)).toBe(true);
    expect(y).toEqual(X.map(([a, b]) => (a! + b!) / 10));
    // Uniform: each quadrant holds about a quarter of the points.
    const q = X.filter(([a, b]) => a! > 0 && b! > 0).length / X.length;
    expect(Math.abs(q - 0.25)).toBeLessThan(0.03);
    expect(Math.max(...y)).toBeGreaterThan(1);
    expect(Math.min(...y)).toBeLessThan(-1);
  });

  it('with noise reads the label up to 6·noise away in each coordinate, so by at most 1.2·noise', () => {
    const clean = plane({ n: 3000, seed: 2 }), noisy = plane({ n: 3000, noise: 0.25, seed: 2 });
    const errors = noisy.y.map((v, i) => Math.abs(v - (noisy.X[i]![0]! + noisy.X[i]![1]!) / 10));
    expect(Math.max(...errors)).toBeLessThanOrEqual(1.2 * 0.25 + 1e-12);
    // The offsets are uniform, so they come near the bound, and their mean is near 0.
    expect(Math.max(...errors)).toBeGreaterThan(0.25);
    expect(inSquare(noisy.X)).toBe(true);
    // The offsets are drawn whatever the noise (TF Playground's order), so the points are the same; only labels move.
    expect(noisy.X).toEqual(clean.X);
    expect(noisy.y).not.toEqual(clean.y);
  });

  it('repeats with a seed and draws from a given Rng', () => {
    const a = plane({ n: 50, noise: 0.1, seed: 'x' });
    expect(plane({ n: 50, noise: 0.1, seed: 'x' })).toEqual(a);
    expect(plane({ n: 50, noise: 0.1, rng: new Rng('x') })).toEqual(a);
    expect(plane({ n: 50, noise: 0.1, seed: 'y' }).X).not.toEqual(a.X);
    expect(plane()).toEqual(plane({ n: 100, noise: 0, seed: 0 }));
  });
});

describe('gaussians', () => {
  it('without noise labels each point with the largest bump there, in [-1, 1]', () => {
    const { X, y } = gaussians({ n: 2000, seed: 3 });
    expect(inSquare(X)).toBe(true);
    expect(y).toEqual(X.map(([a, b]) => bumpLabel(a!, b!)));
    expect(y.every((v) => v >= -1 && v <= 1)).toBe(true);
    // Both signs, and flat 0 away from the bumps (|x₂| > 4.5 is beyond every bump's reach).
    expect(y.some((v) => v > 0.8) && y.some((v) => v < -0.8)).toBe(true);
    X.forEach(([, b], i) => { if (Math.abs(b!) > 4.5) expect(y[i]).toBe(0); });
  });

  it('with noise reads the label at a displaced point, as plane does', () => {
    const { X, y } = gaussians({ n: 500, noise: 0.3, seed: 4 });
    // The same draws as plane's: the points are the same, the labels are read elsewhere.
    expect(X).toEqual(plane({ n: 500, noise: 0.3, seed: 4 }).X);
    expect(y).not.toEqual(X.map(([a, b]) => bumpLabel(a!, b!)));
    // A label moves by at most the slope (½) times the offset's length, 6·0.3·√2.
    y.forEach((v, i) => expect(Math.abs(v - bumpLabel(X[i]![0]!, X[i]![1]!))).toBeLessThanOrEqual(0.5 * 6 * 0.3 * Math.SQRT2 + 1e-12));
  });
});

describe('options', () => {
  it('are read by the one parser: unknown keys refused, n and noise checked, seed or rng', () => {
    for (const [name, gen] of [['plane', plane], ['gaussians', gaussians]] as const) {
      const cases: [object, typeof TypeError, string][] = [
        [{ n: 10, nois: 0.1 }, TypeError, `${name}: unknown option "nois" (expected one of n, noise, seed, rng)`],
        [{ n: 0 }, RangeError, `${name}: expected options.n to be an integer ≥ 1, got 0`],
        [{ n: '5' }, TypeError, `${name}: expected options.n to be an integer ≥ 1, got string "5"`],
        [{ noise: -0.5 }, RangeError, `${name}: expected options.noise to be finite and ≥ 0, got -0.5`],
        [{ seed: 1, rng: new Rng(1) }, TypeError, `${name}: give options.seed or options.rng, not both`],
        // Refused before anything is drawn: 2·n numbers past MAX_SIZE.
        [{ n: 2 ** 31 }, RangeError, `${name}: expected the number of values, samples × 2 features, to be at most 10000000 (MAX_SIZE), got 4294967296`],
      ];
      for (const [options, kind, message] of cases) {
        const err = thrown(() => gen(options as never)) as Error;
        expect(err).toBeInstanceOf(kind);
        expect(err.message).toBe(message);
      }
    }
  });
});
