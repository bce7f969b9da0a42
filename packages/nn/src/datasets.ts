import {
  arrayOf, atLeast, between, bool, finite, optional, parseOptions, rangeError, typeError, withDefault, rate, type Check,
} from '@ugrad/engine/internal';
import { RANDOM_SCHEMA, rngFrom, type Rng, type RandomOptions } from './random.js';
import { withinMaxSize } from './limits.js';
import { labels, rows } from './rows.js';

export { parseCsv, type CsvOptions } from './csv.js';
export { trainTestSplit, type SplitOptions, type Split } from './split.js';

// Toy datasets as plain arrays, so they print, serialise and plot without ceremony.
// This file must run in a browser: file reading lives in `node.ts`.

/**
 * Rows of features and one target per row. For classification `y` holds class
 * indices `0..k-1`; for regression, any numbers.
 */
export interface Dataset {
  /** One row of features per sample, all of the same length. */
  X: number[][];
  /** One target per row of `X`. */
  y: number[];
}

/** Options shared by every generator. */
export interface GeneratorOptions extends RandomOptions {
  /** Number of samples in total, at least one per class (default 100). */
  n?: number;
  /** Standard deviation of the Gaussian noise (default 0; see each generator for what it perturbs). */
  noise?: number;
}

/** Options for generators that, like scikit-learn's, shuffle their rows. */
export interface ShuffleOptions extends GeneratorOptions {
  /** Shuffle the rows with the generator's Rng (default true, as in scikit-learn); false keeps class order. */
  shuffle?: boolean;
}

// The option schemas: every key a generator takes, with its check and default.
/** @internal The options every generator takes (`n`, `noise`, `seed`, `rng`), for parseOptions. */
export const GENERATOR = { n: withDefault(atLeast(1), 100), noise: withDefault(rate, 0), ...RANDOM_SCHEMA };
const SHUFFLE = { ...GENERATOR, shuffle: withDefault(bool, true) };

/**
 * Two interleaving half circles: the definition of scikit-learn's `make_moons`.
 * The first `n // 2` points (label 0) lie on the upper unit half circle, the rest
 * (label 1) on a lower half circle shifted to (1, 0.5); as in scikit-learn the rows
 * are shuffled, then `noise` is added to every coordinate.
 *
 * @example
 * const { X, y } = moons({ n: 100, noise: 0.1, seed: 1337 }); // micrograd's demo set-up
 */
export function moons(options: ShuffleOptions = {}): Dataset {
  const o = parseOptions('moons', options, { ...SHUFFLE, n: withDefault(atLeast(2), 100) });
  sized('moons', o.n, 2);
  return twoCurves(
    o,
    rngFrom(o, 'moons'),
    (count) => linspace(0, Math.PI, count),
    (t) => [Math.cos(t), Math.sin(t)],
    (t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5],
  );
}

/** Options for {@link circles}. */
export interface CirclesOptions extends ShuffleOptions {
  /** Radius of the inner circle relative to the outer one, in [0, 1) (default 0.8, as in scikit-learn). */
  factor?: number;
}

/**
 * A small circle inside a large one: the definition of scikit-learn's `make_circles`.
 * The first `n // 2` points (label 0) are evenly spaced on the unit circle, the rest
 * (label 1) on a circle of radius `factor`; rows are shuffled, then `noise` is added
 * to every coordinate.
 *
 * @example
 * const { X, y } = circles({ n: 200, noise: 0.05, factor: 0.5, seed: 0 });
 */
export function circles(options: CirclesOptions = {}): Dataset {
  const o = parseOptions('circles', options, {
    ...SHUFFLE, n: withDefault(atLeast(2), 100), factor: withDefault(between(0, 1, { hi: true }), 0.8),
  });
  sized('circles', o.n, 2);
  return twoCurves(
    o,
    rngFrom(o, 'circles'),
    (count) => linspace(0, 2 * Math.PI, count, false),
    (t) => [Math.cos(t), Math.sin(t)],
    (t) => [Math.cos(t) * o.factor, Math.sin(t) * o.factor],
  );
}

/** Options for {@link spiral}. */
export interface SpiralOptions extends ShuffleOptions {
  /** Number of arms, one class each (default 3, as in CS231n). */
  classes?: number;
}

/**
 * Interleaved spiral arms, one per class, as in CS231n's "spiral data": arm `j` has
 * radius `r = linspace(0, 1)` and angle `t = linspace(4j, 4(j+1)) + noise`, and point
 * `(r sin t, r cos t)`. Here `noise` perturbs the angle (CS231n uses 0.2). The `n`
 * samples are split as evenly as possible, earlier classes taking the remainder.
 *
 * @example
 * const { X, y } = spiral({ n: 300, classes: 3, noise: 0.2, seed: 0 });
 */
