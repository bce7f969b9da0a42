import { count, object, oneOf, rate, whole } from '@ugrad/engine/internal';

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
  rate(lr, where, 'lr');
  return make({ type: 'constant', lr }, where, () => lr);
}

/**
 * Straight from `start` at step 0 to `end` at step `steps`, then `end`:
 * `start − (start − end)·k / steps`. micrograd's demo, `1.0 − 0.9·k/100`, is
 * `linearLR(1.0, 0.1, 100)`, float for float.
 */
export function linearLR(start: number, end: number, steps: number): Schedule {
  const where = 'linearLR';
  rate(start, where, 'start');
  rate(end, where, 'end');
  count(steps, where, 'steps');
  return make({ type: 'linear', start, end, steps }, where, (k) => (k >= steps ? end : start - ((start - end) * k) / steps));
}

/**
 * `lr` multiplied by `gamma` every `stepSize` steps: `lr·gamma^⌊k / stepSize⌋`
 * (the closed form of PyTorch's `StepLR`).
 */
export function stepLR(lr: number, stepSize: number, gamma = 0.1): Schedule {
  const where = 'stepLR';
  rate(lr, where, 'lr');
  count(stepSize, where, 'stepSize');
  rate(gamma, where, 'gamma');
  return make({ type: 'step', lr, stepSize, gamma }, where, (k) => lr * gamma ** Math.floor(k / stepSize));
}

/**
 * Half a cosine from `lr` at step 0 down to `minLr` at step `steps`, then
 * `minLr`: `minLr + (lr − minLr)·(1 + cos(π·k / steps)) / 2` (PyTorch's
 * `CosineAnnealingLR`, which would instead climb back up after `steps`).
 */
export function cosineLR(lr: number, steps: number, minLr = 0): Schedule {
  const where = 'cosineLR';
  rate(lr, where, 'lr');
  count(steps, where, 'steps');
  rate(minLr, where, 'minLr');
  return make({ type: 'cosine', lr, steps, minLr }, where, (k) =>
    k >= steps ? minLr : minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * k) / steps))) / 2,
  );
}

/** Rebuilds a schedule from its `spec` (as saved in a checkpoint), checking it on the way. */
export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  const where = 'scheduleFromSpec';
  const s = object(spec, where, 'spec');
  const type = oneOf(['constant', 'linear', 'step', 'cosine'] as const)(s.type, where, 'spec.type');
  const keys: Record<typeof type, string[]> = { constant: ['lr'], linear: ['start', 'end', 'steps'], step: ['lr', 'stepSize', 'gamma'], cosine: ['lr', 'steps', 'minLr'] };
  const extra = Object.keys(s).find((k) => k !== 'type' && !keys[type].includes(k));
  if (extra !== undefined) throw new TypeError(`${where}: unknown key ${JSON.stringify(extra)} in a ${type} spec (expected type, ${keys[type].join(', ')})`);
  const n = s as Record<string, number>;
  switch (type) {
    case 'constant': return constantLR(n.lr!);
    case 'linear': return linearLR(n.start!, n.end!, n.steps!);
    case 'step': return stepLR(n.lr!, n.stepSize!, n.gamma!);
    case 'cosine': return cosineLR(n.lr!, n.steps!, n.minLr!);
  }
}

function make(spec: ScheduleSpec, where: string, lrAt: (k: number) => number): Schedule {
  const schedule = (step: number): number => lrAt(whole(step, where, 'the step'));
  return Object.assign(schedule, { spec: Object.freeze(spec) });
}
