import { rngFrom, type Rng, type RandomOptions } from './random.js';

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
  return twoCurves(
    generatorArgs('moons', options, 2),
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
  const args = generatorArgs('circles', options, 2);
  const factor = options.factor ?? 0.8;
  checkNumber('circles', 'factor', factor);
  if (!(factor >= 0 && factor < 1)) throw new RangeError(`circles: expected factor in [0, 1), got ${factor}`);
  return twoCurves(
    args,
    (count) => linspace(0, 2 * Math.PI, count, false),
    (t) => [Math.cos(t), Math.sin(t)],
    (t) => [Math.cos(t) * factor, Math.sin(t) * factor],
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
  const classes = options.classes ?? 3;
  checkInteger('spiral', 'classes', classes, 2);
  const { n, noise, shuffle, rng } = generatorArgs('spiral', options, classes);
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
  return shuffle ? shuffleRows({ X, y }, rng) : { X, y };
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
  const { n, noise, rng } = generatorArgs('xor', options, 1);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    X.push([a, b]);
    y.push(a > 0 !== b > 0 ? 1 : 0);
  }
  addNoise(X, noise, rng);
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

/**
 * Gaussian clusters, one per class, after scikit-learn's `make_blobs`. Here `noise`
 * is the clusters' standard deviation and defaults to 1 (scikit-learn's `cluster_std`).
 * The `n` samples are split as evenly as possible, earlier clusters taking the remainder.
 *
 * @example
 * const { X, y } = blobs({ n: 150, centers: [[0, 0], [4, 4]], noise: 0.5, seed: 0 });
 */
export function blobs(options: BlobsOptions = {}): Dataset {
  const given = options.centers ?? 3;
  const classes = typeof given === 'number' ? given : Array.isArray(given) ? given.length : NaN;
  if (Number.isNaN(classes)) throw new TypeError(`blobs: expected centers to be a count or an array of points, got ${describe(given)}`);
  checkInteger('blobs', 'centers', classes, 1);
  const { n, noise: std, rng, shuffle } = generatorArgs('blobs', options, classes, 1);
  let centers: number[][];
  if (typeof given === 'number') {
    const dim = options.dim ?? 2;
    checkInteger('blobs', 'dim', dim, 1);
    const [lo, hi] = checkInterval('blobs', 'box', options.box ?? [-10, 10]);
    centers = Array.from({ length: classes }, () => Array.from({ length: dim }, () => rng.uniform(lo, hi)));
  } else {
    if (options.dim !== undefined || options.box !== undefined) {
      throw new TypeError('blobs: dim and box only apply when centers is a count, not an array of points');
    }
    centers = validate('blobs', given, null, 'centers').X;
  }
  const X: number[][] = [];
  const y: number[] = [];
  splitCounts(n, classes).forEach((count, j) => {
    for (let i = 0; i < count; i++) {
      X.push(centers[j]!.map((c) => (std === 0 ? c : rng.normal(c, std))));
      y.push(j);
    }
  });
  return shuffle ? shuffleRows({ X, y }, rng) : { X, y };
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
  const { n, noise, rng } = generatorArgs('sine', options, 1);
  const [lo, hi] = checkInterval('sine', 'interval', options.interval ?? [-Math.PI, Math.PI]);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniform(lo, hi);
    X.push([x]);
    y.push(noise === 0 ? Math.sin(x) : Math.sin(x) + rng.normal(0, noise));
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
  if (!Array.isArray(y)) throw new TypeError(`signed: expected an array of 0/1 labels, got ${describe(y)}`);
  return y.map((label, i) => {
    if (label !== 0 && label !== 1) throw new RangeError(`signed: expected labels 0 or 1, got ${describe(label)} at y[${i}]`);
    return label * 2 - 1;
  });
}

/** Options for {@link trainTestSplit}. */
export interface SplitOptions extends RandomOptions {
  /** Share of the rows that go to the test set, in (0, 1), rounded to whole rows (default 0.25). */
  testFraction?: number;
}

/**
 * Splits a dataset into shuffled, disjoint train and test sets that together hold
 * every row once. Rows are copied, so editing one set leaves the input alone.
 *
 * @example
 * const { train, test } = trainTestSplit(moons({ n: 100 }), { testFraction: 0.2, seed: 0 });
 */
export function trainTestSplit(data: Dataset, options: SplitOptions = {}): { train: Dataset; test: Dataset } {
  if (typeof data !== 'object' || data === null) throw new TypeError(`trainTestSplit: expected a dataset { X, y }, got ${describe(data)}`);
  const { X, y } = validate('trainTestSplit', data.X, data.y);
  const fraction = options.testFraction ?? 0.25;
  checkNumber('trainTestSplit', 'testFraction', fraction);
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`trainTestSplit: expected testFraction in (0, 1), got ${fraction}`);
  const nTest = Math.round(fraction * X.length);
  if (nTest === 0 || nTest === X.length) {
    throw new RangeError(
      `trainTestSplit: testFraction ${fraction} of ${X.length} rows leaves ${nTest === 0 ? 'the test' : 'the training'} set empty`,
    );
  }
  const order = rngFrom(options, 'trainTestSplit').shuffle(X.map((_, i) => i));
  const pick = (rows: number[]): Dataset => ({ X: rows.map((i) => X[i]!), y: rows.map((i) => y[i]!) });
  return { test: pick(order.slice(0, nTest)), train: pick(order.slice(nTest)) };
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
  return validate('fromArrays', X, y);
}

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first non-blank line names the columns; `'auto'` (default) says yes when none of its cells is a number. */
  header?: boolean | 'auto';
  /** The label column: a header name, or an index from 0 (negative counts from the end). Default -1, the last column. */
  label?: number | string;
  /** The cell separator (default `','`). */
  delimiter?: string;
  /** A name for the text, such as its file path, to put in error messages. */
  source?: string;
}

