/**
 * The CRAN format through app.inject(): uploads (DESCRIPTION read from the tarball, checksums,
 * immutable versions), PACKAGES/PACKAGES.gz regenerated with the newest version and older ones
 * moved to Archive/, a remote proxying a second Stowage on 127.0.0.1, and a virtual that merges
 * both without letting the remote shadow a package its local member holds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH, downloadForBuild, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { tarGz } from './archives.ts';
import { parseDcf, renderRds } from '../src/formats/cran/dcf.ts';

const pkg = (name: string, version: string, extra = ''): Buffer =>
  tarGz({
    [`${name}/DESCRIPTION`]: `Package: ${name}\nVersion: ${version}\nTitle: T\nLicense: MIT\n${extra}`,
    [`${name}/R/f.R`]: 'f <- function() 1\n',
  });

const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
let up: TestApp;
let t: TestApp;

const put = (
  app: TestApp,
  url: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ statusCode: number; body: string; json: () => unknown }> =>
  app.app.inject({
    method: 'PUT',
    url,
    payload: body,
    headers: { ...AUTH, 'content-type': 'application/gzip', ...headers },
  });

before(async () => {
  up = await makeApp({
    auth: { anonymousRead: true },
    stages: STAGES,
    repositories: [{ key: 'generic-staging' }, { key: 'cran-up', packageType: 'cran' }],
  });
  await up.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = up.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  t = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'cran-local', packageType: 'cran' },
        {
          key: 'cran-remote',
          rclass: 'remote',
          packageType: 'cran',
          url: `http://127.0.0.1:${port}/api/cran/cran-up`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'cran',
          rclass: 'virtual',
          packageType: 'cran',
          repositories: ['cran-local', 'cran-remote'],
          defaultDeploymentRepo: 'cran-local',
        },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 2000 } },
  );
  for (const [n, v, extra] of [
    ['alpha', '1.0', ''],
    ['alpha', '1.1', 'Imports: stats\n'],
    ['shared', '9.9', ''],
  ] as const) {
    const res = await put(up, '/api/cran/cran-up/sources', pkg(n, v, extra));
    assert.equal(res.statusCode, 201, res.body);
  }
});

after(async () => {
  await t?.close();
  await up?.close();
});

test('an upload lands under its DESCRIPTION name and PACKAGES lists its newest version', async () => {
  const v1 = pkg('beta', '0.1-1');
  const res = await put(t, '/api/cran/cran/src/contrib/beta_0.1-1.tar.gz', v1, {
    'x-checksum-sha256': sums(v1).sha256,
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((res.json() as { repo: string }).repo, 'cran-local');
  assert.equal((await put(t, '/api/cran/cran-local/sources', pkg('beta', '0.2'))).statusCode, 201);
  const idx = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/PACKAGES',
    headers: AUTH,
  });
  assert.equal(idx.statusCode, 200);
  const [beta] = parseDcf(idx.body);
  assert.equal(beta?.Version, '0.2');
  assert.equal(beta?.MD5sum, sums(pkg('beta', '0.2')).md5);
  const gz = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/PACKAGES.gz',
    headers: AUTH,
  });
  assert.equal(gunzipSync(gz.rawPayload).toString(), idx.body);
  const old = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/Archive/beta/beta_0.1-1.tar.gz',
    headers: AUTH,
  });
  assert.equal(old.statusCode, 200);
  assert.equal(old.headers['x-checksum-sha256'], sums(v1).sha256);
  const gone = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/beta_0.1-1.tar.gz',
    headers: AUTH,
  });
  assert.equal(gone.statusCode, 404);
});

test('an older version goes straight to Archive and leaves PACKAGES alone', async () => {
  assert.equal(
    (await put(t, '/api/cran/cran-local/sources', pkg('beta', '0.1-5'))).statusCode,
    201,
  );
  const idx = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/PACKAGES',
    headers: AUTH,
  });
  assert.equal(parseDcf(idx.body).find((s) => s.Package === 'beta')?.Version, '0.2');
  const arch = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/Archive/beta/beta_0.1-5.tar.gz',
    headers: AUTH,
  });
  assert.equal(arch.statusCode, 200);
});

test('refuses an existing version, a wrong checksum, a misnamed file and a package without DESCRIPTION', async () => {
  const again = await put(t, '/api/cran/cran-local/sources', pkg('beta', '0.2'));
  assert.equal(again.statusCode, 409);
  assert.equal(errorCode(again), 'ERR_CRAN_VERSION_EXISTS');
  const archived = await put(t, '/api/cran/cran-local/sources', pkg('beta', '0.1-1'));
  assert.equal(errorCode(archived), 'ERR_CRAN_VERSION_EXISTS');
  const bad = await put(t, '/api/cran/cran-local/sources', pkg('gamma', '1.0'), {
    'x-checksum-sha256': '0'.repeat(64),
  });
  assert.equal(errorCode(bad), 'ERR_CHECKSUM_MISMATCH');
  const misnamed = await put(
    t,
    '/api/cran/cran-local/src/contrib/gamma_2.0.tar.gz',
    pkg('gamma', '1.0'),
  );
  assert.equal(errorCode(misnamed), 'ERR_CRAN_PACKAGE_INVALID');
  const empty = await put(t, '/api/cran/cran-local/sources', tarGz({ 'x/README': 'no' }));
  assert.equal(errorCode(empty), 'ERR_CRAN_PACKAGE_INVALID');
  const garbage = await put(t, '/api/cran/cran-local/sources', Buffer.from('not a tarball'));
  assert.equal(errorCode(garbage), 'ERR_CRAN_PACKAGE_INVALID');
  const anon = await t.app.inject({
    method: 'PUT',
    url: '/api/cran/cran-local/sources',
    payload: pkg('gamma', '1.0'),
  });
  assert.equal(anon.statusCode, 401);
  const listed = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/PACKAGES',
    headers: AUTH,
  });
  assert.ok(!listed.body.includes('gamma'), 'nothing refused is listed');
});

test('a remote proxies the upstream index and files; a virtual merges them behind its local', async () => {
  const remote = await t.app.inject({
    url: '/api/cran/cran-remote/src/contrib/PACKAGES.gz',
    headers: AUTH,
  });
  assert.equal(remote.statusCode, 200);
  const names = parseDcf(gunzipSync(remote.rawPayload).toString()).map((s) => s.Package);
  assert.deepEqual(names.sort(), ['alpha', 'shared']);
  // The local member now holds "shared" too: the virtual must not take it from the remote.
  assert.equal(
    (await put(t, '/api/cran/cran-local/sources', pkg('shared', '0.1'))).statusCode,
    201,
  );
  const merged = await t.app.inject({ url: '/api/cran/cran/src/contrib/PACKAGES', headers: AUTH });
  const byName = new Map(parseDcf(merged.body).map((s) => [s.Package, s.Version]));
  assert.equal(byName.get('alpha'), '1.1');
  assert.equal(byName.get('beta'), '0.2');
  assert.equal(byName.get('shared'), '0.1', 'the local version wins');
  const shadowed = await t.app.inject({
    url: '/api/cran/cran/src/contrib/shared_9.9.tar.gz',
    headers: AUTH,
  });
  assert.equal(shadowed.statusCode, 404, 'the remote copy is not served through the virtual');
  const file = await t.app.inject({
    url: '/api/cran/cran/src/contrib/alpha_1.1.tar.gz',
    headers: AUTH,
  });
  assert.equal(file.statusCode, 200);
  assert.equal(
    file.headers['x-checksum-sha256'],
    sums(pkg('alpha', '1.1', 'Imports: stats\n')).sha256,
  );
  const archived = await t.app.inject({
    url: '/api/cran/cran/src/contrib/Archive/alpha/alpha_1.0.tar.gz',
    headers: AUTH,
  });
  assert.equal(archived.statusCode, 200);
  const rds = await t.app.inject({ url: '/api/cran/cran/src/contrib/PACKAGES.rds', headers: AUTH });
  assert.equal(rds.statusCode, 200);
  assert.equal(rds.rawPayload[0], 0x1f, 'PACKAGES.rds is gzip-compressed');
});

test('a cache-miss package through a remote is recorded for the build (matrix and build token)', async () => {
  const cold = pkg('coldr', '1.0');
  assert.equal((await put(up, '/api/cran/cran-up/sources', cold)).statusCode, 201);
  const res = await t.app.inject({
    url: '/api/cran/cran;build.name=cran-cold;build.number=1/src/contrib/coldr_1.0.tar.gz',
    headers: AUTH,
  });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  const dl = await t.app.inject({
    url: '/api/stowage/v1/builds/cran-cold/1/downloads',
    headers: AUTH,
  });
  const { downloads } = dl.json() as {
    downloads: { repo: string; path: string; sha256: string }[];
  };
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['cran', 'src/contrib/coldr_1.0.tar.gz', sums(cold).sha256]],
  );
  const archived = await downloadForBuild(
    t.app,
    '/api/cran/cran-remote/src/contrib/Archive/alpha/alpha_1.0.tar.gz',
    { name: 'cran-cold', number: '2' },
    'token',
  );
  assert.equal(archived.res.statusCode, 200);
  assert.deepEqual(
    archived.downloads.map((d) => `${d.repo}/${d.path}`),
    ['cran-remote/src/contrib/Archive/alpha/alpha_1.0.tar.gz'],
  );
});

test('src/contrib/Meta/archive.rds lists the archived versions as R reads them (Rscript readRDS)', async (t2) => {
  const res = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/Meta/archive.rds',
    headers: AUTH,
  });
  assert.equal(res.statusCode, 200, res.body);
  const viaVirtual = await t.app.inject({
    url: '/api/cran/cran/src/contrib/Meta/archive.rds',
    headers: AUTH,
  });
  assert.deepEqual(viaVirtual.rawPayload, res.rawPayload, 'a virtual lists its local members');
  const archived = (
    (
      await t.app.inject({
        url: '/api/storage/cran-local/src/contrib/Archive?list&deep=1',
        headers: AUTH,
      })
    ).json() as { files: { uri: string }[] }
  ).files.map((f) => f.uri.replace(/^\//, ''));
  assert.ok(archived.length > 0, 'the earlier tests archived versions');
  try {
    execFileSync('Rscript', ['--version'], { stdio: 'ignore' });
  } catch {
    t2.skip('no Rscript here to read the file back');
    return;
  }
  const file = join(t.dir, 'archive.rds');
  writeFileSync(file, res.rawPayload);
  const out = execFileSync(
    'Rscript',
    [
      '-e',
      `a <- readRDS(${JSON.stringify(file)}); for (p in names(a)) for (r in rownames(a[[p]])) cat(r, a[[p]][r, "size"], inherits(a[[p]]$mtime, "POSIXct"), "\\n")`,
    ],
    { encoding: 'utf8' },
  );
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(' '));
  assert.deepEqual(rows.map((r) => r[0]).sort(), archived.sort());
  for (const r of rows) {
    assert.ok(Number(r[1]) > 0, `${r[0]} has its size`);
    assert.equal(r[2], 'TRUE', 'mtime is a POSIXct');
  }
});

test('with the upstream down, the cached index and files are still served', async () => {
  await up.app.close();
  const idx = await t.app.inject({
    url: '/api/cran/cran-remote/src/contrib/PACKAGES.gz',
    headers: AUTH,
  });
  assert.equal(idx.statusCode, 200);
  assert.equal(idx.headers['x-stowage-cache'], 'stale');
  const file = await t.app.inject({
    url: '/api/cran/cran/src/contrib/alpha_1.1.tar.gz',
    headers: AUTH,
  });
  assert.equal(file.statusCode, 200);
});

test('PACKAGES.rds serializes NA for missing fields and UTF-8 strings', () => {
  const rds = renderRds([
    { Package: 'a', Version: '1' },
    { Package: 'ü', Version: '2', Imports: 'x' },
  ]);
  assert.ok(rds.length > 20);
});

test('other formats are refused and unknown paths are 404', async () => {
  const res = await t.app.inject({
    url: '/api/cran/generic-staging/src/contrib/PACKAGES',
    headers: AUTH,
  });
  assert.equal(errorCode(res), 'ERR_REPO_INVALID');
  const none = await t.app.inject({
    url: '/api/cran/cran-local/src/contrib/nothing_1.0.tar.gz',
    headers: AUTH,
  });
  assert.equal(none.statusCode, 404);
  const up2 = await put(t, '/api/cran/cran-local/src/contrib/PACKAGES', Buffer.from('x'));
  assert.equal(errorCode(up2), 'ERR_PATH_INVALID');
});
