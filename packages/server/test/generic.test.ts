import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTH, deploy, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { storedBlobs as blobFiles } from './stored-blobs.ts';

let t: TestApp;
before(async () => {
  // GC grace period 0: a blob nothing references goes at once (the default keeps it 10 minutes).
  t = await makeApp({ gc: { graceSec: 0 } });
});
after(async () => t.close());

test('deploy with matrix properties, then download with checksum headers', async () => {
  const data = 'report,rows\nnightly,42\n';
  const res = await deploy(
    t.app,
    '/generic-staging/reports/2026/report.csv;build.name=nightly;build.number=1',
    data,
    {
      'x-checksum-sha1': sums(data).sha1,
      'x-checksum-sha256': sums(data).sha256,
    },
  );
  assert.equal(res.statusCode, 201, res.body);
  const info = res.json() as Record<string, unknown>;
  assert.equal(info.path, '/reports/2026/report.csv');
  assert.deepEqual(info.checksums, {
    sha1: sums(data).sha1,
    md5: sums(data).md5,
    sha256: sums(data).sha256,
  });
  assert.deepEqual(info.properties, { 'build.name': ['nightly'], 'build.number': ['1'] });

  const get = await t.app.inject({
    url: '/generic-staging/reports/2026/report.csv',
    headers: AUTH,
  });
  assert.equal(get.statusCode, 200);
  assert.equal(get.body, data);
  assert.equal(get.headers['content-length'], String(Buffer.byteLength(data)));
  assert.equal(get.headers['x-checksum-sha256'], sums(data).sha256);
  assert.equal(get.headers['x-checksum-sha1'], sums(data).sha1);
  assert.equal(get.headers['x-checksum-md5'], sums(data).md5);
  assert.equal(get.headers['content-type'], 'text/csv');

  const head = await t.app.inject({
    method: 'HEAD',
    url: '/generic-staging/reports/2026/report.csv',
    headers: AUTH,
  });
  assert.equal(head.statusCode, 200);
  assert.equal(head.headers['content-length'], String(Buffer.byteLength(data)));
  assert.equal(head.body, '');

  const cached = await t.app.inject({
    url: '/generic-staging/reports/2026/report.csv',
    headers: { ...AUTH, 'if-none-match': `"${sums(data).sha1}"` },
  });
  assert.equal(cached.statusCode, 304);
});

test('range requests return 206 with Content-Range, and 416 outside the file', async () => {
  await deploy(t.app, '/generic-staging/range/digits.txt', '0123456789');
  const mid = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: { ...AUTH, range: 'bytes=2-5' },
  });
  assert.equal(mid.statusCode, 206);
  assert.equal(mid.body, '2345');
  assert.equal(mid.headers['content-range'], 'bytes 2-5/10');
  const tail = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: { ...AUTH, range: 'bytes=-3' },
  });
  assert.equal(tail.body, '789');
  const open = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: { ...AUTH, range: 'bytes=7-' },
  });
  assert.equal(open.body, '789');
  const bad = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: { ...AUTH, range: 'bytes=20-30' },
  });
  assert.equal(bad.statusCode, 416);
  assert.equal(bad.headers['content-range'], 'bytes */10');
});

test('a checksum that does not match the body is rejected and nothing is stored', async () => {
  const before = await blobFiles(t.dir);
  const res = await deploy(t.app, '/generic-staging/bad/x.bin', 'unexpected body', {
    'x-checksum-sha256': sums('expected body').sha256,
  });
  assert.equal(res.statusCode, 409);
  assert.equal(errorCode(res), 'ERR_CHECKSUM_MISMATCH');
  assert.match(
    (res.json() as { errors: { message: string }[] }).errors[0]?.message ?? '',
    /upload the file again/,
  );
  const get = await t.app.inject({ url: '/generic-staging/bad/x.bin', headers: AUTH });
  assert.equal(get.statusCode, 404);
  assert.deepEqual(await blobFiles(t.dir), before);
  assert.deepEqual(await readdir(join(t.dir, 'tmp')), []);
  const malformed = await deploy(t.app, '/generic-staging/bad/y.bin', 'x', {
    'x-checksum-sha1': 'not-hex',
  });
  assert.equal(malformed.statusCode, 400);
  assert.equal(errorCode(malformed), 'ERR_CHECKSUM_INVALID');
});

test('identical content is stored once; deleting the last reference removes the blob', async () => {
  const data = `dedupe-${Date.now()}`;
  const before = (await blobFiles(t.dir)).length;
  assert.equal((await deploy(t.app, '/generic-staging/dup/a.txt', data)).statusCode, 201);
  assert.equal((await deploy(t.app, '/generic-qa/dup/b.txt', data)).statusCode, 201);
  assert.equal((await blobFiles(t.dir)).length, before + 1);
  assert.equal(
    (await t.app.inject({ method: 'DELETE', url: '/generic-staging/dup/a.txt', headers: AUTH }))
      .statusCode,
    204,
  );
  assert.equal((await blobFiles(t.dir)).length, before + 1, 'still referenced by generic-qa');
  assert.equal(
    (await t.app.inject({ method: 'DELETE', url: '/generic-qa/dup', headers: AUTH })).statusCode,
    204,
  );
  assert.equal((await blobFiles(t.dir)).length, before);
  const gone = await t.app.inject({ method: 'DELETE', url: '/generic-qa/dup', headers: AUTH });
  assert.equal(gone.statusCode, 404);
});

