import { between, count, finite, nullable, oneOf, optional, parseOptions, rate, shape, whole, withDefault } from '@ugrad/engine/internal';

// The small pieces of bookkeeping a Trainer keeps between steps, each with the
// state it saves in a checkpoint and the check of that state (tfjs-layers'
// callbacks, as plain objects): the running averages of an epoch, and the
// early-stopping rule.

/** What one optimizer step did. `step` and `epoch` count from 0. */
export interface StepInfo {
  /** The step's number, from 0. */
  step: number;
  /** The epoch it belongs to, from 0. */
  epoch: number;
  /** The batch's loss before the update (with the l2 term). */
  loss: number;
  /** On this batch, before the update. */
  accuracy?: number;
  /** The learning rate used. */
  lr: number;
  /** Milliseconds spent on the step (callbacks excluded). */
  ms: number;
}

/** What one pass over the training set did. */
export interface EpochInfo {
  /** The epoch's number, from 0. */
  epoch: number;
  /** The mean of the epoch's batch losses, weighted by batch size. */
  loss: number;
  /** Over every sample of the epoch, each counted when its batch was seen. */
  accuracy?: number;
  /** On the validation set after the epoch, with the l2 term. */
  valLoss?: number;
  /** On the validation set after the epoch, when accuracy is tracked. */
  valAccuracy?: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
  /** Milliseconds spent on the epoch's steps and validation. */
  ms: number;
}

/** The current epoch so far, as a checkpoint keeps it. */
export interface EpochTotalsState {
  /** The batch losses' running mean, weighted by batch size. */
  loss: number;
  /** Samples classified correctly. */
  correct: number;
  /** Samples seen. */
  count: number;
  /** Milliseconds spent. */
  ms: number;
}

/** @internal The epoch so far: a running mean of the batch losses weighted by batch size, samples right and seen, time. */
export class EpochTotals {
  state: EpochTotalsState = { loss: 0, correct: 0, count: 0, ms: 0 };

  /** Adds one batch of `n` samples. */
  add(loss: number, correct: number, n: number, ms: number): void {
    const t = this.state;
    t.count += n;
    // A running mean: the first batch's weight is exactly 1, so one batch per epoch gives its loss bit for bit.
    t.loss += (loss - t.loss) * (n / t.count);
    t.correct += correct;
    t.ms += ms;
  }

  reset(): void {
    this.state = { loss: 0, correct: 0, count: 0, ms: 0 };
  }

  /** Checks a saved state, naming fields `${what}.field`. */
  static check(x: unknown, where: string, what: string): EpochTotalsState {
    const o = shape({ loss: finite, correct: whole, count: whole, ms: rate })(x, where, what);
    if (o.correct > o.count) throw new RangeError(`${where}: expected ${what}.correct to be at most ${what}.count (${o.count}), got ${o.correct}`);
    return o;
  }
}

/** Options of early stopping, checked at the end of each epoch. */
export interface EarlyStoppingOptions {
  /** How many epochs in a row without improvement to allow before stopping; a positive integer. */
  patience: number;
  /** The smallest decrease that counts as an improvement; default 0. */
  minDelta?: number;
  /** What to watch; default `'valLoss'` with a validation set, else `'loss'` (the epoch's training loss). */
  monitor?: 'valLoss' | 'loss';
}

/** The state of early stopping (`options.earlyStopping`), as a checkpoint keeps it. */
export interface EarlyStoppingState {
  /** The best monitored loss so far; null before the first epoch. */
  best: number | null;
  /** Epochs since it improved. */
  wait: number;
}

/** @internal Keras's rule: stop after `patience` epochs in a row whose monitored loss did not beat the best by more than `minDelta`. */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly monitor: 'valLoss' | 'loss';
  state: EarlyStoppingState = { best: null, wait: 0 };

  /** Checks `options` (named `what` in messages); `validation` says whether valLoss exists to be watched. */
  constructor(options: unknown, validation: boolean, where: string, what: string) {
    const o = parseOptions(where, options, { patience: count, minDelta: withDefault(rate, 0), monitor: optional(oneOf(['valLoss', 'loss'] as const)) }, what);
    const monitor = o.monitor ?? (validation ? 'valLoss' : 'loss');
    if (monitor === 'valLoss' && !validation) throw new RangeError(`${where}: ${what} monitors valLoss, but there is no options.validation`);
    this.patience = o.patience;
    this.minDelta = o.minDelta;
    this.monitor = monitor;
  }

  /** Records an epoch; true when training should stop. */
  update(epoch: EpochInfo): boolean {
    const value = this.monitor === 'loss' ? epoch.loss : epoch.valLoss!;
    const s = this.state;
    if (s.best === null || value < s.best - this.minDelta) {
      s.best = value;
      s.wait = 0;
    } else {
      s.wait++;
    }
    return s.wait >= this.patience;
  }

  /** Checks a saved state, naming fields `${what}.field`. */
  static check(x: unknown, where: string, what: string): EarlyStoppingState {
    return shape({ best: nullable(finite), wait: whole })(x, where, what);
  }
}

/** @internal Checks a saved {@link StepInfo}, its fields in the order a Trainer writes them. */
export function checkStepInfo(x: unknown, where: string, what: string): StepInfo {
  return defined(shape({ step: whole, epoch: whole, loss: finite, accuracy: optional(between(0, 1)), lr: rate, ms: rate })(x, where, what));
}

/** @internal Checks a saved {@link EpochInfo}, its fields in the order a Trainer writes them. */
export function checkEpochInfo(x: unknown, where: string, what: string): EpochInfo {
  const fraction = optional(between(0, 1));
  return defined(shape({ epoch: whole, loss: finite, accuracy: fraction, valLoss: optional(finite), valAccuracy: fraction, lr: rate, ms: rate })(x, where, what));
}

// Drops the optional fields that are absent, so a checked record equals the one saved.
function defined<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
