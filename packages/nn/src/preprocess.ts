import { arrayOf, finite, parseOptions, positive } from '@ugrad/engine/internal';
import { rows } from './rows.js';

/** A {@link Standardizer}'s state: plain JSON, one entry per feature. */
export interface StandardizerState {
  /** Each feature's mean over the rows it was fitted on. */
  mean: number[];
  /** Each feature's population standard deviation, or 1 for a constant feature. */
  scale: number[];
}

/**
 * Feature scaling with scikit-learn's `StandardScaler` semantics: fitted on the
 * training rows, then applied to any rows as `(x - mean) / scale`, where
 * `scale` is the population standard deviation (divide by n, not n - 1) and is
 * 1 for a constant feature (variance within rounding of 0), so that a constant
 * feature maps to 0 on the rows it was fitted on.
 *
 * Its state is two arrays of plain numbers, {@link stateDict}. To keep a
 * scaler with a model, save its state next to the checkpoint, e.g.
 * `JSON.stringify({ checkpoint, scaler: scaler.stateDict() })`, and give it to
 * `loadStateDict` when you restore the model: new data must be scaled exactly
 * as the training data was.
 *
 * @example
 * const scaler = standardize(train.X); // fit on the training rows only
 * const model = fit(..., { X: scaler.transform(train.X), y: train.y }, ...);
 * scaler.transform(test.X);           // the same mean and scale for test rows
 */
export class Standardizer {
  #mean: number[] | null = null;
  #scale: number[] | null = null;

  /** Whether it has a mean and scale (from {@link fit} or {@link loadStateDict}). */
  get fitted(): boolean {
    return this.#mean !== null;
  }

  /** The number of features it was fitted on (0 before fitting). */
  get features(): number {
    return this.#mean?.length ?? 0;
  }

  /**
   * Learns each column's mean and population standard deviation from `X`,
   * replacing any earlier fit, and returns this scaler. The variance is the
   * two-pass sum with its correction term, as scikit-learn computes it.
   */
  fit(X: readonly (readonly number[])[]): this {
    const data = rows(X, 'Standardizer.fit', 'X');
    const n = data.length, d = data[0]!.length;
    const mean = new Array<number>(d).fill(0);
    for (const row of data) for (let j = 0; j < d; j++) mean[j] += row[j]!;
    for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
    const scale = mean.map((m, j) => {
      // var = (Σ(x - m)² - (Σ(x - m))² / n) / n: the second term corrects the rounding of m.
      let sum = 0, sq = 0;
      for (const row of data) {
        const t = row[j]! - m;
        sum += t;
        sq += t * t;
      }
      const variance = (sq - (sum * sum) / n) / n;
      // scikit-learn's _is_constant_feature: a variance this small is rounding error of a constant column.
      const eps = Number.EPSILON;
      const constant = variance <= n * eps * variance + (n * m * eps) ** 2;
      return constant ? 1 : Math.sqrt(variance);
    });
    this.#mean = mean;
    this.#scale = scale;
    return this;
  }

  /** `(x - mean) / scale` for every row of `X`, as new arrays; `X` must have the fitted number of columns. */
  transform(X: readonly (readonly number[])[]): number[][] {
    const data = rows(X, 'Standardizer.transform', 'X');
    const [mean, scale] = this.#fittedState('Standardizer.transform');
    this.#checkWidth(data, 'Standardizer.transform');
    for (const row of data) for (let j = 0; j < row.length; j++) row[j] = (row[j]! - mean[j]!) / scale[j]!;
    return data;
  }

  /** `x · scale + mean`: the rows {@link transform} was given back (to rounding). */
  inverseTransform(X: readonly (readonly number[])[]): number[][] {
    const data = rows(X, 'Standardizer.inverseTransform', 'X');
    const [mean, scale] = this.#fittedState('Standardizer.inverseTransform');
    this.#checkWidth(data, 'Standardizer.inverseTransform');
    for (const row of data) for (let j = 0; j < row.length; j++) row[j] = row[j]! * scale[j]! + mean[j]!;
    return data;
  }

  /** The fitted mean and scale as plain JSON (copies). */
  stateDict(): StandardizerState {
    const [mean, scale] = this.#fittedState('Standardizer.stateDict');
    return { mean: [...mean], scale: [...scale] };
  }

  /**
   * Restores a state from {@link stateDict}, checked first and taken whole or
   * not at all: `mean` finite numbers, `scale` finite numbers > 0, one of each
   * per feature, and, if this scaler is fitted already, as many features as it has.
   */
  loadStateDict(state: StandardizerState): void {
    const where = 'Standardizer.loadStateDict';
    const s = parseOptions(where, state, { mean: arrayOf(finite, { min: 1 }), scale: arrayOf(positive, { min: 1 }) }, 'state');
    if (s.scale.length !== s.mean.length) {
      throw new RangeError(`${where}: expected state.scale to have one entry per entry of state.mean (${s.mean.length}), got ${s.scale.length}`);
    }
    if (this.fitted && s.mean.length !== this.features) {
      throw new RangeError(`${where}: expected a state for ${this.features} features, as this scaler was fitted on, got ${s.mean.length}`);
    }
    this.#mean = s.mean;
    this.#scale = s.scale;
  }

  #fittedState(where: string): [number[], number[]] {
    if (this.#mean === null || this.#scale === null) {
      throw new Error(`${where}: the scaler is not fitted yet; call fit(X) or loadStateDict(state) first`);
    }
    return [this.#mean, this.#scale];
  }

  #checkWidth(data: number[][], where: string): void {
    if (data[0]!.length !== this.features) {
      throw new RangeError(`${where}: expected the rows of X to have ${this.features} columns, as the scaler was fitted on, got ${data[0]!.length}`);
    }
  }
}

/**
 * A {@link Standardizer} fitted on `X` (the training rows): `standardize(X)`
 * is `new Standardizer().fit(X)`.
 *
 * @example
 * const scaler = standardize([[1, 10], [3, 10]]);
 * scaler.transform([[2, 10], [5, 10]]); // [[0, 0], [3, 0]]: column 0 has mean 2 and std 1; column 1 is constant
 */
export function standardize(X: readonly (readonly number[])[]): Standardizer {
  return new Standardizer().fit(rows(X, 'standardize', 'X'));
}
