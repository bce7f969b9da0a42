import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { blobs, moons } from '../src/datasets.js';
import { loadCsv } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'ugrad-node-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function toCsv(X: number[][], y: number[], header: string[] | null, eol = '\n'): string {
  const lines = X.map((row, i) => [...row, y[i]].join(','));
  return (header ? [header.join(','), ...lines] : lines).join(eol) + eol;
}

describe('loadCsv', () => {
  it('round-trips a generated dataset through a file bit for bit', () => {
    const data = moons({ n: 64, noise: 0.2, seed: 7 });
    const file = join(dir, 'moons.csv');
    writeFileSync(file, toCsv(data.X, data.y, ['x1', 'x2', 'label']));
    expect(loadCsv(file)).toEqual(data);
  });

  it('takes parseCsv options and file URLs', () => {
    const data = blobs({ n: 12, centers: 3, dim: 3, noise: 0.5, seed: 2 });
    const file = join(dir, 'blobs.tsv');
    const lines = data.X.map((row, i) => [data.y[i], ...row].join('\t'));
    writeFileSync(file, ['label\ta\tb\tc', ...lines].join('\r\n'));
    expect(loadCsv(pathToFileURL(file), { delimiter: '\t', label: 'label' })).toEqual(data);
  });

  it('names the file, line and column of a bad cell', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'x1,x2,label\n1,2,0\n3,four,1\n');
    expect(() => loadCsv(file)).toThrow(new RangeError(`parseCsv: ${file}, line 3, column 2 ("x2"): expected a number, got "four"`));
    let caught: unknown;
    try {
      loadCsv(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RangeError);
  });

  it('reports a missing file and a bad path', () => {
    const missing = join(dir, 'missing.csv');
    expect(() => loadCsv(missing)).toThrow(`ENOENT: no such file or directory, open '${missing}'`);
    expect(() => loadCsv(3 as unknown as string)).toThrow(new TypeError('loadCsv: expected a file path (a string or file URL), got number'));
    expect(() => loadCsv('')).toThrow(new RangeError('loadCsv: expected a file path, got an empty string'));
  });
});
