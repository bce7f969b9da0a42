import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Standardizer, standardize, type StandardizerState } from '../src/preprocess.js';
import { wine } from '../src/realdata.js';
import { thrown } from '../../../test/helpers.js';

// StandardScaler's numbers, from scikit-learn 1.2.1 (fixtures/make_sklearn_fixture.py).
const fixture = JSON.parse(readFileSync(new URL('fixtures/sklearn.json', import.meta.url), 'utf8')) as {
  scaler: { name: string; fit: number[][]; other: number[][]; mean: number[]; scale: number[]; fitTransformed: number[][]; otherTransformed: number[][] }[];
};

function expectClose(got: number[], want: number[], rel = 1e-12): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i]!))));
}

describe('standardize', () => {
  for (const c of fixture.scaler) {
    it(`matches scikit-learn's StandardScaler: ${c.name}`, () => {
      const s = standardize(c.fit);
      const { mean, scale } = s.stateDict();
      expectClose(mean, c.mean);
      expectClose(scale, c.scale);
      expectClose(s.transform(c.fit).flat(), c.fitTransformed.flat());
      expectClose(s.transform(c.other).flat(), c.otherTransformed.flat());
    });
  }

  it('uses the population standard deviation, and maps a constant column to 0 on its rows (scale 1)', () => {
    const s = standardize([[1, 5], [3, 5], [5, 5]]);
    expect(s.stateDict()).toEqual({ mean: [3, 5], scale: [Math.sqrt(8 / 3), 1] });
    expect(s.transform([[3, 5], [1, 7]])).toEqual([[0, 0], [-2 / Math.sqrt(8 / 3), 2]]);
    // 0.1 twenty times has a computed variance of rounding error, not 0: still constant.
    expect(standardize(Array.from({ length: 20 }, () => [0.1])).stateDict().scale).toEqual([1]);
  });

  it('inverseTransform undoes transform', () => {
    const X = wine().X;
    const s = standardize(X);
    expectClose(s.inverseTransform(s.transform(X)).flat(), X.flat(), 1e-14);
  });

  it('copies: neither the input rows nor the returned state are shared', () => {
    const X = [[1, 2], [3, 4]];
    const s = standardize(X);
    const out = s.transform(X);
    expect(X).toEqual([[1, 2], [3, 4]]);
    out[0]![0] = 99;
    s.stateDict().mean[0] = 99;
    expect(s.stateDict().mean).toEqual([2, 3]);
  });
});

describe('Standardizer state', () => {
  it('round-trips through JSON: a restored scaler transforms bit for bit alike', () => {
    const X = wine().X;
    const a = standardize(X.slice(0, 120));
    const b = new Standardizer();
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())) as StandardizerState);
    expect(b.fitted).toBe(true);
    expect(b.features).toBe(13);
    expect(b.transform(X.slice(120))).toEqual(a.transform(X.slice(120)));
  });

  it('is checked whole before anything changes', () => {
    const s = standardize([[1, 2], [3, 6]]);
    const before = s.stateDict();
    const bad: [unknown, Error][] = [
      [null, new TypeError('Standardizer.loadStateDict: expected state to be an object, got null')],
      [{ mean: [0, 0] }, new TypeError('Standardizer.loadStateDict: expected state.scale to be an array, got undefined')],
      [{ mean: [0, 0], scale: [1, 1], std: [1, 1] }, new TypeError('Standardizer.loadStateDict: unknown key "std" in state (expected one of mean, scale)')],
      [{ mean: [0, NaN], scale: [1, 1] }, new RangeError('Standardizer.loadStateDict: expected state.mean[1] to be a finite number, got NaN')],
      [{ mean: [0, 0], scale: [1, 0] }, new RangeError('Standardizer.loadStateDict: expected state.scale[1] to be finite and > 0, got 0')],
      [{ mean: [0, 0], scale: [1, '1'] }, new TypeError('Standardizer.loadStateDict: expected state.scale[1] to be finite and > 0, got string "1"')],
      [{ mean: [0, 0], scale: [1] }, new RangeError('Standardizer.loadStateDict: expected state.scale to have one entry per entry of state.mean (2), got 1')],
      [{ mean: [], scale: [] }, new RangeError('Standardizer.loadStateDict: expected state.mean to have at least 1 entry, got 0')],
      [{ mean: [0, 0, 0], scale: [1, 1, 1] }, new RangeError('Standardizer.loadStateDict: expected a state for 2 features, as this scaler was fitted on, got 3')],
    ];
    for (const [state, err] of bad) {
      expect(thrown(() => s.loadStateDict(state as StandardizerState))).toEqual(err);
      expect(s.stateDict()).toEqual(before);
    }
  });

  it('refuses to transform before it is fitted, rows of another width, and bad rows', () => {
    const fresh = new Standardizer();
    expect(fresh.fitted).toBe(false);
    expect(fresh.features).toBe(0);
    expect(thrown(() => fresh.transform([[1]]))).toEqual(new Error('Standardizer.transform: the scaler is not fitted yet; call fit(X) or loadStateDict(state) first'));
    expect(thrown(() => fresh.transform(5 as never))).toEqual(new TypeError('Standardizer.transform: expected X to be an array of rows, got number 5'));
    expect(thrown(() => fresh.stateDict())).toEqual(new Error('Standardizer.stateDict: the scaler is not fitted yet; call fit(X) or loadStateDict(state) first'));
    const s = standardize([[1, 2], [3, 4]]);
    expect(thrown(() => s.transform([[1, 2, 3]]))).toEqual(new RangeError('Standardizer.transform: expected the rows of X to have 2 columns, as the scaler was fitted on, got 3'));
    expect(thrown(() => s.transform([[1, NaN]]))).toEqual(new RangeError('Standardizer.transform: expected X[0][1] to be a finite number, got NaN'));
    expect(thrown(() => standardize([]))).toEqual(new RangeError('standardize: expected X to have at least one row, got none'));
    expect(thrown(() => standardize('x' as never))).toEqual(new TypeError('standardize: expected X to be an array of rows, got string "x"'));
  });
});
