import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type {
  DependencyDiffReport,
  DependencyVariationReport,
  FunnelReport,
  ImageDiffReport,
  ImageReport,
  SizeReport,
  StorageReport,
  BuildDiffReport,
} from '@stowage/core';
import { SqliteMetaStore } from '../src/server.ts';
import { AUTH, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';
import {
  C_NEW,
  C_OLD,
  HOUR,
  LAYER,
  STORED_B,
  T0,
  depsHistory,
  funnelHistory,
  imageHistory,
  sizeHistory,
} from './analytics-history.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});
afterEach(async () => t.close());

const A = '/api/stowage/v1/analytics';

async function publish(docs: unknown[]): Promise<void> {
  for (const doc of docs) {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/build',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify(doc),
    });
    assert.equal(res.statusCode, 204, res.body);
  }
}

async function get<T>(url: string): Promise<T> {
  const res = await t.app.inject({ url, headers: AUTH });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as T;
}

test('funnel: published, per-stage promoted/reached, rollbacks, lead time; live promotion, window, delete, retention', async () => {
  await publish(funnelHistory());
  let r = await get<FunnelReport>(`${A}/funnel?name=app`);
  assert.deepEqual(
    r.stages.map((s) => s.name),
    ['staged', 'qa', 'release'],
  );
  let f = r.funnels[0];
  assert.ok(f);
  assert.equal(f.published, 10);
  assert.deepEqual(
    f.stages.map((s) => [s.stage, s.promoted, s.reached]),
    [
      ['staged', 1, 10],
      ['qa', 6, 6],
      ['release', 3, 3],
    ],
  );
  assert.equal(f.rolledBack, 2);
  assert.equal(f.rollbacks, 2);
  assert.equal(f.released, 3);
  assert.deepEqual(f.leadTimeMs, { count: 3, min: HOUR, median: 2 * HOUR, p90: 3 * HOUR });

  // A promotion through the API appends a status; the tables follow.
  const p = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/app/7',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ status: 'qa' }),
  });
  assert.equal(p.statusCode, 200, p.body);
  f = (await get<FunnelReport>(`${A}/funnel?name=app`)).funnels[0];
  assert.deepEqual(
    f?.stages.map((s) => s.promoted),
    [1, 7, 3],
  );

  // Window: builds 6..10 (ISO from, epoch-ms to, exclusive).
  r = await get<FunnelReport>(
    `${A}/funnel?name=app&from=${new Date(T0 + 6 * HOUR).toISOString()}&to=${T0 + 11 * HOUR}`,
  );
  assert.equal(r.funnels[0]?.published, 5);
  assert.equal(r.from, T0 + 6 * HOUR);
  assert.deepEqual(
    r.funnels[0]?.stages.map((s) => s.promoted),
    [0, 2, 0],
  );

  // All names at once.
  await publish(depsHistory());
  const all = await get<FunnelReport>(`${A}/funnel`);
  assert.deepEqual(
    all.funnels.map((x) => [x.name, x.published]),
    [
      ['app', 10],
      ['lib', 5],
    ],
  );

  // Delete build 1 (released): the funnel forgets it.
  const del = await t.app.inject({
    method: 'DELETE',
    url: '/api/build/app?buildNumbers=1',
    headers: AUTH,
  });
  assert.equal(del.statusCode, 200, del.body);
  f = (await get<FunnelReport>(`${A}/funnel?name=app`)).funnels[0];
  assert.equal(f?.published, 9);
  assert.equal(f?.released, 2);

  // Retention keeps the newest 4.
  const ret = await t.app.inject({
    method: 'POST',
    url: '/api/build/retention/app',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify({ count: 4 }),
  });
  assert.equal(ret.statusCode, 200, ret.body);
  f = (await get<FunnelReport>(`${A}/funnel?name=app`)).funnels[0];
  assert.equal(f?.published, 4);
  assert.equal(f?.released, 0);
  assert.deepEqual(f?.leadTimeMs, { count: 0, min: null, median: null, p90: null });
});

