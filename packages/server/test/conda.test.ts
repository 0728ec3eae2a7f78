/**
 * The Conda format through app.inject(): `.conda` uploads (info/index.json read from the zip's
 * zstd tar, checked against the file name and subdir; checksums; immutable files), `.tar.bz2`
 * uploads (info/index.json read from the streamed bzip2 tar; the test compresses with Python's
 * bz2 module, as Node has no bzip2 encoder), repodata
 * regenerated, a remote proxying a second Stowage on 127.0.0.1, and a virtual that merges
 * repodata without letting the remote shadow a package name its local member holds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import yazl from 'yazl';
import { AUTH, downloadForBuild, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { tar, tarZst } from './archives.ts';

/** bzip2 with Python's bz2 module (Debian's python3, which CI installs for the Conda tests). */
function bzip2(data: Buffer): Buffer {
  return execFileSync(
    '/usr/bin/python3',
    ['-c', 'import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read(), 9))'],
    { input: data, maxBuffer: 64 << 20 },
  );
}

/** A `.tar.bz2` package; `filler` bytes of incompressible data go before info/index.json. */
function tarBz2Pkg(
  name: string,
  version: string,
  build: string,
  subdir: string,
  opts: { filler?: number; index?: boolean } = {},
): Buffer {
  const index = { name, version, build, build_number: 0, depends: [], subdir };
  return bzip2(
    tar({
      'lib/x.txt': 'x',
      ...(opts.filler ? { 'lib/filler.bin': randomBytes(opts.filler) } : {}),
      ...(opts.index === false ? {} : { 'info/index.json': JSON.stringify(index) }),
    }),
  );
}

async function condaPkg(
  name: string,
  version: string,
  build: string,
  subdir: string,
): Promise<Buffer> {
  const z = new yazl.ZipFile();
  const o = { mtime: new Date(0) };
  const index = { name, version, build, build_number: 0, depends: [], subdir };
  z.addBuffer(Buffer.from('{"conda_pkg_format_version": 2}'), 'metadata.json', o);
  z.addBuffer(tarZst({ 'lib/x.txt': 'x' }), `pkg-${name}-${version}-${build}.tar.zst`, o);
  z.addBuffer(
    tarZst({ 'info/index.json': JSON.stringify(index) }),
    `info-${name}-${version}-${build}.tar.zst`,
    o,
  );
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
let up: TestApp;
let t: TestApp;
type Res = {
  statusCode: number;
  body: string;
  json: () => unknown;
  headers: Record<string, unknown>;
};
const put = (
  app: TestApp,
  url: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<Res> =>
  app.app.inject({
    method: 'PUT',
    url,
    payload: body,
    headers: { ...AUTH, 'content-type': 'application/octet-stream', ...headers },
  });
const get = (app: TestApp, url: string): Promise<Res> => app.app.inject({ url, headers: AUTH });

before(async () => {
  up = await makeApp({
    auth: { anonymousRead: true },
    stages: STAGES,
    repositories: [{ key: 'generic-staging' }, { key: 'conda-up', packageType: 'conda' }],
  });
  await up.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = up.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  t = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'conda-local', packageType: 'conda' },
        {
          key: 'conda-remote',
          rclass: 'remote',
          packageType: 'conda',
          url: `http://127.0.0.1:${port}/api/conda/conda-up`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'conda',
          rclass: 'virtual',
          packageType: 'conda',
          repositories: ['conda-local', 'conda-remote'],
          defaultDeploymentRepo: 'conda-local',
        },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 2000 } },
  );
  for (const [n, v] of [
    ['numpyish', '1.0'],
    ['shared', '9.0'],
  ] as const) {
    const res = await put(
      up,
      `/api/conda/conda-up/linux-64/${n}-${v}-0.conda`,
      await condaPkg(n, v, '0', 'linux-64'),
    );
    assert.equal(res.statusCode, 201, res.body);
  }
});

after(async () => {
  await t?.close();
  await up?.close();
});

