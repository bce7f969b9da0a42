// `@ugrad/nn/node`: the parts of ugrad that need Node (files). The main entry
// point stays free of `node:` imports so it runs in a browser.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, typeError, withContext } from '@ugrad/engine/internal';
import { CSV_SCHEMA, parseCsvText } from './csv.js';
import type { CsvOptions, Dataset } from './datasets.js';
import { checkpointToJSON, restoreCheckpoint, type CheckpointParts } from './checkpoint.js';
import type { MLP } from './layers.js';
import type { AnyModule } from './module.js';

/**
 * Reads a UTF-8 CSV file and parses it with `parseCsv` (same options);
 * parse errors name the file, the line and the column.
 *
 * @example
 * import { loadCsv } from '@ugrad/nn/node';
 * const data = loadCsv('iris.csv', { label: 'species' });
 */
export function loadCsv(path: string | URL, options: Omit<CsvOptions, 'source'> = {}): Dataset {
  const where = 'loadCsv';
  const file = filePath(where, path);
  const { source: _, ...schema } = CSV_SCHEMA; // the file names the source
  const o = parseOptions(where, options, schema);
  return parseCsvText(where, readText(where, file), { ...o, source: file });
}

/**
 * Writes a checkpoint of `parts` (see `checkpointToJSON`) to `path`,
 * atomically: the JSON goes to a temporary file in the same directory, is
 * flushed to disk, then renamed over `path`. A failure at any point — a NaN
 * weight, a full disk, a crash — leaves the previous file as it was, and no
 * temporary file behind; temporary files that killed saves of the same
 * target left behind are removed.
 *
 * @example
 * saveCheckpoint('run.json', { model, trainer }); // the trainer's optimizer too
 */
export function saveCheckpoint(path: string | URL, parts: CheckpointParts): void {
  const where = 'saveCheckpoint';
  const file = filePath(where, path);
  // Serialize first: an unsaveable model must not even create the temporary file.
  const text = checkpointToJSON(parts, where);
  const dir = dirname(file), prefix = `.${basename(file)}.`;
  removeStale(dir, prefix);
  const tmp = join(dir, `${prefix}${process.pid}.${++tmpCount}.tmp`);
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
    removeQuietly(tmp);
    throw osError(err, where, file);
  }
  // Make the rename itself durable. Some systems (Windows) cannot open a
  // directory; the checkpoint is written either way.
  try {
    const d = openSync(dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // best effort, see above
  }
}

/**
 * Reads a checkpoint file and restores it (see `restoreCheckpoint`): the
 * parameters into `parts.model` — or into a new MLP built from the saved
 * architecture when no model is given — and the optimizer's, trainer's and
 * extra objects' state when given. Returns the model. A missing, truncated,
 * corrupted or mismatched file throws an error naming the file and the
 * problem (an OS error keeps its `code`, e.g. `ENOENT`), and changes nothing.
 *
 * @example
 * const model = loadCheckpoint('run.json'); // rebuilds the MLP
 * loadCheckpoint('run.json', { model, trainer }); // resumes a run: while (!trainer.done) trainer.step();
 */
export function loadCheckpoint<M extends AnyModule = MLP>(path: string | URL, parts: Partial<CheckpointParts> & { model?: M } = {}): M {
  const file = filePath('loadCheckpoint', path);
  return restoreCheckpoint(readText('loadCheckpoint', file), parts, `loadCheckpoint: ${file}`);
}

let tmpCount = 0;

function readText(where: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw osError(err, where, file);
  }
}

function filePath(where: string, path: unknown): string {
  if (path instanceof URL) {
    if (path.protocol !== 'file:') throw new RangeError(`${where}: expected a file: URL, got a ${path.protocol} URL`);
    return fileURLToPath(path);
  }
  if (typeof path !== 'string') throw typeError(where, 'path', 'a file path (a string or file URL)', path);
  if (path === '' || path.includes('\0')) throw new RangeError(`${where}: expected a file path, got ${JSON.stringify(path)}`);
  return path;
}

// An error from the file system, worded for the user's file (not our
// temporary one), keeping its `code` and the original as the cause.
function osError(err: unknown, where: string, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const reason: Record<string, string> = {
    ENOENT: where === 'saveCheckpoint' ? `the folder ${dirname(file)} does not exist` : 'no such file',
    EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory', ENOTDIR: 'a part of the path is not a directory',
    ENOSPC: 'the disk is full', EROFS: 'the file system is read-only',
  };
  if (typeof code !== 'string' || !(code in reason)) return withContext(err, `${where}: ${file}: `);
  return Object.assign(new Error(`${where}: ${file}: ${reason[code]} (${code})`, { cause: err }), { code });
}

// Temporary files of earlier saves of the same target whose process is gone
// (killed mid-save): `.name.<pid>.<n>.tmp`.
function removeStale(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the save itself will report the folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    // Saves are synchronous, so one with our own pid is not in progress either.
    if (!Number.isSafeInteger(pid) || pid <= 0 || (pid !== process.pid && alive(pid))) continue;
    removeQuietly(join(dir, name));
  }
}

// Removes a temporary file if it can: a file it cannot remove (or a name too
// long to exist) must not hide the error being reported, or fail a save.
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing more to do
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'; // exists, but not ours to signal
  }
}
