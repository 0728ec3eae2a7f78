/**
 * A format repository is written only through its format (README "Security model"). Against a
 * real server: each format publishes a version through its own API; then every file the
 * repository stores is attacked through the generic `PUT` and `DELETE /{repo}/{path}` (refused
 * with ERR_REPO_FORMAT_WRITE naming the format's API), and the stored files, the format's own
 * downloads and its index still carry the original digests. OCI blobs and manifests stay
 * addressable only by their true digest. Maven, deployed by `mvn` through `PUT /{repo}/path`,
 * keeps its release immutability (unless `allowRedeploy`) and its SNAPSHOTs. The real pip
 * installs the original wheel after the overwrite attempt.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { RunningServer } from '@stowage/server';
import { tarGz, tarZst } from '../../packages/server/test/archives.ts';
import { call, errorCode, type Call, serve, sha1, sha256, tempDir, wheel, zip } from './helpers.ts';

const FORMATS = ['npm', 'pypi', 'nuget', 'helm', 'cran', 'conda', 'go', 'docker'] as const;
const HOSTILE = Buffer.from('replaced by an attacker through the generic deploy path\n');

let dir: string;
let server: RunningServer;

before(async () => {
  dir = await tempDir('formats');
  server = await serve(join(dir, 'data'), {
    repositories: [
      { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
      ...FORMATS.map((f) => ({ key: `${f}-local`, rclass: 'local', packageType: f })),
      {
        key: 'npm',
        rclass: 'virtual',
        packageType: 'npm',
        repositories: ['npm-local'],
        defaultDeploymentRepo: 'npm-local',
      },
      { key: 'mvn-local', rclass: 'local', packageType: 'maven' },
      { key: 'mvn-redeploy', rclass: 'local', packageType: 'maven', allowRedeploy: true },
    ],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const ok = async (what: string, res: Promise<{ status: number; text: string }>): Promise<void> => {
  const r = await res;
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
};

/** `npm publish` of `name` 1.0.0; returns the tarball. */
async function npmPublish(name: string): Promise<Buffer> {
  const data = tarGz({ 'package/package.json': JSON.stringify({ name, version: '1.0.0' }) });
  const doc = {
    _id: name,
    name,
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name,
        version: '1.0.0',
        dist: {
          shasum: sha1(data),
          integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
          tarball: `http://ignored/${name}/-/${name}-1.0.0.tgz`,
        },
      },
    },
    _attachments: {
      [`${name}-1.0.0.tgz`]: {
        content_type: 'application/octet-stream',
        data: data.toString('base64'),
        length: data.length,
      },
    },
  };
  await ok(
    'npm publish',
    call(server, 'PUT', `/api/npm/npm-local/${name}`, {
      body: JSON.stringify(doc),
      headers: { 'content-type': 'application/json' },
    }),
  );
  return data;
}

