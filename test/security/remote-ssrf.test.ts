/**
 * SSRF through remote repositories: an upstream (or anyone who can publish to it) whose
 * metadata or redirects point at another address must not make Stowage fetch it. The remote's
 * own URL is 127.0.0.1:<port A>; the "internal service" is 127.0.0.1:<port B> — another origin,
 * so every format must refuse it (ERR_UPSTREAM_REFUSED) and the internal service sees nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Upstream, startStowage, type Stowage } from './remote-helpers.ts';

let hostile: Upstream;
let internal: Upstream;
let s: Stowage;

before(async () => {
  hostile = await new Upstream().start();
  internal = await new Upstream().start();
  internal.fallback = (_req, res) => void res.writeHead(200).end('internal secret');
  const remote = (key: string, packageType: string, url = hostile.url): unknown => ({
    key,
    rclass: 'remote',
    packageType,
    url,
  });
  s = await startStowage([
    remote('generic-remote', 'generic'),
    remote('maven-remote', 'maven'),
    remote('go-remote', 'go'),
    remote('cran-remote', 'cran'),
    remote('conda-remote', 'conda'),
    remote('npm-remote', 'npm'),
    remote('pypi-remote', 'pypi', `${hostile.url}/simple`),
    remote('helm-remote', 'helm'),
    remote('nuget-remote', 'nuget', `${hostile.url}/v3/index.json`),
    {
      key: 'docker-remote',
      rclass: 'remote',
      packageType: 'docker',
      url: hostile.url,
      username: 'ci',
      password: 'docker-upstream-secret',
    },
    { ...(remote('npm-trusting', 'npm') as object), allowedHosts: ['PLACEHOLDER'] },
  ]);
});
after(async () => {
  await s.close();
  await hostile.stop();
  await internal.stop();
});

async function refused(path: string): Promise<void> {
  const before = internal.hits.length;
  const res = await s.get(path);
  const { code, message } = await s.code(res);
  assert.equal(res.status, 502, `${path}: ${message}`);
  assert.equal(code, 'ERR_UPSTREAM_REFUSED', `${path}: ${message}`);
  assert.match(message, /allowedHosts/);
  assert.equal(internal.hits.length, before, `${path} reached the internal service`);
}

test('a redirect to another origin is refused for every format that fetches by path', async () => {
  hostile.fallback = (req, res) =>
    void res.writeHead(302, { location: `${internal.url}/stolen${req.url ?? ''}` }).end();
  try {
    await refused('/generic-remote/data/file.bin');
    await refused('/maven-remote/org/example/lib/1.0/lib-1.0.jar');
    await refused('/api/go/go-remote/example.com/mod/@v/v1.0.0.zip');
    await refused('/api/cran/cran-remote/src/contrib/pkg_1.0.tar.gz');
    await refused('/api/conda/conda-remote/noarch/pkg-1.0-0.tar.bz2');
  } finally {
    hostile.fallback = (_req, res) => void res.writeHead(404).end('not here');
  }
});

test('npm: a dist.tarball on another origin is refused', async () => {
  hostile.json('/evil', {
    name: 'evil',
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name: 'evil',
        version: '1.0.0',
        dist: { tarball: `${internal.url}/evil-1.0.0.tgz` },
      },
    },
  });
  await refused('/api/npm/npm-remote/evil/-/evil-1.0.0.tgz');
});

test('PyPI: a project page linking to another origin is refused', async () => {
  hostile.file(
    '/simple/evil/',
    `<!DOCTYPE html><html><body><a href="${internal.url}/files/evil-1.0.tar.gz">evil-1.0.tar.gz</a></body></html>`,
    'text/html',
  );
  await refused('/api/pypi/pypi-remote/packages/evil/evil-1.0.tar.gz');
});

test('Helm: index.yaml urls on another origin are refused', async () => {
  hostile.json('/index.yaml', {
    apiVersion: 'v1',
    entries: {
      evil: [{ name: 'evil', version: '1.0.0', urls: [`${internal.url}/evil-1.0.0.tgz`] }],
    },
  });
  await refused('/api/helm/helm-remote/charts/evil-1.0.0.tgz');
});

test('NuGet: a service index pointing its package base at another origin is refused', async () => {
  hostile.json('/v3/index.json', {
    version: '3.0.0',
    resources: [{ '@id': `${internal.url}/flat/`, '@type': 'PackageBaseAddress/3.0.0' }],
  });
  await refused('/api/nuget/v3/nuget-remote/flatcontainer/evil/1.0.0/evil.1.0.0.nupkg');
});

test('Docker: a token realm on another origin never gets the remote credentials', async () => {
  hostile.on('/v2/img/manifests/latest', (_req, res) => {
    res
      .writeHead(401, {
        'www-authenticate': `Bearer realm="${internal.url}/token",service="x",scope="repository:img:pull"`,
      })
      .end();
  });
  const res = await s.get('/v2/docker-remote/img/manifests/latest');
  assert.notEqual(res.status, 200);
  await res.text();
  const realm = internal.hitsOf('/token');
  assert.equal(realm.length, 1, 'the realm is asked (anonymously) for a token');
  assert.equal(realm[0]?.authorization, undefined, 'without the remote credentials');
  // The registry itself (the remote's own origin) did get them.
  const own = hostile.hitsOf('/v2/img/manifests/latest');
  assert.ok(own.length > 0);
  assert.ok(own.every((h) => h.authorization?.startsWith('Basic ')));
});

test('an allow-listed origin is fetched from (and the remote URL\u2019s own host may be private)', async () => {
  const internalHost = new URL(internal.url).host;
  const put = await fetch(`${s.url}/api/repositories/npm-trusting`, {
    method: 'POST',
    headers: { ...s.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ allowedHosts: [internalHost] }),
  });
  assert.equal(put.status, 200, await put.text());
  hostile.json('/fine', {
    name: 'fine',
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': { name: 'fine', version: '1.0.0', dist: { tarball: `${internal.url}/fine.tgz` } },
    },
  });
  const res = await s.get('/api/npm/npm-trusting/fine/-/fine-1.0.0.tgz');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'internal secret');
  assert.equal(internal.hitsOf('/fine.tgz').length, 1);
});
