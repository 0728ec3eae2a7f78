/**
 * Upstream credentials: configured apart from the URL (username/password or token, `${VAR}`
 * references read from the server's environment), sent by every format's remote to its
 * upstream's origin only, answered as `***`, and never in an error message.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Upstream, hex, startStowage, type Stowage } from './remote-helpers.ts';

const USER = 'ci-reader';
const PASS = 'pa55-w0rd-upstream-secret';
const TOKEN = 'upstream-bearer-token-secret';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
const BLOB = Buffer.from('layer bytes\n');

let up: Upstream;
let bearer: Upstream;
let other: Upstream;
let s: Stowage;

before(async () => {
  up = await new Upstream().start();
  up.requireAuth = { header: BASIC, challenge: 'Basic realm="upstream"' };
  bearer = await new Upstream().start();
  bearer.requireAuth = { header: `Bearer ${TOKEN}`, challenge: 'Bearer realm="upstream"' };
  other = await new Upstream().start();
  other.fallback = (_req, res) => void res.writeHead(200).end('from the allowed host');

  up.file('/data/a.txt', 'generic content\n');
  up.json('/pkg', {
    name: 'pkg',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: 'pkg', version: '1.0.0', dist: {} } },
  });
  up.file(
    '/simple/pkg/',
    '<!DOCTYPE html><html><body><a href="../../files/pkg-1.0.tar.gz">pkg-1.0.tar.gz</a></body></html>',
    'text/html',
  );
  up.file('/example.com/mod/@v/list', 'v1.0.0\n', 'text/plain');
  up.file('/org/example/lib/1.0/lib-1.0.pom', '<project/>', 'application/xml');
  up.json('/index.yaml', { apiVersion: 'v1', entries: {} });
  up.json('/v3/index.json', {
    version: '3.0.0',
    resources: [
      { '@id': `${up.url}/flat/`, '@type': 'PackageBaseAddress/3.0.0' },
      { '@id': `${up.url}/reg/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
    ],
  });
  up.json('/reg/pkg/index.json', {
    count: 1,
    items: [{ count: 1, items: [{ catalogEntry: { id: 'Pkg', version: '1.0.0' } }] }],
  });
  up.json('/noarch/repodata.json', {
    info: { subdir: 'noarch' },
    packages: {},
    'packages.conda': {},
  });
  up.file('/src/contrib/PACKAGES', 'Package: pkg\nVersion: 1.0\n\n', 'text/plain');
  up.file(`/v2/img/blobs/sha256:${hex('sha256', BLOB)}`, BLOB);
  up.on('/hop/away.bin', (_req, res) => {
    res.writeHead(302, { location: `${other.url}/landing.bin` }).end();
  });
  up.on('/broken.bin', (_req, res) => void res.writeHead(500).end('upstream bug'));

  const creds = { username: USER, password: '${UPSTREAM_PASS}' };
  const remote = (key: string, packageType: string, url = up.url): unknown => ({
    key,
    rclass: 'remote',
    packageType,
    url,
    ...creds,
  });
  const withUserinfo = new URL(up.url);
  withUserinfo.username = USER;
  withUserinfo.password = PASS;
  s = await startStowage(
    [
      remote('generic-remote', 'generic'),
      remote('npm-remote', 'npm'),
      remote('pypi-remote', 'pypi', `${up.url}/simple`),
      remote('go-remote', 'go'),
      remote('maven-remote', 'maven'),
      remote('helm-remote', 'helm'),
      remote('nuget-remote', 'nuget', `${up.url}/v3/index.json`),
      remote('conda-remote', 'conda'),
      remote('cran-remote', 'cran'),
      remote('docker-remote', 'docker'),
      { key: 'userinfo', rclass: 'remote', packageType: 'generic', url: withUserinfo.toString() },
      { key: 'tokened', rclass: 'remote', packageType: 'generic', url: bearer.url, token: TOKEN },
      {
        key: 'hopping',
        rclass: 'remote',
        packageType: 'generic',
        url: up.url,
        ...creds,
        allowedHosts: [new URL(other.url).host],
      },
      {
        key: 'unset',
        rclass: 'remote',
        packageType: 'generic',
        url: up.url,
        username: USER,
        password: '${NOT_SET_ANYWHERE}',
      },
      {
        key: 'wrong',
        rclass: 'remote',
        packageType: 'generic',
        url: up.url,
        username: USER,
        password: 'Wr0ng-Secret-Value',
      },
    ],
    { env: { UPSTREAM_PASS: PASS }, upstream: { retries: 0 } },
  );
});
after(async () => {
  await s.close();
  await Promise.all([up.stop(), bearer.stop(), other.stop()]);
});

test('every format’s remote sends the credentials to its upstream', async () => {
  const probes: [string, string][] = [
    ['generic', '/generic-remote/data/a.txt'],
    ['npm', '/api/npm/npm-remote/pkg'],
    ['pypi', '/api/pypi/pypi-remote/simple/pkg/'],
    ['go', '/api/go/go-remote/example.com/mod/@v/list'],
    ['maven', '/maven-remote/org/example/lib/1.0/lib-1.0.pom'],
    ['helm', '/api/helm/helm-remote/index.yaml'],
    ['nuget', '/api/nuget/v3/nuget-remote/flatcontainer/pkg/index.json'],
    ['conda', '/api/conda/conda-remote/noarch/repodata.json'],
    ['cran', '/api/cran/cran-remote/src/contrib/PACKAGES'],
    ['docker', `/v2/docker-remote/img/blobs/sha256:${hex('sha256', BLOB)}`],
  ];
  for (const [format, path] of probes) {
    const before = up.hits.length;
    const res = await s.get(path);
    const body = await res.text();
    assert.equal(res.status, 200, `${format}: ${path} answered ${res.status} ${body}`);
    const hits = up.hits.slice(before);
    assert.ok(hits.length > 0, `${format} asked its upstream`);
    for (const h of hits) assert.equal(h.authorization, BASIC, `${format}: ${h.path}`);
    assert.ok(!body.includes(PASS));
  }
});

test('a bearer token is sent as such', async () => {
  const res = await s.get('/tokened/any.txt');
  await res.text();
  assert.equal(res.status, 404, 'the upstream accepted the token and answered 404');
  assert.deepEqual(
    bearer.hits.map((h) => h.authorization),
    [`Bearer ${TOKEN}`],
  );
});

test('credentials never follow a redirect to another origin, even an allow-listed one', async () => {
  const res = await s.get('/hopping/hop/away.bin');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'from the allowed host');
  assert.equal(other.hitsOf('/landing.bin').length, 1);
  assert.equal(other.hitsOf('/landing.bin')[0]?.authorization, undefined);
});

test('the API answers secrets as *** and a URL with userinfo is split on load', async () => {
  for (const key of ['generic-remote', 'userinfo', 'tokened']) {
    const res = await s.get(`/api/repositories/${key}`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.ok(!text.includes(PASS) && !text.includes(TOKEN), `${key}: ${text}`);
    const cfg = JSON.parse(text) as Record<string, unknown>;
    if (key === 'tokened') assert.equal(cfg.token, '***');
    else assert.equal(cfg.password, '***');
    assert.ok(!String(cfg.url).includes('@'), `${key}: no userinfo in ${String(cfg.url)}`);
  }
  const split = (await (await s.get('/api/repositories/userinfo')).json()) as Record<
    string,
    unknown
  >;
  assert.equal(split.username, USER);
  const list = await (await s.get('/api/repositories')).text();
  assert.ok(!list.includes(PASS) && !list.includes(TOKEN));
  // The remote built from the URL's userinfo still authenticates.
  const res = await s.get('/userinfo/data/a.txt');
  assert.equal(res.status, 200, await res.text());
});

test('sending *** back keeps the stored secret', async () => {
  const cfg = (await (await s.get('/api/repositories/generic-remote')).json()) as Record<
    string,
    unknown
  >;
  const post = await fetch(`${s.url}/api/repositories/generic-remote`, {
    method: 'POST',
    headers: { ...s.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...cfg, description: 'edited in the UI' }),
  });
  const text = await post.text();
  assert.equal(post.status, 200, text);
  assert.ok(!text.includes(PASS));
  const before = up.hits.length;
  const res = await s.get('/generic-remote/data/b.txt');
  await res.text();
  assert.equal(res.status, 404, 'still authenticated (404, not a 401-driven 502)');
  assert.equal(up.hits.slice(before)[0]?.authorization, BASIC);
});

test('errors never contain the credentials', async () => {
  const wrong = await s.get('/wrong/data/a.txt');
  const w = await s.code(wrong);
  assert.equal(wrong.status, 502);
  assert.match(w.message, /HTTP 401.*credentials of remote "wrong"/);
  assert.ok(!w.message.includes('Wr0ng-Secret-Value'));

  const broken = await s.get('/generic-remote/broken.bin');
  const b = await s.code(broken);
  assert.equal(broken.status, 502);
  assert.ok(!b.message.includes(PASS), b.message);

  const userinfo = await s.get('/userinfo/broken.bin');
  const u = await s.code(userinfo);
  assert.equal(userinfo.status, 502);
  assert.ok(!u.message.includes(PASS), u.message);

  const unset = await s.get('/unset/data/a.txt');
  const n = await s.code(unset);
  assert.equal(unset.status, 502);
  assert.equal(n.code, 'ERR_UPSTREAM_CREDENTIALS');
  assert.match(n.message, /NOT_SET_ANYWHERE/);
});
