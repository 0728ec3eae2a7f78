/**
 * One MetaStore contract, every engine: the same tests run against SQLite and PostgreSQL (as
 * Distribution's storage driver test suite runs against every driver). PostgreSQL needs
 * STOWAGE_TEST_PG_URL (`.ci/services.sh start`); without it those runs skip, saying why.
 * The engine-specific parts (several stores on one database, migrations) follow the suite.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { BuildInfo } from '@stowage/core';
import { SqliteMetaStore, type MetaStore } from '../src/server.ts';
import { PromotionConflict, type BlobRecord } from '../src/internal/metastore.ts';
import { MIGRATIONS, MetaStoreError, PgMetaStore, lockId } from '../src/internal/metastore-pg.ts';
import { T0, depsHistory, funnelHistory, imageHistory, sizeHistory } from './analytics-history.ts';
import { SKIP_PG, dropSchema, newSchema, openPgStore, pgUrl } from './pg.ts';

interface Engine {
  name: string;
  skip: string | false;
  open(): Promise<{ meta: MetaStore; drop(): Promise<void> }>;
  /** Two stores over the same data (two replicas, or two processes on one SQLite file). */
  openTwo(): Promise<{ a: MetaStore; b: MetaStore; drop(): Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async () => {
      const meta = new SqliteMetaStore({ memory: true });
      return { meta, drop: async () => undefined };
    },
    openTwo: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'stowage-conformance-'));
      return {
        a: new SqliteMetaStore({ dir }),
        b: new SqliteMetaStore({ dir }),
        drop: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    skip: SKIP_PG,
    open: async () => {
      const s = await openPgStore();
      return { meta: s.meta, drop: s.drop };
    },
    openTwo: async () => {
      const s = await openPgStore();
      const b = await PgMetaStore.open({ url: pgUrl(), schema: s.schema });
      return { a: s.meta, b, drop: s.drop };
    },
  },
];

/** Waits until `check` holds (200 tries, `stepMs` apart), or fails naming `what`. */
async function eventually(check: () => Promise<boolean>, what: string, stepMs = 25): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await delay(stepMs);
  }
  assert.fail(`the other store never saw ${what}`);
}

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

function mod(id: string): NonNullable<BuildInfo['modules']>[number] {
  return { id, artifacts: [{ name: `${id}.jar`, type: 'jar', sha256: id }] } as NonNullable<
    BuildInfo['modules']
  >[number];
}

