import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Builds the playground into dist/ and, with --serve, serves it on localhost.
//
// The page is classic scripts, not ES modules: Chromium refuses module scripts
// from file://, and the page must work opened straight from disk. Plotly is
// copied next to it rather than bundled (it is 4.8 MB of already-minified code,
// and a separate file keeps rebuilds of our own code fast).

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.join(here, 'dist');

/** Bundles src/main.ts with the engine and nn (from their src/, via the @ugrad/source condition) into dist/. */
export async function build(): Promise<string> {
  await mkdir(DIST, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(here, 'src', 'main.ts')],
    outfile: path.join(DIST, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@ugrad/source'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const plotly = createRequire(import.meta.url).resolve('plotly.js-dist-min');
  await copyFile(plotly, path.join(DIST, 'plotly.min.js'));
  for (const file of ['index.html', 'style.css']) await copyFile(path.join(here, 'src', file), path.join(DIST, file));
  return DIST;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
};

/** Serves `dir` read-only on 127.0.0.1; port 0 picks a free one. Resolves once listening. */
export function serve(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.resolve(root, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    // path.resolve has already folded any '..', so this check keeps requests inside dir.
    if (req.method !== 'GET' || !file.startsWith(root + path.sep)) {
      res.writeHead(req.method === 'GET' ? 403 : 405).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

/** PORT if it is a valid port number; otherwise 0 (any free port), saying why when PORT was set. */
function portFromEnv(): number {
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  console.warn(`PORT=${JSON.stringify(raw)} is not a port number (0-65535); using a free port instead.`);
  return 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await build();
  const page = path.join(dir, 'index.html');
  if (process.argv.includes('--serve')) {
    const { url } = await serve(dir, portFromEnv());
    console.log(`ugrad playground: ${url}\n(or open ${pathToFileURL(page).href}; Ctrl-C stops the server)`);
  } else {
    console.log(`built ${pathToFileURL(page).href}`);
  }
}
