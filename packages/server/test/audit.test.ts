import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, buildInfo, deploy, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;
const json = { 'content-type': 'application/json' };

async function tokenFor(user: string): Promise<Record<string, string>> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: JSON.stringify({ user }),
    headers: { ...AUTH, ...json },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
}

interface Entry {
  user: string;
  tokenId?: string;
  ip?: string;
  action: string;
  repo?: string;
  path?: string;
  buildName?: string;
  buildNumber?: string;
  details?: Record<string, unknown>;
  time: string;
}

async function audit(query: string, headers: Record<string, string> = AUTH): Promise<Entry[]> {
  const res = await t.app.inject({ url: `/api/stowage/v1/audit?${query}`, headers });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { entries: Entry[] }).entries;
}

before(async () => {
  t = await makeApp({
    users: [
      { name: 'ci', groups: ['ci'] },
      { name: 'rm', groups: ['release-managers'] },
      { name: 'dev' },
    ],
    permissions: [
      {
        name: 'ci',
        repo: { repositories: ['generic-staging'], actions: { groups: { ci: ['deploy'] } } },
        build: { names: ['nightly'], actions: { groups: { ci: ['publish', 'promote:qa'] } } },
      },
      {
        name: 'release',
        build: {
          names: ['*'],
          actions: { groups: { 'release-managers': ['promote:qa', 'promote:release'] } },
        },
      },
      { name: 'dev', build: { names: ['nightly'], actions: { users: { dev: ['read'] } } } },
    ],
  });
});
after(async () => t.close());

test('the audit trail answers who promoted build 7 to release and who approved it', async () => {
  const ci = await tokenFor('ci');
  const rm = await tokenFor('rm');
  const put = await deploy(
    t.app,
    '/generic-staging/report.csv;build.name=nightly;build.number=7',
    'a,b',
    ci,
  );
  assert.equal(put.statusCode, 201, put.body);
  const published = await t.app.inject({
    method: 'PUT',
    url: '/api/build',
    payload: JSON.stringify(buildInfo('nightly', '7', [{ name: 'report.csv', data: 'a,b' }])),
    headers: { ...ci, ...json },
  });
  assert.equal(published.statusCode, 204, published.body);
  const body = {
    status: 'release',
    targetRepo: 'generic-release',
    copy: true,
    ciUser: 'github-actions[bot]',
    approver: 'alice',
    comment: 'approved in the release environment',
  };
  // The CI's own token may promote to qa only: it cannot skip the approval.
  const skipped = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/7',
    payload: JSON.stringify(body),
    headers: { ...ci, ...json },
  });
  assert.equal(skipped.statusCode, 403);
  assert.match(skipped.body, /needs \\"promote:release\\" on build \\"nightly\\"/);
  const promoted = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/7',
    payload: JSON.stringify(body),
    headers: { ...rm, ...json },
  });
  assert.equal(promoted.statusCode, 200, promoted.body);

  const [entry, ...older] = await audit('action=build.promote&buildName=nightly&buildNumber=7');
  assert.equal(older.length, 0);
  assert.ok(entry);
  assert.equal(entry.user, 'rm', 'who promoted: the authenticated principal');
  assert.equal(entry.details?.approver, 'alice', 'who approved it');
  assert.equal(entry.details?.ciUser, 'github-actions[bot]');
  assert.deepEqual(entry.details?.stages, ['release']);
  assert.ok(entry.tokenId && entry.ip, 'with the token and the address');

  const doc = (
    (await t.app.inject({ url: '/api/build/nightly/7', headers: AUTH })).json() as {
      buildInfo: {
        statuses: { status: string; user: string; ciUser: string; approver: string }[];
      };
    }
  ).buildInfo;
  const status = doc.statuses.at(-1);
  assert.deepEqual(
    { ...status, timestamp: undefined, timestampDate: undefined, repository: undefined },
    {
      status: 'release',
      user: 'rm',
      ciUser: 'github-actions[bot]',
      approver: 'alice',
      comment: 'approved in the release environment',
      timestamp: undefined,
      timestampDate: undefined,
      repository: undefined,
    },
  );

  // Every change of the build is there, newest first, each with its real principal.
  const trail = await audit('buildName=nightly');
  assert.deepEqual(
    trail.map((e) => `${e.action} by ${e.user}`),
    ['build.promote by rm', 'build.publish by ci'],
  );
  const deploys = await audit('action=artifact.deploy&repo=generic-staging&user=ci');
  assert.equal(deploys[0]?.path, 'report.csv');
  // Whoever may read the build reads its entries (the build page), without addresses.
  const dev = await tokenFor('dev');
  const seen = await audit('buildName=nightly', dev);
  assert.equal(seen.length, 2);
  assert.ok(seen.every((e) => e.ip === undefined && e.tokenId === undefined));
  const all = await t.app.inject({ url: '/api/stowage/v1/audit', headers: dev });
  assert.equal(all.statusCode, 403);
});

