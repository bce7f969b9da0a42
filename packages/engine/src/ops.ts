import { Value, describe, toValue, type ValueLike } from './value.js';

// Free-function forms, so a number can stand on the left: `sub(2, x)`, `div(1, x)`.

/** `a + b` */
export function add(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'add').add(toValue(b, 'add'));
}

/** `a - b`, e.g. `sub(1, x)` for 1 - x */
export function sub(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'sub').sub(toValue(b, 'sub'));
}

/** `a * b` */
export function mul(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'mul').mul(toValue(b, 'mul'));
}

/** `a / b`, e.g. `div(1, x)` for 1 / x */
export function div(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'div').div(toValue(b, 'div'));
}

/** `a ** b`, e.g. `pow(2, x)` for 2^x (the gradient flows to x); a number `b` is a constant exponent. */
export function pow(a: ValueLike, b: ValueLike): Value {
  return toValue(a, 'pow').pow(typeof b === 'number' ? b : toValue(b, 'pow'));
}

/**
 * Left-to-right sum, `((v0 + v1) + v2) + …`; `sum([])` is a constant 0.
 * @example sum([a, b, 3]).backward()
 */
export function sum(values: readonly ValueLike[]): Value {
  return fold(values, 'sum', 'add') ?? new Value(0);
}

/** Arithmetic mean: `sum(values) / n`. Throws a RangeError for an empty array. */
export function mean(values: readonly ValueLike[]): Value {
  return (fold(values, 'mean', 'add') ?? empty('mean')).div(values.length);
}

/** `a[0]*b[0] + a[1]*b[1] + …`; both arrays must have the same length. */
export function dot(a: readonly ValueLike[], b: readonly ValueLike[]): Value {
  if (!Array.isArray(a) || !Array.isArray(b)) throw new TypeError(`dot: expected two arrays of Values or numbers, got ${describe(a)} and ${describe(b)}`);
  if (a.length !== b.length) throw new RangeError(`dot: expected arrays of equal length, got ${a.length} and ${b.length}`);
  if (a.length === 0) return new Value(0);
  let total = toValue(a[0]!, 'dot').mul(toValue(b[0]!, 'dot'));
  for (let i = 1; i < a.length; i++) total = total.add(toValue(a[i]!, 'dot').mul(toValue(b[i]!, 'dot')));
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

// The left fold `values[0].op(values[1]).op(values[2])…` shared by sum, mean
// and logSumExp; null for an empty array, whose meaning differs between them.
function fold(values: readonly ValueLike[], where: string, op: 'add' | 'logAddExp'): Value | null {
  if (!Array.isArray(values)) throw new TypeError(`${where}: expected an array of Values or numbers, got ${describe(values)}`);
  if (values.length === 0) return null;
  let total = toValue(values[0]!, where);
  for (let i = 1; i < values.length; i++) {
    const v = toValue(values[i]!, where);
    // two direct calls: `total[op](v)` made sum ~30% slower
    total = op === 'add' ? total.add(v) : total.logAddExp(v);
  }
  return total;
}

function empty(where: string): never {
  throw new RangeError(`${where}: expected at least one value, got an empty array`);
}