export function spiral(options: SpiralOptions = {}): Dataset {
  const o = parseOptions('spiral', options, { ...SHUFFLE, classes: withDefault(atLeast(2), 3) });
  const { n, noise, classes } = o;
  sized('spiral', n, 2);
  onePerClass('spiral', n, classes);
  const rng = rngFrom(o, 'spiral');
  const X: number[][] = [];
  const y: number[] = [];
  splitCounts(n, classes).forEach((count, j) => {
    const r = linspace(0, 1, count);
    const t = linspace(j * 4, (j + 1) * 4, count);
    for (let i = 0; i < count; i++) {
      const angle = noise === 0 ? t[i]! : t[i]! + rng.normal(0, noise);
      X.push([r[i]! * Math.sin(angle), r[i]! * Math.cos(angle)]);
      y.push(j);
    }
  });
  return o.shuffle ? shuffleRows({ X, y }, rng) : { X, y };
}

/**
 * The XOR problem: points uniform in the square [-1, 1)², labelled 1 where exactly
 * one coordinate is positive (quadrants II and IV) and 0 elsewhere; `noise` is then
 * added to every coordinate, so noisy points may sit across the axes from their label.
 *
 * @example
 * const { X, y } = xor({ n: 200, noise: 0.05, seed: 0 });
 */
export function xor(options: GeneratorOptions = {}): Dataset {
  const o = parseOptions('xor', options, GENERATOR);
  sized('xor', o.n, 2);
  const rng = rngFrom(o, 'xor');
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    X.push([a, b]);
    y.push(a > 0 !== b > 0 ? 1 : 0);
  }
  addNoise(X, o.noise, rng);
  return { X, y };
}

/** Options for {@link blobs}. */
export interface BlobsOptions extends ShuffleOptions {
  /** Cluster centers, one per class, or how many to draw uniformly from `box` (default 3). */
  centers?: number | number[][];
  /** Features per sample when the centers are drawn (default 2). */
  dim?: number;
  /** The interval each coordinate of a drawn center comes from (default [-10, 10], as in scikit-learn). */
  box?: [number, number];
}

const centersCheck: Check<number | number[][]> = (x, where, what) => {
  if (typeof x === 'number') return atLeast(1)(x, where, what);
  if (Array.isArray(x)) return rows(x, where, what);
  throw typeError(where, what, 'a count or an array of points', x);
};

/**
 * Gaussian clusters, one per class, after scikit-learn's `make_blobs`. Here `noise`
 * is the clusters' standard deviation and defaults to 1 (scikit-learn's `cluster_std`).
 * The `n` samples are split as evenly as possible, earlier clusters taking the remainder.
 *
 * @example
 * const { X, y } = blobs({ n: 150, centers: [[0, 0], [4, 4]], noise: 0.5, seed: 0 });
 */
export function blobs(options: BlobsOptions = {}): Dataset {
  const o = parseOptions('blobs', options, {
    ...SHUFFLE, noise: withDefault(rate, 1), centers: withDefault(centersCheck, 3),
    dim: optional(atLeast(1)), box: optional(interval),
  });
  const given = o.centers;
  const classes = typeof given === 'number' ? given : given.length;
  if (typeof given !== 'number' && (o.dim !== undefined || o.box !== undefined)) {
    throw new TypeError('blobs: options.dim and options.box only apply when options.centers is a count, not an array of points');
  }
  sized('blobs', o.n, typeof given === 'number' ? o.dim ?? 2 : given[0]!.length);
  sized('blobs', classes, typeof given === 'number' ? o.dim ?? 2 : given[0]!.length, 'centers');
  onePerClass('blobs', o.n, classes);
  const rng = rngFrom(o, 'blobs');
  const [lo, hi] = o.box ?? [-10, 10];
  const centers = typeof given === 'number'
    ? Array.from({ length: given }, () => Array.from({ length: o.dim ?? 2 }, () => rng.uniform(lo, hi)))
    : given;
  const X: number[][] = [];
  const y: number[] = [];
  splitCounts(o.n, classes).forEach((count, j) => {
    for (let i = 0; i < count; i++) {
      X.push(centers[j]!.map((c) => (o.noise === 0 ? c : rng.normal(c, o.noise))));
      y.push(j);
    }
  });
  return o.shuffle ? shuffleRows({ X, y }, rng) : { X, y };
}

/** Options for {@link sine}. */
export interface SineOptions extends GeneratorOptions {
  /** The interval x is drawn from (default [-π, π]). */
  interval?: [number, number];
}

/**
 * 1-D regression: x uniform on `interval`, `y = sin(x) + noise·N(0, 1)`, with each
 * `X` row holding the single feature `[x]`.
 *
 * @example
 * const { X, y } = sine({ n: 50, noise: 0.1, seed: 0 }); // X[i] = [x], y[i] ≈ sin(x)
 */
