import { Value, noGrad } from '@ugrad/engine';
import { Adam, AdamW, LOSSES, MLP, NonFiniteError, SGD, Trainer, trainTestSplit, type Dataset, type Optimizer } from '@ugrad/nn';
import { fmt, shortName } from './fmt.js';
import { snapshot, type GraphSnapshot, type NeuronRef } from './graph.js';
import { outputReader, outputWidth, type OutputReader } from './losses.js';
import { FEATURES, featureRow, generate, isRegression } from './problems.js';
import { classCount, copy, type OptimizerName, type State } from './state.js';

// One experiment: the data, the model and the optimizer a state describes, and its
// training so far (a @ugrad/nn Trainer), with the settings that change live (learning
// rate, regularisation, optimizer, batch size, added points, redrawn data) applied
// between steps. No DOM here, so Node tests run exactly what the page runs.

/** Losses (with the l1/l2 penalty, as minimised) and accuracies on both sets after some step. */
export interface Eval {
  step: number;
  trainLoss: number;
  /** NaN for regression. */
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

/** Why training stopped on its own: the step it could not take, and what went non-finite. */
export interface Divergence {
  step: number;
  what: string;
}

/** The square part of the plane the map shows. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** The settings in force from `step` on; the first entry is the start. */
export interface Segment {
  step: number;
  state: State;
}

/**
 * Evaluating every step would cost as much as training; every tenth step keeps the
 * curves smooth. A fixed interval (not a timer) makes the curves reproducible too.
 */
export const EVAL_EVERY = 10;

/** The batch order's seed for a trainer started at `step` (after a live change of batch size or data). */
export function batchSeed(seed: number, step: number): string {
  return step === 0 ? `${seed}/batches` : `${seed}/batches/${step}`;
}

/** The optimizer the state names, over `params`, with fresh state. */
export function makeOptimizer(name: OptimizerName, params: Value[], lr: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'adam': return new Adam(params, { lr });
    // PyTorch's default decoupled weight decay, 0.01, on top of any regularisation.
    case 'adamw': return new AdamW(params, { lr });
  }
}

/** The Trainer's penalty options for the state's regularisation: fit's `l1` or `l2`. */
export function penaltyOptions(s: Pick<State, 'reg' | 'regRate'>): { l1?: number; l2?: number } {
  return s.reg === 'L1' ? { l1: s.regRate } : s.reg === 'L2' ? { l2: s.regRate } : {};
}

/** Whether a live change from `a` to `b` changes the training set: redrawn data, or added or removed points. */
export function newData(a: State, b: State): boolean {
  return a.regen !== b.regen || JSON.stringify(a.points) !== JSON.stringify(b.points);
}

/**
 * Whether a live change from `a` to `b` needs a new Trainer: new data, another batch
 * size, optimizer or regularisation. Its batch order then starts afresh from
 * `batchSeed(seed, step)`. ("Copy as code" writes a new Trainer at the same changes.)
 */
export function needsNewTrainer(a: State, b: State): boolean {
  return newData(a, b) || a.batch !== b.batch || a.optimizer !== b.optimizer || a.reg !== b.reg || a.regRate !== b.regRate;
}

/** The data's seed: the seed's own draw, or its `regen`-th redraw. */
export function dataSeed(state: Pick<State, 'seed' | 'regen'>): string {
  return state.regen === 0 ? `${state.seed}/data` : `${state.seed}/data/${state.regen}`;
}

export class Session {
  /** The settings in force now. */
  state: State;
  readonly classes: number;
  readonly regression: boolean;
  readonly model: MLP;
  /** How the map reads a class from the outputs (the loss's accuracy rule); null for regression. */
  readonly reader: OutputReader | null;
  /** The optimizer in force (a new one, over the same weights, when the state's optimizer changes). */
  optimizer: Optimizer;
  /** The points as (x₁, x₂) with their labels (class indices or values); added points last in `train`. */
  raw!: { train: Dataset; test: Dataset };
  /** Rows of `raw.train` from here on were added by clicking. */
  addedFrom = 0;
  /** The same points as the network sees them: the chosen features, and the labels. */
  train!: Dataset;
  test!: Dataset;
  extent!: Extent;
  /** The loss of each step's batch (with the penalty, as minimised). */
  readonly batchLosses: number[] = [];
  readonly evals: Eval[] = [];
  /** Every change of the settings that train, with the step it applied from. */
  readonly history: Segment[];
  /** Set when the last step could not be taken; cleared by the next step that can. */
  diverged: Divergence | null = null;
  #trainer!: Trainer;
  /** The training labels as the loss takes them (the loss table's conversion), for the sample graphs. */
  #targets!: number[];
  #steps = 0;
  #epochs = 0;
  readonly #width: number;
  readonly #params: Value[];
  readonly #names: string[];

