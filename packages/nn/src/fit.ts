import { MAX_LABELS, TraceError, Value, compileStep, noGrad, opText, topo, type CompiledStep, type ValueLike } from '@ugrad/engine';
import { describe } from '@ugrad/engine/internal';
import { trainTestSplit, type Dataset } from './datasets.js';
import { bceWithLogits, hinge, l2, mse, softmaxCrossEntropy } from './losses.js';
import { Module, checkBoolean, checkOptions } from './module.js';
import { Optimizer, SGD, clipGradNorm } from './optim.js';
import { Rng, rngFrom, type Seed } from './random.js';
import { scheduleFromSpec, type Schedule, type ScheduleSpec } from './schedule.js';

// The training loop. It must run in a browser: no `node:` imports, timing by performance.now().

/** A built-in loss by name: micrograd's `'hinge'` (labels ±1, or 0/1), `'mse'`, `'bce'` (logits, labels 0/1), `'crossEntropy'` (class indices). */
export type LossName = 'hinge' | 'mse' | 'bce' | 'crossEntropy';

/** A custom loss: each sample's model outputs and its target, to one scalar to minimise. */
export type LossFunction = (outputs: Value[][], targets: number[]) => Value;

/** The built-in losses, for validation and menus. */
export const LOSSES: readonly LossName[] = ['hinge', 'mse', 'bce', 'crossEntropy'];

/** How a {@link Trainer} computes its steps: a compiled step (`compileStep` of `@ugrad/engine`) or the eager graph. */
export type TrainingMode = 'compiled' | 'eager';

/** Options of early stopping, checked at the end of each epoch. */
export interface EarlyStoppingOptions {
  /** How many epochs in a row without improvement to allow before stopping; a positive integer. */
  patience: number;
  /** The smallest decrease that counts as an improvement; default 0. */
  minDelta?: number;
  /** What to watch; default `'valLoss'` with a validation set, else `'loss'` (the epoch's training loss). */
  monitor?: 'valLoss' | 'loss';
}

/** Options of {@link fit} and {@link Trainer}. Unknown keys are a TypeError (a typo would otherwise be ignored). */
export interface FitOptions {
  /** The loss, by name or as a function. */
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
  /** Clips the gradients to this global L2 norm before each step ({@link clipGradNorm}). */
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
   * crossEntropy, false otherwise. One output per sample: correct when
   * `output > 0` matches `label > 0` (labels ±1 or 0/1); several: the argmax.
   */
  accuracy?: boolean;
  /**
   * Train with a compiled step (`compileStep` of `@ugrad/engine`): the loss
   * is traced once, then each step runs as generated code over typed arrays
   * instead of building a graph, many times faster.
   * - `'auto'` (default): compile the built-in losses; where that does not
   *   apply (the model reads `.data` or draws random numbers, more than 64
   *   distinct targets, no `new Function`, …) train eagerly, saying why in
   *   {@link Trainer.eagerReason}. Custom loss functions train eagerly.
   * - `true`: compile a custom loss function too — it must be a mean over
   *   samples of a per-sample term, as the built-in ones are — and throw (a
   *   `TraceError`) instead of falling back.
   * - `false`: always train eagerly.
   *
   * With a built-in loss the first step's loss is the eager one bit for bit;
   * gradients add up in another order, so later steps agree to rounding
   * (~1e-15 relative). Compiling costs a few tracings of the model and one
   * eager pass over the training set, to check the compiled step against.
   * Evaluation is compiled too where it can be, else eager.
   */
  compile?: 'auto' | boolean;
}

/** What one optimizer step did. `step` and `epoch` count from 0. */
export interface StepInfo {
  step: number;
  epoch: number;
  /** The batch's loss before the update (with the l2 term). */
  loss: number;
  /** On this batch, before the update. */
  accuracy?: number;
  /** The learning rate used. */
  lr: number;
  /** Milliseconds spent on the step (callbacks excluded). */
  ms: number;
}

/** What one pass over the training set did. */
export interface EpochInfo {
  epoch: number;
  /** The mean of the epoch's batch losses, weighted by batch size. */
  loss: number;
  /** Over every sample of the epoch, each counted when its batch was seen. */
  accuracy?: number;
  /** On the validation set after the epoch, with the l2 term. */
  valLoss?: number;
  valAccuracy?: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** Milliseconds spent on the epoch's steps and validation. */
  ms: number;
}

/** Why training stopped. */
export type StopReason = 'completed' | 'callback' | 'earlyStopping' | 'targetLoss';

/** Every step and epoch so far, and why training stopped (`null` while it can go on). */
export interface History {
  steps: StepInfo[];
  epochs: EpochInfo[];
  stopReason: StopReason | null;
}

/** A loss (with the l2 term) and, when tracked, an accuracy. */
export interface Evaluation {
  loss: number;
  accuracy?: number;
}

/** Everything a {@link Trainer} needs to resume bit-identically: plain JSON, kept in checkpoints. */
export interface TrainerState {
  /** Steps taken. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** Batches taken in the current epoch. */
  batch: number;
  batchSize: number;
  /** The current epoch's order of the training rows. */
  order: number[];
  rng: ReturnType<Rng['state']>;
  /** The schedule's spec, or null for none or a plain function; a loading trainer adopts a saved spec. */
  schedule: ScheduleSpec | null;
  /** The current epoch so far: weighted mean loss, samples correct, samples seen, milliseconds. */
  totals: { loss: number; correct: number; count: number; ms: number };
  /** The best monitored loss so far (null before the first epoch) and the epochs since it. */
  earlyStopping: { best: number | null; wait: number };
  history: History;
}

