import { ACTIVATIONS, LOSS_NAMES, type Activation, type LossName } from '@ugrad/nn';
import { firstFitting, lossFits } from './losses.js';
import { DATASETS, FEATURE_NAMES, isRegression, type DatasetName, type FeatureName } from './problems.js';

// The page's whole state — data, features, architecture, hyper-parameters, seed, view
// toggles — and its URL form. Pure (no DOM), so Node tests can pin the parsing down.

export const OPTIMIZERS = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * TF Playground's regularisations: none, L1 or L2, as fit's `l1` and `l2` options
 * (rate·Σ|p| or rate·Σp² added to the loss, over every parameter: unlike TF
 * Playground, which spares the biases, and whose L2 is rate·½Σw²).
 */
export const REGULARIZERS = ['none', 'L1', 'L2'] as const;
export type RegName = (typeof REGULARIZERS)[number];

/** A point added by clicking; it always joins the training set. */
export interface Point {
  x: number;
  y: number;
  /** A class index, or for regression a value in [-1, 1]. */
  label: number;
}

export interface State {
  data: DatasetName;
  /** Classes of spiral and blobs; the other classification datasets always have two. */
  classes: number;
  noise: number;
  /** Generated points, before the split. */
  n: number;
  /** Percent of the generated points held out for testing. */
  test: number;
  /** How many times the data was redrawn ("regenerate"); 0 is the seed's first draw. */
  regen: number;
  /** The input features, in FEATURE_NAMES order; at least one. */
  features: FeatureName[];
  /** Neurons per hidden layer; empty is a linear model. */
  hidden: number[];
  activation: Activation;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  reg: RegName;
  /** The regularisation rate. */
  regRate: number;
  seed: number;
  showTest: boolean;
  discretize: boolean;
  points: Point[];
}

export const DEFAULTS: Readonly<State> = Object.freeze({
  data: 'moons',
  classes: 2,
  noise: 0.1,
  n: 200,
  test: 30,
  regen: 0,
  features: ['x1', 'x2'],
  // One hidden layer of 8 learns moons within ~250 steps from any seed, and its
  // graph for one sample (98 nodes) is small enough to read whole.
  hidden: [8],
  activation: 'tanh',
  loss: 'hinge',
  optimizer: 'adam',
  lr: 0.03,
  batch: 16,
  reg: 'none',
  regRate: 0,
  seed: 1,
  showTest: false,
  discretize: false,
  points: [],
} satisfies State as State);

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
  regen: { min: 0, max: 999_999, integer: true },
  lr: { min: 0, max: 10, integer: false, minIncluded: false },
  batch: { min: 1, max: 1000, integer: true },
  regRate: { min: 0, max: 10, integer: false },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  layers: { min: 0, max: 6, integer: true },
  neurons: { min: 1, max: 16, integer: true },
  points: { min: 0, max: 300, integer: true },
  coordinate: { min: -10, max: 10, integer: false },
} as const satisfies Record<string, Range>;

// The URL key of each field; short keys keep shared links readable.
export const KEYS = {
  data: 'data', classes: 'classes', noise: 'noise', n: 'n', test: 'test', regen: 'regen', features: 'feat',
  hidden: 'hidden', activation: 'act', loss: 'loss', optimizer: 'opt', lr: 'lr', batch: 'batch', reg: 'reg',
  regRate: 'regRate', seed: 'seed', showTest: 'showTest', discretize: 'disc', points: 'pts',
} as const satisfies Record<keyof State, string>;

/** A state and what had to be changed to make it valid, in words for the page's notice. */
export interface Parsed {
  state: State;
  notices: string[];
}

/** How many classes the state's dataset has; 0 for regression. */
export function classCount(state: Pick<State, 'data' | 'classes'>): number {
  if (isRegression(state.data)) return 0;
  return state.data === 'spiral' || state.data === 'blobs' ? state.classes : 2;
}

type Reader<T> = (raw: string) => T | { why: string };

const choice = <T extends string>(options: readonly T[]): Reader<T> => (raw) =>
  (options as readonly string[]).includes(raw) ? (raw as T) : { why: `is not one of ${options.join(', ')}` };

