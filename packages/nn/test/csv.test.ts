import { describe, expect, it } from 'vitest';
import { isNumeric, parseCsv, quote, type CsvOptions } from '../src/csv.js';
import { moons } from '../src/datasets.js';
import { thrown } from '../../../test/helpers.js';

const expectError = (fn: () => unknown, kind: typeof TypeError | typeof RangeError, message: string): void => {
  expect(thrown(fn)).toEqual(new kind(message));
};

describe('parseCsv', () => {
  it('reads a header, features in order and the last column as the label', () => {
    expect(parseCsv('x1,x2,label\n0.5,1.5,0\n-1,2e-3,1\n')).toEqual({ X: [[0.5, 1.5], [-1, 0.002]], y: [0, 1] });
  });

  it('detects a missing header, or takes the header option', () => {
    expect(parseCsv('1,2,0\n3,4,1')).toEqual({ X: [[1, 2], [3, 4]], y: [0, 1] });
    expect(parseCsv('1,2,0\n3,4,1', { header: true })).toEqual({ X: [[3, 4]], y: [1] });
    expectError(() => parseCsv('a,b\n1,2', { header: false }), RangeError, 'parseCsv: line 1, column 1: expected a number, got "a"');
  });

  it('takes the label column by index (negative from the end) or by name', () => {
    const text = 'y,a,b\n1,2,3\n4,5,6\n';
    expect(parseCsv(text, { label: 0 })).toEqual({ X: [[2, 3], [5, 6]], y: [1, 4] });
    expect(parseCsv(text, { label: -2 })).toEqual({ X: [[1, 3], [4, 6]], y: [2, 5] });
    expect(parseCsv(text, { label: 'b' })).toEqual({ X: [[1, 2], [4, 5]], y: [3, 6] });
  });

  it('handles CRLF, blank lines, whitespace, a BOM, quotes and other delimiters', () => {
    const text = '\uFEFF "x" ; "y y" ;label\r\n\r\n 1 ; +2 ; 0 \r\n   \r\n-.5;"3";1\r\n\r\n';
    expect(parseCsv(text, { delimiter: ';' })).toEqual({ X: [[1, 2], [-0.5, 3]], y: [0, 1] });
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' })).toEqual({ X: [[1]], y: [2] });
    expect(parseCsv('"a,b",c\n1,2', { label: 'c' })).toEqual({ X: [[1]], y: [2] });
    expect(parseCsv('1,2\r3,4\r')).toEqual({ X: [[1], [3]], y: [2, 4] });
  });

  it('names the line (blank lines counted) and column of a ragged row or a bad cell', () => {
    const text = 'x1,x2,label\n1,2,0\n\n3,4\n';
    expectError(() => parseCsv(text), RangeError, 'parseCsv: line 4 has 2 columns, expected 3 as on line 1');
    expectError(() => parseCsv('x1,x2,label\n1,2,0\n\n3,abc,1\n'), RangeError, 'parseCsv: line 4, column 2 ("x2"): expected a number, got "abc"');
    expectError(() => parseCsv('1,2,0\n3,,1'), RangeError, 'parseCsv: line 2, column 2: expected a number, got an empty cell');
    expectError(() => parseCsv('1,2,0\n3,4,1,5'), RangeError, 'parseCsv: line 2 has 4 columns, expected 3 as on line 1');
    for (const bad of ['0x10', 'Infinity', 'NaN', '1e', '1.2.3', '--1']) {
      expectError(() => parseCsv(`a,b\n1,${bad}`), RangeError, `parseCsv: line 2, column 2 ("b"): expected a number, got ${JSON.stringify(bad)}`);
    }
    expectError(() => parseCsv('a,b\n1,1e999'), RangeError, 'parseCsv: line 2, column 2 ("b"): expected a number, got "1e999"');
  });

  it('puts the source name in messages', () => {
    expectError(() => parseCsv('1,x', { source: 'data.csv' }), RangeError, 'parseCsv: data.csv, line 1, column 2: expected a number, got "x"');
  });

  it('rejects empty text, a header alone, a single column and bad options', () => {
    expectError(() => parseCsv('\n  \n'), RangeError, 'parseCsv: expected at least one row of data, got no non-blank lines');
    expectError(() => parseCsv('a,b\n'), RangeError, 'parseCsv: expected at least one row of data after the header on line 1');
    expectError(() => parseCsv('1\n2\n'), RangeError, 'parseCsv: expected at least 2 columns (features and a label), got 1 on line 1');
    expectError(() => parseCsv('a,b\n1,2', { label: 'c' }), RangeError, 'parseCsv: no column named "c" for the label; columns are "a", "b"');
    expectError(() => parseCsv('1,2', { label: 'c' }), RangeError, 'parseCsv: label "c" is a column name, but the text has no header');
    expectError(() => parseCsv('1,2', { label: 2 }), RangeError, 'parseCsv: expected options.label to be an integer index in [-2, 1] for 2 columns, got 2');
    expectError(() => parseCsv('1,2', { label: true as unknown as number }), TypeError, 'parseCsv: expected options.label to be a column name or index, got boolean true');
    expectError(() => parseCsv('1,2', { delimiter: '' }), RangeError, 'parseCsv: expected options.delimiter to be a string that is not empty and has no quote or newline, got ""');
    expectError(() => parseCsv('1,2', { delimiter: 5 as unknown as string }), TypeError, 'parseCsv: expected options.delimiter to be a string, got number 5');
    expectError(() => parseCsv('1,2', { header: 'yes' as unknown as boolean }), TypeError, "parseCsv: expected options.header to be true, false or 'auto', got string \"yes\"");
    expectError(() => parseCsv('1,2', { source: 1 as unknown as string }), TypeError, 'parseCsv: expected options.source to be a string, got number 1');
    expectError(() => parseCsv('1,2', { labels: 0 } as CsvOptions), TypeError, 'parseCsv: unknown option "labels" (expected one of header, label, delimiter, source)');
    expectError(() => parseCsv('"1,2\n3,4'), RangeError, 'parseCsv: line 1: a quoted cell is not closed (cells cannot span lines)');
    expectError(() => parseCsv('"1"x,2'), RangeError, 'parseCsv: line 1: unexpected text "x" after a quoted cell');
    expectError(() => parseCsv(42 as unknown as string), TypeError, 'parseCsv: expected text to be CSV text as a string, got number 42');
  });

  it('round-trips a generated dataset bit for bit', () => {
    const data = moons({ n: 30, noise: 0.1, seed: 11 });
    const text = ['x1,x2,label', ...data.X.map((row, i) => [...row, data.y[i]].join(','))].join('\n');
    expect(parseCsv(text)).toEqual(data);
  });
});

