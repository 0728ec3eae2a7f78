/**
 * One MetaStore contract, every engine: the same tests run against SQLite and PostgreSQL (as
 * Distribution's storage driver test suite runs against every driver). PostgreSQL needs
 * STOWAGE_TEST_PG_URL (`.ci/services.sh start`); without it those runs skip, saying why.
 * The engine-specific parts (several stores on one database, migrations) follow the suite.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { BuildInfo } from '@stowage/core';
import { SqliteMetaStore, type MetaStore } from '../src/server.ts';
import { PromotionConflict, type BlobRecord } from '../src/internal/metastore.ts';
import { MIGRATIONS, MetaStoreError, PgMetaStore } from '../src/internal/metastore-pg.ts';
import { T0, depsHistory, funnelHistory, imageHistory, sizeHistory } from './analytics-history.ts';
import { SKIP_PG, dropSchema, newSchema, openPgStore, pgUrl } from './pg.ts';

interface Engine {
  name: string;
  skip: string | false;
  open(): Promise<{ meta: MetaStore; drop(): Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const meta = new SqliteMetaStore({ memory: true });
      return { meta, drop: async () => undefined };
    },
  },
  {
    name: 'postgres',
    skip: SKIP_PG,
    open: async () => {
      const s = await openPgStore();
      return { meta: s.meta, drop: s.drop };
    },
  },
];

function blob(content: string): BlobRecord {
  const h = (alg: string): string => createHash(alg).update(content).digest('hex');
  return { sha256: h('sha256'), sha1: h('sha1'), md5: h('md5'), size: Buffer.byteLength(content) };
}

function build(name: string, number: string, startedMs: number, extra = {}): BuildInfo {
  return {
    version: '1.0.1',
    name,
    number,
    started: new Date(startedMs).toISOString().replace('Z', '+0000'),
    ...extra,
  } as BuildInfo;
}

async function withStore(e: Engine, fn: (meta: MetaStore) => Promise<void>): Promise<void> {
  const { meta, drop } = await e.open();
  try {
    await fn(meta);
  } finally {
    await meta.close();
    await drop();
  }
}

for (const e of ENGINES) {
  describe(`MetaStore contract: ${e.name}`, { skip: e.skip }, () => {
    test('repositories: put, replace, list in byte order, delete with their artifacts', async () => {
      await withStore(e, async (meta) => {
        for (const key of ['b-repo', 'B-repo', 'a_repo', 'a-repo'])
          await meta.putRepo({ key, rclass: 'local', packageType: 'generic' });
        await meta.putRepo({ key: 'b-repo', rclass: 'local', packageType: 'npm' });
        assert.deepEqual(
          (await meta.listRepos()).map((r) => r.key),
          ['B-repo', 'a-repo', 'a_repo', 'b-repo'],
        );
        assert.equal((await meta.getRepo('b-repo'))?.packageType, 'npm');
        assert.equal(await meta.getRepo('nope'), undefined);
        const one = blob('one');
        await meta.deployArtifact({
          repo: 'a-repo',
          path: 'x/1',
          blob: one,
          user: 'u',
          properties: {},
        });
        await meta.deployArtifact({
          repo: 'a-repo',
          path: 'x/2',
          blob: one,
          user: 'u',
          properties: {},
        });
        assert.deepEqual(await meta.deleteRepo('a-repo'), [one.sha256]);
        assert.equal(await meta.getRepo('a-repo'), undefined);
        assert.equal(await meta.isBlobReferenced(one.sha256), false);
      });
    });

    test('artifacts: deploy, overwrite, folders by byte order, delete a folder and nothing beside it', async () => {
      await withStore(e, async (meta) => {
        const a = blob('a');
        const b = blob('b');
        const first = await meta.deployArtifact({
          repo: 'r',
          path: 'lib/x.jar',
          blob: a,
          user: 'alice',
          properties: { k: ['1', '2'] },
        });
        assert.equal(first.sha1, a.sha1);
        assert.equal(first.size, 1);
        assert.equal(first.createdBy, 'alice');
        const again = await meta.deployArtifact({
          repo: 'r',
          path: 'lib/x.jar',
          blob: b,
          user: 'bob',
          properties: { other: ['v'] },
        });
        assert.equal(again.id, first.id);
        assert.equal(again.sha256, b.sha256);
        assert.equal(again.createdBy, 'alice');
        assert.equal(again.modifiedBy, 'bob');
        assert.deepEqual(await meta.getProperties(again.id), { other: ['v'] });
        // Neighbours of "lib" in byte order: "lib-x" ('-' < '/'), "lib0" ('0' = '/' + 1), "libé".
        for (const p of ['lib/B.txt', 'lib/a/deep.txt', 'lib-x/y', 'lib0', 'libé/z', 'Lib/up'])
          await meta.deployArtifact({ repo: 'r', path: p, blob: a, user: 'u', properties: {} });
        assert.deepEqual(
          (await meta.listFiles('r', 'lib')).map((f) => f.path),
          ['lib/B.txt', 'lib/a/deep.txt', 'lib/x.jar'],
        );
        assert.deepEqual(
          (await meta.listFiles('r', '')).map((f) => f.path),
          ['Lib/up', 'lib-x/y', 'lib/B.txt', 'lib/a/deep.txt', 'lib/x.jar', 'lib0', 'libé/z'],
        );
        assert.equal(await meta.folderExists('r', 'lib/a'), true);
        assert.equal(await meta.folderExists('r', 'lib/x.jar'), false);
        assert.equal(await meta.folderExists('r', 'li'), false);
        assert.equal(await meta.folderExists('r', ''), true);
        const removed = await meta.deleteArtifacts('r', 'lib');
        assert.deepEqual(removed.sort(), [a.sha256, b.sha256].sort());
        assert.deepEqual(
          (await meta.listFiles('r', '')).map((f) => f.path),
          ['Lib/up', 'lib-x/y', 'lib0', 'libé/z'],
        );
        assert.deepEqual(await meta.deleteArtifacts('r', 'lib0'), [a.sha256]);
        assert.equal(await meta.getArtifact('r', 'lib0'), undefined);
        assert.deepEqual(await meta.deleteArtifacts('r', 'nothing/here'), []);
      });
    });

    test('blobs and checksums: find by any checksum, referenced or not, delete', async () => {
      await withStore(e, async (meta) => {
        const x = blob('x');
        await meta.deployArtifact({ repo: 'r', path: 'f', blob: x, user: 'u', properties: {} });
        await meta.deployArtifact({ repo: 's', path: 'g', blob: x, user: 'u', properties: {} });
        // SQLite answers null-prototype rows: compare plain copies.
        assert.deepEqual({ ...(await meta.findBlob({ sha1: x.sha1.toUpperCase() })) }, x);
        assert.deepEqual({ ...(await meta.findBlob({ md5: x.md5 })) }, x);
        assert.equal(await meta.findBlob({ sha256: blob('y').sha256 }), undefined);
        assert.deepEqual(
          (await meta.findByChecksum({ sha256: x.sha256 })).map((a) => `${a.repo}/${a.path}`),
          ['r/f', 's/g'],
        );
        assert.deepEqual(
          (await meta.findByChecksum({ sha1: x.sha1 }, 's')).map((a) => a.path),
          ['g'],
        );
        assert.equal(await meta.isBlobReferenced(x.sha256), true);
        await meta.deleteArtifacts('r', 'f');
        await meta.deleteArtifacts('s', 'g');
        assert.equal(await meta.isBlobReferenced(x.sha256), false);
        await meta.deleteBlob(x.sha256);
        assert.equal(await meta.findBlob({ sha256: x.sha256 }), undefined);
      });
    });

    test('properties: set and delete on a file or a folder, find by several', async () => {
      await withStore(e, async (meta) => {
        const a = blob('a');
        for (const p of ['d/1', 'd/2', 'd/sub/3', 'e/4'])
          await meta.deployArtifact({ repo: 'r', path: p, blob: a, user: 'u', properties: {} });
        assert.equal(await meta.setProperties('r', 'd', { 'build.name': ['app'], q: ['1'] }), 3);
        assert.equal(await meta.setProperties('r', 'd/2', { q: ['2', '3'] }), 1);
        assert.equal(await meta.setProperties('r', 'missing', { q: ['x'] }), 0);
        const two = await meta.getArtifact('r', 'd/2');
        assert.ok(two);
        assert.deepEqual(await meta.getProperties(two.id), {
          'build.name': ['app'],
          q: ['2', '3'],
        });
        assert.deepEqual(
          (await meta.findByProperties({ 'build.name': 'app', q: '1' })).map((x) => x.path),
          ['d/1', 'd/sub/3'],
        );
        assert.deepEqual(
          (await meta.findByProperties({ q: '3' }, 'r')).map((x) => x.path),
          ['d/2'],
        );
        assert.deepEqual(await meta.findByProperties({ q: '3' }, 'other'), []);
        assert.equal(await meta.deleteProperties('r', 'd', ['q']), 3);
        assert.deepEqual(await meta.getProperties(two.id), { 'build.name': ['app'] });
      });
    });

    test('builds: put, replace, list newest first, delete', async () => {
      await withStore(e, async (meta) => {
        await meta.putBuild(build('app', '1', T0), T0);
        await meta.putBuild(build('app', '2', T0 + 2000), T0 + 2000);
        await meta.putBuild(build('app', '10', T0 + 1000), T0 + 1000);
        await meta.putBuild(build('Zed', '1', T0), T0);
        await meta.putBuild(build('app', '1', T0, { properties: { again: 'yes' } }), T0);
        assert.deepEqual((await meta.getBuild('app', '1'))?.properties, { again: 'yes' });
        assert.deepEqual(
          (await meta.listBuildNumbers('app')).map((b) => b.number),
          ['2', '10', '1'],
        );
        assert.deepEqual(await meta.listBuilds(), [
          { name: 'Zed', lastStarted: build('Zed', '1', T0).started },
          { name: 'app', lastStarted: build('app', '2', T0 + 2000).started },
        ]);
        assert.equal(await meta.deleteBuild('app', '2'), true);
        assert.equal(await meta.deleteBuild('app', '2'), false);
        assert.equal(await meta.getBuild('app', '2'), undefined);
        assert.equal((await meta.analytics?.recent('app', 10))?.length, 2);
      });
    });

    test('promotion: copies and moves with properties, and all or nothing on conflict', async () => {
      await withStore(e, async (meta) => {
        const a = blob('a');
        const b = blob('b');
        const doc = build('app', '1', T0);
        await meta.putBuild(doc, T0);
        const one = await meta.deployArtifact({
          repo: 'staging',
          path: 'app/1/one',
          blob: a,
          user: 'ci',
          properties: { keep: ['me'] },
        });
        const two = await meta.deployArtifact({
          repo: 'staging',
          path: 'app/1/two',
          blob: b,
          user: 'ci',
          properties: {},
        });
        // The second target holds other content: nothing of the promotion may happen.
        await meta.deployArtifact({
          repo: 'qa',
          path: 'app/1/two',
          blob: a,
          user: 'x',
          properties: {},
        });
        const promoted = {
          ...doc,
          statuses: [{ status: 'qa', timestamp: doc.started, user: 'p' }],
        };
        await assert.rejects(
          meta.applyPromotion({
            ops: [
              { artifactId: one.id, toRepo: 'qa', toPath: 'app/1/one', move: true },
              { artifactId: two.id, toRepo: 'qa', toPath: 'app/1/two', move: true },
            ],
            properties: { stage: ['qa'] },
            build: promoted as BuildInfo,
            user: 'p',
          }),
          PromotionConflict,
        );
        assert.ok(await meta.getArtifact('staging', 'app/1/one'));
        assert.equal(await meta.getArtifact('qa', 'app/1/one'), undefined);
        assert.equal((await meta.getBuild('app', '1'))?.statuses, undefined);
        assert.deepEqual(await meta.getProperties(one.id), { keep: ['me'] });

        await meta.deleteArtifacts('qa', 'app/1/two');
        await meta.applyPromotion({
          ops: [
            { artifactId: one.id, toRepo: 'qa', toPath: 'app/1/one', move: true },
            { artifactId: two.id, toRepo: 'release', toPath: 'app/1/two', move: false },
          ],
          properties: { stage: ['qa'] },
          build: promoted as BuildInfo,
          user: 'p',
        });
        assert.equal(await meta.getArtifact('staging', 'app/1/one'), undefined);
        const moved = await meta.getArtifact('qa', 'app/1/one');
        assert.equal(moved?.id, one.id);
        assert.equal(moved?.modifiedBy, 'p');
        assert.deepEqual(await meta.getProperties(one.id), { keep: ['me'], stage: ['qa'] });
        const copy = await meta.getArtifact('release', 'app/1/two');
        assert.ok(copy && copy.id !== two.id);
        assert.equal(copy.sha256, b.sha256);
        assert.deepEqual(await meta.getProperties(copy.id), { stage: ['qa'] });
        assert.deepEqual(await meta.getProperties(two.id), {});
        assert.equal((await meta.getBuild('app', '1'))?.statuses?.[0]?.status, 'qa');
        const funnel = await meta.analytics?.statuses('app', 0, Number.MAX_SAFE_INTEGER);
        assert.deepEqual(
          funnel?.map((r) => r.status),
          ['qa'],
        );
      });
    });

    test('tokens, remote cache entries, downloads per build, upload sessions', async () => {
      await withStore(e, async (meta) => {
        await meta.putToken({ hash: 'h1', user: 'ci', admin: false, created: 5 });
        await meta.putToken({
          hash: 'h2',
          user: 'b',
          admin: true,
          created: 6,
          expires: 7,
          build: { name: 'app', number: '3' },
        });
        assert.deepEqual(await meta.findToken('h1'), {
          hash: 'h1',
          user: 'ci',
          admin: false,
          created: 5,
        });
        assert.deepEqual(await meta.findToken('h2'), {
          hash: 'h2',
          user: 'b',
          admin: true,
          created: 6,
          expires: 7,
          build: { name: 'app', number: '3' },
        });
        assert.equal(await meta.findToken('h3'), undefined);

        await meta.putCacheEntry({ repo: 'r', path: 'p', fetched: 1, etag: '"e"' });
        await meta.putCacheEntry({ repo: 'r', path: 'p', fetched: 2, lastModified: 'then' });
        assert.deepEqual(await meta.getCacheEntry('r', 'p'), {
          repo: 'r',
          path: 'p',
          fetched: 2,
          lastModified: 'then',
        });

        const x = blob('x');
        await meta.deployArtifact({ repo: 'r', path: 'f', blob: x, user: 'u', properties: {} });
        for (let i = 0; i < 3; i++)
          await meta.recordDownload({
            repo: 'r',
            path: 'f',
            sha256: x.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '3',
          });
        await meta.recordDownload({ repo: 'r', path: 'f', sha256: x.sha256, user: 'ci' });
        assert.deepEqual(
          (await meta.listBuildDownloads('app', '3')).map((d) => ({ ...d })),
          [{ repo: 'r', path: 'f', sha256: x.sha256, sha1: x.sha1, md5: x.md5, size: 1 }],
        );
        assert.deepEqual(await meta.listBuildDownloads('app', '4'), []);

        const u = {
          uuid: 'u1',
          repo: 'docker',
          image: 'app',
          staging: 's1',
          size: 0,
          started: 10,
          touched: 10,
        };
        await meta.putUpload(u);
        await meta.putUpload({ ...u, size: 99, touched: 20 });
        await meta.putUpload({ ...u, uuid: 'u2', staging: 's2', touched: 30 });
        assert.deepEqual(await meta.getUpload('u1'), { ...u, size: 99, touched: 20 });
        assert.deepEqual(
          (await meta.listUploads(25)).map((x) => x.uuid),
          ['u1'],
        );
        assert.equal(await meta.deleteUpload('u1'), true);
        assert.equal(await meta.deleteUpload('u1'), false);
        assert.equal(await meta.getUpload('u1'), undefined);
        await meta.ping();
      });
    });

    // The timeout turns a lock-order deadlock into a failure instead of a hung run.
    test(
      'withLock: read-modify-write under one key loses nothing; keys nest and may hold NUL',
      { timeout: 120_000 },
      async () => {
        await withStore(e, async (meta) => {
          await meta.putRepo({
            key: 'counter',
            rclass: 'local',
            packageType: 'generic',
            description: '0',
          });
          const bump = (): Promise<void> =>
            meta.withLock('test\0counter', async () => {
              const cur = await meta.getRepo('counter');
              await new Promise((r) => setImmediate(r));
              await meta.putRepo({
                key: 'counter',
                rclass: 'local',
                packageType: 'generic',
                description: String(Number(cur?.description) + 1),
              });
            });
          await Promise.all(Array.from({ length: 40 }, bump));
          assert.equal((await meta.getRepo('counter'))?.description, '40');
          // A format's lock, then a blob's inside it, as a deploy does.
          const order: string[] = [];
          await Promise.all(
            ['a', 'b', 'c'].map((k) =>
              meta.withLock(`outer\0${k}`, () =>
                meta.withLock('inner\0shared', async () => {
                  order.push(`${k}+`);
                  await new Promise((r) => setImmediate(r));
                  order.push(`${k}-`);
                }),
              ),
            ),
          );
          // Never two inside the shared inner lock at once.
          for (let i = 0; i < order.length; i += 2)
            assert.equal(order[i]?.slice(0, 1), order[i + 1]?.slice(0, 1), order.join(' '));
          // More callers than the store has lock connections, half of them taking the shared
          // key inside a key of their own and half taking it directly: all get through.
          let inside = 0;
          let most = 0;
          const shared = async (): Promise<void> => {
            inside++;
            most = Math.max(most, inside);
            await new Promise((r) => setImmediate(r));
            inside--;
          };
          await Promise.all(
            Array.from({ length: 60 }, (_, i) =>
              i % 2
                ? meta.withLock(`outer\0many-${i}`, () => meta.withLock('inner\0many', shared))
                : meta.withLock('inner\0many', shared),
            ),
          );
          assert.equal(most, 1);
          // A failing holder releases the lock.
          await assert.rejects(
            meta.withLock('test\0fails', async () => {
              throw new Error('boom');
            }),
            /boom/,
          );
          assert.equal(await meta.withLock('test\0fails', async () => 'free'), 'free');
        });
      },
    );

    test('analytics: the generated histories answer the same on this engine as on SQLite', async () => {
      const history = [...funnelHistory(), ...depsHistory(), ...sizeHistory(), ...imageHistory()];
      const answers = async (meta: MetaStore): Promise<unknown> => {
        for (const d of history) {
          const doc = d as unknown as BuildInfo;
          await meta.putBuild(doc, Date.parse(doc.started.replace(/(\d\d)(\d\d)$/, '$1:$2')));
        }
        const a = meta.analytics;
        assert.ok(a);
        const out: Record<string, unknown> = {
          statuses: (await a.statuses(undefined, 0, Number.MAX_SAFE_INTEGER)).map(
            ({ id: _id, ...rest }) => rest,
          ),
          storage: await a.storage(),
        };
        for (const name of new Set(history.map((d) => String(d.name)))) {
          const recent = await a.recent(name, 50);
          const ids = recent.map((r) => r.id);
          const number = new Map(recent.map((r) => [r.id, r.number]));
          const v = await a.depVariations(ids, 100);
          out[name] = {
            recent: recent.map((r) => [r.number, r.started]),
            artifacts: (await a.artifacts(ids)).map((r) => ({ ...r, id: number.get(r.id) })),
            docker: (await a.artifacts(ids, true)).length,
            deps: v.deps,
            flags: v.flags.map((f) => ({ ...f, ids: f.ids.map((id) => number.get(id)) })),
          };
        }
        return out;
      };
      const reference = new SqliteMetaStore({ memory: true });
      const expected = await answers(reference);
      await reference.close();
      assert.ok(JSON.stringify(expected).includes('org:c'), 'the histories were indexed');
      await withStore(e, async (meta) => assert.deepEqual(await answers(meta), expected));
    });
  });
}

describe('PostgreSQL: several stores on one database (replicas)', { skip: SKIP_PG }, () => {
  test('migrations: replicas starting at once apply each version once; a newer database is refused', async () => {
    const schema = newSchema();
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => PgMetaStore.open({ url: pgUrl(), schema, poolSize: 2 })),
      );
      for (const s of stores) assert.equal(await s.schemaVersion(), MIGRATIONS.length);
      await Promise.all(stores.map((s) => s.close()));
      const c = new pg.Client({ connectionString: pgUrl() });
      await c.connect();
      try {
        const rows = await c.query(
          `SELECT version FROM ${schema}.stowage_migrations ORDER BY version`,
        );
        assert.deepEqual(
          rows.rows.map((r: { version: number }) => r.version),
          MIGRATIONS.map((m) => m.version),
        );
        await c.query(
          `INSERT INTO ${schema}.stowage_migrations (version, name, applied) VALUES (999, 'future', 0)`,
        );
      } finally {
        await c.end();
      }
      await assert.rejects(PgMetaStore.open({ url: pgUrl(), schema }), (err: Error) => {
        assert.ok(err instanceof MetaStoreError);
        assert.match(err.message, /schema version 999, newer than this server knows/);
        return true;
      });
    } finally {
      await dropSchema(schema);
    }
  });

  test('withLock holds across stores: 100 read-modify-writes from two stores lose nothing', async () => {
    const a = await openPgStore(undefined, 3);
    const b = await PgMetaStore.open({ url: pgUrl(), schema: a.schema, poolSize: 3 });
    try {
      await a.meta.putRepo({ key: 'c', rclass: 'local', packageType: 'generic', description: '0' });
      const bump = (meta: MetaStore): Promise<void> =>
        meta.withLock('test\0shared', async () => {
          const cur = await meta.getRepo('c');
          await new Promise((r) => setTimeout(r, 1));
          await meta.putRepo({
            key: 'c',
            rclass: 'local',
            packageType: 'generic',
            description: String(Number(cur?.description) + 1),
          });
        });
      // Also more concurrent holders of distinct keys than either pool has connections.
      await Promise.all([
        ...Array.from({ length: 100 }, (_, i) => bump(i % 2 ? a.meta : b)),
        ...Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a.meta : b).withLock(`test\0distinct-${i}`, () => a.meta.getRepo('c')),
        ),
      ]);
      assert.equal((await b.getRepo('c'))?.description, '100');
    } finally {
      await b.close();
      await a.meta.close();
      await a.drop();
    }
  });

  test('concurrent promotions of two builds onto the same target paths: one wins whole, one changes nothing', async () => {
    const a = await openPgStore(undefined, 4);
    const b = await PgMetaStore.open({ url: pgUrl(), schema: a.schema, poolSize: 4 });
    try {
      const ops = async (
        meta: MetaStore,
        n: string,
      ): Promise<Parameters<MetaStore['applyPromotion']>[0]> => {
        const doc = build('app', n, T0);
        await meta.putBuild(doc, T0);
        const list = [];
        for (let i = 0; i < 20; i++) {
          const art = await meta.deployArtifact({
            repo: 'staging',
            path: `b${n}/f${i}`,
            blob: blob(`build ${n} file ${i}`),
            user: 'ci',
            properties: {},
          });
          list.push({ artifactId: art.id, toRepo: 'release', toPath: `app/f${i}`, move: false });
        }
        return { ops: list, properties: { from: [n] }, build: { ...doc, statuses: [] }, user: n };
      };
      const p1 = await ops(a.meta, '1');
      const p2 = await ops(b, '2');
      const results = await Promise.allSettled([a.meta.applyPromotion(p1), b.applyPromotion(p2)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1, JSON.stringify(results));
      assert.equal(lost.length, 1);
      assert.ok((lost[0] as PromiseRejectedResult).reason instanceof PromotionConflict);
      const files = await a.meta.listFiles('release', 'app');
      assert.equal(files.length, 20);
      const winner = results[0]?.status === 'fulfilled' ? '1' : '2';
      for (const f of files) {
        const i = f.path.slice('app/f'.length);
        assert.equal(f.sha256, blob(`build ${winner} file ${i}`).sha256);
        assert.deepEqual(await a.meta.getProperties(f.id), { from: [winner] });
      }
    } finally {
      await b.close();
      await a.meta.close();
      await a.drop();
    }
  });
});
