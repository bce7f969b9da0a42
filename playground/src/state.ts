import { ACTIVATIONS, type Activation } from '@ugrad/nn';

// The page's whole state — data, architecture, hyper-parameters, seed — and its
// URL form. Pure (no DOM), so Node tests can pin the parsing down.

export const DATASETS = ['moons', 'circles', 'spiral', 'xor', 'blobs'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The loss names of `@ugrad/nn`'s Trainer; all but crossEntropy need exactly two classes. */
export const LOSSES = ['hinge', 'mse', 'bce', 'crossEntropy'] as const;
export type LossName = (typeof LOSSES)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A point added by clicking; it always joins the training set. */
export interface Point {
  x: number;
  y: number;
  label: number;
}

export interface State {
  data: DatasetName;
  /** Classes of spiral and blobs; the other datasets always have two. */
  classes: number;
  noise: number;
  /** Generated points, before the split. */
  n: number;
  /** Percent of the generated points held out for testing. */
  test: number;
  /** Neurons per hidden layer; empty is a linear model. */
  hidden: number[];
  activation: Activation;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  /** Regularisation strength λ. */
  l2: number;
  seed: number;
  points: Point[];
}

export const DEFAULTS: Readonly<State> = Object.freeze({
  data: 'moons',
  classes: 2,
  noise: 0.1,
  n: 200,
  test: 30,
  // One hidden layer of 8 learns moons within ~250 steps from any seed, and its
  // graph for one sample (98 nodes) is small enough to read.
  hidden: [8],
  activation: 'tanh',
  loss: 'hinge',
  optimizer: 'adam',
  lr: 0.03,
  batch: 16,
  l2: 0,
  seed: 1,
  points: [],
});

interface Range {
  min: number;
  max: number;
  integer: boolean;
  /** When false, `min` itself is not allowed (a learning rate of 0 learns nothing). */
  minIncluded?: boolean;
}

/** Bounds of every number in the state, shared with the page's inputs. */
export const LIMITS = {
  classes: { min: 2, max: 5, integer: true },
  noise: { min: 0, max: 1, integer: false },
  n: { min: 10, max: 1000, integer: true },
  test: { min: 10, max: 90, integer: true },
  lr: { min: 0, max: 10, integer: false, minIncluded: false },
  batch: { min: 1, max: 1000, integer: true },
  l2: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  layers: { min: 0, max: 6, integer: true },
  neurons: { min: 1, max: 16, integer: true },
  points: { min: 0, max: 300, integer: true },
  coordinate: { min: -10, max: 10, integer: false },
} as const satisfies Record<string, Range>;

// The URL key of each field; short keys keep shared links readable.
const KEYS = {
  data: 'data', classes: 'classes', noise: 'noise', n: 'n', test: 'test', hidden: 'hidden', activation: 'act',
  loss: 'loss', optimizer: 'opt', lr: 'lr', batch: 'batch', l2: 'l2', seed: 'seed', points: 'pts',
} as const satisfies Record<keyof State, string>;

/** A state and what had to be changed to make it valid, in words for the page's notice. */
export interface Parsed {
  state: State;
  notices: string[];
}

/** How many classes the state's dataset has. */
export function classCount(state: Pick<State, 'data' | 'classes'>): number {
  return state.data === 'spiral' || state.data === 'blobs' ? state.classes : 2;
}

/**
 * Reads a state from a URL's hash or query (`#data=moons&hidden=4,4…`; a leading `#` or `?`
 * is skipped). Missing settings take their defaults silently; anything unreadable — an
 * unknown dataset, a negative size, garbage — takes its default and adds a notice.
 */
export function parseState(text: string): Parsed {
  const params = new URLSearchParams(text.replace(/^[#?]/, ''));
  const notices: string[] = [];
  const state = copy(DEFAULTS);
  const known = new Set<string>(Object.values(KEYS));
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) notices.push(`Ignored the unknown setting ${clip(key)}.`);
  }
  const get = (field: keyof State): string | null => params.get(KEYS[field]);
  const fail = (field: keyof State, raw: string, why: string, fallback: string): void => {
    notices.push(`${KEYS[field]}=${clip(raw)} ${why}; using ${fallback}.`);
  };

  const choice = <T extends string>(field: keyof State, options: readonly T[], set: (v: T) => void, fallback: T): void => {
    const raw = get(field);
    if (raw === null) return;
    if ((options as readonly string[]).includes(raw)) set(raw as T);
    else fail(field, raw, `is not one of ${options.join(', ')}`, fallback);
  };
  choice('data', DATASETS, (v) => (state.data = v), DEFAULTS.data);
  choice('activation', ACTIVATIONS, (v) => (state.activation = v), DEFAULTS.activation);
  choice('loss', LOSSES, (v) => (state.loss = v), DEFAULTS.loss);
  choice('optimizer', OPTIMIZERS, (v) => (state.optimizer = v), DEFAULTS.optimizer);

  for (const field of ['classes', 'noise', 'n', 'test', 'lr', 'batch', 'l2', 'seed'] as const) {
    const raw = get(field);
    if (raw === null) continue;
    const value = readNumber(raw, LIMITS[field]);
    if (typeof value === 'number') state[field] = value;
    else fail(field, raw, value.why, String(DEFAULTS[field]));
  }

  const hidden = get('hidden');
  if (hidden !== null) {
    const value = readHidden(hidden);
    if (Array.isArray(value)) state.hidden = value;
    else fail('hidden', hidden, value.why, DEFAULTS.hidden.join(',') || 'no hidden layer');
  }

  const pts = get('points');
  if (pts !== null) {
    const { points, bad } = readPoints(pts);
    state.points = points;
    if (bad > 0) notices.push(`Dropped ${bad} unreadable added point${bad === 1 ? '' : 's'} from pts (each is x,y,class with x and y in [-10, 10]).`);
  }

  notices.push(...normalise(state));
  return { state, notices };
}

/**
 * Makes the settings agree with each other, in place, and says what it changed: a loss
 * for two classes on a dataset with more becomes cross-entropy, and an added point of a
 * class the dataset lacks is dropped. The page calls this after every edit too.
 */
export function normalise(state: State): string[] {
  const notices: string[] = [];
  const k = classCount(state);
  if (k > 2 && state.loss !== 'crossEntropy') {
    notices.push(`The ${state.loss} loss needs two classes and ${state.data} has ${k}; using crossEntropy.`);
    state.loss = 'crossEntropy';
  }
  const kept = state.points.filter((p) => p.label < k);
  if (kept.length < state.points.length) {
    const dropped = state.points.length - kept.length;
    notices.push(`Dropped ${dropped} added point${dropped === 1 ? '' : 's'} of a class ${state.data} does not have.`);
    state.points = kept;
  }
  return notices;
}

/** The state as a URL hash body (no `#`): every setting, in a fixed order, so equal states give equal links. */
export function formatState(state: State): string {
  const values: Record<keyof State, string> = {
    data: state.data,
    classes: String(state.classes),
    noise: String(state.noise),
    n: String(state.n),
    test: String(state.test),
    hidden: state.hidden.join(','),
    activation: state.activation,
    loss: state.loss,
    optimizer: state.optimizer,
    lr: String(state.lr),
    batch: String(state.batch),
    l2: String(state.l2),
    seed: String(state.seed),
    points: formatPoints(state.points),
  };
  // Every value is made of characters a URL fragment allows as they are
  // ([a-zA-Z0-9.,;-]), so nothing is escaped and the link stays readable.
  return (Object.keys(KEYS) as (keyof State)[]).map((f) => `${KEYS[f]}=${values[f]}`).join('&');
}

/** Added points as the URL writes them: `x,y,class` joined by `;`. */
export function formatPoints(points: readonly Point[]): string {
  return points.map((p) => `${round(p.x)},${round(p.y)},${p.label}`).join(';');
}

/** A deep copy, so edits to one state never reach another (or the frozen defaults). */
export function copy(state: Readonly<State>): State {
  return { ...state, hidden: [...state.hidden], points: state.points.map((p) => ({ ...p })) };
}

/** Points are stored to 3 decimals: a thousandth of the plot is below a pixel, and links stay short. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0
}

// Decimal notation only: Number() would also take '', ' ', '0x10' and 'Infinity'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a number within `range`, or says why it cannot. */
export function readNumber(raw: string, range: Range): number | { why: string } {
  if (!NUMBER.test(raw.trim())) return { why: 'is not a number' };
  const x = Number(raw);
  const bound = `${range.minIncluded === false ? '>' : '≥'} ${range.min} and ≤ ${range.max}`;
  if (range.integer && !Number.isInteger(x)) return { why: `is not a whole number ${bound}` };
  if (!(x <= range.max && (range.minIncluded === false ? x > range.min : x >= range.min))) {
    return { why: `is out of range (expected ${range.integer ? 'a whole number' : 'a number'} ${bound})` };
  }
  return x;
}

function readHidden(raw: string): number[] | { why: string } {
  const parts = raw.trim() === '' ? [] : raw.split(',');
  const { layers, neurons } = LIMITS;
  if (parts.length > layers.max) return { why: `has ${parts.length} layers (at most ${layers.max})` };
  const sizes: number[] = [];
  for (const part of parts) {
    const size = readNumber(part, neurons);
    if (typeof size !== 'number') return { why: `is not a list of layer sizes, each a whole number from ${neurons.min} to ${neurons.max}` };
    sizes.push(size);
  }
  return sizes;
}

function readPoints(raw: string): { points: Point[]; bad: number } {
  const points: Point[] = [];
  let bad = 0;
  for (const item of raw.split(';')) {
    if (item.trim() === '') continue;
    const [x, y, label, ...rest] = item.split(',').map((s) => s.trim());
    const px = readNumber(x ?? '', LIMITS.coordinate);
    const py = readNumber(y ?? '', LIMITS.coordinate);
    const pl = readNumber(label ?? '', { min: 0, max: LIMITS.classes.max - 1, integer: true });
    if (rest.length > 0 || typeof px !== 'number' || typeof py !== 'number' || typeof pl !== 'number' || points.length >= LIMITS.points.max) {
      bad++;
      continue;
    }
    points.push({ x: px, y: py, label: pl });
  }
  return { points, bad };
}

// Garbage in a notice is shown, but never a whole pasted essay.
function clip(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}
