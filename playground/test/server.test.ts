import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../build.js';

// The playground's server against hostile requests, sent as raw bytes (fetch would
// normalise the very paths an attacker writes): it answers every one, with a fitting
// status, never with a file from outside its folder, and keeps serving.

const SECRET = 'the-secret-outside-the-served-folder';
let base: string;
let server: Server;
let port: number;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ugrad-serve-'));
  const site = path.join(base, 'site');
  await mkdir(path.join(site, 'sub'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<p>home</p>');
  await writeFile(path.join(site, 'app.js'), 'console.log(1)');
  await writeFile(path.join(base, 'secret.txt'), SECRET);
  await symlink(path.join(base, 'secret.txt'), path.join(site, 'link-out'));
  await symlink(path.join(site, 'app.js'), path.join(site, 'link-in.js'));
  const served = await serve(site);
  server = served.server;
  port = Number(new URL(served.url).port);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(base, { recursive: true, force: true });
});

/** Sends `raw` bytes (keeping the socket open for the answer) and returns the status code and the whole reply. */
function request(raw: string | Buffer): Promise<{ status: number; reply: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const reply = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0), reply });
    });
    socket.write(raw);
    // The server closes after answering (Connection: close, or an error); this is a backstop.
    setTimeout(() => socket.end(), 2000);
  });
}

const get = (target: string, method = 'GET'): Promise<{ status: number; reply: string }> =>
  request(`${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);

describe('the playground server', () => {
  it('serves the folder\'s files, HEAD without a body', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.reply).toContain('<p>home</p>');
    expect(home.reply).toMatch(/content-type: text\/html; charset=utf-8/i);
    const head = await get('/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.reply).not.toContain('console.log');
    expect((await get('/link-in.js')).status).toBe(200);
  });

  const hostile: [string, string, number][] = [
    ['dot-dot', '/../secret.txt', 403],
    ['dot-dot deeper', '/sub/../../secret.txt', 403],
    ['encoded dot-dot', '/%2e%2e/secret.txt', 403],
    ['encoded slash', '/..%2fsecret.txt', 403],
    ['double-encoded', '/%252e%252e/secret.txt', 404],
    // The URL parser folds the dots of an absolute-form target itself: what is left is inside.
    ['absolute form', 'http://evil.example/../secret.txt', 404],
    ['absolute form, encoded', 'http://evil.example/..%2fsecret.txt', 403],
    ['protocol-relative', '//secret.txt', 404],
    ['query and fragment', '/index.html?../../secret.txt#x', 200],
    ['symbolic link out', '/link-out', 403],
    ['backslashes', '/..\\..\\secret.txt', 404],
    ['bad percent-encoding', '/%E0%A4%A', 400],
    ['lone percent', '/%', 400],
    ['NUL byte', '/index.html%00.js', 400],
    ['a folder', '/sub', 404],
    ['a folder without index', '/sub/', 404],
    ['missing', '/nope.js', 404],
    ['asterisk', '*', 400],
    ['no slash', 'index.html', 400],
    ['very long path', `/${'a'.repeat(5000)}`, 404],
  ];
  for (const [what, target, status] of hostile) {
    it(`answers ${status} to ${what} and gives nothing from outside`, async () => {
      const { status: got, reply } = await get(target);
      expect(got).toBe(status);
      expect(reply).not.toContain(SECRET);
    });
  }

  it('answers 405 to other methods, naming the allowed ones', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT']) {
      const { status, reply } = await get(method === 'CONNECT' ? 'localhost:80' : '/index.html', method);
      expect(status, method).toBe(405);
      expect(reply).toMatch(/allow: GET, HEAD/i);
    }
  });

  it('answers 400 or 431 to requests Node cannot parse, and survives clients that vanish', async () => {
    expect((await request('GARBAGE\r\n\r\n')).status).toBe(400);
    expect((await request('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')).status).toBe(400);
    expect((await request(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`)).status).toBe(431);
    expect((await request(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00]))).status).toBe(400); // a TLS hello
    // Half a request, then gone; a request cut off mid-body.
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GET /app.js HTTP/1.1\r\nHost:');
        socket.destroy();
        resolve();
      });
    });
    await request('POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nshort');
    expect([200, 400]).toContain((await request('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n')).status);
  });

  it('still serves after all of that', async () => {
    const { status, reply } = await get('/index.html');
    expect(status).toBe(200);
    expect(reply).toContain('<p>home</p>');
    expect(server.listening).toBe(true);
  });
});
