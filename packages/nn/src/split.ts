import { between, bool, parseOptions, withDefault } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';
import { RANDOM_SCHEMA, rngFrom, type RandomOptions, type Rng } from './random.js';
import { datasetCheck } from './rows.js';

/** What {@link trainTestSplit} returns: two disjoint sets that together hold every row once. */
export interface Split {
  /** The rows to train on. */
  train: Dataset;
  /** The rows held out. */
  test: Dataset;
}

/** Options for {@link trainTestSplit}. */
export interface SplitOptions extends RandomOptions {
  /** Share of the rows that go to the test set, in (0, 1), rounded to whole rows (default 0.25). */
  testFraction?: number;
  /**
   * Split each class in proportion (default false), as scikit-learn's
   * `StratifiedShuffleSplit`: the test rows are shared out between the classes
   * by their sizes, rounding so the shares add up (ties broken at random), so
   * every class keeps its share of the data on both sides. Needs every class
   * (every distinct `y`) to have at least 2 rows, and at least one test and one
   * training row per class in all.
   */
  stratify?: boolean;
}

const SPLIT = { testFraction: withDefault(between(0, 1, { lo: true, hi: true }), 0.25), stratify: withDefault(bool, false), ...RANDOM_SCHEMA };

/**
 * Splits a dataset into shuffled, disjoint train and test sets that together hold
 * every row once; with `stratify`, each class is split in the same proportion.
 * Rows are copied, so editing one set leaves the input alone.
 *
 * @example
 * const { train, test } = trainTestSplit(moons({ n: 100 }), { testFraction: 0.2, seed: 0 });
 * const parts = trainTestSplit(iris(), { testFraction: 0.2, stratify: true }); // 10 test rows of each class
 */
export function trainTestSplit(data: Dataset, options: SplitOptions = {}): Split {
  const fn = 'trainTestSplit';
  const o = parseOptions(fn, options, SPLIT);
  const { X, y } = datasetCheck(data, fn, 'data');
  const n = X.length;
  const nTest = Math.round(o.testFraction * n);
  if (nTest === 0 || nTest === n) {
    throw new RangeError(`${fn}: testFraction ${o.testFraction} of ${n} rows leaves ${nTest === 0 ? 'the test' : 'the training'} set empty`);
  }
  let test: number[], train: number[];
  if (o.stratify) {
    const classes = groupByLabel(y);
    const small = classes.find((c) => c.rows.length < 2);
    if (small) throw new RangeError(`${fn}: stratify needs at least 2 rows of each class, but class ${small.label} has 1`);
    if (nTest < classes.length || n - nTest < classes.length) {
      throw new RangeError(`${fn}: stratify needs at least one test and one training row per class (${classes.length} classes), but testFraction ${o.testFraction} of ${n} rows gives ${nTest} test and ${n - nTest} training rows`);
    }
    const rng = rngFrom(o, fn);
    const shares = apportion(classes.map((c) => c.rows.length), nTest, rng);
    test = [];
    train = [];
    classes.forEach((c, k) => {
      const order = rng.shuffle(c.rows);
      test.push(...order.slice(0, shares[k]));
      train.push(...order.slice(shares[k]));
    });
    rng.shuffle(test);
    rng.shuffle(train);
  } else {
    const order = rngFrom(o, fn).shuffle(X.map((_, i) => i));
    test = order.slice(0, nTest);
    train = order.slice(nTest);
  }
  const pick = (rows: number[]): Dataset => ({ X: rows.map((i) => X[i]!), y: rows.map((i) => y[i]!) });
  return { test: pick(test), train: pick(train) };
}

/**
 * `total` shared out in proportion to `sizes`, in whole numbers that add up
 * to it: scikit-learn's `_approximate_mode` — each share rounded down, then
 * the rest given one by one to the largest remainders, ties drawn at random.
 */
function apportion(sizes: number[], total: number, rng: Rng): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const remainders = [...new Set(exact.map((e, k) => e - out[k]!))].sort((a, b) => b - a);
  for (const r of remainders) {
    if (left === 0) break;
    const tied = rng.shuffle(exact.flatMap((e, k) => (e - out[k]! === r ? [k] : [])));
    for (const k of tied.slice(0, left)) out[k]!++;
    left -= Math.min(left, tied.length);
  }
  return out;
}

/** The rows of each distinct label, labels in increasing order. */
function groupByLabel(y: readonly number[]): { label: number; rows: number[] }[] {
  const groups = new Map<number, number[]>();
  y.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return [...groups].sort((a, b) => a[0] - b[0]).map(([label, rows]) => ({ label, rows }));
}