test('deps: variations over the last N builds, the checksum-changed red flag, two-build diff', async () => {
  await publish(depsHistory());
  const v = await get<DependencyVariationReport>(`${A}/deps?name=lib`);
  assert.deepEqual(v.numbers, ['1', '2', '3', '4', '5']);
  const by = new Map(v.dependencies.map((d) => [d.name, d]));
  assert.deepEqual(by.get('org:b'), {
    name: 'org:b',
    versions: 3,
    checksums: 3,
    versionChanges: 2,
    checksumChanges: 0,
    builds: 5,
    latestVersion: '1.2',
  });
  assert.deepEqual(by.get('org:c'), {
    name: 'org:c',
    versions: 1,
    checksums: 2,
    versionChanges: 0,
    checksumChanges: 1,
    builds: 5,
    latestVersion: '2.0',
  });
  assert.equal(by.get('org:a')?.versionChanges, 0);
  assert.equal(by.get('left-pad')?.builds, 2);
  assert.equal(by.get('@scope/pkg')?.latestVersion, '3.0.0');
  assert.deepEqual(
    v.dependencies.slice(0, 2).map((d) => d.name),
    ['org:b', 'org:c'],
  );
  assert.deepEqual(v.redFlags, [
    {
      name: 'org:c',
      version: '2.0',
      checksums: [C_OLD, C_NEW].sort(),
      numbers: ['1', '2', '3', '4', '5'],
    },
  ]);

  const last3 = await get<DependencyVariationReport>(`${A}/deps?name=lib&last=3&limit=1`);
  assert.deepEqual(last3.numbers, ['3', '4', '5']);
  assert.equal(last3.dependencies.length, 1);
  assert.equal(last3.dependencies[0]?.name, 'org:b');
  assert.equal(last3.redFlags[0]?.numbers.join(), '3,4,5');

  const d34 = await get<DependencyDiffReport>(`${A}/deps/diff?name=lib&number=4&other=3`);
  assert.deepEqual(
    d34.checksumChanged.map((c) => [c.id, c.fromSha256, c.toSha256]),
    [['org:c:2.0', C_OLD, C_NEW]],
  );
  assert.equal(d34.versionChanged.length, 0);
  assert.equal(d34.unchanged, 2);

  const d45 = await get<DependencyDiffReport>(`${A}/deps/diff?name=lib&number=5&other=4`);
  assert.deepEqual(
    d45.versionChanged.map((c) => [c.id, c.from, c.to]),
    [['org:b:1.2', '1.1', '1.2']],
  );
  assert.deepEqual(
    d45.added.map((c) => c.id),
    ['@scope/pkg@3.0.0'],
  );
  assert.equal(d45.checksumChanged.length, 0);
  assert.equal(d45.unchanged, 2);

  const d15 = await get<DependencyDiffReport>(`${A}/deps/diff?name=lib&number=5&other=1`);
  assert.deepEqual(
    d15.removed.map((c) => c.id),
    ['left-pad:1.0'],
  );
});

test('size: totals per build from build-info sizes and stored blobs, deltas, top growth', async () => {
  const put = await deploy(t.app, '/generic-staging/big/b.bin', STORED_B);
  assert.equal(put.statusCode, 201, put.body);
  await publish(sizeHistory());
  const s = await get<SizeReport>(`${A}/size?name=big`);
  assert.deepEqual(
    s.builds.map((b) => [b.number, b.bytes, b.delta, b.artifacts, b.unknown]),
    [
      ['1', 160, null, 3, 0],
      ['2', 360, 200, 3, 0],
      ['3', 410, 50, 4, 1],
    ],
  );
  assert.deepEqual(
    s.topBuilds.map((b) => b.number),
    ['2', '3'],
  );
  assert.deepEqual(
    s.topModules.map((m) => [m.module, m.firstBytes, m.lastBytes, m.growth]),
    [
      ['core', 150, 350, 200],
      ['ui', 10, 60, 50],
    ],
  );
  assert.deepEqual(
    s.topArtifacts.map((m) => [m.module, m.artifact, m.growth]),
    [
      ['core', 'a.bin', 200],
      ['ui', 'c.js', 50],
    ],
  );
  const two = await get<SizeReport>(`${A}/size?name=big&last=2&top=1`);
  assert.deepEqual(
    two.builds.map((b) => b.delta),
    [null, 50],
  );
  assert.equal(two.topModules.length, 1);
});