/** Publishes version 1.0(.0) of a small package through each format's own API. */
const PUBLISH: Record<(typeof FORMATS)[number], () => Promise<void>> = {
  npm: async () => {
    await npmPublish('secpkg');
  },
  pypi: async () => {
    const whl = await wheel('secpkg', '1.0', "ORIGIN = 'original'\n");
    const form = new FormData();
    for (const [k, v] of Object.entries({
      ':action': 'file_upload',
      protocol_version: '1',
      name: 'secpkg',
      version: '1.0',
      filetype: 'bdist_wheel',
      sha256_digest: sha256(whl),
    }))
      form.append(k, v);
    form.append('content', new Blob([whl]), 'secpkg-1.0-py3-none-any.whl');
    await ok('twine upload', call(server, 'POST', '/api/pypi/pypi-local/', { body: form }));
  },
  nuget: async () => {
    const nuspec = `<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Sec.Pkg</id><version>1.0.0</version><authors>A</authors><description>d</description></metadata></package>`;
    const pkg = await zip({ 'Sec.Pkg.nuspec': nuspec, 'lib/net8.0/x.dll': 'MZ' });
    const form = new FormData();
    form.append('package', new Blob([pkg]), 'package.nupkg');
    await ok('nuget push', call(server, 'PUT', '/api/nuget/nuget-local/', { body: form }));
  },
  helm: async () => {
    const chart = tarGz({
      'secchart/Chart.yaml': 'apiVersion: v2\nname: secchart\nversion: 1.0.0\n',
      'secchart/values.yaml': 'a: 1\n',
    });
    await ok('helm push', call(server, 'POST', '/api/helm/helm-local/api/charts', { body: chart }));
  },
  cran: async () => {
    const pkg = tarGz({
      'secpkg/DESCRIPTION': 'Package: secpkg\nVersion: 1.0\nTitle: T\nLicense: MIT\n',
      'secpkg/R/f.R': 'f <- function() 1\n',
    });
    await ok('cran upload', call(server, 'PUT', '/api/cran/cran-local/sources', { body: pkg }));
  },
  conda: async () => {
    const index = {
      name: 'secpkg',
      version: '1.0',
      build: 'h1_0',
      build_number: 0,
      depends: [],
      subdir: 'noarch',
    };
    const pkg = await zip({
      'metadata.json': '{"conda_pkg_format_version": 2}',
      'pkg-secpkg-1.0-h1_0.tar.zst': tarZst({ 'lib/x.txt': 'x' }),
      'info-secpkg-1.0-h1_0.tar.zst': tarZst({ 'info/index.json': JSON.stringify(index) }),
    });
    await ok(
      'conda upload',
      call(server, 'PUT', '/api/conda/conda-local/noarch/secpkg-1.0-h1_0.conda', { body: pkg }),
    );
  },
  go: async () => {
    const m = 'example.com/sec/mod';
    const z = await zip({
      [`${m}@v1.0.0/go.mod`]: `module ${m}\n\ngo 1.19\n`,
      [`${m}@v1.0.0/mod.go`]: 'package mod\n',
    });
    await ok('go publish', call(server, 'PUT', `/api/go/go-local/${m}/@v/v1.0.0.zip`, { body: z }));
  },
  docker: async () => {
    const config = Buffer.from(
      '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
    );
    const layer = tarGz({ 'hello.txt': 'hello' });
    for (const b of [config, layer]) {
      await ok(
        'blob upload',
        call(server, 'POST', `/v2/docker-local/img/blobs/uploads/?digest=sha256:${sha256(b)}`, {
          body: b,
          headers: { 'content-type': 'application/octet-stream' },
        }),
      );
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${sha256(config)}`,
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${sha256(layer)}`,
          size: layer.length,
        },
      ],
    });
    await ok(
      'manifest push',
      call(server, 'PUT', '/v2/docker-local/img/manifests/1.0', {
        body: manifest,
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      }),
    );
  },
};

interface Listed {
  uri: string;
  sha2?: string;
}

async function storedFiles(repo: string): Promise<Map<string, string>> {
  const res = await call(server, 'GET', `/api/storage/${repo}/?list&deep=1`);
  assert.equal(res.status, 200, res.text);
  const files = (res.json() as { files: Listed[] }).files;
  const out = new Map<string, string>();
  for (const f of files) {
    const info = await call(
      server,
      'GET',
      `/api/storage/${repo}${f.uri.split('/').map(encodeURIComponent).join('/')}`,
    );
    out.set(f.uri.slice(1), (info.json() as { checksums: { sha256: string } }).checksums.sha256);
  }
  return out;
}

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

