import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import {
  AUTH,
  deploy,
  downloadForBuild,
  errorCode,
  makeApp,
  sums,
  type TestApp,
} from './helpers.ts';

/** A real upstream on 127.0.0.1 whose behaviour each test sets: ok, slow, 500, hang, truncate. */
let mode: 'ok' | 'slow' | 'fail' | 'hang' | 'truncate' = 'ok';
const hits = new Map<string, number>();
let upstream: Server;
let upstreamUrl = '';
let t: TestApp;

const content = (name: string): string => `content of ${name}\n`.repeat(100);

before(async () => {
  upstream = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    hits.set(name, (hits.get(name) ?? 0) + 1);
    if (name.startsWith('missing')) return void res.writeHead(404).end();
    if (mode === 'fail') return void res.writeHead(500).end('boom');
    if (mode === 'hang') return; // never answers
    const body = content(name);
    if (mode === 'truncate') {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.slice(0, 100));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    const send = (): void =>
      void res
        .writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) })
        .end(body);
    if (mode === 'slow') setTimeout(send, 150);
    else send();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const addr = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  t = await makeApp(
    {
      repositories: [
        { key: 'generic-staging' },
        { key: 'files-local', rclass: 'local' },
        { key: 'files-remote', rclass: 'remote', url: upstreamUrl, excludesPattern: 'secret/**' },
        {
          key: 'files',
          rclass: 'virtual',
          repositories: ['files-local', 'files-remote'],
          defaultDeploymentRepo: 'files-local',
        },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    { upstream: { retries: 1, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 500 } },
  );
});
after(async () => {
  await t.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

test('a remote caches on first fetch and serves from disk after that', async () => {
  mode = 'ok';
  const first = await t.app.inject({ url: '/files-remote/a.txt', headers: AUTH });
  assert.equal(first.statusCode, 200);
  assert.equal(first.body, content('a.txt'));
  assert.equal(first.headers['x-stowage-cache'], 'miss');
  const second = await t.app.inject({ url: '/files-remote/a.txt', headers: AUTH });
  assert.equal(second.body, content('a.txt'));
  assert.ok(second.headers['x-checksum-sha256'], 'served from the cache with checksums');
  assert.equal(hits.get('a.txt'), 1);
  const info = await t.app.inject({ url: '/api/storage/files-remote/a.txt', headers: AUTH });
  assert.equal(info.statusCode, 200);
});

test('concurrent requests for one file make one upstream fetch', async () => {
  mode = 'slow';
  const all = await Promise.all(
    Array.from({ length: 6 }, () =>
      t.app.inject({ url: '/files-remote/together.txt', headers: AUTH }),
    ),
  );
  for (const r of all) assert.equal(r.body, content('together.txt'));
  assert.equal(hits.get('together.txt'), 1);
});

test('with the upstream down, cached files are still served and missing ones fail clearly', async () => {
  mode = 'ok';
  await t.app.inject({ url: '/files-remote/kept.txt', headers: AUTH });
  mode = 'fail';
  const kept = await t.app.inject({ url: '/files-remote/kept.txt', headers: AUTH });
  assert.equal(kept.statusCode, 200);
  assert.equal(kept.body, content('kept.txt'));
  const missing = await t.app.inject({ url: '/files-remote/never-cached.txt', headers: AUTH });
  assert.equal(missing.statusCode, 502);
  assert.equal(errorCode(missing), 'ERR_UPSTREAM_UNAVAILABLE');
  mode = 'hang';
  const hung = await t.app.inject({ url: '/files-remote/hung.txt', headers: AUTH });
  assert.equal(hung.statusCode, 502, 'an upstream that hangs times out');
  mode = 'ok';
});

test('a truncated upstream body is never cached', async () => {
  mode = 'truncate';
  // The client sees the response break off (or an error status), never a complete-looking file.
  const cut = await t.app.inject({ url: '/files-remote/cut.txt', headers: AUTH }).then(
    (r) => ({ ok: r.statusCode === 200 && r.body === content('cut.txt'), broke: false }),
    () => ({ ok: false, broke: true }),
  );
  assert.equal(cut.ok, false);
  // The failed fetch settles just after the client saw the break; let it finish.
  await new Promise((r) => setTimeout(r, 100));
  mode = 'ok';
  const again = await t.app.inject({ url: '/files-remote/cut.txt', headers: AUTH });
  assert.equal(again.statusCode, 200);
  assert.equal(again.body, content('cut.txt'));
  assert.equal(
    (await t.app.inject({ url: '/files-remote/cut.txt', headers: AUTH })).body,
    content('cut.txt'),
  );
});

test('a virtual repository resolves its members in order and deploys to its default local', async () => {
  mode = 'ok';
  const put = await deploy(t.app, '/files/shadow.txt', 'local wins');
  assert.equal(put.statusCode, 201);
  assert.equal((put.json() as { repo: string }).repo, 'files-local');
  const local = await t.app.inject({ url: '/files/shadow.txt', headers: AUTH });
  assert.equal(local.body, 'local wins');
  assert.equal(hits.get('shadow.txt'), undefined, 'the remote was not asked');
  const remote = await t.app.inject({ url: '/files/from-remote.txt', headers: AUTH });
  assert.equal(remote.body, content('from-remote.txt'));
  const none = await t.app.inject({ url: '/files/missing-everywhere.txt', headers: AUTH });
  assert.equal(none.statusCode, 404);
  const excluded = await t.app.inject({ url: '/files/secret/key.txt', headers: AUTH });
  assert.equal(excluded.statusCode, 404, 'excludesPattern keeps the remote from being asked');
  assert.equal(hits.get('secret/key.txt'), undefined);
});

test('remote and virtual definitions are validated', async () => {
  const json = { ...AUTH, 'content-type': 'application/json' };
  const noUrl = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/r1',
    headers: json,
    payload: JSON.stringify({ rclass: 'remote' }),
  });
  assert.equal(noUrl.statusCode, 400);
  assert.match(noUrl.body, /url/);
  const self = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/v1',
    headers: json,
    payload: JSON.stringify({ rclass: 'virtual', repositories: ['v1'] }),
  });
  assert.equal(self.statusCode, 400);
  const deployRemote = await deploy(t.app, '/files-remote/x.txt', 'x');
  assert.equal(deployRemote.statusCode, 400);
  assert.equal(errorCode(deployRemote), 'ERR_REPO_NOT_DEPLOYABLE');
});

