import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, deploy, errorCode, makeApp, sums, type TestApp } from './helpers.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await deploy(
    t.app,
    '/generic-staging/app/1.0/app.tgz;build.name=app;build.number=1',
    'tgz bytes',
  );
  await deploy(t.app, '/generic-staging/app/1.0/notes.txt', 'notes');
  await deploy(t.app, '/generic-staging/app/2.0/app.tgz', 'tgz bytes v2');
});
after(async () => t.close());

test('file info has size, dates and checksums', async () => {
  const res = await t.app.inject({
    url: '/api/storage/generic-staging/app/1.0/app.tgz',
    headers: AUTH,
  });
  assert.equal(res.statusCode, 200);
  const info = res.json() as Record<string, unknown>;
  assert.equal(info.repo, 'generic-staging');
  assert.equal(info.path, '/app/1.0/app.tgz');
  assert.equal(info.size, String(Buffer.byteLength('tgz bytes')));
  assert.deepEqual(info.checksums, {
    sha1: sums('tgz bytes').sha1,
    md5: sums('tgz bytes').md5,
    sha256: sums('tgz bytes').sha256,
  });
  assert.match(String(info.created), /^\d{4}-\d{2}-\d{2}T/);
  assert.match(String(info.downloadUri), /\/generic-staging\/app\/1\.0\/app\.tgz$/);
});

test('folder info lists children; list&deep lists every file with checksums', async () => {
  const folder = (
    await t.app.inject({ url: '/api/storage/generic-staging/app', headers: AUTH })
  ).json() as { children: { uri: string; folder: boolean }[] };
  assert.deepEqual(folder.children, [
    { uri: '/1.0', folder: true },
    { uri: '/2.0', folder: true },
  ]);
  const list = (
    await t.app.inject({
      url: '/api/storage/generic-staging/app?list&deep=1&listFolders=0',
      headers: AUTH,
    })
  ).json() as {
    files: { uri: string; size: number; sha1: string; folder: boolean }[];
  };
  assert.deepEqual(
    list.files.map((f) => f.uri),
    ['/1.0/app.tgz', '/1.0/notes.txt', '/2.0/app.tgz'],
  );
  assert.equal(list.files[0]?.sha1, sums('tgz bytes').sha1);
  const root = (
    await t.app.inject({ url: '/api/storage/generic-staging', headers: AUTH })
  ).json() as { children: { uri: string }[] };
  assert.deepEqual(
    root.children.map((c) => c.uri),
    ['/app'],
  );
  const missing = await t.app.inject({ url: '/api/storage/generic-staging/nope', headers: AUTH });
  assert.equal(missing.statusCode, 404);
});

test('properties: read, set on a file, set recursively on a folder, delete', async () => {
  const read = (
    await t.app.inject({
      url: '/api/storage/generic-staging/app/1.0/app.tgz?properties',
      headers: AUTH,
    })
  ).json() as { properties: Record<string, string[]> };
  assert.deepEqual(read.properties, { 'build.name': ['app'], 'build.number': ['1'] });
  const set = await t.app.inject({
    method: 'PUT',
    url: '/api/storage/generic-staging/app/1.0/app.tgz?properties=os=linux;arch=amd64,arm64',
    headers: AUTH,
  });
  assert.equal(set.statusCode, 204);
  const after1 = (
    await t.app.inject({
      url: '/api/storage/generic-staging/app/1.0/app.tgz?properties=os,arch',
      headers: AUTH,
    })
  ).json() as { properties: Record<string, string[]> };
  assert.deepEqual(after1.properties, { arch: ['amd64', 'arm64'], os: ['linux'] });
  const rec = await t.app.inject({
    method: 'PUT',
    url: '/api/storage/generic-staging/app?properties=team=data&recursive=1',
    headers: AUTH,
  });
  assert.equal(rec.statusCode, 204);
  const v2 = (
    await t.app.inject({
      url: '/api/storage/generic-staging/app/2.0/app.tgz?properties',
      headers: AUTH,
    })
  ).json() as { properties: Record<string, string[]> };
  assert.deepEqual(v2.properties, { team: ['data'] });
  const del = await t.app.inject({
    method: 'DELETE',
    url: '/api/storage/generic-staging/app/1.0/app.tgz?properties=os,arch',
    headers: AUTH,
  });
  assert.equal(del.statusCode, 204);
  const after2 = (
    await t.app.inject({
      url: '/api/storage/generic-staging/app/1.0/app.tgz?properties',
      headers: AUTH,
    })
  ).json() as { properties: Record<string, string[]> };
  assert.deepEqual(Object.keys(after2.properties).sort(), ['build.name', 'build.number', 'team']);
  const noProps = await t.app.inject({
    method: 'PUT',
    url: '/api/storage/generic-staging/app/1.0/app.tgz',
    headers: AUTH,
  });
  assert.equal(noProps.statusCode, 400);
  const missing = await t.app.inject({
    method: 'PUT',
    url: '/api/storage/generic-staging/none.txt?properties=a=b',
    headers: AUTH,
  });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'ERR_NOT_FOUND');
  const anon = await t.app.inject({
    method: 'PUT',
    url: '/api/storage/generic-staging/app?properties=a=b',
  });
  assert.equal(anon.statusCode, 401);
});