describe('isNumeric', () => {
  // The grammar the number check had as a regular expression (fine on short text, quadratic on long runs of digits).
  const REGEX = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  it('accepts decimals with optional sign, point and exponent, and nothing else', () => {
    for (const ok of ['0', '-1', '+2', '1.', '.5', '-.5', '1.25', '1e3', '1E-3', '2.5e+10', '007', '0.0']) expect(isNumeric(ok), ok).toBe(true);
    for (const bad of ['', '+', '-', '.', '+.', 'e1', '.e1', '1e', '1e+', '1.2.3', '--1', '0x10', 'Infinity', 'NaN', ' 1', '1 ', '1_0', '1e999', '١']) {
      expect(isNumeric(bad), bad).toBe(false);
    }
  });

  it('agrees with the old regular expression on every string of up to 4 characters from the grammar’s alphabet', () => {
    const alphabet = ['0', '9', '+', '-', '.', 'e', 'E', 'x'];
    let strings = [''];
    let checked = 0;
    for (let len = 1; len <= 4; len++) {
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
      for (const s of strings) {
        expect(isNumeric(s), s).toBe(REGEX.test(s) && Number.isFinite(Number(s)));
        checked++;
      }
    }
    expect(checked).toBe(8 + 64 + 512 + 4096);
  });
});

describe('parseCsv on adversarial input', () => {
  // Each of these took the backtracking regex time quadratic in the cell (2.5 s for 30k characters, so
  // hours for 1 MB); each is one forward scan now and finishes in milliseconds, far inside the test timeout.
  const MB = 1 << 20;

  it('fails on a 1 MB garbage cell, quoting 40 characters of it and its length', () => {
    for (const cell of ['1'.repeat(MB) + 'x', '1.' + '2'.repeat(MB) + 'e', '-'.repeat(MB), '1'.repeat(MB)]) {
      const err = thrown(() => parseCsv(`a,b\n1,${cell}\n`)) as RangeError;
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toBe(`parseCsv: line 2, column 2 ("b"): expected a number, got ${JSON.stringify(cell.slice(0, 40))}… (${cell.length} characters)`);
    }
  });

  it('fails fast on a 1 MB quoted cell full of escaped quotes, a 1 MB header name and a line of 1M delimiters', () => {
    const quotes = '"' + '""'.repeat(MB / 2) + 'x';
    expect(thrown(() => parseCsv(`a,b\n1,${quotes}`))).toEqual(new RangeError('parseCsv: line 2: a quoted cell is not closed (cells cannot span lines)'));
    const escaped = `a,b\n1,"${'""'.repeat(MB / 2)}"\n`;
    expect((thrown(() => parseCsv(escaped)) as Error).message).toBe(`parseCsv: line 2, column 2 ("b"): expected a number, got ${JSON.stringify('"'.repeat(40))}… (${MB / 2} characters)`);
    const name = 'n'.repeat(MB);
    expect((thrown(() => parseCsv(`${name},b\n1,2\n`, { label: 'c' })) as Error).message).toBe(`parseCsv: no column named "c" for the label; columns are ${quote(name)}, "b"`);
    expect(thrown(() => parseCsv(`a,b\n${','.repeat(MB)}\n`))).toEqual(new RangeError(`parseCsv: line 2 has ${MB + 1} columns, expected 2 as on line 1`));
  });

  it('parses 20 000 rows of numbers', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i * 0.5},${-i}e-3,${i % 3}`);
    const data = parseCsv(rows.join('\n'));
    expect(data.X).toHaveLength(20_000);
    expect(data.X[19_999]).toEqual([9_999.5, -19.999]);
    expect(data.y[19_999]).toBe(19_999 % 3);
  });

  it('quote() keeps short text whole and cuts long text to 40 characters', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('x'.repeat(40))).toBe(JSON.stringify('x'.repeat(40)));
    expect(quote('x'.repeat(41))).toBe(`${JSON.stringify('x'.repeat(40))}… (41 characters)`);
  });
});