test('X-Checksum-Deploy stores by checksum without a body, or says to upload the body', async () => {
  const data = 'deploy me by checksum';
  await deploy(t.app, '/generic-staging/cs/original.txt', data);
  const ok = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/cs/copy.txt;k=v',
    headers: { ...AUTH, 'x-checksum-deploy': 'true', 'x-checksum-sha1': sums(data).sha1 },
  });
  assert.equal(ok.statusCode, 201, ok.body);
  const get = await t.app.inject({ url: '/generic-staging/cs/copy.txt', headers: AUTH });
  assert.equal(get.body, data);
  const missing = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/cs/missing.txt',
    headers: {
      ...AUTH,
      'x-checksum-deploy': 'true',
      'x-checksum-sha256': sums('never uploaded').sha256,
    },
  });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'ERR_CHECKSUM_DEPLOY_MISSING');
  assert.match(missing.body, /upload the body instead/);
});

test('paths that climb out of the repository or hide separators are rejected', async () => {
  // A real socket: app.inject() would normalise "..", but a hostile client does not.
  const { request } = await import('node:http');
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const send = (method: string, path: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: AUTH }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(method === 'PUT' ? 'x' : undefined);
    });
  const bad = [
    '/generic-staging/a/../../etc/passwd',
    '/generic-staging/a/%2e%2e/x',
    '/generic-staging/a%2fb',
    '/generic-staging/a%5cb',
    '/generic-staging/a%00b',
    '/generic-staging/./x',
  ];
  for (const url of bad) {
    for (const method of ['PUT', 'GET']) {
      const res = await send(method, url);
      assert.equal(res.status, 400, `${method} ${url}`);
      assert.equal(
        (JSON.parse(res.body) as { errors: { code: string }[] }).errors[0]?.code,
        'ERR_PATH_INVALID',
      );
    }
  }
  const listed = await t.app.inject({
    url: '/api/storage/generic-staging?list&deep=1',
    headers: AUTH,
  });
  assert.ok(!listed.body.includes('passwd'));
});

test('unknown repositories, missing tokens and bad tokens get clear errors', async () => {
  const noRepo = await deploy(t.app, '/no-such-repo/a.txt', 'x');
  assert.equal(noRepo.statusCode, 404);
  assert.equal(errorCode(noRepo), 'ERR_REPO_NOT_FOUND');
  const noToken = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/anon.txt',
    payload: 'x',
  });
  assert.equal(noToken.statusCode, 401);
  assert.equal(errorCode(noToken), 'ERR_AUTH_REQUIRED');
  assert.ok(noToken.headers['www-authenticate']);
  const badToken = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/anon.txt',
    payload: 'x',
    headers: { authorization: 'Bearer wrong' },
  });
  assert.equal(badToken.statusCode, 401);
  assert.equal(errorCode(badToken), 'ERR_AUTH_INVALID');
  const read = await t.app.inject({ url: '/generic-staging/range/digits.txt' });
  assert.equal(read.statusCode, 401, 'anonymous read is off by default');
  const basic = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: {
      authorization: `Basic ${Buffer.from(`ci:${AUTH.authorization.slice(7)}`).toString('base64')}`,
    },
  });
  assert.equal(basic.statusCode, 200, 'basic auth with the token as password');
  assert.equal(
    (await t.app.inject({ url: '/generic-staging/anon.txt', headers: AUTH })).statusCode,
    404,
  );
});

test('anonymous read can be switched on; writes still need a token', async () => {
  const open = await makeApp({ auth: { anonymousRead: true } });
  try {
    await deploy(open.app, '/generic-staging/pub.txt', 'public');
    const read = await open.app.inject({ url: '/generic-staging/pub.txt' });
    assert.equal(read.statusCode, 200);
    assert.equal(read.body, 'public');
    const write = await open.app.inject({
      method: 'PUT',
      url: '/generic-staging/pub2.txt',
      payload: 'x',
    });
    assert.equal(write.statusCode, 401);
  } finally {
    await open.close();
  }
});

test('a folder GET answers an HTML index', async () => {
  const res = await t.app.inject({ url: '/generic-staging/reports/', headers: AUTH });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /text\/html/);
  assert.match(res.body, /2026\//);
});

test('downloads are recorded with the build that asked for them', async () => {
  const res = await t.app.inject({
    url: '/generic-staging/range/digits.txt',
    headers: { ...AUTH, 'x-stowage-build-name': 'consumer', 'x-stowage-build-number': '3' },
  });
  assert.equal(res.statusCode, 200);
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(t.dir, 'metadata.db'));
  const row = db
    .prepare(
      "SELECT repo, path, build_name, build_number FROM downloads WHERE build_name = 'consumer'",
    )
    .get();
  db.close();
  assert.deepEqual(
    { ...row },
    {
      repo: 'generic-staging',
      path: 'range/digits.txt',
      build_name: 'consumer',
      build_number: '3',
    },
  );
});
