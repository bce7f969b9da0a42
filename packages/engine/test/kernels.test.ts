import { describe, expect, it } from 'vitest';
import { addRun, dotRun, setRun, zeroRun } from '../src/kernels.js';

// The kernels must do exactly what the loops they replace did, element by
// element and in order: their results are compared bit for bit.

const filled = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const A = filled(40, (i) => Math.sin(i + 1) * 10 ** ((i % 7) - 3));
const B = filled(40, (i) => Math.cos(3 * i) * 10 ** ((i % 5) - 2));

describe('kernels', () => {
  for (const [sa, sb] of [[1, 1], [3, 1], [1, 2], [-1, 1]] as const) {
    const a = sa < 0 ? 39 : 2, b = 1, n = 12;
    it(`dotRun adds the products left to right (steps ${sa}, ${sb})`, () => {
      let want = 0.5;
      for (let k = 0; k < n; k++) want += A[a + sa * k]! * B[b + sb * k]!;
      expect(Object.is(dotRun(A, a, sa, B, b, sb, n, 0.5), want)).toBe(true);
      expect(Object.is(dotRun(A, a, sa, B, b, sb, 0, -0), -0)).toBe(true);
    });

    it(`addRun and setRun scale a run into another (steps ${sa}, ${sb})`, () => {
      const g = -0.37;
      const D = filled(40, (i) => i / 7), want = D.slice();
      for (let k = 0; k < n; k++) want[b + sb * k] += A[a + sa * k]! * g;
      addRun(D, b, sb, A, a, sa, n, g);
      expect(D).toEqual(want);
      for (let k = 0; k < n; k++) want[b + sb * k] = A[a + sa * k]! * g;
      setRun(D, b, sb, A, a, sa, n, g);
      expect(D).toEqual(want);
    });
  }

  it('zeroRun clears every place of a run and nothing else', () => {
    const D = filled(10, () => 1);
    zeroRun(D, 1, 3, 3);
    expect([...D]).toEqual([1, 0, 1, 1, 0, 1, 1, 0, 1, 1]);
  });

  it('keeps NaN, infinities and −0 as the written-out loop does', () => {
    const x = Float64Array.from([Infinity, -0, NaN, 1e308]), y = Float64Array.from([0, -1, 1, 10]);
    expect(dotRun(x, 0, 1, y, 0, 1, 1, -0)).toBeNaN(); // ∞ · 0
    expect(Object.is(dotRun(x, 1, 1, y, 1, 1, 1, -0), 0)).toBe(true); // −0 · −1 = +0
    expect(dotRun(x, 3, 1, y, 3, 1, 1, 0)).toBe(Infinity);
  });
});
