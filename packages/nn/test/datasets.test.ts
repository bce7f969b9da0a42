import { describe, expect, it } from 'vitest';
import {
  blobs,
  circles,
  fromArrays,
  moons,
  parseCsv,
  signed,
  sine,
  spiral,
  trainTestSplit,
  xor,
  type Dataset,
} from '../src/datasets.js';
import { Rng } from '../src/random.js';

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
    expectError(() => moons({ n: 1 }), RangeError, 'moons: expected n to be an integer >= 2, got 1');
    expectError(() => moons({ n: 10.5 }), RangeError, 'moons: expected n to be an integer >= 2, got 10.5');
    expectError(() => moons({ n: '10' as unknown as number }), TypeError, 'moons: expected n to be a number, got "10"');
    expectError(() => moons({ noise: -0.1 }), RangeError, 'moons: expected noise to be a finite number >= 0, got -0.1');
    expectError(() => moons({ noise: NaN }), RangeError, 'moons: expected noise to be a finite number >= 0, got NaN');
    expectError(() => moons({ shuffle: 1 as unknown as boolean }), TypeError, 'moons: expected shuffle to be a boolean, got 1');
    expectError(() => moons({ seed: 1, rng: new Rng(1) }), TypeError, 'moons: give options.seed or options.rng, not both');
    expectError(() => moons({ rng: {} as Rng }), TypeError, 'moons: expected options.rng to be an Rng, got an object');
    expectError(() => moons({ seed: null as unknown as number }), TypeError, 'moons: expected options.seed to be a number or a string, got null');
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
    expectError(() => circles({ factor: 1 }), RangeError, 'circles: expected factor in [0, 1), got 1');
    expectError(() => circles({ factor: -0.1 }), RangeError, 'circles: expected factor in [0, 1), got -0.1');
    expectError(() => circles({ factor: '0.5' as unknown as number }), TypeError, 'circles: expected factor to be a number, got "0.5"');
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
    expectError(() => spiral({ n: 2, classes: 3 }), RangeError, 'spiral: expected n to be an integer >= 3, got 2');
    expectError(() => spiral({ classes: 1 }), RangeError, 'spiral: expected classes to be an integer >= 2, got 1');
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
    expectError(() => blobs({ centers: [[0, 0], [1]] }), RangeError, 'blobs: centers[1] has 1 columns, expected 2 as in centers[0]');
    expectError(() => blobs({ centers: [[0, NaN]] }), RangeError, 'blobs: expected a finite number at centers[0][1], got NaN');
    expectError(() => blobs({ centers: 0 }), RangeError, 'blobs: expected centers to be an integer >= 1, got 0');
    expectError(() => blobs({ centers: 'two' as unknown as number }), TypeError, 'blobs: expected centers to be a count or an array of points, got "two"');
    expectError(() => blobs({ centers: [[0, 0]], dim: 2 }), TypeError, 'blobs: dim and box only apply when centers is a count, not an array of points');
    expectError(() => blobs({ box: [1, 0] }), RangeError, 'blobs: expected box to be finite [lo, hi] with lo <= hi, got [1, 0]');
    expectError(() => blobs({ n: 2, centers: 3 }), RangeError, 'blobs: expected n to be an integer >= 3, got 2');
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
    expectError(() => sine({ interval: [0, Infinity] }), RangeError, 'sine: expected interval to be finite [lo, hi] with lo <= hi, got [0, Infinity]');
    expectError(() => sine({ interval: 3 as unknown as [number, number] }), TypeError, 'sine: expected interval to be [lo, hi], got 3');
  });
});

