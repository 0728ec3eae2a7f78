/** `run()` driven in-process: argument handling, exit codes and the local build-info store. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuildStore } from '@stowage/core';
import { run, type Output } from '../src/cli.ts';

class Sink implements Output {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(
  argv: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, {
    env: opts.env ?? {},
    stdout,
    stderr,
    cwd: opts.cwd ?? tmpdir(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('stowage run()', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints help on stdout and exits 0', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: stowage/);
    for (const c of ['serve', 'upload', 'download', 'build']) assert.match(r.stdout, new RegExp(c));
  });

  it('has --help on every build subcommand', async () => {
    for (const sub of [
      'collect-env',
      'add-git',
      'publish',
      'promote',
      'show',
      'list',
      'discard',
      'delete',
    ]) {
      const r = await cli(['build', sub, '--help']);
      assert.equal(r.code, 0, sub);
      assert.match(r.stdout, new RegExp(`Usage: stowage build ${sub}`));
    }
  });

  it('exits 2 with "stowage: …" for an unknown command or a missing argument', async () => {
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^stowage: unknown command 'frobnicate'/);
    const missing = await cli(['build', 'show', 'x']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /stowage: missing required argument 'number'/);
  });

  it('exits 2 when upload has no target and for bad --props', async () => {
    const r = await cli(['upload', 'a.csv']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs at least one file pattern and a target/);
    const p = await cli(['upload', 'a.csv', 'r/', '--props', 'nonsense']);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /key=value/);
    assert.doesNotMatch(p.stderr, /\n\s+at /, 'no stack trace');
  });

  it('needs a build name and number, and says how to give them', async () => {
    const r = await cli(['build', 'collect-env']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--build-name and --build-number/);
    const half = await cli(['build', 'collect-env', '--build-name', 'x']);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /without a build number/);
  });

  it('collects the environment without secrets into the local store, named by GitHub Actions', async () => {
    const store = join(dir, 'store');
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKFLOW: 'nightly-report',
      GITHUB_RUN_NUMBER: '12',
      API_TOKEN: 'hunter2',
      DB_PASSWORD: 'hunter2',
      REGION: 'eu-west-1',
      STOWAGE_BUILD_STORE: store,
    };
    const r = await cli(['build', 'collect-env', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { build: { name: string; number: string } };
    assert.deepEqual(out.build, { name: 'nightly-report', number: '12' });
    const info = await new BuildStore({ dir: store }).load('nightly-report', '12');
    assert.equal(info?.properties?.['buildInfo.env.REGION'], 'eu-west-1');
    assert.equal(info?.properties?.['buildInfo.env.API_TOKEN'], undefined);
    assert.equal(info?.properties?.['buildInfo.env.DB_PASSWORD'], undefined);
    assert.doesNotMatch(JSON.stringify(info), /hunter2/);
  });

  it('applies --include and extra --exclude patterns', async () => {
    const store = join(dir, 'store2');
    const env = { APP_A: '1', APP_B: '2', OTHER: '3', APP_SECRET: 's' };
    const r = await cli(
      [
        'build',
        'collect-env',
        'b',
        '1',
        '--include',
        'APP_*',
        '--exclude',
        'app_b',
        '--store-dir',
        store,
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    const info = await new BuildStore({ dir: store }).load('b', '1');
    assert.deepEqual(Object.keys(info?.properties ?? {}), ['buildInfo.env.APP_A']);
  });

  it('publishes a dry run from Jenkins variables without contacting a server', async () => {
    const store = join(dir, 'store3');
    const env = { JOB_NAME: 'etl', BUILD_NUMBER: '5', BUILD_URL: 'https://ci/job/etl/5/' };
    await cli(['build', 'collect-env', '--store-dir', store], { env });
    const r = await cli(['build', 'publish', '--dry-run', '--json', '--store-dir', store], { env });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { buildInfo: Record<string, unknown> };
    assert.equal(doc.buildInfo.name, 'etl');
    assert.equal(doc.buildInfo.number, '5');
    assert.equal(doc.buildInfo.url, 'https://ci/job/etl/5/');
    assert.deepEqual(doc.buildInfo.agent, { name: 'Jenkins' });
    assert.equal((doc.buildInfo.buildAgent as { name: string }).name, 'stowage');
    assert.ok(await new BuildStore({ dir: store }).load('etl', '5'), 'dry run keeps the parts');
  });

  it('reports an unreachable server as exit 1 with what to do, JSON on --json, and no token', async () => {
    const r = await cli([
      'build',
      'list',
      '--json',
      '--url',
      'http://127.0.0.1:9',
      '--token',
      'sekrit-123',
    ]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout + r.stderr, /sekrit-123/, 'the token is never printed');
    assert.match(r.stderr, /^stowage: cannot reach Stowage at http:\/\/127\.0\.0\.1:9/);
    const doc = JSON.parse(r.stdout) as { error: { code: string } };
    assert.equal(doc.error.code, 'ERR_CLIENT_UNREACHABLE');
  });

  it('validates serve options as usage errors', async () => {
    const r = await cli(['serve', '--port', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port must be a port number/);
  });

  it('serve reports storage it cannot use with the store and what to do, not as unexpected', async () => {
    const dataDir = join(dir, 'serve-data');
    // Nothing listens on port 1.
    const db = await cli(['serve', '--port', '0', '--data-dir', dataDir, '--json'], {
      env: { STOWAGE_METADATA_URL: 'postgres://stowage@127.0.0.1:1/stowage' },
    });
    assert.equal(db.code, 1);
    assert.match(
      db.stderr,
      /cannot open the PostgreSQL metadata store at postgres:\/\/stowage@127\.0\.0\.1:1/,
    );
    assert.doesNotMatch(db.stderr, /unexpected/);
    assert.equal(
      (JSON.parse(db.stdout) as { error: { code: string } }).error.code,
      'ERR_METADATA_STORE',
    );
    const token = await cli([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--admin-token-file',
      join(dir, 'none'),
    ]);
    assert.equal(token.code, 1);
    assert.match(token.stderr, /cannot read the admin token file/);
  });
});
