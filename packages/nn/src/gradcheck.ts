import { Value, noGrad } from '@ugrad/engine';
import { describe } from '@ugrad/engine/internal';
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
 * gradients do not blow it up. Overwrites the parameters' `grad`.
 *
 * @example
 * const { maxError, worst } = gradCheck(model, () => mse(xs.map((x) => model.forward(x)), ys));
 * if (maxError > 1e-6) throw new Error(`gradient of ${worst} is off`);
 */
export function gradCheck(params: AnyModule | readonly Value[], loss: () => Value, options: { h?: number } = {}): GradCheck {
  const named: [string, Value][] = params instanceof Module
    ? params.namedParameters()
    : Array.isArray(params) ? params.map((p, i): [string, Value] => [`[${i}]`, p]) : [];
  if (named.length === 0 && !Array.isArray(params)) {
    throw new TypeError(`gradCheck: expected a Module or an array of Values, got ${describe(params)}`);
  }
  if (typeof loss !== 'function') throw new TypeError(`gradCheck: expected loss to be a function returning a Value, got ${describe(loss)}`);
  const h = options.h ?? 1e-5;
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`gradCheck: expected h to be a positive number, got ${h}`);
  for (const [, p] of named) p.grad = 0;
  loss().backward();
  let maxError = 0, worst = '';
  for (const [name, p] of named) {
    const saved = p.data;
    p.data = saved + h;
    const up = noGrad(loss).data;
    p.data = saved - h;
    const down = noGrad(loss).data;
    p.data = saved;
    const numeric = (up - down) / (2 * h);
    const error = Math.abs(p.grad - numeric) / Math.max(Math.abs(p.grad), Math.abs(numeric), 1);
    // A NaN error is the worst of all and is kept.
    if (error >= maxError || (Number.isNaN(error) && !Number.isNaN(maxError))) [maxError, worst] = [error, name];
  }
  return { maxError, worst, checked: named.length };
}
