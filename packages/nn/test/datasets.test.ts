import { describe, expect, it } from 'vitest';
import {
  blobs,
  circles,
  fromArrays,
  moons,
  signed,
  sine,
  spiral,
  trainTestSplit,
  xor,
  type Dataset,
  type ShuffleOptions,
} from '../src/datasets.js';
import { gaussians, plane } from '../src/surfaces.js';
import { Rng } from '../src/random.js';
import { badInputs, thrown } from '../../../test/helpers.js';

function expectError(fn: () => unknown, kind: typeof TypeError | typeof RangeError, message: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(kind);
  expect((caught as Error).message).toBe(message);
}

// numpy.linspace, written out independently: start + i*step, last value exactly stop.
function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  const step = (stop - start) / (endpoint ? num - 1 : num);
  return Array.from({ length: num }, (_, i) => (endpoint && num > 1 && i === num - 1 ? stop : start + i * step));
}

function counts(y: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const label of y) out[label] = (out[label] ?? 0) + 1;
  return out;
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

// Rows with their labels, in a canonical order, to compare datasets up to shuffling.
function sortedRows(data: Dataset): string[] {
  return data.X.map((row, i) => JSON.stringify([...row, data.y[i]])).sort();
}

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThanOrEqual(tol)));
}

describe('moons', () => {
  it('has n rows of 2 features, n // 2 outer (0) and the rest inner (1)', () => {
    const { X, y } = moons({ n: 101, noise: 0.1, seed: 3 });
    expect(X).toHaveLength(101);
    expect(X.every((row) => row.length === 2)).toBe(true);
    expect(counts(y)).toEqual({ 0: 50, 1: 51 });
  });

  it('without noise or shuffling is exactly the make_moons formulas', () => {
    const n = 9;
    const { X, y } = moons({ n, noise: 0, shuffle: false });
    const outer = linspace(0, Math.PI, 4).map((t) => [Math.cos(t), Math.sin(t)]);
    const inner = linspace(0, Math.PI, 5).map((t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5]);
    expect(X).toEqual([...outer, ...inner]);
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("matches scikit-learn's make_moons(7, shuffle=False) as printed by numpy", () => {
    const sklearn = [
      [1.0, 0.0],
      [6.123233995736766e-17, 1.0],
      [-1.0, 1.2246467991473532e-16],
      [0.0, 0.5],
      [0.4999999999999999, -0.3660254037844386],
      [1.4999999999999998, -0.3660254037844387],
      [2.0, 0.4999999999999999],
    ];
    expectClose(moons({ n: 7, shuffle: false }).X, sklearn, 1e-15);
  });

  it('shuffling permutes rows and labels together', () => {
    const plain = moons({ n: 40, shuffle: false });
    const shuffled = moons({ n: 40, seed: 8 });
    expect(shuffled.X).not.toEqual(plain.X);
    expect(sortedRows(shuffled)).toEqual(sortedRows(plain));
  });

  it('adds Gaussian noise with standard deviation `noise` to every coordinate', () => {
    const clean = moons({ n: 4000, shuffle: false });
    const noisy = moons({ n: 4000, shuffle: false, noise: 0.3, seed: 5 });
    expect(noisy.y).toEqual(clean.y);
    for (const j of [0, 1]) {
      const { mean, std } = meanStd(noisy.X.map((row, i) => row[j]! - clean.X[i]![j]!));
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(std).toBeGreaterThan(0.28);
      expect(std).toBeLessThan(0.32);
    }
  });

  it('is bit-identical for the same seed, equal for the same Rng stream, and differs across seeds', () => {
    const a = moons({ n: 50, noise: 0.1, seed: 42 });
    expect(moons({ n: 50, noise: 0.1, seed: 42 })).toEqual(a);
    expect(moons({ n: 50, noise: 0.1, rng: new Rng(42) })).toEqual(a);
    expect(moons({ n: 50, noise: 0.1, seed: 43 }).X).not.toEqual(a.X);
  });

  it('pins the seeded, shuffled, noisy output of moons and circles (values from before they shared twoCurves)', () => {
    expect(moons({ n: 5, noise: 0.1, seed: 7 })).toEqual({
      X: [[1.9904390877196003, 0.5007722756434277], [0.9958418956555543, -0.6707483442495474], [0.07093742897750832, 0.5356508209591584], [1.045428915264701, 0.09832205699110652], [-0.9462818022638277, -0.1099180273992633]],
      y: [1, 1, 1, 0, 0],
    });
    expect(circles({ n: 5, noise: 0.1, seed: 7, factor: 0.5 })).toEqual({
      X: [[-0.2595609122803998, -0.4322404262487914], [-0.2541581043444456, 0.262264357642672], [0.5709374289775083, 0.03565082095915836], [1.045428915264701, 0.09832205699110652], [-0.9462818022638277, -0.1099180273992633]],
      y: [1, 1, 1, 0, 0],
    });
  });

  it('defaults to 100 samples, no noise, seed 0', () => {
    const d = moons();
    expect(d.X).toHaveLength(100);
    expect(d).toEqual(moons({ n: 100, noise: 0, seed: 0 }));
  });

  it('rejects bad sizes, noise and random sources', () => {
    expectError(() => moons({ n: 1 }), RangeError, 'moons: expected options.n to be an integer ≥ 2, got 1');
    expectError(() => moons({ n: 10.5 }), RangeError, 'moons: expected options.n to be an integer ≥ 2, got 10.5');
    expectError(() => moons({ n: '10' as unknown as number }), TypeError, 'moons: expected options.n to be an integer ≥ 2, got string "10"');
    expectError(() => moons({ noise: -0.1 }), RangeError, 'moons: expected options.noise to be finite and ≥ 0, got -0.1');
    expectError(() => moons({ noise: NaN }), RangeError, 'moons: expected options.noise to be finite and ≥ 0, got NaN');
    expectError(() => moons({ shuffle: 1 as unknown as boolean }), TypeError, 'moons: expected options.shuffle to be a boolean, got number 1');
    expectError(() => moons({ seed: 1, rng: new Rng(1) }), TypeError, 'moons: give options.seed or options.rng, not both');
    expectError(() => moons({ rng: {} as Rng }), TypeError, 'moons: expected options.rng to be an Rng, got an object');
    expectError(() => moons({ seed: null as unknown as number }), TypeError, 'moons: expected options.seed to be a number or a string, got null');
    expectError(() => moons(5 as unknown as ShuffleOptions), TypeError, 'moons: expected options to be an object, got number 5');
  });
});

describe('circles', () => {
  it('without noise or shuffling is exactly the make_circles formulas', () => {
    const { X, y } = circles({ n: 9, factor: 0.3, shuffle: false });
    const outer = linspace(0, 2 * Math.PI, 4, false).map((t) => [Math.cos(t), Math.sin(t)]);
    const inner = linspace(0, 2 * Math.PI, 5, false).map((t) => [Math.cos(t) * 0.3, Math.sin(t) * 0.3]);
    expect(X).toEqual([...outer, ...inner]);
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("matches scikit-learn's make_circles(7, factor=0.5, shuffle=False) as printed by numpy", () => {
    const sklearn = [
      [1.0, 0.0],
      [-0.4999999999999998, 0.8660254037844387],
      [-0.5000000000000004, -0.8660254037844384],
      [0.5, 0.0],
      [3.061616997868383e-17, 0.5],
      [-0.5, 6.123233995736766e-17],
      [-9.184850993605148e-17, -0.5],
    ];
    expectClose(circles({ n: 7, factor: 0.5, shuffle: false }).X, sklearn, 1e-15);
  });

  it('puts class 0 on the unit circle and class 1 at radius factor (default 0.8)', () => {
    const { X, y } = circles({ n: 60, seed: 2 });
    expect(counts(y)).toEqual({ 0: 30, 1: 30 });
    X.forEach((row, i) => expect(Math.hypot(row[0]!, row[1]!)).toBeCloseTo(y[i] === 0 ? 1 : 0.8, 14));
  });

  it('is deterministic per seed and noisy when asked', () => {
    const a = circles({ n: 30, noise: 0.05, seed: 'abc' });
    expect(circles({ n: 30, noise: 0.05, seed: 'abc' })).toEqual(a);
    expect(circles({ n: 30, noise: 0.05, seed: 'abd' }).X).not.toEqual(a.X);
    const radii = a.X.map((row) => Math.hypot(row[0]!, row[1]!));
    expect(radii.some((r) => Math.abs(r - 1) > 1e-3 && Math.abs(r - 0.8) > 1e-3)).toBe(true);
  });

  it('rejects a factor outside [0, 1)', () => {
    expectError(() => circles({ factor: 1 }), RangeError, 'circles: expected options.factor to be in [0, 1), got 1');
    expectError(() => circles({ factor: -0.1 }), RangeError, 'circles: expected options.factor to be in [0, 1), got -0.1');
    expectError(() => circles({ factor: '0.5' as unknown as number }), TypeError, 'circles: expected options.factor to be in [0, 1), got string "0.5"');
  });
});

describe('spiral', () => {
  it('without noise is exactly the CS231n arms, n split across classes', () => {
    const { X, y } = spiral({ n: 10, classes: 3, shuffle: false });
    expect(counts(y)).toEqual({ 0: 4, 1: 3, 2: 3 });
    const expected = [4, 3, 3].flatMap((count, j) => {
      const r = linspace(0, 1, count);
      return linspace(j * 4, (j + 1) * 4, count).map((t, i) => [r[i]! * Math.sin(t), r[i]! * Math.cos(t)]);
    });
    expect(X).toEqual(expected);
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('puts noise on the angle only, so each point keeps its radius', () => {
    const clean = spiral({ n: 300, shuffle: false });
    const noisy = spiral({ n: 300, noise: 0.2, shuffle: false, seed: 1 });
    expect(noisy.y).toEqual(clean.y);
    noisy.X.forEach((row, i) => expect(Math.hypot(row[0]!, row[1]!)).toBeCloseTo(Math.hypot(clean.X[i]![0]!, clean.X[i]![1]!), 12));
    expect(noisy.X).not.toEqual(clean.X);
  });

  it('has k labels 0..k-1, is deterministic and shuffles by default', () => {
    const a = spiral({ n: 100, classes: 5, noise: 0.2, seed: 9 });
    expect(counts(a.y)).toEqual({ 0: 20, 1: 20, 2: 20, 3: 20, 4: 20 });
    expect(a).toEqual(spiral({ n: 100, classes: 5, noise: 0.2, seed: 9 }));
    expect(spiral({ n: 100, classes: 5, noise: 0.2, seed: 10 }).X).not.toEqual(a.X);
    expect(a.y).not.toEqual([...a.y].sort((p, q) => p - q));
  });

  it('rejects fewer samples than classes and bad class counts', () => {
    expectError(() => spiral({ n: 2, classes: 3 }), RangeError, 'spiral: expected options.n to be an integer ≥ 3 (one sample per class), got 2');
    expectError(() => spiral({ classes: 1 }), RangeError, 'spiral: expected options.classes to be an integer ≥ 2, got 1');
  });
});

describe('xor', () => {
  it('labels points in [-1, 1)² by whether exactly one coordinate is positive', () => {
    const { X, y } = xor({ n: 400, seed: 4 });
    expect(X).toHaveLength(400);
    X.forEach(([a, b], i) => {
      expect(a! >= -1 && a! < 1 && b! >= -1 && b! < 1).toBe(true);
      expect(y[i]).toBe(a! > 0 !== b! > 0 ? 1 : 0);
    });
    const c = counts(y);
    expect(c[0]! + c[1]!).toBe(400);
    expect(Math.abs(c[0]! - c[1]!)).toBeLessThan(80);
  });

  it('adds noise to the coordinates after labelling', () => {
    const clean = xor({ n: 2000, seed: 6 });
    const noisy = xor({ n: 2000, seed: 6, noise: 0.1 });
    expect(noisy.y).toEqual(clean.y);
    const { std } = meanStd(noisy.X.map((row, i) => row[0]! - clean.X[i]![0]!));
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
  });

  it('is deterministic per seed', () => {
    expect(xor({ n: 20, noise: 0.1, seed: 1 })).toEqual(xor({ n: 20, noise: 0.1, seed: 1 }));
    expect(xor({ n: 20, noise: 0.1, seed: 2 }).X).not.toEqual(xor({ n: 20, noise: 0.1, seed: 1 }).X);
  });
});

describe('blobs', () => {
  it('with given centers and no noise puts every point on its center', () => {
    const centers = [[0, 0, 0], [5, 5, 5]];
    const { X, y } = blobs({ n: 7, centers, noise: 0, shuffle: false });
    expect(y).toEqual([0, 0, 0, 0, 1, 1, 1]);
    X.forEach((row, i) => expect(row).toEqual(centers[y[i]!]));
  });

  it('draws clusters with standard deviation `noise` (default 1) around the centers', () => {
    const centers = [[-3, 2], [4, 4]];
    const { X, y } = blobs({ n: 4000, centers, seed: 7 });
    expect(counts(y)).toEqual({ 0: 2000, 1: 2000 });
    for (const k of [0, 1]) {
      for (const j of [0, 1]) {
        const { mean, std } = meanStd(X.filter((_, i) => y[i] === k).map((row) => row[j]!));
        expect(Math.abs(mean - centers[k]![j]!)).toBeLessThan(0.08);
        expect(Math.abs(std - 1)).toBeLessThan(0.06);
      }
    }
  });

  it('draws k centers in the box when given a count, in `dim` dimensions', () => {
    const { X, y } = blobs({ n: 12, centers: 4, dim: 3, box: [2, 3], noise: 0, shuffle: false, seed: 1 });
    expect(counts(y)).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });
    expect(X.every((row) => row.length === 3 && row.every((v) => v >= 2 && v < 3))).toBe(true);
    expect(new Set(X.map((row) => JSON.stringify(row))).size).toBe(4);
  });

  it('is deterministic per seed', () => {
    const a = blobs({ n: 30, seed: 3 });
    expect(a.X[0]).toHaveLength(2);
    expect(counts(a.y)).toEqual({ 0: 10, 1: 10, 2: 10 });
    expect(blobs({ n: 30, seed: 3 })).toEqual(a);
    expect(blobs({ n: 30, seed: 4 }).X).not.toEqual(a.X);
  });

  it('rejects bad centers, boxes and sizes', () => {
    expectError(() => blobs({ centers: [[0, 0], [1]] }), RangeError, 'blobs: expected options.centers[1] to have 2 columns as options.centers[0] does, got 1');
    expectError(() => blobs({ centers: [[0, NaN]] }), RangeError, 'blobs: expected options.centers[0][1] to be a finite number, got NaN');
    expectError(() => blobs({ centers: 0 }), RangeError, 'blobs: expected options.centers to be an integer ≥ 1, got 0');
    expectError(() => blobs({ centers: 'two' as unknown as number }), TypeError, 'blobs: expected options.centers to be a count or an array of points, got string "two"');
    expectError(() => blobs({ centers: [[0, 0]], dim: 2 }), TypeError, 'blobs: options.dim and options.box only apply when options.centers is a count, not an array of points');
    expectError(() => blobs({ box: [1, 0] }), RangeError, 'blobs: expected options.box to be [lo, hi] with lo ≤ hi, got [1, 0]');
    expectError(() => blobs({ n: 2, centers: 3 }), RangeError, 'blobs: expected options.n to be an integer ≥ 3 (one sample per class), got 2');
  });
});

describe('sine', () => {
  it('without noise has y = sin(x) exactly, x in the interval', () => {
    const { X, y } = sine({ n: 200, interval: [0, 2], seed: 1 });
    expect(X.every((row) => row.length === 1 && row[0]! >= 0 && row[0]! < 2)).toBe(true);
    expect(y).toEqual(X.map(([x]) => Math.sin(x!)));
  });

  it('adds Gaussian noise to y only, deterministically', () => {
    const clean = sine({ n: 3000, seed: 2 });
    const noisy = sine({ n: 3000, noise: 0.2, seed: 2 });
    expect(noisy.X.every(([x]) => x! >= -Math.PI && x! < Math.PI)).toBe(true);
    const { mean, std } = meanStd(noisy.y.map((v, i) => v - Math.sin(noisy.X[i]![0]!)));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.2)).toBeLessThan(0.015);
    expect(noisy.y).not.toEqual(clean.y);
    expect(sine({ n: 3000, noise: 0.2, seed: 2 })).toEqual(noisy);
  });

  it('rejects a bad interval', () => {
    expectError(() => sine({ interval: [0, Infinity] }), RangeError, 'sine: expected options.interval[1] to be a finite number, got Infinity');
    expectError(() => sine({ interval: 3 as unknown as [number, number] }), TypeError, 'sine: expected options.interval to be an array, got number 3');
    expectError(() => sine({ interval: [1] as unknown as [number, number] }), RangeError, 'sine: expected options.interval to have 2 entries, got 1');
  });
});

describe('signed', () => {
  it('maps 0/1 to -1/+1', () => {
    expect(signed([0, 1, 1, 0])).toEqual([-1, 1, 1, -1]);
  });

  it('rejects other labels, naming the index', () => {
    expectError(() => signed([0, 1, -1]), RangeError, 'signed: expected y[2] to be 0 or 1, got -1');
    expectError(() => signed([0, '1' as unknown as number]), TypeError, 'signed: expected y[1] to be 0 or 1, got string "1"');
    expectError(() => signed('01' as unknown as number[]), TypeError, 'signed: expected y to be an array, got string "01"');
  });
});

describe('trainTestSplit', () => {
  const data = fromArrays(Array.from({ length: 100 }, (_, i) => [i, -i]), Array.from({ length: 100 }, (_, i) => i % 2));

  it('splits into disjoint sets covering every row once, rows kept with their labels', () => {
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed: 1 });
    expect(train.X).toHaveLength(80);
    expect(test.X).toHaveLength(20);
    expect(train.y).toHaveLength(80);
    const ids = [...train.X, ...test.X].map((row) => row[0]!);
    expect([...ids].sort((a, b) => a - b)).toEqual(data.X.map((row) => row[0]));
    for (const part of [train, test]) part.X.forEach((row, i) => expect(part.y[i]).toBe(row[0]! % 2));
    expect(train.X.map((row) => row[0])).not.toEqual(data.X.slice(0, 80).map((row) => row[0]));
  });

  it('defaults to a quarter for testing and rounds to whole rows', () => {
    expect(trainTestSplit(data).test.X).toHaveLength(25);
    const small = fromArrays([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(trainTestSplit(small, { testFraction: 0.3 }).test.X).toHaveLength(3);
  });

  it('is deterministic per seed and copies rows', () => {
    const a = trainTestSplit(data, { seed: 5 });
    expect(trainTestSplit(data, { seed: 5 })).toEqual(a);
    expect(trainTestSplit(data, { rng: new Rng(5) })).toEqual(a);
    expect(trainTestSplit(data, { seed: 6 }).test.X).not.toEqual(a.test.X);
    a.train.X[0]![0] = 1e9;
    expect(data.X.some((row) => row[0] === 1e9)).toBe(false);
  });

  it('rejects bad fractions, empty sides and malformed data', () => {
    expectError(() => trainTestSplit(data, { testFraction: 1 }), RangeError, 'trainTestSplit: expected options.testFraction to be in (0, 1), got 1');
    expectError(() => trainTestSplit(data, { testFraction: 0 }), RangeError, 'trainTestSplit: expected options.testFraction to be in (0, 1), got 0');
    expectError(() => trainTestSplit(data, { testFraction: 0.001 }), RangeError, 'trainTestSplit: testFraction 0.001 of 100 rows leaves the test set empty');
    expectError(() => trainTestSplit(data, { testFraction: 0.999 }), RangeError, 'trainTestSplit: testFraction 0.999 of 100 rows leaves the training set empty');
    expectError(() => trainTestSplit({ X: [[1], [2]], y: [0] }), RangeError, 'trainTestSplit: expected data.y to have one value per row of data.X (2), got 1');
    expectError(() => trainTestSplit(null as unknown as Dataset), TypeError, 'trainTestSplit: expected data to be a dataset { X, y }, got null');
    expectError(() => trainTestSplit(data, { stratify: 'yes' as unknown as boolean }), TypeError, 'trainTestSplit: expected options.stratify to be a boolean, got string "yes"');
  });
});

describe('fromArrays', () => {
  it('returns validated copies', () => {
    const X = [[1, 2], [3, 4]];
    const y = [0, 1];
    const data = fromArrays(X, y);
    expect(data).toEqual({ X: [[1, 2], [3, 4]], y: [0, 1] });
    X[0]![0] = 99;
    y[1] = 7;
    expect(data).toEqual({ X: [[1, 2], [3, 4]], y: [0, 1] });
  });

  it('names the row and column of every bad input', () => {
    expectError(() => fromArrays([[1, 2], [3]], [0, 1]), RangeError, 'fromArrays: expected X[1] to have 2 columns as X[0] does, got 1');
    expectError(() => fromArrays([[1, 2], [3, 'a' as unknown as number]], [0, 1]), TypeError, 'fromArrays: expected X[1][1] to be a finite number, got string "a"');
    expectError(() => fromArrays([[1, NaN]], [0]), RangeError, 'fromArrays: expected X[0][1] to be a finite number, got NaN');
    expectError(() => fromArrays([[1, 2], [-Infinity, 2]], [0, 1]), RangeError, 'fromArrays: expected X[1][0] to be a finite number, got -Infinity');
    expectError(() => fromArrays([[1], [2], [3]], [0, 1]), RangeError, 'fromArrays: expected y to have one value per row of X (3), got 2');
    expectError(() => fromArrays([[1], [2]], [0, null as unknown as number]), TypeError, 'fromArrays: expected y[1] to be a finite number, got null');
    expectError(() => fromArrays([[1], [2]], [0, Infinity]), RangeError, 'fromArrays: expected y[1] to be a finite number, got Infinity');
    expectError(() => fromArrays([[1], 2 as unknown as number[]], [0, 1]), TypeError, 'fromArrays: expected X[1] to be an array of numbers, got number 2');
    expectError(() => fromArrays([], []), RangeError, 'fromArrays: expected X to have at least one row, got none');
    expectError(() => fromArrays([[], []], [0, 1]), RangeError, 'fromArrays: expected the rows of X to have at least one column, got none in X[0]');
    expectError(() => fromArrays({} as number[][], []), TypeError, 'fromArrays: expected X to be an array of rows, got an object');
    expectError(() => fromArrays([[1]], 'y' as unknown as number[]), TypeError, 'fromArrays: expected y to be an array, got string "y"');
    expectError(() => fromArrays([[1, 2], [3, 4, 5]], [0, 1]), RangeError, 'fromArrays: expected X[1] to have 2 columns as X[0] does, got 3');
  });
});

describe('small n (a one-point linspace is [start], as in numpy)', () => {
  it("moons n = 2 and n = 3 are scikit-learn's make_moons(2) and make_moons(3), no NaN", () => {
    expect(moons({ n: 2, shuffle: false }).X).toEqual([[1, 0], [0, 0.5]]);
    expectClose(moons({ n: 3, shuffle: false }).X, [[1, 0], [0, 0.5], [2, 0.5]], 1e-15);
    expect(moons({ n: 3, noise: 0.1, seed: 2 }).X.flat().every(Number.isFinite)).toBe(true);
  });

  it('spiral with one point on an arm puts it at the centre', () => {
    const { X, y } = spiral({ n: 4, classes: 3, shuffle: false });
    expect(y).toEqual([0, 0, 1, 2]);
    expectClose(X, [[0, 0], [Math.sin(4), Math.cos(4)], [0, 0], [0, 0]], 0);
    expect(spiral({ n: 3, classes: 3, noise: 0.2, seed: 1 }).X.flat().every(Number.isFinite)).toBe(true);
  });

  it('circles n = 2 and n = 3 are finite', () => {
    expect(circles({ n: 2, shuffle: false, factor: 0.5 }).X).toEqual([[1, 0], [0.5, 0]]);
    expect(circles({ n: 3, seed: 1 }).X.flat().every(Number.isFinite)).toBe(true);
  });
});

describe('options, read by one parser', () => {
  const calls: [string, (o: never) => unknown][] = [
    ['moons', moons], ['circles', circles], ['spiral', spiral], ['xor', xor], ['blobs', blobs], ['sine', sine],
    ['plane', plane], ['gaussians', gaussians],
    ['trainTestSplit', (o) => trainTestSplit(fromArrays([[1], [2], [3], [4]], [0, 1, 0, 1]), o)],
  ];

  it('every generator and trainTestSplit refuses unknown keys, naming the ones it takes', () => {
    for (const [name, call] of calls) {
      const err = thrown(() => call({ sed: 1 } as never)) as TypeError;
      expect(err, name).toBeInstanceOf(TypeError);
      expect(err.message, name).toMatch(new RegExp(`^${name}: unknown option "sed" \\(expected one of .*\\bseed\\b.*\\)$`));
    }
    expectError(() => moons({ n: 10, nois: 0.1 } as ShuffleOptions), TypeError, 'moons: unknown option "nois" (expected one of n, noise, seed, rng, shuffle)');
  });

  it('every generator words a wrong kind of n the same way, with the engine’s describe', () => {
    for (const [name, call] of calls.slice(0, 8)) {
      for (const [bad, said] of badInputs.filter(([v]) => v !== undefined)) {
        const err = thrown(() => call({ n: bad } as never)) as TypeError;
        expect(err, `${name} ${said}`).toBeInstanceOf(TypeError);
        expect(err.message).toMatch(new RegExp(`^${name}: expected options\\.n to be an integer ≥ \\d, got ${said.replace(/[()[\]]/g, '\\$&')}$`));
      }
    }
  });

  it('checks everything before drawing from a given Rng', () => {
    const bad: [string, () => unknown][] = [
      ['moons', () => moons({ rng, noise: -1 })],
      ['spiral', () => spiral({ rng, n: 2 })],
      ['blobs', () => blobs({ rng, centers: [[0, 0]], dim: 2 })],
      ['blobs', () => blobs({ rng, box: [2, 1] })],
      ['sine', () => sine({ rng, interval: [1, 0] })],
      ['trainTestSplit', () => trainTestSplit({ X: [[1], [2]], y: [0, NaN] }, { rng })],
      ['trainTestSplit', () => trainTestSplit(fromArrays([[1], [2], [3]], [0, 0, 1]), { rng, stratify: true })],
    ];
    const rng = new Rng(3);
    const before = JSON.stringify(rng.state());
    for (const [name, call] of bad) {
      expect(thrown(call), name).toBeInstanceOf(Error);
      expect(JSON.stringify(rng.state()), name).toBe(before);
    }
  });
});

describe('trainTestSplit with stratify', () => {
  // 60 rows of class 0, 30 of class 1, 10 of class 2 (labels need not be 0..k-1: 7 is a class too).
  const y = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(7)] as number[];
  const data = fromArrays(y.map((_, i) => [i]), y);

  it('splits every class in the same proportion, disjoint, covering every row once', () => {
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, stratify: true, seed: 4 });
    expect(counts(test.y)).toEqual({ 0: 12, 1: 6, 7: 2 });
    expect(counts(train.y)).toEqual({ 0: 48, 1: 24, 7: 8 });
    expect([...train.X, ...test.X].map((r) => r[0]!).sort((a, b) => a - b)).toEqual(data.X.map((r) => r[0]));
    for (const part of [train, test]) part.X.forEach((row, i) => expect(part.y[i]).toBe(y[row[0]!]));
  });

  it('shares out rounding by the largest remainders, so the class counts add up to the test size', () => {
    // 0.25 of 100 = 25 test rows: exact shares 15, 7.5 and 2.5; the one row left goes to class 1 or 7.
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const c = counts(trainTestSplit(data, { stratify: true, seed }).test.y);
      expect(c[0]).toBe(15);
      expect(c[1]! + c[7]!).toBe(10);
      seen.add(`${c[1]}/${c[7]}`);
    }
    expect([...seen].sort()).toEqual(['7/3', '8/2']);
  });

  it('shuffles each side, is deterministic per seed, and equals a given Rng stream', () => {
    const a = trainTestSplit(data, { stratify: true, seed: 9 });
    expect(trainTestSplit(data, { stratify: true, rng: new Rng(9) })).toEqual(a);
    expect(trainTestSplit(data, { stratify: true, seed: 10 }).test).not.toEqual(a.test);
    expect(a.test.y).not.toEqual([...a.test.y].sort((p, q) => p - q));
  });

  it('needs two rows of each class, and one test and one training row per class', () => {
    expectError(() => trainTestSplit(fromArrays([[1], [2], [3]], [0, 0, 1]), { stratify: true }), RangeError,
      'trainTestSplit: stratify needs at least 2 rows of each class, but class 1 has 1');
    expectError(() => trainTestSplit(data, { stratify: true, testFraction: 0.02 }), RangeError,
      'trainTestSplit: stratify needs at least one test and one training row per class (3 classes), but testFraction 0.02 of 100 rows gives 2 test and 98 training rows');
  });
});
