/**
 * The setup action run as the runner runs it leaves `stowage` on PATH (GITHUB_PATH): a later
 * `run:` step calls `stowage` with no npm and no install, and it talks to the server setup
 * connected (STOWAGE_URL, STOWAGE_TOKEN and the build exported by setup).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '@stowage/server';
import { Job, PACKAGE } from './runner.ts';

let work: string;
let server: RunningServer;

before(async () => {
  assert.ok(
    existsSync(join(PACKAGE, 'setup', 'dist', 'stowage.mjs')),
    'setup/dist/stowage.mjs is missing: run `npm run build -w @stowage/actions`',
  );
  work = await mkdtemp(join(tmpdir(), 'stowage-cli-path-'));
  server = await startServer({ dataDir: join(work, 'server'), port: 0 });
});

after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A `run:` step: a shell command line with the job's environment, in the workspace. */
function runStep(job: Job, script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    // `npm test` puts the workspace's node_modules/.bin (with its own `stowage`) on PATH; a
    // runner has no such thing.
    const PATH = (job.env.PATH ?? '')
      .split(':')
      .filter((p) => !p.includes('node_modules/.bin'))
      .join(':');
    const child = spawn('/bin/sh', ['-c', script], {
      cwd: job.workspace,
      env: { ...job.env, PATH },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

test('setup puts stowage on PATH and a later run: step uploads and publishes with it', async () => {
  const job = new Job(join(work, 'job'), { GITHUB_RUN_NUMBER: '5', GITHUB_RUN_ID: '5005' });
  await job.init();
  // Nothing called stowage before setup.
  const before = await runStep(job, 'command -v stowage || echo none');
  assert.equal(before.out.trim(), 'none');

  const setup = await job.step('setup', {
    url: server.url,
    token: server.adminToken,
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  assert.equal(setup.paths.length, 1, 'one directory added to GITHUB_PATH');
  const dir = setup.paths[0] ?? '';
  assert.ok(dir.startsWith(job.env.RUNNER_TEMP ?? '-'), `${dir} is under RUNNER_TEMP`);
  assert.ok(existsSync(join(dir, 'stowage')));

  const version = await runStep(job, 'stowage --version');
  assert.equal(version.code, 0, version.out);
  const pkg = JSON.parse(await readFile(join(PACKAGE, '..', 'cli', 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.equal(version.out.trim(), pkg.version);

  await writeFile(join(job.workspace, 'report.csv'), 'day,rows\n2026-11-29,5\n');
  const upload = await runStep(job, 'stowage upload report.csv generic-staging/nightly-report/5/');
  assert.equal(upload.code, 0, upload.out);
  const publish = await runStep(job, 'stowage build publish --json');
  assert.equal(publish.code, 0, publish.out);

  const res = await fetch(`${server.url}/api/build/nightly-report/5`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  assert.equal(res.status, 200);
  const { buildInfo } = (await res.json()) as {
    buildInfo: { modules?: { artifacts?: { name: string }[] }[] };
  };
  assert.deepEqual(
    buildInfo.modules?.flatMap((m) => m.artifacts?.map((a) => a.name) ?? []),
    ['report.csv'],
  );
});

test('the publish action pushes a Helm chart and a Go module with the bundled CLI', async () => {
  const job = new Job(join(work, 'pushes'), { GITHUB_RUN_NUMBER: '6', GITHUB_RUN_ID: '5006' });
  await job.init();
  const setup = await job.step('setup', {
    url: server.url,
    token: server.adminToken,
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  await mkdir(join(job.workspace, 'greeter'), { recursive: true });
  await writeFile(
    join(job.workspace, 'greeter', 'go.mod'),
    'module example.com/greeter\n\ngo 1.21\n',
  );
  await writeFile(
    join(job.workspace, 'greeter', 'greeter.go'),
    'package greeter\n\nfunc Hello() string { return "hello" }\n',
  );
  await mkdir(join(job.workspace, 'chart', 'templates'), { recursive: true });
  await writeFile(
    join(job.workspace, 'chart', 'Chart.yaml'),
    'apiVersion: v2\nname: etl-job\nversion: 1.0.6\n',
  );
  await writeFile(join(job.workspace, 'chart', 'values.yaml'), 'schedule: "0 2 * * *"\n');

  const bad = await job.step('publish', { 'go-modules': './greeter v1.0.6' });
  assert.equal(bad.code, 1);
  assert.match(bad.errors.join('\n'), /go-modules, line 1 .*expected 3 words/);

  const publish = await job.step('publish', {
    'go-modules': './greeter v1.0.6 go-local',
    'helm-charts': './chart helm-local',
  });
  assert.equal(publish.code, 0, publish.stdout + publish.stderr);
  const headers = { authorization: `Bearer ${server.adminToken}` };
  const list = await fetch(`${server.url}/api/go/go/example.com/greeter/@v/list`, { headers });
  assert.equal(list.status, 200);
  assert.match(await list.text(), /^v1\.0\.6$/m);
  const index = await fetch(`${server.url}/api/helm/helm-local/index.yaml`, { headers });
  assert.match(await index.text(), /etl-job/);
  const res = await fetch(`${server.url}/api/build/nightly-report/6`, { headers });
  assert.equal(res.status, 200);
  const { buildInfo } = (await res.json()) as { buildInfo: { modules?: { type?: string }[] } };
  const types = (buildInfo.modules ?? []).map((m) => m.type).sort();
  assert.ok(types.includes('helm'), `modules: ${types.join(', ')}`);
  assert.ok(types.includes('go'), `modules: ${types.join(', ')}`);
});
