import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AUTH, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';
import { APPS_ON_PG } from './pg.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
});
after(async () => t.close());
const json = { ...AUTH, 'content-type': 'application/json' };

test('ping answers without a token; version and stages need read access', async () => {
  const ping = await t.app.inject({ url: '/api/system/ping' });
  assert.equal(ping.statusCode, 200);
  assert.equal(ping.body, 'OK');
  assert.equal((await t.app.inject({ url: '/api/system/version' })).statusCode, 401);
  const version = (await t.app.inject({ url: '/api/system/version', headers: AUTH })).json() as {
    version: string;
  };
  assert.match(version.version, /^\d+\.\d+\.\d+/);
  const stages = (await t.app.inject({ url: '/api/stowage/v1/stages', headers: AUTH })).json() as {
    stages: { name: string; repo: string }[];
  };
  assert.deepEqual(
    stages.stages.map((s) => s.name),
    ['staged', 'qa', 'release'],
  );
});

test('the default configuration creates the staging, qa and release repositories', async () => {
  const repos = (await t.app.inject({ url: '/api/repositories', headers: AUTH })).json() as {
    key: string;
    type: string;
    packageType: string;
  }[];
  assert.deepEqual(
    repos.map((r) => r.key),
    ['generic-qa', 'generic-release', 'generic-staging'],
  );
  assert.ok(repos.every((r) => r.type === 'LOCAL' && r.packageType === 'Generic'));
  const filtered = (
    await t.app.inject({ url: '/api/repositories?type=remote', headers: AUTH })
  ).json() as unknown[];
  assert.deepEqual(filtered, []);
});

test('repositories are created, updated and deleted through the API', async () => {
  const created = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/team-files',
    headers: json,
    payload: JSON.stringify({ rclass: 'local', packageType: 'generic', description: 'team' }),
  });
  assert.equal(created.statusCode, 201, created.body);
  const dup = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/team-files',
    headers: json,
    payload: '{}',
  });
  assert.equal(dup.statusCode, 409);
  assert.equal(errorCode(dup), 'ERR_REPO_EXISTS');
  const updated = await t.app.inject({
    method: 'POST',
    url: '/api/repositories/team-files',
    headers: json,
    payload: JSON.stringify({ description: 'renamed' }),
  });
  assert.equal(updated.statusCode, 200);
  assert.equal((updated.json() as { description: string }).description, 'renamed');
  assert.equal((await deploy(t.app, '/team-files/x.txt', 'x')).statusCode, 201);
  const del = await t.app.inject({
    method: 'DELETE',
    url: '/api/repositories/team-files',
    headers: AUTH,
  });
  assert.equal(del.statusCode, 204);
  assert.equal(
    (await t.app.inject({ url: '/api/repositories/team-files', headers: AUTH })).statusCode,
    404,
  );
  assert.equal((await deploy(t.app, '/team-files/x.txt', 'x')).statusCode, 404);
});

test('invalid repository definitions are refused with the reason', async () => {
  const badKey = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/-bad',
    headers: json,
    payload: '{}',
  });
  assert.equal(badKey.statusCode, 400);
  assert.equal(errorCode(badKey), 'ERR_REPO_INVALID');
  const reserved = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/api',
    headers: json,
    payload: '{}',
  });
  assert.equal(reserved.statusCode, 400);
  assert.match(reserved.body, /reserved/);
  const badType = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/x1',
    headers: json,
    payload: JSON.stringify({ rclass: 'weird' }),
  });
  assert.equal(badType.statusCode, 400);
  const notJson = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/x2',
    headers: json,
    payload: '{',
  });
  assert.equal(notJson.statusCode, 400);
  assert.equal(errorCode(notJson), 'ERR_BODY_INVALID');
  const stage = await t.app.inject({
    method: 'DELETE',
    url: '/api/repositories/generic-qa',
    headers: AUTH,
  });
  assert.equal(stage.statusCode, 400);
  assert.match(stage.body, /stage/);
  const anon = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/x3',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  });
  assert.equal(anon.statusCode, 401);
});

test('unknown routes answer with the error catalogue shape', async () => {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/nothing', headers: AUTH });
  assert.equal(res.statusCode, 404);
  assert.equal(errorCode(res), 'ERR_API_UNKNOWN', 'an /api/ call names the unknown API');
  const other = await t.app.inject({ method: 'PATCH', url: '/nothing', headers: AUTH });
  assert.equal(other.statusCode, 404);
  assert.equal(errorCode(other), 'ERR_NOT_FOUND');
});

test('health: ready when the metadata store answers and the blob store takes writes; 503 otherwise', async () => {
  const ok = await t.app.inject({ method: 'GET', url: '/api/system/health' });
  assert.equal(ok.statusCode, 200);
  const body = ok.json() as { status: string; checks: Record<string, { status: string }> };
  assert.equal(body.status, 'ok');
  assert.deepEqual(Object.keys(body.checks), ['metadata', 'blobs']);
  assert.equal(ok.headers['cache-control'], 'no-store');
  // The blob store's staging area gone (a lost mount): not ready, and no path in the answer.
  const tmp = join(t.dir, 'tmp');
  await rm(tmp, { recursive: true });
  try {
    const down = await t.app.inject({ method: 'GET', url: '/api/system/health' });
    assert.equal(down.statusCode, 503);
    const d = down.json() as {
      status: string;
      checks: Record<string, { status: string; message?: string }>;
    };
    assert.equal(d.status, 'unavailable');
    assert.equal(d.checks.metadata?.status, 'ok');
    assert.equal(d.checks.blobs?.status, 'failed');
    assert.match(d.checks.blobs?.message ?? '', /blob store does not take writes/);
    assert.ok(!down.body.includes(t.dir), down.body);
  } finally {
    await mkdir(tmp, { recursive: true });
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/system/health' })).statusCode, 200);
  // The pack small deploys are committed into (SQLite metadata) broken behind the server's
  // back: not ready either, until it is whole again.
  if (!APPS_ON_PG) {
    const other = new DatabaseSync(join(t.dir, 'blobs', 'pack.db'));
    try {
      other.exec('ALTER TABLE blobs RENAME TO hidden');
      const broken = await t.app.inject({ method: 'GET', url: '/api/system/health' });
      assert.equal(broken.statusCode, 503, broken.body);
      const b = broken.json() as { checks: { blobs: { status: string } } };
      assert.equal(b.checks.blobs.status, 'failed');
      other.exec('ALTER TABLE hidden RENAME TO blobs');
    } finally {
      other.close();
    }
    const back = await t.app.inject({ method: 'GET', url: '/api/system/health' });
    assert.equal(back.statusCode, 200, back.body);
  }
});
