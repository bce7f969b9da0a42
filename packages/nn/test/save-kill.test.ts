import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { MLP } from '@ugrad/nn';
import { loadCheckpoint, saveCheckpoint } from '@ugrad/nn/node';

// Issue 12, rule 7: a save killed mid-write (SIGKILL: no handler runs) never
// harms the previous checkpoint, and the next save of the same target removes
// what the killed ones left behind. A child process saves a 1.6 MB checkpoint
// in a loop; the parent kills it, half the time the moment its temporary file
// appears (mid-write for sure), half the time at a random moment, and checks
// the checkpoint after every kill.

const dir = mkdtempSync(join(tmpdir(), 'ugrad-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = join(dir, 'run.json');
const temps = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

// The saver, bundled once so that each child starts in milliseconds. Its marker
// weight counts the saves (round·1000 + k), so the parent can tell that what it
// finds after a kill is a whole save, and never an older one than before.
const saver = `
  import { MLP } from '@ugrad/nn';
  import { saveCheckpoint } from '@ugrad/nn/node';
  const [target, round] = process.argv.slice(2);
  const model = new MLP(64, [256, 64, 1], { seed: 1 });
  for (let k = 0; ; k++) {
    model.parameters()[0].data = Number(round) * 1000 + k;
    saveCheckpoint(target, { model });
    process.stdout.write('saved ' + k + '\\n');
  }
`;

async function bundle(): Promise<string> {
  const outfile = join(dir, 'saver.cjs');
  await build({
    stdin: { contents: saver, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent',
  });
  return outfile;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const exited = (p: ChildProcess) => new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(null) : p.once('exit', resolve)));

describe('saveCheckpoint under SIGKILL', () => {
  it('never harms the previous checkpoint, leaves at most one temporary file, and the next save removes it', async () => {
    const script = await bundle();
    const first = new MLP(64, [256, 64, 1], { seed: 1 });
    first.parameters()[0]!.data = 0;
    saveCheckpoint(target, { model: first });
    let last = loadCheckpoint(target).parameters()[0]!.data;
    let midWrite = 0;
    for (let round = 1; round <= 8; round++) {
      const child = spawn(process.execPath, [script, target, String(round)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let saves = 0;
      child.stdout!.on('data', (chunk: Buffer) => (saves += chunk.toString().split('\n').length - 1));
      if (round % 2 === 1) {
        // the moment this child's temporary file exists, it is writing the checkpoint
        const start = performance.now();
        while (!temps().some((name) => name.includes(`.${child.pid}.`)) && performance.now() - start < 20_000) await sleep(1);
      } else {
        while (saves < 1) await sleep(5);
        await sleep(Math.random() * 300);
      }
      child.kill('SIGKILL');
      await exited(child);
      if (temps().some((name) => name.includes(`.${child.pid}.`))) midWrite++;
      // What is there is a whole checkpoint, this round's or an earlier one, never older than before.
      const marker = loadCheckpoint(target).parameters()[0]!.data;
      expect(Number.isInteger(marker)).toBe(true);
      expect(marker).toBeGreaterThanOrEqual(last);
      last = marker;
      // Each child's first save removed what the killed one before it had left.
      expect(temps().length).toBeLessThanOrEqual(1);
    }
    expect(midWrite).toBeGreaterThanOrEqual(4);
    saveCheckpoint(target, { model: new MLP(2, [1]) });
    expect(readdirSync(dir).sort()).toEqual(['run.json', 'saver.cjs']);
  });
});
