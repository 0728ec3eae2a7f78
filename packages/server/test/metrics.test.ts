/**
 * /metrics (prom-client) and the request log: requests by route and status, bytes in and out,
 * upstream fetches and cache hits of a remote repository, lock waits; admin-only unless
 * metrics.anonymous; one JSON log line per request with route, status, principal and duration.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer, type RunningServer } from '../src/server.ts';

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('metrics and request logs', () => {
  let work: string;
  let upstream: RunningServer;
  let server: RunningServer;
  const logs: Record<string, unknown>[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stowage-metrics-'));
    upstream = await startServer({
      dataDir: join(work, 'up'),
      port: 0,
      config: {
        auth: { anonymousRead: true },
        metrics: { anonymous: true },
        repositories: [{ key: 'files', rclass: 'local', packageType: 'generic' }],
        stages: [{ name: 'staged', repo: 'files' }],
      },
    });
    const put = await fetch(`${upstream.url}/files/a.txt`, {
      method: 'PUT',
      body: 'x'.repeat(10_000),
      headers: { authorization: `Bearer ${upstream.adminToken}` },
    });
    assert.equal(put.status, 201);
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    server = await startServer({
      dataDir: join(work, 'main'),
      port: 0,
      logger: { level: 'info', stream: sink },
      config: {
        repositories: [
          { key: 'local', rclass: 'local', packageType: 'generic' },
          { key: 'rem', rclass: 'remote', packageType: 'generic', url: `${upstream.url}/files/` },
          { key: 'npm-local', rclass: 'local', packageType: 'npm' },
        ],
        stages: [{ name: 'staged', repo: 'local' }],
      },
    });
  });

  after(async () => {
    await server?.close();
    await upstream?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('counts requests, bytes, upstream fetches, cache hits and lock waits; admin only by default', async () => {
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const put = await fetch(`${server.url}/local/b.bin`, {
      method: 'PUT',
      body: Buffer.alloc(50_000, 1),
      headers: auth,
    });
    assert.equal(put.status, 201);
    // The first download streams while it is cached; downloads until one is served from the
    // cache (the cache write completes after the first response).
    let served = 0;
    for (let i = 0; i < 100; i++) {
      const got = await fetch(`${server.url}/rem/a.txt`, { headers: auth });
      assert.equal(got.status, 200);
      assert.equal((await got.text()).length, 10_000);
      served++;
      if (got.headers.get('x-stowage-cache') !== 'miss' && i > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const missing = await fetch(`${server.url}/local/nope.bin`, { headers: auth });
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();

    const refused = await fetch(`${server.url}/metrics`);
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
    const res = await fetch(`${server.url}/metrics`, { headers: auth });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.equal(
      sample(text, 'stowage_http_requests_total{method="GET",route="/*",status="200"}'),
      served,
    );
    assert.equal(
      sample(text, 'stowage_http_requests_total{method="GET",route="/*",status="404"}'),
      1,
    );
    assert.equal(
      sample(text, 'stowage_http_requests_total{method="PUT",route="/*",status="201"}'),
      1,
    );
    assert.ok((sample(text, 'stowage_http_received_bytes_total{route="/*"}') ?? 0) >= 50_000);
    assert.ok((sample(text, 'stowage_http_sent_bytes_total{route="/*"}') ?? 0) >= 20_000);
    // Two downloads, one upstream fetch: the second is served from the cache.
    assert.ok(
      (sample(text, 'stowage_remote_cache_lookups_total{repo="rem",result="miss"}') ?? 0) >= 1,
    );
    assert.ok(
      (sample(text, 'stowage_remote_cache_lookups_total{repo="rem",result="hit"}') ?? 0) >= 1,
    );
    assert.equal(sample(text, 'stowage_upstream_fetches_total{repo="rem",outcome="fetched"}'), 1);
    assert.ok(
      (sample(text, 'stowage_lock_wait_seconds_count') ?? 0) >= 2,
      'deploy and cache took locks',
    );
    assert.ok(sample(text, 'stowage_process_resident_memory_bytes') !== undefined);

    // metrics.anonymous: Prometheus scrapes without a token.
    const open = await fetch(`${upstream.url}/metrics`);
    assert.equal(open.status, 200);
    assert.ok(
      (sample(
        await open.text(),
        'stowage_http_requests_total{method="GET",route="/*",status="200"}',
      ) ?? 0) >= 1,
    );
  });

  test('one JSON log line per request with route, status, principal and duration', async () => {
    const res = await fetch(`${server.url}/api/system/ping`);
    await res.text();
    const line = logs.find((l) => l.url === '/api/system/ping');
    assert.ok(line, JSON.stringify(logs.slice(-3)));
    assert.equal(line.msg, 'request completed');
    assert.equal(line.route, '/api/system/ping');
    assert.equal(line.status, 200);
    assert.equal(line.principal, 'anonymous');
    assert.equal(typeof line.durationMs, 'number');
    assert.equal(typeof line.reqId, 'string');
    const put = logs.find((l) => l.method === 'PUT' && l.url === '/local/b.bin');
    assert.equal(put?.principal, 'admin');
    assert.equal(put?.status, 201);
  });

  test("a download is answered once and logs no error: small, large, ranged, HEAD, and a format's", async () => {
    // Every format serves a stored file through serveFile; its answer was once taken for a miss
    // after the file had been sent (a reply is a thenable), and each download logged an error.
    const auth = { authorization: `Bearer ${server.adminToken}` };
    for (const [path, size] of [
      ['small.bin', 1_000],
      ['large.bin', 3 * 1024 * 1024],
    ] as const) {
      const put = await fetch(`${server.url}/local/${path}`, {
        method: 'PUT',
        body: Buffer.alloc(size, 7),
        headers: auth,
      });
      assert.equal(put.status, 201);
    }
    const data = Buffer.from('a tarball');
    const publish = await fetch(`${server.url}/api/npm/npm-local/quiet`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'quiet',
        'dist-tags': { latest: '1.0.0' },
        versions: { '1.0.0': { name: 'quiet', version: '1.0.0', dist: {} } },
        _attachments: {
          'quiet-1.0.0.tgz': { data: data.toString('base64'), length: data.length },
        },
      }),
    });
    assert.equal(publish.status, 201, await publish.text());
    const before = logs.length;
    const gets: [string, Record<string, string>, number, number][] = [
      ['/local/small.bin', {}, 200, 1_000],
      ['/local/large.bin', {}, 200, 3 * 1024 * 1024],
      ['/local/large.bin', { range: 'bytes=10-19' }, 206, 10],
      ['/api/npm/npm-local/quiet/-/quiet-1.0.0.tgz', {}, 200, data.length],
    ];
    for (const [url, headers, status, length] of gets) {
      const res = await fetch(`${server.url}${url}`, { headers: { ...auth, ...headers } });
      assert.equal(res.status, status, url);
      assert.equal((await res.arrayBuffer()).byteLength, length, url);
    }
    const head = await fetch(`${server.url}/local/large.bin`, { method: 'HEAD', headers: auth });
    assert.equal(head.status, 200);
    // The last answer's line is written as it completes: give the log a moment.
    await new Promise((r) => setTimeout(r, 100));
    const lines = logs.slice(before);
    assert.deepEqual(
      lines.filter((l) => Number(l.level) >= 40),
      [],
      'no warning or error for a download',
    );
    // Matched by request, not by position: a line can land just after the one before it.
    const completed = lines
      .filter((l) => l.msg === 'request completed' && l.method !== 'PUT')
      .map((l) => `${String(l.method)} ${String(l.status)} ${String(l.url)}`)
      .sort();
    assert.deepEqual(
      completed,
      [
        ...gets.map(([url, , status]) => `GET ${status} ${url}`),
        'HEAD 200 /local/large.bin',
      ].sort(),
    );
  });
});
