import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AUTH, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;
before(async () => {
  t = await makeApp();
  await deploy(t.app, '/generic-staging/lib/dep.txt', 'a dependency');
});
after(async () => t.close());
const json = { ...AUTH, 'content-type': 'application/json' };

async function issue(body: unknown): Promise<{ statusCode: number; token: string; body: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    headers: json,
    payload: JSON.stringify(body),
  });
  return {
    statusCode: res.statusCode,
    token: (res.json() as { token?: string }).token ?? '',
    body: res.body,
  };
}

test('a build-scoped token records every download it makes for its build', async () => {
  const { statusCode, token } = await issue({
    buildName: 'nightly',
    buildNumber: '12',
    expiresInSec: 3600,
  });
  assert.equal(statusCode, 201);
  assert.match(token, /^stw_/);
  const res = await t.app.inject({
    url: '/generic-staging/lib/dep.txt',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.statusCode, 200);
  const list = await t.app.inject({
    url: '/api/stowage/v1/builds/nightly/12/downloads',
    headers: AUTH,
  });
  const downloads = (list.json() as { downloads: { repo: string; path: string; sha256: string }[] })
    .downloads;
  assert.deepEqual(
    downloads.map((d) => `${d.repo}/${d.path}`),
    ['generic-staging/lib/dep.txt'],
  );
  const db = new DatabaseSync(join(t.dir, 'metadata.db'));
  const stored = db.prepare('SELECT hash FROM tokens').all() as { hash: string }[];
  db.close();
  assert.ok(
    stored.every((r) => r.hash !== token && /^[0-9a-f]{64}$/.test(r.hash)),
    'only the hash is stored',
  );
});

test('issued tokens can deploy but not administer; expired and unknown tokens are refused', async () => {
  const { token } = await issue({ user: 'ci' });
  const auth = { authorization: `Bearer ${token}` };
  const put = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/by-ci.txt',
    payload: 'x',
    headers: auth,
  });
  assert.equal(put.statusCode, 201);
  assert.equal((put.json() as { createdBy: string }).createdBy, 'ci');
  const admin = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/nope',
    payload: '{}',
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(admin.statusCode, 403);
  assert.equal(errorCode(admin), 'ERR_FORBIDDEN');
  const mint = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: '{}',
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(mint.statusCode, 403, 'only an admin issues tokens');
  const db = new DatabaseSync(join(t.dir, 'metadata.db'));
  db.prepare('UPDATE tokens SET expires = 1').run();
  db.close();
  const expired = await t.app.inject({ url: '/generic-staging/by-ci.txt', headers: auth });
  assert.equal(expired.statusCode, 401);
  assert.equal(errorCode(expired), 'ERR_AUTH_INVALID');
});

test('token requests are validated', async () => {
  assert.equal((await issue({ buildName: 'only-a-name' })).statusCode, 400);
  assert.equal((await issue({ expiresInSec: -5 })).statusCode, 400);
  const anon = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: '{}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(anon.statusCode, 401);
});
