/**
 * Lying upstreams: every format's remote checks fetched content against the digests the
 * upstream's own metadata declared before caching it. A mismatch is a 502 ERR_UPSTREAM_DIGEST
 * naming both digests, nothing is cached, and the next request fails the same way (never a
 * 200 from a poisoned cache).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Upstream, b64, hex, startStowage, type Stowage } from './remote-helpers.ts';

const TRUE = Buffer.from('the content the metadata describes\n'.repeat(50));
const LIE = Buffer.from('something else entirely, same idea\n'.repeat(50));

let up: Upstream;
let s: Stowage;

before(async () => {
  up = await new Upstream().start();
  const remote = (key: string, packageType: string, url = up.url): unknown => ({
    key,
    rclass: 'remote',
    packageType,
    url,
  });
  s = await startStowage([
    remote('npm-remote', 'npm'),
    remote('pypi-remote', 'pypi', `${up.url}/simple`),
    remote('helm-remote', 'helm'),
    remote('conda-remote', 'conda'),
    remote('cran-remote', 'cran'),
    remote('nuget-remote', 'nuget', `${up.url}/v3/index.json`),
    remote('docker-remote', 'docker'),
    remote('generic-remote', 'generic'),
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    {
      key: 'npm',
      rclass: 'virtual',
      packageType: 'npm',
      repositories: ['npm-local', 'npm-remote'],
    },
  ]);
});
after(async () => {
  await s.close();
  await up.stop();
});

/** Two requests: both 502 ERR_UPSTREAM_DIGEST naming both digests of `alg`; nothing cached. */
async function lies(path: string, alg: string, storage: string): Promise<void> {
  for (const attempt of [1, 2]) {
    const res = await s.get(path);
    const { code, message } = await s.code(res);
    assert.equal(res.status, 502, `${path} (attempt ${attempt}): ${message}`);
    assert.equal(code, 'ERR_UPSTREAM_DIGEST', message);
    assert.ok(message.includes(hex(alg, LIE)), `names the received ${alg}: ${message}`);
    assert.ok(message.includes(hex(alg, TRUE)), `names the declared ${alg}: ${message}`);
  }
  const info = await s.get(`/api/storage/${storage}`);
  assert.equal(info.status, 404, `${storage} must not be cached`);
  await info.text();
}

test('npm: a tarball that does not match the packument integrity (sha512) and shasum', async () => {
  up.json('/liar', {
    name: 'liar',
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name: 'liar',
        version: '1.0.0',
        dist: {
          tarball: `${up.url}/liar/-/liar-1.0.0.tgz`,
          integrity: `sha512-${b64('sha512', TRUE)}`,
          shasum: hex('sha1', TRUE),
        },
      },
    },
  });
  up.file('/liar/-/liar-1.0.0.tgz', LIE);
  await lies(
    '/api/npm/npm-remote/liar/-/liar-1.0.0.tgz',
    'sha512',
    'npm-remote/liar/-/liar-1.0.0.tgz',
  );
  // Through a virtual: the same 502, not a 404 that sends the client looking elsewhere.
  await lies('/api/npm/npm/liar/-/liar-1.0.0.tgz', 'sha512', 'npm-remote/liar/-/liar-1.0.0.tgz');
  // With only the legacy shasum (sha1) declared.
  up.json('/liar3', {
    name: 'liar3',
    versions: { '1.0.0': { name: 'liar3', version: '1.0.0', dist: { shasum: hex('sha1', TRUE) } } },
  });
  up.file('/liar3/-/liar3-1.0.0.tgz', LIE);
  await lies(
    '/api/npm/npm-remote/liar3/-/liar3-1.0.0.tgz',
    'sha1',
    'npm-remote/liar3/-/liar3-1.0.0.tgz',
  );
  // The same with only an integrity (sha512) declared.
  up.json('/liar2', {
    name: 'liar2',
    versions: {
      '1.0.0': {
        name: 'liar2',
        version: '1.0.0',
        dist: { integrity: `sha512-${b64('sha512', TRUE)}` },
      },
    },
  });
  up.file('/liar2/-/liar2-1.0.0.tgz', LIE);
  await lies(
    '/api/npm/npm-remote/liar2/-/liar2-1.0.0.tgz',
    'sha512',
    'npm-remote/liar2/-/liar2-1.0.0.tgz',
  );
});

test('PyPI: a file that does not match the page #sha256', async () => {
  up.file(
    '/simple/liar/',
    `<!DOCTYPE html><html><body><a href="../../files/liar-1.0.tar.gz#sha256=${hex('sha256', TRUE)}">liar-1.0.tar.gz</a></body></html>`,
    'text/html',
  );
  up.file('/files/liar-1.0.tar.gz', LIE);
  await lies(
    '/api/pypi/pypi-remote/packages/liar/liar-1.0.tar.gz',
    'sha256',
    'pypi-remote/liar/liar-1.0.tar.gz',
  );
});

