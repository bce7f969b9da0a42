// `@ugrad/nn/node`: the parts of ugrad that need Node (files). The main entry
// point stays free of `node:` imports so it runs in a browser.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, type CsvOptions, type Dataset } from './datasets.js';
import { applyCheckpoint, modelFromCheckpoint, parseCheckpoint, serializeCheckpoint, type Checkpoint, type CheckpointParts } from './checkpoint.js';
import { withContext } from './fit.js';
import type { MLP } from './module.js';

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

// ---- checkpoint files ----

/**
 * Writes a checkpoint of `parts` (see {@link createCheckpoint}) to `path`,
 * atomically: the JSON goes to a temporary file in the same directory, is
 * flushed to disk, then renamed over `path`. A failure at any point —
 * a NaN weight, a full disk, a crash — leaves the previous file as it was.
 *
 * @example
 * saveCheckpoint('run.json', { model, trainer }); // the trainer's optimizer too
 */
export function saveCheckpoint(path: string | URL, parts: CheckpointParts): void {
  const where = 'saveCheckpoint';
  const file = filePath(where, path);
  // Serialize first: an unsaveable model must not even create the temporary file.
  const text = serializeCheckpoint(parts, where);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++tmpCount}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx'); // 'x': never write into someone else's file
    writeFileSync(fd, text);
    fsyncSync(fd); // on disk before the rename makes it the checkpoint
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw withContext(err, `${where}: ${file}: `);
  }
  // Make the rename itself durable. Some systems (Windows) cannot open a
  // directory; the checkpoint is written either way.
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // best effort, see above
  }
}

/**
 * Reads a checkpoint file and loads it into `parts` (see {@link applyCheckpoint}):
 * the model's parameters, and the optimizer's and trainer's state when given.
 * A missing, truncated, corrupted or mismatched file throws an error naming
 * the file and the problem, and changes nothing. Returns the checkpoint.
 *
 * @example
 * const model = new MLP(2, [16, 16, 1]);
 * const trainer = new Trainer(model, data, { loss: 'hinge', optimizer: new Adam(model.parameters()), steps: 200 });
 * loadCheckpoint('run.json', { model, trainer });
 * while (!trainer.done) trainer.step(); // continues where the saved run stopped
 */
export function loadCheckpoint(path: string | URL, parts: CheckpointParts): Checkpoint {
  const file = filePath('loadCheckpoint', path);
  const where = `loadCheckpoint: ${file}`;
  const checkpoint = readCheckpoint(file, where);
  applyCheckpoint(checkpoint, parts, where);
  return checkpoint;
}

/**
 * Rebuilds the MLP saved in a checkpoint file, with its weights (see {@link modelFromCheckpoint}).
 * @example const model = loadModel('run.json'); model.forward([0.5, 0.2]);
 */
export function loadModel(path: string | URL): MLP {
  const file = filePath('loadModel', path);
  const where = `loadModel: ${file}`;
  return modelFromCheckpoint(readCheckpoint(file, where), where);
}

let tmpCount = 0;

function readCheckpoint(file: string, where: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw withContext(err, `${where}: `);
  }
  return parseCheckpoint(text, where);
}