test('storage: logical vs physical bytes per repository (deduplicated blobs)', async () => {
  const x = 'x'.repeat(100);
  const w = 'w'.repeat(30);
  for (const url of ['/generic-staging/a/x1', '/generic-staging/a/x2', '/generic-qa/x3']) {
    assert.equal((await deploy(t.app, url, x)).statusCode, 201);
  }
  assert.equal((await deploy(t.app, '/generic-qa/w', w)).statusCode, 201);
  const s = await get<StorageReport>(`${A}/storage`);
  assert.deepEqual(s.repositories, [
    { repo: 'generic-qa', files: 2, logicalBytes: 130, physicalBytes: 130, blobs: 2 },
    { repo: 'generic-staging', files: 2, logicalBytes: 200, physicalBytes: 100, blobs: 1 },
  ]);
  assert.deepEqual(s.total, {
    files: 4,
    logicalBytes: 330,
    physicalBytes: 130,
    blobs: 2,
    savedBytes: 200,
  });
});

test('images: image and layer sizes per run with new layers; shared/new/removed between two builds', async () => {
  await publish(imageHistory());
  await publish(depsHistory()); // no docker modules: not listed
  const r = await get<ImageReport>(`${A}/images?name=etl`);
  assert.deepEqual(
    r.runs.map((run) =>
      run.images.map((i) => [run.number, i.image, i.tag, i.size, i.newLayers, i.newBytes]),
    ),
    [
      [['1', 'registry.local:5000/etl', '1', 3300, 0, 0]],
      [['2', 'registry.local:5000/etl', '2', 3400, 1, 400]],
      [['3', 'registry.local:5000/etl', '3', 6400, 1, 5000]],
    ],
  );
  assert.deepEqual(r.runs[2]?.images[0]?.layers, [
    { digest: `sha256:${LAYER(1)}`, size: 1000, new: false },
    { digest: `sha256:${LAYER(5)}`, size: 5000, new: true },
    { digest: `sha256:${LAYER(4)}`, size: 400, new: false },
  ]);
  const none = await get<ImageReport>(`${A}/images?name=lib`);
  assert.deepEqual(none.runs, []);

  const d = await get<ImageDiffReport>(`${A}/images/diff?name=etl&number=3&other=1`);
  const img = d.images[0];
  assert.equal(d.images.length, 1);
  assert.equal(img?.from, 'registry.local:5000/etl:1');
  assert.equal(img?.to, 'registry.local:5000/etl:3');
  assert.deepEqual(
    [img?.shared.count, img?.shared.bytes, img?.new.count, img?.new.bytes],
    [1, 1000, 2, 5400],
  );
  assert.deepEqual([img?.removed.count, img?.removed.bytes], [2, 2300]);
});