describe('format repositories are written only through their format', () => {
  for (const format of FORMATS) {
    it(`${format}: generic PUT and DELETE on every stored file are refused; nothing changes`, async () => {
      await PUBLISH[format]();
      const repo = `${format}-local`;
      const before = await storedFiles(repo);
      assert.ok(before.size > 0, `${format} stored something`);
      for (const path of before.keys()) {
        const put = await call(server, 'PUT', `/${repo}/${enc(path)}`, { body: HOSTILE });
        assert.equal(put.status, 405, `${format} PUT ${path}: ${put.text}`);
        assert.equal(errorCode(put), 'ERR_REPO_FORMAT_WRITE');
        assert.match(put.text, new RegExp(`${format} repository`));
        assert.match(put.text, /use /, 'the error names the API to use');
        const byChecksum = await call(server, 'PUT', `/${repo}/${enc(path)}`, {
          headers: { 'x-checksum-deploy': 'true', 'x-checksum-sha256': sha256(HOSTILE) },
        });
        assert.equal(byChecksum.status, 405, `${format} checksum deploy ${path}`);
        const del = await call(server, 'DELETE', `/${repo}/${enc(path)}`);
        assert.equal(del.status, 405, `${format} DELETE ${path}: ${del.text}`);
        assert.equal(errorCode(del), 'ERR_REPO_FORMAT_WRITE');
      }
      const folder = await call(
        server,
        'DELETE',
        `/${repo}/${enc([...before.keys()][0]!.split('/')[0]!)}`,
      );
      assert.equal(folder.status, 405, 'a folder delete is refused too');
      assert.deepEqual(await storedFiles(repo), before, 'every stored file keeps its digest');
      for (const [path, digest] of before) {
        const got = await call(server, 'GET', `/${repo}/${enc(path)}`);
        assert.equal(got.status, 200, path);
        assert.equal(sha256(got.body), digest, `${path} is served with its original content`);
      }
    });
  }

  it('a virtual repository deploying into a format repository is refused the same way', async () => {
    const put = await call(server, 'PUT', '/npm/secpkg/-/secpkg-1.0.0.tgz', { body: HOSTILE });
    assert.equal(put.status, 405, put.text);
    assert.equal(errorCode(put), 'ERR_REPO_FORMAT_WRITE');
  });

  it('npm: the packument still advertises the original tarball digest', async () => {
    const doc = (await call(server, 'GET', '/api/npm/npm-local/secpkg')).json() as {
      versions: Record<string, { dist: { shasum: string; tarball: string } }>;
    };
    const dist = doc.versions['1.0.0']!.dist;
    const tgz = await call(server, 'GET', new URL(dist.tarball).pathname);
    assert.equal(sha1(tgz.body), dist.shasum);
    assert.notEqual(dist.shasum, sha1(HOSTILE));
  });

  it('pypi: the simple index advertises the original #sha256 and pip installs the original file', async () => {
    const page = await call(server, 'GET', '/api/pypi/pypi-local/simple/secpkg/');
    const href = /href="([^"]+)#sha256=([0-9a-f]{64})"/.exec(page.text);
    assert.ok(href, page.text);
    const file = await call(
      server,
      'GET',
      new URL(href[1]!, `${server.url}/api/pypi/pypi-local/simple/secpkg/`).pathname,
    );
    assert.equal(sha256(file.body), href[2]);
    assert.notEqual(href[2], sha256(HOSTILE));
    const target = join(dir, 'pip-target');
    // Async: the server answering pip runs in this process.
    const pip = await run('python3', [
      '-m',
      'pip',
      'install',
      '--isolated',
      '--no-deps',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--target',
      target,
      '--index-url',
      `${server.url.replace('://', `://ci:${server.adminToken}@`)}/api/pypi/pypi-local/simple/`,
      '--no-input',
      'secpkg==1.0',
    ]);
    assert.equal(pip.code, 0, `pip install failed: ${pip.out}`);
    assert.equal(
      await readFile(join(target, 'secpkg/__init__.py'), 'utf8'),
      "ORIGIN = 'original'\n",
    );
  });

  it('OCI: a blob or manifest cannot be replaced through the internal layout; digests stay true', async () => {
    const tags = await call(server, 'GET', '/v2/docker-local/img/manifests/1.0', {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(tags.status, 200, tags.text);
    const manifestDigest = tags.headers.get('docker-content-digest')!;
    assert.equal(`sha256:${sha256(tags.body)}`, manifestDigest);
    const layers = JSON.parse(tags.text) as {
      layers: { digest: string }[];
      config: { digest: string };
    };
    for (const d of [layers.config.digest, ...layers.layers.map((l) => l.digest)]) {
      const hex = d.slice('sha256:'.length);
      const put = await call(server, 'PUT', `/docker-local/img/_blobs/sha256/${hex}`, {
        body: HOSTILE,
      });
      assert.equal(put.status, 405, put.text);
      const blob = await call(server, 'GET', `/v2/docker-local/img/blobs/${d}`);
      assert.equal(blob.status, 200);
      assert.equal(
        `sha256:${sha256(blob.body)}`,
        d,
        'the blob served under a digest has that digest',
      );
    }
    const hex = manifestDigest.slice('sha256:'.length);
    for (const path of [
      `img/_manifests/sha256/${hex}`,
      'img/_tags/1.0',
      `img/_blobs/sha256/${sha256(HOSTILE)}`,
    ]) {
      const put = await call(server, 'PUT', `/docker-local/${path}`, { body: HOSTILE });
      assert.equal(put.status, 405, `${path}: ${put.text}`);
    }
    const byDigest = await call(server, 'GET', `/v2/docker-local/img/manifests/${manifestDigest}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(`sha256:${sha256(byDigest.body)}`, manifestDigest);
    // The media type kept as a property cannot make the registry serve a manifest as HTML.
    const prop = await call(
      server,
      'PUT',
      `/api/storage/docker-local/img/_manifests/sha256/${hex}?properties=docker.manifest.mediaType=text/html`,
    );
    assert.equal(prop.status, 204, prop.text);
    const typed = await call(server, 'GET', `/v2/docker-local/img/manifests/${manifestDigest}`);
    assert.equal(typed.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    const planted = await call(
      server,
      'GET',
      `/v2/docker-local/img/blobs/sha256:${sha256(HOSTILE)}`,
    );
    assert.equal(planted.status, 404, 'nothing was planted under the hostile digest');
  });
});

describe('promotion respects format repositories', () => {
  it('no file of another format is promoted into a format repository, none moved out of one', async () => {
    const body = 'a generic file posing as a tarball';
    const stamp = ';build.name=planter;build.number=1';
    const path = 'secpkg/-/secpkg-1.0.1.tgz';
    assert.equal(
      (await call(server, 'PUT', `/generic-staging/${path}${stamp}`, { body })).status,
      201,
    );
    const info = {
      version: '1.0.1',
      name: 'planter',
      number: '1',
      started: '2026-11-29T07:00:00.000+0000',
      modules: [
        {
          id: 'planter:1',
          artifacts: [{ name: 'secpkg-1.0.1.tgz', path, sha1: sha1(body), sha256: sha256(body) }],
        },
      ],
    };
    const pub = await call(server, 'PUT', '/api/build', {
      body: JSON.stringify(info),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(pub.status, 204, pub.text);
    for (const copy of [true, false]) {
      const res = await call(server, 'POST', '/api/build/promote/planter/1', {
        body: JSON.stringify({ status: 'planted', targetRepo: 'npm-local', copy }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 409, res.text);
      assert.match(res.text, /npm repository is written only through its format's API/);
    }
    assert.equal((await call(server, 'GET', `/npm-local/${path}`)).status, 404);
    assert.equal((await call(server, 'GET', `/generic-staging/${path}`)).text, body);

    // Out of a format repository: a copy is fine, a move would leave the packument dangling.
    const tgz = await npmPublish('movepkg');
    const out = {
      ...info,
      name: 'mover',
      modules: [
        {
          id: 'mover:1',
          artifacts: [{ name: 'movepkg-1.0.0.tgz', sha1: sha1(tgz), sha256: sha256(tgz) }],
        },
      ],
    };
    await call(server, 'PUT', '/api/build', {
      body: JSON.stringify(out),
      headers: { 'content-type': 'application/json' },
    });
    const promote = (copy: boolean): Promise<Call> =>
      call(server, 'POST', '/api/build/promote/mover/1', {
        body: JSON.stringify({
          status: 'out',
          sourceRepo: 'npm-local',
          targetRepo: 'generic-staging',
          copy,
        }),
        headers: { 'content-type': 'application/json' },
      });
    const moved = await promote(false);
    assert.equal(moved.status, 409, moved.text);
    assert.match(moved.text, /cannot be moved to generic-staging/);
    assert.equal(
      sha1((await call(server, 'GET', '/npm-local/movepkg/-/movepkg-1.0.0.tgz')).body),
      sha1(tgz),
    );
    const copied = await promote(true);
    assert.equal(copied.status, 200, copied.text);
    assert.equal(
      sha1((await call(server, 'GET', '/generic-staging/movepkg/-/movepkg-1.0.0.tgz')).body),
      sha1(tgz),
    );
  });
});

describe('Maven: deployed by PUT through its layout, with its own rules', () => {
  const jar = (repo: string, v: string, file = `lib-${v}.jar`): string =>
    `/${repo}/org/sec/lib/${v}/${file}`;

  it('a release cannot be overwritten, a SNAPSHOT can, and allowRedeploy opens releases', async () => {
    assert.equal(
      (await call(server, 'PUT', jar('mvn-local', '1.0'), { body: 'release one' })).status,
      201,
    );
    const again = await call(server, 'PUT', jar('mvn-local', '1.0'), { body: HOSTILE });
    assert.equal(again.status, 409, again.text);
    assert.equal(errorCode(again), 'ERR_MAVEN_RELEASE_EXISTS');
    assert.equal((await call(server, 'GET', jar('mvn-local', '1.0'))).text, 'release one');
    const same = await call(server, 'PUT', jar('mvn-local', '1.0'), { body: 'release one' });
    assert.equal(same.status, 201, 'the same content again is accepted (mvn retries)');

    const snap = jar('mvn-local', '1.1-SNAPSHOT', 'lib-1.1-SNAPSHOT.jar');
    assert.equal((await call(server, 'PUT', snap, { body: 'snapshot a' })).status, 201);
    assert.equal((await call(server, 'PUT', snap, { body: 'snapshot b' })).status, 201);
    assert.equal((await call(server, 'GET', snap)).text, 'snapshot b');

    assert.equal(
      (await call(server, 'PUT', jar('mvn-redeploy', '1.0'), { body: 'first' })).status,
      201,
    );
    assert.equal(
      (await call(server, 'PUT', jar('mvn-redeploy', '1.0'), { body: 'second' })).status,
      201,
    );
    assert.equal((await call(server, 'GET', jar('mvn-redeploy', '1.0'))).text, 'second');
  });

  it('maven-metadata.xml is derived from what is stored, not from what a client sends', async () => {
    const bogus =
      '<?xml version="1.0"?><metadata><groupId>org.sec</groupId><artifactId>lib</artifactId><versioning><versions><version>6.6.6</version></versions></versioning></metadata>';
    await call(server, 'PUT', '/mvn-local/org/sec/lib/maven-metadata.xml', { body: bogus });
    const md = await call(server, 'GET', '/mvn-local/org/sec/lib/maven-metadata.xml');
    assert.doesNotMatch(md.text, /6\.6\.6/);
    assert.match(md.text, /<version>1\.0<\/version>/);
  });

  it('deleting versions derives maven-metadata.xml again from what is left', async () => {
    const md = (): Promise<string> =>
      call(server, 'GET', '/mvn-local/org/gone/tool/maven-metadata.xml').then((r) => r.text);
    for (const v of ['1.0', '2.0'])
      await call(server, 'PUT', `/mvn-local/org/gone/tool/${v}/tool-${v}.jar`, {
        body: `tool ${v}`,
      });
    assert.match(await md(), /<version>2\.0<\/version>/);
    assert.equal((await call(server, 'DELETE', '/mvn-local/org/gone/tool/2.0')).status, 204);
    const after = await md();
    assert.doesNotMatch(after, /<version>2\.0<\/version>/, 'the deleted version is not listed');
    assert.match(after, /<latest>1\.0<\/latest>/);
    assert.equal(
      (await call(server, 'DELETE', '/mvn-local/org/gone/tool/1.0/tool-1.0.jar')).status,
      204,
    );
    const gone = await call(server, 'GET', '/mvn-local/org/gone/tool/maven-metadata.xml');
    assert.equal(gone.status, 404, 'no version left: no metadata');
  });

  it('a generic repository still takes overwrites (it has no format rules)', async () => {
    assert.equal(
      (await call(server, 'PUT', '/generic-staging/x/a.txt', { body: 'one' })).status,
      201,
    );
    assert.equal(
      (await call(server, 'PUT', '/generic-staging/x/a.txt', { body: 'two' })).status,
      201,
    );
    assert.equal((await call(server, 'GET', '/generic-staging/x/a.txt')).text, 'two');
  });
});
