import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { AUTH, downloadForBuild, errorCode, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;
let upstream: Server;
let upstreamUrl = '';
const hits = new Map<string, number>();
let upstreamMode: 'ok' | 'malformed' | 'down' = 'ok';

/** A publish body as `npm publish` sends it. */
function publishBody(
  name: string,
  version: string,
  data: Buffer,
  over: { shasum?: string; integrity?: string; tag?: string } = {},
): Record<string, unknown> {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return {
    _id: name,
    name,
    description: `${name} for tests`,
    'dist-tags': { [over.tag ?? 'latest']: version },
    versions: {
      [version]: {
        name,
        version,
        dependencies: { leftpad: '^1.0.0' },
        dist: {
          shasum: over.shasum ?? createHash('sha1').update(data).digest('hex'),
          integrity:
            over.integrity ?? `sha512-${createHash('sha512').update(data).digest('base64')}`,
          tarball: `http://ignored/${name}/-/${base}-${version}.tgz`,
        },
      },
    },
    _attachments: {
      [`${name}-${version}.tgz`]: {
        content_type: 'application/octet-stream',
        data: data.toString('base64'),
        length: data.length,
      },
    },
  };
}

async function publish(
  repo: string,
  name: string,
  version: string,
  data: Buffer,
  over: Parameters<typeof publishBody>[3] = {},
): Promise<{ statusCode: number; json: () => unknown }> {
  return t.app.inject({
    method: 'PUT',
    url: `/api/npm/${repo}/${name.replace('/', '%2f')}`,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify(publishBody(name, version, data, over)),
  });
}

interface Doc {
  name: string;
  _rev?: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, { dist: { tarball: string; shasum: string }; description?: string }>;
  modified?: string;
}

const upstreamDoc = (port: string): Doc => ({
  name: 'leftpad',
  'dist-tags': { latest: '1.1.0' },
  versions: {
    '1.0.0': {
      dist: { tarball: `${port}/files/leftpad-1.0.0.tgz`, shasum: 'x' },
      description: 'upstream',
    },
    '1.1.0': { dist: { tarball: `${port}/files/leftpad-1.1.0.tgz`, shasum: 'x' } },
  },
});

before(async () => {
  upstream = createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    if (upstreamMode === 'down') return void res.writeHead(503).end();
    if (url === '/leftpad' || url === '/internal-lib') {
      if (upstreamMode === 'malformed') return void res.writeHead(200).end('{"name": "leftpad", ');
      const doc = upstreamDoc(upstreamUrl);
      if (url === '/internal-lib') doc.name = 'internal-lib';
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(doc));
    }
    if (url.startsWith('/files/')) return void res.writeHead(200).end(`tarball ${url}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const addr = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  t = await makeApp(
    {
      repositories: [
        { key: 'generic-staging' },
        { key: 'npm-local', rclass: 'local', packageType: 'npm' },
        { key: 'npm-remote', rclass: 'remote', packageType: 'npm', url: upstreamUrl },
        {
          key: 'npm',
          rclass: 'virtual',
          packageType: 'npm',
          repositories: ['npm-local', 'npm-remote'],
          defaultDeploymentRepo: 'npm-local',
        },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 1000 } },
  );
});
after(async () => {
  await t.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

test('publish, then the packument, the abbreviated packument and the tarball', async () => {
  const data = Buffer.from('tarball one');
  const res = await publish('npm-local', 'alpha', '1.0.0', data);
  assert.equal(res.statusCode, 201, JSON.stringify(res.json()));
  const doc = (
    await t.app.inject({ url: '/api/npm/npm-local/alpha', headers: AUTH })
  ).json() as Doc;
  assert.equal(doc['dist-tags'].latest, '1.0.0');
  assert.ok(doc._rev);
  const tarball = doc.versions['1.0.0']?.dist.tarball ?? '';
  assert.match(tarball, /\/api\/npm\/npm-local\/alpha\/-\/alpha-1\.0\.0\.tgz$/);
  const abbr = await t.app.inject({
    url: '/api/npm/npm-local/alpha',
    headers: { ...AUTH, accept: 'application/vnd.npm.install-v1+json; q=1.0, */*' },
  });
  assert.match(String(abbr.headers['content-type']), /^application\/vnd\.npm\.install-v1\+json/);
  const a = abbr.json() as Doc;
  assert.equal(a.versions['1.0.0']?.description, undefined, 'abbreviated drops description');
  assert.ok(a.modified);
  const tgz = await t.app.inject({ url: new URL(tarball).pathname, headers: AUTH });
  assert.equal(tgz.statusCode, 200);
  assert.equal(tgz.body, 'tarball one');
  const info = await t.app.inject({
    url: '/api/storage/npm-local/alpha/-/alpha-1.0.0.tgz?properties',
    headers: AUTH,
  });
  assert.deepEqual((info.json() as { properties: Record<string, string[]> }).properties, {
    'npm.name': ['alpha'],
    'npm.version': ['1.0.0'],
  });
});

test('a version that exists cannot be published again (403)', async () => {
  const res = await publish('npm-local', 'alpha', '1.0.0', Buffer.from('other'));
  assert.equal(res.statusCode, 403);
  assert.equal(errorCode(res), 'ERR_NPM_VERSION_EXISTS');
});

test('a tarball whose shasum or integrity does not match is refused and not stored', async () => {
  const bad = await publish('npm-local', 'beta', '1.0.0', Buffer.from('x'), {
    shasum: 'a'.repeat(40),
  });
  assert.equal(bad.statusCode, 409);
  assert.equal(errorCode(bad), 'ERR_CHECKSUM_MISMATCH');
  const bad2 = await publish('npm-local', 'beta', '1.0.0', Buffer.from('x'), {
    integrity: `sha512-${createHash('sha512').update('y').digest('base64')}`,
  });
  assert.equal(bad2.statusCode, 409);
  const get = await t.app.inject({ url: '/api/npm/npm-local/beta', headers: AUTH });
  assert.equal(get.statusCode, 404);
});

test('scoped packages answer as @scope%2fname and @scope/name', async () => {
  const res = await publish('npm', '@acme/util', '2.0.0', Buffer.from('scoped'));
  assert.equal(res.statusCode, 201, 'publishing through the virtual lands in npm-local');
  for (const url of [
    '/api/npm/npm-local/@acme%2futil',
    '/api/npm/npm-local/@acme/util',
    '/api/npm/npm-local/%40acme%2Futil',
  ]) {
    const doc = (await t.app.inject({ url, headers: AUTH })).json() as Doc;
    assert.equal(doc.name, '@acme/util', url);
  }
  const tgz = await t.app.inject({
    url: '/api/npm/npm/@acme/util/-/util-2.0.0.tgz',
    headers: AUTH,
  });
  assert.equal(tgz.body, 'scoped');
});

test('names with path tricks are rejected', async () => {
  for (const url of [
    '/api/npm/npm-local/..%2f..%2fetc',
    '/api/npm/npm-local/%2e%2e',
    '/api/npm/npm-local/a%5cb',
    '/api/npm/npm-local/@acme%2f..%2fx',
    '/api/npm/npm-local/alpha/-/..%2fsecret.tgz',
    '/api/npm/npm-local/_private',
  ]) {
    const res = await t.app.inject({ url, headers: AUTH });
    assert.ok([400, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
    assert.doesNotMatch(res.body, /ok|versions/);
  }
  const mismatch = await t.app.inject({
    method: 'PUT',
    url: '/api/npm/npm-local/gamma',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify(publishBody('delta', '1.0.0', Buffer.from('d'))),
  });
  assert.equal(mismatch.statusCode, 400);
  const notJson = await t.app.inject({
    method: 'PUT',
    url: '/api/npm/npm-local/gamma',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: '{',
  });
  assert.equal(notJson.statusCode, 400);
});

test('publishing needs a token; whoami answers with it', async () => {
  const anon = await t.app.inject({
    method: 'PUT',
    url: '/api/npm/npm-local/eps',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(publishBody('eps', '1.0.0', Buffer.from('e'))),
  });
  assert.equal(anon.statusCode, 401);
  const who = await t.app.inject({ url: '/api/npm/npm-local/-/whoami', headers: AUTH });
  assert.deepEqual(who.json(), { username: 'admin' });
  assert.equal((await t.app.inject({ url: '/api/npm/npm-local/-/whoami' })).statusCode, 401);
});

test('dist-tags: list, add, remove', async () => {
  await publish('npm-local', 'alpha', '1.1.0-beta.1', Buffer.from('beta'), { tag: 'next' });
  const url = '/api/npm/npm-local/-/package/alpha/dist-tags';
  assert.deepEqual((await t.app.inject({ url, headers: AUTH })).json(), {
    latest: '1.0.0',
    next: '1.1.0-beta.1',
  });
  const put = await t.app.inject({
    method: 'PUT',
    url: `${url}/stable`,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: '"1.0.0"',
  });
  assert.equal(put.statusCode, 200);
  const del = await t.app.inject({ method: 'DELETE', url: `${url}/next`, headers: AUTH });
  assert.equal(del.statusCode, 200);
  assert.deepEqual((await t.app.inject({ url, headers: AUTH })).json(), {
    latest: '1.0.0',
    stable: '1.0.0',
  });
  const bad = await t.app.inject({
    method: 'PUT',
    url: `${url}/x`,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: '"9.9.9"',
  });
  assert.equal(bad.statusCode, 400);
});

test('unpublish one version the way npm does it, then the whole package', async () => {
  await publish('npm-local', 'zeta', '1.0.0', Buffer.from('z1'));
  await publish('npm-local', 'zeta', '1.0.1', Buffer.from('z2'));
  const doc = (
    await t.app.inject({ url: '/api/npm/npm-local/zeta?write=true', headers: AUTH })
  ).json() as Doc;
  const tarball = new URL(doc.versions['1.0.1']?.dist.tarball ?? '').pathname.slice(1);
  delete doc.versions['1.0.1'];
  doc['dist-tags'].latest = '1.0.0';
  const put = await t.app.inject({
    method: 'PUT',
    url: `/api/npm/npm-local/zeta/-rev/${doc._rev}`,
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify(doc),
  });
  assert.equal(put.statusCode, 200);
  // npm appends the tarball's URL path to the registry URL.
  const del = await t.app.inject({
    method: 'DELETE',
    url: `/api/npm/npm-local/${tarball}/-rev/2-x`,
    headers: AUTH,
  });
  assert.equal(del.statusCode, 404, 'the tarball went with the version already');
  const after = (
    await t.app.inject({ url: '/api/npm/npm-local/zeta', headers: AUTH })
  ).json() as Doc;
  assert.deepEqual(Object.keys(after.versions), ['1.0.0']);
  const gone = await t.app.inject({
    url: '/api/npm/npm-local/zeta/-/zeta-1.0.1.tgz',
    headers: AUTH,
  });
  assert.equal(gone.statusCode, 404);
  const all = await t.app.inject({
    method: 'DELETE',
    url: '/api/npm/npm-local/zeta/-rev/3-x',
    headers: AUTH,
  });
  assert.equal(all.statusCode, 200);
  assert.equal(
    (await t.app.inject({ url: '/api/npm/npm-local/zeta', headers: AUTH })).statusCode,
    404,
  );
});

test('a remote rewrites tarball URLs to Stowage, caches tarballs and records downloads per build', async () => {
  upstreamMode = 'ok';
  const doc = (
    await t.app.inject({ url: '/api/npm/npm-remote/leftpad', headers: AUTH })
  ).json() as Doc;
  const tarball = doc.versions['1.0.0']?.dist.tarball ?? '';
  assert.match(tarball, /\/api\/npm\/npm-remote\/leftpad\/-\/leftpad-1\.0\.0\.tgz$/);
  const build = { 'x-stowage-build-name': 'nightly', 'x-stowage-build-number': '7' };
  const first = await t.app.inject({
    url: new URL(tarball).pathname,
    headers: { ...AUTH, ...build },
  });
  assert.equal(first.statusCode, 200);
  assert.equal(first.body, 'tarball /files/leftpad-1.0.0.tgz', 'fetched from the dist.tarball URL');
  const second = await t.app.inject({ url: new URL(tarball).pathname, headers: AUTH });
  assert.equal(second.body, first.body);
  assert.equal(hits.get('/files/leftpad-1.0.0.tgz'), 1);
  const dl = await t.app.inject({
    url: '/api/stowage/v1/builds/nightly/7/downloads',
    headers: AUTH,
  });
  assert.equal(dl.statusCode, 200);
  assert.match(dl.body, /leftpad-1\.0\.0\.tgz/);
  // Served from the cache while the upstream is down.
  upstreamMode = 'down';
  const cached = await t.app.inject({ url: new URL(tarball).pathname, headers: AUTH });
  assert.equal(cached.statusCode, 200);
  upstreamMode = 'ok';
});

test('a malformed upstream packument is not cached', async () => {
  upstreamMode = 'malformed';
  const t2 = await makeApp({
    repositories: [
      { key: 'generic-staging' },
      { key: 'r', rclass: 'remote', packageType: 'npm', url: upstreamUrl },
    ],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  });
  try {
    const res = await t2.app.inject({ url: '/api/npm/r/leftpad', headers: AUTH });
    assert.equal(res.statusCode, 502);
    const info = await t2.app.inject({ url: '/api/storage/r/leftpad/package.json', headers: AUTH });
    assert.equal(info.statusCode, 404);
  } finally {
    upstreamMode = 'ok';
    await t2.close();
  }
});

test('a virtual merges packuments, and a package a local member owns is never taken from a remote', async () => {
  await publish('npm-local', 'leftpad', '0.9.0', Buffer.from('local leftpad'));
  await publish('npm-local', 'internal-lib', '1.0.0', Buffer.from('ours'));
  const merged = (await t.app.inject({ url: '/api/npm/npm/leftpad', headers: AUTH })).json() as Doc;
  // leftpad exists in npm-local, so the upstream's versions are not merged in.
  assert.deepEqual(Object.keys(merged.versions), ['0.9.0']);
  const before = hits.get('/internal-lib') ?? 0;
  const own = (
    await t.app.inject({ url: '/api/npm/npm/internal-lib', headers: AUTH })
  ).json() as Doc;
  assert.deepEqual(Object.keys(own.versions), ['1.0.0']);
  assert.equal(hits.get('/internal-lib') ?? 0, before, 'the remote was not asked');
  for (const m of Object.values(own.versions)) assert.match(m.dist.tarball, /\/api\/npm\/npm\//);
  const up = await t.app.inject({ url: '/api/npm/npm/@acme/util', headers: AUTH });
  assert.equal(up.statusCode, 200);
});

test('a cache-miss tarball through a remote is recorded for the build of the token', async () => {
  upstreamMode = 'ok';
  const doc = (
    await t.app.inject({ url: '/api/npm/npm-remote/leftpad', headers: AUTH })
  ).json() as Doc;
  const tarball = new URL(doc.versions['1.1.0']?.dist.tarball ?? '').pathname;
  const { res, downloads } = await downloadForBuild(
    t.app,
    tarball,
    { name: 'npm-cold', number: '1' },
    'token',
  );
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => `${d.repo}/${d.path}`),
    ['npm-remote/leftpad/-/leftpad-1.1.0.tgz'],
  );
});

test('audit bodies are read gzip-compressed or plain; without a remote the error names the fix', async () => {
  const url = '/api/npm/npm-local/-/npm/v1/security/advisories/bulk';
  const json = JSON.stringify({ leftpad: ['1.0.0'] });
  for (const [encoding, payload] of [
    ['gzip', gzipSync(json)],
    ['identity', Buffer.from(json)],
  ] as const) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...AUTH, 'content-type': 'application/json', 'content-encoding': encoding },
    });
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(errorCode(res), 'ERR_NPM_AUDIT_UNAVAILABLE');
    assert.match((res.json() as { error: string }).error, /no remote member/);
  }
  const broken = await t.app.inject({
    method: 'POST',
    url,
    payload: Buffer.from('not gzip'),
    headers: { ...AUTH, 'content-type': 'application/json', 'content-encoding': 'gzip' },
  });
  assert.equal(broken.statusCode, 400);
  assert.equal(errorCode(broken), 'ERR_BODY_INVALID');
});

test('a packument goes out gzip or brotli when the client asks, and never stale', async () => {
  const name = 'compressible';
  const long = 'a package whose packument is worth compressing. '.repeat(60);
  const body = (version: string): string => {
    const b = publishBody(name, version, Buffer.from(`tarball ${version}`));
    (b.versions as Record<string, { description?: string }>)[version]!.description = long;
    return JSON.stringify(b);
  };
  const put = async (version: string): Promise<void> => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/npm/npm-local/${name}`,
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: body(version),
    });
    assert.equal(res.statusCode, 201, res.body);
  };
  await put('1.0.0');
  const get = (encoding?: string) =>
    t.app.inject({
      url: `/api/npm/npm-local/${name}`,
      headers: { ...AUTH, ...(encoding ? { 'accept-encoding': encoding } : {}) },
    });
  const plain = await get();
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.match(String(plain.headers.vary), /accept-encoding/i);
  assert.ok(plain.rawPayload.length > 1024);
  assert.equal(Number(plain.headers['content-length']), plain.rawPayload.length);

  // What npm sends, then pnpm's and yarn's, then a refusal of both.
  const gz = await get('gzip, deflate');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.rawPayload).equals(plain.rawPayload));
  assert.ok(gz.rawPayload.length < plain.rawPayload.length);
  const br = await get('gzip, deflate, br');
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload));
  const again = await get('br');
  assert.ok(again.rawPayload.equals(br.rawPayload), 'the variant is made once and kept');
  const none = await get('br;q=0, gzip;q=0');
  assert.equal(none.headers['content-encoding'], undefined);
  assert.ok(none.rawPayload.equals(plain.rawPayload));

  // A new version changes the sources: the compressed answer follows it.
  await put('1.1.0');
  const after = await get('gzip');
  const doc = JSON.parse(gunzipSync(after.rawPayload).toString()) as Doc;
  assert.deepEqual(Object.keys(doc.versions).sort(), ['1.0.0', '1.1.0']);
  assert.equal(doc['dist-tags'].latest, '1.1.0');
});