describe('signed', () => {
  it('maps 0/1 to -1/+1', () => {
    expect(signed([0, 1, 1, 0])).toEqual([-1, 1, 1, -1]);
  });

  it('rejects other labels, naming the index', () => {
    expectError(() => signed([0, 1, -1]), RangeError, 'signed: expected labels 0 or 1, got -1 at y[2]');
    expectError(() => signed([0, '1' as unknown as number]), RangeError, 'signed: expected labels 0 or 1, got "1" at y[1]');
    expectError(() => signed('01' as unknown as number[]), TypeError, 'signed: expected an array of 0/1 labels, got "01"');
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
    expectError(() => trainTestSplit(data, { testFraction: 1 }), RangeError, 'trainTestSplit: expected testFraction in (0, 1), got 1');
    expectError(() => trainTestSplit(data, { testFraction: 0 }), RangeError, 'trainTestSplit: expected testFraction in (0, 1), got 0');
    expectError(() => trainTestSplit(data, { testFraction: 0.001 }), RangeError, 'trainTestSplit: testFraction 0.001 of 100 rows leaves the test set empty');
    expectError(() => trainTestSplit(data, { testFraction: 0.999 }), RangeError, 'trainTestSplit: testFraction 0.999 of 100 rows leaves the training set empty');
    expectError(() => trainTestSplit({ X: [[1], [2]], y: [0] }), RangeError, 'trainTestSplit: expected y to have one value per row of X (2), got 1');
    expectError(() => trainTestSplit(null as unknown as Dataset), TypeError, 'trainTestSplit: expected a dataset { X, y }, got null');
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
    expectError(() => fromArrays([[1, 2], [3]], [0, 1]), RangeError, 'fromArrays: X[1] has 1 columns, expected 2 as in X[0]');
    expectError(() => fromArrays([[1, 2], [3, 'a' as unknown as number]], [0, 1]), TypeError, 'fromArrays: expected a number at X[1][1], got "a"');
    expectError(() => fromArrays([[1, NaN]], [0]), RangeError, 'fromArrays: expected a finite number at X[0][1], got NaN');
    expectError(() => fromArrays([[1, 2], [-Infinity, 2]], [0, 1]), RangeError, 'fromArrays: expected a finite number at X[1][0], got -Infinity');
    expectError(() => fromArrays([[1], [2], [3]], [0, 1]), RangeError, 'fromArrays: expected y to have one value per row of X (3), got 2');
    expectError(() => fromArrays([[1], [2]], [0, null as unknown as number]), TypeError, 'fromArrays: expected a number at y[1], got null');
    expectError(() => fromArrays([[1], [2]], [0, Infinity]), RangeError, 'fromArrays: expected a finite number at y[1], got Infinity');
    expectError(() => fromArrays([[1], 2 as unknown as number[]], [0, 1]), TypeError, 'fromArrays: expected X[1] to be an array of numbers, got 2');
    expectError(() => fromArrays([], []), RangeError, 'fromArrays: expected X to have at least one row, got none');
    expectError(() => fromArrays([[], []], [0, 1]), RangeError, 'fromArrays: expected rows of X to have at least one column, got none in X[0]');
    expectError(() => fromArrays({} as number[][], []), TypeError, 'fromArrays: expected X to be an array of rows, got an object');
    expectError(() => fromArrays([[1]], 'y' as unknown as number[]), TypeError, 'fromArrays: expected y to be an array of numbers, got "y"');
  });
});

