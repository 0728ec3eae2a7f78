/**
 * The setup action with `oidc-provider`, run as the runner runs it: @actions/core's getIDToken()
 * asks the runner's ID-token service (a local stub following GitHub's contract, also the issuer
 * with discovery + JWKS), the action exchanges the ID token with a real Stowage server and the
 * later steps use the minted, scoped token. No stored secret anywhere.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@stowage/server';
import { Job } from './runner.ts';
import { oidcStub } from './stubs.ts';

const REQUEST_TOKEN = 'runtime-id-token-request-token';
const AUDIENCE = 'https://stowage.acme.example';

let work: string;
let server: RunningServer;
let oidc: Awaited<ReturnType<typeof oidcStub>>;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'stowage-actions-oidc-'));
  oidc = await oidcStub(REQUEST_TOKEN);
  server = await startServer({
    dataDir: join(work, 'server'),
    port: 0,
    config: {
      oidc: {
        providers: [{ name: 'github', issuer: oidc.url, audience: AUDIENCE, tokenTtl: 900 }],
        mappings: [
          {
            provider: 'github',
            name: 'nightly',
            claims: { repository: 'acme/reports', ref: 'refs/heads/main' },
            scopes: ['repo:generic-staging:deploy', 'build:nightly-report:publish'],
          },
          {
            provider: 'github',
            name: 'release',
            // Three claims: more specific than `nightly` for a release job on main.
            claims: { repository: 'acme/reports', ref: 'refs/heads/main', environment: 'release' },
            scopes: ['build:*:read', 'build:*:promote:release'],
            user: 'ci-release',
          },
        ],
      },
    },
  });
});

after(async () => {
  await server?.close();
  await oidc?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function newJob(name: string, env: Record<string, string> = {}): Promise<Job> {
  const job = new Job(join(work, name), {
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    GITHUB_JOB: 'nightly',
    GITHUB_REPOSITORY: 'acme/reports',
    ...env,
  });
  await job.init();
  return job;
}

test('setup exchanges the job ID token for a scoped token that the later steps use', async () => {
  for (const k of Object.keys(oidc.claims)) delete oidc.claims[k];
  const job = await newJob('nightly');
  const setup = await job.step('setup', {
    url: server.url,
    'oidc-provider': 'github',
    'oidc-audience': AUDIENCE,
    'collect-env': 'false',
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  const token = job.env.STOWAGE_TOKEN ?? '';
  assert.match(token, /^stw_/);
  assert.notEqual(token, server.adminToken);
  assert.match(setup.stdout, new RegExp(`::add-mask::${token}`), 'the minted token is masked');
  assert.match(setup.stdout, /provider github, audience https:\/\/stowage\.acme\.example/);
  assert.match(setup.stdout, /scopes: repo:generic-staging:deploy build:nightly-report:publish/);

  const asked = oidc.requests.filter((r) => r.path.startsWith('/idtoken'));
  assert.equal(asked.length, 1);
  assert.equal(
    new URL(asked[0]?.path ?? '', oidc.url).searchParams.get('audience'),
    AUDIENCE,
    'the ID token is requested for the configured audience',
  );
  assert.equal(asked[0]?.headers['user-agent'], 'actions/oidc-client');

  const record = await server.app.stowage.auth.inspect(token);
  assert.deepEqual(record?.scopes, ['repo:generic-staging:deploy', 'build:nightly-report:publish']);
  assert.equal(record?.user, 'oidc-github-nightly');
  assert.match(record?.description ?? '', /acme\/reports run 1000/);

  await mkdir(join(job.workspace, 'out'), { recursive: true });
  await writeFile(join(job.workspace, 'out', 'report.csv'), 'a,b\n1,2\n');
  const publish = await job.step('publish', {
    files: 'out/*.csv',
    target: 'generic-staging/nightly-report/1/',
    env: 'false',
    git: 'false',
  });
  assert.equal(publish.code, 0, publish.stdout + publish.stderr);
  const stored = await server.app.inject({
    url: '/api/storage/generic-staging/nightly-report/1/report.csv',
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  assert.equal(stored.statusCode, 200);
  assert.equal((stored.json() as { createdBy: string }).createdBy, 'oidc-github-nightly');
});

test('a job in the release environment gets the release mapping', async () => {
  oidc.claims.environment = 'release';
  try {
    const job = await newJob('release', { GITHUB_JOB: 'promote' });
    const setup = await job.step('setup', {
      url: server.url,
      'oidc-provider': 'github',
      'oidc-audience': AUDIENCE,
      'collect-env': 'false',
      'collect-git': 'false',
      'auto-publish': 'false',
    });
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);
    assert.match(setup.stdout, /token of ci-release/);
    const record = await server.app.stowage.auth.inspect(job.env.STOWAGE_TOKEN ?? '');
    assert.deepEqual(record?.scopes, ['build:*:read', 'build:*:promote:release']);
  } finally {
    delete oidc.claims.environment;
  }
});

test('without id-token: write, or for the wrong audience, setup fails and says what to fix', async () => {
  const noPermission = await newJob('no-permission', {
    ACTIONS_ID_TOKEN_REQUEST_URL: '',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: '',
  });
  const a = await noPermission.step('setup', { url: server.url, 'oidc-provider': 'github' });
  assert.equal(a.code, 1);
  assert.match(a.errors.join('\n'), /permissions: id-token: write/);
  assert.equal(noPermission.env.STOWAGE_TOKEN, undefined);

  // The default audience is the server URL, which this provider does not accept.
  const wrongAudience = await newJob('wrong-audience');
  const b = await wrongAudience.step('setup', { url: server.url, 'oidc-provider': 'github' });
  assert.equal(b.code, 1);
  assert.match(b.errors.join('\n'), /audience[^\n]*https:\/\/stowage\.acme\.example/);
  const idTokens = oidc.requests.filter((r) => r.path.startsWith('/idtoken')).at(-1);
  assert.equal(
    new URL(idTokens?.path ?? '', oidc.url).searchParams.get('audience'),
    server.url,
    'default audience: the server URL',
  );

  const both = await newJob('both');
  const c = await both.step('setup', {
    url: server.url,
    token: server.adminToken,
    'oidc-provider': 'github',
  });
  assert.equal(c.code, 1);
  assert.match(c.errors.join('\n'), /pass either token or oidc-provider/);
});
