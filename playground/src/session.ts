import { noGrad, Value } from '@ugrad/engine';
import {
  Adam, AdamW, MLP, SGD, Trainer, bceWithLogits, blobs, circles, hinge, moons, mse, softmaxCrossEntropy,
  spiral, trainTestSplit, xor, type Dataset, type Evaluation, type Optimizer,
} from '@ugrad/nn';
import { snapshot, type GraphSnapshot } from './graph.js';
import { classCount, type LossName, type State } from './state.js';

// One experiment: the data, the model and the optimizer a state describes, and its
// training so far. No DOM here, so Node tests can run exactly what the page runs.

/** Losses and accuracies on both sets after some step; computed every {@link EVAL_EVERY} steps. */
export interface Eval {
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
}

/** What the model says about one point: its class and how sure it is, in [0, 1]. */
export interface Prediction {
  label: number;
  confidence: number;
}

/** The square part of the plane the heatmap shows. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * Evaluating every step would cost as much as training; every tenth step keeps the
 * curves smooth. A fixed interval (not a timer) makes the curves reproducible too.
 */
export const EVAL_EVERY = 10;

export class Session {
  readonly state: State;
  readonly classes: number;
  /** Labels are class indices 0..k-1 in both sets; each loss maps them to its own targets. */
  readonly train: Dataset;
  readonly test: Dataset;
  readonly extent: Extent;
  readonly model: MLP;
  readonly batchSize: number;
  /** The loss of each step's batch (with the penalty, as minimised). */
  readonly batchLosses: number[] = [];
  readonly evals: Eval[] = [];
  readonly #trainer: Trainer;
  /** The sets as the trainer sees them: MSE aims at ±1 (as hinge does), so its labels are mapped; see `targets`. */
  readonly #trainTargets: Dataset;
  readonly #testTargets: Dataset;

