/**
 * migrateStorage (`stowage migrate`): a SQLite + fs installation with artifacts, properties,
 * an npm package, builds with a promotion, a token and download records is copied to
 * PostgreSQL + S3; a server started on the target answers the same; a second run copies
 * nothing and changes nothing; a damaged source blob stops the copy with a clear error.
 * Needs STOWAGE_TEST_PG_URL and STOWAGE_TEST_S3_* (`.ci/services.sh start`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrateStorage, startServer, MigrationError, type RunningServer } from '../src/server.ts';
import { PG_URL, SKIP_PG, dropSchema, newSchema } from './pg.ts';
import { SKIP_S3, newBucket, s3Env } from './s3.ts';

const sha = (alg: string, data: string | Buffer): string =>
  createHash(alg).update(data).digest('hex');

const REPOS = [
  { key: 'generic-local', rclass: 'local', packageType: 'generic' },
  { key: 'generic-release', rclass: 'local', packageType: 'generic' },
  { key: 'npm-local', rclass: 'local', packageType: 'npm' },
];
const STAGES = [
  { name: 'staged', repo: 'generic-local' },
  { name: 'release', repo: 'generic-release' },
];

describe('migrate SQLite + fs to PostgreSQL + S3', { skip: SKIP_PG || SKIP_S3 }, () => {
  let work: string;
  let schema: string;
  let bucket: { bucket: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let toConfig: unknown;
  let token: string;
  let adminToken: string;
  const files = new Map<string, Buffer>();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stowage-migrate-'));
    schema = newSchema();
    bucket = await newBucket();
    env = s3Env(bucket.bucket);
    toConfig = {
      storage: {
        metadata: { type: 'postgres', url: PG_URL, schema },
        blobs: {
          type: 's3',
          bucket: bucket.bucket,
          endpoint: env.STOWAGE_S3_ENDPOINT,
          region: env.STOWAGE_S3_REGION,
          forcePathStyle: true,
          prefix: 'blobs/',
        },
      },
      repositories: REPOS,
      stages: STAGES,
    };
    // The source: a SQLite + fs installation with some history.
    const src = await startServer({
      dataDir: join(work, 'src'),
      port: 0,
      config: { repositories: REPOS, stages: STAGES },
    });
    adminToken = src.adminToken;
    const call = (path: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${src.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) },
      });
    try {
      for (let i = 0; i < 6; i++) {
        const data = i === 5 ? randomBytes(3 * 1024 * 1024) : Buffer.from(`file ${i}`);
        const path = `app/${i}/f${i}.bin`;
        files.set(path, data);
        const put = await call(
          `/generic-local/${path};build.name=app;build.number=1;team=core;idx=${i}`,
          { method: 'PUT', body: data },
        );
        assert.equal(put.status, 201);
      }
      // The same content twice: one blob.
      files.set('app/copy.bin', files.get('app/0/f0.bin')!);
      await call('/generic-local/app/copy.bin', { method: 'PUT', body: 'file 0' });
      const tgz = Buffer.from('a tarball');
      const pub = await call('/api/npm/npm-local/mig-lib', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          _id: 'mig-lib',
          name: 'mig-lib',
          'dist-tags': { latest: '1.0.0' },
          versions: {
            '1.0.0': {
              name: 'mig-lib',
              version: '1.0.0',
              dist: {
                shasum: sha('sha1', tgz),
                integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
                tarball: 'http://ignored/mig-lib/-/mig-lib-1.0.0.tgz',
              },
            },
          },
          _attachments: {
            'mig-lib-1.0.0.tgz': {
              content_type: 'application/octet-stream',
              data: tgz.toString('base64'),
              length: tgz.length,
            },
          },
        }),
      });
      assert.ok(pub.status < 300, await pub.text());
      const build = {
        version: '1.0.1',
        name: 'app',
        number: '1',
        started: '2026-11-20T07:00:00.000+0000',
        modules: [
          {
            id: 'app:1',
            artifacts: [...files.entries()]
              .filter(([p]) => p !== 'app/copy.bin')
              .map(([p, d]) => ({
                name: p.slice(p.lastIndexOf('/') + 1),
                sha1: sha('sha1', d),
                sha256: sha('sha256', d),
                md5: sha('md5', d),
              })),
            dependencies: [{ id: 'lib:1.0', sha1: sha('sha1', 'dep'), scopes: ['compile'] }],
          },
        ],
      };
      const bi = await call('/api/build', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(build),
      });
      assert.equal(bi.status, 204);
      const promo = await call('/api/build/promote/app/1', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'release', targetRepo: 'generic-release', copy: true }),
      });
      assert.equal(promo.status, 200, await promo.text());
      const issued = await call('/api/stowage/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // "ci" is no defined user: a service token, whose scopes are its only grants.
        body: JSON.stringify({ user: 'ci', scopes: ['repo:*:read', 'build:*:read'] }),
      });
      assert.equal(issued.status, 201);
      token = ((await issued.json()) as { token: string }).token;
      for (const p of ['app/0/f0.bin', 'app/5/f5.bin']) {
        const got = await fetch(`${src.url}/generic-local/${p}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(got.status, 200);
        await got.arrayBuffer();
      }
    } finally {
      await src.close();
    }
  });

  after(async () => {
    if (schema) await dropSchema(schema);
    await bucket?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('everything arrives, checked, and a server on the target answers the same', async () => {
    const lines: string[] = [];
    const report = await migrateStorage({
      from: { dataDir: join(work, 'src') },
      to: { config: toConfig, dataDir: join(work, 'dst') },
      env,
      progress: (l) => lines.push(l),
    });
    // 7 distinct generic contents, the tarball and the packument.
    assert.equal(report.blobs.copied, 8);
    assert.equal(report.blobs.present, 0);
    assert.ok(report.artifacts >= 14, `${report.artifacts}`); // 7 + 6 promoted + npm files
    assert.equal(report.builds, 1);
    assert.equal(report.downloads, 2);
    assert.ok(report.tokens >= 1);
    // The promotion and the token issue were audited on the source: the trail moves too.
    assert.ok(report.audit >= 2, `${report.audit} audit entries`);
    assert.equal(report.verified.artifacts, report.artifacts);
    assert.ok(lines.some((l) => l.startsWith('blobs:')));

    const dst: RunningServer = await startServer({
      dataDir: join(work, 'dst'),
      port: 0,
      config: toConfig,
      env: { ...env, STOWAGE_ADMIN_TOKEN: adminToken },
    });
    try {
      const get = (path: string, t = token): Promise<Response> =>
        fetch(`${dst.url}${path}`, { headers: { authorization: `Bearer ${t}` } });
      for (const [p, data] of files) {
        for (const repo of p === 'app/copy.bin'
          ? ['generic-local']
          : ['generic-local', 'generic-release']) {
          const got = await get(`/${repo}/${p}`);
          assert.equal(got.status, 200, `${repo}/${p}`);
          assert.equal(sha('sha256', Buffer.from(await got.arrayBuffer())), sha('sha256', data));
        }
      }
      const props = (await (
        await get('/api/storage/generic-local/app/3/f3.bin?properties')
      ).json()) as {
        properties: Record<string, string[]>;
      };
      assert.deepEqual(props.properties.team, ['core']);
      assert.deepEqual(props.properties.idx, ['3']);
      const info = (await (await get('/api/build/app/1')).json()) as {
        buildInfo: { statuses?: { status: string }[] };
      };
      assert.deepEqual(
        info.buildInfo.statuses?.map((s) => s.status),
        ['release'],
      );
      const pkg = (await (await get('/api/npm/npm-local/mig-lib')).json()) as {
        versions: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(pkg.versions), ['1.0.0']);
      // Analytics rows were rebuilt for the migrated build (its promotion to release).
      const funnel = (await (await get('/api/stowage/v1/analytics/funnel?name=app')).json()) as {
        funnels: { name: string; published: number; released: number }[];
      };
      assert.deepEqual(
        funnel.funnels.map((f) => [f.name, f.published, f.released]),
        [['app', 1, 1]],
      );
    } finally {
      await dst.close();
    }
  });

  test('a second run copies nothing and leaves the target as it was', async () => {
    const again = await migrateStorage({
      from: { dataDir: join(work, 'src') },
      to: { config: toConfig, dataDir: join(work, 'dst') },
      env,
    });
    assert.equal(again.blobs.copied, 0);
    assert.equal(again.blobs.present, 8);
    assert.equal(again.downloads, 0, 'download records are not doubled');
    assert.equal(again.audit, 0, 'audit entries are not doubled');
    assert.equal(again.verified.artifacts, again.artifacts);
  });

  test('a source blob that does not match its record stops the copy and names it', async () => {
    // A new artifact in the source whose file was damaged on disk afterwards.
    const src = await startServer({
      dataDir: join(work, 'src'),
      port: 0,
      config: { repositories: REPOS, stages: STAGES },
    });
    const data = Buffer.from(`late ${randomBytes(4).toString('hex')}`);
    try {
      const put = await fetch(`${src.url}/generic-local/late.bin`, {
        method: 'PUT',
        body: data,
        headers: { authorization: `Bearer ${src.adminToken}` },
      });
      assert.equal(put.status, 201);
    } finally {
      await src.close();
    }
    const digest = sha('sha256', data);
    // A small body: the source (SQLite metadata) keeps it as a row of blobs/pack.db.
    const pack = new DatabaseSync(join(work, 'src', 'blobs', 'pack.db'));
    try {
      const damaged = pack
        .prepare('UPDATE blobs SET data = ? WHERE sha256 = ?')
        .run(Buffer.from('tampered'), digest);
      assert.equal(Number(damaged.changes), 1, 'the small blob is in the pack');
    } finally {
      pack.close();
    }
    await assert.rejects(
      migrateStorage({
        from: { dataDir: join(work, 'src') },
        to: { config: toConfig, dataDir: join(work, 'dst') },
        env,
      }),
      (err: Error) => {
        assert.ok(err instanceof MigrationError);
        assert.match(err.message, new RegExp(`blob ${digest} in the source does not match`));
        return true;
      },
    );
    await assert.rejects(
      migrateStorage({
        from: { config: toConfig, dataDir: join(work, 'src') },
        to: { config: toConfig, dataDir: join(work, 'dst') },
        env,
      }),
      /the source must keep its metadata in SQLite/,
    );
  });
});
