import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs a "Copy as code" script for real: written next to the built page, run with the
// project's tooling (tsx) from the playground package.

const playground = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS = path.join(playground, 'dist', 'code-test');

/** Writes `code` as SCRIPTS/`name`.ts, runs it, and returns what it printed. */
export function runScript(name: string, code: string): string {
  mkdirSync(SCRIPTS, { recursive: true });
  const file = path.join(SCRIPTS, `${name}.ts`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: playground, encoding: 'utf8' }).trim();
}

/** Type-checks the scripts written as SCRIPTS/`name`.ts with the project's compiler settings; throws with tsc's report. */
export function typecheckScripts(names: readonly string[]): void {
  const config = path.join(SCRIPTS, 'tsconfig.typecheck.json');
  writeFileSync(config, JSON.stringify({ extends: '../../../tsconfig.base.json', compilerOptions: { noEmit: true }, files: names.map((n) => `${n}.ts`) }));
  try {
    execFileSync(process.execPath, [path.join(playground, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`tsc found errors in the scripts:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
}
