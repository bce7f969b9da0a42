import { Value, dot, logSumExp, sum, type ValueLike } from '@ugrad/engine';
import { arrayOf, count, finite, instance, toValue, parseOptions, positive, rangeError, str, typeError, withDefault } from '@ugrad/engine/internal';
import { withinMaxSize } from './limits.js';
import { dense } from './rows.js';

// The losses, and below them the one table of what `fit`, `Trainer` and the
// playground need to know about each built-in loss.

/**
 * One sample's model output: a scalar, or the array a module's `forward`
 * returns. Where a loss wants one number per sample, a one-element array is
 * unwrapped, so `hinge(xs.map((x) => model.forward(x)), ys)` works as is.
 */
export type ModelOutput = ValueLike | readonly ValueLike[];

/**
 * Mean squared error, `mean((pred − target)²)`, over every element (PyTorch's
 * `mse_loss`). Each pred is a scalar or an array, and its target has the same shape.
 * @example mse(xs.map((x) => model.forward(x)), ys) // ys: number[] or number[][]
 */
export function mse(preds: readonly ModelOutput[], targets: readonly ModelOutput[]): Value {
  return elementwise('mse', preds, targets, squaredError);
}

/**
 * Mean absolute error, `mean(|pred − target|)`, over every element (PyTorch's
 * `l1_loss`); shapes as for {@link mse}. Its gradient is ±1/n, 0 where a pred hits its target.
 * @example l1(xs.map((x) => model.forward(x)), ys)
 */
export function l1(preds: readonly ModelOutput[], targets: readonly ModelOutput[]): Value {
  return elementwise('l1', preds, targets, absoluteError);
}

/**
 * The Huber loss (PyTorch's `HuberLoss`, `delta` default 1), over every
 * element: `½z²` where |z| < delta and `delta·(|z| − ½delta)` beyond, for
 * z = pred − target — quadratic near the target, linear (robust to outliers) far
 * from it. Shapes as for {@link mse}.
 * @example huber(xs.map((x) => model.forward(x)), ys, { delta: 0.5 })
 */
export function huber(preds: readonly ModelOutput[], targets: readonly ModelOutput[], options: { delta?: number } = {}): Value {
  const { delta } = parseOptions('huber', options, { delta: withDefault(positive, 1) });
  return elementwise('huber', preds, targets, (p, t) => huberTerm(p, t, delta));
}

/**
 * micrograd's max-margin loss, `mean(relu(1 − y·s))`, for labels ±1. Computed
 * exactly as micrograd does, `(1 + -y*s).relu()` summed and times `1/n`, so the
 * numbers match it bit for bit.
 */
export function hinge(scores: readonly ModelOutput[], labels: readonly number[]): Value {
  const where = 'hinge';
  checkBatch(scores, labels, where, 'scores', 'labels');
  return meanOf(scores.map((s, i) => {
    const y = checkLabel(labels[i], i, where, (v) => v === 1 || v === -1, '-1 or 1');
    return scalar(s, where, i).mul(-y).add(1).relu();
  }));
}

/**
 * Binary cross-entropy on logits (PyTorch's `binary_cross_entropy_with_logits`),
 * `mean(softplus(z) − y·z)`, for labels in [0, 1] (usually 0 or 1).
 * Stable for any logit: softplus never overflows, so ±1000 gives finite
 * values and gradients; and it keeps log1p's precision, so a confident
 * correct prediction's tiny loss is right to the last bits, as in PyTorch.
 * No value is read, so a compiled step can follow it.
 */