/** What a publish does with the parts, in small: the build's modules, then each part's. */
function merged(
  name: string,
  number: string,
  existing: BuildInfo | undefined,
  parts: Partial<BuildInfo>[],
): BuildInfo {
  const doc = existing ?? build(name, number, T0);
  return { ...doc, modules: [...(doc.modules ?? []), ...parts.flatMap((p) => p.modules ?? [])] };
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

    test('deploys asked for at once each succeed or fail alone, with their properties and audit', async () => {
      await withStore(e, async (meta) => {
        const deploy = (path: string, b: BlobRecord): Promise<unknown> =>
          meta.deployArtifact({
            repo: 'r',
            path,
            blob: b,
            user: 'u',
            properties: { at: [path] },
            audit: { ts: Date.now(), user: 'u', ip: '127.0.0.1', action: 'artifact.deploy', path },
          });
        // A blob record the store refuses (no sha1): its deploy fails, the others do not.
        const broken = { ...blob('x'), sha1: null as unknown as string };
        const results = await Promise.allSettled([
          deploy('one', blob('1')),
          deploy('bad', broken),
          deploy('two', blob('2')),
          deploy('one', blob('3')),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        const files = (await meta.listFiles('r', '')).map((f) => [f.path, f.sha256]);
        assert.deepEqual(
          files.map(([path]) => path),
          ['one', 'two'],
        );
        assert.equal(files[1]![1], blob('2').sha256);
        // Two deploys of one path at once: one of them wins whole. On PostgreSQL they run in
        // transactions of their own on pooled connections, and the later lock holder wins,
        // whichever was asked first; SQLite commits a turn's deploys in the order asked.
        assert.ok(
          [blob('1').sha256, blob('3').sha256].includes(files[0]![1]!),
          `"one" holds one of the blobs deployed to it, not ${files[0]![1]}`,
        );
        if (e.name === 'sqlite')
          assert.equal(files[0]![1], blob('3').sha256, 'the later deploy asked for wins');
        assert.equal(await meta.findBlob({ sha256: broken.sha256 }), undefined);
        const one = (await meta.getArtifact('r', 'one'))!;
        assert.deepEqual(await meta.getProperties(one.id), { at: ['one'] });
        assert.deepEqual(
          (await meta.listAudit({ action: 'artifact.deploy' })).map((a) => a.path).sort(),
          ['one', 'one', 'two'],
          'the failed deploy left no audit entry',
        );
        // Many at once (more than one transaction holds on SQLite).
        const many = await Promise.all(
          Array.from({ length: 300 }, (_, i) => deploy(`many/${i}`, blob(`m${i}`))),
        );
        assert.equal(many.length, 300);
        assert.equal((await meta.listFiles('r', 'many')).length, 300);
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

    test('build revisions: putBuildIf writes only over the expected revision (null: only a new build)', async () => {
      await withStore(e, async (meta) => {
        assert.equal(await meta.getBuildRevision('app', '1'), undefined);
        const one = build('app', '1', T0, { properties: { v: '1' } });
        const r1 = await meta.putBuildIf(one, T0, null);
        assert.equal(typeof r1, 'string');
        assert.equal(await meta.getBuildRevision('app', '1'), r1);
        // Must not exist: refused now that it does, and nothing changes.
        assert.equal(await meta.putBuildIf(build('app', '1', T0), T0, null), undefined);
        assert.deepEqual(await meta.getBuild('app', '1'), one);
        // A stale or made-up revision is refused too.
        const two = build('app', '1', T0, { properties: { v: '2' } });
        assert.equal(await meta.putBuildIf(two, T0, 'not-a-revision'), undefined);
        assert.deepEqual(await meta.getBuild('app', '1'), one);
        const r2 = await meta.putBuildIf(two, T0, r1 ?? null);
        assert.ok(r2 !== undefined && r2 !== r1);
        assert.deepEqual(await meta.getBuild('app', '1'), two);
        assert.equal(await meta.putBuildIf(one, T0, r1 ?? null), undefined);
        // A plain putBuild changes the revision as well; the same document means the same one.
        await meta.putBuild(build('app', '1', T0, { properties: { v: '3' } }), T0);
        const r3 = await meta.getBuildRevision('app', '1');
        assert.ok(r3 !== undefined && r3 !== r2);
        await meta.putBuild(build('app', '1', T0, { properties: { v: '3' } }), T0);
        assert.equal(await meta.getBuildRevision('app', '1'), r3);
        // The conditional write indexes the build for analytics as putBuild does.
        assert.equal((await meta.analytics?.recent('app', 10))?.length, 1);
        assert.equal(await meta.getBuildRevision('app', '2'), undefined);
      });
    });

    test('build parts: put, replace, list oldest first, publish merges them in one step, delete removes them', async () => {
      await withStore(e, async (meta) => {
        assert.deepEqual(await meta.listBuildParts('app', '1'), []);
        await meta.putBuildPart('app', '1', 'agent-a', { modules: [mod('a')] });
        await meta.putBuildPart('app', '1', 'agent-b', { modules: [mod('b-old')] });
        await meta.putBuildPart('app', '1', 'agent-b', { modules: [mod('b')] });
        await meta.putBuildPart('app', '2', 'agent-a', { modules: [mod('other')] });
        const listed = await meta.listBuildParts('app', '1');
        assert.deepEqual(
          listed.map((p) => [p.part, p.doc]),
          [
            ['agent-a', { modules: [mod('a')] }],
            ['agent-b', { modules: [mod('b')] }],
          ],
        );
        for (const p of listed) assert.ok(Number.isInteger(p.updated) && p.updated > 0);

        // A merge that throws changes nothing.
        await assert.rejects(
          meta.publishBuildParts('app', '1', () => {
            throw new Error('bad part');
          }),
          /bad part/,
        );
        assert.equal((await meta.listBuildParts('app', '1')).length, 2);
        assert.equal(await meta.getBuild('app', '1'), undefined);

        const seen: [BuildInfo | undefined, Partial<BuildInfo>[]][] = [];
        const merge = (existing: BuildInfo | undefined, parts: Partial<BuildInfo>[]) => {
          seen.push([existing, parts]);
          return { doc: merged('app', '1', existing, parts), startedMs: T0 };
        };
        const first = await meta.publishBuildParts('app', '1', merge);
        assert.deepEqual(seen[0], [undefined, [{ modules: [mod('a')] }, { modules: [mod('b')] }]]);
        assert.equal(first.parts, 2);
        assert.deepEqual(first.doc.modules, [mod('a'), mod('b')]);
        assert.deepEqual(await meta.getBuild('app', '1'), first.doc);
        assert.equal(await meta.getBuildRevision('app', '1'), first.revision);
        assert.deepEqual(await meta.listBuildParts('app', '1'), []);
        assert.equal((await meta.listBuildParts('app', '2')).length, 1);
        assert.equal((await meta.analytics?.recent('app', 10))?.length, 1);

        // A later part merges over the published build; a publish without parts keeps it.
        await meta.putBuildPart('app', '1', 'agent-c', { modules: [mod('c')] });
        const second = await meta.publishBuildParts('app', '1', merge);
        assert.deepEqual(seen[1], [first.doc, [{ modules: [mod('c')] }]]);
        assert.deepEqual(second.doc.modules, [mod('a'), mod('b'), mod('c')]);
        assert.notEqual(second.revision, first.revision);
        const third = await meta.publishBuildParts('app', '1', merge);
        assert.equal(third.parts, 0);
        assert.equal(third.revision, second.revision);

        // deleteBuild deletes the build's parts with it, and parts of a build never published.
        await meta.putBuildPart('app', '1', 'agent-d', { modules: [mod('d')] });
        assert.equal(await meta.deleteBuild('app', '1'), true);
        assert.deepEqual(await meta.listBuildParts('app', '1'), []);
        assert.equal(await meta.getBuildRevision('app', '1'), undefined);
        assert.equal(await meta.deleteBuild('app', '2'), false);
        assert.deepEqual(await meta.listBuildParts('app', '2'), []);
      });
    });

    test('cached repositories, users, groups, targets and tokens: a change through one store is seen through the other', async () => {
      const { a, b, drop } = await e.openTwo();
      // PostgreSQL tells the other store by NOTIFY: `eventually` gives it a moment to arrive.
      try {
        const token = {
          id: 't1',
          hash: 'h'.repeat(64),
          user: 'alice',
          admin: false,
          created: T0,
        };
        await a.putRepo({ key: 'libs', packageType: 'generic', rclass: 'local' });
        await a.putUser({ name: 'alice', groups: [] });
        await a.putToken(token);
        // b reads (and caches) all of it.
        assert.equal((await b.getRepo('libs'))?.packageType, 'generic');
        assert.deepEqual(
          (await b.listRepos()).map((r) => r.key),
          ['libs'],
        );
        assert.deepEqual(
          (await b.listUsers()).map((u) => u.name),
          ['alice'],
        );
        assert.equal((await b.findToken(token.hash))?.id, 't1');
        assert.equal(await b.findToken('0'.repeat(64)), undefined);
        // Cached values are shared: changing one throws instead of changing it for everyone.
        const cached = await b.getRepo('libs');
        assert.throws(() => {
          (cached as { description?: string }).description = 'changed';
        }, TypeError);
        // a changes everything b cached; b sees each change.
        await a.putRepo({
          key: 'libs',
          packageType: 'generic',
          rclass: 'local',
          description: 'v2',
        });
        await a.putRepo({ key: 'more', packageType: 'npm', rclass: 'local' });
        await eventually(
          async () =>
            (await b.getRepo('libs'))?.description === 'v2' &&
            (await b.getRepo('more')) !== undefined,
          'the changed and the added repository',
        );
        await a.putGroup({ name: 'devs' });
        await eventually(async () => (await b.listGroups()).length === 1, 'the new group');
        await a.putPermissionTarget({
          name: 'p',
          repo: { repositories: ['libs'], actions: { users: { alice: ['read'] } } },
        });
        await eventually(
          async () => (await b.listPermissionTargets()).length === 1,
          'the new target',
        );
        await a.deleteUser('alice');
        await eventually(async () => (await b.listUsers()).length === 0, 'the deleted user');
        // A revoked token stops working on the other store; a new one starts working there.
        await a.deleteToken('t1');
        await eventually(
          async () => (await b.findToken(token.hash)) === undefined,
          'the revocation',
        );
        await a.putToken({ ...token, id: 't2', hash: '0'.repeat(64) });
        await eventually(
          async () => (await b.findToken('0'.repeat(64)))?.id === 't2',
          'the new token',
        );
        await a.deleteRepo('more');
        await eventually(
          async () => (await b.getRepo('more')) === undefined,
          'the deleted repository',
        );
        // Its own writes, each store sees at once.
        await b.putRepo({
          key: 'libs',
          packageType: 'generic',
          rclass: 'local',
          description: 'v3',
        });
        assert.equal((await b.getRepo('libs'))?.description, 'v3');
      } finally {
        await a.close();
        await b.close();
        await drop();
      }
    });

    test("cacheStamp: stands while nothing changes; moves with this store's changes to users, groups, targets, tokens and repositories at once, and with another store's", async () => {
      const { a, b, drop } = await e.openTwo();
      const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
      // Whoever keeps something derived (the permission policy) keeps it while the stamp stands:
      // a change must move it (undefined also means "do not trust memory").
      const changes: [string, () => Promise<unknown>][] = [
        ['a user', () => a.putUser({ name: 'alice', groups: [] })],
        ['a group', () => a.putGroup({ name: 'devs' })],
        [
          'a permission target',
          () =>
            a.putPermissionTarget({
              name: 'p',
              repo: { repositories: ['libs'], actions: { users: { alice: ['read'] } } },
            }),
        ],
        [
          'a token',
          () =>
            a.putToken({ id: 't1', hash: 'f'.repeat(64), user: 'alice', admin: false, created: 1 }),
        ],
        ['a repository', () => a.putRepo({ key: 'libs', packageType: 'generic', rclass: 'local' })],
        ['a deleted user', () => a.deleteUser('alice')],
      ];
      try {
        await eventually(
          async () => a.cacheStamp() !== undefined && b.cacheStamp() !== undefined,
          'a stamp to start from',
        );
        for (const [what, change] of changes) {
          await a.listUsers();
          await b.listUsers();
          await settle();
          const sa = a.cacheStamp();
          const sb = b.cacheStamp();
          assert.notEqual(sa, undefined);
          await settle();
          assert.equal(a.cacheStamp(), sa, `the stamp stands while nothing changed (${what})`);
          await change();
          assert.notEqual(
            a.cacheStamp(),
            sa,
            `${what} written here moves this store's stamp at once`,
          );
          await eventually(async () => b.cacheStamp() !== sb, `${what} (its stamp)`, 5);
        }
      } finally {
        await a.close();
        await b.close();
        await drop();
      }
    });

    test("artifact records: a store sees its own changes at once, and another store's from its next turn", async () => {
      const { a, b, drop } = await e.openTwo();
      const deploy = (meta: MetaStore, path: string, content: string) =>
        meta.deployArtifact({ repo: 'r', path, blob: blob(content), user: 'u', properties: {} });
      const sha = async (meta: MetaStore, path: string) =>
        (await meta.getArtifact('r', path))?.sha256;
      // PostgreSQL has no cache to drop, SQLite reads data_version once a turn: a few turns at most.
      try {
        await a.putRepo({ key: 'r', packageType: 'generic', rclass: 'local' });
        // Read twice (the second may come from memory), then changed by the same store.
        await deploy(a, 'x', 'one');
        assert.equal(await sha(a, 'x'), blob('one').sha256);
        assert.equal(await sha(a, 'x'), blob('one').sha256);
        assert.equal(await sha(a, 'missing'), undefined);
        await deploy(a, 'x', 'two');
        assert.equal(await sha(a, 'x'), blob('two').sha256);
        await deploy(a, 'missing', 'three');
        assert.equal(await sha(a, 'missing'), blob('three').sha256);
        // A record handed out is the caller's own: changing it changes nothing for the next one.
        const got = await a.getArtifact('r', 'x');
        if (got) got.sha256 = 'changed';
        assert.equal(await sha(a, 'x'), blob('two').sha256);
        assert.deepEqual((await a.deleteArtifacts('r', '')).length > 0, true);
        assert.equal(await sha(a, 'x'), undefined);
        assert.equal(await sha(a, 'missing'), undefined);
        // Deployed again after the delete.
        await deploy(a, 'x', 'four');
        assert.equal(await sha(a, 'x'), blob('four').sha256);
        // The other store: what it read (and what it found missing) changes under it.
        assert.equal(await sha(b, 'x'), blob('four').sha256);
        assert.equal(await sha(b, 'y'), undefined);
        await deploy(a, 'x', 'five');
        await deploy(a, 'y', 'six');
        await eventually(
          async () =>
            (await sha(b, 'x')) === blob('five').sha256 &&
            (await sha(b, 'y')) === blob('six').sha256,
          'the overwritten and the new artifact',
          5,
        );
        await a.deleteRepo('r');
        await eventually(
          async () => (await sha(b, 'x')) === undefined,
          'the deleted repository',
          5,
        );
        assert.equal(await sha(a, 'y'), undefined);
      } finally {
        await a.close();
        await b.close();
        await drop();
      }
    });

    test('build concurrency from two stores: one conditional write wins; publishes and parts lose nothing', async () => {
      const { a, b, drop } = await e.openTwo();
      try {
        // Two writers expecting "no build yet", then two expecting the same revision.
        const fresh = await Promise.all([
          a.putBuildIf(build('app', '1', T0, { properties: { by: 'a' } }), T0, null),
          b.putBuildIf(build('app', '1', T0, { properties: { by: 'b' } }), T0, null),
        ]);
        assert.equal(fresh.filter((r) => r !== undefined).length, 1);
        const winner = fresh[0] !== undefined ? 'a' : 'b';
        assert.deepEqual((await b.getBuild('app', '1'))?.properties, { by: winner });
        const rev = await a.getBuildRevision('app', '1');
        assert.equal(
          rev,
          fresh.find((r) => r !== undefined),
        );
        const next = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? a : b).putBuildIf(
              build('app', '1', T0, { properties: { by: String(i) } }),
              T0,
              rev ?? null,
            ),
          ),
        );
        const won = next.flatMap((r, i) => (r === undefined ? [] : [i]));
        assert.equal(won.length, 1);
        assert.deepEqual((await a.getBuild('app', '1'))?.properties, { by: String(won[0]) });
        assert.equal(await b.getBuildRevision('app', '1'), next[won[0] ?? -1]);

        // Parts written while the build is published (twice, from both stores): each part ends
        // up in the build exactly once or is still waiting for the next publish.
        const merge = (existing: BuildInfo | undefined, parts: Partial<BuildInfo>[]) => ({
          doc: merged('app', '2', existing, parts),
          startedMs: T0,
        });
        const ids = Array.from({ length: 24 }, (_, i) => `p${i}`);
        await a.putBuildPart('app', '2', 'early', { modules: [mod('early')] });
        await Promise.all([
          ...ids.map((id, i) =>
            (i % 2 ? a : b).putBuildPart('app', '2', id, { modules: [mod(id)] }),
          ),
          a.publishBuildParts('app', '2', merge),
          b.publishBuildParts('app', '2', merge),
        ]);
        const waiting = (await a.listBuildParts('app', '2')).map((p) => p.part);
        const published = ((await b.getBuild('app', '2'))?.modules ?? []).map((m) => m.id);
        assert.deepEqual([...published, ...waiting].sort(), ['early', ...ids].sort());
        await b.publishBuildParts('app', '2', merge);
        assert.deepEqual(await a.listBuildParts('app', '2'), []);
        assert.deepEqual(
          ((await a.getBuild('app', '2'))?.modules ?? []).map((m) => m.id).sort(),
          ['early', ...ids].sort(),
        );
      } finally {
        await a.close();
        await b.close();
        await drop();
      }
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
        await meta.putToken({ id: 'i1', hash: 'h1', user: 'ci', admin: false, created: 5 });
        await meta.putToken({
          id: 'i2',
          hash: 'h2',
          user: 'b',
          admin: true,
          created: 6,
          expires: 7,
          build: { name: 'app', number: '3' },
        });
        assert.deepEqual(await meta.findToken('h1'), {
          id: 'i1',
          hash: 'h1',
          user: 'ci',
          admin: false,
          created: 5,
        });
        assert.deepEqual(await meta.findToken('h2'), {
          id: 'i2',
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
        await meta.recordDownloads([
          {
            repo: 'r',
            path: 'f',
            sha256: x.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '3',
          },
        ]);
        // Several in one call (one transaction), the build's and others mixed.
        await meta.recordDownloads([
          {
            repo: 'r',
            path: 'f',
            sha256: x.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '3',
          },
          { repo: 'r', path: 'f', sha256: x.sha256, user: 'ci' },
          {
            repo: 'r',
            path: 'f',
            sha256: x.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '3',
          },
          {
            repo: 'r',
            path: 'f',
            sha256: x.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '5',
            ts: T0,
          },
        ]);
        await meta.recordDownloads([]);
        assert.deepEqual(
          (await meta.listBuildDownloads('app', '3')).map((d) => ({ ...d })),
          [{ repo: 'r', path: 'f', sha256: x.sha256, sha1: x.sha1, md5: x.md5, size: 1 }],
        );
        assert.deepEqual(await meta.listBuildDownloads('app', '4'), []);
        assert.equal((await meta.listBuildDownloads('app', '5')).length, 1);

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

    test('blob grace: touched blobs wait out the grace; release deletes, or keeps a content-less record for downloads', async () => {
      await withStore(e, async (meta) => {
        const kept = blob('kept');
        const fresh = blob('fresh');
        const old = blob('old');
        const served = blob('served');
        const before = Date.now();
        for (const b of [kept, fresh, old, served]) await meta.touchBlob(b);
        await meta.deployArtifact({ repo: 'r', path: 'k', blob: kept, user: 'u', properties: {} });
        await meta.deployArtifact({
          repo: 'r',
          path: 's',
          blob: served,
          user: 'u',
          properties: {},
        });
        await meta.recordDownloads([
          {
            repo: 'r',
            path: 's',
            sha256: served.sha256,
            user: 'ci',
            buildName: 'app',
            buildNumber: '1',
          },
        ]);
        await meta.deleteArtifacts('r', 's');
        // A touch records the blob: found before any artifact names it.
        assert.deepEqual({ ...(await meta.findBlob({ md5: fresh.md5 })) }, fresh);
        // Inside the grace (everything was touched after `before`): nothing to collect.
        assert.deepEqual(await meta.listUnreferencedBlobs(before - 1), []);
        assert.equal(await meta.releaseBlob(old.sha256, before - 1), false);
        const cutoff = Date.now();
        assert.deepEqual(
          await meta.listUnreferencedBlobs(cutoff),
          [fresh, old, served].map((b) => b.sha256).sort(),
        );
        // Referenced: never released, whatever the cut-off.
        assert.equal(await meta.releaseBlob(kept.sha256, cutoff), false);
        assert.deepEqual({ ...(await meta.findBlob({ sha256: kept.sha256 })) }, kept);
        // Touched again after the cut-off (the clock has moved past it): the grace starts over.
        while (Date.now() <= cutoff) await delay(1);
        await meta.touchBlob(fresh);
        assert.equal(await meta.releaseBlob(fresh.sha256, cutoff), false);
        assert.deepEqual({ ...(await meta.findBlob({ sha256: fresh.sha256 })) }, fresh);

        // No download names it: the record goes.
        assert.equal(await meta.releaseBlob(old.sha256, cutoff), true);
        assert.equal(await meta.releaseBlob(old.sha256, cutoff), false);
        assert.equal(await meta.findBlob({ sha256: old.sha256 }), undefined);
        await meta.deleteBlob(old.sha256);

        // A download names it: kept without content, the build's downloads keep its checksums.
        assert.equal(await meta.releaseBlob(served.sha256, cutoff), true);
        assert.equal(await meta.releaseBlob(served.sha256, Date.now()), false);
        assert.equal(await meta.findBlob({ sha256: served.sha256 }), undefined);
        assert.equal(await meta.findBlob({ sha1: served.sha1 }), undefined);
        assert.deepEqual(await meta.listUnreferencedBlobs(Date.now()), [fresh.sha256]);
        assert.deepEqual(
          (await meta.listBuildDownloads('app', '1')).map((d) => ({ ...d })),
          [
            {
              repo: 'r',
              path: 's',
              sha256: served.sha256,
              sha1: served.sha1,
              md5: served.md5,
              size: served.size,
            },
          ],
        );
        // A later touch (a writer about to commit it again) revives it.
        await meta.touchBlob(served);
        assert.deepEqual({ ...(await meta.findBlob({ md5: served.md5 })) }, served);
        assert.deepEqual(await meta.listUnreferencedBlobs(cutoff), []);
        // Released again, then a deploy revives it too.
        assert.equal(await meta.releaseBlob(served.sha256, Date.now()), true);
        await meta.deployArtifact({
          repo: 'r',
          path: 's2',
          blob: served,
          user: 'u',
          properties: {},
        });
        assert.deepEqual({ ...(await meta.findBlob({ sha256: served.sha256 })) }, served);
        assert.equal((await meta.getArtifact('r', 's2'))?.size, served.size);
        assert.equal(await meta.releaseBlob(served.sha256, Date.now()), false);
      });
    });

    test('tokens: ids, descriptions, scopes and service; listed newest first, per user; touched; revoked', async () => {
      await withStore(e, async (meta) => {
        await meta.putToken({ id: 'tok-b', hash: 'hb', user: 'alice', admin: false, created: 10 });
        await meta.putToken({ id: 'tok-a', hash: 'ha', user: 'alice', admin: false, created: 10 });
        await meta.putToken({
          id: 'tok-c',
          hash: 'hc',
          user: 'deployer',
          admin: false,
          created: 20,
          expires: 99,
          description: 'CI deploys of "app" — ünïcode',
          scopes: ['repo:libs-*:deploy', 'build:app:promote:staging'],
          service: true,
        });
        assert.deepEqual(
          (await meta.listTokens()).map((t) => t.id),
          ['tok-c', 'tok-a', 'tok-b'],
        );
        assert.deepEqual(
          (await meta.listTokens({ user: 'alice' })).map((t) => t.id),
          ['tok-a', 'tok-b'],
        );
        assert.deepEqual(await meta.listTokens({ user: 'nobody' }), []);
        const c = {
          id: 'tok-c',
          hash: 'hc',
          user: 'deployer',
          admin: false,
          created: 20,
          expires: 99,
          description: 'CI deploys of "app" — ünïcode',
          scopes: ['repo:libs-*:deploy', 'build:app:promote:staging'],
          service: true,
        };
        assert.deepEqual(await meta.getToken('tok-c'), c);
        assert.deepEqual(await meta.findToken('hc'), c);
        assert.equal(await meta.getToken('hc'), undefined);
        await meta.touchToken('tok-c', 1234);
        await meta.touchToken('tok-c', 5678);
        await meta.touchToken('nope', 1);
        assert.deepEqual(await meta.getToken('tok-c'), { ...c, lastUsed: 5678 });
        assert.equal((await meta.getToken('tok-a'))?.lastUsed, undefined);
        // Two tokens cannot share an id.
        await assert.rejects(
          meta.putToken({ id: 'tok-a', hash: 'hx', user: 'bob', admin: false, created: 1 }),
        );
        assert.equal(await meta.deleteToken('tok-a'), true);
        assert.equal(await meta.deleteToken('tok-a'), false);
        assert.equal(await meta.findToken('ha'), undefined);
        assert.deepEqual(
          (await meta.listTokens()).map((t) => t.id),
          ['tok-c', 'tok-b'],
        );
      });
    });

    test('users, groups and permission targets: put, replace, list in byte order, get, delete', async () => {
      await withStore(e, async (meta) => {
        await meta.putUser({ name: 'bob', groups: ['dev'] });
        await meta.putUser({ name: 'Zed', email: 'z@example.com', groups: [], admin: true });
        await meta.putUser({ name: 'alice', groups: ['dev', 'ops'] });
        await meta.putUser({ name: 'bob', email: 'bob@example.com', groups: ['ops'] });
        assert.deepEqual(
          (await meta.listUsers()).map((u) => u.name),
          ['Zed', 'alice', 'bob'],
        );
        assert.deepEqual(await meta.getUser('bob'), {
          name: 'bob',
          email: 'bob@example.com',
          groups: ['ops'],
        });
        assert.equal(await meta.getUser('BOB'), undefined);

        await meta.putGroup({ name: 'ops', description: 'operations', admin: true });
        await meta.putGroup({ name: 'dev' });
        await meta.putGroup({ name: 'dev', description: 'developers' });
        assert.deepEqual(await meta.listGroups(), [
          { name: 'dev', description: 'developers' },
          { name: 'ops', description: 'operations', admin: true },
        ]);
        assert.deepEqual(await meta.getGroup('ops'), {
          name: 'ops',
          description: 'operations',
          admin: true,
        });

        const target = {
          name: 'libs-deploy',
          repo: { repositories: ['libs-*'], actions: { users: { bob: ['read', 'deploy'] } } },
          build: { names: ['app'], actions: { groups: { ops: ['promote:staging'] } } },
        };
        await meta.putPermissionTarget({
          name: 'read-all',
          repo: { repositories: ['*'], actions: {} },
        });
        await meta.putPermissionTarget(target);
        assert.deepEqual(
          (await meta.listPermissionTargets()).map((t) => t.name),
          ['libs-deploy', 'read-all'],
        );
        assert.deepEqual(await meta.getPermissionTarget('libs-deploy'), target);
        // The same name in another kind is another record.
        await meta.putUser({ name: 'dev', groups: [] });
        assert.equal(await meta.deleteGroup('dev'), true);
        assert.equal(await meta.deleteGroup('dev'), false);
        assert.deepEqual(await meta.getUser('dev'), { name: 'dev', groups: [] });
        assert.equal(await meta.getGroup('dev'), undefined);
        assert.equal(await meta.deleteUser('bob'), true);
        assert.equal(await meta.deleteUser('bob'), false);
        assert.equal(await meta.getUser('bob'), undefined);
        assert.equal(await meta.deletePermissionTarget('read-all'), true);
        assert.equal(await meta.deletePermissionTarget('read-all'), false);
        assert.deepEqual(
          (await meta.listPermissionTargets()).map((t) => t.name),
          ['libs-deploy'],
        );
      });
    });

    test('audit: appended entries come back newest first, filtered by each field, limited', async () => {
      await withStore(e, async (meta) => {
        await meta.appendAudit({
          ts: 100,
          user: 'alice',
          ip: '10.0.0.1',
          action: 'artifact.deploy',
          repo: 'libs',
          path: 'a/b.jar',
        });
        await meta.appendAudit({
          ts: 200,
          user: 'ci',
          tokenId: 'tok-1',
          ip: '::1',
          action: 'build.promote',
          buildName: 'app',
          buildNumber: '7',
          details: { stage: 'staging', approver: 'bob', nested: { n: 1, list: [true, null] } },
        });
        await meta.appendAudit({
          ts: 200,
          user: 'alice',
          ip: '10.0.0.1',
          action: 'build.deploy',
          buildName: 'app',
          buildNumber: '8',
        });
        await meta.appendAudit({
          ts: 300,
          user: 'bob',
          ip: '10.0.0.2',
          action: 'buildx',
          repo: 'libs',
        });
        await meta.appendAudit({
          ts: 400,
          user: 'anonymous',
          ip: '10.0.0.3',
          action: 'auth.failed',
        });
        const key = (es: { ts: number; action: string }[]): string[] =>
          es.map((x) => `${x.ts}:${x.action}`);
        // Newest first; the same instant in the order of appending, newest first.
        assert.deepEqual(key(await meta.listAudit({})), [
          '400:auth.failed',
          '300:buildx',
          '200:build.deploy',
          '200:build.promote',
          '100:artifact.deploy',
        ]);
        const promote = (await meta.listAudit({ action: 'build.promote' }))[0];
        assert.ok(promote?.id !== undefined);
        assert.deepEqual(
          { ...promote, id: 0 },
          {
            id: 0,
            ts: 200,
            user: 'ci',
            tokenId: 'tok-1',
            ip: '::1',
            action: 'build.promote',
            buildName: 'app',
            buildNumber: '7',
            details: { stage: 'staging', approver: 'bob', nested: { n: 1, list: [true, null] } },
          },
        );
        const plain = (await meta.listAudit({ action: 'artifact.deploy' }))[0];
        assert.deepEqual(
          { ...plain, id: 0 },
          {
            id: 0,
            ts: 100,
            user: 'alice',
            ip: '10.0.0.1',
            action: 'artifact.deploy',
            repo: 'libs',
            path: 'a/b.jar',
          },
        );
        assert.deepEqual(key(await meta.listAudit({ user: 'alice' })), [
          '200:build.deploy',
          '100:artifact.deploy',
        ]);
        assert.deepEqual(key(await meta.listAudit({ user: 'Alice' })), []);
        // A prefix ends with `.` or `*`; `build.` does not match `buildx`, `build*` does.
        assert.deepEqual(key(await meta.listAudit({ action: 'build.' })), [
          '200:build.deploy',
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ action: 'build.*' })), [
          '200:build.deploy',
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ action: 'build*' })), [
          '300:buildx',
          '200:build.deploy',
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ action: 'build' })), []);
        assert.deepEqual(key(await meta.listAudit({ repo: 'libs' })), [
          '300:buildx',
          '100:artifact.deploy',
        ]);
        assert.deepEqual(key(await meta.listAudit({ buildName: 'app' })), [
          '200:build.deploy',
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ buildName: 'app', buildNumber: '7' })), [
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ buildNumber: '8' })), ['200:build.deploy']);
        assert.deepEqual(key(await meta.listAudit({ since: 200 })), [
          '400:auth.failed',
          '300:buildx',
          '200:build.deploy',
          '200:build.promote',
        ]);
        assert.deepEqual(key(await meta.listAudit({ until: 200 })), [
          '200:build.deploy',
          '200:build.promote',
          '100:artifact.deploy',
        ]);
        assert.deepEqual(key(await meta.listAudit({ since: 150, until: 300, limit: 2 })), [
          '300:buildx',
          '200:build.deploy',
        ]);
        assert.deepEqual(key(await meta.listAudit({ limit: 1 })), ['400:auth.failed']);
        assert.deepEqual(
          key(
            await meta.listAudit({ user: 'alice', action: 'build.', buildName: 'app', since: 1 }),
          ),
          ['200:build.deploy'],
        );
      });
    });

    test('useNonce: once per scope, a replay is refused on another store over the same data, expired values purged', async () => {
      const { a, b, drop } = await e.openTwo();
      try {
        const later = Date.now() + 3_600_000;
        assert.equal(await a.useNonce('oidc:github', 'jti-1', later), true);
        assert.equal(await b.useNonce('oidc:github', 'jti-1', later), false);
        assert.equal(await a.useNonce('oidc:github', 'jti-1', later), false);
        // Another scope is another namespace.
        assert.equal(await b.useNonce('oidc:gitlab', 'jti-1', later), true);
        // Many replicas presenting the same value at once: exactly one wins.
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? a : b).useNonce('oidc:github', 'jti-2', later),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1);
        // A record that already expired no longer counts: the value may be used again.
        assert.equal(await a.useNonce('oidc:github', 'jti-3', Date.now() - 1), true);
        assert.equal(await b.useNonce('oidc:github', 'jti-3', later), true);
        assert.equal(await a.useNonce('oidc:github', 'jti-3', later), false);
      } finally {
        await a.close();
        await b.close();
        await drop();
      }
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
  test('inside withLock a store reads the database, not its cache (read-modify-write across replicas)', async () => {
    const a = await openPgStore();
    const b = await PgMetaStore.open({ url: pgUrl(), schema: a.schema });
    const admin = new pg.Client({ connectionString: pgUrl() });
    await admin.connect();
    try {
      await a.meta.putRepo({ key: 'c', rclass: 'local', packageType: 'generic', description: '0' });
      // No notification reaches b from here on (as if it were still on its way); the one of the
      // write above has arrived before b reads.
      await admin.query(
        `ALTER TABLE ${a.schema}.repositories DISABLE TRIGGER repositories_changed`,
      );
      await delay(300);
      assert.equal((await b.getRepo('c'))?.description, '0');
      await a.meta.withLock('rmw', () =>
        a.meta.putRepo({ key: 'c', rclass: 'local', packageType: 'generic', description: '1' }),
      );
      assert.equal(
        (await b.getRepo('c'))?.description,
        '0',
        'outside the lock: b answers from memory',
      );
      const seen = await b.withLock('rmw', async () => (await b.getRepo('c'))?.description);
      assert.equal(seen, '1', 'under the lock: b reads what the previous holder wrote');
    } finally {
      await admin.end();
      await b.close();
      await a.meta.close();
      await a.drop();
    }
  });

  test('a store whose change listener is cut off answers from the database, not from its cache', async () => {
    const s = await openPgStore();
    const admin = new pg.Client({ connectionString: pgUrl() });
    await admin.connect();
    try {
      await s.meta.putRepo({ key: 'libs', packageType: 'generic', rclass: 'local' });
      assert.equal((await s.meta.getRepo('libs'))?.description, undefined);
      // Every listener of this database goes (ours among them); the write below is made
      // outside the store, so no local invalidation covers it either.
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stowage-changes'",
      );
      await admin.query(`UPDATE ${s.schema}.repositories SET config = $1 WHERE key = 'libs'`, [
        JSON.stringify({ key: 'libs', packageType: 'generic', rclass: 'local', description: 'v2' }),
      ]);
      for (let i = 0; i < 200; i++) {
        if ((await s.meta.getRepo('libs'))?.description === 'v2') break;
        await delay(25);
      }
      assert.equal((await s.meta.getRepo('libs'))?.description, 'v2');
      // It listens again (the reconnect starts from an empty cache): later changes are seen too.
      await delay(1500);
      await admin.query(`UPDATE ${s.schema}.repositories SET config = $1 WHERE key = 'libs'`, [
        JSON.stringify({ key: 'libs', packageType: 'generic', rclass: 'local', description: 'v3' }),
      ]);
      for (let i = 0; i < 200; i++) {
        if ((await s.meta.getRepo('libs'))?.description === 'v3') break;
        await delay(25);
      }
      assert.equal((await s.meta.getRepo('libs'))?.description, 'v3');
    } finally {
      await admin.end();
      await s.meta.close();
      await s.drop();
    }
  });

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

  test('migration 2 upgrades a version-1 database: its tokens get ids, its blobs are collectable', async () => {
    const schema = newSchema();
    const c = new pg.Client({ connectionString: pgUrl(), options: `-c search_path=${schema}` });
    await c.connect();
    try {
      const v1 = MIGRATIONS.find((m) => m.version === 1);
      assert.ok(v1);
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.query(`CREATE TABLE stowage_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`);
      await c.query(v1.sql);
      await c.query(`INSERT INTO stowage_migrations VALUES (1, $1, 0)`, [v1.name]);
      const hash = 'ab'.repeat(32);
      await c.query(
        `INSERT INTO tokens (hash, "user", admin, created, expires) VALUES ($1, 'ci', false, 5, 9)`,
        [hash],
      );
      const x = blob('old blob');
      await c.query(
        'INSERT INTO blobs (sha256, sha1, md5, size, created) VALUES ($1, $2, $3, $4, 1)',
        [x.sha256, x.sha1, x.md5, x.size],
      );
      const meta = await PgMetaStore.open({ url: pgUrl(), schema });
      try {
        assert.equal(await meta.schemaVersion(), MIGRATIONS.length);
        const t = { id: hash.slice(0, 16), hash, user: 'ci', admin: false, created: 5, expires: 9 };
        assert.deepEqual(await meta.getToken(hash.slice(0, 16)), t);
        assert.deepEqual(await meta.findToken(hash), t);
        assert.deepEqual({ ...(await meta.findBlob({ sha1: x.sha1 })) }, x);
        assert.deepEqual(await meta.listUnreferencedBlobs(0), [x.sha256]);
        assert.equal(await meta.releaseBlob(x.sha256, 0), true);
        assert.equal(await meta.findBlob({ sha256: x.sha256 }), undefined);
      } finally {
        await meta.close();
      }
    } finally {
      await c.end();
      await dropSchema(schema);
    }
  });

  test('poolStats counts the query pool: open, idle and waiting connections', async () => {
    const s = await openPgStore(undefined, 2);
    // Another session holds the build's lock: each putBuild of it keeps a query connection
    // while it waits, so two connections are busy and the three other writes wait for one.
    const holder = new pg.Client({ connectionString: pgUrl() });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [lockId(['build', 'app', '1'].join('\0'))]);
      const writes = Array.from({ length: 5 }, (_, i) =>
        s.meta.putBuild(build('app', '1', T0, { properties: { i: String(i) } }), T0),
      );
      while (s.meta.poolStats().waiting < 3 || s.meta.poolStats().idle > 0) await delay(5);
      assert.deepEqual(s.meta.poolStats(), { total: 2, idle: 0, waiting: 3 });
      await holder.query('SELECT pg_advisory_unlock_all()');
      await Promise.all(writes);
      assert.deepEqual(s.meta.poolStats(), { total: 2, idle: 2, waiting: 0 });
    } finally {
      await holder.end();
      await s.meta.close();
      await s.drop();
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
