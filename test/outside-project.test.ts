import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimedOutput, readmeBlock, ROOT } from './readme.js';

// "In a project of your own": pack both packages as the README says, install the
// tarballs with npm into a project outside the clone, and run the README's script
// with plain node — the published build (dist/), not the sources.
//
// Offline on purpose: @ugrad/nn's own dependencies (seedrandom) are
// packed from the copies pnpm installed, and npm installs with --offline and an
// empty cache, so the test needs no registry and proves the tarballs are complete.
const code = readmeBlock('### In a project of your own', 'js');
const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
let dir: string;
let project: string;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ugrad-outside-'));
  // As in the README, with a temporary destination (prepack builds each package first).
  run('npx', ['-y', 'pnpm@12.4.2', '-r', '--filter', './packages/*', 'pack', '--pack-destination', dir], ROOT);
  const tarballs = [join(dir, 'ugrad-engine-0.1.0.tgz'), join(dir, 'ugrad-nn-0.1.0.tgz')];
  const nn = JSON.parse(readFileSync(join(ROOT, 'packages', 'nn', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(nn.dependencies).filter((d) => !d.startsWith('@ugrad/'))) {
    const installed = realpathSync(join(ROOT, 'packages', 'nn', 'node_modules', dep));
    const [packed] = JSON.parse(run('npm', ['pack', installed, '--json', '--ignore-scripts', '--pack-destination', dir], dir)) as { filename: string }[];
    tarballs.push(join(dir, packed!.filename));
  }
  project = join(dir, 'my-project');
  mkdirSync(project);
  run('npm', ['init', '-y'], project);
  run('npm', ['install', '--offline', '--cache', join(dir, 'npm-cache'), '--no-audit', '--no-fund', ...tarballs], project);
}, 240_000);

afterAll(() => { if (dir !== undefined) rmSync(dir, { recursive: true, force: true }); });

describe('a project outside the clone', () => {
  it('gets the packed build: dist/ with types, no workspace links', () => {
    const require = createRequire(join(project, 'my.mjs'));
    expect(require.resolve('@ugrad/engine')).toBe(join(project, 'node_modules', '@ugrad', 'engine', 'dist', 'index.js'));
    expect(require.resolve('@ugrad/nn/node')).toBe(join(project, 'node_modules', '@ugrad', 'nn', 'dist', 'node.js'));
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@ugrad', 'nn', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['dependencies']).toMatchObject({ '@ugrad/engine': '0.1.0' });
    expect(manifest['exports']).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './node': { types: './dist/node.d.ts', default: './dist/node.js' },
    });
  });

  it("runs the README's script with plain node", () => {
    writeFileSync(join(project, 'my.mjs'), code);
    const lines = run(process.execPath, ['my.mjs'], project).trim().split('\n');
    const [accuracy] = claimedOutput(code);
    expect(lines[0]).toBe(accuracy); // '0.98 true'
    expect(lines[1]).toBe('MLP(');   // the model, rebuilt from the checkpoint it saved
    expect(existsSync(join(project, 'xor.json'))).toBe(true);
  });

  it('type-checks as TypeScript against the published .d.ts files, libraries included', () => {
    writeFileSync(join(project, 'my.ts'), code);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, exactOptionalPropertyTypes: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022',
        lib: ['ES2022', 'DOM'], types: [], noEmit: true, skipLibCheck: false,
      },
      files: ['my.ts'],
    }));
    expect(run(tsc, ['-p', '.'], project)).toBe('');
  });
});