describe('parseCsv', () => {
  it('reads a header, features in order and the last column as the label', () => {
    expect(parseCsv('x1,x2,label\n0.5,1.5,0\n-1,2e-3,1\n')).toEqual({ X: [[0.5, 1.5], [-1, 0.002]], y: [0, 1] });
  });

  it('detects a missing header, or takes the header option', () => {
    expect(parseCsv('1,2,0\n3,4,1')).toEqual({ X: [[1, 2], [3, 4]], y: [0, 1] });
    expect(parseCsv('1,2,0\n3,4,1', { header: true })).toEqual({ X: [[3, 4]], y: [1] });
    expectError(() => parseCsv('a,b\n1,2', { header: false }), RangeError, 'parseCsv: line 1, column 1: expected a number, got "a"');
  });

  it('takes the label column by index (negative from the end) or by name', () => {
    const text = 'y,a,b\n1,2,3\n4,5,6\n';
    expect(parseCsv(text, { label: 0 })).toEqual({ X: [[2, 3], [5, 6]], y: [1, 4] });
    expect(parseCsv(text, { label: -2 })).toEqual({ X: [[1, 3], [4, 6]], y: [2, 5] });
    expect(parseCsv(text, { label: 'b' })).toEqual({ X: [[1, 2], [4, 5]], y: [3, 6] });
  });

  it('handles CRLF, blank lines, whitespace, a BOM, quotes and other delimiters', () => {
    const text = '\uFEFF "x" ; "y y" ;label\r\n\r\n 1 ; +2 ; 0 \r\n   \r\n-.5;"3";1\r\n\r\n';
    expect(parseCsv(text, { delimiter: ';' })).toEqual({ X: [[1, 2], [-0.5, 3]], y: [0, 1] });
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' })).toEqual({ X: [[1]], y: [2] });
    expect(parseCsv('"a,b",c\n1,2', { label: 'c' })).toEqual({ X: [[1]], y: [2] });
    expect(parseCsv('1,2\r3,4\r')).toEqual({ X: [[1], [3]], y: [2, 4] });
  });

  it('names the line (blank lines counted) and column of a ragged row or a bad cell', () => {
    const text = 'x1,x2,label\n1,2,0\n\n3,4\n';
    expectError(() => parseCsv(text), RangeError, 'parseCsv: line 4 has 2 columns, expected 3 as on line 1');
    expectError(() => parseCsv('x1,x2,label\n1,2,0\n\n3,abc,1\n'), RangeError, 'parseCsv: line 4, column 2 ("x2"): expected a number, got "abc"');
    expectError(() => parseCsv('1,2,0\n3,,1'), RangeError, 'parseCsv: line 2, column 2: expected a number, got an empty cell');
    expectError(() => parseCsv('1,2,0\n3,4,1,5'), RangeError, 'parseCsv: line 2 has 4 columns, expected 3 as on line 1');
    for (const bad of ['0x10', 'Infinity', 'NaN', '1e', '1.2.3', '--1']) {
      expectError(() => parseCsv(`a,b\n1,${bad}`), RangeError, `parseCsv: line 2, column 2 ("b"): expected a number, got ${JSON.stringify(bad)}`);
    }
    expectError(() => parseCsv('a,b\n1,1e999'), RangeError, 'parseCsv: line 2, column 2 ("b"): expected a number, got "1e999"');
  });

  it('puts the source name in messages', () => {
    expectError(() => parseCsv('1,x', { source: 'data.csv' }), RangeError, 'parseCsv: data.csv, line 1, column 2: expected a number, got "x"');
  });

  it('rejects empty text, a header alone, a single column and bad options', () => {
    expectError(() => parseCsv('\n  \n'), RangeError, 'parseCsv: expected at least one row of data, got no non-blank lines');
    expectError(() => parseCsv('a,b\n'), RangeError, 'parseCsv: expected at least one row of data after the header on line 1');
    expectError(() => parseCsv('1\n2\n'), RangeError, 'parseCsv: expected at least 2 columns (features and a label), got 1 on line 1');
    expectError(() => parseCsv('a,b\n1,2', { label: 'c' }), RangeError, 'parseCsv: no column named "c" for the label; columns are "a", "b"');
    expectError(() => parseCsv('1,2', { label: 'c' }), RangeError, 'parseCsv: label "c" is a column name, but the text has no header');
    expectError(() => parseCsv('1,2', { label: 2 }), RangeError, 'parseCsv: expected label to be an integer index in [-2, 1] for 2 columns, got 2');
    expectError(() => parseCsv('1,2', { delimiter: '' }), RangeError, 'parseCsv: expected a delimiter that is not empty and has no quote or newline, got ""');
    expectError(() => parseCsv('1,2', { header: 'yes' as unknown as boolean }), TypeError, "parseCsv: expected header to be true, false or 'auto', got \"yes\"");
    expectError(() => parseCsv('"1,2\n3,4'), RangeError, 'parseCsv: line 1: a quoted cell is not closed (cells cannot span lines)');
    expectError(() => parseCsv('"1"x,2'), RangeError, 'parseCsv: line 1: unexpected text "x" after a quoted cell');
    expectError(() => parseCsv(42 as unknown as string), TypeError, 'parseCsv: expected CSV text as a string, got 42');
  });

  it('round-trips a generated dataset bit for bit', () => {
    const data = moons({ n: 30, noise: 0.1, seed: 11 });
    const text = ['x1,x2,label', ...data.X.map((row, i) => [...row, data.y[i]].join(','))].join('\n');
    expect(parseCsv(text)).toEqual(data);
  });
});
