import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { SqliteMetaStore } from '../src/server.ts';
import { DatabaseSync } from 'node:sqlite';
import { AUTH, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;
before(async () => {
  t = await makeApp({
    users: [{ name: 'ci', groups: ['ci'] }],
    permissions: [
      {
        name: 'ci',
        repo: { repositories: ['generic-staging'], actions: { groups: { ci: ['deploy'] } } },
      },
    ],
  });
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
  const stored = await t.meta.listTokens();
  assert.ok(stored.length > 0);
  assert.ok(
    stored.every((r) => r.hash !== token && /^[0-9a-f]{64}$/.test(r.hash)),
    'only the hash is stored',
  );
});

test('a token acts for its user: deploys where the user may, records the user, never administers', async () => {
  const { statusCode, token } = await issue({ user: 'ci', description: 'CI uploads' });
  assert.equal(statusCode, 201);
  const auth = { authorization: `Bearer ${token}` };
  const put = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/by-ci.txt',
    payload: 'x',
    headers: auth,
  });
  assert.equal(put.statusCode, 201, put.body);
  assert.equal((put.json() as { createdBy: string }).createdBy, 'ci', 'the real principal');
  const release = await t.app.inject({
    method: 'PUT',
    url: '/generic-release/by-ci.txt',
    payload: 'x',
    headers: auth,
  });
  assert.equal(release.statusCode, 403);
  assert.match(release.body, /needs \\"deploy\\" on repository \\"generic-release\\"/);
  const admin = await t.app.inject({
    method: 'PUT',
    url: '/api/repositories/nope',
    payload: '{}',
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(admin.statusCode, 403);
  assert.equal(errorCode(admin), 'ERR_FORBIDDEN');
  const forOther = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: JSON.stringify({ user: 'someone-else' }),
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(forOther.statusCode, 403, 'only an admin issues tokens for others');
  // Every token expired long ago (through the store, so that this runs on either engine).
  for (const rec of await t.meta.listTokens()) {
    await t.meta.deleteToken(rec.id);
    await t.meta.putToken({ ...rec, expires: 1 });
  }
  const expired = await t.app.inject({ url: '/generic-staging/by-ci.txt', headers: auth });
  assert.equal(expired.statusCode, 401);
  assert.equal(errorCode(expired), 'ERR_AUTH_INVALID');
});

test('a scoped token never exceeds its scopes nor its user', async () => {
  const scoped = await issue({ user: 'ci', scopes: ['repo:generic-*:read'] });
  assert.equal(scoped.statusCode, 201, scoped.body);
  const auth = { authorization: `Bearer ${scoped.token}` };
  const get = await t.app.inject({ url: '/generic-staging/lib/dep.txt', headers: auth });
  assert.equal(get.statusCode, 200);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/generic-staging/s.txt',
    payload: 'x',
    headers: auth,
  });
  assert.equal(put.statusCode, 403, 'the scope holds only read');
  // Wider than the user: ci may deploy only to generic-staging, so the release scope grants nothing.
  const wide = await issue({ user: 'ci', scopes: ['repo:*:deploy'] });
  const release = await t.app.inject({
    method: 'PUT',
    url: '/generic-release/w.txt',
    payload: 'x',
    headers: { authorization: `Bearer ${wide.token}` },
  });
  assert.equal(release.statusCode, 403);
  // A scoped token issues only what its scopes cover.
  const mint = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: JSON.stringify({ scopes: ['repo:*:read'] }),
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assert.equal(mint.statusCode, 403);
  assert.match(mint.body, /cannot grant repo:\*:read/);
});

