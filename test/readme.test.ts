import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Every TypeScript block in the README must run as written, and a comment after
// `console.log(…)` that starts with a number or a boolean, or is one word, or is a
// whole line of output like an error message, must match the start of a line it printed.
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Inside the examples package, so `@ugrad/*` resolve like they do for users.
const dir = join(root, 'examples', '.readme-snippets');

function expectations(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/console\.log\(.*\);\s*\/\/ (.+)$/gm)) {
    const comment = m[1]!.trim();
    const first = comment.split(/[\s,:]/)[0]!;
    out.push(/^(-?\d|true$|false$)/.test(first) ? first : comment);
  }
  return out;
}

describe('README snippets', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has snippets to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l && !l.startsWith('import')) ?? '';
    it(`snippet ${i + 1} runs: ${title.slice(0, 50)}`, () => {
      const file = join(dir, `snippet-${i + 1}.ts`);
      writeFileSync(file, code);
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', file], {
        cwd: join(root, 'examples'),
        encoding: 'utf8',
        timeout: 60_000,
      });
      const lines = stdout.split('\n').map((l) => l.trim());
      for (const want of expectations(code)) {
        if (/^(-?\d|true$|false$)/.test(want) || want.includes(': ') || !want.includes(' ')) {
          expect(lines.some((l) => l.startsWith(want)), `snippet ${i + 1} printed a line starting with ${want}:\n${stdout}`).toBe(true);
        }
      }
    });
  });
});
