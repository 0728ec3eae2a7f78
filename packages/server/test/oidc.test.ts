/**
 * OIDC token exchange against a local issuer (test/oidc-issuer.ts: discovery + JWKS on
 * 127.0.0.1, GitHub-shaped ID tokens signed with jose test keys): valid tokens yield scoped,
 * short-lived tokens from the most specific mapping; every forged, stale or misdirected token is
 * refused with a message that says what to fix; replays are refused across stores.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SignJWT, base64url, exportSPKI, importJWK, type CryptoKey } from 'jose';
import { ConfigError, SqliteMetaStore, resolveConfig } from '../src/server.ts';
import { claimMatches } from '../src/internal/oidc.ts';
import { AUTH, buildInfo, deploy, errorCode, makeApp, type TestApp } from './helpers.ts';
import { startIssuer, testKey, type Issuer } from './oidc-issuer.ts';

const AUDIENCE = 'https://stowage.example';
const EXCHANGE = '/access/api/v1/oidc/token';
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

let issuer: Issuer;
let t: TestApp;

function config(iss: string): unknown {
  return {
    oidc: {
      providers: [{ name: 'github', issuer: iss, audience: AUDIENCE, tokenTtl: 600 }],
      mappings: [
        {
          provider: 'github',
          name: 'owner-read',
          priority: 50,
          claims: { repository_owner_id: 4242 },
          scopes: ['repo:*:read', 'build:*:read'],
        },
        {
          provider: 'github',
          name: 'main-publish',
          claims: { repository: 'acme/app', ref: 'refs/heads/main' },
          scopes: ['repo:generic-staging:deploy', 'build:*:publish'],
        },
        {
          provider: 'github',
          name: 'staging',
          priority: 1,
          claims: { repository: 'acme/app', environment: 'staging' },
          scopes: ['repo:generic-staging:deploy', 'build:*:publish'],
          user: 'ci-staging',
        },
        {
          provider: 'github',
          name: 'release',
          claims: {
            repository: 'acme/app',
            environment: 'release',
            job_workflow_ref: 'acme/app/.github/workflows/promote.yml@*',
          },
          scopes: ['build:*:read', 'build:*:promote:release'],
          user: 'ci-release',
        },
        {
          provider: 'github',
          name: 'nightly-exact',
          claims: { repository: 'acme/tasks', workflow: 'nightly' },
          scopes: ['build:nightly:publish'],
        },
        {
          provider: 'github',
          name: 'nightly-any',
          priority: 10,
          claims: { repository: 'acme/*', workflow: 'nightly' },
          scopes: ['build:nightly-*:publish'],
        },
        {
          provider: 'github',
          name: 'labeler',
          claims: { repository: 'acme/app', event_name: 'pull_request_target' },
          scopes: ['build:*:read'],
        },
      ],
    },
  };
}

before(async () => {
  issuer = await startIssuer({ audience: AUDIENCE });
  t = await makeApp(config(issuer.url));
});
after(async () => {
  await t?.close();
  await issuer?.close();
});

interface Answer {
  statusCode: number;
  body: string;
  json: () => unknown;
  headers: Record<string, unknown>;
}

async function exchange(
  subject: string,
  extra: Record<string, string> = {},
  form = false,
): Promise<Answer> {
  const fields = {
    grant_type: GRANT,
    subject_token_type: ID_TOKEN,
    subject_token: subject,
    provider_name: 'github',
    project_key: '',
    gh_job_id: 'promote',
    ...extra,
  };
  return t.app.inject({
    method: 'POST',
    url: EXCHANGE,
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    payload: form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
}

interface Minted {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  issued_token_type: string;
  username: string;
}

async function mint(claims: Record<string, unknown> = {}): Promise<Minted> {
  const res = await exchange(await issuer.sign(issuer.claims(claims)));
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Minted;
}

/** Asserts a refusal: status, code, message fragment, and that the token is not echoed. */
function refused(res: Answer, status: number, code: string, message: RegExp, token?: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(errorCode(res), code);
  assert.match((res.json() as { errors: { message: string }[] }).errors[0]?.message ?? '', message);
  if (token) {
    assert.ok(!res.body.includes(token), 'the ID token is not echoed');
    assert.ok(!res.body.includes(token.split('.')[1] ?? '-'), 'nor its payload');
  }
}

