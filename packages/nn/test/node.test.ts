import { fsyncSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { blobs, moons } from '../src/datasets.js';
import { MLP } from '../src/layers.js';
import { Adam } from '../src/optimizers.js';
import { Trainer } from '../src/trainer.js';
import { loadCheckpoint, loadCsv, saveCheckpoint } from '../src/node.js';
import { thrown } from '../../../test/helpers.js';

// The real file system, with a few calls that a test can make fail once, as a full disk or an I/O error would.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, writeFileSync: vi.fn(fs.writeFileSync), fsyncSync: vi.fn(fs.fsyncSync), renameSync: vi.fn(fs.renameSync) };
});

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
    expect(() => loadCsv(file)).toThrow(new RangeError(`loadCsv: ${file}, line 3, column 2 ("x2"): expected a number, got "four"`));
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
    expect(() => loadCsv(missing)).toThrow(`loadCsv: ${missing}: no such file (ENOENT)`);
    expect((thrown(() => loadCsv(missing)) as { code: string }).code).toBe('ENOENT');
    expect(() => loadCsv(3 as unknown as string)).toThrow(new TypeError('loadCsv: expected path to be a file path (a string or file URL), got number 3'));
    expect(() => loadCsv('')).toThrow(new RangeError('loadCsv: expected a file path, got ""'));
    expect(() => loadCsv(new URL('https://example.com/a.csv'))).toThrow(new RangeError('loadCsv: expected a file: URL, got a https: URL'));
  });
});