const FLAGS: Record<string, boolean> = { '1': true, true: true, '0': false, false: false };
const flag: Reader<boolean> = (raw) => FLAGS[raw] ?? { why: 'is not 1 or 0' };

// One reader per field, in URL order; each bad value falls back to its own default alone.
const READERS: { [F in keyof State]: Reader<State[F]> } = {
  data: choice(DATASETS),
  classes: (raw) => readNumber(raw, LIMITS.classes),
  noise: (raw) => readNumber(raw, LIMITS.noise),
  n: (raw) => readNumber(raw, LIMITS.n),
  test: (raw) => readNumber(raw, LIMITS.test),
  regen: (raw) => readNumber(raw, LIMITS.regen),
  features: readFeatures,
  hidden: readHidden,
  activation: choice(ACTIVATIONS),
  loss: choice(LOSS_NAMES),
  optimizer: choice(OPTIMIZERS),
  lr: (raw) => readNumber(raw, LIMITS.lr),
  batch: (raw) => readNumber(raw, LIMITS.batch),
  reg: choice(REGULARIZERS),
  regRate: (raw) => readNumber(raw, LIMITS.regRate),
  seed: (raw) => readNumber(raw, LIMITS.seed),
  showTest: flag,
  discretize: flag,
  points: () => [], // read apart: bad points are dropped one by one, not all at once
};

/**
 * Reads a state from a URL's hash or query (`#data=moons&hidden=4,4…`; a leading `#` or `?`
 * is skipped). Missing settings take their value in `base` (the defaults) silently; anything
 * unreadable — an unknown dataset, a negative size, garbage — keeps `base`'s alone and adds a notice.
 */