export function sine(options: SineOptions = {}): Dataset {
  const o = parseOptions('sine', options, { ...GENERATOR, interval: withDefault(interval, [-Math.PI, Math.PI] as [number, number]) });
  sized('sine', o.n, 1);
  const rng = rngFrom(o, 'sine');
  const [lo, hi] = o.interval;
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const x = rng.uniform(lo, hi);
    X.push([x]);
    y.push(o.noise === 0 ? Math.sin(x) : Math.sin(x) + rng.normal(0, o.noise));
  }
  return { X, y };
}

/**
 * Maps 0/1 labels to -1/+1, for losses such as hinge that want signed labels
 * (micrograd's demo does `y*2 - 1`). Any other label is a RangeError.
 *
 * @example
 * const { X, y } = moons({ n: 100, noise: 0.1 });
 * const data = { X, y: signed(y) };
 */
export function signed(y: readonly number[]): number[] {
  const binary: Check<number> = (v, where, what) => {
    if (v !== 0 && v !== 1) throw (typeof v === 'number' ? rangeError : typeError)(where, what, '0 or 1', v);
    return v * 2 - 1;
  };
  return arrayOf(binary)(y, 'signed', 'y');
}

/**
 * A dataset from arrays, validated: `X` must be a non-empty array of equally long,
 * non-empty rows of finite numbers, and `y` one finite number per row. Errors name
 * the offending row and column (0-based, e.g. `X[3][1]`). The arrays are copied.
 *
 * @example
 * const data = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
 */
export function fromArrays(X: readonly (readonly number[])[], y: readonly number[]): Dataset {
  const rowsX = rows(X, 'fromArrays', 'X');
  return { X: rowsX, y: labels(y, rowsX.length, 'fromArrays', 'X') };
}

// ---- helpers ----

/**
 * numpy's `linspace`: `start + i·step`, and with `endpoint` the last value is
 * exactly `stop`. One point is `[start]`, as in numpy (the step would be 0·∞).
 */
function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  if (num === 1) return [start];
  const div = endpoint ? num - 1 : num;
  const step = (stop - start) / div;
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (endpoint) out[num - 1] = stop;
  return out;
}

/** `n` split into `k` near-equal parts, the first `n % k` one larger (scikit-learn's rule for blobs). */
function splitCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, j) => Math.floor(n / k) + (j < n % k ? 1 : 0));
}

/** @internal A generated set of n rows of `features` numbers (or n centers) stays within MAX_SIZE numbers. */
export function sized(where: string, n: number, features: number, what = 'samples'): void {
  withinMaxSize(n * features, where, `the number of values, ${what} × ${features} features,`);
}

function onePerClass(where: string, n: number, classes: number): void {
  if (n < classes) throw rangeError(where, 'options.n', `an integer ≥ ${classes} (one sample per class)`, n);
}

function addNoise(X: number[][], std: number, rng: Rng): void {
  if (std === 0) return;
  for (const row of X) for (let j = 0; j < row.length; j++) row[j] = row[j]! + rng.normal(0, std);
}

/**
 * scikit-learn's recipe for moons and circles: the first `n // 2` points on the
 * outer curve (label 0) and the rest on the inner one (label 1), each curve at
 * the parameters `ts(count)`; then, as in scikit-learn, the rows are shuffled
 * and only after that is noise added (the order fixes what each draw of `rng` is for).
 */
function twoCurves(
  { n, noise, shuffle }: { n: number; noise: number; shuffle: boolean },
  rng: Rng,
  ts: (count: number) => number[],
  outer: (t: number) => number[],
  inner: (t: number) => number[],
): Dataset {
  const nOut = Math.floor(n / 2);
  const X = [...ts(nOut).map((t) => outer(t)), ...ts(n - nOut).map((t) => inner(t))];
  const y = X.map((_, i) => (i < nOut ? 0 : 1));
  const data = shuffle ? shuffleRows({ X, y }, rng) : { X, y };
  addNoise(data.X, noise, rng);
  return data;
}

function shuffleRows(data: Dataset, rng: Rng): Dataset {
  const order = rng.shuffle(data.X.map((_, i) => i));
  return { X: order.map((i) => data.X[i]!), y: order.map((i) => data.y[i]!) };
}

/** `[lo, hi]`, both finite, lo ≤ hi. */
const interval: Check<[number, number]> = (x, where, what) => {
  const [lo, hi] = arrayOf(finite, { length: 2 })(x, where, what) as [number, number];
  if (!(lo <= hi)) throw new RangeError(`${where}: expected ${what} to be [lo, hi] with lo ≤ hi, got [${lo}, ${hi}]`);
  return [lo, hi];
};
