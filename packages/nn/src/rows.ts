import { arrayOf, finite, typeError, type Check } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';

// The checks every function that takes rows of features runs: generators'
// centers, fromArrays, trainTestSplit, the Standardizer.

/**
 * Checks a dataset `{ X, y }` (rows as `fromArrays` wants them, one finite
 * target per row) and returns fresh copies; `what` names it in messages.
 */
export const datasetCheck: Check<Dataset> = (data, where, what) => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw typeError(where, what, 'a dataset { X, y }', data);
  const { X, y } = data as Partial<Dataset>;
  const prefix = what === 'data' ? '' : `${what}.`;
  const rowsX = rows(X, where, `${prefix}X`);
  return { X: rowsX, y: labels(y, rowsX.length, where, `${prefix}X`, `${prefix}y`) };
};

/**
 * Checks rows of features: a non-empty array of non-empty, equally long arrays
 * of finite numbers; returns copies. Errors name the row and column (`X[3][1]`).
 */
export function rows(X: unknown, where: string, what: string): number[][] {
  if (!Array.isArray(X)) throw typeError(where, what, 'an array of rows', X);
  if (X.length === 0) throw new RangeError(`${where}: expected ${what} to have at least one row, got none`);
  const width = Array.isArray(X[0]) ? X[0].length : 0;
  const out = new Array<number[]>(X.length);
  for (let i = 0; i < X.length; i++) {
    const row: unknown = X[i];
    if (!Array.isArray(row)) throw typeError(where, `${what}[${i}]`, 'an array of numbers', row);
    if (width === 0) throw new RangeError(`${where}: expected the rows of ${what} to have at least one column, got none in ${what}[0]`);
    if (row.length !== width) throw new RangeError(`${where}: expected ${what}[${i}] to have ${width} columns as ${what}[0] does, got ${row.length}`);
    const copy = new Array<number>(width);
    for (let j = 0; j < width; j++) copy[j] = finite(row[j], where, `${what}[${i}][${j}]`);
    out[i] = copy;
  }
  return out;
}

/** Checks one finite target per row (`n` rows of `nameX`); returns a copy. */
export function labels(y: unknown, n: number, where: string, nameX: string, what = 'y'): number[] {
  const out = arrayOf(finite)(y, where, what);
  if (out.length !== n) throw new RangeError(`${where}: expected ${what} to have one value per row of ${nameX} (${n}), got ${out.length}`);
  return out;
}

/**
 * @internal A TypeError at the first hole of `items` (a sparse array, or
 * `new Array(n)`), which `map`, `forEach` and `every` would skip — over up to
 * 2³² − 1 indices of nothing.
 */
export function dense(items: readonly unknown[], where: string, what: string): void {
  for (let i = 0; i < items.length; i++) if (!(i in items)) throw typeError(where, `${what}[${i}]`, 'an element (an array without holes)', undefined);
}
