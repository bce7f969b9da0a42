import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs a "Copy as code" script for real: written next to the built page, run with the
// project's tooling (tsx with the @ugrad/source condition) from the playground package.

const playground = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS = path.join(playground, 'dist', 'code-test');

/** Writes `code` as SCRIPTS/`name`.ts, runs it, and returns what it printed. */
export function runScript(name: string, code: string): string {
  mkdirSync(SCRIPTS, { recursive: true });
  const file = path.join(SCRIPTS, `${name}.ts`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, ['--conditions=@ugrad/source', '--import', 'tsx', file], { cwd: playground, encoding: 'utf8' }).trim();
}

/** Type-checks every script in SCRIPTS with the project's compiler settings. */
export function typecheckScripts(): void {
  writeFileSync(path.join(SCRIPTS, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }));
  execFileSync(process.execPath, [path.join(playground, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(SCRIPTS, 'tsconfig.json')], { encoding: 'utf8' });
}