test('a valid GitHub ID token is exchanged for a short-lived token with the mapping scopes', async () => {
  const claims = issuer.claims();
  const res = await exchange(await issuer.sign(claims));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const out = res.json() as Minted;
  assert.match(out.access_token, /^stw_/);
  assert.equal(out.token_type, 'Bearer');
  assert.equal(out.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
  assert.equal(out.scope, 'repo:generic-staging:deploy build:*:publish');
  assert.equal(out.username, 'oidc-github-main-publish');
  assert.ok(out.expires_in > 0 && out.expires_in <= 600, `expires_in ${out.expires_in}`);

  const record = await t.app.stowage.auth.inspect(out.access_token);
  assert.ok(record);
  assert.deepEqual(record.scopes, ['repo:generic-staging:deploy', 'build:*:publish']);
  assert.equal(record.user, 'oidc-github-main-publish');
  assert.equal(record.admin, false);
  assert.match(
    record.description ?? '',
    /^OIDC github: acme\/app run 9001 \(promote\) via mapping main-publish$/,
  );
  assert.ok(record.expires !== undefined && record.expires <= Date.now() + 600_000);
  assert.ok(record.expires <= ((claims.exp ?? 0) + 600) * 1000, 'never beyond exp + ttl');

  const version = await t.app.inject({
    url: '/api/system/version',
    headers: { authorization: `Bearer ${out.access_token}` },
  });
  assert.equal(version.statusCode, 200, 'the minted token authenticates');
  assert.ok(
    issuer.requests.includes('/.well-known/openid-configuration') &&
      issuer.requests.includes('/.well-known/jwks'),
    'keys found through discovery',
  );
});

test('ES256 tokens verify too, and a form-encoded request works like JSON', async () => {
  const res = await exchange(await issuer.sign(issuer.claims(), { key: issuer.ec }), {}, true);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((res.json() as Minted).username, 'oidc-github-main-publish');
});

test('forged, stale and misdirected ID tokens are refused with what to fix', async () => {
  const sign = async (over: Record<string, unknown>): Promise<string> =>
    issuer.sign(issuer.claims(over));
  const now = Math.floor(Date.now() / 1000);

  let tok = await sign({ iss: 'https://token.actions.githubusercontent.com' });
  refused(
    await exchange(tok),
    401,
    'ERR_OIDC_TOKEN_INVALID',
    /issuer is not provider "github"/,
    tok,
  );

  tok = await sign({ aud: 'https://someone-else.example' });
  refused(
    await exchange(tok),
    401,
    'ERR_OIDC_TOKEN_INVALID',
    /audience .*request the ID token with audience "https:\/\/stowage\.example"/,
    tok,
  );

  tok = await sign({ iat: now - 900, nbf: now - 900, exp: now - 600 });
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /has expired/, tok);

  tok = await sign({ nbf: now + 600, exp: now + 900 });
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /not valid yet/, tok);

  const noneHeader = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const payload = base64url.encode(JSON.stringify(issuer.claims()));
  tok = `${noneHeader}.${payload}.`;
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /algorithm is not accepted/, tok);

  // The classic confusion: HS256 keyed with the provider's public key, which anyone can fetch.
  const publicPem = await exportSPKI(
    (await importJWK(issuer.rsa.publicJwk, 'RS256', { extractable: true })) as CryptoKey,
  );
  tok = await new SignJWT(issuer.claims())
    .setProtectedHeader({ alg: 'HS256', kid: issuer.rsa.kid })
    .sign(new TextEncoder().encode(publicPem));
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /algorithm is not accepted/, tok);

  const stranger = await testKey('RS256', 'rogue-1');
  tok = await issuer.sign(issuer.claims(), { key: stranger });
  refused(
    await exchange(tok),
    401,
    'ERR_OIDC_TOKEN_INVALID',
    /no key of provider "github" matches/,
    tok,
  );

  // A key the attacker holds, presented under the provider's kid: the signature does not verify.
  tok = await issuer.sign(issuer.claims(), { key: stranger, kid: issuer.rsa.kid });
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /signature does not verify/, tok);

  // A genuine token with its claims edited (another repository's rights claimed).
  const genuine = (await sign({})).split('.');
  const edited = base64url.encode(JSON.stringify({ ...issuer.claims(), environment: 'release' }));
  tok = `${genuine[0]}.${edited}.${genuine[2]}`;
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /signature does not verify/, tok);

  refused(await exchange('not-a-jwt'), 401, 'ERR_OIDC_TOKEN_INVALID', /not a valid signed JWT/);
  tok = await sign({ exp: undefined });
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_INVALID', /claim exp is missing/, tok);
});

