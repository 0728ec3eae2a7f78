/**
 * Blob garbage collection against a real server (README "Security model"): a blob no artifact
 * references is removed after overwrites, deletes and promotions with move — counted as files
 * on disk — but only once it is older than the grace period (`gc.graceSec`), so a concurrent
 * deploy of the same content never loses its blob; `POST /api/stowage/v1/gc` (admin) sweeps
 * unreferenced records and blob files a crash left without a record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '@stowage/server';
import { APPS_ON_PG } from '../../packages/server/test/pg.ts';
import {
  call,
  errorCode,
  packBlob,
  packedBlobs,
  serve,
  storedBlobs,
  type Call,
  sha1,
  sha256,
  tempDir,
} from './helpers.ts';

const STAGES = [
  { name: 'staged', repo: 'generic-staging' },
  { name: 'qa', repo: 'generic-qa' },
];
const REPOS = STAGES.map((s) => ({ key: s.repo, rclass: 'local', packageType: 'generic' }));

let dir: string;

before(async () => {
  dir = await tempDir('gc');
});
after(async () => rm(dir, { recursive: true, force: true }));

describe('blob garbage collection (grace period 0)', () => {
  let server: RunningServer;
  let data: string;
  before(async () => {
    data = join(dir, 'zero');
    server = await serve(data, { repositories: REPOS, stages: STAGES });
  });
  after(async () => server?.close());

  it('200 overwrites of one path leave exactly one blob; a delete leaves none', async () => {
    for (let i = 0; i < 200; i++) {
      const put = await call(server, 'PUT', '/generic-staging/nightly/report.csv', {
        body: `run ${i}\n`,
      });
      assert.equal(put.status, 201, put.text);
    }
    assert.deepEqual(await storedBlobs(data), [sha256('run 199\n')], 'collected on overwrite');
    // With SQLite metadata small deploys are rows of blobs/pack.db, not files; with PostgreSQL
    // (replicas may share the directory) files.
    assert.deepEqual(
      packedBlobs(data).map((r) => r.sha256),
      APPS_ON_PG ? [] : [sha256('run 199\n')],
    );
    const gc = await call(server, 'POST', '/api/stowage/v1/gc');
    assert.equal(gc.status, 200, gc.text);
    assert.deepEqual(gc.json(), { blobsRemoved: 0, orphansRemoved: 0, graceSec: 0 });
    assert.deepEqual(await storedBlobs(data), [sha256('run 199\n')]);
    assert.equal(
      (await call(server, 'GET', '/generic-staging/nightly/report.csv')).text,
      'run 199\n',
    );

    assert.equal((await call(server, 'DELETE', '/generic-staging/nightly')).status, 204);
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('content shared by two paths stays until the last reference goes', async () => {
    await call(server, 'PUT', '/generic-staging/shared/a.bin', { body: 'shared' });
    await call(server, 'PUT', '/generic-qa/shared/b.bin', { body: 'shared' });
    await call(server, 'PUT', '/generic-staging/shared/a.bin', { body: 'changed' });
    assert.deepEqual(await storedBlobs(data), [sha256('changed'), sha256('shared')].sort());
    await call(server, 'DELETE', '/generic-qa/shared');
    await call(server, 'DELETE', '/generic-staging/shared');
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('a promotion with move leaves no orphan, also when the target already holds the file', async () => {
    const files = { 'app.tgz': 'app bytes', 'notes.txt': 'notes' };
    const stamp = ';build.name=etl;build.number=7';
    for (const [name, body] of Object.entries(files)) {
      await call(server, 'PUT', `/generic-staging/etl/7/${name}${stamp}`, { body });
    }
    // The target already has one of the files with the same content.
    await call(server, 'PUT', '/generic-qa/etl/7/notes.txt', { body: 'notes' });
    const info = {
      version: '1.0.1',
      name: 'etl',
      number: '7',
      started: '2026-11-29T07:00:00.000+0000',
      modules: [
        {
          id: 'etl:7',
          artifacts: Object.entries(files).map(([name, body]) => ({
            name,
            path: `etl/7/${name}`,
            sha1: sha1(body),
            sha256: sha256(body),
          })),
        },
      ],
    };
    const pub = await call(server, 'PUT', '/api/build', {
      body: JSON.stringify(info),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(pub.status, 204, pub.text);
    const promote = await call(server, 'POST', '/api/build/promote/etl/7', {
      body: JSON.stringify({ status: 'qa', targetRepo: 'generic-qa', copy: false }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(promote.status, 200, promote.text);
    const expected = Object.values(files)
      .map((b) => sha256(b))
      .sort();
    assert.deepEqual(await storedBlobs(data), expected);
    const gc = await call(server, 'POST', '/api/stowage/v1/gc');
    assert.deepEqual(gc.json(), { blobsRemoved: 0, orphansRemoved: 0, graceSec: 0 });
    for (const [name, body] of Object.entries(files)) {
      assert.equal((await call(server, 'GET', `/generic-qa/etl/7/${name}`)).text, body);
      assert.equal((await call(server, 'GET', `/generic-staging/etl/7/${name}`)).status, 404);
    }
    await call(server, 'DELETE', '/generic-qa/etl');
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('a collected blob keeps the checksums a build recorded downloading it', async () => {
    const headers = { 'x-stowage-build-name': 'consumer', 'x-stowage-build-number': '3' };
    await call(server, 'PUT', '/generic-staging/dep/lib.txt', { body: 'lib v1' });
    assert.equal(
      (await call(server, 'GET', '/generic-staging/dep/lib.txt', { headers })).text,
      'lib v1',
    );
    await call(server, 'PUT', '/generic-staging/dep/lib.txt', { body: 'lib v2' });
    assert.deepEqual(await storedBlobs(data), [sha256('lib v2')], 'the content of v1 is collected');
    const res = await call(server, 'GET', '/api/stowage/v1/builds/consumer/3/downloads');
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, new RegExp(sha1('lib v1')), 'the download record keeps its checksums');
    // A checksum deploy of the collected content says to upload the body…
    const byChecksum = await call(server, 'PUT', '/generic-qa/dep/gone.txt', {
      headers: { 'x-checksum-deploy': 'true', 'x-checksum-sha256': sha256('lib v1') },
    });
    assert.equal(byChecksum.status, 404, byChecksum.text);
    assert.equal(errorCode(byChecksum), 'ERR_CHECKSUM_DEPLOY_MISSING');
    // …and the body deployed again is stored again.
    await call(server, 'PUT', '/generic-qa/dep/again.txt', { body: 'lib v1' });
    assert.equal((await call(server, 'GET', '/generic-qa/dep/again.txt')).text, 'lib v1');
    await call(server, 'DELETE', '/generic-staging/dep');
    await call(server, 'DELETE', '/generic-qa/dep');
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('concurrent deploys of content that overwrites and GC runs are collecting never lose it', async () => {
    const writes: Promise<Call>[] = [];
    for (let i = 0; i < 30; i++) {
      writes.push(call(server, 'PUT', `/generic-staging/race/keep-${i}.txt`, { body: 'same' }));
      writes.push(
        call(server, 'PUT', '/generic-staging/race/flip.txt', {
          body: i % 2 ? 'same' : `other ${i}`,
        }),
      );
      if (i % 5 === 0) writes.push(call(server, 'POST', '/api/stowage/v1/gc'));
    }
    for (const res of await Promise.all(writes)) assert.ok(res.status < 300, res.text);
    for (let i = 0; i < 30; i++) {
      const res = await call(server, 'GET', `/generic-staging/race/keep-${i}.txt`);
      assert.equal(res.status, 200, `keep-${i}`);
      assert.equal(res.text, 'same');
    }
    const flip = await call(server, 'GET', '/generic-staging/race/flip.txt');
    assert.equal(flip.status, 200);
    await call(server, 'POST', '/api/stowage/v1/gc');
    assert.deepEqual(
      await storedBlobs(data),
      [...new Set([sha256(flip.text), sha256('same')])].sort(),
    );
    await call(server, 'DELETE', '/generic-staging/race');
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('a blob file a crash left without a record is swept by a GC run', async () => {
    const orphan = Buffer.from('left behind by a crash between commit and record');
    const hex = sha256(orphan);
    const folder = join(data, 'blobs', hex.slice(0, 2), hex.slice(2, 4));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, hex), orphan);
    // The same crash after a small body's row was committed into the pack.
    if (!APPS_ON_PG) packBlob(data, Buffer.from('a packed orphan'), Date.now() - 1000);
    const gc = await call(server, 'POST', '/api/stowage/v1/gc');
    assert.deepEqual(gc.json(), {
      blobsRemoved: 0,
      orphansRemoved: APPS_ON_PG ? 1 : 2,
      graceSec: 0,
    });
    assert.deepEqual(await storedBlobs(data), []);
  });

  it('only an admin may run GC', async () => {
    const anon = await call(server, 'POST', '/api/stowage/v1/gc', { anonymous: true });
    assert.equal(anon.status, 401);
    assert.equal(errorCode(anon), 'ERR_AUTH_REQUIRED');
  });
});

describe('blob garbage collection keeps young blobs (default grace period)', () => {
  let server: RunningServer;
  let data: string;
  before(async () => {
    data = join(dir, 'grace');
    server = await serve(data, { repositories: REPOS, stages: STAGES, gc: { graceSec: 600 } });
  });
  after(async () => server?.close());

  it('an unreferenced blob younger than the grace period stays; older ones go', async () => {
    await call(server, 'PUT', '/generic-staging/x/a.txt', { body: 'first' });
    await call(server, 'PUT', '/generic-staging/x/a.txt', { body: 'second' });
    assert.deepEqual(await storedBlobs(data), [sha256('first'), sha256('second')].sort());
    const gc = await call(server, 'POST', '/api/stowage/v1/gc');
    assert.deepEqual(gc.json(), { blobsRemoved: 0, orphansRemoved: 0, graceSec: 600 });
    // A checksum deploy of the young unreferenced content still finds it (a concurrent commit).
    const again = await call(server, 'PUT', '/generic-staging/x/b.txt', {
      headers: { 'x-checksum-deploy': 'true', 'x-checksum-sha256': sha256('first') },
    });
    assert.equal(again.status, 201, again.text);
    // An orphan file older than the grace period goes; a young one stays.
    const old = Buffer.from('an old orphan');
    const young = Buffer.from('a young orphan');
    for (const [b, age] of [
      [old, 3600],
      [young, 0],
    ] as const) {
      const hex = sha256(b);
      const folder = join(data, 'blobs', hex.slice(0, 2), hex.slice(2, 4));
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, hex), b);
      const t = new Date(Date.now() - age * 1000);
      await utimes(join(folder, hex), t, t);
    }
    // Rows of the pack count their age from their own time, as files from their mtime.
    const packed = APPS_ON_PG
      ? []
      : [
          packBlob(data, Buffer.from('an old packed orphan'), Date.now() - 3600_000),
          packBlob(data, Buffer.from('a young packed orphan'), Date.now()),
        ];
    const swept = await call(server, 'POST', '/api/stowage/v1/gc');
    assert.deepEqual(swept.json(), {
      blobsRemoved: 0,
      orphansRemoved: APPS_ON_PG ? 1 : 2,
      graceSec: 600,
    });
    assert.deepEqual(
      await storedBlobs(data),
      [sha256('first'), sha256('second'), sha256(young), ...packed.slice(1)].sort(),
    );
  });
});
