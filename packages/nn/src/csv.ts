import { parseOptions, str, typeError, optional, withDefault, type Check, type Parsed } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';

// CSV text to a dataset. It must run in a browser (file reading lives in
// `node.ts`), and in time linear in the text whatever the text holds: every
// scan moves forward only, and no regular expression can backtrack.

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first non-blank line names the columns; `'auto'` (default) says yes when none of its cells is a number. */
  header?: boolean | 'auto';
  /** The label column: a header name, or an index from 0 (negative counts from the end). Default -1, the last column. */
  label?: number | string;
  /** The cell separator (default `','`). */
  delimiter?: string;
  /** A name for the text, such as its file path, to put in error messages. */
  source?: string;
}

const headerCheck: Check<boolean | 'auto'> = (x, where, what) => {
  if (x !== true && x !== false && x !== 'auto') throw typeError(where, what, "true, false or 'auto'", x);
  return x;
};

const delimiterCheck: Check<string> = (x, where, what) => {
  const d = str(x, where, what);
  if (d === '' || d.includes('"') || d.includes('\n') || d.includes('\r')) {
    throw new RangeError(`${where}: expected ${what} to be a string that is not empty and has no quote or newline, got ${quote(d)}`);
  }
  return d;
};

const labelCheck: Check<number | string> = (x, where, what) => {
  if (typeof x !== 'number' && typeof x !== 'string') throw typeError(where, what, 'a column name or index', x);
  return x;
};

/** @internal The options of {@link parseCsv}, each with its check and default (`loadCsv` reads them too). */
export const CSV_SCHEMA = {
  header: withDefault(headerCheck, 'auto' as const),
  label: withDefault(labelCheck, -1),
  delimiter: withDefault(delimiterCheck, ','),
  source: optional(str),
};

/**
 * A dataset from CSV text in which every cell is a number: the label column becomes
 * `y`, the others, in order, `X`. Blank lines are skipped, CRLF and a trailing newline
 * are fine, cells are trimmed, and a cell may be double-quoted (`""` escapes a quote)
 * but not span lines. A ragged row or a cell that is not a number throws, naming the
 * line in the text (from 1, blank lines counted) and the column (from 1, and its name
 * when there is a header), and quoting at most 40 characters of the cell. Parsing
 * takes time linear in the text, whatever it holds.
 *
 * @example
 * parseCsv('x1,x2,label\n0.5,1.5,0\n-1,2,1\n'); // { X: [[0.5, 1.5], [-1, 2]], y: [0, 1] }
 */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const fn = 'parseCsv';
  const o = parseOptions(fn, options, CSV_SCHEMA);
  if (typeof text !== 'string') throw typeError(fn, 'text', 'CSV text as a string', text);
  return parseCsvText(fn, text, o);
}

/** @internal {@link parseCsv} of checked options, its messages starting `${fn}: ${source}, `. */
export function parseCsvText(fn: string, text: string, o: Parsed<typeof CSV_SCHEMA>): Dataset {
  const at = o.source === undefined ? `${fn}: ` : `${fn}: ${o.source}, `;

  // Excel writes a byte-order mark at the start of UTF-8 files.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() !== '') rows.push({ line: i + 1, cells: splitCsvLine(raw, o.delimiter, `${at}line ${i + 1}`) });
  });
  if (rows.length === 0) throw new RangeError(`${at}expected at least one row of data, got no non-blank lines`);

  const first = rows[0]!;
  const hasHeader = o.header === 'auto' ? first.cells.every((c) => !isNumeric(c)) : o.header;
  const names = hasHeader ? first.cells : null;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new RangeError(`${at}expected at least one row of data after the header on line ${first.line}`);
  const width = first.cells.length;
  if (width < 2) throw new RangeError(`${at}expected at least 2 columns (features and a label), got ${width} on line ${first.line}`);
  const labelAt = labelIndex(at, o.label, width, names);
  const column = (j: number): string => (names ? `column ${j + 1} (${quote(names[j]!)})` : `column ${j + 1}`);

  const X: number[][] = [];
  const y: number[] = [];
  for (const { line, cells } of data) {
    if (cells.length !== width) {
      throw new RangeError(`${at}line ${line} has ${cells.length} columns, expected ${width} as on line ${first.line}`);
    }
    const features: number[] = [];
    cells.forEach((cell, j) => {
      if (!isNumeric(cell)) {
        const got = cell === '' ? 'an empty cell' : quote(cell);
        throw new RangeError(`${at}line ${line}, ${column(j)}: expected a number, got ${got}`);
      }
      if (j === labelAt) y.push(Number(cell));
      else features.push(Number(cell));
    });
    X.push(features);
  }
  return { X, y };
}

