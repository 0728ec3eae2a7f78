import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, buildInfo, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeApp();
});
afterEach(async () => t.close());

const json = { ...AUTH, 'content-type': 'application/json' };

async function publish(
  doc: unknown,
): Promise<{ statusCode: number; body: string; json: () => unknown }> {
  return t.app.inject({
    method: 'PUT',
    url: '/api/build',
    headers: json,
    payload: JSON.stringify(doc),
  });
}

async function promote(
  name: string,
  number: string,
  body: unknown,
): Promise<{ statusCode: number; body: string; json: () => unknown }> {
  return t.app.inject({
    method: 'POST',
    url: `/api/build/promote/${encodeURIComponent(name)}/${number}`,
    headers: json,
    payload: JSON.stringify(body),
  });
}

async function exists(repo: string, path: string): Promise<boolean> {
  return (
    (await t.app.inject({ method: 'HEAD', url: `/${repo}/${path}`, headers: AUTH })).statusCode ===
    200
  );
}

/** Deploys a build's files stamped with its name and number, and publishes its build-info. */
async function seedBuild(
  name: string,
  number: string,
  files: { name: string; data: string }[],
): Promise<void> {
  for (const f of files) {
    const res = await deploy(
      t.app,
      `/generic-staging/${name}/${number}/${f.name};build.name=${encodeURIComponent(name)};build.number=${number}`,
      f.data,
    );
    assert.equal(res.statusCode, 201, res.body);
  }
  const res = await publish(buildInfo(name, number, files));
  assert.equal(res.statusCode, 204, res.body);
}

test('publish, list and read back build-info', async () => {
  await seedBuild('nightly report', '1', [{ name: 'report.csv', data: 'a,b\n' }]);
  await seedBuild('nightly report', '2', [{ name: 'report.csv', data: 'a,b,c\n' }]);
  const all = (await t.app.inject({ url: '/api/build', headers: AUTH })).json() as {
    builds: { uri: string; lastStarted: string }[];
  };
  assert.deepEqual(
    all.builds.map((b) => b.uri),
    ['/nightly%20report'],
  );
  assert.equal(all.builds[0]?.lastStarted, '2026-11-22T07:00:00.000+0000');
  const numbers = (
    await t.app.inject({ url: '/api/build/nightly%20report', headers: AUTH })
  ).json() as { buildsNumbers: { uri: string }[] };
  assert.deepEqual(
    numbers.buildsNumbers.map((b) => b.uri),
    ['/2', '/1'],
  );
  const one = (
    await t.app.inject({ url: '/api/build/nightly%20report/2', headers: AUTH })
  ).json() as { buildInfo: Record<string, unknown> };
  assert.equal(one.buildInfo.name, 'nightly report');
  assert.equal(one.buildInfo.number, '2');
  const missing = await t.app.inject({ url: '/api/build/nightly%20report/9', headers: AUTH });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'ERR_BUILD_NOT_FOUND');
});

test('build-info that is not JSON or lacks name/number/started is rejected and nothing is stored', async () => {
  const notJson = await t.app.inject({
    method: 'PUT',
    url: '/api/build',
    headers: json,
    payload: '{"name": "x",',
  });
  assert.equal(notJson.statusCode, 400);
  assert.equal(errorCode(notJson), 'ERR_BUILDINFO_INVALID');
  for (const drop of ['name', 'number', 'started']) {
    const doc = buildInfo('b', '1', []);
    delete doc[drop];
    const res = await publish(doc);
    assert.equal(res.statusCode, 400, drop);
    assert.equal(errorCode(res), 'ERR_BUILDINFO_INVALID');
    assert.match(res.body, new RegExp(drop));
  }
  const badStarted = await publish({ ...buildInfo('b', '1', []), started: 'yesterday' });
  assert.equal(badStarted.statusCode, 400);
  const list = (await t.app.inject({ url: '/api/build', headers: AUTH })).json() as {
    builds: unknown[];
  };
  assert.deepEqual(list.builds, []);
  const anon = await t.app.inject({
    method: 'PUT',
    url: '/api/build',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(buildInfo('b', '1', [])),
  });
  assert.equal(anon.statusCode, 401);
});

