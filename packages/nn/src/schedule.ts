import { describe } from '@ugrad/engine/internal';

/** A schedule described as plain JSON, so a checkpoint can record it and {@link scheduleFromSpec} rebuild it. */
export type ScheduleSpec =
  | { type: 'constant'; lr: number }
  | { type: 'linear'; start: number; end: number; steps: number }
  | { type: 'step'; lr: number; stepSize: number; gamma: number }
  | { type: 'cosine'; lr: number; steps: number; minLr: number };

/**
 * A learning-rate schedule: call it with the step number (0 for the first
 * step) to get that step's learning rate. Its `spec` describes it as JSON.
 * Any plain `(step) => lr` function works where a schedule is taken; only
 * these carry a `spec`.
 *
 * @example
 * const schedule = linearLR(1.0, 0.1, 100);
 * for (let k = 0; k < 100; k++) { opt.lr = schedule(k); … opt.step(); }
 */
export interface Schedule {
  (step: number): number;
  readonly spec: ScheduleSpec;
}

/** The same learning rate at every step. */
export function constantLR(lr: number): Schedule {
  const where = 'constantLR';
  checkRate(lr, where, 'lr');
  return make({ type: 'constant', lr }, where, () => lr);
}

/**
 * Straight from `start` at step 0 to `end` at step `steps`, then `end`:
 * `start − (start − end)·k / steps`. micrograd's demo, `1.0 − 0.9·k/100`, is
 * `linearLR(1.0, 0.1, 100)`, float for float.
 */
export function linearLR(start: number, end: number, steps: number): Schedule {
  const where = 'linearLR';
  checkRate(start, where, 'start');
  checkRate(end, where, 'end');
  checkSteps(steps, where, 'steps');
  return make({ type: 'linear', start, end, steps }, where, (k) => (k >= steps ? end : start - ((start - end) * k) / steps));
}

/**
 * `lr` multiplied by `gamma` every `stepSize` steps: `lr·gamma^⌊k / stepSize⌋`
 * (the closed form of PyTorch's `StepLR`).
 */
export function stepLR(lr: number, stepSize: number, gamma = 0.1): Schedule {
  const where = 'stepLR';
  checkRate(lr, where, 'lr');
  checkSteps(stepSize, where, 'stepSize');
  checkRate(gamma, where, 'gamma');
  return make({ type: 'step', lr, stepSize, gamma }, where, (k) => lr * gamma ** Math.floor(k / stepSize));
}

/**
 * Half a cosine from `lr` at step 0 down to `minLr` at step `steps`, then
 * `minLr`: `minLr + (lr − minLr)·(1 + cos(π·k / steps)) / 2` (PyTorch's
 * `CosineAnnealingLR`, which would instead climb back up after `steps`).
 */
export function cosineLR(lr: number, steps: number, minLr = 0): Schedule {
  const where = 'cosineLR';
  checkRate(lr, where, 'lr');
  checkSteps(steps, where, 'steps');
  checkRate(minLr, where, 'minLr');
  return make({ type: 'cosine', lr, steps, minLr }, where, (k) =>
    k >= steps ? minLr : minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * k) / steps))) / 2,
  );
}

/** Rebuilds a schedule from its `spec` (as saved in a checkpoint), checking it on the way. */
export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`scheduleFromSpec: expected a schedule spec object, got ${describe(spec)}`);
  switch (spec.type) {
    case 'constant': return constantLR(spec.lr);
    case 'linear': return linearLR(spec.start, spec.end, spec.steps);
    case 'step': return stepLR(spec.lr, spec.stepSize, spec.gamma);
    case 'cosine': return cosineLR(spec.lr, spec.steps, spec.minLr);
  }
  throw new RangeError(`scheduleFromSpec: expected type to be constant, linear, step or cosine, got ${describe((spec as { type: unknown }).type)}`);
}

function make(spec: ScheduleSpec, where: string, lrAt: (k: number) => number): Schedule {
  const schedule = (step: number): number => {
    if (typeof step !== 'number') throw new TypeError(`${where}: expected the step to be a number, got ${describe(step)}`);
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`${where}: expected the step to be a whole number ≥ 0, got ${step}`);
    return lrAt(step);
  };
  return Object.assign(schedule, { spec: Object.freeze(spec) });
}

function checkRate(x: unknown, where: string, what: string): void {
  if (typeof x !== 'number') throw new TypeError(`${where}: expected ${what} to be a number, got ${describe(x)}`);
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${where}: expected ${what} to be finite and ≥ 0, got ${x}`);
}

function checkSteps(x: unknown, where: string, what: string): void {
  if (typeof x !== 'number') throw new TypeError(`${where}: expected ${what} to be a positive integer, got ${describe(x)}`);
  if (!Number.isSafeInteger(x) || x < 1) throw new RangeError(`${where}: expected ${what} to be a positive integer, got ${x}`);
}