test('an upload is checked against its index.json and listed in the subdir repodata', async () => {
  const body = await condaPkg('app', '1.0', 'h1_0', 'linux-64');
  const res = await put(t, '/api/conda/conda/linux-64/app-1.0-h1_0.conda', body, {
    'x-checksum-sha256': sums(body).sha256,
  });
  assert.equal(res.statusCode, 201, res.body);
  const rd = (await get(t, '/api/conda/conda-local/linux-64/repodata.json')).json() as {
    'packages.conda': Record<string, { sha256: string; size: number }>;
  };
  assert.equal(rd['packages.conda']['app-1.0-h1_0.conda']?.sha256, sums(body).sha256);
  assert.equal(rd['packages.conda']['app-1.0-h1_0.conda']?.size, body.length);
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/linux-64/app-1.0-h1_0.conda', body)),
    'ERR_CONDA_FILE_EXISTS',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/linux-64/app-2.0-h1_0.conda', body)),
    'ERR_CONDA_PACKAGE_INVALID',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/noarch/app-1.0-h1_0.conda', body)),
    'ERR_CONDA_PACKAGE_INVALID',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/linux-64/b-1-0.conda', Buffer.from('junk'))),
    'ERR_CONDA_PACKAGE_INVALID',
  );
  assert.equal(
    errorCode(
      await put(t, '/api/conda/conda-local/linux-64/b-1-0.conda', body, {
        'x-checksum-sha256': '0'.repeat(64),
      }),
    ),
    'ERR_CHECKSUM_MISMATCH',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/linux-64/b-1-0.tar.bz2', body)),
    'ERR_CONDA_PACKAGE_INVALID',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda-local/linux-64/repodata.json', body)),
    'ERR_PATH_INVALID',
  );
  const noarch = (await get(t, '/api/conda/conda-local/noarch/repodata.json')).json() as {
    info: { subdir: string };
  };
  assert.equal(noarch.info.subdir, 'noarch');
});

test('a .tar.bz2 upload is read from its streamed bzip2 tar and listed under packages', async () => {
  // 2 MB of random data before info/index.json: three bzip2 blocks are decoded on the way.
  const body = tarBz2Pkg('bzapp', '2.0', 'h1_0', 'linux-64', { filler: 2 << 20 });
  const url = '/api/conda/conda/linux-64/bzapp-2.0-h1_0.tar.bz2';
  const res = await put(t, url, body, { 'x-checksum-md5': sums(body).md5 });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((res.json() as { repo: string }).repo, 'conda-local');
  type Rd = {
    packages: Record<string, { md5: string; sha256: string; size: number; name: string }>;
    'packages.conda': Record<string, unknown>;
  };
  for (const index of ['repodata.json', 'current_repodata.json']) {
    const rd = (await get(t, `/api/conda/conda-local/linux-64/${index}`)).json() as Rd;
    const rec = rd.packages['bzapp-2.0-h1_0.tar.bz2'];
    assert.equal(rec?.name, 'bzapp', index);
    assert.equal(rec.sha256, sums(body).sha256);
    assert.equal(rec.md5, sums(body).md5);
    assert.equal(rec.size, body.length);
    assert.equal(rd['packages.conda']['bzapp-2.0-h1_0.tar.bz2'], undefined);
  }
  const merged = (await get(t, '/api/conda/conda/linux-64/repodata.json')).json() as Rd;
  assert.ok(merged.packages['bzapp-2.0-h1_0.tar.bz2'], 'the virtual lists it');
  const file = await get(t, url);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['x-checksum-sha256'], sums(body).sha256);
  const again = await put(t, url, body);
  assert.equal(again.statusCode, 409);
  assert.equal(errorCode(again), 'ERR_CONDA_FILE_EXISTS');
  const small = tarBz2Pkg('bzapp', '2.0', 'h1_0', 'linux-64');
  assert.equal(
    errorCode(await put(t, url.replace('bzapp-2.0', 'bzapp-2.1'), small)),
    'ERR_CONDA_PACKAGE_INVALID',
    'a name that is not the index.json’s is refused',
  );
  assert.equal(
    errorCode(await put(t, '/api/conda/conda/osx-64/bzapp-2.0-h1_0.tar.bz2', small)),
    'ERR_CONDA_PACKAGE_INVALID',
    'a linux-64 package is refused in osx-64',
  );
  assert.equal(
    errorCode(
      await put(t, url.replace('2.0', '2.2'), body, { 'x-checksum-sha256': '0'.repeat(64) }),
    ),
    'ERR_CHECKSUM_MISMATCH',
  );
});