test('promotion staged -> qa -> release moves artifacts, sets properties and appends statuses', async () => {
  const files = [
    { name: 'report.csv', data: 'x,y\n1,2\n' },
    { name: 'task.tgz', data: 'pretend tarball' },
  ];
  await seedBuild('nightly', '5', files);
  const qa = await promote('nightly', '5', {
    status: 'qa',
    comment: 'smoke tests passed',
    ciUser: 'ci-bot',
    targetRepo: 'generic-qa',
    properties: { 'qa.approved': ['yes'] },
  });
  assert.equal(qa.statusCode, 200, qa.body);
  assert.ok(!(await exists('generic-staging', 'nightly/5/report.csv')));
  assert.ok(await exists('generic-qa', 'nightly/5/report.csv'));
  assert.ok(await exists('generic-qa', 'nightly/5/task.tgz'));
  const props = (
    await t.app.inject({
      url: '/api/storage/generic-qa/nightly/5/task.tgz?properties',
      headers: AUTH,
    })
  ).json() as { properties: Record<string, string[]> };
  assert.deepEqual(props.properties['qa.approved'], ['yes']);
  assert.deepEqual(props.properties['build.number'], ['5']);

  const rel = await promote('nightly', '5', {
    status: 'released',
    targetRepo: 'generic-release',
    copy: true,
  });
  assert.equal(rel.statusCode, 200, rel.body);
  assert.ok(await exists('generic-qa', 'nightly/5/report.csv'), 'copy keeps the source');
  assert.ok(await exists('generic-release', 'nightly/5/report.csv'));

  const doc = (await t.app.inject({ url: '/api/build/nightly/5', headers: AUTH })).json() as {
    buildInfo: { statuses: Record<string, unknown>[] };
  };
  assert.equal(doc.buildInfo.statuses.length, 2);
  assert.equal(doc.buildInfo.statuses[0]?.status, 'qa');
  assert.equal(doc.buildInfo.statuses[0]?.comment, 'smoke tests passed');
  assert.equal(doc.buildInfo.statuses[0]?.ciUser, 'ci-bot');
  assert.equal(doc.buildInfo.statuses[0]?.repository, 'generic-qa');
  assert.match(
    String(doc.buildInfo.statuses[0]?.timestamp),
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/,
  );
  assert.equal(doc.buildInfo.statuses[1]?.status, 'released');

  const again = await promote('nightly', '5', {
    status: 'released',
    targetRepo: 'generic-release',
    copy: true,
  });
  assert.equal(again.statusCode, 200, 'promoting twice is harmless');
});

