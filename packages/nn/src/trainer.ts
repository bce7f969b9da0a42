import { Value, noGrad } from '@ugrad/engine';
import { arrayOf, describe, instance, rate, str, typeError, withContext, type Check } from '@ugrad/engine/internal';
import { NonFiniteError, StepChoice, accuracyRule, prepare, type Model, type Prepared, type StepContext } from './batch.js';
import { EarlyStopping, EpochTotals, type EpochInfo, type StepInfo } from './callbacks.js';
import { trainTestSplit, type Dataset } from './datasets.js';
import { countCorrect, type AccuracyRule } from './losses.js';
import { Module, madeBy, primitive, type AnyModule } from './module.js';
import { Optimizer, clipGradNorm } from './optim.js';
import { SGD } from './optimizers.js';
import { parseFitOptions, type FitOptions, type ResolvedLoss, type TrainingMode } from './options.js';
import { Rng, setRngState } from './random.js';
import { datasetCheck, rows } from './rows.js';
import { scheduleFromSpec, type Schedule } from './schedule.js';
import { checkTrainerState, type History, type TrainerState } from './trainer-state.js';

// The training loop. It must run in a browser: no `node:` imports, timing by performance.now().

/** A loss (with the penalty terms) and, when tracked, an accuracy. */
export interface Evaluation {
  /** The loss over the set, with the penalty terms, as in training. */
  loss: number;
  /** The fraction classified correctly, when accuracy is tracked. */
  accuracy?: number;
}

