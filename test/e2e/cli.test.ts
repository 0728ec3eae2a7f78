/**
 * End to end: the real server on 127.0.0.1 and the real built `stowage` CLI as a child process.
 * The tests in the first suite run in order and share one server: upload → download → publish →
 * promote → list/show → discard → delete, then the failure cases.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '@stowage/server';
import {
  CLI,
  loadBuildInfoSchema,
  requireBuiltCli,
  runCli,
  schemaProblems,
  startTestServer,
  tempDir,
  type CliResult,
  type Schema,
} from './helpers.ts';

const NAME = 'nightly-report';

interface BuildInfoDoc {
  version: string;
  name: string;
  number: string;
  started: string;
  durationMillis?: number;
  agent?: { name: string; version?: string };
  buildAgent?: { name: string; version?: string };
  properties?: Record<string, string>;
  vcs?: { url?: string; branch?: string; revision?: string; message?: string }[];
  modules?: {
    id: string;
    artifacts?: {
      name: string;
      path?: string;
      type?: string;
      sha1: string;
      sha256: string;
      md5: string;
    }[];
    dependencies?: { id: string; sha1?: string; sha256?: string; md5?: string }[];
  }[];
  statuses?: { status: string; repository?: string; timestamp: string }[];
}

describe('stowage CLI against a real server', () => {
  let server: RunningServer;
  let data: string;
  let work: string;
  let env: Record<string, string>;
  let schema: Schema;
  const files: Record<string, Buffer> = {
    'report.csv': Buffer.from('day,rows\n2026-11-24,1200\n2026-11-25,1314\n'),
    'bundle.tar.gz': randomBytes(300_000),
    'logs/run.log': Buffer.from('started\nloaded 1314 rows\ndone\n'),
  };

  const stowage = (
    args: string[],
    extra: Record<string, string | undefined> = {},
  ): Promise<CliResult> => runCli(args, { env: { ...env, ...extra }, cwd: work });

  const ok = async (
    args: string[],
    extra?: Record<string, string | undefined>,
  ): Promise<CliResult> => {
    const r = await stowage(args, extra);
    assert.equal(r.code, 0, `stowage ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
    return r;
  };

  const json = async <T>(args: string[]): Promise<T> =>
    JSON.parse((await ok([...args, '--json'])).stdout) as T;

  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const exists = async (repo: string, path: string): Promise<boolean> =>
    (await api(`/api/storage/${repo}/${path}`)).status === 200;

  before(async () => {
    requireBuiltCli();
    data = await tempDir('e2e-data');
    work = await tempDir('e2e-work');
    server = await startTestServer(data);
    env = {
      STOWAGE_URL: server.url,
      STOWAGE_TOKEN: server.adminToken,
      REGION: 'eu-west-1',
      DEPLOY_TOKEN: 'must-not-leak',
    };
    schema = await loadBuildInfoSchema();
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(join(work, 'out', rel, '..'), { recursive: true });
      await writeFile(join(work, 'out', rel), content);
    }
    // A git work tree with a remote that carries credentials (they must not reach build-info).
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', ...args], {
        cwd: work,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://bot:s3cr3t@git.example.com/data/nightly-report.git');
    await writeFile(join(work, '.gitignore'), '.stowage/\nout/\ndl*/\n');
    git('add', '.gitignore');
    git('commit', '-q', '-m', 'nightly report job');
  });

  after(async () => {
    await server?.close();
    await rm(data, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('uploads with build stamping and properties', async () => {
    const res = await json<{
      files: { path: string; sha256: string; size: number }[];
      build: { name: string; number: string; module: string };
    }>([
      'upload',
      'out/**/*',
      `generic-staging/${NAME}/1/`,
      '--build-name',
      NAME,
      '--build-number',
      '1',
      '--props',
      'team=data;tier=gold,silver',
    ]);
    assert.deepEqual(res.build, { name: NAME, number: '1', module: NAME });
    assert.deepEqual(
      res.files.map((f) => f.path).sort(),
      ['bundle.tar.gz', 'report.csv', 'run.log'].map((n) => `${NAME}/1/${n}`),
    );
    const bundle = res.files.find((f) => f.path.endsWith('bundle.tar.gz'));
    assert.equal(
      bundle?.sha256,
      createHash('sha256')
        .update(files['bundle.tar.gz'] ?? '')
        .digest('hex'),
    );

    const { body } = await api<{ properties: Record<string, string[]> }>(
      `/api/storage/generic-staging/${NAME}/1/report.csv?properties`,
    );
    assert.deepEqual(body.properties['build.name'], [NAME]);
    assert.deepEqual(body.properties['build.number'], ['1']);
    assert.match(body.properties['build.timestamp']?.[0] ?? '', /^\d{13}$/);
    assert.deepEqual(body.properties.team, ['data']);
    assert.deepEqual([...(body.properties.tier ?? [])].sort(), ['gold', 'silver']);
  });

  it('keeps relative paths with --no-flat and renames a single file', async () => {
    const res = await json<{ files: { path: string }[] }>([
      'upload',
      'out/logs/*.log',
      'generic-staging/misc/',
      '--no-flat',
    ]);
    assert.deepEqual(
      res.files.map((f) => f.path),
      ['misc/out/logs/run.log'],
    );
    await ok(['upload', 'out/report.csv', 'generic-staging/misc/latest.csv']);
    assert.ok(await exists('generic-staging', 'misc/latest.csv'));
  });

  it('downloads a file, a folder and a pattern with identical bytes', async () => {
    await ok(['download', `generic-staging/${NAME}/1/bundle.tar.gz`, 'dl1/']);
    assert.deepEqual(await readFile(join(work, 'dl1/bundle.tar.gz')), files['bundle.tar.gz']);

    await ok(['download', `generic-staging/${NAME}/1/report.csv`, 'dl1/renamed.csv']);
    assert.deepEqual(await readFile(join(work, 'dl1/renamed.csv')), files['report.csv']);

    const folder = await json<{ files: { path: string; dest: string }[] }>([
      'download',
      `generic-staging/${NAME}/`,
      'dl2/',
    ]);
    assert.equal(folder.files.length, 3);
    assert.deepEqual(await readFile(join(work, 'dl2/1/report.csv')), files['report.csv']);
    assert.deepEqual(await readFile(join(work, 'dl2/1/run.log')), files['logs/run.log']);

    const pattern = await json<{ files: { path: string }[] }>([
      'download',
      `generic-staging/${NAME}/**/*.{csv,log}`,
      'dl3/',
      '--flat',
    ]);
    assert.deepEqual(pattern.files.map((f) => f.path).sort(), [
      `${NAME}/1/report.csv`,
      `${NAME}/1/run.log`,
    ]);
    assert.deepEqual((await readdir(join(work, 'dl3'))).sort(), ['report.csv', 'run.log']);
  });

  it('records downloads as build dependencies', async () => {
    await ok([
      'download',
      'generic-staging/misc/latest.csv',
      'dl4/',
      '--build-name',
      NAME,
      '--build-number',
      '1',
      '--module',
      'inputs',
    ]);
  });

  it('publishes build-info that follows the build-info schema', async () => {
    const env1 = await json<{ collected: number; names: string[] }>([
      'build',
      'collect-env',
      NAME,
      '1',
    ]);
    assert.ok(env1.names.includes('buildInfo.env.REGION'));
    assert.ok(!env1.names.some((n) => /TOKEN/.test(n)), 'secrets are excluded');
    await ok(['build', 'add-git', NAME, '1']);

    const dry = await json<{ dryRun: boolean; buildInfo: BuildInfoDoc }>([
      'build',
      'publish',
      NAME,
      '1',
      '--dry-run',
    ]);
    assert.equal(dry.dryRun, true);
    assert.equal((await api(`/api/build/${NAME}/1`)).status, 404, 'a dry run publishes nothing');

    const pub = await json<{ published: boolean; url: string; artifacts: number }>([
      'build',
      'publish',
      NAME,
      '1',
    ]);
    assert.equal(pub.url, `${server.url}/api/build/${NAME}/1`);
    assert.equal(pub.artifacts, 3);
    assert.deepEqual(
      await readdir(join(work, '.stowage/builds')).catch(() => []),
      [],
      'local parts cleared',
    );

    const { status, body } = await api<{ buildInfo: BuildInfoDoc }>(`/api/build/${NAME}/1`);
    assert.equal(status, 200);
    const doc = body.buildInfo;
    assert.deepEqual(schemaProblems(doc, schema), []);
    assert.deepEqual(schemaProblems(doc.modules, schema.modules as Schema, '$.modules'), []);
    assert.equal(doc.version, '1.0.1');
    assert.equal(doc.name, NAME);
    assert.equal(doc.number, '1');
    assert.match(doc.started, new RegExp((schema.properties?.started as Schema).pattern ?? ''));
    assert.ok(Number.isInteger(doc.durationMillis) && (doc.durationMillis ?? -1) >= 0);
    assert.equal(doc.buildAgent?.name, 'stowage');
    assert.equal(doc.properties?.['buildInfo.env.REGION'], 'eu-west-1');
    assert.doesNotMatch(JSON.stringify(doc), /must-not-leak|s3cr3t/);
    assert.equal(doc.vcs?.[0]?.url, 'https://git.example.com/data/nightly-report.git');
    assert.equal(doc.vcs?.[0]?.branch, 'main');
    assert.match(doc.vcs?.[0]?.revision ?? '', /^[0-9a-f]{40}$/);

    const main = doc.modules?.find((m) => m.id === NAME);
    assert.ok(main, 'module named after the build');
    assert.equal(main.artifacts?.length, 3);
    for (const a of main.artifacts ?? []) {
      assert.ok(a.name);
      assert.match(a.sha1, /^[0-9a-f]{40}$/);
      assert.match(a.sha256, /^[0-9a-f]{64}$/);
      assert.match(a.md5, /^[0-9a-f]{32}$/);
    }
    assert.equal(main.artifacts?.find((a) => a.name === 'bundle.tar.gz')?.type, 'tar.gz');
    const inputs = doc.modules?.find((m) => m.id === 'inputs');
    assert.equal(inputs?.dependencies?.[0]?.id, 'generic-staging/misc/latest.csv');
    assert.match(inputs?.dependencies?.[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it('publishes a second build with its own artifacts', async () => {
    await ok(['upload', 'out/*.csv', 'out/*.gz', `generic-staging/${NAME}/2/`], {
      // detectCi: a Jenkins job supplies the build name and number.
      JOB_NAME: NAME,
      BUILD_NUMBER: '2',
      BUILD_URL: 'https://jenkins.example.com/job/nightly-report/2/',
    });
    const r = await ok(['build', 'publish'], { JOB_NAME: NAME, BUILD_NUMBER: '2' });
    assert.match(r.stdout, /published build nightly-report #2/);
    assert.ok(await exists('generic-staging', `${NAME}/2/report.csv`));
  });

  it('promote --dry-run changes nothing', async () => {
    const res = await json<{ dryRun: boolean; targetRepo: string; status: string }>([
      'build',
      'promote',
      NAME,
      '2',
      '--to',
      'qa',
      '--dry-run',
    ]);
    assert.deepEqual([res.dryRun, res.targetRepo, res.status], [true, 'generic-qa', 'qa']);
    assert.ok(await exists('generic-staging', `${NAME}/2/report.csv`));
    assert.ok(!(await exists('generic-qa', `${NAME}/2/report.csv`)));
    const { body } = await api<{ buildInfo: BuildInfoDoc }>(`/api/build/${NAME}/2`);
    assert.equal(body.buildInfo.statuses, undefined);
  });

  it('promotes staged → qa → release, moving artifacts and appending statuses', async () => {
    await ok(['build', 'promote', NAME, '2', '--to', 'qa', '--comment', 'checks passed']);
    assert.ok(!(await exists('generic-staging', `${NAME}/2/report.csv`)));
    assert.ok(await exists('generic-qa', `${NAME}/2/report.csv`));
    assert.ok(await exists('generic-qa', `${NAME}/2/bundle.tar.gz`));

    // A repository key works too; the status is then the stage that owns the repository.
    await ok([
      'build',
      'promote',
      NAME,
      '2',
      '--to',
      'generic-release',
      '--props',
      'approved.by=ops',
    ]);
    assert.ok(!(await exists('generic-qa', `${NAME}/2/report.csv`)));
    assert.ok(await exists('generic-release', `${NAME}/2/report.csv`));
    const props = await api<{ properties: Record<string, string[]> }>(
      `/api/storage/generic-release/${NAME}/2/report.csv?properties`,
    );
    assert.deepEqual(props.body.properties['approved.by'], ['ops']);
    assert.deepEqual(props.body.properties['build.number'], ['2']);

    const { body } = await api<{ buildInfo: BuildInfoDoc }>(`/api/build/${NAME}/2`);
    const statuses = body.buildInfo.statuses ?? [];
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['qa', 'release'],
    );
    assert.deepEqual(
      statuses.map((s) => s.repository),
      ['generic-qa', 'generic-release'],
    );
    // Build 1 was not promoted: its artifacts are still staged.
    assert.ok(await exists('generic-staging', `${NAME}/1/report.csv`));
  });

  it('lists builds and shows one, as tables and as JSON', async () => {
    const all = await json<{ builds: { name: string }[] }>(['build', 'list']);
    assert.deepEqual(
      all.builds.map((b) => b.name),
      [NAME],
    );

    const runs = await json<{
      builds: { number: string; status: string | null; started: string }[];
    }>(['build', 'list', NAME]);
    assert.deepEqual(
      runs.builds.map((b) => [b.number, b.status]),
      [
        ['1', null],
        ['2', 'release'],
      ],
    );
    const table = (await ok(['build', 'list', NAME])).stdout;
    assert.match(table, /^NUMBER\s+STARTED\s+STATUS/);
    assert.match(table, /\n2\s+\S+\s+release\s+qa → release\n/);

    const shown = await json<BuildInfoDoc>(['build', 'show', NAME, '2']);
    assert.equal(shown.number, '2');
    assert.equal(shown.statuses?.length, 2);
    const text = (await ok(['build', 'show', NAME, '2'])).stdout;
    assert.match(text, /Build:\s+nightly-report #2/);
    assert.match(text, /Artifacts:\nMODULE\s+PATH/);
    assert.match(text, /Statuses:/);
  });

  it('discards old builds with --max-builds, keeping excluded ones', async () => {
    for (const n of ['3', '4']) {
      await ok(['build', 'collect-env', NAME, n, '--include', 'REGION']);
      await ok(['build', 'publish', NAME, n]);
    }
    const res = await json<{ discarded: string[] }>([
      'build',
      'discard',
      NAME,
      '--max-builds',
      '2',
      '--exclude-builds',
      '2',
    ]);
    assert.deepEqual(res.discarded, ['1']);
    const runs = await json<{ builds: { number: string }[] }>(['build', 'list', NAME]);
    assert.deepEqual(
      runs.builds.map((b) => b.number),
      ['2', '3', '4'],
    );
  });

  it('deletes a build', async () => {
    await ok(['build', 'delete', NAME, '4']);
    assert.equal((await api(`/api/build/${NAME}/4`)).status, 404);
  });

  it('fails with exit 1 and a clear message for a wrong token', async () => {
    const r = await stowage(['build', 'list'], { STOWAGE_TOKEN: 'stw_wrong' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^stowage: .*401.*token is not valid/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(r.stderr, /stw_wrong/, 'the token is not printed');
  });

  it('fails for an unknown repository', async () => {
    const r = await stowage(['upload', 'out/report.csv', 'no-such-repo/x/']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^stowage: .*repository "no-such-repo" does not exist/);
    const d = await stowage(['download', 'no-such-repo/x/report.csv']);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /no-such-repo/);
  });

  it('fails to promote a build that does not exist', async () => {
    const r = await stowage(['build', 'promote', NAME, '99', '--to', 'qa', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^stowage: .*build "nightly-report" number "99" does not exist/);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(doc.error.code, 'ERR_BUILD_NOT_FOUND');
  });

  it('fails to promote to an unknown stage', async () => {
    const r = await stowage(['build', 'promote', NAME, '2', '--to', 'production']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /"production" is neither a stage \(staged, qa, release\) nor a repository/,
    );
  });

  it('fails to upload without a token, saying how to give one', async () => {
    const r = await stowage(['upload', 'out/report.csv', 'generic-staging/anon/'], {
      STOWAGE_TOKEN: undefined,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /401/);
    assert.match(r.stderr, /set STOWAGE_TOKEN or pass --token/);
  });

  it('fails when nothing matches the pattern', async () => {
    const r = await stowage(['upload', 'out/*.parquet', 'generic-staging/x/']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no files match "out\/\*\.parquet"/);
  });
});

describe('stowage serve', () => {
  it('prints the URL and the admin token once, serves, and stops on SIGTERM', async () => {
    requireBuiltCli();
    const data = await tempDir('serve');
    try {
      const first = await serveOnce(data);
      assert.match(first.stderr, /admin token was created/);
      assert.ok(first.stderr.includes(join(data, 'admin.token')));
      const token = (await readFile(join(data, 'admin.token'), 'utf8')).trim();
      assert.ok(first.stderr.includes(token));
      assert.equal(first.pingStatus, 200);
      assert.equal(first.code, 0);
      assert.match(first.stdout, /"msg":"stopping"/, 'pino logs on stdout');

      const second = await serveOnce(data);
      assert.doesNotMatch(
        second.stderr,
        /admin token/,
        'the token is shown only on the first start',
      );
      assert.equal(second.code, 0);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});

/** Starts `stowage serve --port 0 --json`, pings it, sends SIGTERM and collects the output. */
async function serveOnce(
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string; pingStatus: number }> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--json'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)),
      20_000,
    );
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (const line of stdout.split('\n')) {
        try {
          const doc = JSON.parse(line) as { url?: string; adminTokenFile?: string };
          if (doc.url && doc.adminTokenFile) {
            clearTimeout(timer);
            resolve(doc.url);
          }
        } catch {
          // a partial line; wait for more
        }
      }
    });
    child.on('close', () => reject(new Error(`serve exited early:\n${stdout}\n${stderr}`)));
  });
  const ping = await fetch(`${url}/api/system/ping`);
  await ping.text();
  child.kill('SIGTERM');
  const code = await exited;
  return { code, stdout, stderr, pingStatus: ping.status };
}
