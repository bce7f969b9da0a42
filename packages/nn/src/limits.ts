import { rangeError } from '@ugrad/engine/internal';

/**
 * The most numbers one call builds from sizes it is given: a model's
 * parameters (each a `Value` of about 130 bytes, so 10⁷ of them take about
 * 1.3 GB), a generated dataset's samples × features, a confusion matrix's
 * cells. A larger size is a RangeError before anything is allocated, so
 * `new MLP(2, [1e9])` or a checkpoint file asking for it fails at once
 * instead of exhausting memory.
 */
export const MAX_SIZE = 10_000_000;

/** @internal A RangeError naming `what` unless `n` is at most {@link MAX_SIZE}. */
export function withinMaxSize(n: number, where: string, what: string): void {
  if (!(n <= MAX_SIZE)) throw rangeError(where, what, `at most ${MAX_SIZE} (MAX_SIZE)`, n);
}
