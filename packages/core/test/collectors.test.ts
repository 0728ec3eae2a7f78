import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  collectEnv,
  collectEnvDetailed,
  collectGit,
  detectCi,
  looksLikeSecret,
  StowageError,
  stripCredentials,
} from '../src/core.ts';

describe('collectEnv', () => {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/ci',
    PASSWORD: 'hunter2',
    DB_Password: 'x',
    GITHUB_TOKEN: 'ghs_x',
    AWS_SECRET_ACCESS_KEY: 'abc',
    SSH_KEY: '-----BEGIN',
    npm_config_secret: 's',
    UNSET: undefined,
  };

  it('excludes secrets by default and keeps the rest, prefixed', () => {
    assert.deepEqual(collectEnv({ env }), {
      'buildInfo.env.HOME': '/home/ci',
      'buildInfo.env.PATH': '/usr/bin:/bin',
    });
  });

  it('applies include globs, case-insensitively', () => {
    assert.deepEqual(collectEnv({ env, include: ['pa*'] }), {
      'buildInfo.env.PATH': '/usr/bin:/bin',
    });
  });

  it('replaces the default exclusion when exclude is given', () => {
    const out = collectEnv({ env, exclude: ['h?me', '*token*'] });
    assert.equal(out['buildInfo.env.HOME'], undefined);
    assert.equal(out['buildInfo.env.GITHUB_TOKEN'], undefined);
    assert.equal(out['buildInfo.env.PASSWORD'], 'hunter2');
  });

  it('leaves out the names CI systems use for credentials (Jenkins *_PSW, npm _auth, …)', () => {
    const names = {
      DB_PSW: 'hunter2',
      NPM_CONFIG__AUTH: 'dXNlcjpwYXNz',
      MY_PASS: 'x',
      GH_PAT_CREDENTIAL: 'y',
      NEXUS_AUTH: 'admin:admin123',
      DB_PWD: 'p',
      SESSION_ID: 's',
      jsessionid: 's',
      COOKIE_JAR: 'c',
      PASSPHRASE: 'p',
      GPG_PRIVATE_KEY: 'k',
      oauth_client: 'o',
      BUILD_TAG: 'jenkins-nightly-17',
    };
    const got = collectEnvDetailed({ env: names });
    assert.deepEqual(got.properties, { 'buildInfo.env.BUILD_TAG': 'jenkins-nightly-17' });
    assert.deepEqual(
      got.excludedByName,
      Object.keys(names)
        .filter((n) => n !== 'BUILD_TAG')
        .sort(),
    );
  });

  it('leaves out values shaped like well-known tokens, whatever the name', () => {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.${'s'.repeat(40)}`;
    const env = {
      A: `ghp_${'a'.repeat(36)}`,
      B: `gho_${'b'.repeat(36)}`,
      C: `ghs_${'c'.repeat(36)}`,
      D: `github_pat_11ABC_${'d'.repeat(60)}`,
      E: `stw_${'e'.repeat(32)}`,
      F: 'AKIAIOSFODNN7EXAMPLE',
      G: jwt,
      H: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n',
      I: '-----BEGIN RSA PRIVATE KEY-----',
      J: 'xoxb-1234567890-abcdefghij',
      K: 'xoxp-1234567890-abcdefghij',
      L: `npm_${'l'.repeat(36)}`,
      M: 'https://ci:s3cr3t@nexus.example/repository/npm/',
      N: `Authorization: Bearer ${jwt}`,
      SAFE_URL: 'https://nexus.example/repository/npm/',
      SAFE_SHA: 'a'.repeat(40),
      SAFE_REF: 'refs/heads/ghp_branch',
      SAFE_PEM: '-----BEGIN CERTIFICATE-----',
    };
    const got = collectEnvDetailed({ env });
    assert.deepEqual(got.excludedByValue, 'ABCDEFGHIJKLMN'.split(''));
    assert.deepEqual(Object.keys(got.properties), [
      'buildInfo.env.SAFE_PEM',
      'buildInfo.env.SAFE_REF',
      'buildInfo.env.SAFE_SHA',
      'buildInfo.env.SAFE_URL',
    ]);
    assert.equal(looksLikeSecret('git@github.com:acme/app.git'), false);
  });

  it('allow keeps a name an exclude glob matches, still checking its value', () => {
    const env = { AUTHOR_NAME: 'Ada', AUTHOR_EMAIL: `ghp_${'z'.repeat(36)}`, NPM_AUTH: 'x' };
    const got = collectEnvDetailed({ env, allow: ['author_*'] });
    assert.deepEqual(got.properties, { 'buildInfo.env.AUTHOR_NAME': 'Ada' });
    assert.deepEqual(got.excludedByName, ['NPM_AUTH']);
    assert.deepEqual(got.excludedByValue, ['AUTHOR_EMAIL']);
    assert.equal(
      collectEnv({ env, allow: ['author_*'], checkValues: false })['buildInfo.env.AUTHOR_EMAIL'],
      env.AUTHOR_EMAIL,
      'checkValues: false keeps token-shaped values',
    );
  });

  it('treats glob metacharacters other than * and ? literally', () => {
    assert.deepEqual(collectEnv({ env: { 'A.B': '1', AXB: '2' }, include: ['A.B'] }), {
      'buildInfo.env.A.B': '1',
    });
  });
});

describe('stripCredentials', () => {
  it('removes user and password from URLs and keeps scp-like forms', () => {
    assert.equal(stripCredentials('https://user:pass@host/x.git'), 'https://host/x.git');
    assert.equal(
      stripCredentials('https://x-access-token:ghs_abc@github.com/o/r'),
      'https://github.com/o/r',
    );
    assert.equal(stripCredentials('ssh://git@host:2222/x.git'), 'ssh://host:2222/x.git');
    assert.equal(stripCredentials('git@github.com:o/r.git'), 'git@github.com:o/r.git');
    assert.equal(stripCredentials('https://host/x.git'), 'https://host/x.git');
  });
});

describe('collectGit', () => {
  let repo: string;
  let outside: string;
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    }).trim();

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'stowage-git-'));
    outside = mkdtempSync(join(tmpdir(), 'stowage-nogit-'));
    git('init', '--quiet', '--initial-branch=feature/x');
    git('remote', 'add', 'origin', 'https://user:pass@host/x.git');
  });
  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reports url (without credentials) and branch before the first commit', async () => {
    assert.deepEqual(await collectGit({ cwd: repo }), {
      url: 'https://host/x.git',
      branch: 'feature/x',
    });
  });

  it('reports revision and message after a commit', async () => {
    writeFileSync(join(repo, 'a.txt'), 'a');
    git('add', 'a.txt');
    git('commit', '--quiet', '-m', 'Add a\n\nwith a body');
    const vcs = await collectGit({ cwd: repo });
    assert.deepEqual(vcs, {
      url: 'https://host/x.git',
      branch: 'feature/x',
      revision: git('rev-parse', 'HEAD'),
      message: 'Add a\n\nwith a body',
    });
    assert.doesNotMatch(JSON.stringify(vcs), /pass/);
  });

  it('omits the branch on a detached HEAD', async () => {
    git('checkout', '--quiet', '--detach');
    const vcs = await collectGit({ cwd: repo });
    assert.equal(vcs?.branch, undefined);
    assert.match(vcs?.revision ?? '', /^[0-9a-f]{40}$/);
    git('checkout', '--quiet', 'feature/x');
  });

  it('is undefined outside a repository', async () => {
    assert.equal(await collectGit({ cwd: outside }), undefined);
  });

  it('throws ERR_COLLECT_GIT for a directory that does not exist', async () => {
    await assert.rejects(collectGit({ cwd: join(outside, 'missing') }), (err: unknown) => {
      assert.ok(err instanceof StowageError);
      assert.equal(err.code, 'ERR_COLLECT_GIT');
      assert.match(err.message, /not a directory/);
      return true;
    });
  });
});

describe('detectCi', () => {
  it('reads GitHub Actions', () => {
    assert.deepEqual(
      detectCi({
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKFLOW: 'nightly',
        GITHUB_RUN_NUMBER: '17',
        GITHUB_RUN_ID: '123456',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/etl',
        GITHUB_ACTOR: 'alice',
      }),
      {
        name: 'nightly',
        number: '17',
        url: 'https://github.com/acme/etl/actions/runs/123456',
        agent: { name: 'GitHub Actions' },
        principal: 'alice',
      },
    );
  });

  it('reads Jenkins', () => {
    assert.deepEqual(
      detectCi({
        JENKINS_URL: 'https://jenkins.example/',
        JOB_NAME: 'etl/main',
        BUILD_NUMBER: '99',
        BUILD_URL: 'https://jenkins.example/job/etl/job/main/99/',
        JENKINS_VERSION: '2.462',
      }),
      {
        name: 'etl/main',
        number: '99',
        url: 'https://jenkins.example/job/etl/job/main/99/',
        agent: { name: 'Jenkins', version: '2.462' },
      },
    );
  });

  it('is empty elsewhere', () => {
    assert.deepEqual(detectCi({ PATH: '/bin', BUILD_NUMBER: '3' }), {});
  });
});