test('a cache-miss download through a remote is recorded for the build (headers and build token)', async () => {
  mode = 'ok';
  for (const [via, file] of [
    ['headers', 'deps/first-miss.txt'],
    ['token', 'deps/token-miss.txt'],
  ] as const) {
    const { res, downloads } = await downloadForBuild(
      t.app,
      `/files/${file}`,
      { name: 'cold', number: via },
      via,
    );
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-stowage-cache'], 'miss', 'streamed from the upstream');
    assert.deepEqual(downloads, [
      { ...downloads[0], repo: 'files', path: file, sha256: sums(content(file)).sha256 },
    ]);
  }
});

test('during an upstream cool-down a virtual answers from cache or 503 naming the cool-down, never 404', async () => {
  const cool = await makeApp(
    {
      repositories: [
        { key: 'generic-staging' },
        { key: 'cool-local', rclass: 'local' },
        { key: 'cool-remote', rclass: 'remote', url: upstreamUrl, metadataMaxAgeSec: 0 },
        { key: 'cool', rclass: 'virtual', repositories: ['cool-local', 'cool-remote'] },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    // A cool-down far longer than the test: the origin stays skipped throughout.
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 600_000, timeoutMs: 500 } },
  );
  try {
    mode = 'ok';
    const cached = await cool.app.inject({ url: '/cool/warm.txt', headers: AUTH });
    assert.equal(cached.statusCode, 200);
    mode = 'fail';
    const failing = await cool.app.inject({ url: '/cool/first-failure.txt', headers: AUTH });
    assert.equal(failing.statusCode, 502, 'the failure that starts the cool-down');
    assert.equal(errorCode(failing), 'ERR_UPSTREAM_UNAVAILABLE');
    mode = 'ok'; // the upstream is back, but its cool-down has not ended
    const during = await cool.app.inject({ url: '/cool/exists-upstream.txt', headers: AUTH });
    assert.equal(during.statusCode, 503, during.body);
    assert.equal(errorCode(during), 'ERR_UPSTREAM_COOLDOWN');
    assert.match(during.body, /cool-down for \d+ s more/);
    assert.ok(Number(during.headers['retry-after']) > 0, 'Retry-After says when to come back');
    const direct = await cool.app.inject({
      url: '/cool-remote/exists-upstream.txt',
      headers: AUTH,
    });
    assert.equal(direct.statusCode, 503);
    const fromCache = await cool.app.inject({ url: '/cool/warm.txt', headers: AUTH });
    assert.equal(fromCache.statusCode, 200, 'cached content is still served');
    assert.equal(fromCache.body, content('warm.txt'));
  } finally {
    await cool.close();
  }
});