/**
 * Whether a cell is a finite decimal number: `[+-]` digits `[.` digits`]`
 * (a digit on at least one side of the point) and an optional exponent
 * `[eE][+-]digits`. Number() alone would take '', '0x1f', 'Infinity' and
 * ' 1 '; a regular expression for the same grammar backtracks quadratically
 * on a long run of digits, so this is one forward scan.
 */
export function isNumeric(cell: string): boolean {
  const n = cell.length;
  let i = 0;
  if (cell[i] === '+' || cell[i] === '-') i++;
  const intStart = i;
  while (i < n && isDigit(cell.charCodeAt(i))) i++;
  let digits = i - intStart;
  if (cell[i] === '.') {
    const fracStart = ++i;
    while (i < n && isDigit(cell.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return false;
  if (cell[i] === 'e' || cell[i] === 'E') {
    i++;
    if (cell[i] === '+' || cell[i] === '-') i++;
    const expStart = i;
    while (i < n && isDigit(cell.charCodeAt(i))) i++;
    if (i === expStart) return false;
  }
  return i === n && Number.isFinite(Number(cell));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A piece of the user's text for a message: JSON-quoted, cut to 40 characters with its length when longer. */
export function quote(text: string, max = 40): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}

/** One line's cells, trimmed, with double quotes removed (`""` inside quotes is a literal quote). */
function splitCsvLine(line: string, delimiter: string, where: string): string[] {
  const cells: string[] = [];
  let start = 0;
  for (;;) {
    let next = line.indexOf(delimiter, start);
    let cell = (next < 0 ? line.slice(start) : line.slice(start, next)).trim();
    if (cell.startsWith('"')) {
      // A quoted cell may contain the delimiter, so find its closing quote first.
      const parts: string[] = [];
      let i = line.indexOf('"', start) + 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new RangeError(`${where}: a quoted cell is not closed (cells cannot span lines)`);
        parts.push(line.slice(i, q));
        i = q + 1;
        if (line[i] !== '"') break;
        parts.push('"');
        i++;
      }
      next = line.indexOf(delimiter, i);
      const rest = (next < 0 ? line.slice(i) : line.slice(i, next)).trim();
      if (rest !== '') throw new RangeError(`${where}: unexpected text ${quote(rest)} after a quoted cell`);
      cell = parts.join('').trim();
    }
    cells.push(cell);
    if (next < 0) return cells;
    start = next + delimiter.length;
  }
}

function labelIndex(at: string, label: number | string, width: number, names: string[] | null): number {
  if (typeof label === 'string') {
    if (names === null) throw new RangeError(`${at}label ${quote(label)} is a column name, but the text has no header`);
    const j = names.indexOf(label);
    if (j < 0) {
      const shown = names.slice(0, 10).map((s) => quote(s)).join(', ') + (names.length > 10 ? `, … (${names.length} columns)` : '');
      throw new RangeError(`${at}no column named ${quote(label)} for the label; columns are ${shown}`);
    }
    return j;
  }
  if (!Number.isInteger(label) || label < -width || label >= width) {
    throw new RangeError(`${at}expected options.label to be an integer index in [${-width}, ${width - 1}] for ${width} columns, got ${label}`);
  }
  return label < 0 ? width + label : label;
}
