/**
 * The setup action's post step tells the truth about the job, run as the runner runs it
 * against a real server: a job that recorded nothing (it failed before producing anything)
 * publishes nothing, so the funnel does not count it; a job that recorded something is
 * published with its result (`job.status`, which the runner evaluates for the post step) as a
 * build property; and `overwrite` reaches the tools' files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '@stowage/server';
import { Job } from './runner.ts';

let work: string;
let server: RunningServer;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'stowage-post-'));
  server = await startServer({ dataDir: join(work, 'server'), port: 0 });
});

after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const api = (path: string): Promise<Response> =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });

function runStep(job: Job, script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd: job.workspace, env: job.env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function job(name: string, run: string): Promise<Job> {
  const j = new Job(join(work, name), {
    GITHUB_RUN_NUMBER: run,
    GITHUB_RUN_ID: `9${run}`,
    GITHUB_JOB: 'report',
  });
  await j.init();
  return j;
}

test('a job that failed before recording anything publishes nothing', async () => {
  const j = await job('failed-empty', '21');
  const setup = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  // (the job's build step fails here)
  const post = await j.step('setup', { 'job-status': 'failure' }, { post: true });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  assert.match(post.stdout, /nothing recorded by this job .*job failure.*is not published/);
  assert.equal((await api('/api/build/nightly-report/21')).status, 404);
  const list = (await (await api('/api/build')).json()) as { builds: { uri: string }[] };
  assert.ok(!list.builds.some((b) => b.uri === '/nightly-report'), 'the funnel does not see it');
});

test('a job that recorded something is published with its result', async () => {
  const j = await job('failed-late', '22');
  const setup = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  await writeFile(join(j.workspace, 'partial.csv'), 'rows\n1\n');
  const up = await runStep(j, 'stowage upload partial.csv generic-staging/nightly-report/22/');
  assert.equal(up.code, 0, up.out);
  const post = await j.step('setup', { 'job-status': 'failure' }, { post: true });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  const res = await api('/api/build/nightly-report/22');
  assert.equal(res.status, 200);
  const { buildInfo } = (await res.json()) as {
    buildInfo: { properties?: Record<string, string>; modules?: { artifacts?: unknown[] }[] };
  };
  assert.equal(buildInfo.properties?.['stowage.job.report.status'], 'failure');
  assert.equal(buildInfo.modules?.[0]?.artifacts?.length, 1);
});

test('a job whose publish step published gets its result added to that build', async () => {
  const j = await job('published', '23');
  const setup = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    'collect-git': 'false',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  await writeFile(join(j.workspace, 'out.csv'), 'rows\n2\n');
  const publish = await j.step('publish', {
    files: 'out.csv',
    target: 'generic-staging/nightly-report/23/',
  });
  assert.equal(publish.code, 0, publish.stdout + publish.stderr);
  const post = await j.step('setup', { 'job-status': 'success' }, { post: true });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  const { buildInfo } = (await (await api('/api/build/nightly-report/23')).json()) as {
    buildInfo: { properties?: Record<string, string>; modules?: { artifacts?: unknown[] }[] };
  };
  assert.equal(buildInfo.properties?.['stowage.job.report.status'], 'success');
  assert.equal(buildInfo.modules?.[0]?.artifacts?.length, 1, 'the published artifacts stay');
});

test('setup updates the .npmrc it wrote for the next build, and overwrite replaces a user’s', async () => {
  const j = await job('npmrc', '24');
  const npmrc = join(j.workspace, '.npmrc');
  await writeFile(npmrc, 'registry=https://registry.example.com/\n');
  const kept = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    tools: 'npm',
    repo: 'npm',
    'collect-git': 'false',
  });
  assert.equal(kept.code, 0, kept.stdout + kept.stderr);
  assert.equal(await readFile(npmrc, 'utf8'), 'registry=https://registry.example.com/\n');
  const replaced = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    tools: 'npm',
    repo: 'npm',
    overwrite: 'true',
    'collect-git': 'false',
  });
  assert.equal(replaced.code, 0, replaced.stdout + replaced.stderr);
  const first = await readFile(npmrc, 'utf8');
  const token1 = /_authToken=(\S+)/.exec(first)?.[1];
  assert.ok(token1?.startsWith('stw_'), 'a build-scoped token');

  // The next build (run 25) in the same workspace gets its own token in the same block.
  j.env.GITHUB_RUN_NUMBER = '25';
  const next = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    tools: 'npm',
    repo: 'npm',
    'collect-git': 'false',
  });
  assert.equal(next.code, 0, next.stdout + next.stderr);
  const second = await readFile(npmrc, 'utf8');
  const token2 = /_authToken=(\S+)/.exec(second)?.[1];
  assert.ok(token2?.startsWith('stw_'));
  assert.notEqual(token2, token1, 'a new build gets its own token');
});

test('setup refuses a repository the server does not have, writing nothing', async () => {
  const j = await job('missing-repo', '26');
  const res = await j.step('setup', {
    url: server.url,
    token: server.adminToken,
    tools: 'npm',
    repo: 'npm-virtual',
    'collect-git': 'false',
  });
  assert.equal(res.code, 1);
  assert.match(res.errors.join('\n'), /has no repository "npm-virtual"; nothing was written/);
  await assert.rejects(readFile(join(j.workspace, '.npmrc'), 'utf8'));
});