  constructor(state: State) {
    this.state = copy(state);
    this.classes = classCount(state);
    this.regression = isRegression(state.data);
    this.#width = outputWidth(state.loss, this.classes);
    this.reader = this.regression ? null : outputReader(state.loss, this.classes);
    this.#setData(true);
    this.model = new MLP(state.features.length, [...state.hidden, this.#width], { hidden: state.activation, output: 'linear', seed: `${state.seed}/init` });
    const named = this.model.namedParameters();
    this.#params = named.map(([, p]) => p);
    this.#names = named.map(([name]) => shortName(name));
    this.optimizer = makeOptimizer(state.optimizer, this.#params, state.lr);
    this.#trainer = this.#makeTrainer();
    this.history = [{ step: 0, state: copy(this.state) }];
    this.evals.push(this.evaluate());
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#steps;
  }

  /** Passes over the training set completed so far (a live change that makes a new Trainer starts a new pass). */
  get epoch(): number {
    return this.#epochs + this.#trainer.epoch;
  }

  /** The latest evaluation. */
  get last(): Eval {
    return this.evals[this.evals.length - 1]!;
  }

  /**
   * One optimizer step on the next mini-batch (the Trainer's: forward, loss, backward,
   * update; a fresh seeded shuffle each epoch). Returns false, changing no weight, when
   * the loss, a gradient or an updated weight would not be finite: see `diverged`.
   */
  step(): boolean {
    let loss: number;
    try {
      loss = this.#trainer.step().loss;
    } catch (err) {
      // The Trainer checks the loss and gradients before it updates, and puts the weights back after an update that overflows.
      if (!(err instanceof NonFiniteError)) throw err;
      this.diverged = { step: this.#steps, what: nonFinite(err) };
      return false;
    }
    // The page keeps its own record (batchLosses, evals); the Trainer's would grow by a StepInfo a step, for hours.
    this.#trainer.history.steps.length = 0;
    this.diverged = null;
    this.#steps++;
    this.batchLosses.push(loss);
    if (this.#steps % EVAL_EVERY === 0) this.evals.push(this.evaluate());
    return true;
  }

  /** Adds an evaluation at the current step unless there is one: readouts that never lag behind the weights. */
  evaluateNow(): Eval {
    if (this.last.step !== this.#steps) this.evals.push(this.evaluate());
    return this.last;
  }

  /** Loss (with the penalty, as minimised) and accuracy on the training and test sets, without building a graph. */
  evaluate(): Eval {
    const train = this.#trainer.evaluate(this.train), test = this.#trainer.evaluate(this.test);
    return {
      step: this.#steps,
      trainLoss: train.loss,
      trainAccuracy: train.accuracy ?? NaN,
      testLoss: test.loss,
      testAccuracy: test.accuracy ?? NaN,
    };
  }

  /**
   * Applies the settings of `next` that change live — learning rate, regularisation,
   * optimizer (fresh state, same weights), batch size, added points, redrawn data —
   * and returns what changed, in words. `next` must not differ in anything that needs
   * a fresh start (see `resetReasons`).
   */
  apply(next: State): string[] {
    const prev = this.state;
    const said: string[] = [];
    this.state = copy(next);
    if (next.lr !== prev.lr) said.push(`learning rate ${next.lr}`);
    if (next.reg !== prev.reg || next.regRate !== prev.regRate) said.push(next.reg === 'none' ? 'no regularisation' : `${next.reg} regularisation at rate ${next.regRate}`);
    if (next.optimizer !== prev.optimizer) said.push(`${next.optimizer} (weights kept, fresh optimizer state)`);
    if (next.batch !== prev.batch) said.push(`batch size ${next.batch}`);
    const data = next.regen !== prev.regen;
    const points = newData(prev, next);
    if (data) said.push('freshly drawn data');
    else if (points) said.push(`${next.points.length} added point${next.points.length === 1 ? '' : 's'}`);
    if (next.optimizer !== prev.optimizer) this.optimizer = makeOptimizer(next.optimizer, this.#params, next.lr);
    else this.optimizer.lr = next.lr;
    if (points) this.#setData(data);
    if (needsNewTrainer(prev, next)) {
      this.#epochs = this.epoch;
      this.#trainer = this.#makeTrainer();
    }
    if (said.length > 0) {
      const lastSegment = this.history[this.history.length - 1]!;
      if (lastSegment.step === this.#steps) lastSegment.state = copy(next);
      else this.history.push({ step: this.#steps, state: copy(next) });
      this.diverged = null;
      // The data or the penalty may have changed what the readouts say.
      if (this.last.step === this.#steps) this.evals.pop();
      this.evals.push(this.evaluate());
    }
    return said;
  }

  /** The batch size actually used: the state's, at most the training set. */
  get batchSize(): number {
    return Math.min(this.state.batch, this.train.X.length);
  }

  #makeTrainer(): Trainer {
    return new Trainer(this.model, this.train, {
      loss: this.state.loss,
      optimizer: this.optimizer,
      batchSize: this.batchSize,
      shuffle: true,
      seed: batchSeed(this.state.seed, this.#steps),
      accuracy: !this.regression,
      ...penaltyOptions(this.state),
    });
  }

  // The points (drawn again when `draw`), split, with the added ones joining training.
  #setData(draw: boolean): void {
    const s = this.state;
    if (draw) {
      const all = generate(s, dataSeed(s));
      const { train, test } = trainTestSplit(all, { testFraction: s.test / 100, seed: `${s.seed}/split` });
      this.raw = { train, test };
      this.addedFrom = train.X.length;
      this.extent = this.regression ? { xMin: -6, xMax: 6, yMin: -6, yMax: 6 } : squareExtent(all.X);
    }
    const train = this.raw.train;
    train.X.length = train.y.length = this.addedFrom;
    for (const p of s.points) {
      train.X.push([p.x, p.y]);
      train.y.push(p.label);
    }
    const features = (d: Dataset): Dataset => ({ X: d.X.map(([x, y]) => featureRow(s.features, x!, y!)), y: d.y });
    this.train = features(train);
    this.test = features(this.raw.test);
    this.#targets = LOSSES[s.loss].targets(this.train.y, this.#width, 'playground', 'train.y');
  }

  // One training sample's loss (without the penalty) from the model's outputs for it.
  #sampleLoss(outputs: Value[], i: number): Value {
    return LOSSES[this.state.loss].fn([outputs], [this.#targets[i]!]);
  }

  /**
   * The graph of one training sample's loss (without the penalty) through the model,
   * after `backward()` from it: the numbers are copied out, and the parameters'
   * gradients are put back afterwards, so training never sees this sample's gradient.
   */
  sampleGraph(index: number): GraphSnapshot {
    const i = Math.min(Math.max(0, index), this.train.X.length - 1);
    const saved = this.#params.map((p) => p.grad);
    const names = new Map<Value, string>(this.#params.map((p, j) => [p, this.#names[j]!]));
    let h = this.train.X[i]!.map((xi, j) => {
      const v = new Value(xi);
      names.set(v, FEATURES[this.state.features[j]!].label);
      return v;
    });
    const neurons: NeuronRef<Value>[] = [];
    this.model.layers.forEach((layer, l) => {
      const out = layer.forward(h);
      const inputs = h;
      out.forEach((v, j) => neurons.push({ name: neuronName(l, j, this.model.nouts), layer: l, out: v, inputs }));
      h = out;
    });
    const loss = this.#sampleLoss(h, i);
    for (const p of this.#params) p.grad = 0;
    loss.backward();
    const graph = snapshot(loss, names, neurons);
    this.#params.forEach((p, j) => (p.grad = saved[j]!));
    return graph;
  }

  /** Each training sample's loss now (without the penalty), without a graph. */
  sampleLosses(): number[] {
    return noGrad(() => this.train.X.map((x, i) => this.#sampleLoss(this.model.forward(x), i).data));
  }

  /** The training sample the model does worst on now (largest loss): where the gradients are. */
  worstSample(): number {
    const losses = this.sampleLosses();
    return losses.indexOf(Math.max(...losses));
  }
}

/**
 * A divergence in words, from NonFiniteError's fields: what became non-finite (the
 * loss, with the op where it started; a parameter's gradient; a weight after the update).
 */
function nonFinite(err: NonFiniteError): string {
  const value = err.value > 0 ? '+∞' : err.value < 0 ? '−∞' : 'NaN (not a number)';
  const name = shortName(err.origin ?? 'a parameter');
  switch (err.quantity) {
    // The origin names an op and the numbers that went in (`'*' of 1.2e+200 and …`): shown with the page's number format.
    case 'loss': return `the loss became ${value}${err.origin === null ? '' : ` (first non-finite value: ${readable(err.origin)})`}`;
    case 'gradient': return `the gradient of ${name} became ${value}`;
    case 'weight': return `the update made weight ${name} ${value}`;
  }
}

// Numbers written as the page writes them, parameter names short.
function readable(text: string): string {
  return text
    .replace(/"([\w.]+)"/g, (_, name: string) => shortName(name))
    .replace(/-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+/g, (n) => fmt(Number(n)))
    .replace(/-?Infinity/g, (w) => (w.startsWith('-') ? '−∞' : '+∞'));
}

/** `L0.n3` for a hidden neuron; `out` for a single output, `out0`, `out1`, … for several. */
export function neuronName(layer: number, index: number, nouts: readonly number[]): string {
  if (layer < nouts.length - 1) return `L${layer}.n${index}`;
  return nouts[layer] === 1 ? 'out' : `out${index}`;
}

/** The data's bounding box, padded and made square so the map is not stretched. */
function squareExtent(X: readonly number[][]): Extent {
  const xs = X.map((r) => r[0]!), ys = X.map((r) => r[1]!);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 0.5) * 0.6;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}