const OPTIONS = [
  'loss', 'optimizer', 'lr', 'schedule', 'epochs', 'steps', 'batchSize', 'shuffle', 'seed', 'rng', 'l2',
  'clipGradNorm', 'validation', 'onStep', 'onEpoch', 'earlyStopping', 'targetLoss', 'accuracy', 'compile',
];

const LOSS_FUNCTIONS: Record<LossName, LossFunction> = { hinge, mse, bce: bceWithLogits, crossEntropy: softmaxCrossEntropy };

/**
 * Trains `model` on `data` and returns the history: a loop of
 * {@link Trainer.step} until the epochs or steps run out or something stops it.
 *
 * @example
 * // micrograd's demo
 * const { X, y } = moons({ n: 100, noise: 0.1 });
 * const model = new MLP(2, [16, 16, 1]);
 * const history = fit(model, { X, y }, { loss: 'hinge', l2: 1e-4, steps: 100, schedule: linearLR(1.0, 0.1, 100) });
 * history.steps.at(-1); // { step: 99, epoch: 99, loss, accuracy, lr: 0.109, ms }
 */
export function fit(model: Module<readonly ValueLike[], Value[]>, data: Dataset, options: FitOptions): History {
  const trainer = new Trainer(model, data, options);
  if (options.epochs === undefined && options.steps === undefined) {
    throw new TypeError('fit: give options.epochs or options.steps (a Trainer can run without a limit; fit cannot)');
  }
  while (!trainer.done) trainer.step();
  return trainer.history;
}

/**
 * A training run taken one step at a time, for callers that interleave
 * training with other work (a browser redrawing between slices). `fit` is
 * `while (!trainer.done) trainer.step()`.
 *
 * The constructor checks everything, puts the model in training mode and,
 * unless `options.compile` says otherwise, compiles the step ({@link mode}).
 * Errors from options, data and the loss start with `fit:` whichever way it is run.
 *
 * @example
 * const trainer = new Trainer(model, data, { loss: 'hinge', lr: 0.1, epochs: 50 });
 * function frame() {
 *   for (let i = 0; i < 5 && !trainer.done; i++) trainer.step();
 *   if (!trainer.done) requestAnimationFrame(frame);
 * }
 */
export class Trainer {
  /** The model trained, in training mode from construction on. */
  readonly model: Module<readonly ValueLike[], Value[]>;
  /** `options.optimizer`, or the default SGD over the model's parameters; its `lr` follows the schedule. */
  readonly optimizer: Optimizer;
  /** The samples trained on (after a validation split; hinge's 0/1 labels mapped to ±1). */
  readonly data: Dataset;
  /** The validation set, or null. */
  readonly validation: Dataset | null;
  readonly #loss: LossFunction;
  readonly #lossName: LossName | null;
  readonly #outputs: number;
  readonly #width: number;
  readonly #accuracy: boolean;
  #schedule: ((step: number) => number) | null;
  readonly #batchSize: number;
  readonly #shuffle: boolean;
  readonly #l2: number;
  readonly #clip: number | null;
  readonly #onStep: FitOptions['onStep'] | null;
  readonly #onEpoch: FitOptions['onEpoch'] | null;
  readonly #early: Required<EarlyStoppingOptions> | null;
  readonly #targetLoss: number | null;
  readonly #total: number;
  readonly #params: Value[];
  // The compiled training step (null: eager), and the one for evaluation in
  // eval mode (undefined until first needed, null where it does not apply).
  #compiled: CompiledStep | null = null;
  #evalCompiled: CompiledStep | null | undefined;
  #eagerReason: string | null;
  // Each sample's outputs from a compiled step, row after row.
  #outputBuffer = new Float64Array(0);
  #rng: Rng;
  #step = 0;
  #epoch = 0;
  #batch = 0;
  #order: number[];
  #totals = { loss: 0, correct: 0, count: 0, ms: 0 };
  #best: number | null = null;
  #wait = 0;
  #history: History = { steps: [], epochs: [], stopReason: null };

