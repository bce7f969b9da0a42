import { arrayOf, count, nullable, object, oneOf, shape, whole, withContext, type Check } from '@ugrad/engine/internal';
import { EarlyStopping, EpochTotals, checkEpochInfo, checkStepInfo, type EarlyStoppingState, type EpochInfo, type EpochTotalsState, type StepInfo } from './callbacks.js';
import { rngStateCheck, type RngState } from './random.js';
import { scheduleFromSpec, type ScheduleSpec } from './schedule.js';

// The saved-trainer-state format: what a Trainer writes into a checkpoint so a
// resumed run ends bit-identical to an uninterrupted one, and its check.

/** Why training stopped. */
export type StopReason = 'completed' | 'callback' | 'earlyStopping' | 'targetLoss';

/** Every step and epoch so far, and why training stopped (`null` while it can go on). */
export interface History {
  /** One record per optimizer step taken. */
  steps: StepInfo[];
  /** One record per pass over the training set completed. */
  epochs: EpochInfo[];
  /** Why training stopped, or null while it can go on. */
  stopReason: StopReason | null;
}

/** Everything a {@link Trainer} needs to resume bit-identically: plain JSON, kept in checkpoints. */
export interface TrainerState {
  /** Steps taken. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** Batches taken in the current epoch. */
  batch: number;
  /** Samples per step (a state loads only into a trainer of the same batch size). */
  batchSize: number;
  /** The current epoch's order of the training rows. */
  order: number[];
  /** The shuffling generator's position (see `Rng.state`). */
  rng: RngState;
  /** The schedule's spec, or null for none or a plain function; a loading trainer adopts a saved spec. */
  schedule: ScheduleSpec | null;
  /** The current epoch so far (see EpochTotals). */
  totals: EpochTotalsState;
  /** The early-stopping rule's best loss and wait (see EarlyStopping). */
  earlyStopping: EarlyStoppingState;
  /** Every step and epoch so far. */
  history: History;
}

const STOP_REASONS = ['completed', 'callback', 'earlyStopping', 'targetLoss'] as const;


const scheduleSpec: Check<ScheduleSpec> = (x, where, what) => {
  try {
    return scheduleFromSpec(object(x, where, what) as unknown as ScheduleSpec).spec;
  } catch (err) {
    throw withContext(err, `${where}: ${what}: `);
  }
};

/**
 * @internal Checks that `x` has the shape of a {@link TrainerState}, every
 * field named in errors as `${what}.field`; returns a copy holding only the
 * known fields. With `trainer`, also that it fits a trainer with that many
 * training samples, that batch size and that many batches per epoch.
 */
export function checkTrainerState(x: unknown, where: string, what: string, trainer?: { samples: number; batchSize: number; batches: number }): TrainerState {
  const s = shape({
    step: whole, epoch: whole, batch: whole, batchSize: count, order: arrayOf(whole), rng: rngStateCheck,
    schedule: nullable(scheduleSpec), totals: EpochTotals.check, earlyStopping: EarlyStopping.check,
    history: shape({ steps: arrayOf(checkStepInfo), epochs: arrayOf(checkEpochInfo), stopReason: nullable(oneOf(STOP_REASONS)) }),
  })(x, where, what);
  if (s.history.steps.length !== s.step) throw new RangeError(`${where}: expected ${what}.history.steps to have one entry per step taken (${s.step}), got ${s.history.steps.length}`);
  if (s.history.epochs.length !== s.epoch) throw new RangeError(`${where}: expected ${what}.history.epochs to have one entry per epoch completed (${s.epoch}), got ${s.history.epochs.length}`);
  if (trainer === undefined) return s;
  const n = trainer.samples;
  if (s.batchSize !== trainer.batchSize) throw new RangeError(`${where}: expected ${what}.batchSize to be this trainer's batch size, ${trainer.batchSize}, got ${s.batchSize}`);
  if (s.order.length !== n) throw new RangeError(`${where}: expected ${what}.order to order this trainer's ${n} training samples, got ${s.order.length} entries`);
  const seen = new Uint8Array(n);
  s.order.forEach((i, j) => {
    if (!(i < n) || seen[i]) throw new RangeError(`${where}: expected ${what}.order to be a permutation of 0…${n - 1}, got ${i} at ${what}.order[${j}]`);
    seen[i] = 1;
  });
  if (s.batch >= trainer.batches) throw new RangeError(`${where}: expected ${what}.batch to be less than the ${trainer.batches} batches of an epoch, got ${s.batch}`);
  return s;
}