test('Helm: a chart that does not match its index.yaml digest', async () => {
  up.json('/index.yaml', {
    apiVersion: 'v1',
    entries: {
      liar: [
        {
          name: 'liar',
          version: '1.0.0',
          urls: ['charts/liar-1.0.0.tgz'],
          digest: hex('sha256', TRUE),
        },
      ],
    },
  });
  up.file('/charts/liar-1.0.0.tgz', LIE);
  await lies(
    '/api/helm/helm-remote/charts/liar-1.0.0.tgz',
    'sha256',
    'helm-remote/charts/liar-1.0.0.tgz',
  );
});

test('Conda: a package that does not match repodata sha256/md5', async () => {
  up.json('/noarch/repodata.json', {
    info: { subdir: 'noarch' },
    packages: {
      'liar-1.0-0.tar.bz2': {
        name: 'liar',
        version: '1.0',
        build: '0',
        build_number: 0,
        subdir: 'noarch',
        depends: [],
        sha256: hex('sha256', TRUE),
        md5: hex('md5', TRUE),
        size: TRUE.length,
      },
    },
    'packages.conda': {},
  });
  up.file('/noarch/liar-1.0-0.tar.bz2', LIE);
  await lies(
    '/api/conda/conda-remote/noarch/liar-1.0-0.tar.bz2',
    'sha256',
    'conda-remote/noarch/liar-1.0-0.tar.bz2',
  );
});

test('CRAN: a source package that does not match the PACKAGES MD5sum', async () => {
  up.file(
    '/src/contrib/PACKAGES',
    `Package: liar\nVersion: 1.0\nMD5sum: ${hex('md5', TRUE)}\n\n`,
    'text/plain',
  );
  up.file('/src/contrib/liar_1.0.tar.gz', LIE);
  await lies(
    '/api/cran/cran-remote/src/contrib/liar_1.0.tar.gz',
    'md5',
    'cran-remote/src/contrib/liar_1.0.tar.gz',
  );
});

test('NuGet: a package that does not match its catalog packageHash (sha512)', async () => {
  up.json('/v3/index.json', {
    version: '3.0.0',
    resources: [
      { '@id': `${up.url}/flat/`, '@type': 'PackageBaseAddress/3.0.0' },
      { '@id': `${up.url}/reg/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
    ],
  });
  up.json('/reg/liar/index.json', {
    count: 1,
    items: [
      {
        count: 1,
        items: [
          {
            catalogEntry: {
              id: 'Liar',
              version: '1.0.0',
              packageHash: b64('sha512', TRUE),
              packageHashAlgorithm: 'SHA512',
            },
          },
        ],
      },
    ],
  });
  up.file('/flat/liar/1.0.0/liar.1.0.0.nupkg', LIE);
  await lies(
    '/api/nuget/v3/nuget-remote/flatcontainer/liar/1.0.0/liar.1.0.0.nupkg',
    'sha512',
    'nuget-remote/liar/1.0.0/liar.1.0.0.nupkg',
  );
});

test('Docker: a blob whose bytes are not its digest', async () => {
  const digest = `sha256:${hex('sha256', TRUE)}`;
  up.file(`/v2/liar/blobs/${digest}`, LIE);
  for (const attempt of [1, 2]) {
    const res = await s.get(`/v2/docker-remote/liar/blobs/${digest}`);
    const text = await res.text();
    assert.equal(res.status, 502, `attempt ${attempt}: ${text}`);
    assert.ok(text.includes(hex('sha256', LIE)) && text.includes(hex('sha256', TRUE)), text);
  }
});

test('Generic: a file whose X-Checksum-Sha256 header (an Artifactory upstream) disagrees', async () => {
  up.on('/files/liar.bin', (_req, res) => {
    res.writeHead(200, { 'x-checksum-sha256': hex('sha256', TRUE) }).end(LIE);
  });
  await lies('/generic-remote/files/liar.bin', 'sha256', 'generic-remote/files/liar.bin');
});

test('Docker: a manifest by tag whose Docker-Content-Digest disagrees with its bytes', async () => {
  const manifest = (config: string): string =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 2 },
      layers: [],
    });
  const real = manifest(`sha256:${'a'.repeat(64)}`);
  const served = manifest(`sha256:${'b'.repeat(64)}`);
  up.on('/v2/tagged/manifests/v1', (_req, res) => {
    res
      .writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'docker-content-digest': `sha256:${hex('sha256', real)}`,
      })
      .end(served);
  });
  const res = await s.get('/v2/docker-remote/tagged/manifests/v1', {
    accept: 'application/vnd.oci.image.manifest.v1+json',
  });
  const text = await res.text();
  assert.equal(res.status, 502, text);
  assert.ok(text.includes(hex('sha256', real)) && text.includes(hex('sha256', served)), text);
});
