import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, Logger, LogLevel, ReflectionKind, type ProjectReflection } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as engine from '@ugrad/engine';
import * as nn from '@ugrad/nn';
import * as nnNode from '@ugrad/nn/node';
import { ROOT } from './readme.js';

// `pnpm run docs` runs TypeDoc with typedoc.json. This runs the same configuration
// through TypeDoc's API into a temporary folder (about 10 s), keeping the warnings.

/** Keeps every warning and error instead of printing it. */
class Collect extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push(message);
  }
}

let out: string;
let project: ProjectReflection;
const logger = new Collect();

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'ugrad-docs-'));
  const app = await Application.bootstrapWithPlugins({ options: join(ROOT, 'typedoc.json'), out });
  app.logger = logger;
  const converted = await app.convert();
  if (converted === undefined) throw new Error(`TypeDoc could not convert the packages:\n${logger.messages.join('\n')}`);
  project = converted;
  app.validate(project);
  await app.generateOutputs(project);
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The names a module of the reference documents. */
function documented(...path: string[]): string[] {
  const module = project.getChildByName(path);
  expect(module?.kindOf(ReflectionKind.SomeModule), path.join('.')).toBe(true);
  return (module as unknown as { children?: { name: string }[] }).children?.map((c) => c.name) ?? [];
}

describe('the API reference', () => {
  it('documents every runtime export of @ugrad/engine, @ugrad/nn and @ugrad/nn/node, and nothing internal', () => {
    expect(documented('@ugrad/engine')).toEqual(expect.arrayContaining(Object.keys(engine)));
    expect(documented('@ugrad/nn', 'index')).toEqual(expect.arrayContaining(Object.keys(nn)));
    expect(documented('@ugrad/nn', 'node')).toEqual(expect.arrayContaining(Object.keys(nnNode)));
    // @ugrad/engine/internal is not public API.
    expect(documented('@ugrad/engine')).not.toContain('parseOptions');
  });

  it('writes HTML pages with the JSDoc', () => {
    const value = join(out, 'classes', '_ugrad_engine.Value.html');
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(value)).toBe(true);
    // A JSDoc example, rendered: the reference is made from the comments.
    expect(readFileSync(join(out, 'functions', '_ugrad_nn.index.fit.html'), 'utf8')).toContain('micrograd');
  });

  // `pnpm run docs` fails (treatValidationWarningsAsErrors) when an export lacks a doc
  // comment or a link does not resolve: this test fails first.
  it('finds every export documented, every link resolved', () => {
    expect(logger.messages).toEqual([]);
  });
});
