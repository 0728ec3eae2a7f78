/**
 * Hung, trickling and abandoned upstream transfers: a remote answers within its first-byte
 * timeout (a 502, or the stale cached copy when it has one), cuts off an upstream that sends
 * below the minimum rate, and stops a transfer whose only client went away.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Upstream, startStowage, type Stowage } from './remote-helpers.ts';

let up: Upstream;
let s: Stowage;
/** Responses the upstream never finishes, closed at the end. */
const hanging: ServerResponse[] = [];

before(async () => {
  up = await new Upstream().start();
  const quick = { firstByteTimeoutMs: 400, idleTimeoutMs: 600, retries: 1 };
  s = await startStowage([
    { key: 'files', rclass: 'remote', packageType: 'generic', url: up.url, ...quick },
    {
      key: 'npm-remote',
      rclass: 'remote',
      packageType: 'npm',
      url: up.url,
      metadataMaxAgeSec: 0,
      ...quick,
      minBytesPerSec: 200,
    },
  ]);
});
after(async () => {
  for (const r of hanging) r.destroy();
  await s.close();
  await up.stop();
});

const hang = (_req: unknown, res: ServerResponse): void => void hanging.push(res);

test('a hung upstream is a 502 after the first-byte timeout, not after every retry', async () => {
  up.on('/hung.bin', hang);
  const res = await s.get('/files/hung.bin');
  const { code, message } = await s.code(res);
  assert.equal(res.status, 502);
  assert.equal(code, 'ERR_UPSTREAM_UNAVAILABLE');
  assert.match(message, /did not answer within 400 ms/);
  assert.equal((await s.get('/api/storage/files/hung.bin')).status, 404);
});

test('with a cached copy, a hung upstream gets the stale copy instead of a wait', async () => {
  const doc = {
    name: 'steady',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: 'steady', version: '1.0.0', dist: {} } },
  };
  up.json('/steady', doc);
  const first = await s.get('/api/npm/npm-remote/steady');
  assert.equal(first.status, 200);
  await first.text();
  up.on('/steady', hang);
  const second = await s.get('/api/npm/npm-remote/steady');
  assert.equal(second.status, 200);
  assert.equal(second.headers.get('x-stowage-cache'), 'stale');
  assert.equal(((await second.json()) as { name: string }).name, 'steady');
});

test('a trickling upstream is cut off by the minimum rate and nothing is cached', async () => {
  let closed: Promise<unknown> | undefined;
  up.on('/trickle', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"name":"trickle",');
    // One byte every 100 ms: never idle for 600 ms, far below 200 bytes/s.
    const t = setInterval(() => res.write(' '), 100);
    closed = once(res, 'close').then(() => clearInterval(t));
  });
  const res = await s.get('/api/npm/npm-remote/trickle');
  const { code, message } = await s.code(res);
  assert.equal(res.status, 502, message);
  assert.equal(code, 'ERR_UPSTREAM_TOO_SLOW');
  assert.match(message, /minimum of 200 bytes per second/);
  await closed; // the upstream connection was closed by Stowage
  assert.equal((await s.get('/api/storage/npm-remote/.npm/trickle/package.json')).status, 404);
});

test(
  'a client that goes away stops the upstream transfer; nothing is cached',
  { timeout: 30_000 },
  async () => {
    let closed: Promise<unknown> | undefined;
    let sent = 0;
    up.on('/endless.bin', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * 1024, 7);
      const t = setInterval(() => {
        sent += chunk.length;
        res.write(chunk);
      }, 20);
      closed = once(res, 'close').then(() => clearInterval(t));
    });
    const ctl = new AbortController();
    const res = await fetch(`${s.url}/files/endless.bin`, { headers: s.auth, signal: ctl.signal });
    assert.equal(res.status, 200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const firstChunk = await reader.read();
    assert.ok((firstChunk.value?.length ?? 0) > 0, 'the client got the start of the file');
    ctl.abort();
    await closed; // the upstream saw Stowage hang up: the transfer stopped
    assert.ok(sent > 0);
    assert.equal((await s.get('/api/storage/files/endless.bin')).status, 404);
  },
);
