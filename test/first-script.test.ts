import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimedOutput, readmeBlock, ROOT } from './readme.js';

// "Your first script": the README's script, saved where a user would save it,
// runs with plain `tsx my.ts` — no flag, no build — against the packages' sources.
// (The README snippets test covers a folder inside examples/.)
const code = readmeBlock('## Your first script', 'ts');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const made: string[] = [];
afterAll(() => { for (const path of made) rmSync(path, { recursive: true, force: true }); });

const places: [string, () => string][] = [
  ['at the root of the clone', () => join(ROOT, `.first-script-${process.pid}.ts`)],
  ['in a new folder', () => join(mkdtempSync(join(ROOT, '.first-script-')), 'my.ts')],
];

describe('your first script', () => {
  it('claims some output', () => {
    expect(claimedOutput(code)).toEqual(['15 8', '1']);
  });

  it.each(places)('runs with tsx %s, on the sources', (_, where) => {
    const file = where();
    made.push(dirname(file) === ROOT ? file : dirname(file));
    writeFileSync(file, code);
    // Resolved from there, the packages are their TypeScript sources: nothing built, nothing stale.
    const require = createRequire(file);
    expect(require.resolve('@ugrad/engine')).toBe(join(ROOT, 'packages', 'engine', 'src', 'index.ts'));
    expect(require.resolve('@ugrad/nn')).toBe(join(ROOT, 'packages', 'nn', 'src', 'index.ts'));
    const stdout = execFileSync(tsx, [file], { cwd: dirname(file), encoding: 'utf8', timeout: 60_000 });
    expect(stdout.trim().split('\n')).toEqual(claimedOutput(code));
  });
});