/**
 * A dataset from CSV text in which every cell is a number: the label column becomes
 * `y`, the others, in order, `X`. Blank lines are skipped, CRLF and a trailing newline
 * are fine, cells are trimmed, and a cell may be double-quoted (`""` escapes a quote)
 * but not span lines. A ragged row or a cell that is not a number throws, naming the
 * line in the text (from 1, blank lines counted) and the column (from 1, and its name
 * when there is a header).
 *
 * @example
 * parseCsv('x1,x2,label\n0.5,1.5,0\n-1,2,1\n'); // { X: [[0.5, 1.5], [-1, 2]], y: [0, 1] }
 */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const fn = 'parseCsv';
  if (typeof text !== 'string') throw new TypeError(`${fn}: expected CSV text as a string, got ${describe(text)}`);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string') throw new TypeError(`${fn}: expected delimiter to be a string, got ${describe(delimiter)}`);
  if (delimiter === '' || /["\r\n]/.test(delimiter)) {
    throw new RangeError(`${fn}: expected a delimiter that is not empty and has no quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  const header = options.header ?? 'auto';
  if (header !== true && header !== false && header !== 'auto') {
    throw new TypeError(`${fn}: expected header to be true, false or 'auto', got ${describe(header)}`);
  }
  const at = options.source === undefined ? `${fn}: ` : `${fn}: ${options.source}, `;

  // Excel writes a byte-order mark at the start of UTF-8 files.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() !== '') rows.push({ line: i + 1, cells: splitCsvLine(raw, delimiter, `${at}line ${i + 1}`) });
  });
  if (rows.length === 0) throw new RangeError(`${at}expected at least one row of data, got no non-blank lines`);

  const first = rows[0]!;
  const hasHeader = header === 'auto' ? first.cells.every((c) => !isNumeric(c)) : header;
  const names = hasHeader ? first.cells : null;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new RangeError(`${at}expected at least one row of data after the header on line ${first.line}`);
  const width = first.cells.length;
  if (width < 2) throw new RangeError(`${at}expected at least 2 columns (features and a label), got ${width} on line ${first.line}`);
  const labelAt = labelIndex(at, options.label ?? -1, width, names);
  const column = (j: number): string => (names ? `column ${j + 1} ("${names[j]}")` : `column ${j + 1}`);

  const X: number[][] = [];
  const y: number[] = [];
  for (const { line, cells } of data) {
    if (cells.length !== width) {
      throw new RangeError(`${at}line ${line} has ${cells.length} columns, expected ${width} as on line ${first.line}`);
    }
    const features: number[] = [];
    cells.forEach((cell, j) => {
      if (!isNumeric(cell)) {
        const got = cell === '' ? 'an empty cell' : JSON.stringify(cell);
        throw new RangeError(`${at}line ${line}, ${column(j)}: expected a number, got ${got}`);
      }
      if (j === labelAt) y.push(Number(cell));
      else features.push(Number(cell));
    });
    X.push(features);
  }
  return { X, y };
}

// ---- helpers ----

/** numpy's `linspace`: `start + i·step`, and with `endpoint` the last value is exactly `stop`. */
function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  const div = endpoint ? num - 1 : num;
  const step = (stop - start) / div;
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** `n` split into `k` near-equal parts, the first `n % k` one larger (scikit-learn's rule for blobs). */
function splitCounts(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, j) => Math.floor(n / k) + (j < n % k ? 1 : 0));
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
  { n, noise, shuffle, rng }: { n: number; noise: number; shuffle: boolean; rng: Rng },
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

function generatorArgs(
  fn: string,
  options: ShuffleOptions,
  minN: number,
  defaultNoise = 0,
): { n: number; noise: number; shuffle: boolean; rng: Rng } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  const n = options.n ?? 100;
  checkInteger(fn, 'n', n, minN);
  const noise = options.noise ?? defaultNoise;
  checkNoise(fn, noise);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`${fn}: expected shuffle to be a boolean, got ${describe(shuffle)}`);
  return { n, noise, shuffle, rng: rngFrom(options, fn) };
}

function checkNumber(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: expected ${name} to be a number, got ${describe(value)}`);
}

function checkInteger(fn: string, name: string, value: unknown, min: number): asserts value is number {
  checkNumber(fn, name, value);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${fn}: expected ${name} to be an integer >= ${min}, got ${value}`);
}

function checkNoise(fn: string, value: unknown): asserts value is number {
  checkNumber(fn, 'noise', value);
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${fn}: expected noise to be a finite number >= 0, got ${value}`);
}