test('bad .tar.bz2 uploads: no info/index.json, a corrupt or truncated bzip2 stream', async () => {
  const url = '/api/conda/conda-local/linux-64/bad-1.0-0.tar.bz2';
  const invalid = async (body: Buffer, message: RegExp): Promise<void> => {
    const res = await put(t, url, body);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(errorCode(res), 'ERR_CONDA_PACKAGE_INVALID');
    assert.match(res.body, message);
  };
  await invalid(tarBz2Pkg('bad', '1.0', '0', 'linux-64', { index: false }), /no info\/index\.json/);
  const good = tarBz2Pkg('bad', '1.0', '0', 'linux-64', { filler: 1 << 20 });
  const corrupt = Buffer.from(good);
  for (let i = 0; i < 64; i++) {
    const at = (good.length >> 1) + i;
    corrupt[at] = (corrupt[at] ?? 0) ^ 0x5a;
  }
  await invalid(corrupt, /cannot be read \(bzip2: /);
  await invalid(good.subarray(0, good.length - 1000), /cannot be read \(bzip2: /);
  await invalid(Buffer.from('BZh9 not really'), /cannot be read/);
  await invalid(bzip2(Buffer.from('not a tar at all')), /no info\/index\.json/);
  const rd = (await get(t, '/api/conda/conda-local/linux-64/repodata.json')).json() as {
    packages: Record<string, unknown>;
  };
  assert.equal(rd.packages['bad-1.0-0.tar.bz2'], undefined, 'nothing was stored');
  assert.equal((await get(t, url)).statusCode, 404);
});

test('a virtual merges the remote, but a name its local holds is never taken from the remote', async () => {
  assert.equal(
    (
      await put(
        t,
        '/api/conda/conda-local/linux-64/shared-0.1-0.conda',
        await condaPkg('shared', '0.1', '0', 'linux-64'),
      )
    ).statusCode,
    201,
  );
  const rd = (await get(t, '/api/conda/conda/linux-64/repodata.json')).json() as {
    'packages.conda': Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(rd['packages.conda']).sort(), [
    'app-1.0-h1_0.conda',
    'numpyish-1.0-0.conda',
    'shared-0.1-0.conda',
  ]);
  assert.equal((await get(t, '/api/conda/conda/linux-64/shared-9.0-0.conda')).statusCode, 404);
  const file = await get(t, '/api/conda/conda/linux-64/numpyish-1.0-0.conda');
  assert.equal(file.statusCode, 200);
  assert.equal(
    file.headers['x-checksum-sha256'],
    sums(await condaPkg('numpyish', '1.0', '0', 'linux-64')).sha256,
  );
  assert.equal(
    (await get(t, '/api/conda/conda-remote/linux-64/current_repodata.json')).statusCode,
    200,
  );
  for (const repo of ['conda', 'conda-local']) {
    assert.equal(
      (await get(t, `/api/conda/${repo}/linux-64/repodata.json.bz2`)).statusCode,
      404,
      'no .bz2 repodata is made: clients fall back to .zst or plain JSON',
    );
  }
});

test('a cache-miss package through a remote is recorded for the build (headers and matrix)', async () => {
  const pkg = await condaPkg('coldpkg', '2.0', '0', 'linux-64');
  assert.equal(
    (await put(up, '/api/conda/conda-up/linux-64/coldpkg-2.0-0.conda', pkg)).statusCode,
    201,
  );
  const { res, downloads } = await downloadForBuild(
    t.app,
    '/api/conda/conda/linux-64/coldpkg-2.0-0.conda',
    { name: 'conda-cold', number: '1' },
  );
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['conda', 'linux-64/coldpkg-2.0-0.conda', sums(pkg).sha256]],
  );
});

test('with the upstream down, the cached repodata and packages are served', async () => {
  await up.app.close();
  const rd = await get(t, '/api/conda/conda-remote/linux-64/repodata.json');
  assert.equal(rd.statusCode, 200);
  assert.equal(rd.headers['x-stowage-cache'], 'stale');
  assert.equal((await get(t, '/api/conda/conda/linux-64/numpyish-1.0-0.conda')).statusCode, 200);
});