test('a dry run reports what would move and changes nothing', async () => {
  await seedBuild('nightly', '6', [{ name: 'a.txt', data: 'dry' }]);
  const res = await promote('nightly', '6', {
    status: 'qa',
    targetRepo: 'generic-qa',
    dryRun: true,
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /would move generic-staging\/nightly\/6\/a.txt to generic-qa/);
  assert.ok(await exists('generic-staging', 'nightly/6/a.txt'));
  assert.ok(!(await exists('generic-qa', 'nightly/6/a.txt')));
  const doc = (await t.app.inject({ url: '/api/build/nightly/6', headers: AUTH })).json() as {
    buildInfo: { statuses?: unknown[] };
  };
  assert.equal(doc.buildInfo.statuses, undefined);
});

test('promotion is atomic: a missing artifact aborts everything with failFast', async () => {
  await deploy(
    t.app,
    '/generic-staging/nightly/7/present.txt;build.name=nightly;build.number=7',
    'present',
  );
  const res0 = await publish(
    buildInfo('nightly', '7', [
      { name: 'present.txt', data: 'present' },
      { name: 'missing.txt', data: 'never uploaded' },
    ]),
  );
  assert.equal(res0.statusCode, 204);
  const res = await promote('nightly', '7', { status: 'qa', targetRepo: 'generic-qa' });
  assert.equal(res.statusCode, 409);
  assert.equal(errorCode(res), 'ERR_PROMOTION_MISSING_ARTIFACTS');
  assert.match(res.body, /missing\.txt/);
  assert.match(res.body, /nothing was changed/);
  assert.ok(await exists('generic-staging', 'nightly/7/present.txt'));
  assert.ok(!(await exists('generic-qa', 'nightly/7/present.txt')));
  const doc = (await t.app.inject({ url: '/api/build/nightly/7', headers: AUTH })).json() as {
    buildInfo: { statuses?: unknown[] };
  };
  assert.equal(doc.buildInfo.statuses, undefined, 'no status appended');

  const partial = await promote('nightly', '7', {
    status: 'qa',
    targetRepo: 'generic-qa',
    failFast: false,
  });
  assert.equal(partial.statusCode, 200);
  assert.match(partial.body, /"level":"error"/);
  assert.ok(await exists('generic-qa', 'nightly/7/present.txt'));
});

test('a conflicting file in the target aborts the promotion', async () => {
  await seedBuild('nightly', '8', [
    { name: 'a.txt', data: 'new' },
    { name: 'b.txt', data: 'b' },
  ]);
  await deploy(t.app, '/generic-qa/nightly/8/a.txt', 'old and different');
  const res = await promote('nightly', '8', { status: 'qa', targetRepo: 'generic-qa' });
  assert.equal(res.statusCode, 409);
  assert.equal(errorCode(res), 'ERR_PROMOTION_CONFLICT');
  assert.ok(await exists('generic-staging', 'nightly/8/b.txt'));
  assert.ok(!(await exists('generic-qa', 'nightly/8/b.txt')));
});

test('promoting a missing build, to a missing repository, or with a bad body fails clearly', async () => {
  await seedBuild('nightly', '9', [{ name: 'a.txt', data: 'a' }]);
  const noBuild = await promote('nightly', '99', { targetRepo: 'generic-qa' });
  assert.equal(noBuild.statusCode, 404);
  assert.equal(errorCode(noBuild), 'ERR_BUILD_NOT_FOUND');
  const noRepo = await promote('nightly', '9', { targetRepo: 'generic-nowhere' });
  assert.equal(noRepo.statusCode, 404);
  assert.equal(errorCode(noRepo), 'ERR_REPO_NOT_FOUND');
  const badBody = await promote('nightly', '9', { copy: 'yes' });
  assert.equal(badBody.statusCode, 400);
  assert.equal(errorCode(badBody), 'ERR_PROMOTION_INVALID');
  assert.ok(await exists('generic-staging', 'nightly/9/a.txt'));
  const noToken = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/9',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  });
  assert.equal(noToken.statusCode, 401);
});

test('a status-only promotion (no target repository) records the status and moves nothing', async () => {
  await seedBuild('nightly', '10', [{ name: 'a.txt', data: 'a10' }]);
  const res = await promote('nightly', '10', { status: 'rolled-back', comment: 'bad data' });
  assert.equal(res.statusCode, 200);
  assert.ok(await exists('generic-staging', 'nightly/10/a.txt'));
  const doc = (await t.app.inject({ url: '/api/build/nightly/10', headers: AUTH })).json() as {
    buildInfo: { statuses: { status: string }[] };
  };
  assert.equal(doc.buildInfo.statuses[0]?.status, 'rolled-back');
});

test('dependencies are promoted by checksum when asked', async () => {
  await deploy(t.app, '/generic-staging/libs/dep-1.0.jar', 'dependency bytes');
  const doc = buildInfo('nightly', '11', []);
  (doc.modules as { dependencies?: unknown[] }[])[0]!.dependencies = [
    {
      id: 'org:dep:1.0',
      scopes: ['compile'],
      sha1: (await import('./helpers.ts')).sums('dependency bytes').sha1,
    },
  ];
  assert.equal((await publish(doc)).statusCode, 204);
  const res = await promote('nightly', '11', {
    targetRepo: 'generic-release',
    dependencies: true,
    copy: true,
    scopes: ['compile'],
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(await exists('generic-release', 'libs/dep-1.0.jar'));
});

test('delete builds, with and without their artifacts', async () => {
  await seedBuild('job', '1', [{ name: 'a.txt', data: 'j1' }]);
  await seedBuild('job', '2', [{ name: 'a.txt', data: 'j2' }]);
  await seedBuild('job', '3', [{ name: 'a.txt', data: 'j3' }]);
  const del = await t.app.inject({
    method: 'DELETE',
    url: '/api/build/job?buildNumbers=1&artifacts=1',
    headers: AUTH,
  });
  assert.equal(del.statusCode, 200, del.body);
  assert.ok(!(await exists('generic-staging', 'job/1/a.txt')));
  const post = await t.app.inject({
    method: 'POST',
    url: '/api/build/delete',
    headers: json,
    payload: JSON.stringify({ buildName: 'job', buildNumbers: ['2'] }),
  });
  assert.equal(post.statusCode, 200, post.body);
  assert.ok(await exists('generic-staging', 'job/2/a.txt'), 'artifacts kept unless asked');
  const nums = (await t.app.inject({ url: '/api/build/job', headers: AUTH })).json() as {
    buildsNumbers: { uri: string }[];
  };
  assert.deepEqual(
    nums.buildsNumbers.map((b) => b.uri),
    ['/3'],
  );
  const missing = await t.app.inject({
    method: 'DELETE',
    url: '/api/build/job?buildNumbers=3,42',
    headers: AUTH,
  });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.body, /42/);
  assert.equal(
    (await t.app.inject({ url: '/api/build/job/3', headers: AUTH })).statusCode,
    200,
    'nothing deleted',
  );
});

test('retention keeps the newest builds and those after a date', async () => {
  for (const n of ['1', '2', '3', '4', '5'])
    await seedBuild('ret', n, [{ name: 'a.txt', data: `ret${n}` }]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/build/retention/ret?async=false',
    headers: json,
    payload: JSON.stringify({
      count: 2,
      deleteBuildArtifacts: true,
      buildNumbersNotToBeDiscarded: ['1'],
    }),
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual((res.json() as { discarded: string[] }).discarded.sort(), ['2', '3']);
  assert.ok(!(await exists('generic-staging', 'ret/2/a.txt')));
  assert.ok(await exists('generic-staging', 'ret/1/a.txt'));
  const byDate = await t.app.inject({
    method: 'POST',
    url: '/api/build/retention/ret',
    headers: json,
    payload: JSON.stringify({ minimumBuildDate: Date.parse('2026-11-25T00:00:00Z') }),
  });
  assert.deepEqual((byDate.json() as { discarded: string[] }).discarded.sort(), ['1', '4']);
});

test('retention from the server config and from build-info buildRetention applies on publish', async () => {
  const cfg = await makeApp({ retention: { maxBuilds: 2 } });
  try {
    for (const n of ['1', '2', '3']) {
      const r = await cfg.app.inject({
        method: 'PUT',
        url: '/api/build',
        headers: json,
        payload: JSON.stringify(buildInfo('cfg', n, [])),
      });
      assert.equal(r.statusCode, 204);
    }
    const nums = (await cfg.app.inject({ url: '/api/build/cfg', headers: AUTH })).json() as {
      buildsNumbers: { uri: string }[];
    };
    assert.deepEqual(
      nums.buildsNumbers.map((b) => b.uri),
      ['/3', '/2'],
    );
  } finally {
    await cfg.close();
  }
  for (const n of ['1', '2', '3']) {
    assert.equal(
      (
        await publish(
          buildInfo('own', n, [], { buildRetention: { count: 1, deleteBuildArtifacts: false } }),
        )
      ).statusCode,
      204,
    );
  }
  const nums = (await t.app.inject({ url: '/api/build/own', headers: AUTH })).json() as {
    buildsNumbers: { uri: string }[];
  };
  assert.deepEqual(
    nums.buildsNumbers.map((b) => b.uri),
    ['/3'],
  );
});