test('a replayed jti is refused, also by another replica sharing the store', async () => {
  const tok = await issuer.sign(issuer.claims());
  assert.equal((await exchange(tok)).statusCode, 200);
  refused(await exchange(tok), 401, 'ERR_OIDC_TOKEN_REPLAYED', /already exchanged/, tok);
  // An issuer that sets no jti: the token itself is used once.
  const bare = await issuer.sign(issuer.claims({ jti: undefined }));
  assert.equal((await exchange(bare)).statusCode, 200);
  refused(await exchange(bare), 401, 'ERR_OIDC_TOKEN_REPLAYED', /already exchanged/, bare);

  const dir = await mkdtemp(join(tmpdir(), 'stowage-nonce-'));
  const a = new SqliteMetaStore({ dir });
  const b = new SqliteMetaStore({ dir });
  try {
    const exp = Date.now() + 60_000;
    assert.equal(await a.useNonce('oidc:x', 'jti-1', exp), true);
    assert.equal(await b.useNonce('oidc:x', 'jti-1', exp), false, 'seen by the other replica');
    assert.equal(await b.useNonce('oidc:y', 'jti-1', exp), true, 'scopes are apart');
    assert.equal(await a.useNonce('oidc:x', 'jti-2', Date.now() - 1), true);
    assert.equal(await b.useNonce('oidc:x', 'jti-2', exp), true, 'an expired record is purged');
  } finally {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a metadata.db from before scoped tokens opens and stores them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-oldtokens-'));
  try {
    const old = new DatabaseSync(join(dir, 'metadata.db'));
    old.exec(`CREATE TABLE tokens (hash TEXT PRIMARY KEY, user TEXT NOT NULL, admin INTEGER NOT NULL,
      build_name TEXT, build_number TEXT, created INTEGER NOT NULL, expires INTEGER)`);
    old.exec(`INSERT INTO tokens VALUES ('${'a'.repeat(64)}', 'ci', 0, NULL, NULL, 1, NULL)`);
    old.close();
    const meta = new SqliteMetaStore({ dir });
    try {
      assert.deepEqual(await meta.findToken('a'.repeat(64)), {
        id: 'a'.repeat(16),
        hash: 'a'.repeat(64),
        user: 'ci',
        admin: false,
        created: 1,
      });
      await meta.putToken({
        hash: 'b'.repeat(64),
        id: 'tok1',
        user: 'ci',
        admin: false,
        created: 2,
        scopes: ['build:*:read'],
        description: 'd',
      });
      const t2 = await meta.findToken('b'.repeat(64));
      assert.deepEqual([t2?.id, t2?.scopes, t2?.description], ['tok1', ['build:*:read'], 'd']);
    } finally {
      await meta.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pull_request_target is refused unless a mapping names it explicitly', async () => {
  // acme/tools matches only the owner-wide mapping, which does not name the event.
  const tok = await issuer.sign(
    issuer.claims({ repository: 'acme/tools', event_name: 'pull_request_target' }),
  );
  refused(await exchange(tok), 401, 'ERR_OIDC_NO_MAPPING', /pull_request_target/, tok);
  // acme/app on main would match main-publish; only the mapping that names the event applies.
  const app = await mint({ event_name: 'pull_request_target' });
  assert.equal(app.username, 'oidc-github-labeler');
  assert.equal(app.scope, 'build:*:read');
});

test('the most specific mapping wins: most claims, then priority', async () => {
  // owner-read (1 claim, priority 50) and main-publish (2 claims) match: claims count first.
  assert.equal((await mint({ ref: 'refs/heads/main' })).username, 'oidc-github-main-publish');
  // Only owner-read matches another repository of the owner.
  const other = await mint({ repository: 'acme/website' });
  assert.equal(other.username, 'oidc-github-owner-read');
  assert.equal(other.scope, 'repo:*:read build:*:read');
  // nightly-exact and nightly-any both match with 2 claims: the higher priority wins.
  const nightly = await mint({ repository: 'acme/tasks', workflow: 'nightly' });
  assert.equal(nightly.username, 'oidc-github-nightly-any');
  assert.equal(nightly.scope, 'build:nightly-*:publish');
});

test('no matching mapping: 401 naming the claims that differ, without the expected values', async () => {
  const tok = await issuer.sign(issuer.claims({ repository_owner_id: '1', ref: 'refs/heads/dev' }));
  const res = await exchange(tok);
  refused(res, 401, 'ERR_OIDC_NO_MAPPING', /no identity mapping of provider "github" matches/, tok);
  const message = (res.json() as { errors: { message: string }[] }).errors[0]?.message ?? '';
  assert.match(message, /mapping "main-publish" differs in ref/);
  assert.match(message, /ref "refs\/heads\/dev"/);
  assert.ok(!res.body.includes('promote.yml@*'), 'mapping patterns stay on the server');
});

test('environment release maps to promote:release; staging gets only publish', async () => {
  const release = await mint({ environment: 'release' });
  assert.equal(release.username, 'ci-release');
  assert.deepEqual(release.scope.split(' '), ['build:*:read', 'build:*:promote:release']);
  const staging = await mint({ environment: 'staging' });
  assert.equal(staging.username, 'ci-staging');
  assert.deepEqual(staging.scope.split(' '), ['repo:generic-staging:deploy', 'build:*:publish']);
  assert.ok(!staging.scope.includes('promote'), 'staging cannot promote');
  // The release environment from another workflow file is not the release mapping.
  const elsewhere = await mint({
    environment: 'release',
    job_workflow_ref: 'acme/app/.github/workflows/other.yml@refs/heads/main',
  });
  assert.equal(elsewhere.username, 'oidc-github-main-publish');

  // Through the real promotion route: the release-mapped token promotes to release.
  const files = [{ name: 'report.csv', data: 'a,b\n' }];
  const put = await deploy(
    t.app,
    '/generic-staging/app/1/report.csv;build.name=app;build.number=1',
    files[0]?.data ?? '',
  );
  assert.equal(put.statusCode, 201, put.body);
  const pub = await t.app.inject({
    method: 'PUT',
    url: '/api/build',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: JSON.stringify(buildInfo('app', '1', files)),
  });
  assert.equal(pub.statusCode, 204, pub.body);
  const promote = (token: string): Promise<Answer> =>
    t.app.inject({
      method: 'POST',
      url: '/api/build/promote/app/1',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ status: 'release', targetRepo: 'generic-release', copy: true }),
    });
  const ok = await promote(release.access_token);
  assert.equal(ok.statusCode, 200, ok.body);
  const statuses = (
    (await t.app.inject({ url: '/api/build/app/1', headers: AUTH })).json() as {
      buildInfo: { statuses: { status: string; user?: string }[] };
    }
  ).buildInfo.statuses;
  assert.equal(
    statuses.at(-1)?.user,
    'ci-release',
    'the promotion is recorded for the CI identity',
  );
});

test('a staging-mapped token cannot promote to release', async () => {
  const staging = await mint({ environment: 'staging' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/build/promote/app/1',
    headers: {
      authorization: `Bearer ${staging.access_token}`,
      'content-type': 'application/json',
    },
    payload: JSON.stringify({ status: 'release', targetRepo: 'generic-release', copy: true }),
  });
  assert.equal(res.statusCode, 403, res.body);
});

test('bad requests say what to send', async () => {
  const tok = await issuer.sign(issuer.claims());
  refused(
    await exchange(tok, { grant_type: 'password' }),
    400,
    'ERR_OIDC_REQUEST_INVALID',
    /grant_type "password" is not supported/,
    tok,
  );
  refused(
    await exchange(tok, { subject_token_type: 'urn:x' }),
    400,
    'ERR_OIDC_REQUEST_INVALID',
    /subject_token_type/,
    tok,
  );
  refused(
    await exchange(tok, { provider_name: 'gitlab' }),
    400,
    'ERR_OIDC_PROVIDER_UNKNOWN',
    /use one of: github/,
    tok,
  );
  refused(await exchange(''), 400, 'ERR_OIDC_REQUEST_INVALID', /lacks subject_token/);
  refused(await exchange('x'.repeat(20_000)), 400, 'ERR_OIDC_REQUEST_INVALID', /not an ID token/);
  const huge = await t.app.inject({
    method: 'POST',
    url: EXCHANGE,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ subject_token: 'x'.repeat(100_000) }),
  });
  assert.equal(huge.statusCode, 413, 'an anonymous caller cannot send large bodies');
  const empty = await t.app.inject({
    method: 'POST',
    url: EXCHANGE,
    headers: { 'content-type': 'application/json' },
    payload: '[1]',
  });
  refused(empty, 400, 'ERR_OIDC_REQUEST_INVALID', /must be a JSON object/);
  // The token is still unused: a refused request does not burn its jti.
  assert.equal((await exchange(tok)).statusCode, 200);
});

