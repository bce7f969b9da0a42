import {
  bool, count, finite, fn, object, optional, parseOptions, positive, rate, typeError, withDefault, type Check,
} from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';
import { LOSSES, LOSS_NAMES, type LossFunction, type LossName, type LossSpec } from './losses.js';
import type { EarlyStoppingOptions, EpochInfo, StepInfo } from './callbacks.js';
import { optimizerCheck, type Optimizer } from './optim.js';
import { RANDOM_SCHEMA, type Rng, type Seed } from './random.js';
import type { Schedule } from './schedule.js';
import type { Trainer } from './trainer.js';

/** How a {@link Trainer} computes its steps: a compiled step (`compileStep` of `@ugrad/engine`) or the eager graph. */
export type TrainingMode = 'compiled' | 'eager';

/** Options of {@link fit} and {@link Trainer}. Unknown keys are a TypeError (a typo would otherwise be ignored). */
export interface FitOptions {
  /** The loss, by name (see `LOSSES`) or as a function. */
  loss: LossName | LossFunction;
  /** Default `new SGD(model.parameters(), { lr })`. */
  optimizer?: Optimizer;
  /** Learning rate of the default SGD (default 1e-3, SGD's); give it to your optimizer instead when you pass one. */
  lr?: number;
  /** Sets `optimizer.lr = schedule(k)` before step k (counted from 0), e.g. micrograd's `linearLR(1.0, 0.1, 100)`. */
  schedule?: Schedule | ((step: number) => number);
  /** Passes over the training set (give this or `steps`; `fit` needs one, a `Trainer` runs until stopped without). */
  epochs?: number;
  /** Optimizer steps in total. */
  steps?: number;
  /** Samples per step; default all of them (full batch, as in micrograd's demo). The last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Reorder the samples at the start of each epoch; default true when `batchSize` is less than the training set. */
  shuffle?: boolean;
  /** Seed of the generator used for shuffling and the validation split (default 0). */
  seed?: Seed;
  /** A generator to draw from instead of `seed`. */
  rng?: Rng;
  /** Adds `l2 · Σp²` over the model's parameters to the loss (micrograd's demo: 1e-4). */
  l2?: number;
  /** Adds `l1 · Σ|p|` over the model's parameters to the loss (L1 regularisation, which drives weights to exactly 0). */
  l1?: number;
  /** Clips the gradients to this global L2 norm before each step (`clipGradNorm`). */
  clipGradNorm?: number;
  /** A validation set, or the fraction of `data` to split off for it (with the seed), evaluated after each epoch. */
  validation?: Dataset | number;
  /** Called after each step; returning `false` stops training. */
  onStep?: (info: StepInfo, trainer: Trainer) => boolean | void;
  /** Called after each epoch (after `onStep`); returning `false` stops training. */
  onEpoch?: (info: EpochInfo, trainer: Trainer) => boolean | void;
  /** Stop when the monitored loss has not improved for `patience` epochs. */
  earlyStopping?: EarlyStoppingOptions;
  /** Stop after a step whose loss is ≤ this (an error threshold). */
  targetLoss?: number;
  /**
   * Track the fraction classified correctly. Default true for hinge, bce and
   * crossEntropy, false otherwise. The rule comes from the loss table
   * (`LOSSES[name].accuracy`): by sign for hinge and bce logits, at 0.5 for
   * mse on 0/1 labels, by argmax for crossEntropy; for a custom loss, by sign
   * for one output and by argmax for several.
   */
  accuracy?: boolean;
  /**
   * Train with a compiled step (`compileStep` of `@ugrad/engine`): the loss
   * is traced once, then each step runs as generated code over typed arrays
   * instead of building a graph, many times faster.
   * - `'auto'` (default): compile the built-in losses; where that does not
   *   apply (the model reads `.data` or draws random numbers, no
   *   `new Function`, …) train eagerly, saying why in
   *   {@link Trainer.eagerReason}. Custom loss functions train eagerly.
   * - `true`: compile a custom loss function too — it must be a mean over
   *   samples of a per-sample term, as the built-in ones are — and throw (a
   *   `TraceError`) instead of falling back.
   * - `false`: always train eagerly.
   *
   * With a built-in loss the first step's loss is the eager one bit for bit;
   * gradients add up in another order, so later steps agree to rounding
   * (~1e-15 relative). Compiling costs a few tracings of the model and one
   * eager pass over a few training rows, to check the compiled step against.
   * Evaluation is compiled too where it can be, else eager.
   */
  compile?: 'auto' | boolean;
}