/** Checks X (and y unless null) and returns fresh copies; `name` is what X is called in messages. */
function validate(fn: string, X: unknown, y: unknown, name = 'X'): Dataset {
  if (!Array.isArray(X)) throw new TypeError(`${fn}: expected ${name} to be an array of rows, got ${describe(X)}`);
  if (X.length === 0) throw new RangeError(`${fn}: expected ${name} to have at least one row, got none`);
  const width = Array.isArray(X[0]) ? X[0].length : 0;
  const rows = X.map((row: unknown, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${fn}: expected ${name}[${i}] to be an array of numbers, got ${describe(row)}`);
    if (row.length !== width) throw new RangeError(`${fn}: ${name}[${i}] has ${row.length} columns, expected ${width} as in ${name}[0]`);
    if (width === 0) throw new RangeError(`${fn}: expected rows of ${name} to have at least one column, got none in ${name}[0]`);
    return row.map((v: unknown, j) => finite(fn, `${name}[${i}][${j}]`, v));
  });
  if (y === null) return { X: rows, y: [] };
  if (!Array.isArray(y)) throw new TypeError(`${fn}: expected y to be an array of numbers, got ${describe(y)}`);
  if (y.length !== rows.length) throw new RangeError(`${fn}: expected y to have one value per row of ${name} (${rows.length}), got ${y.length}`);
  return { X: rows, y: y.map((v: unknown, i) => finite(fn, `y[${i}]`, v)) };
}

function finite(fn: string, where: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: expected a number at ${where}, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${fn}: expected a finite number at ${where}, got ${v}`);
  return v;
}

// Number() would take '', '0x1f', 'Infinity' and '1_0'-like surprises; a CSV cell must look like a decimal.
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumeric(cell: string): boolean {
  return NUMERIC.test(cell) && Number.isFinite(Number(cell));
}

/** One line's cells, trimmed, with double quotes removed (`""` inside quotes is a literal quote). */
function splitCsvLine(line: string, delimiter: string, where: string): string[] {
  const cells: string[] = [];
  let start = 0;
  for (;;) {
    let next = line.indexOf(delimiter, start);
    let cell = (next < 0 ? line.slice(start) : line.slice(start, next)).trim();
    if (cell.startsWith('"')) {
      // A quoted cell may contain the delimiter, so find its closing quote first.
      let i = line.indexOf('"', start) + 1;
      cell = '';
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new RangeError(`${where}: a quoted cell is not closed (cells cannot span lines)`);
        cell += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        cell += '"';
        i++;
      }
      next = line.indexOf(delimiter, i);
      const rest = (next < 0 ? line.slice(i) : line.slice(i, next)).trim();
      if (rest !== '') throw new RangeError(`${where}: unexpected text ${JSON.stringify(rest)} after a quoted cell`);
      cell = cell.trim();
    }
    cells.push(cell);
    if (next < 0) return cells;
    start = next + delimiter.length;
  }
}

function checkInterval(fn: string, name: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new TypeError(`${fn}: expected ${name} to be [lo, hi], got ${describe(value)}`);
  const [lo, hi] = value as unknown[];
  checkNumber(fn, `${name}[0]`, lo);
  checkNumber(fn, `${name}[1]`, hi);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
    throw new RangeError(`${fn}: expected ${name} to be finite [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

function labelIndex(at: string, label: unknown, width: number, names: string[] | null): number {
  if (typeof label === 'string') {
    if (names === null) throw new RangeError(`${at}label ${JSON.stringify(label)} is a column name, but the text has no header`);
    const j = names.indexOf(label);
    if (j < 0) throw new RangeError(`${at}no column named ${JSON.stringify(label)} for the label; columns are ${names.map((s) => JSON.stringify(s)).join(', ')}`);
    return j;
  }
  if (typeof label !== 'number') throw new TypeError(`${at}expected label to be a column name or index, got ${describe(label)}`);
  if (!Number.isInteger(label) || label < -width || label >= width) {
    throw new RangeError(`${at}expected label to be an integer index in [${-width}, ${width - 1}] for ${width} columns, got ${label}`);
  }
  return label < 0 ? width + label : label;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  return String(v);
}
