import { Value, logSumExp, sum, type ValueLike } from '@ugrad/engine';
import { describe } from '@ugrad/engine/internal';

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
  const where = 'mse';
  checkBatch(preds, targets, where, 'preds', 'targets');
  const terms: Value[] = [];
  for (let i = 0; i < preds.length; i++) {
    const p = asRow(preds[i], where, `pred ${i}`), t = asRow(targets[i], where, `target ${i}`);
    if (p.length !== t.length) throw new RangeError(`${where}: expected target ${i} to have ${p.length} elements like its pred, got ${t.length}`);
    for (let j = 0; j < p.length; j++) {
      const d = toVal(p[j], where, `pred ${i}`).sub(toVal(t[j], where, `target ${i}`));
      terms.push(d.mul(d));
    }
  }
  return meanOf(terms);
}

/**
 * micrograd's max-margin loss, `mean(relu(1 − y·s))`, for labels ±1. Computed
 * exactly as micrograd does, `(1 + -y*s).relu()` summed and times `1/n`, so the
 * numbers match it bit for bit.
 */
export function hinge(scores: readonly ModelOutput[], labels: readonly number[]): Value {
  const where = 'hinge';
  checkBatch(scores, labels, where, 'scores', 'labels');
  const terms = scores.map((s, i) => {
    const y = checkLabel(labels[i], i, where, (v) => v === 1 || v === -1, '-1 or 1');
    return scalar(s, where, i).mul(-y).add(1).relu();
  });
  return meanOf(terms);
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
  const terms = logits.map((l, i) => {
    const y = checkLabel(labels[i], i, where, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
    const z = scalar(l, where, i);
    // A hard label reduces softplus(z) − y·z to one softplus (softplus(z) − z =
    // softplus(−z)), whose gradient for y = 1 is −σ(−z) itself: written as
    // σ(z) − 1 it would lose its small part, and all of it for z > 37.
    return y === 1 ? z.neg().softplus() : y === 0 ? z.softplus() : z.softplus().sub(z.mul(y));
  });
  return meanOf(terms);
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
  const terms = logits.map((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${where}: expected logits ${i} to be an array of class scores, got ${describe(row)}`);
    if (i === 0) {
      if (row.length === 0) throw new RangeError(`${where}: expected logits 0 to have at least one class, got an empty array`);
      classes = row.length;
    } else if (row.length !== classes) {
      throw new RangeError(`${where}: expected logits ${i} to have ${classes} classes like logits 0, got ${row.length}`);
    }
    const y = checkLabel(labels[i], i, where, (v) => Number.isInteger(v) && v >= 0 && v < classes, `an integer class in [0, ${classes - 1}]`);
    const z = row.map((v) => toVal(v, where, `logits ${i}`));
    return logSumExp(z).sub(z[y]!);
  });
  return meanOf(terms);
}

/**
 * The L2 penalty, `Σ p²` (micrograd's `sum(p*p for p in parameters)`); scale
 * it yourself: `loss.add(l2(model.parameters()).mul(1e-4))`.
 */
export function l2(params: readonly ValueLike[]): Value {
  if (!Array.isArray(params)) throw new TypeError(`l2: expected an array of parameters, got ${describe(params)}`);
  return sum(params.map((p, i) => {
    const v = toVal(p, 'l2', `params ${i}`);
    return v.mul(v);
  }));
}

/**
 * The fraction of samples classified correctly, in [0, 1].
 * - Binary (one score per sample): the prediction is positive when the score
 *   is > 0; labels are ±1 (hinge) or 0/1 (logits), positive meaning 1.
 * - Multi-class (a row of class scores per sample): the prediction is the
 *   index of the largest score (the first, on ties); labels are class indices.
 */
export function accuracy(outputs: readonly ModelOutput[], labels: readonly number[]): number {
  const where = 'accuracy';
  checkBatch(outputs, labels, where, 'outputs', 'labels');
  const rows = outputs.map((o, i) => asRow(o, where, `output ${i}`).map((v) => dataOf(v, where, `output ${i}`)));
  const width = rows[0]!.length;
  rows.forEach((r, i) => {
    if (r.length === 0 || r.length !== width) {
      throw new RangeError(`${where}: expected output ${i} to have ${width} scores like output 0, got ${r.length}`);
    }
  });
  let correct = 0;
  if (width === 1) {
    let sawMinus = false, sawZero = false;
    rows.forEach((r, i) => {
      const y = checkLabel(labels[i], i, where, (v) => v === 1 || v === -1 || v === 0, '-1 or 1, or 0 or 1');
      sawMinus ||= y === -1;
      sawZero ||= y === 0;
      if (sawMinus && sawZero) throw new RangeError(`${where}: labels mix -1 and 0 (at sample ${i}); use ±1 or 0/1`);
      if ((r[0]! > 0) === (y > 0)) correct++;
    });
  } else {
    rows.forEach((r, i) => {
      const y = checkLabel(labels[i], i, where, (v) => Number.isInteger(v) && v >= 0 && v < width, `an integer class in [0, ${width - 1}]`);
      let best = 0;
      for (let j = 1; j < r.length; j++) if (r[j]! > r[best]!) best = j;
      if (best === y) correct++;
    });
  }
  return correct / rows.length;
}

// micrograd's mean: sum(terms) * (1/n). (n ** -1 === 1/n for every n, so this
// is also what the engine's mean computes.)
function meanOf(terms: readonly Value[]): Value {
  return sum(terms).mul(1 / terms.length);
}

function checkBatch(outputs: unknown, labels: unknown, where: string, what: string, labelsWhat: string): void {
  if (!Array.isArray(outputs)) throw new TypeError(`${where}: expected ${what} to be an array, got ${describe(outputs)}`);
  if (!Array.isArray(labels)) throw new TypeError(`${where}: expected ${labelsWhat} to be an array, got ${describe(labels)}`);
  if (outputs.length === 0) throw new RangeError(`${where}: expected at least one sample, got empty ${what}`);
  if (labels.length !== outputs.length) {
    throw new RangeError(`${where}: expected as many ${labelsWhat} as ${what} (${outputs.length}), got ${labels.length}`);
  }
}

function checkLabel(y: unknown, i: number, where: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof y !== 'number') throw new TypeError(`${where}: expected label ${i} to be ${expected}, got ${describe(y)}`);
  if (!ok(y)) throw new RangeError(`${where}: expected label ${i} to be ${expected}, got ${y}`);
  return y;
}

function asRow(o: unknown, where: string, what: string): readonly unknown[] {
  if (Array.isArray(o)) return o;
  if (typeof o === 'number' || o instanceof Value) return [o];
  throw new TypeError(`${where}: expected ${what} to be a Value, a number or an array of them, got ${describe(o)}`);
}

// One sample's single score: a Value, a number, or a one-element array of either.
function scalar(o: unknown, where: string, i: number): Value {
  const row = asRow(o, where, `output ${i}`);
  if (row.length !== 1) throw new RangeError(`${where}: expected one score for sample ${i}, got an array of ${row.length}`);
  return toVal(row[0], where, `output ${i}`);
}

function toVal(x: unknown, where: string, what: string): Value {
  if (x instanceof Value) return x;
  if (typeof x === 'number') return new Value(x);
  throw new TypeError(`${where}: expected ${what} to hold Values or numbers, got ${describe(x)}`);
}

function dataOf(x: unknown, where: string, what: string): number {
  if (x instanceof Value) return x.data;
  if (typeof x === 'number') return x;
  throw new TypeError(`${where}: expected ${what} to hold Values or numbers, got ${describe(x)}`);
}