  constructor(state: State) {
    this.state = state;
    this.classes = classCount(state);
    const seed = state.seed;
    // One named stream per purpose, so adding a point or changing the batch size
    // does not shift the data or the initial weights.
    const all = generate(state, `${seed}/data`);
    const { train, test } = trainTestSplit(all, { testFraction: state.test / 100, seed: `${seed}/split` });
    for (const p of state.points) {
      train.X.push([p.x, p.y]);
      train.y.push(p.label);
    }
    this.train = train;
    this.test = test;
    this.extent = squareExtent(all.X);
    const outputs = state.loss === 'crossEntropy' ? this.classes : 1;
    this.model = new MLP(2, [...state.hidden, outputs], { hidden: state.activation, output: 'linear', seed: `${seed}/init` });
    this.batchSize = Math.min(state.batch, train.X.length);
    this.#trainTargets = targets(state, train);
    this.#testTargets = targets(state, test);
    this.#trainer = new Trainer(this.model, this.#trainTargets, {
      loss: state.loss,
      optimizer: makeOptimizer(state, this.model.parameters()),
      batchSize: this.batchSize,
      shuffle: true,
      seed: `${seed}/batches`,
      // AdamW decays the weights itself (decoupled); the others get λ·Σw² in the loss.
      l2: state.optimizer === 'adamw' ? 0 : state.l2,
      accuracy: true,
    });
    this.evals.push(this.evaluate());
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.#trainer.stepCount;
  }

  /** Passes over the training set completed so far. */
  get epoch(): number {
    return this.#trainer.epoch;
  }

  /**
   * One optimizer step on the next mini-batch (the Trainer's: forward, loss, backward,
   * update; a fresh seeded shuffle each epoch). Returns the batch loss. Throws, before
   * updating, if the loss or a gradient stops being finite.
   */
  step(): number {
    const { loss } = this.#trainer.step();
    this.batchLosses.push(loss);
    if (this.stepCount % EVAL_EVERY === 0) this.evals.push(this.evaluate());
    return loss;
  }

  /** Loss (with the penalty, as trained) and accuracy on the training and test sets, without building a graph. */
  evaluate(): Eval {
    const train = this.#trainer.evaluate(this.#trainTargets), test = this.#trainer.evaluate(this.#testTargets);
    return { step: this.stepCount, trainLoss: train.loss, trainAccuracy: accuracyOf(train), testLoss: test.loss, testAccuracy: accuracyOf(test) };
  }

  /** A copy of the model as it is now, for views that work across several frames while training goes on. */
  frozenModel(): MLP {
    const copy = new MLP(2, this.model.nouts, { activations: this.model.config().activations });
    copy.loadStateDict(this.model.stateDict());
    return copy;
  }

  /** The class `model` gives the point (x, y), and how sure it is. */
  predict(model: MLP, x: number, y: number): Prediction {
    const out = noGrad(() => model.forward([x, y])).map((v) => v.data);
    if (out.length === 1) {
      const s = out[0]!;
      // Hinge and MSE aim at ±1, so |s| ≥ 1 is full confidence; BCE's s is a logit.
      const confidence = this.state.loss === 'bce' ? Math.abs(Math.tanh(s / 2)) : Math.min(1, Math.abs(s));
      return { label: s > 0 ? 1 : 0, confidence };
    }
    const max = Math.max(...out);
    const exps = out.map((s) => Math.exp(s - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const label = out.indexOf(max);
    const k = out.length;
    // Rescale the top probability from [1/k, 1] to [0, 1].
    return { label, confidence: (exps[label]! / total - 1 / k) / (1 - 1 / k) };
  }

  /**
   * The graph of one training sample's loss (without the penalty) through the model, after
   * `backward()` from it: the numbers are copied out, and the parameters' gradients are
   * put back afterwards, so training never sees this sample's gradient.
   */
  sampleGraph(index: number): GraphSnapshot {
    const i = Math.min(Math.max(0, index), this.train.X.length - 1);
    const params = this.model.namedParameters();
    const saved = params.map(([, p]) => p.grad);
    const names = new Map<Value, string>(params.map(([name, p]) => [p, shortName(name)]));
    const x = this.train.X[i]!.map((xi, j) => {
      const v = new Value(xi);
      names.set(v, `x${j}`);
      return v;
    });
    const loss = dataLoss(this.state.loss, [this.model.forward(x)], [this.train.y[i]!]);
    for (const [, p] of params) p.grad = 0;
    loss.backward();
    const graph = snapshot(loss, names);
    params.forEach(([, p], j) => (p.grad = saved[j]!));
    return graph;
  }

  /** The training sample the model does worst on now (largest loss): where the gradients are. */
  worstSample(): number {
    const losses = noGrad(() => this.train.X.map((x, i) => dataLoss(this.state.loss, [this.model.forward(x)], [this.train.y[i]!]).data));
    return losses.indexOf(Math.max(...losses));
  }

  /** The latest evaluation. */
  get last(): Eval {
    return this.evals[this.evals.length - 1]!;
  }
}

/** Class indices as the state's loss wants them: ±1 for hinge and MSE, as they are otherwise. */
function targets(state: State, data: Dataset): Dataset {
  const signed = state.loss === 'hinge' || state.loss === 'mse';
  return { X: data.X, y: signed ? data.y.map((c) => 2 * c - 1) : data.y };
}

function accuracyOf(e: Evaluation): number {
  if (e.accuracy === undefined) throw new Error('Session: the trainer was made to track accuracy, but gave none');
  return e.accuracy;
}

/** The state's loss on a batch of outputs, labels being class indices (the sample graph's loss). */
export function dataLoss(loss: LossName, outputs: readonly Value[][], labels: readonly number[]): Value {
  switch (loss) {
    case 'hinge': return hinge(outputs, labels.map((c) => 2 * c - 1));
    case 'mse': return mse(outputs, labels.map((c) => [2 * c - 1]));
    case 'bce': return bceWithLogits(outputs, labels);
    case 'crossEntropy': return softmaxCrossEntropy(outputs, labels);
  }
}

function generate(state: State, seed: string): Dataset {
  const { n, noise } = state;
  switch (state.data) {
    case 'moons': return moons({ n, noise, seed });
    // factor 0.5 leaves a visible gap between the rings at low noise.
    case 'circles': return circles({ n, noise, factor: 0.5, seed });
    case 'spiral': return spiral({ n, noise, classes: state.classes, seed });
    case 'xor': return xor({ n, noise, seed });
    // Centers on a circle instead of drawn from scikit-learn's [-10, 10] box: the
    // clusters then sit at the same scale as the other datasets and never overlap.
    case 'blobs': {
      const k = state.classes;
      const centers = Array.from({ length: k }, (_, j) => [Math.cos((2 * Math.PI * j) / k + 0.5), Math.sin((2 * Math.PI * j) / k + 0.5)]);
      return blobs({ n, noise, centers, seed });
    }
  }
}

function makeOptimizer(state: State, params: Value[]): Optimizer {
  switch (state.optimizer) {
    case 'sgd': return new SGD(params, { lr: state.lr });
    case 'adam': return new Adam(params, { lr: state.lr });
    case 'adamw': return new AdamW(params, { lr: state.lr, weightDecay: state.l2 });
  }
}

/** The data's bounding box, padded and made square so the heatmap is not stretched. */
function squareExtent(X: readonly number[][]): Extent {
  const xs = X.map((r) => r[0]!), ys = X.map((r) => r[1]!);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 0.5) * 0.6;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/** `layers.0.neurons.3.w.1` → `L0.n3.w1`: short enough for a node box. */
export function shortName(name: string): string {
  return name.replace(/^layers\.(\d+)\.neurons\.(\d+)\.(w|b)\.?(\d*)$/, 'L$1.n$2.$3$4');
}