describe('checkpoint files', () => {
  const data = moons({ n: 16, noise: 0.1, seed: 3 });
  function setup(seed: number): { model: MLP; optimizer: Adam; trainer: Trainer } {
    const model = new MLP(2, [4, 1], { seed });
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    return { model, optimizer, trainer: new Trainer(model, data, { loss: 'hinge', optimizer, steps: 8, batchSize: 5 }) };
  }
  const fileIn = (name: string): { folder: string; file: string } => {
    const folder = join(dir, name);
    mkdirSync(folder);
    return { folder, file: join(folder, 'run.json') };
  };

  it('saves and loads model, optimizer and trainer; resuming ends as the uninterrupted run', () => {
    const { folder, file } = fileIn('roundtrip');
    const a = setup(1);
    while (!a.trainer.done) a.trainer.step();
    const b = setup(1);
    for (let k = 0; k < 3; k++) b.trainer.step();
    saveCheckpoint(file, { model: b.model, trainer: b.trainer });
    expect(readdirSync(folder)).toEqual(['run.json']);
    const c = setup(2);
    expect(loadCheckpoint(pathToFileURL(file), { model: c.model, trainer: c.trainer })).toBe(c.model);
    expect(c.trainer.stepCount).toBe(3);
    while (!c.trainer.done) c.trainer.step();
    expect(c.trainer.history.steps.slice(3).map((s) => s.loss)).toEqual(a.trainer.history.steps.slice(3).map((s) => s.loss));
    expect(c.model.stateDict()).toEqual(a.model.stateDict());
    expect(c.optimizer.stateDict()).toEqual(a.optimizer.stateDict());
    // Saving again replaces the file.
    saveCheckpoint(file, { model: c.model, trainer: c.trainer });
    loadCheckpoint(file, { model: b.model });
    expect(b.model.stateDict()).toEqual(a.model.stateDict());
    expect(readdirSync(folder)).toEqual(['run.json']);
  });

  it('a save removes temporary files that killed saves of the same target left behind, and only those', () => {
    const { folder, file } = fileIn('stale');
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    const names = [`.run.json.${dead}.1.tmp`, `.run.json.${process.pid}.9.tmp`, `.run.json.1.3.tmp`, `.other.json.${dead}.1.tmp`];
    for (const name of names) writeFileSync(join(folder, name), 'half a checkpoint');
    saveCheckpoint(file, { model: new MLP(2, [2, 1]) });
    // pid 1 is alive (its save may be in progress); another target's files are not ours to touch.
    expect(readdirSync(folder).sort()).toEqual(['.other.json.' + dead + '.1.tmp', '.run.json.1.3.tmp', 'run.json']);
  });

  it('without a model, loadCheckpoint rebuilds the MLP', () => {
    const { file } = fileIn('model');
    const model = new MLP(2, [3, 2], { hidden: 'tanh', seed: 4 });
    saveCheckpoint(file, { model });
    const loaded = loadCheckpoint(file) as MLP;
    expect(loaded.config()).toEqual(model.config());
    expect(loaded.forward([0.3, -0.7]).map((v) => v.data)).toEqual(model.forward([0.3, -0.7]).map((v) => v.data));
  });

  // Whatever fails, the previous checkpoint is still there, whole, and no temporary file is left behind.
  function expectPreviousKept(name: string, fail: () => void, save: (file: string) => void, error: Error | RegExp): void {
    const { folder, file } = fileIn(name);
    saveCheckpoint(file, { model: new MLP(2, [4, 1], { seed: 5 }) });
    const before = readFileSync(file, 'utf8');
    fail();
    expect(() => save(file)).toThrow(error);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(folder)).toEqual(['run.json']);
  }

  it('a failed save leaves the previous file intact', () => {
    const broken = new MLP(2, [4, 1]);
    broken.parameters()[3]!.data = NaN;
    expectPreviousKept('nan', () => {}, (file) => saveCheckpoint(file, { model: broken }), new RangeError(
      'saveCheckpoint: expected parameters["layers.0.neurons.1.w.0"] to be a finite number, got NaN',
    ));
    const model = new MLP(2, [4, 1], { seed: 6 });
    const ioError = (message: string, code: string) => () => {
      throw Object.assign(new Error(message), { code });
    };
    // Half the text reaches the disk, then it is full.
    expectPreviousKept('full', () => vi.mocked(writeFileSync).mockImplementationOnce((fd, text) => {
      writeFileSync(fd, String(text).slice(0, 100));
      ioError('ENOSPC: no space left on device, write', 'ENOSPC')();
    }), (file) => saveCheckpoint(file, { model }), /^saveCheckpoint: .*run\.json: the disk is full \(ENOSPC\)$/);
    expectPreviousKept('fsync', () => vi.mocked(fsyncSync).mockImplementationOnce(ioError('EIO: i/o error, fsync', 'EIO')),
      (file) => saveCheckpoint(file, { model }), /^saveCheckpoint: .*run\.json: EIO: i\/o error, fsync$/);
    expectPreviousKept('rename', () => vi.mocked(renameSync).mockImplementationOnce(ioError('EACCES: permission denied, rename', 'EACCES')),
      (file) => saveCheckpoint(file, { model }), /^saveCheckpoint: .*run\.json: permission denied \(EACCES\)$/);
    // A missing folder is named as the user's path, not the temporary file's, and the OS code is kept.
    const missing = join(dir, 'no-such-folder', 'run.json');
    const error = thrown(() => saveCheckpoint(missing, { model })) as Error & { code: string };
    expect(error.message).toBe(`saveCheckpoint: ${missing}: the folder ${join(dir, 'no-such-folder')} does not exist (ENOENT)`);
    expect(error.code).toBe('ENOENT');
  });

  it('a bad file throws an error naming it, and changes nothing', () => {
    const { file } = fileIn('bad');
    const { model, optimizer, trainer } = setup(7);
    const before = [model.stateDict(), optimizer.stateDict(), trainer.stateDict()];
    const load = () => loadCheckpoint(file, { model, trainer });
    expect(load).toThrow(`loadCheckpoint: ${file}: no such file (ENOENT)`);
    expect((thrown(load) as { code: string }).code).toBe('ENOENT');
    saveCheckpoint(file, { model, trainer });
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 10));
    expect(load).toThrow(new SyntaxError(`loadCheckpoint: ${file}: not valid JSON (a truncated or corrupted file?): ${jsonError(text.slice(0, text.length - 10))}`));
    writeFileSync(file, '\u0000\u0001garbage');
    expect(load).toThrow(SyntaxError);
    writeFileSync(file, JSON.stringify({ format: 'ugrad-checkpoint', version: 7 }));
    expect(load).toThrow(new RangeError(`loadCheckpoint: ${file}: expected version to be 1 (the version this ugrad reads), got 7`));
    saveCheckpoint(file, { model: new MLP(2, [5, 1]) });
    expect(load).toThrow(new RangeError(
      `loadCheckpoint: ${file}: the checkpoint holds MLP(2, [5, 1]; relu, linear; negativeSlope 0.01), but the model is MLP(2, [4, 1]; relu, linear; negativeSlope 0.01)`,
    ));
    writeFileSync(file, text.replace(/"layers\.1\.neurons\.0\.b":[^,}]+/, '"layers.1.neurons.0.b":null'));
    expect(load).toThrow(new TypeError(`loadCheckpoint: ${file}: expected parameters["layers.1.neurons.0.b"] to be a finite number, got null`));
    expect(() => loadCheckpoint(file)).toThrow(new TypeError(`loadCheckpoint: ${file}: expected parameters["layers.1.neurons.0.b"] to be a finite number, got null`));
    expect([model.stateDict(), optimizer.stateDict(), trainer.stateDict()]).toEqual(before);
    expect(() => saveCheckpoint('', { model })).toThrow(new RangeError('saveCheckpoint: expected a file path, got ""'));
  });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected invalid JSON');
}