export function parseState(text: string, base: Readonly<State> = DEFAULTS): Parsed {
  const params = new URLSearchParams(text.replace(/^[#?]/, ''));
  const notices: string[] = [];
  const state = copy(base);
  const known = new Set<string>(Object.values(KEYS));
  for (const key of new Set(params.keys())) {
    if (!known.has(key)) notices.push(`Ignored the unknown setting ${clip(key)}.`);
  }
  for (const field of Object.keys(KEYS) as (keyof State)[]) {
    const raw = params.get(KEYS[field]);
    if (raw === null || field === 'points') continue;
    const value = (READERS[field] as Reader<unknown>)(raw);
    if (typeof value === 'object' && value !== null && 'why' in value) {
      notices.push(`${KEYS[field]}=${clip(raw)} ${value.why}; using ${formatField(field, base[field]) || 'none'}.`);
    } else {
      (state as unknown as Record<string, unknown>)[field] = value;
    }
  }
  const pts = params.get(KEYS.points);
  if (pts !== null) {
    const { points, bad } = readPoints(pts);
    state.points = points;
    if (bad > 0) notices.push(`Dropped ${bad} unreadable added point${bad === 1 ? '' : 's'} from pts (each is x,y,label with x and y in [-10, 10]).`);
  }
  // A link that names no loss gets one that fits its dataset, without a word.
  if (!params.has(KEYS.loss) && !lossFits(state.loss, classCount(state))) state.loss = firstFitting(classCount(state));
  notices.push(...normalise(state));
  return { state, notices };
}

/**
 * Makes the settings agree with each other, in place, and says what it changed: a
 * loss that cannot learn the dataset (by the loss table: a classification loss on a
 * regression problem, a two-class loss on more classes) becomes the first that can,
 * and an added point the dataset cannot have is dropped. The page calls this after
 * every edit too.
 */
export function normalise(state: State): string[] {
  const notices: string[] = [];
  const k = classCount(state);
  if (!lossFits(state.loss, k)) {
    const next = firstFitting(k);
    notices.push(k === 0
      ? `${state.data} is a regression problem, which the ${state.loss} loss cannot learn; using ${next}.`
      : `The ${state.loss} loss cannot learn ${k} classes, which ${state.data} has; using ${next}.`);
    state.loss = next;
  }
  const fits = (p: Point): boolean => (k === 0 ? p.label >= -1 && p.label <= 1 : Number.isInteger(p.label) && p.label >= 0 && p.label < k);
  const kept = state.points.filter(fits);
  if (kept.length < state.points.length) {
    const dropped = state.points.length - kept.length;
    notices.push(`Dropped ${dropped} added point${dropped === 1 ? '' : 's'} with a label ${state.data} does not have.`);
    state.points = kept;
  }
  return notices;
}

/** One field as the URL writes it. */
export function formatField<F extends keyof State>(field: F, value: State[F]): string {
  if (field === 'points') return formatPoints(value as Point[]);
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The state as a URL hash body (no `#`): every setting, in a fixed order, so equal states give equal links. */
export function formatState(state: State): string {
  // Every value is made of characters a URL fragment allows as they are
  // ([a-zA-Z0-9.,;-]), so nothing is escaped and the link stays readable.
  return (Object.keys(KEYS) as (keyof State)[]).map((f) => `${KEYS[f]}=${formatField(f, state[f])}`).join('&');
}

/** Added points as the URL writes them: `x,y,label` joined by `;`. */
export function formatPoints(points: readonly Point[]): string {
  return points.map((p) => `${round(p.x)},${round(p.y)},${round(p.label)}`).join(';');
}

/** A deep copy, so edits to one state never reach another (or the frozen defaults). */
export function copy(state: Readonly<State>): State {
  return { ...state, features: [...state.features], hidden: [...state.hidden], points: state.points.map((p) => ({ ...p })) };
}

/** Points are stored to 3 decimals: a thousandth of the plot is below a pixel, and links stay short. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0
}

// Decimal notation only: Number() would also take '', ' ', '0x10' and 'Infinity'.
// Linear-time on any input: no nested quantifiers can backtrack.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads a number within `range`, or says why it cannot. */
export function readNumber(raw: string, range: Range): number | { why: string } {
  if (raw.length > 40 || !NUMBER.test(raw.trim())) return { why: 'is not a number' };
  const x = Number(raw);
  const bound = `${range.minIncluded === false ? '>' : '≥'} ${range.min} and ≤ ${range.max}`;
  if (range.integer && !Number.isInteger(x)) return { why: `is not a whole number ${bound}` };
  if (!(x <= range.max && (range.minIncluded === false ? x > range.min : x >= range.min))) {
    return { why: `is out of range (expected ${range.integer ? 'a whole number' : 'a number'} ${bound})` };
  }
  return x + 0;
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

function readFeatures(raw: string): FeatureName[] | { why: string } {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const why = `is not a list of features from ${FEATURE_NAMES.join(', ')}`;
  if (names.length === 0) return { why: 'has no feature (at least one is needed)' };
  if (!names.every((s) => (FEATURE_NAMES as string[]).includes(s))) return { why };
  // Canonical order and no repeats, so equal choices give equal links.
  return FEATURE_NAMES.filter((f) => names.includes(f));
}

function readPoints(raw: string): { points: Point[]; bad: number } {
  const points: Point[] = [];
  let bad = 0;
  for (const item of raw.split(';')) {
    if (item.trim() === '') continue;
    const [x, y, label, ...rest] = item.split(',').map((s) => s.trim());
    const px = readNumber(x ?? '', LIMITS.coordinate);
    const py = readNumber(y ?? '', LIMITS.coordinate);
    // A class index or a regression value; normalise() then drops what the dataset cannot have.
    const pl = readNumber(label ?? '', { min: -1, max: LIMITS.classes.max - 1, integer: false });
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

/** Whether moving from `a` to `b` needs a fresh start, and why, in words; [] when every difference applies live. */
export function resetReasons(a: State, b: State): string[] {
  const same = (f: keyof State): boolean => formatField(f, a[f]) === formatField(f, b[f]);
  const reasons: string[] = [];
  if (!(['data', 'classes', 'noise', 'n', 'test'] as const).every(same)) reasons.push('the data changed');
  if (!same('features')) reasons.push('the input features changed');
  if (!same('hidden')) reasons.push('the architecture changed');
  if (!same('activation')) reasons.push('the activation changed');
  if (!same('loss')) reasons.push('the loss changed');
  if (!same('seed')) reasons.push('the seed changed');
  return reasons;
}
