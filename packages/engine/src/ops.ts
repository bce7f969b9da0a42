import { typeError } from './check.js';
import { Value, toValue, type ValueLike } from './value.js';

// Free-function forms, so a number can stand on the left: `sub(2, x)`, `div(1, x)`.

/** `a + b` */
export function add(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'add', 'a').add(toValue(b, 'add', 'b'));
}

/** `a - b`, e.g. `sub(1, x)` for 1 - x */
export function sub(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'sub', 'a').sub(toValue(b, 'sub', 'b'));
}

/** `a * b` */
export function mul(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'mul', 'a').mul(toValue(b, 'mul', 'b'));
}

/** `a / b`, e.g. `div(1, x)` for 1 / x */
export function div(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'div', 'a').div(toValue(b, 'div', 'b'));
}

/** `a ** b`, e.g. `pow(2, x)` for 2^x (the gradient flows to x); a number `b` is a constant exponent. */
export function pow(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'pow', 'a').pow(typeof b === 'number' ? b : toValue(b, 'pow', 'b'));
}

/**
 * Left-to-right sum, `((v0 + v1) + v2) + …`; `sum([])` is a constant 0.
 * @example sum([a, b, 3]).backward()
 */
export function sum(values: readonly ValueLike[]): Value {
  return fold(values, 'sum', 'add') ?? new Value(0);
}

/**
 * Arithmetic mean, `sum(values) · (1/n)` as micrograd (within an ulp of
 * PyTorch's sum/n; @ugrad/nn's losses and a compiled step's 'mean' compute
 * the same). Throws a RangeError for an empty array.
 */
export function mean(values: readonly ValueLike[]): Value {
  return (fold(values, 'mean', 'add') ?? empty('mean')).mul(1 / values.length);
}

/** `a[0]*b[0] + a[1]*b[1] + …`; both arrays must have the same length. */
export function dot(a: readonly ValueLike[], b: readonly ValueLike[]): Value {
  if (!Array.isArray(a)) throw typeError('dot', 'a', 'an array of Values or numbers', a);
  if (!Array.isArray(b)) throw typeError('dot', 'b', 'an array of Values or numbers', b);
  if (a.length !== b.length) throw new RangeError(`dot: expected b to have ${a.length} entries (as many as a), got ${b.length}`);
  if (a.length === 0) return new Value(0);
  let total = item(a, 0, 'dot', 'a').mul(item(b, 0, 'dot', 'b'));
  for (let i = 1; i < a.length; i++) total = total.add(item(a, i, 'dot', 'a').mul(item(b, i, 'dot', 'b')));
  return total;
}

/**
 * log(e^v0 + e^v1 + …) without overflow: a left fold of `logAddExp`, so no
 * value is read and a compiled step can follow it. Its gradient is the
 * softmax of the values. Throws a RangeError for an empty array.
 * @example logSumExp(logits).sub(logits[label]) // cross-entropy of one sample
 */
export function logSumExp(values: readonly ValueLike[]): Value {
  return fold(values, 'logSumExp', 'logAddExp') ?? empty('logSumExp');
}

/**
 * e^vᵢ / Σⱼ e^vⱼ for each value, computed as PyTorch's `softmax` does:
 * e^(vᵢ − m) / Σⱼ e^(vⱼ − m) with m the largest value, so nothing overflows
 * for any input. m is a chain of `max` nodes, so no value is read and a
 * compiled step can follow it (the gradient through m cancels, to rounding).
 * An infinite or NaN input gives NaN, as in PyTorch. `softmax([])` is `[]`.
 * @example softmax([a, b, c]).map((p) => p.data) // three numbers that sum to 1
 */
export function softmax(values: readonly ValueLike[]): Value[] {
  const top = fold(values, 'softmax', 'max');
  if (top === null) return [];
  const shift = top.neg();
  const exps = values.map((_, i) => item(values, i, 'softmax', 'values').add(shift).exp());
  const total = fold(exps, 'softmax', 'add')!;
  return exps.map((e) => e.div(total));
}

// The left fold `values[0].op(values[1]).op(values[2])…` shared by sum, mean,
// logSumExp and softmax; null for an empty array, whose meaning differs between them.
function fold(values: readonly ValueLike[], where: string, op: 'add' | 'logAddExp' | 'max'): Value | null {
  if (!Array.isArray(values)) throw typeError(where, 'values', 'an array of Values or numbers', values);
  if (values.length === 0) return null;
  let total = item(values, 0, where, 'values');
  for (let i = 1; i < values.length; i++) {
    const v = item(values, i, where, 'values');
    // direct calls: `total[op](v)` made sum ~30% slower
    total = op === 'add' ? total.add(v) : op === 'max' ? total.max(v) : total.logAddExp(v);
  }
  return total;
}

// xs[i] as a Value; the name `${name}[${i}]` is only spelled out for an error.
function item(xs: readonly ValueLike[], i: number, where: string, name: string): Value {
  const x = xs[i];
  return x instanceof Value ? x : typeof x === 'number' ? new Value(x) : toValue(x!, where, `${name}[${i}]`);
}

function empty(where: string): never {
  throw new RangeError(`${where}: expected values to have at least one entry, got an empty array`);
}
