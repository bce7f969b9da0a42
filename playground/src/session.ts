import { Value, noGrad } from '@ugrad/engine';
import { Trainer, trainTestSplit, MLP, type Dataset } from '@ugrad/nn';
import { dataLoss, divergence, lossTargets, outputWidth } from './compat.js';
import { fmt, shortName } from './fmt.js';
import { snapshot, type GraphSnapshot, type NeuronRef } from './graph.js';
import { FEATURES, featureRow, generate, isRegression } from './problems.js';
import { Penalized, makeOptimizer, penalty } from './penalty.js';
import { classCount, copy, type State } from './state.js';

// One experiment: the data, the model and the optimizer a state describes, and its
// training so far, with the settings that change live (learning rate, regularisation,
// optimizer, batch size, added points, redrawn data) applied between steps. No DOM
// here, so Node tests run exactly what the page runs.

/** Losses (with the penalty, as minimised) and accuracies on both sets after some step. */
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
  /** The weights (not the biases): what regularisation acts on. */
  readonly weights: Value[];
  readonly optimizer: Penalized;
  /** The points as (x₁, x₂) with their labels (class indices or values); added points last in `train`. */
  raw!: { train: Dataset; test: Dataset };
  /** Rows of `raw.train` from here on were added by clicking. */
  addedFrom = 0;
  /** The same points as the network sees them: the chosen features. */
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
  #trainTargets!: Dataset;
  #testTargets!: Dataset;
  #steps = 0;
  #epochs = 0;
  readonly #params: Value[];
  readonly #names: string[];
  readonly #saved: Float64Array;

  constructor(state: State) {
    this.state = copy(state);
    this.classes = classCount(state);
    this.regression = isRegression(state.data);
    this.#setData(true);
    const outputs = this.regression ? 1 : outputWidth(state.loss, this.classes);
    this.model = new MLP(state.features.length, [...state.hidden, outputs], { hidden: state.activation, output: 'linear', seed: `${state.seed}/init` });
    const named = this.model.namedParameters();
    this.#params = named.map(([, p]) => p);
    this.#names = named.map(([name]) => shortName(name));
    this.#saved = new Float64Array(this.#params.length);
    this.weights = this.model.layers.flatMap((l) => l.neurons.flatMap((n) => n.w));
    this.optimizer = new Penalized(this.#params, this.weights, makeOptimizer(state.optimizer, this.#params, state.lr));
    this.optimizer.reg = state.reg;
    this.optimizer.rate = state.regRate;
    this.#trainer = this.#makeTrainer();
    this.history = [{ step: 0, state: copy(this.state) }];
    this.evals.push(this.evaluate());
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#steps;
  }

  /** Passes over the training set completed so far (a live change of batch size or data starts a new pass). */
  get epoch(): number {
    return this.#epochs + this.#trainer.epoch;
  }

  /** The latest evaluation. */
  get last(): Eval {
    return this.evals[this.evals.length - 1]!;
  }

  /**
   * One optimizer step on the next mini-batch (the Trainer's: forward, loss, backward,
   * update; a fresh seeded shuffle each epoch). Returns false, changing nothing, when
   * the loss, a gradient or an updated weight would not be finite: see `diverged`.
   */
  step(): boolean {
    const params = this.#params, saved = this.#saved;
    for (let i = 0; i < params.length; i++) saved[i] = params[i]!.data;
    const pen = penalty(this.weights, this.optimizer.reg, this.optimizer.rate);
    let loss: number;
    try {
      loss = this.#trainer.step().loss;
    } catch (err) {
      // The trainer checks the loss and gradients before it updates anything.
      const what = divergence(err);
      if (what === null) throw err;
      this.diverged = { step: this.#steps, what };
      return false;
    }
    // An update can overflow from finite gradients; put the weights back as they were.
    const bad = params.findIndex((p) => !Number.isFinite(p.data));
    if (bad >= 0) {
      const what = `the update made weight ${this.#names[bad]} ${fmt(params[bad]!.data)}`;
      params.forEach((p, i) => (p.data = saved[i]!));
      this.diverged = { step: this.#steps, what };
      return false;
    }
    this.diverged = null;
    this.#steps++;
    this.batchLosses.push(loss + pen);
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
    const pen = penalty(this.weights, this.optimizer.reg, this.optimizer.rate);
    const train = this.#trainer.evaluate(this.#trainTargets), test = this.#trainer.evaluate(this.#testTargets);
    return {
      step: this.#steps,
      trainLoss: train.loss + pen,
      trainAccuracy: train.accuracy ?? NaN,
      testLoss: test.loss + pen,
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
    const points = data || JSON.stringify(next.points) !== JSON.stringify(prev.points);
    if (data) said.push('freshly drawn data');
    else if (points) said.push(`${next.points.length} added point${next.points.length === 1 ? '' : 's'}`);
    this.optimizer.lr = next.lr;
    this.optimizer.reg = next.reg;
    this.optimizer.rate = next.regRate;
    if (next.optimizer !== prev.optimizer) this.optimizer.inner = makeOptimizer(next.optimizer, this.#params, next.lr);
    if (points) this.#setData(data);
    if (points || next.batch !== prev.batch) {
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
    return new Trainer(this.model, this.#trainTargets, {
      loss: this.state.loss,
      optimizer: this.optimizer,
      batchSize: this.batchSize,
      shuffle: true,
      seed: batchSeed(this.state.seed, this.#steps),
      accuracy: !this.regression,
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
    this.#trainTargets = { X: this.train.X, y: lossTargets(s.loss, this.train.y, this.regression) };
    this.#testTargets = { X: this.test.X, y: lossTargets(s.loss, this.test.y, this.regression) };
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
    const loss = dataLoss(this.state.loss, [h], [this.#trainTargets.y[i]!]);
    for (const p of this.#params) p.grad = 0;
    loss.backward();
    const graph = snapshot(loss, names, neurons);
    this.#params.forEach((p, j) => (p.grad = saved[j]!));
    return graph;
  }

  /** Each training sample's loss now (without the penalty), without a graph. */
  sampleLosses(): number[] {
    const loss = this.state.loss, y = this.#trainTargets.y;
    return noGrad(() => this.train.X.map((x, i) => dataLoss(loss, [this.model.forward(x)], [y[i]!]).data));
  }

  /** The training sample the model does worst on now (largest loss): where the gradients are. */
  worstSample(): number {
    const losses = this.sampleLosses();
    return losses.indexOf(Math.max(...losses));
  }
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