test('a server without OIDC providers answers 404 with how to configure them', async () => {
  const plain = await makeApp();
  try {
    const res = await plain.app.inject({
      method: 'POST',
      url: EXCHANGE,
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    refused(res, 404, 'ERR_OIDC_NOT_CONFIGURED', /oidc\.providers/);
  } finally {
    await plain.close();
  }
});

test('a provider whose keys do not answer in time fails with 502, not a hang', async () => {
  const silent: Server = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const addr = silent.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const slow = await makeApp({
    oidc: {
      providers: [
        {
          name: 'slow',
          issuer: issuer.url,
          audience: AUDIENCE,
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
          fetchTimeout: 1,
        },
      ],
      mappings: [
        {
          provider: 'slow',
          name: 'any',
          claims: { repository: 'acme/app' },
          scopes: ['build:*:read'],
        },
      ],
    },
  });
  try {
    const tok = await issuer.sign(issuer.claims());
    const res = await slow.app.inject({
      method: 'POST',
      url: EXCHANGE,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        grant_type: GRANT,
        subject_token_type: ID_TOKEN,
        subject_token: tok,
        provider_name: 'slow',
      }),
    });
    refused(
      res,
      502,
      'ERR_OIDC_PROVIDER_UNAVAILABLE',
      /keys of provider "slow" could not be fetched/,
      tok,
    );
  } finally {
    await slow.close();
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test('the oidc config is checked: GitHub mappings pin a repository, no admin, no HS*', () => {
  const gh = 'https://token.actions.githubusercontent.com';
  const cfg = (providers: unknown[], mappings: unknown[]): unknown => ({
    oidc: { providers, mappings },
  });
  const p = { name: 'github', issuer: gh, audience: AUDIENCE };
  assert.throws(
    () =>
      resolveConfig(
        cfg(
          [p],
          [
            {
              provider: 'github',
              name: 'rel',
              claims: { environment: 'release' },
              scopes: ['build:*:promote:release'],
            },
          ],
        ),
      ),
    (e: Error) => e instanceof ConfigError && /must pin one of repository/.test(e.message),
  );
  assert.throws(
    () =>
      resolveConfig(
        cfg(
          [p],
          [
            {
              provider: 'github',
              name: 'x',
              claims: { repository: '*' },
              scopes: ['build:*:read'],
            },
          ],
        ),
      ),
    /must pin one of repository/,
  );
  assert.throws(
    () =>
      resolveConfig(
        cfg(
          [p],
          [{ provider: 'github', name: 'x', claims: { repository: 'a/b' }, scopes: ['admin'] }],
        ),
      ),
    /cannot grant admin/,
  );
  assert.throws(
    () =>
      resolveConfig(
        cfg(
          [p],
          [
            {
              provider: 'github',
              name: 'x',
              claims: { repository: 'a/b' },
              scopes: ['build:*:promote'],
            },
          ],
        ),
      ),
    /scopes must be a non-empty list/,
  );
  assert.throws(
    () => resolveConfig(cfg([{ ...p, algorithms: ['HS256'] }], [])),
    /none and HS\* are never accepted/,
  );
  assert.throws(
    () =>
      resolveConfig(
        cfg(
          [p],
          [
            {
              provider: 'gitlab',
              name: 'x',
              claims: { repository: 'a/b' },
              scopes: ['build:*:read'],
            },
          ],
        ),
      ),
    /provider must be one of oidc.providers \(github\)/,
  );
  const ok = resolveConfig(
    cfg(
      [p],
      [
        {
          provider: 'github',
          name: 'rel',
          claims: { repository_owner_id: 4242, environment: 'release' },
          scopes: ['build:*:promote:release'],
        },
      ],
    ),
  );
  assert.equal(ok.oidc?.providers[0]?.tokenTtl, 900, 'default ttl: 15 minutes');
  assert.deepEqual(ok.oidc?.mappings[0]?.claims, {
    repository_owner_id: '4242',
    environment: 'release',
  });
});

test('claim patterns: * spans any characters, the rest is literal and case-sensitive', () => {
  const cases: [string, string, boolean][] = [
    ['acme/app', 'acme/app', true],
    ['acme/app', 'acme/App', false],
    ['acme/*', 'acme/app', true],
    ['acme/*', 'acme', false],
    [
      'org/repo/.github/workflows/promote.yml@*',
      'org/repo/.github/workflows/promote.yml@refs/heads/main',
      true,
    ],
    [
      'org/repo/.github/workflows/promote.yml@*',
      'org/repo/.github/workflows/promote-yml@refs/heads/main',
      false,
    ],
    ['refs/tags/v*', 'refs/tags/v1.2.3', true],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['a.c', 'abc', false],
    ['*a*a*a*a*a*b', 'a'.repeat(5000), false],
  ];
  for (const [pattern, value, want] of cases)
    assert.equal(claimMatches(pattern, value), want, `${pattern} ~ ${value.slice(0, 40)}`);
});