/**
 * A training run taken one step at a time, for callers that interleave
 * training with other work (a browser redrawing between slices). `fit` is
 * `while (!trainer.done) trainer.step()`.
 *
 * The constructor checks every option and the data first, then puts the
 * model in training mode and, unless `options.compile` says otherwise,
 * compiles the step ({@link mode}). Errors from options, data and the loss
 * start with `fit:` whichever way it is run.
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
  readonly model: Model;
  /** `options.optimizer`, or the default SGD over the model's parameters; its `lr` follows the schedule. */
  readonly optimizer: Optimizer;
  /** The samples trained on (after a validation split), their labels as the loss takes them (hinge: 0/1 → ±1). */
  readonly data: Dataset;
  /** The validation set, or null. */
  readonly validation: Dataset | null;
  readonly #loss: ResolvedLoss;
  readonly #width: number;
  readonly #rule: AccuracyRule | null;
  readonly #train: Prepared;
  readonly #val: Prepared | null;
  readonly #params: Value[];
  readonly #batchSize: number;
  readonly #shuffle: boolean;
  readonly #total: number;
  readonly #clip: number | null;
  readonly #targetLoss: number | null;
  readonly #onStep: FitOptions['onStep'] | null;
  readonly #onEpoch: FitOptions['onEpoch'] | null;
  readonly #early: EarlyStopping | null;
  readonly #totals = new EpochTotals();
  readonly #context: StepContext;
  #schedule: ((step: number) => number) | null;
  // The steps for training and for evaluation.
  #steps!: StepChoice;
  #rng: Rng;
  #step = 0;
  #epoch = 0;
  #batch = 0;
  #order: number[];
  #history: History = { steps: [], epochs: [], stopReason: null };
  // The weights before the update in progress, to put back if it overflows.
  #before = new Float64Array(0);
  // True while onStep or onEpoch runs, inside a step.
  #inCallback = false;

  constructor(model: Model, data: Dataset, options: FitOptions) {
    const where = 'fit';
    if (!(model instanceof Module)) throw typeError(where, 'model', 'a Module', model);
    const o = parseFitOptions(where, options, false);
    this.#early = o.earlyStopping === undefined ? null : new EarlyStopping(o.earlyStopping, o.validation !== undefined, where, 'options.earlyStopping');
    const all = datasetCheck(data, where, 'data');
    const given = typeof o.validation === 'object' ? columns(datasetCheck(o.validation, where, 'options.validation'), all.X[0]!.length, where, 'options.validation') : null;
    const n = all.X.length;
    const nVal = typeof o.validation === 'number' ? Math.round(o.validation * n) : 0;
    if (typeof o.validation === 'number' && (nVal === 0 || nVal === n)) {
      throw new RangeError(`${where}: expected options.validation to leave rows for both sets, got ${o.validation} of ${n} rows, which leaves ${nVal === 0 ? 'the validation' : 'the training'} set empty`);
    }
    const nTrain = n - nVal;
    if (o.batchSize !== undefined && o.batchSize > nTrain) throw new RangeError(`${where}: expected options.batchSize to be at most the number of training samples (${nTrain}), got ${o.batchSize}`);

    // The model's output width, probed on the first row; then the labels against the loss.
    let probe: unknown;
    try {
      probe = noGrad(() => model.forward(all.X[0]!));
    } catch (err) {
      throw withContext(err, `${where}: the model cannot take data.X[0]: `);
    }
    if (!Array.isArray(probe) || probe.length === 0 || !probe.every((v) => v instanceof Value)) {
      throw new TypeError(`${where}: expected model.forward to return a non-empty array of Values (as MLP and Layer do), got ${describe(probe)}`);
    }
    const width = probe.length;
    const loss = o.loss;
    if (loss.spec !== null && !loss.spec.outputs.ok(width)) throw new RangeError(`${where}: the ${loss.name} loss needs ${loss.spec.outputs.text}, but the model gives ${width}`);
    this.#loss = loss;
    this.#width = width;
    const full = prepare(loss, width, all, where, 'data');
    this.#rule = accuracyRule(loss, full.y, width, o.accuracy, where);
    const givenVal = given === null ? null : prepare(loss, width, given, where, 'options.validation');
    // a subclass may override parameters(): it must still list Values
    const params = arrayOf(instance(Value, 'a Value'))(model.parameters(), where, 'what model.parameters() returns');
    const own = new Set(params);
    if (o.optimizer !== undefined && !o.optimizer.params.some((p) => own.has(p))) {
      throw new RangeError(`${where}: expected options.optimizer to hold some of the model's parameters, got one holding none of them`);
    }
    if (params.length === 0) throw new RangeError(`${where}: expected the model to have parameters to train, got none`);
    let optimizer: Optimizer;
    try {
      optimizer = o.optimizer ?? new SGD(params, o.lr === undefined ? {} : { lr: o.lr });
    } catch (err) {
      throw withContext(err, `${where}: `); // e.g. a computed Value in a field, which no optimizer updates
    }
    const rngBefore = o.rng?.state();

    // Everything is checked: from here on, state changes.
    this.model = model;
    this.#params = params;
    this.#rng = o.rng ?? new Rng(o.seed ?? 0);
    if (typeof o.validation === 'number') {
      const split = trainTestSplit({ X: full.X, y: full.y }, { testFraction: o.validation, rng: this.#rng });
      [this.#train, this.#val] = [prepare(loss, width, split.train, where, 'data'), prepare(loss, width, split.test, where, 'data')];
    } else {
      [this.#train, this.#val] = [full, givenVal];
    }
    this.data = { X: this.#train.X, y: this.#train.y };
    this.validation = this.#val === null ? null : { X: this.#val.X, y: this.#val.y };
    this.#batchSize = o.batchSize ?? nTrain;
    this.#shuffle = o.shuffle ?? this.#batchSize < nTrain;
    this.#order = range(nTrain);
    this.#total = o.epochs !== undefined ? o.epochs * this.#batchesPerEpoch : o.steps ?? Infinity;
    this.#schedule = o.schedule ?? null;
    this.optimizer = optimizer;
    this.#clip = o.clipGradNorm ?? null;
    this.#targetLoss = o.targetLoss ?? null;
    this.#onStep = (o.onStep as FitOptions['onStep']) ?? null;
    this.#onEpoch = (o.onEpoch as FitOptions['onEpoch']) ?? null;
    this.#context = {
      model, params, loss, l2: o.l2, l1: o.l1, width, inputs: all.X[0]!.length,
      zeroGrad: () => { for (const p of params) p.grad = 0; this.optimizer.zeroGrad(); },
      position: () => ({ step: this.#step, epoch: this.#epoch }),
    };
    const modes = model.modules().map((m): [AnyModule, boolean] => [m, m.training]);
    model.train();
    try {
      this.#steps = new StepChoice(this.#context, this.#train, o.compile);
    } catch (err) {
      // A step that cannot be compiled (compile: true) changes nothing: the modes and the caller's generator go back.
      for (const [m, on] of modes) m.training = on;
      if (rngBefore !== undefined) setRngState(o.rng!, rngBefore);
      throw err;
    }
    trainers.add(this);
  }

  /** How steps are computed: `'compiled'`, or `'eager'` (then {@link eagerReason} says why). */
  get mode(): TrainingMode {
    return this.#steps.training.mode;
  }

  /** Why steps are computed eagerly, e.g. the message of the `TraceError` compiling met; null when compiled. */
  get eagerReason(): string | null {
    return this.#steps.eagerReason;
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
   * Throws if the loss, a gradient or an updated weight is not finite; the
   * model then keeps its last finite weights.
   */
  step(): StepInfo {
    if (this.done) throw new Error(`Trainer.step: training has stopped (${this.#history.stopReason ?? 'completed'}) after ${this.#step} steps; make a new Trainer to train on`);
    if (this.#inCallback) throw new Error('Trainer.step: called from a callback of this trainer, which runs inside a step; return false from the callback to stop instead');
    const start = performance.now();
    const n = this.data.X.length;
    const k = this.#step;
    // A step that throws (a non-finite loss, a schedule's bad value, the user's forward) changes nothing: put back what it drew and set.
    const [orderBefore, rngBefore, lrBefore] = [this.#order, this.#batch === 0 && this.#shuffle ? this.#rng.state() : null, this.optimizer.lr];
    let lr: number, loss: number, correct: number, rows: number[];
    try {
      if (this.#batch === 0) this.#order = this.#shuffle ? this.#rng.shuffle(range(n)) : range(n);
      rows = this.#order.slice(this.#batch * this.#batchSize, (this.#batch + 1) * this.#batchSize);
      if (this.#schedule !== null) this.optimizer.lr = rate(this.#schedule(k), 'fit', `the learning rate options.schedule gave for step ${k}`);
      lr = this.optimizer.lr;
      const run = this.#steps.training.run(this.#train, rows, true);
      loss = run.loss;
      correct = this.#rule === null ? 0 : countCorrect(this.#rule, run.outputs, this.#width, rows.map((i) => this.#train.y[i]!));
      if (this.#clip !== null) clipGradNorm(this.#params, this.#clip);
      this.#update();
    } catch (err) {
      this.#order = orderBefore;
      if (rngBefore !== null) setRngState(this.#rng, rngBefore);
      this.optimizer.lr = lrBefore;
      throw err;
    }
    const ms = performance.now() - start;

    const info: StepInfo = { step: k, epoch: this.#epoch, loss, ...(this.#rule === null ? {} : { accuracy: correct / rows.length }), lr, ms };
    this.#history.steps.push(info);
    this.#step++;
    this.#batch++;
    this.#totals.add(loss, correct, rows.length, ms);
    const epochInfo = this.#batch === this.#batchesPerEpoch ? this.#endEpoch(lr) : null;

    // The callbacks see a finished step and epoch, so a checkpoint saved inside one resumes from here.
    // If one throws, its error passes through, and the step still ends as it would have.
    this.#inCallback = true;
    try {
      if (this.#onStep?.(info, this) === false) this.stop();
      if (epochInfo !== null && this.#history.stopReason === null && this.#onEpoch?.(epochInfo, this) === false) this.stop();
    } finally {
      this.#inCallback = false;
      const h = this.#history;
      if (h.stopReason === null) {
        if (this.#targetLoss !== null && loss <= this.#targetLoss) h.stopReason = 'targetLoss';
        else if (epochInfo !== null && this.#early !== null && this.#early.state.wait >= this.#early.patience) h.stopReason = 'earlyStopping';
        else if (this.#step >= this.#total) h.stopReason = 'completed';
      }
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
   * Runs in eval mode without building a graph, compiled where training is.
   */
  evaluate(data?: Dataset): Evaluation {
    if (data === undefined) return this.#evaluate(this.#val ?? this.#train);
    const where = 'Trainer.evaluate';
    return this.#evaluate(prepare(this.#loss, this.#width, columns(datasetCheck(data, where, 'data'), this.#context.inputs, where, 'data'), where, 'data'));
  }

  /**
   * The model's outputs for each row of `X` (rows of numbers, as in `data.X`):
   * `model.forward` in eval mode without building a graph, through the
   * compiled forward pass where training is compiled (the same numbers, bit
   * for bit, ~13× faster on digits), else `model.forward` under `noGrad`.
   * @example
   * const scores = trainer.predict(test.X); // number[][], one row of class scores per sample
   * const classes = scores.map((s) => s.indexOf(Math.max(...s)));
   */
  predict(X: readonly (readonly number[])[]): number[][] {
    const where = 'Trainer.predict';
    const checked = rows(X, where, 'X'), w = this.#width;
    if (checked[0]!.length !== this.#context.inputs) throw new RangeError(`${where}: expected the rows of X to have ${this.#context.inputs} columns like the training data, got ${checked[0]!.length}`);
    const out = this.#inEvalMode(() => this.#steps.eval().predict(checked));
    return checked.map((_, s) => {
      const row = new Array<number>(w);
      for (let j = 0; j < w; j++) row[j] = out[s * w + j]!;
      return row;
    });
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
      totals: { ...this.#totals.state },
      earlyStopping: this.#early === null ? { best: null, wait: 0 } : { ...this.#early.state },
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
    this._prepareLoad(state, 'Trainer.loadStateDict', 'state')();
  }

  /** @internal Checks a state (named `what` in messages) against this trainer; returns a function that applies it and cannot fail. */
  _prepareLoad(state: TrainerState, where: string, what: string): () => void {
    str(where, 'Trainer._prepareLoad', 'where');
    str(what, 'Trainer._prepareLoad', 'what');
    const s = checkTrainerState(state, where, what, { samples: this.data.X.length, batchSize: this.#batchSize, batches: this.#batchesPerEpoch });
    const schedule = s.schedule === null ? this.#schedule : scheduleFromSpec(s.schedule);
    const rng = Rng.fromState(s.rng);
    return () => {
      this.#step = s.step;
      this.#epoch = s.epoch;
      this.#batch = s.batch;
      this.#order = [...s.order];
      this.#rng = rng;
      this.#schedule = schedule;
      this.#totals.state = { ...s.totals };
      if (this.#early !== null) this.#early.state = { ...s.earlyStopping };
      this.#history = { steps: s.history.steps.map((x) => ({ ...x })), epochs: s.history.epochs.map((x) => ({ ...x })), stopReason: s.history.stopReason };
    };
  }

  /** What `JSON.stringify(trainer)` writes: {@link stateDict}. */
  toJSON(): TrainerState {
    return this.stateDict();
  }

  /** e.g. `Trainer(compiled, step 40 of 100, epoch 40)`, and why it stopped once it has. */
  toString(): string {
    const stopped = this.#history.stopReason === null ? '' : `, stopped: ${this.#history.stopReason}`;
    return `Trainer(${this.mode}, step ${this.#step}${Number.isFinite(this.#total) ? ` of ${this.#total}` : ''}, epoch ${this.#epoch}${stopped})`;
  }

  /** Text for `${trainer}`; used as a number (`+trainer`), it is a TypeError. */
  [Symbol.toPrimitive](hint: string): string {
    return primitive(this, hint, 'a Trainer', 'read trainer.stepCount, trainer.epoch or trainer.history');
  }

  // The optimizer's step; if it leaves a weight non-finite (an update that
  // overflows), every weight goes back to where it was and the step throws.
  #update(): void {
    const params = this.optimizer.params;
    if (this.#before.length !== params.length) this.#before = new Float64Array(params.length);
    const before = this.#before;
    for (let i = 0; i < params.length; i++) before[i] = params[i]!.data;
    try {
      this.optimizer.step();
    } catch (err) {
      // a custom optimizer's update that throws midway
      params.forEach((p, i) => { p.data = before[i]!; });
      throw err;
    }
    let bad = -1;
    for (let i = 0; i < params.length && bad < 0; i++) if (!Number.isFinite(params[i]!.data)) bad = i;
    if (bad < 0) return;
    const value = params[bad]!.data;
    params.forEach((p, i) => { p.data = before[i]!; });
    const name = this.model.namedParameters().find(([, p]) => p === params[bad])?.[0];
    throw new NonFiniteError('weight', value, { step: this.#step, epoch: this.#epoch }, name ?? null);
  }

  #evaluate(data: Prepared): Evaluation {
    const run = () => {
      const { loss, outputs } = this.#steps.eval().run(data, null, false);
      return this.#rule === null ? { loss } : { loss, accuracy: countCorrect(this.#rule, outputs, this.#width, data.y) / data.y.length };
    };
    // Once chosen, a compiled eval step computes without calling the model: no need to walk its modules twice to switch modes.
    return this.#steps.compiledEval ? run() : this.#inEvalMode(run);
  }

  // Runs fn with the model in eval mode, then puts its mode back.
  #inEvalMode<T>(fn: () => T): T {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return fn();
    } finally {
      this.model.train(wasTraining);
    }
  }

  #endEpoch(lr: number): EpochInfo {
    const start = performance.now();
    const t = this.#totals.state;
    const val = this.#val === null ? null : this.#evaluate(this.#val);
    const info: EpochInfo = {
      epoch: this.#epoch,
      loss: t.loss,
      ...(this.#rule === null ? {} : { accuracy: t.correct / t.count }),
      ...(val === null ? {} : { valLoss: val.loss }),
      ...(val?.accuracy === undefined ? {} : { valAccuracy: val.accuracy }),
      lr,
      ms: t.ms + (performance.now() - start),
    };
    this.#early?.update(info);
    this.#history.epochs.push(info);
    this.#epoch++;
    this.#batch = 0;
    this.#totals.reset();
    return info;
  }
}

const trainers = madeBy(Trainer, 'a Trainer');
/** @internal A Trainer made by its constructor (not a Proxy or copy of one). */
export const trainerCheck: Check<Trainer> = trainers.check;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

// The rows of a dataset must have as many columns as the training data's.
function columns(data: Dataset, width: number, where: string, what: string): Dataset {
  if (data.X[0]!.length !== width) throw new RangeError(`${where}: expected ${what}.X to have ${width} columns like the training data, got ${data.X[0]!.length}`);
  return data;
}
