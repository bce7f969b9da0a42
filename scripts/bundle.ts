// Writes dist/ugrad.js: one ES module for web pages, holding the browser-safe API
// of both packages — everything but `@ugrad/nn/node`, which reads and writes files.
// `pnpm build` runs it after building the packages; the tests call bundle() directly.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as engine from '@ugrad/engine';
import * as nn from '@ugrad/nn';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where `pnpm build` writes the bundle. */
export const BUNDLE = join(root, 'dist', 'ugrad.js');

/** The names the bundle exports: those of `@ugrad/engine` and `@ugrad/nn`, sorted. */
export function bundleExports(): string[] {
  // `export *` of two modules silently drops a name both export: refuse instead.
  const both = Object.keys(engine).filter((name) => name in nn);
  if (both.length > 0) throw new Error(`bundle: @ugrad/engine and @ugrad/nn both export ${both.join(', ')}`);
  return [...Object.keys(engine), ...Object.keys(nn)].sort();
}

/** MIT asks for the notices in every copy: ugrad's, and that of seedrandom, which the bundle includes. */
function licenseBanner(): string {
  const ugrad = readFileSync(join(root, 'LICENSE'), 'utf8').trim();
  const seedrandom = createRequire(join(root, 'packages', 'nn', 'package.json')).resolve('seedrandom/seedrandom.js');
  const notice = /^\/\*([\s\S]*?)\*\//.exec(readFileSync(seedrandom, 'utf8'))?.[1]?.trim();
  if (notice?.includes('Permission is hereby granted') !== true) throw new Error(`bundle: no license notice at the top of ${seedrandom}`);
  return `/*! ugrad: @ugrad/engine and @ugrad/nn in one module.\n\n${ugrad}\n\nIt includes seedrandom:\n\n${notice}\n*/`;
}

/** Bundles both packages (from their sources) into `outfile`; returns its size in bytes. */
export async function bundle(outfile = BUNDLE): Promise<{ path: string; bytes: number }> {
  const expected = bundleExports();
  const result = await esbuild.build({
    stdin: { contents: "export * from '@ugrad/engine';\nexport * from '@ugrad/nn';\n", resolveDir: root, sourcefile: 'ugrad.js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser', // refuses node: imports, and takes seedrandom's browser field (no crypto)
    target: 'es2022',
    minify: true,
    keepNames: true, // error messages and String(model) print class names
    sourcemap: 'linked',
    metafile: true,
    banner: { js: licenseBanner() },
    logLevel: 'warning',
  });
  const output = result.metafile.outputs[relative(process.cwd(), outfile).split('\\').join('/')];
  if (output === undefined) throw new Error(`bundle: esbuild did not report ${outfile}`);
  const got = [...output.exports].sort();
  if (got.join() !== expected.join()) {
    throw new Error(`bundle: ${outfile} exports ${got.length} names, expected the packages' ${expected.length}`);
  }
  return { path: outfile, bytes: output.bytes };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { path, bytes } = await bundle();
  console.log(`bundle: ${relative(process.cwd(), path)} (${(bytes / 1024).toFixed(1)} KiB, ${bundleExports().length} exports)`);
}