  constructor(model: Module<readonly ValueLike[], Value[]>, data: Dataset, options: FitOptions) {
    const where = 'fit';
    if (!(model instanceof Module)) throw new TypeError(`${where}: expected model to be a Module, got ${describe(model)}`);
    checkOptions(options, OPTIONS, where);
    const o = options;
    this.model = model;
    this.#params = model.parameters();

    if (typeof o.loss === 'function') {
      this.#loss = o.loss;
      this.#lossName = null;
    } else {
      const expected = `one of ${LOSSES.join(', ')} or a function`;
      if (typeof o.loss !== 'string') throw new TypeError(`${where}: expected options.loss to be ${expected}, got ${describe(o.loss)}`);
      if (!(LOSSES as readonly string[]).includes(o.loss)) throw new RangeError(`${where}: expected options.loss to be ${expected}, got "${o.loss}"`);
      this.#loss = LOSS_FUNCTIONS[o.loss];
      this.#lossName = o.loss;
    }
    this.#accuracy = o.accuracy === undefined ? this.#lossName !== null && this.#lossName !== 'mse' : checkBoolean(o.accuracy, where, 'options.accuracy');
    if (typeof o.compile === 'string' && o.compile !== 'auto') throw new RangeError(`${where}: expected options.compile to be 'auto', true or false, got "${o.compile}"`);
    if (o.compile !== undefined && o.compile !== 'auto' && typeof o.compile !== 'boolean') {
      throw new TypeError(`${where}: expected options.compile to be 'auto', true or false, got ${describe(o.compile)}`);
    }
    this.#rng = rngFrom(o, where);

    // The data: rows checked, the model's output width probed on the first row, labels checked for the loss.
    const all = checkRows(data, where, 'data');
    let probe: unknown;
    try {
      probe = noGrad(() => model.forward(all.X[0]!));
    } catch (err) {
      throw withContext(err, `${where}: the model cannot take data.X[0]: `);
    }
    if (!Array.isArray(probe) || probe.length === 0 || !probe.every((v) => v instanceof Value)) {
      throw new TypeError(`${where}: expected model.forward to return a non-empty array of Values (as MLP and Layer do), got ${describe(probe)}`);
    }
    this.#outputs = probe.length;
    this.#width = all.X[0]!.length;
    if (this.#lossName === 'crossEntropy' ? this.#outputs < 2 : this.#lossName !== null && this.#outputs !== 1) {
      const needs = this.#lossName === 'crossEntropy' ? 'one output per class (at least 2)' : 'one output per sample';
      throw new RangeError(`${where}: the ${this.#lossName} loss needs ${needs}, but the model gives ${this.#outputs}`);
    }
    const full = this.#checkData(data, where, 'data', all);
    const v = o.validation;
    if (v === undefined) {
      this.data = full;
      this.validation = null;
    } else if (typeof v === 'number') {
      if (!(v > 0 && v < 1)) throw new RangeError(`${where}: expected options.validation to be a fraction in (0, 1) or a dataset, got ${v}`);
      let split: { train: Dataset; test: Dataset };
      try {
        split = trainTestSplit(full, { testFraction: v, rng: this.#rng });
      } catch (err) {
        throw withContext(err, `${where}: options.validation: `);
      }
      this.data = split.train;
      this.validation = split.test;
    } else {
      this.data = full;
      this.validation = this.#checkData(v, where, 'options.validation');
    }
    const n = this.data.X.length;

    this.#batchSize = o.batchSize === undefined ? n : checkNumber(o.batchSize, where, 'options.batchSize', isCount, 'a positive integer');
    if (this.#batchSize > n) {
      throw new RangeError(`${where}: expected options.batchSize to be at most the number of training samples (${n}), got ${this.#batchSize}`);
    }
    this.#shuffle = o.shuffle === undefined ? this.#batchSize < n : checkBoolean(o.shuffle, where, 'options.shuffle');
    this.#order = range(n);

    if (o.epochs !== undefined && o.steps !== undefined) throw new TypeError(`${where}: give options.epochs or options.steps, not both`);
    this.#total = o.epochs !== undefined
      ? checkNumber(o.epochs, where, 'options.epochs', isCount, 'a positive integer') * this.#batchesPerEpoch
      : o.steps !== undefined ? checkNumber(o.steps, where, 'options.steps', isCount, 'a positive integer') : Infinity;

    if (o.schedule !== undefined && typeof o.schedule !== 'function') {
      throw new TypeError(`${where}: expected options.schedule to be a schedule such as linearLR(1, 0.1, 100), got ${describe(o.schedule)}`);
    }
    this.#schedule = o.schedule ?? null;
    if (o.lr !== undefined && o.schedule !== undefined) throw new TypeError(`${where}: give options.lr or options.schedule, not both`);
    if (o.optimizer !== undefined) {
      if (!(o.optimizer instanceof Optimizer)) throw new TypeError(`${where}: expected options.optimizer to be an Optimizer, got ${describe(o.optimizer)}`);
      if (o.lr !== undefined) throw new TypeError(`${where}: give options.lr or options.optimizer, not both (set lr on the optimizer)`);
      this.optimizer = o.optimizer;
    } else {
      if (o.lr !== undefined) checkNumber(o.lr, where, 'options.lr', isRate, 'finite and ≥ 0');
      this.optimizer = new SGD(this.#params, o.lr === undefined ? {} : { lr: o.lr });
    }

    this.#l2 = o.l2 === undefined ? 0 : checkNumber(o.l2, where, 'options.l2', isRate, 'finite and ≥ 0');
    this.#clip = o.clipGradNorm === undefined ? null : checkNumber(o.clipGradNorm, where, 'options.clipGradNorm', (x) => x > 0 && x < Infinity, 'finite and > 0');
    this.#targetLoss = o.targetLoss === undefined ? null : checkNumber(o.targetLoss, where, 'options.targetLoss', Number.isFinite, 'a finite number');
    this.#onStep = checkCallback(o.onStep, where, 'options.onStep');
    this.#onEpoch = checkCallback(o.onEpoch, where, 'options.onEpoch');
    this.#early = null;
    if (o.earlyStopping !== undefined) {
      const e = o.earlyStopping;
      checkOptions(e, ['patience', 'minDelta', 'monitor'], `${where}: options.earlyStopping`);
      const monitor = e.monitor ?? (this.validation === null ? 'loss' : 'valLoss');
      if (monitor !== 'loss' && monitor !== 'valLoss') {
        throw new RangeError(`${where}: expected options.earlyStopping.monitor to be "valLoss" or "loss", got ${describe(monitor)}`);
      }
      if (monitor === 'valLoss' && this.validation === null) throw new RangeError(`${where}: options.earlyStopping monitors valLoss, but there is no options.validation`);
      this.#early = {
        patience: checkNumber(e.patience, where, 'options.earlyStopping.patience', isCount, 'a positive integer'),
        minDelta: e.minDelta === undefined ? 0 : checkNumber(e.minDelta, where, 'options.earlyStopping.minDelta', isRate, 'finite and ≥ 0'),
        monitor,
      };
    }
    model.train();
    this.#eagerReason = this.#setUpCompiled(o.compile ?? 'auto');
  }

  /** How steps are computed: `'compiled'`, or `'eager'` (then {@link eagerReason} says why). */
  get mode(): TrainingMode {
    return this.#compiled === null ? 'eager' : 'compiled';
  }

  /** Why steps are computed eagerly, e.g. the message of the `TraceError` compiling met; null when compiled. */
  get eagerReason(): string | null {
    return this.#eagerReason;
  }

  /** Everything so far; `stopReason` is set once training has stopped. */
  get history(): History {
    return this.#history;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** Epochs completed so far. */
  get epoch(): number {
    return this.#epoch;
  }

  /** True once training has stopped or used up its epochs or steps. */
  get done(): boolean {
    return this.#history.stopReason !== null || this.#step >= this.#total;
  }

  get #batchesPerEpoch(): number {
    return Math.ceil(this.data.X.length / this.#batchSize);
  }

  /**
   * One optimizer step on the next batch: forward, loss, backward, clipping,
   * update. At the end of an epoch it also evaluates the validation set and
   * checks early stopping. Then the callbacks run, and the stop conditions.
   * Throws if the loss or a gradient is not finite, before the update, so
   * the model keeps its last finite weights.
   */
  step(): StepInfo {
    if (this.done) {
      throw new Error(`Trainer.step: training has stopped (${this.#history.stopReason ?? 'completed'}) after ${this.#step} steps; make a new Trainer to train on`);
    }
    const start = performance.now();
    const n = this.data.X.length;
    if (this.#batch === 0) this.#order = this.#shuffle ? this.#rng.shuffle(range(n)) : range(n);
    const rows = this.#order.slice(this.#batch * this.#batchSize, (this.#batch + 1) * this.#batchSize);
    const k = this.#step;
    if (this.#schedule !== null) this.optimizer.lr = this.#schedule(k);
    const lr = this.optimizer.lr;
    const { loss, correct } = this.#lossAndGrads(rows.map((i) => this.data.X[i]!), rows.map((i) => this.data.y[i]!));
    if (this.#clip !== null) clipGradNorm(this.#params, this.#clip);
    this.optimizer.step();
    const ms = performance.now() - start;

    const info: StepInfo = { step: k, epoch: this.#epoch, loss, ...(this.#accuracy ? { accuracy: correct / rows.length } : {}), lr, ms };
    this.#history.steps.push(info);
    this.#step++;
    this.#batch++;
    const t = this.#totals;
    t.count += rows.length;
    // A running weighted mean: the first batch's weight is exactly 1, so one batch per epoch gives its loss bit for bit.
    t.loss += (loss - t.loss) * (rows.length / t.count);
    t.correct += correct;
    t.ms += ms;
    const epochInfo = this.#batch === this.#batchesPerEpoch ? this.#endEpoch(lr) : null;

    // The callbacks see a finished step and epoch, so a checkpoint saved inside one resumes from here.
    const h = this.#history;
    if (this.#onStep?.(info, this) === false) this.stop();
    if (epochInfo !== null && h.stopReason === null && this.#onEpoch?.(epochInfo, this) === false) this.stop();
    if (h.stopReason === null) {
      if (this.#targetLoss !== null && loss <= this.#targetLoss) h.stopReason = 'targetLoss';
      else if (epochInfo !== null && this.#early !== null && this.#wait >= this.#early.patience) h.stopReason = 'earlyStopping';
      else if (this.#step >= this.#total) h.stopReason = 'completed';
    }
    return info;
  }

  /** Stops training: `done` becomes true and `history.stopReason` `'callback'` (unless it had stopped already). */
  stop(): void {
    this.#history.stopReason ??= 'callback';
  }

  /**
   * The loss (with the l2 term, as in training) and accuracy of the model on
   * `data`, by default the validation set, or the training set without one.
   * Runs in eval mode without building a graph.
   */
  evaluate(data?: Dataset): Evaluation {
    return this.#evaluate(data === undefined ? (this.validation ?? this.data) : this.#checkData(data, 'Trainer.evaluate', 'data'));
  }

  /** The trainer's position, generator, schedule, and history, as plain JSON (see {@link TrainerState}). */
  stateDict(): TrainerState {
    const h = this.#history;
    return {
      step: this.#step,
      epoch: this.#epoch,
      batch: this.#batch,
      batchSize: this.#batchSize,
      order: [...this.#order],
      rng: this.#rng.state(),
      schedule: this.#schedule !== null && 'spec' in this.#schedule ? (this.#schedule as Schedule).spec : null,
      totals: { ...this.#totals },
      earlyStopping: { best: this.#best, wait: this.#wait },
      history: { steps: h.steps.map((s) => ({ ...s })), epochs: h.epochs.map((e) => ({ ...e })), stopReason: h.stopReason },
    };
  }

  /**
   * Restores a `stateDict()` (the model and optimizer have their own). It is
   * checked first, also against this trainer's data and batch size, so a bad
   * state changes nothing. The trainer continues with the saved generator
   * (not the `rng` it was given) and adopts a saved schedule spec.
   */
  loadStateDict(state: TrainerState): void {
    this._prepareLoad(checkTrainerState(state, 'Trainer.loadStateDict', 'state'), 'Trainer.loadStateDict', 'state')();
  }

  /** @internal Checks a structurally valid state against this trainer; returns a function that applies it and cannot fail. */
  _prepareLoad(s: TrainerState, where: string, path: string): () => void {
    const n = this.data.X.length;
    if (s.batchSize !== this.#batchSize) {
      throw new RangeError(`${where}: expected ${path}.batchSize to be this trainer's batch size, ${this.#batchSize}, got ${s.batchSize}`);
    }
    if (s.order.length !== n) {
      throw new RangeError(`${where}: expected ${path}.order to order this trainer's ${n} training samples, got ${s.order.length} entries`);
    }
    const seen = new Uint8Array(n);
    s.order.forEach((i, j) => {
      if (!(i < n) || seen[i]) throw new RangeError(`${where}: expected ${path}.order to be a permutation of 0…${n - 1}, got ${i} at ${path}.order[${j}]`);
      seen[i] = 1;
    });
    if (s.batch >= this.#batchesPerEpoch) {
      throw new RangeError(`${where}: expected ${path}.batch to be less than the ${this.#batchesPerEpoch} batches of an epoch, got ${s.batch}`);
    }
    const schedule = s.schedule === null ? this.#schedule : scheduleFromSpec(s.schedule);
    const rng = Rng.fromState(s.rng);
    return () => {
      this.#step = s.step;
      this.#epoch = s.epoch;
      this.#batch = s.batch;
      this.#order = [...s.order];
      this.#rng = rng;
      this.#schedule = schedule;
      this.#totals = { ...s.totals };
      this.#best = s.earlyStopping.best;
      this.#wait = s.earlyStopping.wait;
      this.#history = { steps: s.history.steps.map((x) => ({ ...x })), epochs: s.history.epochs.map((x) => ({ ...x })), stopReason: s.history.stopReason };
    };
  }

  // The one place a batch becomes a loss and gradients (in each parameter's
  // `grad`). Everything around it is bookkeeping on numbers, so the compiled
  // step and the eager graph are interchangeable here.
  #lossAndGrads(X: number[][], y: number[]): { loss: number; correct: number } {
    const step = this.#compiled;
    if (step === null) return this.#eagerLossAndGrads(X, y);
    this.#zeroGrad();
    const O = this.#outputRows(X.length);
    // Every training target was traced at construction, so this traces nothing new.
    const loss = step.step(X, y, O);
    // The eager graph has the same forward values and can name the op that
    // went non-finite: let it redo the batch, and throw.
    if (!Number.isFinite(loss) || this.#params.some((p) => !Number.isFinite(p.grad))) return this.#eagerLossAndGrads(X, y);
    return { loss, correct: this.#correct(O, y) };
  }

  // As model.zeroGrad() and optimizer.zeroGrad(), without walking the module
  // tree every step: the trainer is tied to the parameters it found at
  // construction (the compiled step, l2, clipping and the default SGD use them).
  #zeroGrad(): void {
    for (const p of this.#params) p.grad = 0;
    this.optimizer.zeroGrad();
  }

  #eagerLossAndGrads(X: number[][], y: number[]): { loss: number; correct: number } {
    const outputs = X.map((x) => this.model.forward(x));
    const loss = this.#objective(outputs, y);
    if (!Number.isFinite(loss.data)) {
      const origin = firstNonFinite(loss, this.model);
      throw new Error(`fit: loss became ${loss.data} at step ${this.#step} (epoch ${this.#epoch})${origin === null ? '' : `; first non-finite value: ${origin}`}`);
    }
    this.#zeroGrad();
    loss.backward();
    // A non-finite gradient would poison every weight it touches; stop before the update.
    const bad = this.#params.findIndex((p) => !Number.isFinite(p.grad));
    if (bad >= 0) {
      const name = this.model.namedParameters()[bad]![0];
      throw new Error(`fit: the gradient of parameter "${name}" became ${this.#params[bad]!.grad} at step ${this.#step} (epoch ${this.#epoch})`);
    }
    return { loss: loss.data, correct: this.#correct(outputs, y) };
  }

  // Compiles the training step unless options.compile rules it out; returns why not, or null.
  #setUpCompiled(compile: 'auto' | boolean): string | null {
    if (compile === false) return 'options.compile is false';
    if (this.#lossName === null && compile !== true) return 'a custom loss function is compiled only with options.compile: true';
    try {
      this.#compiled = this.#compileStep();
      return null;
    } catch (err) {
      if (compile !== true) return err instanceof Error ? err.message : String(err);
      if (!(err instanceof TraceError)) throw err;
      throw new TraceError(`fit: could not compile the training step (options.compile is true; 'auto' would train eagerly): ${err.message}`, { cause: err });
    }
  }

  // The loss as a compiled step, traced in the model's current mode (training
  // or eval), then run over the training set — which traces every target it
  // holds — and checked against the eager loss there: a model that computes
  // with its inputs as numbers (`x[0] * x[1]`, `x[0] > 0`) traces without an
  // error, but the trace cannot follow it. The check costs one eager forward
  // pass without a graph: about a third of an eager step on the whole set.
  #compileStep(): CompiledStep {
    const model = this.model, loss = this.#loss, params = this.#params;
    const labels = new Set(this.data.y).size;
    if (this.#lossName !== 'mse' && labels > MAX_LABELS) {
      // found before tracing as many programs as it takes
      throw new TraceError(`the training set has ${labels} distinct targets; a compiled step takes at most ${MAX_LABELS} (one program each)`);
    }
    const extra = this.#l2 === 0 ? {} : { extra: () => l2(params).mul(this.#l2) };
    const step = this.#lossName === 'mse'
      // Targets as Values: one program serves every regression target.
      ? compileStep({ params, inputs: this.#width, ...extra, sample: (x, [t]) => { const o = model.forward(x); return { loss: mse([o], [t!]), outputs: o }; } })
      : compileStep({ params, inputs: this.#width, labels: true, ...extra, sample: (x, [t]) => { const o = model.forward(x); return { loss: checkLoss(loss([o], [t!])), outputs: o }; } });
    const { X, y } = this.data, w = this.#outputs;
    const O = new Float64Array(X.length * w);
    const got = step.evaluate(X, y, O);
    const eager = this.#eagerEvaluation(this.data);
    for (let s = 0; s < X.length; s++) {
      for (let j = 0; j < w; j++) {
        const want = eager.outputs[s]![j]!.data;
        if (!Object.is(O[s * w + j], want)) {
          throw new TraceError(`the compiled model gave ${O[s * w + j]} where model.forward gave ${want} (training sample ${s}, output ${j}); it may compute with its inputs as numbers (x[0] * x[1], x[0] > 0), which a trace cannot follow: use Value ops`);
        }
      }
    }
    const want = eager.loss;
    if (!(Object.is(got, want) || Math.abs(got - want) <= 1e-12 * Math.max(Math.abs(got), Math.abs(want)))) {
      throw new TraceError(`the compiled loss, ${got}, differs from the loss function's, ${want}, on the training set; a compiled loss must be the mean over samples of a per-sample term`);
    }
    return step;
  }

  // Room for n samples' outputs, grown when needed and otherwise reused, so a compiled step allocates none.
  #outputRows(n: number): Float64Array {
    if (this.#outputBuffer.length < n * this.#outputs) this.#outputBuffer = new Float64Array(n * this.#outputs);
    return this.#outputBuffer;
  }

  // Samples classified correctly, or 0 when accuracy is not tracked. `outputs`
  // are a compiled step's rows, one after another, or the eager outputs. One
  // output per sample: by sign (label > 0 is the positive class, so ±1 and 0/1
  // both work); several: by argmax (first on ties).
  #correct(outputs: Float64Array | Value[][], y: number[]): number {
    if (!this.#accuracy) return 0;
    const w = this.#outputs;
    const score = outputs instanceof Float64Array ? (s: number, j: number) => outputs[s * w + j]! : (s: number, j: number) => outputs[s]![j]!.data;
    let correct = 0;
    for (let s = 0; s < y.length; s++) {
      if (w === 1) {
        if (score(s, 0) > 0 === y[s]! > 0) correct++;
      } else {
        let best = 0;
        for (let j = 1; j < w; j++) if (score(s, j) > score(s, best)) best = j;
        if (best === y[s]) correct++;
      }
    }
    return correct;
  }

  #objective(outputs: Value[][], y: number[]): Value {
    const loss = checkLoss(this.#loss(outputs, y));
    // micrograd's `total_loss = data_loss + alpha * sum(p*p for p in model.parameters())`.
    return this.#l2 === 0 ? loss : loss.add(l2(this.#params).mul(this.#l2));
  }

  #evaluate(data: Dataset): Evaluation {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      // Compiled in eval mode the first time, when training is compiled.
      if (this.#evalCompiled === undefined) this.#evalCompiled = this.#compiled === null ? null : this.#tryCompileStep();
      const step = this.#evalCompiled;
      if (step !== null) {
        const O = this.#outputRows(data.X.length);
        try {
          const loss = step.evaluate(data.X, data.y, O);
          return this.#accuracy ? { loss, accuracy: this.#correct(O, data.y) / data.y.length } : { loss };
        } catch (err) {
          // e.g. more distinct targets than a compiled step takes: evaluate eagerly from now on
          if (!(err instanceof TraceError)) throw err;
          this.#evalCompiled = null;
        }
      }
      const { loss, outputs } = this.#eagerEvaluation(data);
      return this.#accuracy ? { loss, accuracy: this.#correct(outputs, data.y) / data.y.length } : { loss };
    } finally {
      this.model.train(wasTraining);
    }
  }

  // Evaluation falls back quietly, even with compile: true, which is about training.
  #tryCompileStep(): CompiledStep | null {
    try {
      return this.#compileStep();
    } catch {
      return null;
    }
  }

  // The loss (with the l2 term) and the outputs, in the model's current mode, without a graph.
  #eagerEvaluation(data: Dataset): { loss: number; outputs: Value[][] } {
    return noGrad(() => {
      const outputs = data.X.map((x) => this.model.forward(x));
      return { loss: this.#objective(outputs, data.y).data, outputs };
    });
  }

  #endEpoch(lr: number): EpochInfo {
    const start = performance.now();
    const t = this.#totals;
    const val = this.validation === null ? null : this.#evaluate(this.validation);
    const info: EpochInfo = {
      epoch: this.#epoch,
      loss: t.loss,
      ...(this.#accuracy ? { accuracy: t.correct / t.count } : {}),
      ...(val === null ? {} : { valLoss: val.loss }),
      ...(val?.accuracy === undefined ? {} : { valAccuracy: val.accuracy }),
      lr,
      ms: t.ms + (performance.now() - start),
    };
    if (this.#early !== null) {
      const value = this.#early.monitor === 'loss' ? info.loss : info.valLoss!;
      // Keras's rule: an improvement beats the best by more than minDelta.
      if (this.#best === null || value < this.#best - this.#early.minDelta) {
        this.#best = value;
        this.#wait = 0;
      } else {
        this.#wait++;
      }
    }
    this.#history.epochs.push(info);
    this.#epoch++;
    this.#batch = 0;
    this.#totals = { loss: 0, correct: 0, count: 0, ms: 0 };
    return info;
  }

  // Rows checked (unless given), the same width as the training rows, and labels that fit the loss.
  #checkData(data: unknown, where: string, what: string, rows = checkRows(data, where, what)): Dataset {
    const width = rows.X[0]!.length;
    if (width !== this.#width) throw new RangeError(`${where}: expected ${what}.X to have ${this.#width} columns like the training data, got ${width}`);
    const { X, y } = rows;
    const label = (test: (v: number) => boolean, expected: string): void => {
      y.forEach((v, i) => {
        if (!test(v)) throw new RangeError(`${where}: expected ${what}.y[${i}] to be ${expected}, got ${v}`);
      });
    };
    const zeroOne = y.every((v) => v === 0 || v === 1);
    const binary = (name: string): void => label((v) => v === 1 || v === -1, `-1 or 1 (or every label 0 or 1) for ${name}`);
    switch (this.#lossName) {
      case 'hinge':
        if (!zeroOne) binary('the hinge loss');
        // 0/1 labels, as the dataset generators make them, mean -1/+1: micrograd's `y*2 - 1`.
        return { X, y: zeroOne ? y.map((v) => 2 * v - 1) : y };
      case 'bce':
        label((v) => v === 0 || v === 1, '0 or 1 for the bce loss');
        return rows;
      case 'crossEntropy':
        label((v) => Number.isInteger(v) && v >= 0 && v < this.#outputs, `a class index in [0, ${this.#outputs - 1}] for the crossEntropy loss`);
        return rows;
    }
    if (this.#accuracy && this.#outputs === 1 && !zeroOne) binary('accuracy');
    if (this.#accuracy && this.#outputs > 1) label((v) => Number.isInteger(v) && v >= 0 && v < this.#outputs, `a class index in [0, ${this.#outputs - 1}] for accuracy`);
    return rows;
  }
}

function checkLoss(loss: unknown): Value {
  if (!(loss instanceof Value)) throw new TypeError(`fit: expected the loss function to return a Value, got ${describe(loss)}`);
  return loss;
}

/**
 * Where a non-finite value first appeared in the graph of `root`: the first
 * node in forward order that is non-finite while its inputs are finite,
 * e.g. `'log' of -0.5 gave NaN`, or a non-finite leaf (a parameter, named).
 */
function firstNonFinite(root: Value, model: Module<readonly ValueLike[], Value[]>): string | null {
  const names = new Map(model.namedParameters().map(([name, p]) => [p, name]));
  const leaf = (v: Value): string => (names.has(v) ? `parameter "${names.get(v)}" = ${v.data}` : `a constant ${v.data}`);
  // topo lists users before their inputs; reversed, every input comes before the ops that use it.
  for (const v of topo(root).reverse()) {
    for (const c of v.children) if (c.op === '' && !Number.isFinite(c.data)) return leaf(c);
    if (!Number.isFinite(v.data)) return `'${opText(v)}' of ${v.children.map((c) => c.data).join(' and ')} gave ${v.data}`;
  }
  return root.op === '' ? leaf(root) : null;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

// X: a non-empty array of equally long, non-empty rows of finite numbers; y: one finite number per row.
function checkRows(data: unknown, where: string, what: string): Dataset {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError(`${where}: expected ${what} to be a dataset { X, y }, got ${describe(data)}`);
  const { X, y } = data as Record<string, unknown>;
  if (!Array.isArray(X)) throw new TypeError(`${where}: expected ${what}.X to be an array of rows, got ${describe(X)}`);
  if (X.length === 0) throw new RangeError(`${where}: expected ${what}.X to have at least one row, got none`);
  const width = Array.isArray(X[0]) ? X[0].length : 0;
  X.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${where}: expected ${what}.X[${i}] to be an array of numbers, got ${describe(row)}`);
    if (row.length === 0 || row.length !== width) throw new RangeError(`${where}: expected ${what}.X[${i}] to have ${width || 'at least one'} columns like ${what}.X[0], got ${row.length}`);
    row.forEach((v: unknown, j) => checkNumber(v, where, `${what}.X[${i}][${j}]`, Number.isFinite, 'a finite number'));
  });
  if (!Array.isArray(y)) throw new TypeError(`${where}: expected ${what}.y to be an array of numbers, got ${describe(y)}`);
  if (y.length !== X.length) throw new RangeError(`${where}: expected ${what}.y to have one label per row of ${what}.X (${X.length}), got ${y.length}`);
  y.forEach((v: unknown, i) => checkNumber(v, where, `${what}.y[${i}]`, Number.isFinite, 'a finite number'));
  return { X: X as number[][], y: y as number[] };
}

function checkCallback<F>(f: F | undefined, where: string, what: string): F | null {
  if (f !== undefined && typeof f !== 'function') throw new TypeError(`${where}: expected ${what} to be a function, got ${describe(f)}`);
  return f ?? null;
}

/** @internal Rethrows `err` (same class) with `prefix` before its message; the original is the `cause`. */
export function withContext(err: unknown, prefix: string): unknown {
  if (!(err instanceof Error)) return err;
  const E = err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : Error;
  return new E(prefix + err.message, { cause: err });
}

// ---- checking plain JSON (shared with checkpoint.ts) ----

/** @internal Whole numbers ≥ 1. */
export const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 1;
/** Whole numbers ≥ 0. */
const isWhole = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;
/** Finite numbers ≥ 0. */
const isRate = (x: number): boolean => Number.isFinite(x) && x >= 0;

/** @internal A number passing `ok`, or a TypeError (not a number) or RangeError (failed `ok`) naming `what`. */
export function checkNumber(x: unknown, where: string, what: string, ok: (x: number) => boolean, expected: string): number {
  if (typeof x !== 'number') throw new TypeError(`${where}: expected ${what} to be ${expected}, got ${describe(x)}`);
  if (!ok(x)) throw new RangeError(`${where}: expected ${what} to be ${expected}, got ${x}`);
  return x;
}

/** @internal A plain object (not null, not an array), or a TypeError naming `what`. */
export function checkObject(x: unknown, where: string, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new TypeError(`${where}: expected ${what} to be an object, got ${describe(x)}`);
  return x as Record<string, unknown>;
}

/** @internal An array, or a TypeError naming `what`. */
export function checkArray(x: unknown, where: string, what: string): unknown[] {
  if (!Array.isArray(x)) throw new TypeError(`${where}: expected ${what} to be an array, got ${describe(x)}`);
  return x;
}

function checkSpec(spec: Record<string, unknown>, where: string, what: string): ScheduleSpec {
  try {
    return scheduleFromSpec(spec as unknown as ScheduleSpec).spec;
  } catch (err) {
    throw withContext(err, `${where}: ${what}: `);
  }
}

const STOP_REASONS: readonly (StopReason | null)[] = ['completed', 'callback', 'earlyStopping', 'targetLoss', null];

/**
 * @internal Checks that `x` has the shape of a {@link TrainerState}, every
 * field named in errors as `${path}.field`; returns a copy holding only the known fields.
 */
export function checkTrainerState(x: unknown, where: string, path: string): TrainerState {
  const s = checkObject(x, where, path);
  const whole = (v: unknown, what: string): number => checkNumber(v, where, `${path}.${what}`, isWhole, 'a whole number ≥ 0');
  const finite = (v: unknown, what: string): number => checkNumber(v, where, `${path}.${what}`, Number.isFinite, 'a finite number');
  const rate = (v: unknown, what: string): number => checkNumber(v, where, `${path}.${what}`, isRate, 'finite and ≥ 0');
  const fraction = (v: unknown, what: string): number => checkNumber(v, where, `${path}.${what}`, (f) => f >= 0 && f <= 1, 'in [0, 1]');
  const object = (v: unknown, what: string) => checkObject(v, where, `${path}.${what}`);
  const array = (v: unknown, what: string) => checkArray(v, where, `${path}.${what}`);
  const byte = (v: unknown, what: string): number => checkNumber(v, where, `${path}.${what}`, (b) => Number.isInteger(b) && b >= 0 && b < 256, 'an integer in [0, 255]');

  const rng = object(s.rng, 'rng');
  const arc4 = object(rng.arc4, 'rng.arc4');
  const S = array(arc4.S, 'rng.arc4.S');
  if (S.length !== 256) throw new RangeError(`${where}: expected ${path}.rng.arc4.S to have 256 entries, got ${S.length}`);
  const spare = rng.spare === null ? null : finite(rng.spare, 'rng.spare');
  const totals = object(s.totals, 'totals');
  const early = object(s.earlyStopping, 'earlyStopping');
  const history = object(s.history, 'history');
  const step = whole(s.step, 'step');
  const epoch = whole(s.epoch, 'epoch');
  const steps = array(history.steps, 'history.steps').map((x, i) => {
    const e = object(x, `history.steps[${i}]`), at = `history.steps[${i}]`;
    return {
      step: whole(e.step, `${at}.step`), epoch: whole(e.epoch, `${at}.epoch`), loss: finite(e.loss, `${at}.loss`),
      ...(e.accuracy === undefined ? {} : { accuracy: fraction(e.accuracy, `${at}.accuracy`) }),
      lr: rate(e.lr, `${at}.lr`), ms: rate(e.ms, `${at}.ms`),
    };
  });
  const epochs = array(history.epochs, 'history.epochs').map((x, i) => {
    const e = object(x, `history.epochs[${i}]`), at = `history.epochs[${i}]`;
    return {
      epoch: whole(e.epoch, `${at}.epoch`), loss: finite(e.loss, `${at}.loss`),
      ...(e.accuracy === undefined ? {} : { accuracy: fraction(e.accuracy, `${at}.accuracy`) }),
      ...(e.valLoss === undefined ? {} : { valLoss: finite(e.valLoss, `${at}.valLoss`) }),
      ...(e.valAccuracy === undefined ? {} : { valAccuracy: fraction(e.valAccuracy, `${at}.valAccuracy`) }),
      lr: rate(e.lr, `${at}.lr`), ms: rate(e.ms, `${at}.ms`),
    };
  });
  if (steps.length !== step) throw new RangeError(`${where}: expected ${path}.history.steps to have one entry per step taken (${step}), got ${steps.length}`);
  if (epochs.length !== epoch) throw new RangeError(`${where}: expected ${path}.history.epochs to have one entry per epoch completed (${epoch}), got ${epochs.length}`);
  if (!STOP_REASONS.includes(history.stopReason as StopReason | null)) {
    throw new RangeError(`${where}: expected ${path}.history.stopReason to be one of ${STOP_REASONS.map(String).join(', ')}, got ${describe(history.stopReason)}`);
  }
  return {
    step,
    epoch,
    batch: whole(s.batch, 'batch'),
    batchSize: checkNumber(s.batchSize, where, `${path}.batchSize`, isCount, 'a positive integer'),
    order: array(s.order, 'order').map((v, i) => whole(v, `order[${i}]`)),
    rng: { arc4: { i: byte(arc4.i, 'rng.arc4.i'), j: byte(arc4.j, 'rng.arc4.j'), S: S.map((v, i) => byte(v, `rng.arc4.S[${i}]`)) }, spare },
    schedule: s.schedule === null ? null : checkSpec(object(s.schedule, 'schedule'), where, `${path}.schedule`),
    totals: { loss: finite(totals.loss, 'totals.loss'), correct: whole(totals.correct, 'totals.correct'), count: whole(totals.count, 'totals.count'), ms: rate(totals.ms, 'totals.ms') },
    earlyStopping: { best: early.best === null ? null : finite(early.best, 'earlyStopping.best'), wait: whole(early.wait, 'earlyStopping.wait') },
    history: { steps, epochs, stopReason: history.stopReason as StopReason | null },
  };
}
