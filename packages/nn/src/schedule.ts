import { count, object, oneOf, parseOptions, rate, whole } from '@ugrad/engine/internal';

/** A schedule described as plain JSON, so a checkpoint can record it and {@link scheduleFromSpec} rebuild it. */
export type ScheduleSpec =
  | {
    /** `constantLR(lr)` */
    type: 'constant';
    /** The learning rate. */
    lr: number;
  }
  | {
    /** `linearLR(start, end, steps)` */
    type: 'linear';
    /** The rate at step 0. */
    start: number;
    /** The rate from step `steps` on. */
    end: number;
    /** Steps from start to end. */
    steps: number;
  }
  | {
    /** `stepLR(lr, stepSize, gamma)` */
    type: 'step';
    /** The rate at step 0. */
    lr: number;
    /** Steps between decays. */
    stepSize: number;
    /** The factor of each decay. */
    gamma: number;
  }
  | {
    /** `cosineLR(lr, steps, minLr)` */
    type: 'cosine';
    /** The rate at step 0. */
    lr: number;
    /** Steps from lr down to minLr. */
    steps: number;
    /** The rate from step `steps` on. */
    minLr: number;
  };

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
  /** The schedule as plain JSON, which `scheduleFromSpec` turns back into it. */
  readonly spec: ScheduleSpec;
}

// Each schedule's arguments and their checks: the one place both the
// functions below and scheduleFromSpec read them from.
const ARGS = {
  constant: { lr: rate },
  linear: { start: rate, end: rate, steps: count },
  step: { lr: rate, stepSize: count, gamma: rate },
  cosine: { lr: rate, steps: count, minLr: rate },
} as const;

/** The same learning rate at every step. */
export function constantLR(lr: number): Schedule {
  const where = 'constantLR';
  const s = parseOptions(where, { lr }, ARGS.constant, '');
  return make({ type: 'constant', ...s }, where, () => s.lr);
}

/**
 * Straight from `start` at step 0 to `end` at step `steps`, then `end`:
 * `start − (start − end)·k / steps`. micrograd's demo, `1.0 − 0.9·k/100`, is
 * `linearLR(1.0, 0.1, 100)`, float for float.
 */
export function linearLR(start: number, end: number, steps: number): Schedule {
  const where = 'linearLR';
  const s = parseOptions(where, { start, end, steps }, ARGS.linear, '');
  const d = s.start - s.end;
  // (start − end)·k can overflow where (start − end)·(k / steps) does not.
  return make({ type: 'linear', ...s }, where, (k) => (k >= s.steps ? s.end : s.start - (Number.isFinite(d * k) ? (d * k) / s.steps : d * (k / s.steps))));
}

/**
 * `lr` multiplied by `gamma` every `stepSize` steps: `lr·gamma^⌊k / stepSize⌋`
 * (the closed form of PyTorch's `StepLR`).
 */
export function stepLR(lr: number, stepSize: number, gamma = 0.1): Schedule {
  const where = 'stepLR';
  const s = parseOptions(where, { lr, stepSize, gamma }, ARGS.step, '');
  return make({ type: 'step', ...s }, where, (k) => s.lr * s.gamma ** Math.floor(k / s.stepSize));
}

/**
 * Half a cosine from `lr` at step 0 down to `minLr` at step `steps`, then
 * `minLr`: `minLr + (lr − minLr)·(1 + cos(π·k / steps)) / 2` (PyTorch's
 * `CosineAnnealingLR`, which would instead climb back up after `steps`).
 */
export function cosineLR(lr: number, steps: number, minLr = 0): Schedule {
  const where = 'cosineLR';
  const s = parseOptions(where, { lr, steps, minLr }, ARGS.cosine, '');
  const d = s.lr - s.minLr;
  return make({ type: 'cosine', ...s }, where, (k) => {
    if (k >= s.steps) return s.minLr;
    const c = 1 + Math.cos((Math.PI * k) / s.steps);
    // d·c can overflow (lr near the largest double) where d·(c / 2) does not.
    return s.minLr + (Number.isFinite(d * c) ? (d * c) / 2 : d * (c / 2));
  });
}

/** Rebuilds a schedule from its `spec` (as saved in a checkpoint), checking it on the way. */
export function scheduleFromSpec(spec: ScheduleSpec): Schedule {
  const where = 'scheduleFromSpec';
  const type = oneOf(['constant', 'linear', 'step', 'cosine'] as const)(object(spec, where, 'spec').type, where, 'spec.type');
  // Every field checked here, so that errors name spec.field and the functions below cannot fail.
  const n = parseOptions(where, spec, { type: oneOf([type]), ...ARGS[type] }, 'spec') as unknown as Record<string, number>;
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