test('diff: analytics diff and Artifactory ?diff= (artifacts, dependencies, properties)', async () => {
  await publish(depsHistory());
  const d = await get<BuildDiffReport>(`${A}/diff?name=lib&number=5&other=4`);
  assert.deepEqual(
    d.artifacts.added.map((a) => a.path),
    ['lib-sources.jar'],
  );
  assert.deepEqual(
    d.artifacts.removed.map((a) => a.path),
    ['old.txt'],
  );
  assert.deepEqual(
    d.artifacts.changed.map((a) => a.path),
    ['lib.jar'],
  );

  type Section = Record<'updated' | 'unchanged' | 'removed' | 'new', Record<string, unknown>[]>;
  type Diff = { artifacts: Section; dependencies: Section; properties: Section };
  const names = (s: Section, k: keyof Section, f = 'name'): unknown[] =>
    s[k].map((e) => e[f]).sort();
  const a = await get<Diff>('/api/build/lib/5?diff=4');
  assert.deepEqual(names(a.artifacts, 'new'), ['lib-sources.jar']);
  assert.deepEqual(names(a.artifacts, 'removed'), ['old.txt']);
  assert.deepEqual(names(a.artifacts, 'updated'), ['lib.jar']);
  assert.deepEqual(names(a.artifacts, 'unchanged'), []);
  assert.deepEqual(names(a.dependencies, 'updated'), ['org:b:1.2']);
  assert.equal(a.dependencies.updated[0]?.diffName, 'org:b:1.1');
  assert.deepEqual(names(a.dependencies, 'new'), ['@scope/pkg@3.0.0']);
  assert.deepEqual(names(a.dependencies, 'unchanged'), ['org:a:1.0', 'org:c:2.0']);
  assert.deepEqual(names(a.dependencies, 'removed'), []);
  assert.deepEqual(a.properties.new, [{ key: 'c', value: '4', status: 'new' }]);
  assert.deepEqual(a.properties.updated, [
    { key: 'b', value: '3', diffValue: '2', status: 'updated' },
  ]);
  assert.deepEqual(names(a.properties, 'unchanged', 'key'), ['a']);

  // Same version, other content: updated, with both checksums.
  const c = await get<Diff>('/api/build/lib/4?diff=3');
  assert.deepEqual(names(c.dependencies, 'updated'), ['org:c:2.0']);
  assert.equal(c.dependencies.updated[0]?.sha256, C_NEW);
  assert.equal(c.dependencies.updated[0]?.diffSha256, C_OLD);
  assert.deepEqual(names(c.dependencies, 'unchanged'), ['org:a:1.0', 'org:b:1.1']);

  const missing = await t.app.inject({ url: '/api/build/lib/5?diff=99', headers: AUTH });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'ERR_BUILD_NOT_FOUND');
  // Without ?diff the build-info comes back as before.
  const plain = await get<{ buildInfo: { number: string } }>('/api/build/lib/5');
  assert.equal(plain.buildInfo.number, '5');
});

test('errors: parameters checked, unknown builds 404, read access required', async () => {
  await publish(depsHistory());
  const cases: [string, number, string][] = [
    [`${A}/deps`, 400, 'ERR_QUERY_INVALID'],
    [`${A}/deps?name=lib&last=0`, 400, 'ERR_QUERY_INVALID'],
    [`${A}/funnel?from=yesterday`, 400, 'ERR_QUERY_INVALID'],
    [`${A}/size?name=nope`, 404, 'ERR_BUILD_NOT_FOUND'],
    [`${A}/deps/diff?name=lib&number=5`, 400, 'ERR_QUERY_INVALID'],
    [`${A}/diff?name=lib&number=5&other=42`, 404, 'ERR_BUILD_NOT_FOUND'],
    [`${A}/images/diff?name=lib&number=5&other=42`, 404, 'ERR_BUILD_NOT_FOUND'],
  ];
  for (const [url, status, code] of cases) {
    const res = await t.app.inject({ url, headers: AUTH });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    assert.equal(errorCode(res), code, url);
  }
  const anon = await t.app.inject({ url: `${A}/storage` });
  assert.equal(anon.statusCode, 401);
});

test('startup backfills the tables from the JSON documents of builds stored before them', async () => {
  const dir = join(t.dir, 'backfill');
  let meta = new SqliteMetaStore({ dir });
  for (const d of depsHistory()) {
    const info = d as unknown as Parameters<typeof meta.putBuild>[0];
    await meta.putBuild(info, T0);
  }
  await meta.close();
  // As if written by a version without analytics: drop the index rows.
  const db = new DatabaseSync(join(dir, 'metadata.db'));
  db.exec('PRAGMA foreign_keys = ON; DELETE FROM build_index; DELETE FROM analytics_meta;');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM build_deps').get() as { n: number }).n, 0);
  db.close();
  meta = new SqliteMetaStore({ dir });
  const rows = await meta.analytics.recent('lib', 10);
  assert.equal(rows.length, 5);
  assert.equal(
    (
      await meta.analytics.depVariations(
        rows.map((r) => r.id),
        10,
      )
    ).flags[0]?.name,
    'org:c',
  );
  await meta.close();
});