test('token requests are validated: unknown and ill-formed fields are refused', async () => {
  assert.equal((await issue({ buildName: 'only-a-name' })).statusCode, 400);
  assert.equal((await issue({ expiresInSec: -5 })).statusCode, 400);
  for (const body of [
    { repositories: ['x'] },
    { readOnly: true },
    { scope: 'x' },
    { permissions: [] },
    { scopes: ['repo:x:fly'] },
    { scopes: ['repo:a:b:read'] },
    { scopes: ['build:x:promote:'] },
    { scopes: 'repo:*:read' },
    { user: 'nobody-defined' },
    { expiresIn: '3 weeks' },
  ]) {
    const res = await issue(body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
  }
  const anon = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: '{}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(anon.statusCode, 401);
});

test('tokens are listed (never their secret), inspected, and revoked at once', async () => {
  const made = await t.app.inject({
    method: 'POST',
    url: '/api/stowage/v1/tokens',
    payload: JSON.stringify({
      user: 'ci',
      scopes: ['repo:generic-staging:deploy'],
      description: 'nightly uploads',
      expiresIn: '12h',
    }),
    headers: json,
  });
  assert.equal(made.statusCode, 201, made.body);
  const { token, id } = made.json() as { token: string; id: string };
  const auth = { authorization: `Bearer ${token}` };
  assert.equal(
    (await t.app.inject({ url: '/generic-staging/lib/dep.txt', headers: auth })).statusCode,
    200,
  );
  const list = await t.app.inject({ url: '/api/stowage/v1/tokens?user=ci', headers: AUTH });
  assert.equal(list.statusCode, 200);
  assert.ok(!list.body.includes(token), 'never the secret');
  const mine = (list.json() as { tokens: Record<string, unknown>[] }).tokens.find(
    (x) => x.id === id,
  );
  assert.ok(mine);
  assert.equal(mine.user, 'ci');
  assert.equal(mine.description, 'nightly uploads');
  assert.deepEqual(mine.scopes, ['repo:generic-staging:deploy']);
  assert.ok(
    typeof mine.created === 'string' &&
      typeof mine.expires === 'string' &&
      typeof mine.lastUsed === 'string',
  );
  const one = await t.app.inject({ url: `/api/stowage/v1/tokens/${id}`, headers: auth });
  assert.equal(one.statusCode, 200, 'a user inspects its own token');
  const revoked = await t.app.inject({
    method: 'DELETE',
    url: `/api/stowage/v1/tokens/${id}`,
    headers: AUTH,
  });
  assert.equal(revoked.statusCode, 204);
  const after = await t.app.inject({ url: '/generic-staging/lib/dep.txt', headers: auth });
  assert.equal(after.statusCode, 401, 'revoked tokens stop working at once');
  const audit = await t.app.inject({ url: `/api/stowage/v1/audit?action=token.`, headers: AUTH });
  const actions = (
    audit.json() as { entries: { action: string; details: { id: string } }[] }
  ).entries
    .filter((e) => e.details.id === id)
    .map((e) => e.action);
  assert.deepEqual(actions, ['token.revoke', 'token.issue']);
  const failed = await t.app.inject({
    url: '/api/stowage/v1/audit?action=auth.failed',
    headers: AUTH,
  });
  assert.ok(
    (failed.json() as { entries: unknown[] }).entries.length >= 1,
    'failed authentication is audited',
  );
});

test("JFrog's /access/api/v1/tokens issues (form or JSON) and revokes", async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/access/api/v1/tokens',
    payload: 'username=ci&scope=repo%3Ageneric-staging%3Aread&expires_in=3600&description=jfrog',
    headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as {
    access_token: string;
    expires_in: number;
    scope: string;
    token_type: string;
    token_id: string;
  };
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.scope, 'repo:generic-staging:read');
  assert.ok(body.expires_in > 3500 && body.expires_in <= 3600);
  const auth = { authorization: `Bearer ${body.access_token}` };
  assert.equal(
    (await t.app.inject({ url: '/generic-staging/lib/dep.txt', headers: auth })).statusCode,
    200,
  );
  const bad = await t.app.inject({
    method: 'POST',
    url: '/access/api/v1/tokens',
    payload: JSON.stringify({ username: 'ci', refreshable: true }),
    headers: json,
  });
  assert.equal(bad.statusCode, 400);
  const del = await t.app.inject({
    method: 'DELETE',
    url: `/access/api/v1/tokens/${body.token_id}`,
    headers: AUTH,
  });
  assert.equal(del.statusCode, 200);
  assert.equal(
    (await t.app.inject({ url: '/generic-staging/lib/dep.txt', headers: auth })).statusCode,
    401,
  );
});

test('tokens stored before ids and scopes existed keep working, with an id', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-old-tokens-'));
  try {
    const db = new DatabaseSync(join(dir, 'metadata.db'));
    db.exec(`CREATE TABLE tokens (hash TEXT PRIMARY KEY, user TEXT NOT NULL, admin INTEGER NOT NULL,
      build_name TEXT, build_number TEXT, created INTEGER NOT NULL, expires INTEGER)`);
    db.prepare('INSERT INTO tokens VALUES (?, ?, 0, NULL, NULL, 1, NULL)').run(
      'ab'.repeat(32),
      'ci',
    );
    db.close();
    const meta = new SqliteMetaStore({ dir });
    try {
      const t = await meta.findToken('ab'.repeat(32));
      assert.equal(t?.id, 'ab'.repeat(8));
      assert.equal(t?.user, 'ci');
      assert.equal(t?.scopes, undefined, 'acts with its user grants');
      assert.equal((await meta.listTokens({ user: 'ci' })).length, 1);
    } finally {
      await meta.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
