/**
 * The Go format through app.inject(): the GOPROXY protocol on local, remote and virtual
 * repositories, case-encoded module paths, publishing rules, and bad input. The remote's
 * upstream is a second Stowage listening on 127.0.0.1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import yazl from 'yazl';
import { AUTH, downloadForBuild, errorCode, makeApp, sums, type TestApp } from './helpers.ts';

async function moduleZip(
  module: string,
  version: string,
  files: Record<string, string>,
  prefix = `${module}@${version}/`,
): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) {
    z.addBuffer(Buffer.from(text), `${prefix}${name}`, { mtime: new Date(0) });
  }
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const gomod = (module: string): string => `module ${module}\n\ngo 1.19\n`;
const src = (pkg: string): string => `package ${pkg}\n\nfunc Hello() string { return "hi" }\n`;

async function publish(
  t: TestApp,
  url: string,
  body: Buffer,
): Promise<{ statusCode: number; json: () => unknown; body: string }> {
  return t.app.inject({
    method: 'PUT',
    url,
    payload: body,
    headers: { ...AUTH, 'content-type': 'application/zip' },
  });
}

const STAGES = [{ name: 'staged', repo: 'generic-staging' }];

let up: TestApp;
let t: TestApp;

before(async () => {
  up = await makeApp({
    auth: { anonymousRead: true },
    repositories: [{ key: 'generic-staging' }, { key: 'go-up', packageType: 'go' }],
    stages: STAGES,
  });
  await up.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = up.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  t = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'go-local', packageType: 'go' },
        {
          key: 'go-remote',
          rclass: 'remote',
          packageType: 'go',
          url: `http://127.0.0.1:${port}/api/go/go-up`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'go',
          rclass: 'virtual',
          packageType: 'go',
          repositories: ['go-local', 'go-remote'],
          defaultDeploymentRepo: 'go-local',
        },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 2000 } },
  );
  const m = 'example.com/lib';
  for (const v of ['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1']) {
    const res = await publish(
      t,
      `/api/go/go-local/${m}/@v/${v}.zip`,
      await moduleZip(m, v, { 'go.mod': gomod(m), 'lib.go': src('lib') }),
    );
    assert.equal(res.statusCode, 201, res.body);
  }
  for (const [m2, v] of [
    ['example.com/upstream', 'v0.1.0'],
    ['example.com/upstream', 'v0.2.0'],
    ['example.com/lib', 'v9.9.9+incompatible'],
  ] as const) {
    const res = await publish(
      up,
      `/api/go/go-up/${m2}/@v/${v}.zip`,
      await moduleZip(m2, v, { 'go.mod': gomod(m2), 'x.go': src('x') }),
    );
    assert.equal(res.statusCode, 201, res.body);
  }
});

after(async () => {
  await t.close();
  await up.close();
});

const get = (app: TestApp, url: string, headers: Record<string, string> = {}) =>
  app.app.inject({ url, headers: { ...AUTH, ...headers } });

test('a local repository answers list, .info, .mod, .zip and @latest', async () => {
  const list = await get(t, '/api/go/go-local/example.com/lib/@v/list');
  assert.equal(list.statusCode, 200);
  assert.equal(list.body, 'v1.0.0\nv1.1.0\nv1.2.0-rc.1\n');
  const info = await get(t, '/api/go/go-local/example.com/lib/@v/v1.1.0.info');
  assert.equal(info.headers['content-type'], 'application/json');
  const parsed = info.json() as { Version: string; Time: string };
  assert.equal(parsed.Version, 'v1.1.0');
  assert.ok(!Number.isNaN(Date.parse(parsed.Time)));
  const mod = await get(t, '/api/go/go-local/example.com/lib/@v/v1.1.0.mod');
  assert.equal(mod.body, gomod('example.com/lib'));
  const zip = await get(t, '/api/go/go-local/example.com/lib/@v/v1.1.0.zip');
  assert.equal(zip.headers['content-type'], 'application/zip');
  assert.equal(zip.headers['x-checksum-sha256'], sums(zip.rawPayload).sha256);
  const latest = await get(t, '/api/go/go-local/example.com/lib/@latest');
  assert.equal((latest.json() as { Version: string }).Version, 'v1.1.0', 'a release beats an rc');
  const head = await t.app.inject({
    method: 'HEAD',
    url: '/api/go/go-local/example.com/lib/@v/v1.0.0.zip',
    headers: AUTH,
  });
  assert.equal(head.statusCode, 200);
});

test('missing modules and versions are 404, as the protocol asks', async () => {
  for (const url of [
    '/api/go/go-local/example.com/nothing/@v/list',
    '/api/go/go-local/example.com/nothing/@latest',
    '/api/go/go-local/example.com/lib/@v/v3.0.0.info',
    '/api/go/go-local/example.com/lib/@v/v1.0.0.mod.sha256',
    '/api/go/go-local/example.com/lib/@v/master.info',
    '/api/go/go-local/example.com/lib/@v/v1.0.zip',
    '/api/go/go-local/example.com/lib',
  ]) {
    const res = await get(t, url);
    assert.equal(res.statusCode, 404, url);
  }
});

test('publishing rejects an existing version, bad layouts, a wrong module line and bad versions', async () => {
  const m = 'example.com/lib';
  const ok = (v: string) => moduleZip(m, v, { 'go.mod': gomod(m), 'a.go': src('a') });
  const again = await publish(t, `/api/go/go-local/${m}/@v/v1.0.0.zip`, await ok('v1.0.0'));
  assert.equal(again.statusCode, 409);
  assert.equal(errorCode(again), 'ERR_GO_VERSION_EXISTS');
  const cases: [string, Buffer, string][] = [
    [
      'v1.3.0',
      await moduleZip(m, 'v1.3.0', { 'go.mod': gomod(m) }, 'example.com/other@v1.3.0/'),
      'ERR_GO_MODULE_INVALID',
    ],
    [
      'v1.3.0',
      await moduleZip(m, 'v1.3.0', { 'go.mod': gomod('example.com/else') }),
      'ERR_GO_MODULE_INVALID',
    ],
    [
      'v1.3.0',
      await moduleZip(m, 'v1.3.0', { 'go.mod': gomod(m), 'A.go': 'x', 'a.go': 'y' }),
      'ERR_GO_MODULE_INVALID',
    ],
    ['v1.3.0', Buffer.from('this is not a zip'), 'ERR_GO_MODULE_INVALID'],
    ['v1.3', await ok('v1.3'), 'ERR_PATH_INVALID'],
    ['v2.0.0', await ok('v2.0.0'), 'ERR_PATH_INVALID'],
  ];
  for (const [v, body, code] of cases) {
    const res = await publish(t, `/api/go/go-local/${m}/@v/${v}.zip`, body);
    assert.equal(res.statusCode, 400, `${v}: ${res.body}`);
    assert.equal(errorCode(res), code, res.body);
  }
  const list = await get(t, `/api/go/go-local/${m}/@v/list`);
  assert.equal(list.body, 'v1.0.0\nv1.1.0\nv1.2.0-rc.1\n', 'nothing was stored by the failures');
  const mod = await t.app.inject({
    method: 'PUT',
    url: `/api/go/go-local/${m}/@v/v1.4.0.mod`,
    payload: 'module x',
    headers: AUTH,
  });
  assert.equal(mod.statusCode, 400);
  const anon = await t.app.inject({
    method: 'PUT',
    url: `/api/go/go-local/${m}/@v/v1.4.0.zip`,
    payload: await ok('v1.4.0'),
  });
  assert.equal(anon.statusCode, 401);
});

test('module paths with capitals are case-encoded with "!"', async () => {
  const m = 'example.com/Upper/CamelMod';
  const esc = 'example.com/!upper/!camel!mod';
  const res = await publish(
    t,
    `/api/go/go-local/${esc}/@v/v1.0.0-Beta.zip`.replace('-Beta', '-!beta'),
    await moduleZip(m, 'v1.0.0-Beta', { 'go.mod': gomod(m), 'u.go': src('u') }),
  );
  assert.equal(res.statusCode, 201, res.body);
  const list = await get(t, `/api/go/go-local/${esc}/@v/list`);
  assert.equal(list.body, 'v1.0.0-Beta\n');
  const info = await get(t, `/api/go/go-local/${esc}/@v/v1.0.0-!beta.info`);
  assert.equal((info.json() as { Version: string }).Version, 'v1.0.0-Beta');
  const raw = await get(t, `/api/go/go-local/example.com/Upper/CamelMod/@v/list`);
  assert.equal(raw.statusCode, 400, 'capitals must be encoded');
  const bang = await get(t, `/api/go/go-local/example.com/!/@v/list`);
  assert.equal(bang.statusCode, 400);
});

test('path tricks and malformed requests are refused', async () => {
  for (const url of [
    '/api/go/go-local/example.com/../go-remote/x/@v/list',
    '/api/go/go-local/example.com%2flib/@v/list',
    '/api/go/go-local/example.com/%2e%2e/@v/list',
    '/api/go/go-local/example.com//lib/@v/list',
    '/api/go/go-local/nodot/@v/list',
    '/api/go/go-local/example.com/lib/@v/v1.0.0%00.zip',
    '/api/go/go-local/example.com/lib/@v/v1.0.0;x.zip',
  ]) {
    const res = await get(t, url);
    assert.ok([400, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
    assert.notEqual(res.statusCode, 200);
  }
  const notGo = await makeApp({ repositories: [{ key: 'generic-staging' }], stages: STAGES });
  try {
    const res = await get(notGo, '/api/go/generic-staging/example.com/lib/@v/list');
    assert.equal(res.statusCode, 404);
  } finally {
    await notGo.close();
  }
});

test('a remote proxies another GOPROXY: files cached, list revalidated', async () => {
  const list = await get(t, '/api/go/go-remote/example.com/upstream/@v/list');
  assert.equal(list.statusCode, 200);
  assert.equal(list.body, 'v0.1.0\nv0.2.0\n');
  const zip = await get(t, '/api/go/go-remote/example.com/upstream/@v/v0.2.0.zip');
  const upZip = await get(up, '/api/go/go-up/example.com/upstream/@v/v0.2.0.zip');
  assert.equal(zip.statusCode, 200);
  assert.equal(zip.headers['x-stowage-cache'], 'miss', 'streamed while it is cached');
  assert.equal(sums(zip.rawPayload).sha256, upZip.headers['x-checksum-sha256']);
  const cached = await get(t, '/api/go/go-remote/example.com/upstream/@v/v0.2.0.zip');
  assert.equal(cached.headers['x-checksum-sha256'], upZip.headers['x-checksum-sha256']);
  const latest = await get(t, '/api/go/go-remote/example.com/upstream/@latest');
  assert.equal((latest.json() as { Version: string }).Version, 'v0.2.0');
  const m = 'example.com/upstream';
  const pub = await publish(
    up,
    `/api/go/go-up/${m}/@v/v0.3.0.zip`,
    await moduleZip(m, 'v0.3.0', { 'go.mod': gomod(m), 'x.go': src('x') }),
  );
  assert.equal(pub.statusCode, 201);
  const again = await get(t, '/api/go/go-remote/example.com/upstream/@v/list');
  assert.equal(again.body, 'v0.1.0\nv0.2.0\nv0.3.0\n', 'max-age 0: revalidated');
  const missing = await get(t, '/api/go/go-remote/example.com/absent/@v/v1.0.0.info');
  assert.equal(missing.statusCode, 404);
});

test('a virtual merges version lists and never takes a local module from a remote', async () => {
  const up = await get(t, '/api/go/go/example.com/upstream/@v/list');
  assert.equal(up.body, 'v0.1.0\nv0.2.0\nv0.3.0\n');
  const lib = await get(t, '/api/go/go/example.com/lib/@v/list');
  assert.equal(
    lib.body,
    'v1.0.0\nv1.1.0\nv1.2.0-rc.1\n',
    'the remote v9.9.9+incompatible is hidden',
  );
  const shadow = await get(t, '/api/go/go/example.com/lib/@v/v9.9.9+incompatible.zip');
  assert.equal(shadow.statusCode, 404, 'dependency confusion: the local owns example.com/lib');
  const latest = await get(t, '/api/go/go/example.com/lib/@latest');
  assert.equal((latest.json() as { Version: string }).Version, 'v1.1.0');
  const fromRemote = await get(t, '/api/go/go/example.com/upstream/@v/v0.1.0.mod');
  assert.equal(fromRemote.body, gomod('example.com/upstream'));
  const m = 'example.com/viavirtual';
  const pub = await publish(
    t,
    `/api/go/go/${m}/@v/v1.0.0.zip`,
    await moduleZip(m, 'v1.0.0', { 'go.mod': gomod(m) }),
  );
  assert.equal(pub.statusCode, 201, 'a virtual publishes to its default deployment repository');
  assert.equal((pub.json() as { repo: string }).repo, 'go-local');
});

test('sumdb: disabled on a local (404), passed through by a remote', async () => {
  const local = await get(t, '/api/go/go-local/sumdb/sum.golang.org/supported');
  assert.equal(local.statusCode, 404);
  const viaRemote = await get(t, '/api/go/go/sumdb/sum.golang.org/supported');
  assert.equal(viaRemote.statusCode, 404, 'the upstream (a local) does not proxy a sumdb');
});

test('downloads are recorded for the build named in the repository segment', async () => {
  const res = await get(
    t,
    '/api/go/go;build.name=gobuild;build.number=3/example.com/lib/@v/v1.0.0.zip',
  );
  assert.equal(res.statusCode, 200);
  const dl = await get(t, '/api/stowage/v1/builds/gobuild/3/downloads');
  assert.equal(dl.statusCode, 200, dl.body);
  const body = dl.json() as { downloads?: { path: string; sha256: string }[] } | { path: string }[];
  const list = Array.isArray(body) ? body : (body.downloads ?? []);
  assert.ok(
    list.some((d) => d.path === 'example.com/lib/@v/v1.0.0.zip'),
    JSON.stringify(body),
  );
});

test('a cache-miss module zip through a remote is recorded for the build (matrix and build token)', async () => {
  const m = 'example.com/cold';
  const zip = await moduleZip(m, 'v0.1.0', { 'go.mod': gomod(m), 'c.go': src('c') });
  assert.equal((await publish(up, `/api/go/go-up/${m}/@v/v0.1.0.zip`, zip)).statusCode, 201);
  const res = await get(t, `/api/go/go;build.name=go-cold;build.number=1/${m}/@v/v0.1.0.zip`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  const dl = await get(t, '/api/stowage/v1/builds/go-cold/1/downloads');
  const { downloads } = dl.json() as {
    downloads: { repo: string; path: string; sha256: string }[];
  };
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['go', `${m}/@v/v0.1.0.zip`, sums(zip).sha256]],
  );
  const mod = await downloadForBuild(
    t.app,
    `/api/go/go-remote/${m}/@v/v0.1.0.mod`,
    { name: 'go-cold', number: '2' },
    'token',
  );
  assert.equal(mod.res.statusCode, 200);
  assert.deepEqual(
    mod.downloads.map((d) => `${d.repo}/${d.path}`),
    [`go-remote/${m}/@v/v0.1.0.mod`],
  );
});

test('go list -m -versions after an upstream restart: stale list from cache, else 503 naming the cool-down, never 404', async () => {
  const m = 'example.com/restarting';
  const upstream = await makeApp({
    auth: { anonymousRead: true },
    repositories: [{ key: 'generic-staging' }, { key: 'go-up', packageType: 'go' }],
    stages: STAGES,
  });
  await upstream.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = upstream.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const zip = await moduleZip(m, 'v1.0.0', { 'go.mod': gomod(m), 'r.go': src('r') });
  assert.equal((await publish(upstream, `/api/go/go-up/${m}/@v/v1.0.0.zip`, zip)).statusCode, 201);
  const g = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'g-local', packageType: 'go' },
        {
          key: 'g-remote',
          rclass: 'remote',
          packageType: 'go',
          url: `http://127.0.0.1:${port}/api/go/go-up`,
          metadataMaxAgeSec: 0,
        },
        { key: 'g', rclass: 'virtual', packageType: 'go', repositories: ['g-local', 'g-remote'] },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 600_000, timeoutMs: 2000 } },
  );
  let restarted: TestApp | undefined;
  try {
    const list = await get(g, `/api/go/g/${m}/@v/list`);
    assert.equal(list.body, 'v1.0.0\n');
    await upstream.close();
    const stale = await get(g, `/api/go/g/${m}/@v/list`);
    assert.equal(stale.statusCode, 200, 'the cached list answers while the upstream is down');
    assert.equal(stale.body, 'v1.0.0\n');
    // The upstream comes back on the same address; the origin is still in its cool-down.
    restarted = await makeApp({
      auth: { anonymousRead: true },
      repositories: [{ key: 'generic-staging' }, { key: 'go-up', packageType: 'go' }],
      stages: STAGES,
    });
    await restarted.app.listen({ host: '127.0.0.1', port });
    const other = 'example.com/never-fetched';
    const during = await get(g, `/api/go/g/${other}/@v/list`);
    assert.equal(during.statusCode, 503, during.body);
    assert.equal(errorCode(during), 'ERR_UPSTREAM_COOLDOWN');
    assert.match(during.body, /cool-down/);
    const info = await get(g, `/api/go/g/${other}/@v/v1.0.0.info`);
    assert.equal(
      info.statusCode,
      503,
      'a file of an unknown module is not declared missing either',
    );
  } finally {
    await g.close();
    await restarted?.close();
  }
});
