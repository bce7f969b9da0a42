import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { breastCancer, digits, iris, wine, type NamedDataset } from '../src/realdata.js';
import { trainTestSplit } from '../src/datasets.js';
import { generated } from '../data/generate.js';
import { thrown } from '../../../test/helpers.js';

// The loaders must return exactly the values of the files copied from scikit-learn
// (packages/nn/data/), read here by a parser of their own, and what scikit-learn's
// load_* functions return (hashes and names in fixtures/sklearn.json).
const dataDir = new URL('../data/', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, dataDir), 'utf8');
const fixture = JSON.parse(readFileSync(new URL('fixtures/sklearn.json', import.meta.url), 'utf8')) as {
  datasets: Record<string, { shape: [number, number]; featureNames: string[]; classNames: string[]; X: string; y: string; classCounts: number[] }>;
};

/** Rows of numbers from CSV text: `Number()` of each cell, the last one the label. */
function csvRows(text: string): { X: number[][]; y: number[] } {
  const rows = text.split('\n').filter((l) => l !== '').map((l) => l.split(',').map((c) => Number(c)));
  return { X: rows.map((r) => r.slice(0, -1)), y: rows.map((r) => r.at(-1)!) };
}

/** Same values bit for bit (Object.is: -0 and NaN count), reporting the first difference. */
function expectSameBits(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i]!.length).toBe(want[i]!.length);
    for (let j = 0; j < want[i]!.length; j++) if (!Object.is(got[i]![j], want[i]![j])) expect(`[${i}][${j}] ${got[i]![j]}`).toBe(`[${i}][${j}] ${want[i]![j]}`);
  }
}

function sha(values: number[]): string {
  return createHash('sha256').update(new Uint8Array(Float64Array.from(values).buffer)).digest('hex');
}

const loaders: [string, () => NamedDataset, string | null][] = [
  ['iris', iris, 'iris.csv'], ['wine', wine, 'wine_data.csv'], ['breastCancer', breastCancer, 'breast_cancer.csv'], ['digits', digits, null],
];

describe('the real data sets', () => {
  it('the committed data modules are what data/generate.ts writes', () => {
    for (const [name, text] of Object.entries(generated())) {
      expect(readFileSync(new URL(`../src/data/${name}`, import.meta.url), 'utf8') === text, `src/data/${name} is stale: run npx tsx packages/nn/data/generate.ts`).toBe(true);
    }
  });

  it('iris, wine and breast cancer hold their CSV files verbatim, and load every value exactly', () => {
    for (const [name, load, file] of loaders.slice(0, 3)) {
      const text = read(file!);
      const [first, ...rest] = text.split('\n');
      const [n, d, ...classNames] = first!.split(',');
      const want = csvRows(rest.join('\n'));
      const got = load();
      expect(got.X.length, name).toBe(Number(n));
      expect(got.X[0]!.length, name).toBe(Number(d));
      expectSameBits(got.X, want.X);
      expectSameBits([got.y], [want.y]);
      expect(got.classNames).toEqual(classNames);
    }
  });

  it('digits loads every pixel and label of digits.csv.gz exactly, 0..16 by default and /16 with scale', () => {
    const want = csvRows(gunzipSync(readFileSync(new URL('digits.csv.gz', dataDir))).toString('utf8'));
    const got = digits();
    expectSameBits(got.X, want.X);
    expectSameBits([got.y], [want.y]);
    expectSameBits(digits({ scale: true }).X, want.X.map((row) => row.map((v) => v / 16)));
    expect(Math.max(...got.X.flat())).toBe(16);
  });

  it("equal scikit-learn's load_iris, load_wine, load_breast_cancer and load_digits: values, names and class counts", () => {
    for (const [name, load] of loaders) {
      const want = fixture.datasets[name]!;
      const got = load();
      expect([got.X.length, got.X[0]!.length], name).toEqual(want.shape);
      expect(sha(got.X.flat()), `${name}: X`).toBe(want.X);
      expect(sha(got.y), `${name}: y`).toBe(want.y);
      expect(got.featureNames, name).toEqual(want.featureNames);
      expect(got.classNames, name).toEqual(want.classNames);
      expect(want.classCounts.map((_, k) => got.y.filter((v) => v === k).length), name).toEqual(want.classCounts);
    }
  });

  it('load in a browser: nothing @ugrad/nn imports from its main entry reads files or imports node:', () => {
    const seen = new Set<string>();
    const walk = (url: URL): void => {
      if (seen.has(url.href)) return;
      seen.add(url.href);
      for (const [, spec] of readFileSync(url, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
        expect(spec!, `${url.pathname} imports ${spec}`).not.toMatch(/^(node:|fs$|path$|zlib$)/);
        if (spec!.startsWith('.')) walk(new URL(spec!.replace(/\.js$/, '.ts'), url));
      }
    };
    walk(new URL('../src/index.ts', import.meta.url));
    expect([...seen].filter((u) => u.includes('/src/data/'))).toHaveLength(4);
  });

  it('returns a fresh copy on every call', () => {
    const a = iris();
    a.X[0]![0] = 99;
    a.y[0] = 5;
    a.featureNames[0] = 'x';
    expect(iris().X[0]![0]).toBe(5.1);
    expect(iris().y[0]).toBe(0);
    expect(iris().featureNames[0]).toBe('sepal length (cm)');
  });

  it('refuses unknown options and a bad scale', () => {
    expect(thrown(() => iris({ scale: true } as never))).toEqual(new TypeError('iris: unknown option "scale" (expected one of )'));
    expect(thrown(() => wine(null as never))).toEqual(new TypeError('wine: expected options to be an object, got null'));
    expect(thrown(() => digits({ scale: 1 } as never))).toEqual(new TypeError('digits: expected options.scale to be a boolean, got number 1'));
    expect(thrown(() => digits({ normalize: true } as never))).toEqual(new TypeError('digits: unknown option "normalize" (expected one of scale)'));
  });

  it('split by class: a stratified 20% of digits keeps every digit’s share', () => {
    const data = digits();
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, stratify: true, seed: 0 });
    expect(test.X).toHaveLength(359);
    expect(train.X).toHaveLength(1438);
    for (let k = 0; k < 10; k++) {
      const all = data.y.filter((v) => v === k).length, inTest = test.y.filter((v) => v === k).length;
      expect(Math.abs(inTest - all * 0.2), `digit ${k}`).toBeLessThan(1);
    }
  });
});
