import { describe as group, expect, it } from 'vitest';
import {
  arrayOf, atLeast, between, bool, count, finite, instance, oneOf, optional, parseOptions, rate, withContext, withDefault,
} from '@ugrad/engine/internal';
import { thrown } from '../../../test/helpers.js';

function error(fn: () => unknown): [string, string] {
  const e = thrown(fn) as Error;
  return [e.constructor.name, e.message];
}

group('the one message format', () => {
  it('names the function, what was expected and what came in: the kind for a TypeError, the value for a RangeError', () => {
    expect(error(() => count('3', 'MLP', 'nin'))).toEqual(['TypeError', 'MLP: expected nin to be a positive integer, got string "3"']);
    expect(error(() => count(0, 'MLP', 'nin'))).toEqual(['RangeError', 'MLP: expected nin to be a positive integer, got 0']);
    expect(error(() => count(-0, 'MLP', 'nin'))).toEqual(['RangeError', 'MLP: expected nin to be a positive integer, got -0']);
    expect(error(() => rate(NaN, 'fit', 'options.lr'))).toEqual(['RangeError', 'fit: expected options.lr to be finite and ≥ 0, got NaN']);
    expect(error(() => finite(Infinity, 'f', 'x'))).toEqual(['RangeError', 'f: expected x to be a finite number, got Infinity']);
    expect(error(() => atLeast(2)(1.5, 'moons', 'options.n'))).toEqual(['RangeError', 'moons: expected options.n to be an integer ≥ 2, got 1.5']);
    expect(error(() => between(0, 1, { hi: true })(1, 'Adam', 'betas[0]'))).toEqual(['RangeError', 'Adam: expected betas[0] to be in [0, 1), got 1']);
    expect(error(() => bool(1, 'f', 'flag'))).toEqual(['TypeError', 'f: expected flag to be a boolean, got number 1']);
    expect(error(() => oneOf(['a', 'b'])('c', 'f', 'x'))).toEqual(['RangeError', "f: expected x to be one of 'a', 'b', got \"c\""]);
    expect(error(() => oneOf(['a', 'b'])(3, 'f', 'x'))).toEqual(['TypeError', "f: expected x to be one of 'a', 'b', got number 3"]);
    expect(error(() => instance(Map, 'a Map')({}, 'f', 'm'))).toEqual(['TypeError', 'f: expected m to be a Map, got an object']);
  });

  it('checks arrays item by item, naming the index', () => {
    expect(arrayOf(finite)([1, 2], 'f', 'xs')).toEqual([1, 2]);
    expect(error(() => arrayOf(finite)([1, 'x'], 'f', 'xs'))).toEqual(['TypeError', 'f: expected xs[1] to be a finite number, got string "x"']);
    expect(error(() => arrayOf(finite, { length: 2 })([1], 'f', 'xs'))).toEqual(['RangeError', 'f: expected xs to have 2 entries, got 1']);
    expect(error(() => arrayOf(finite, { min: 1 })([], 'f', 'xs'))).toEqual(['RangeError', 'f: expected xs to have at least 1 entry, got 0']);
    expect(error(() => arrayOf(finite)('ab', 'f', 'xs'))).toEqual(['TypeError', 'f: expected xs to be an array, got string "ab"']);
  });
});

group('parseOptions', () => {
  const schema = { n: withDefault(atLeast(2), 100), noise: optional(rate) };

  it('fills defaults, keeps what was given, and reads undefined as {}', () => {
    expect(parseOptions('moons', { n: 5 }, schema)).toEqual({ n: 5, noise: undefined });
    expect(parseOptions('moons', undefined, schema)).toEqual({ n: 100, noise: undefined });
  });

  it('refuses unknown keys, non-objects and bad fields, naming options.<key>', () => {
    expect(error(() => parseOptions('moons', { n: 5, nosie: 0.1 }, schema))).toEqual(['TypeError', 'moons: unknown option "nosie" (expected one of n, noise)']);
    expect(error(() => parseOptions('moons', [], schema))).toEqual(['TypeError', 'moons: expected options to be an object, got an array of length 0']);
    expect(error(() => parseOptions('moons', new Map(), schema))).toEqual(['TypeError', 'moons: expected options to be an object, got a Map']);
    expect(error(() => parseOptions('moons', { n: '3' }, schema))).toEqual(['TypeError', 'moons: expected options.n to be an integer ≥ 2, got string "3"']);
    expect(error(() => parseOptions('fit', { patience: 0 }, { patience: count }, 'options.earlyStopping'))).toEqual(['RangeError', 'fit: expected options.earlyStopping.patience to be a positive integer, got 0']);
    expect(error(() => parseOptions('fit', { x: 1 }, { patience: count }, 'options.earlyStopping'))).toEqual(['TypeError', 'fit: unknown key "x" in options.earlyStopping (expected one of patience)']);
  });
});

group('withContext', () => {
  it('keeps the class and an OS error code, and chains the cause', () => {
    const os = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const e = withContext(os, 'loadCsv: a.csv: ') as Error & { code: string };
    expect(e.message).toBe('loadCsv: a.csv: ENOENT: no such file');
    expect(e.code).toBe('ENOENT');
    expect(e.cause).toBe(os);
    expect(withContext(new RangeError('x'), 'p: ')).toBeInstanceOf(RangeError);
  });
});