export function bceWithLogits(logits: readonly ModelOutput[], labels: readonly number[]): Value {
  const where = 'bceWithLogits';
  checkBatch(logits, labels, where, 'logits', 'labels');
  return meanOf(logits.map((l, i) => {
    const y = checkLabel(labels[i], i, where, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
    const z = scalar(l, where, i);
    // A hard label reduces softplus(z) − y·z to one softplus (softplus(z) − z =
    // softplus(−z)), whose gradient for y = 1 is −σ(−z) itself: written as
    // σ(z) − 1 it would lose its small part, and all of it for z > 37.
    return y === 1 ? z.neg().softplus() : y === 0 ? z.softplus() : z.softplus().sub(z.mul(y));
  }));
}

/**
 * Softmax cross-entropy over class logits (PyTorch's `cross_entropy`):
 * `mean(logSumExp(z) − z_label)`; log-sum-exp is a fold of the engine's
 * stable `logAddExp`, so no exponential overflows and no value is read.
 * Labels are class indices, `0 ≤ label < classes`.
 * @example softmaxCrossEntropy(xs.map((x) => model.forward(x)), [0, 2, 1])
 */
export function softmaxCrossEntropy(logits: readonly (readonly ValueLike[])[], labels: readonly number[]): Value {
  const where = 'softmaxCrossEntropy';
  checkBatch(logits, labels, where, 'logits', 'labels');
  let classes = 0;
  return meanOf(logits.map((row, i) => {
    if (!Array.isArray(row)) throw typeError(where, `logits[${i}]`, 'an array of class scores', row);
    dense(row, where, `logits[${i}]`);
    if (i === 0) {
      if (row.length === 0) throw new RangeError(`${where}: expected logits[0] to have at least one class, got an empty array`);
      classes = row.length;
    } else if (row.length !== classes) {
      throw new RangeError(`${where}: expected logits[${i}] to have ${classes} classes like logits[0], got ${row.length}`);
    }
    const y = checkLabel(labels[i], i, where, (v) => Number.isInteger(v) && v >= 0 && v < classes, `an integer class in [0, ${classes - 1}]`);
    const z = row.map((v) => toValue(v as ValueLike, where, `logits[${i}]`));
    return logSumExp(z).sub(z[y]!);
  }));
}

/**
 * The L2 penalty, `Σ p²` (micrograd's `sum(p*p for p in parameters)`); scale
 * it yourself: `loss.add(l2(model.parameters()).mul(1e-4))`.
 */
export function l2(params: readonly ValueLike[]): Value {
  if (!Array.isArray(params)) throw typeError('l2', 'params', 'an array of Values or numbers', params);
  return sum(arrayOf((p, where, what) => toValue(p as ValueLike, where, what))(params, 'l2', 'params').map((v) => v.mul(v)));
}

/** How predictions are read off a model's outputs, to count them right or wrong. */
export type AccuracyRule =
  | {
    /** One output per sample, positive when it is above `at`. */
    kind: 'threshold';
    /** 0 for a logit or a ±1 score; 0.5 for a regression on 0/1 targets. */
    at: number;
  }
  | {
    /** One output per class: the index of the largest (the first, on ties). */
    kind: 'argmax';
  };

/**
 * The fraction of samples classified correctly, in [0, 1]. A prediction with
 * a NaN in it is never correct.
 * - Binary (one score per sample): the prediction is positive when the score
 *   is above `options.threshold` (default 0: a logit or a ±1 score); labels are
 *   ±1 or 0/1, positive meaning 1.
 * - Multi-class (a row of class scores per sample): the prediction is the
 *   index of the largest score (the first, on ties); labels are class indices.
 * @example accuracy(xs.map((x) => model.forward(x)), ys)
 */
export function accuracy(outputs: readonly ModelOutput[], labels: readonly number[], options: { threshold?: number } = {}): number {
  const where = 'accuracy';
  const { threshold } = parseOptions(where, options, { threshold: withDefault(finite, 0) });
  checkBatch(outputs, labels, where, 'outputs', 'labels');
  const rows = outputs.map((o, i) => Array.from(asRow(o, where, `outputs[${i}]`), (v) => dataOf(v, where, `outputs[${i}]`)));
  const width = rows[0]!.length;
  rows.forEach((r, i) => {
    if (r.length === 0 || r.length !== width) throw new RangeError(`${where}: expected outputs[${i}] to have ${width || 'at least one'} scores like outputs[0], got ${r.length}`);
  });
  const y = arrayOf(finite)(labels, where, 'labels');
  const rule: AccuracyRule = width === 1 ? { kind: 'threshold', at: threshold } : { kind: 'argmax' };
  checkLabelsFor(rule, y, width, where, 'labels');
  return countCorrect(rule, Float64Array.from(rows.flat()), width, y) / rows.length;
}

/**
 * @internal How many of `n = targets.length` output rows (`width` numbers each,
 * one after another in `out`) the rule counts right. Targets are ±1 or 0/1 for
 * a threshold, class indices for argmax; a row with a NaN is never right.
 */
export function countCorrect(rule: AccuracyRule, out: ArrayLike<number>, width: number, targets: readonly number[]): number {
  let correct = 0;
  for (let s = 0; s < targets.length; s++) {
    if (rule.kind === 'threshold') {
      const v = out[s * width]!;
      // NaN is neither above nor at-or-below the threshold, so it matches no label.
      if (targets[s]! > 0 ? v > rule.at : v <= rule.at) correct++;
    } else {
      let best = 0, nan = false;
      for (let j = 0; j < width; j++) {
        const v = out[s * width + j]!;
        if (v !== v) nan = true;
        else if (v > out[s * width + best]!) best = j;
      }
      if (!nan && best === targets[s]) correct++;
    }
  }
  return correct;
}

/** @internal Checks labels against a rule: ±1 or 0/1 (not mixed) for a threshold, class indices below `width` for argmax. */
export function checkLabelsFor(rule: AccuracyRule, y: readonly number[], width: number, where: string, what: string, purpose = ''): void {
  if (rule.kind === 'argmax') {
    y.forEach((v, i) => { if (!(Number.isInteger(v) && v >= 0 && v < width)) throw rangeError(where, `${what}[${i}]`, `a class index in [0, ${width - 1}]${purpose}`, v); });
    return;
  }
  const zeroOne = y.every((v) => v === 0 || v === 1);
  if (!zeroOne) y.forEach((v, i) => { if (v !== 1 && v !== -1) throw rangeError(where, `${what}[${i}]`, `-1 or 1 (or every label 0 or 1)${purpose}`, v); });
}

// ---- the loss table ----

/**
 * A built-in loss by name: micrograd's `'hinge'`, `'mse'`, `'l1'` (mean
 * absolute error), `'huber'` (delta 1), `'bce'` (on logits) and `'crossEntropy'`
 * (softmax, class indices).
 */
export type LossName = 'hinge' | 'mse' | 'l1' | 'huber' | 'bce' | 'crossEntropy';

/** A custom loss: each sample's model outputs and its target, to one scalar to minimise. */
export type LossFunction = (outputs: Value[][], targets: number[]) => Value;

/** Everything `fit`, `Trainer` and the playground know about a built-in loss; see {@link LOSSES}. */
export interface LossSpec {
  /** The loss over a batch, on targets as {@link LossSpec.targets} makes them. */
  readonly fn: LossFunction;
  /** What the model must output, in words, and the check. */
  readonly outputs: {
    /** In words, for messages: `one output per class (at least 2)`. */
    readonly text: string;
    /** Whether a model with this many outputs fits. */
    readonly ok: (width: number) => boolean;
  };
  /** Labels as datasets hold them (0/1, ±1, class indices, real targets) to the loss's targets, checked; throws a RangeError naming `${what}[i]`. */
  readonly targets: (y: readonly number[], width: number, where: string, what: string) => number[];
  /** Numbers per target row in a compiled step, and the row of one target (crossEntropy: one-hot). */
  readonly targetRow: (target: number, width: number) => number[];
  /**
   * One sample's loss with its target row as Values, so one compiled program
   * serves every label; its value is bit for bit `fn`'s term for that sample.
   */
  readonly sample: (outputs: Value[], target: Value[]) => Value;
  /** Whether accuracy is tracked unless the options say otherwise. */
  readonly accuracyByDefault: boolean;
  /** How predictions are counted right, for these targets (null: the targets are not classes). */
  readonly accuracy: (targets: readonly number[], width: number) => AccuracyRule | null;
}

const binary = (y: readonly number[]) => y.every((v) => v === 0 || v === 1);

const ONE_OUTPUT = { text: 'one output per sample', ok: (w: number) => w === 1 };

// A regression loss: one output per sample, targets as they are, the mean of a
// per-sample term. On class labels, a 0/1 target is hit when the output is
// nearer to it than to the other one, a ±1 target by sign; other targets are
// not classes, so accuracy is off unless asked for.
function regression(fn: LossFunction, term: (p: Value, t: Value) => Value): LossSpec {
  return {
    fn, outputs: ONE_OUTPUT, targets: (y) => [...y], targetRow: (t) => [t], sample: ([p], [t]) => term(p!, t!), accuracyByDefault: false,
    accuracy: (y) => (binary(y) ? { kind: 'threshold', at: 0.5 } : y.every((v) => v === 1 || v === -1) ? { kind: 'threshold', at: 0 } : null),
  };
}

/**
 * The built-in losses, keyed by name: the one place their rules live. A
 * loss's `fn` is one of the functions above; everything else says how to feed
 * and read it.
 */
export const LOSSES: Readonly<Record<LossName, LossSpec>> = checkedTable({
  hinge: {
    fn: hinge,
    outputs: ONE_OUTPUT,
    // 0/1 labels, as the dataset generators make them, mean -1/+1: micrograd's `y*2 - 1`.
    targets: (y, _w, where, what) => {
      if (binary(y)) return y.map((v) => 2 * v - 1);
      y.forEach((v, i) => { if (v !== 1 && v !== -1) throw rangeError(where, `${what}[${i}]`, '-1 or 1 (or every label 0 or 1) for the hinge loss', v); });
      return [...y];
    },
    targetRow: (t) => [t],
    sample: ([s], [t]) => s!.mul(t!.neg()).add(1).relu(),
    accuracyByDefault: true,
    accuracy: () => ({ kind: 'threshold', at: 0 }),
  },
  mse: regression((outputs, targets) => mse(outputs, targets), squaredError),
  l1: regression((outputs, targets) => l1(outputs, targets), absoluteError),
  huber: regression((outputs, targets) => huber(outputs, targets), (p, t) => huberTerm(p, t, 1)),
  bce: {
    fn: bceWithLogits,
    outputs: ONE_OUTPUT,
    targets: (y, _w, where, what) => {
      y.forEach((v, i) => { if (v !== 0 && v !== 1) throw rangeError(where, `${what}[${i}]`, '0 or 1 for the bce loss', v); });
      return [...y];
    },
    targetRow: (t) => [t],
    // t·softplus(−z) + (1 − t)·softplus(z): for t = 1 or 0 one term is an exact 0, so this is bceWithLogits's hard-label form.
    sample: ([z], [t]) => z!.neg().softplus().mul(t!).add(z!.softplus().mul(t!.neg().add(1))),
    accuracyByDefault: true,
    accuracy: () => ({ kind: 'threshold', at: 0 }),
  },
  crossEntropy: {
    fn: softmaxCrossEntropy,
    outputs: { text: 'one output per class (at least 2)', ok: (w) => w >= 2 },
    targets: (y, w, where, what) => {
      y.forEach((v, i) => { if (!(Number.isInteger(v) && v >= 0 && v < w)) throw rangeError(where, `${what}[${i}]`, `a class index in [0, ${w - 1}] for the crossEntropy loss`, v); });
      return [...y];
    },
    targetRow: (t, w) => Array.from({ length: w }, (_, j) => (j === t ? 1 : 0)),
    // The label's logit as a dot product with its one-hot row: the zeros add nothing, so this is z[label] exactly.
    sample: (z, onehot) => logSumExp(z).sub(dot(onehot, z)),
    accuracyByDefault: true,
    accuracy: () => ({ kind: 'argmax' }),
  },
});

// The table as exported: frozen, and each function checking its arguments
// first (messages name `LOSSES.mse.targetRow` and so on; `targets` names the
// caller's `where`), so an entry called from outside fails clearly. The loss
// functions (`fn`) check their own.
function checkedTable(table: Record<LossName, LossSpec>): Readonly<Record<LossName, LossSpec>> {
  const out = {} as Record<LossName, LossSpec>;
  for (const [name, e] of Object.entries(table) as [LossName, LossSpec][]) {
    const at = `LOSSES.${name}`;
    const width = (w: unknown, where: string): number => {
      const n = count(w, where, 'width');
      withinMaxSize(n, where, 'width');
      return n;
    };
    const values = (x: unknown, where: string, what: string, length?: number) => arrayOf(instance(Value, 'a Value'), length === undefined ? { min: 1 } : { length })(x, where, what);
    const checked: LossSpec = {
      ...e,
      // a predicate: false for anything but a width it takes
      outputs: Object.freeze({ text: e.outputs.text, ok: (w: number) => Number.isSafeInteger(w) && e.outputs.ok(w) }),
      targets: (y, w, where, what) => {
        str(where, `${at}.targets`, 'where');
        str(what, `${at}.targets`, 'what');
        return e.targets(arrayOf(finite)(y, where, what), width(w, where), where, what);
      },
      targetRow: (t, w) => e.targetRow(finite(t, `${at}.targetRow`, 'target'), width(w, `${at}.targetRow`)),
      sample: (o, t) => {
        const where = `${at}.sample`;
        const outputs = values(o, where, 'outputs');
        if (!e.outputs.ok(outputs.length)) throw new RangeError(`${where}: expected ${e.outputs.text}, got ${outputs.length} outputs`);
        return e.sample(outputs, values(t, where, 'target', e.targetRow(0, outputs.length).length));
      },
      accuracy: (y, w) => e.accuracy(arrayOf(finite)(y, `${at}.accuracy`, 'targets'), width(w, `${at}.accuracy`)),
    };
    out[name] = Object.freeze(checked);
  }
  return Object.freeze(out);
}

/** The built-in losses' names, for validation and menus. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

// ---- helpers ----

// The mean over every element of preds and targets (scalars or equally long rows) of term(pred, target).
function elementwise(where: string, preds: readonly ModelOutput[], targets: readonly ModelOutput[], term: (p: Value, t: Value) => Value): Value {
  checkBatch(preds, targets, where, 'preds', 'targets');
  const terms: Value[] = [];
  for (let i = 0; i < preds.length; i++) {
    const p = asRow(preds[i], where, `preds[${i}]`), t = asRow(targets[i], where, `targets[${i}]`);
    if (p.length !== t.length) throw new RangeError(`${where}: expected targets[${i}] to have ${p.length} elements like preds[${i}], got ${t.length}`);
    for (let j = 0; j < p.length; j++) terms.push(term(toValue(p[j] as ValueLike, where, `preds[${i}]`), toValue(t[j] as ValueLike, where, `targets[${i}]`)));
  }
  return meanOf(terms);
}

// (p − t)², as `d·d` (what PyTorch's mse_loss computes, and what mse and its compiled form share).
function squaredError(p: Value, t: Value): Value {
  const d = p.sub(t);
  return d.mul(d);
}

// |p − t|
function absoluteError(p: Value, t: Value): Value {
  return p.sub(t).abs();
}

// Huber without a branch on data, so a compiled step follows it: with c = z
// clamped to [−δ, δ], ½c² + δ·(|z| − |c|) is ½z² inside (the second term is an
// exact 0) and ½δ² + δ(|z| − δ) = δ(|z| − ½δ) beyond (to rounding). Its
// gradient is c (clamp passes it at ±δ, as PyTorch's huber does), and 0 at z = 0.
function huberTerm(p: Value, t: Value, delta: number): Value {
  const z = p.sub(t), c = z.clamp(-delta, delta);
  return c.mul(c).mul(0.5).add(z.abs().sub(c.abs()).mul(delta));
}

// micrograd's mean: sum(terms) * (1/n). (n ** -1 === 1/n for every n, so this
// is also what the engine's mean computes.)
function meanOf(terms: readonly Value[]): Value {
  return sum(terms).mul(1 / terms.length);
}

function checkBatch(outputs: unknown, labels: unknown, where: string, what: string, labelsWhat: string): void {
  if (!Array.isArray(outputs)) throw typeError(where, what, 'an array', outputs);
  if (!Array.isArray(labels)) throw typeError(where, labelsWhat, 'an array', labels);
  if (outputs.length === 0) throw new RangeError(`${where}: expected at least one sample, got empty ${what}`);
  if (labels.length !== outputs.length) throw new RangeError(`${where}: expected as many ${labelsWhat} as ${what} (${outputs.length}), got ${labels.length}`);
  dense(outputs, where, what);
  dense(labels, where, labelsWhat);
}

function checkLabel(y: unknown, i: number, where: string, ok: (v: number) => boolean, wanted: string): number {
  if (typeof y !== 'number') throw typeError(where, `labels[${i}]`, wanted, y);
  if (!ok(y)) throw rangeError(where, `labels[${i}]`, wanted, y);
  return y;
}

function asRow(o: unknown, where: string, what: string): readonly unknown[] {
  if (Array.isArray(o)) return o;
  if (typeof o === 'number' || o instanceof Value) return [o];
  throw typeError(where, what, 'a Value, a number or an array of them', o);
}

// One sample's single score: a Value, a number, or a one-element array of either.
function scalar(o: unknown, where: string, i: number): Value {
  const row = asRow(o, where, `outputs[${i}]`);
  if (row.length !== 1) throw new RangeError(`${where}: expected one score for sample ${i}, got an array of ${row.length}`);
  return toValue(row[0] as ValueLike, where, `outputs[${i}]`);
}

function dataOf(x: unknown, where: string, what: string): number {
  if (x instanceof Value) return x.data;
  if (typeof x === 'number') return x;
  throw typeError(where, what, 'Values or numbers', x);
}
