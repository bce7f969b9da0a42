import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/**
 * Bundles the two pages — src/main.ts (the playground, app.js) and src/digits-page.ts
 * (the digits page, digits.js) — with the engine and nn (from their src/, where the
 * workspace's exports point) into `dir` (default dist/).
 */
export async function build(dir: string = DIST): Promise<string> {
  await mkdir(dir, { recursive: true });
  await esbuild.build({
    entryPoints: { app: path.join(here, 'src', 'main.ts'), digits: path.join(here, 'src', 'digits-page.ts') },
    outdir: dir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const plotly = createRequire(import.meta.url).resolve('plotly.js-dist-min');
  await copyFile(plotly, path.join(dir, 'plotly.min.js'));
  for (const file of ['index.html', 'digits.html', 'style.css']) await copyFile(path.join(here, 'src', file), path.join(dir, file));
  return dir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
};

/**
 * Serves `dir` read-only on 127.0.0.1; port 0 picks a free one. Resolves once listening.
 * Every request gets an answer and none reaches outside `dir`: 400 for what cannot be a
 * path (bad percent-encoding, a NUL byte, an unparsable request), 403 for a path that
 * leads out (`..`, or a symbolic link pointing away), 404 for what is not a file there,
 * 405 for methods other than GET and HEAD. A failure inside a request ends that request.
 */
export async function serve(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = await realpath(path.resolve(dir));
  const server = createServer((req, res) => {
    // A client that goes away mid-request is its own business, never the server's end.
    req.on('error', () => req.destroy());
    res.on('error', () => res.destroy());
    answer(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500);
      else res.destroy();
    });
  });
  // CONNECT (a proxy tunnel) is no request for a file.
  server.on('connect', (_req, socket) => socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
  // What Node's parser refuses (a malformed request line, oversized headers) closes with a status, not silence.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
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

async function answer(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { allow: 'GET, HEAD' });
  // The path as sent (origin form `/a/b?q`, or absolute form `http://host/a/b`), then percent-decoded;
  // anything else (`*`, bad encoding) is no path at all.
  const target = req.url ?? '';
  let pathname: string;
  try {
    const raw = target.startsWith('/') ? target.split(/[?#]/, 1)[0]! : /^https?:\/\//i.test(target) ? new URL(target).pathname : null;
    if (raw === null) return send(res, 400);
    pathname = decodeURIComponent(raw);
  } catch {
    return send(res, 400);
  }
  if (pathname.includes('\0')) return send(res, 400);
  // path.resolve folds any '..'; what is left must still be inside the root.
  const file = path.resolve(root, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
  if (!file.startsWith(root + path.sep)) return send(res, 403);
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return send(res, 404);
  }
  // A symbolic link inside may point outside.
  if (!real.startsWith(root + path.sep)) return send(res, 403);
  if (!(await stat(real)).isFile()) return send(res, 404);
  const body = await readFile(real);
  res.writeHead(200, { 'content-type': TYPES[path.extname(real)] ?? 'application/octet-stream', 'content-length': body.length, 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const REASONS: Record<number, string> = { 400: 'bad request', 403: 'forbidden', 404: 'not found', 405: 'method not allowed', 500: 'internal error' };

function send(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  const body = `${REASONS[status] ?? ''}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
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
