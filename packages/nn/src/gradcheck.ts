import { Value, noGrad } from '@ugrad/engine';
import { arrayOf, describe, fn, parseOptions, positive, typeError, withDefault, type Check } from '@ugrad/engine/internal';
import { Module, type AnyModule } from './module.js';

/** How well backpropagation agrees with finite differences, parameter by parameter. */
export interface GradCheck {
  /** The largest error, |analytic − numeric| / max(|analytic|, |numeric|, 1). */
  maxError: number;
  /** Where it occurred: the parameter's dotted name, or `[i]` for an array. */
  worst: string;
  /** How many parameters were checked. */
  checked: number;
}

/**
 * Checks a custom layer's (or any graph's) gradients: compares each
 * parameter's gradient from `backward()` with the central difference
 * (L(p + h) − L(p − h)) / 2h. Its error is O(h²) from the Taylor series plus
 * O(ε/h) from rounding, so the default h = 1e-5 keeps both near 1e-10 for
 * well-scaled losses. Below a gradient of 1 the error is absolute, so tiny
 * gradients do not blow it up. Overwrites the parameters' `grad`; their
 * `data` is restored even if `loss` throws.
 *
 * @example
 * const { maxError, worst } = gradCheck(model, () => mse(xs.map((x) => model.forward(x)), ys));
 * if (maxError > 1e-6) throw new Error(`gradient of ${worst} is off`);
 */
export function gradCheck(params: AnyModule | readonly Value[], loss: () => Value, options: { h?: number } = {}): GradCheck {
  const where = 'gradCheck';
  if (!(params instanceof Module) && !Array.isArray(params)) throw typeError(where, 'params', 'a Module or an array of Values', params);
  const named: [string, Value][] = params instanceof Module
    ? params.namedParameters()
    : arrayOf(leaf)(params, where, 'params').map((p, i): [string, Value] => [`[${i}]`, p]);
  if (named.length === 0) throw new RangeError(`${where}: expected at least one parameter to check, got ${describe(params)} with none`);
  fn(loss, where, 'loss');
  const { h } = parseOptions(where, options, { h: withDefault(positive, 1e-5) });
  const run = (): Value => {
    const v: unknown = loss();
    if (!(v instanceof Value)) throw typeError(where, 'loss()', 'a Value', v);
    return v;
  };
  for (const [, p] of named) p.grad = 0;
  run().backward();
  let maxError = 0, worst = '';
  for (const [name, p] of named) {
    const saved = p.data;
    let up: number, down: number;
    try {
      p.data = saved + h;
      up = noGrad(run).data;
      p.data = saved - h;
      down = noGrad(run).data;
    } finally {
      p.data = saved;
    }
    const numeric = (up - down) / (2 * h);
    const error = Math.abs(p.grad - numeric) / Math.max(Math.abs(p.grad), Math.abs(numeric), 1);
    // A NaN error is the worst of all and is kept.
    if (error >= maxError || (Number.isNaN(error) && !Number.isNaN(maxError))) [maxError, worst] = [error, name];
  }
  return { maxError, worst, checked: named.length };
}

// A parameter to nudge: a leaf Value (a computed one would be rebuilt by the loss).
const leaf: Check<Value> = (p, where, what) => {
  if (!(p instanceof Value)) throw typeError(where, what, 'a Value', p);
  if (p.op !== '') throw new TypeError(`${where}: expected ${what} to be a leaf Value (a parameter), got a Value made by '${p.op}'`);
  return p;
};