test('audit filters are checked', async () => {
  for (const q of ['since=yesterday', 'limit=0', 'colour=blue']) {
    const res = await t.app.inject({ url: `/api/stowage/v1/audit?${q}`, headers: AUTH });
    assert.equal(res.statusCode, 400, q);
  }
  const since = new Date(Date.now() + 3_600_000).toISOString();
  assert.deepEqual(await audit(`since=${encodeURIComponent(since)}`), []);
  assert.equal((await audit('limit=1')).length, 1);
});

test('users, groups and permission targets are managed over REST, and audited', async () => {
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/security/permissions/qa-team',
    payload: JSON.stringify({
      build: { names: ['*'], actions: { groups: { qa: ['promote:qa'] } } },
    }),
    headers: { ...AUTH, ...json },
  });
  assert.equal(put.statusCode, 201, put.body);
  const user = await t.app.inject({
    method: 'PUT',
    url: '/api/security/users/quinn',
    payload: JSON.stringify({ groups: ['qa'] }),
    headers: { ...AUTH, ...json },
  });
  assert.equal(user.statusCode, 201, user.body);
  const quinn = await tokenFor('quinn');
  const qa = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/7',
    // Real promotions (a dry run needs only read on the build): the status alone.
    payload: JSON.stringify({ status: 'qa', artifacts: false }),
    headers: { ...quinn, ...json },
  });
  assert.equal(qa.statusCode, 200, qa.body);
  const rel = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/7',
    payload: JSON.stringify({ status: 'release', artifacts: false }),
    headers: { ...quinn, ...json },
  });
  assert.equal(rel.statusCode, 403, 'a QA promoter cannot promote to release');
  const bad = await t.app.inject({
    method: 'PUT',
    url: '/api/security/permissions/broken',
    payload: JSON.stringify({ repo: { repositories: ['*'], actions: { users: { x: ['fly'] } } } }),
    headers: { ...AUTH, ...json },
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /not one of read, annotate, deploy, delete, manage/);
  const fromConfig = await t.app.inject({
    method: 'DELETE',
    url: '/api/security/users/ci',
    headers: AUTH,
  });
  assert.equal(fromConfig.statusCode, 409);
  const del = await t.app.inject({
    method: 'DELETE',
    url: '/api/security/users/quinn',
    headers: AUTH,
  });
  assert.equal(del.statusCode, 204);
  const gone = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/nightly/7',
    // Real promotions (a dry run needs only read on the build): the status alone.
    payload: JSON.stringify({ status: 'qa', artifacts: false }),
    headers: { ...quinn, ...json },
  });
  assert.equal(gone.statusCode, 403, "a deleted user's tokens lose its grants at once");
  assert.deepEqual(
    (await audit('action=user.')).map((e) => e.action),
    ['user.delete', 'user.create'],
  );
  assert.equal((await audit('action=permission.create'))[0]?.details?.name, 'qa-team');
});