/** The loss an options object names: a built-in one with its table entry, or a custom function. */
export type ResolvedLoss = { name: LossName; spec: LossSpec; fn: LossFunction } | { name: null; spec: null; fn: LossFunction };

const loss: Check<ResolvedLoss> = (x, where, what) => {
  const wanted = `one of ${LOSS_NAMES.join(', ')} or a function`;
  if (typeof x === 'function') return { name: null, spec: null, fn: x as LossFunction };
  if (typeof x !== 'string') throw typeError(where, what, wanted, x);
  if (!Object.hasOwn(LOSSES, x)) throw new RangeError(`${where}: expected ${what} to be ${wanted}, got ${JSON.stringify(x)}`);
  const spec = LOSSES[x as LossName];
  return { name: x as LossName, spec, fn: spec.fn };
};

const schedule: Check<(step: number) => number> = (x, where, what) => {
  if (typeof x !== 'function') throw typeError(where, what, 'a schedule such as linearLR(1, 0.1, 100)', x);
  return x as (step: number) => number;
};

const compile: Check<'auto' | boolean> = (x, where, what) => {
  if (x === 'auto' || typeof x === 'boolean') return x;
  const wanted = "'auto', true or false";
  if (typeof x === 'string') throw new RangeError(`${where}: expected ${what} to be ${wanted}, got ${JSON.stringify(x)}`);
  throw typeError(where, what, wanted, x);
};


const validation: Check<Dataset | number> = (x, where, what) => {
  if (typeof x === 'number') {
    if (!(x > 0 && x < 1)) throw new RangeError(`${where}: expected ${what} to be a fraction in (0, 1) or a dataset, got ${x}`);
    return x;
  }
  return x as Dataset; // a dataset: checked with the training data
};

/** The one schema of {@link FitOptions}: every check `fit` and `Trainer` make before anything else. */
const FIT_OPTIONS = {
  loss, optimizer: optional(optimizerCheck), lr: optional(rate), schedule: optional(schedule),
  epochs: optional(count), steps: optional(count), batchSize: optional(count), shuffle: optional(bool),
  ...RANDOM_SCHEMA, l2: withDefault(rate, 0), l1: withDefault(rate, 0), clipGradNorm: optional(positive),
  validation: optional(validation), onStep: optional(fn), onEpoch: optional(fn),
  // checked by EarlyStopping, which also needs to know whether there is a validation set
  earlyStopping: optional((x: unknown) => x as EarlyStoppingOptions), targetLoss: optional(finite), accuracy: optional(bool), compile: withDefault(compile, 'auto'),
} as const;

/** @internal {@link FitOptions} checked, with their defaults; `earlyStopping` is checked by `EarlyStopping` once the validation set is known. */
export type ParsedFitOptions = ReturnType<typeof parseFitOptions>;

/** @internal Checks every option and the pairs that exclude each other; `needsLimit` (fit) requires epochs or steps. */
export function parseFitOptions(where: string, options: unknown, needsLimit: boolean) {
  // Unlike most options, these are required: the loss at least.
  const o = parseOptions(where, object(options, where, 'options'), FIT_OPTIONS);
  if (o.epochs !== undefined && o.steps !== undefined) throw new TypeError(`${where}: give options.epochs or options.steps, not both`);
  if (needsLimit && o.epochs === undefined && o.steps === undefined) throw new TypeError(`${where}: give options.epochs or options.steps (a Trainer can run without a limit; fit cannot)`);
  if (o.lr !== undefined && o.optimizer !== undefined) throw new TypeError(`${where}: give options.lr or options.optimizer, not both (set lr on the optimizer)`);
  if (o.lr !== undefined && o.schedule !== undefined) throw new TypeError(`${where}: give options.lr or options.schedule, not both`);
  if (o.seed !== undefined && o.rng !== undefined) throw new TypeError(`${where}: give options.seed or options.rng, not both`);
  return o;
}
