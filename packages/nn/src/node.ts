// `@ugrad/nn/node`: the parts of ugrad that need Node (files). The main entry
// point stays free of `node:` imports so it runs in a browser.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv, type CsvOptions, type Dataset } from './datasets.js';

/**
 * Reads a UTF-8 CSV file and parses it with {@link parseCsv} (same options);
 * parse errors name the file, the line and the column.
 *
 * @example
 * import { loadCsv } from '@ugrad/nn/node';
 * const data = loadCsv('iris.csv', { label: 'species' });
 */
export function loadCsv(path: string | URL, options: Omit<CsvOptions, 'source'> = {}): Dataset {
  const file = filePath('loadCsv', path);
  return parseCsv(readFileSync(file, 'utf8'), { ...options, source: file });
}

function filePath(fn: string, path: unknown): string {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path !== 'string') throw new TypeError(`${fn}: expected a file path (a string or file URL), got ${path === null ? 'null' : typeof path}`);
  if (path === '') throw new RangeError(`${fn}: expected a file path, got an empty string`);
  return path;
}
