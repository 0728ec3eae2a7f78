/**
 * The bundled actions run as the runner runs them, against a real Stowage server, with GitHub's
 * API and cache service as local stubs (test/stubs.ts):
 * - a scheduled task, twice: setup (npm through a virtual repository) → npm install → publish
 *   (files + npm dependencies) → report → promote, the second run on a pull request (comment
 *   added, then updated) with a dependency upgrade the report shows;
 * - a build assembled by two jobs, merged on the server;
 * - the embedded server: started by setup, build auto-published by the post step, data saved to
 *   the cache and restored by the next job;
 * - the report's analytics sections over seeded builds (size history, dependency diff with a
 *   same-version checksum change, dependency variation, promotion funnel, Docker layers), its PR
 *   comment updated in place, and the fallback on a server without the analytics API;
 * - the manual promotion path: a workflow_dispatch run of the promote action, and the CLI's
 *   `stowage promote --dispatch` that triggers it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatStarted,
  publishMerged,
  RepositoryClient,
  setupTool,
  type BuildInfo,
} from '@stowage/core';
import { startServer, type RunningServer } from '@stowage/server';
import { Job, PACKAGE } from './runner.ts';
import { cacheStub, githubStub, type Stub } from './stubs.ts';

let work: string;
let server: RunningServer;
let gh: Awaited<ReturnType<typeof githubStub>>;
let cache: Awaited<ReturnType<typeof cacheStub>>;

const CONFIG = {
  auth: { anonymousRead: false },
  repositories: [
    { key: 'generic-staging' },
    { key: 'generic-qa' },
    { key: 'generic-release' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    {
      key: 'npm',
      rclass: 'virtual',
      packageType: 'npm',
      repositories: ['npm-local'],
      defaultDeploymentRepo: 'npm-local',
    },
  ],
  stages: [
    { name: 'staged', repo: 'generic-staging' },
    { name: 'qa', repo: 'generic-qa' },
    { name: 'release', repo: 'generic-release' },
  ],
};

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function publishNpmPackage(version: string): Promise<void> {
  const dir = join(work, 'pkg', version);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'csv-tiny', version, main: 'index.js', license: 'MIT' }),
  );
  await writeFile(join(dir, 'index.js'), `module.exports = '${version}';\n`);
  await setupTool('npm', {
    url: server.url,
    repo: 'npm-local',
    token: server.adminToken,
    dir,
    home: join(work, 'home'),
  });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: join(work, 'home'),
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
  };
  const res = await run('npm', ['publish', '--no-audit', '--no-fund'], dir, env);
  assert.equal(res.code, 0, res.out);
}

const client = (): RepositoryClient =>
  new RepositoryClient({ url: server.url, token: server.adminToken });

function jobEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_API_URL: gh.url,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: `${cache.url}/`,
    ACTIONS_RUNTIME_TOKEN: 'runtime-token',
    npm_config_cache: join(work, 'npm-cache'),
    ...extra,
  };
}

async function newJob(name: string, extra: Record<string, string> = {}): Promise<Job> {
  const job = new Job(join(work, name), jobEnv(extra));
  await job.init();
  return job;
}

const calls = (stub: Stub, method: string, re: RegExp): { path: string; body: string }[] =>
  stub.requests.filter((r) => r.method === method && re.test(r.path));

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'stowage-actions-'));
  server = await startServer({ dataDir: join(work, 'server'), port: 0, config: CONFIG });
  gh = await githubStub();
  cache = await cacheStub();
  await publishNpmPackage('1.0.0');
  await publishNpmPackage('1.1.0');
});

after(async () => {
  await server?.close();
  await gh?.close();
  await cache?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function scheduledRun(
  runNumber: string,
  depVersion: string,
  extra: Record<string, string> = {},
): Promise<{ job: Job; report: string; outputs: Record<string, string> }> {
  const job = await newJob(`run-${runNumber}`, {
    GITHUB_RUN_NUMBER: runNumber,
    GITHUB_RUN_ID: `20${runNumber}`,
    GITHUB_EVENT_NAME: 'schedule',
    ...extra,
  });
  await writeFile(
    join(job.workspace, 'package.json'),
    JSON.stringify({ name: 'nightly', version: '0.0.0', private: true }),
  );
  const setup = await job.step('setup', {
    url: server.url,
    token: server.adminToken,
    tools: 'npm',
    repo: 'npm',
  });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  assert.equal(job.env.STOWAGE_URL, server.url);
  assert.equal(job.env.STOWAGE_BUILD_NAME, 'nightly-report');
  assert.equal(job.env.STOWAGE_BUILD_NUMBER, runNumber);
  assert.match(setup.stdout, new RegExp(`::add-mask::${server.adminToken}`));
  assert.match(await readFile(join(job.workspace, '.npmrc'), 'utf8'), /api\/npm\/npm\//);

  const install = await run(
    'npm',
    ['install', `csv-tiny@${depVersion}`, '--no-audit', '--no-fund'],
    job.workspace,
    job.env,
  );
  assert.equal(install.code, 0, install.out);

  await mkdir(join(job.workspace, 'out'), { recursive: true });
  await writeFile(join(job.workspace, 'out', 'report.csv'), `run,${runNumber}\n`.repeat(100));
  await writeFile(join(job.workspace, 'out', 'summary.json'), JSON.stringify({ run: runNumber }));
  const publish = await job.step('publish', {
    files: 'out/*.csv\nout/*.json',
    target: `generic-staging/nightly-report/${runNumber}/`,
    props: 'team=data;tier=gold',
    deps: 'npm',
  });
  assert.equal(publish.code, 0, publish.stdout + publish.stderr);
  const artifacts = JSON.parse(publish.outputs.artifacts ?? '[]') as { path: string }[];
  assert.deepEqual(artifacts.map((a) => a.path).sort(), [
    `nightly-report/${runNumber}/report.csv`,
    `nightly-report/${runNumber}/summary.json`,
  ]);
  assert.equal(job.env.STOWAGE_PUBLISHED, `nightly-report#${runNumber}`);

  const report = await job.step('report', { 'github-token': 'gh-token' });
  assert.equal(report.code, 0, report.stdout + report.stderr);

  const promote = await job.step('promote', {
    stage: 'qa',
    comment: 'nightly checks passed',
    'github-token': 'gh-token',
  });
  assert.equal(promote.code, 0, promote.stdout + promote.stderr);
  assert.equal(promote.outputs['target-repo'], 'generic-qa');

  const post = await job.step('setup', {}, { post: true });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  assert.match(post.stdout, /was published by a publish step/);
  return { job, report: report.summary, outputs: report.outputs };
}

test('a scheduled task: setup → npm install through Stowage → publish → report → promote', async () => {
  const first = await scheduledRun('1', '1.0.0');
  assert.match(first.report, /## Stowage: build nightly-report #1/);
  assert.match(first.report, /report\.csv/);
  assert.match(first.report, /no earlier build to compare with/);

  const info: BuildInfo = await client().getBuild('nightly-report', '1');
  const npmModule = info.modules?.find((m) => m.type === 'npm');
  assert.ok(npmModule, 'an npm module with the resolved dependencies');
  // npm sends no build headers, and its lockfile integrity is sha512, so the server's download
  // records cannot be tied to the build yet: the dependency is recorded by id and version.
  const dep = npmModule.dependencies?.find((d) => d.id === 'csv-tiny:1.0.0');
  assert.ok(dep, JSON.stringify(npmModule.dependencies));
  assert.ok(info.vcs === undefined || Array.isArray(info.vcs));
  const env = Object.keys(info.properties ?? {});
  assert.ok(env.includes('buildInfo.env.GITHUB_WORKFLOW'));
  assert.ok(!env.some((k) => /TOKEN|SECRET|PASSWORD|KEY/i.test(k)), 'no secrets in the env');
  assert.deepEqual(
    info.statuses?.map((s) => [s.status, s.repository, s.comment]),
    [['qa', 'generic-qa', 'nightly checks passed']],
  );
  const stored = await client().getProperties('generic-qa', 'nightly-report/1/report.csv');
  assert.deepEqual(stored.team, ['data']);
  assert.deepEqual(stored['build.number'], ['1']);

  const deployments = calls(gh, 'POST', /\/repos\/acme\/reports\/deployments$/);
  assert.equal(deployments.length, 1);
  const d = JSON.parse(deployments[0]?.body ?? '{}') as Record<string, unknown>;
  assert.equal(d.environment, 'qa');
  assert.equal(d.ref, 'a'.repeat(40));
  assert.deepEqual(d.required_contexts, []);
  const statuses = calls(gh, 'POST', /\/deployments\/\d+\/statuses$/).map(
    (r) => (JSON.parse(r.body) as { state: string }).state,
  );
  assert.deepEqual(statuses, ['in_progress', 'success']);
  assert.ok(
    gh.requests.every((r) => r.headers.authorization === 'token gh-token'),
    'GitHub calls carry the token',
  );
  assert.equal(calls(gh, 'GET', /\/issues\/\d+\/comments/).length, 0, 'no PR, no comment');

  // Run 2 on a pull request, with csv-tiny upgraded: the report shows the change and comments.
  const event = join(work, 'event.json');
  await writeFile(event, JSON.stringify({ pull_request: { number: 7 } }));
  const second = await scheduledRun('2', '1.1.0', {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
  });
  assert.match(second.report, /### Changes since #1/);
  assert.match(
    second.report,
    /version changed \| npm:[^|]* \| csv-tiny[^|]* \| 1\.0\.0 \| 1\.1\.0/,
  );
  assert.match(second.report, /\*\*Artifacts:\*\* 0 added, 0 removed, 2 changed/);
  assert.match(second.report, /### Size over the last 2 builds\n\n```mermaid\nxychart-beta/);
  assert.equal(second.outputs.analytics, 'true');
  const diff = JSON.parse(second.outputs.diff ?? '{}') as { from: { number: string } };
  assert.equal(diff.from.number, '1');
  const comments = gh.comments.get(7) ?? [];
  assert.equal(comments.length, 1);
  assert.match(comments[0]?.body ?? '', /<!-- stowage-report:nightly-report -->/);

  // Reporting again on the same pull request updates the comment instead of adding one.
  const again = await second.job.step('report', { 'github-token': 'gh-token' });
  assert.equal(again.code, 0, again.stdout);
  assert.equal((gh.comments.get(7) ?? []).length, 1);
  assert.equal(calls(gh, 'PATCH', /\/issues\/comments\/\d+$/).length, 1);
  assert.equal(again.outputs['comment-id'], String(comments[0]?.id));
});

const sha = (c: string): string => c.repeat(64);

/** Build `n` of "analytics-demo": one generic artifact, npm dependencies, one Docker image. */
function seededBuild(n: number, started: Date): BuildInfo {
  const deps = [
    { id: `lodash:${n === 1 ? '4.17.20' : '4.17.21'}`, sha256: sha(n === 1 ? '1' : '2') },
    // Same version in every build, other content in #3: the red flag.
    { id: 'left-pad:1.3.0', sha256: sha(n === 3 ? '4' : '3') },
    ...(n === 3 ? [{ id: 'chalk:5.3.0', sha256: sha('5') }] : []),
  ];
  return {
    version: '1.0.1',
    name: 'analytics-demo',
    number: String(n),
    started: formatStarted(started),
    modules: [
      {
        id: 'acme:app',
        type: 'npm',
        artifacts: [
          {
            name: 'app.tgz',
            path: `app/${n}/app.tgz`,
            size: 1000 * n,
            sha256: sha(String.fromCharCode(96 + n)),
          },
        ],
        dependencies: deps,
      },
      {
        id: `registry.local/app:${n}`,
        type: 'docker',
        artifacts: [
          { name: 'sha256__base', sha256: sha('f'), size: 50_000 },
          {
            name: `sha256__app${n}`,
            sha256: sha(String(5 + n)),
            size: 2000 + n * 100,
          },
        ],
      },
    ],
  };
}

/** A proxy to the server that answers 404 for the analytics API, as Artifactory would. */
async function withoutAnalytics(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const proxy = createServer((req, res) => {
    if (req.url?.startsWith('/api/stowage/v1/analytics/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ status: 404, message: 'Not Found' }] }));
      return;
    }
    const up = httpRequest(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const addr = proxy.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    close: () =>
      new Promise((r) => {
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}

test('report: analytics sections (sizes, dependency diff and variation, funnel, images), PR comment updated', async () => {
  const c = client();
  const t0 = Date.now() - 3 * 3_600_000;
  for (const n of [1, 2, 3]) await c.publishBuild(seededBuild(n, new Date(t0 + n * 600_000)));
  const promote = (n: string, stage: string, repo: string): Promise<unknown> =>
    c.promote('analytics-demo', n, { status: stage, targetRepo: repo, artifacts: false });
  await promote('1', 'staged', 'generic-staging');
  await promote('1', 'qa', 'generic-qa');
  await promote('1', 'release', 'generic-release');
  await promote('2', 'qa', 'generic-qa');
  await promote('3', 'staged', 'generic-staging');

  const event = join(work, 'event-analytics.json');
  await writeFile(event, JSON.stringify({ pull_request: { number: 11 } }));
  const job = await newJob('analytics', {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    STOWAGE_URL: server.url,
    STOWAGE_TOKEN: server.adminToken,
  });
  const inputs = {
    'build-name': 'analytics-demo',
    'build-number': '3',
    history: '5',
    'github-token': 'gh-token',
  };
  const res = await job.step('report', inputs);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const md = res.summary;
  assert.equal(res.outputs.analytics, 'true');

  // Artifacts and the size change against #2, the size history as a Mermaid xychart.
  assert.match(md, /### Artifacts: 3, 5[0-9.]+ KiB \(\+1\.07 KiB since #2\)/);
  assert.match(md, /### Size over the last 3 builds/);
  assert.match(
    md,
    /```mermaid\nxychart-beta\n {2}title "Total artifact size \(KiB\)"\n {2}x-axis \["#1", "#2", "#3"\]/,
  );
  assert.match(md, /\n {2}bar \[\d+(\.\d+)?, \d+(\.\d+)?, \d+(\.\d+)?\]\n {2}line \[/);

  // The dependency diff against #2, the same-version checksum change called out first.
  assert.match(md, /### Changes since #2/);
  assert.match(
    md,
    /> \[!CAUTION\]\n> \*\*Same version, different content:\*\* 1 dependency changed checksum/,
  );
  assert.match(md, /> - `left-pad:1\.3\.0` \(acme:app\): `3{12}` → `4{12}`/);
  assert.match(
    md,
    /\*\*Dependencies:\*\* 1 added, 0 removed, 0 upgraded or downgraded, 1 with other content, 1 unchanged\./,
  );
  assert.match(md, /\| ⚠️ \*\*checksum changed\*\* \| acme:app \| left-pad:1\.3\.0 \|/);
  assert.match(md, /\| added \| acme:app \| chalk:5\.3\.0 \|/);
  assert.match(
    md,
    /\*\*Artifacts:\*\* 0 added, 0 removed, 1 changed \(image layers: see Docker images\)/,
  );
  assert.match(
    md,
    /\| changed \| acme:app \| app\/3\/app\.tgz \| 1\.95 KiB \| 2\.93 KiB \| \+1000 B \|/,
  );
  assert.ok(
    md.indexOf('[!CAUTION]') < md.indexOf('| Dependency | Module |'),
    'the red flag comes before the table',
  );

  // Dependency variation over the last builds: lodash changed version, left-pad content.
  assert.match(md, /### Dependency variation over the last 3 builds/);
  assert.match(md, /\| lodash \| 2 \| 1 \| 0 \| 3 \| 4\.17\.21 \|/);
  assert.match(md, /\| left-pad \| 1 \| 0 \| \*\*1\*\* ⚠️ \| 3 \| 1\.3\.0 \|/);
  assert.match(md, /\| left-pad \| 1\.3\.0 \| `3{12}` `4{12}` \| #1 #2 #3 \|/);

  // Docker: this run's image with its new layer, layers against #2, sizes per run.
  assert.match(md, /### Docker images/);
  assert.match(md, /\| registry\.local\/app \| 3 \| 2 \| 51\.1 KiB \| 1 \| 2\.25 KiB \|/);
  assert.match(
    md,
    /\| registry\.local\/app \| 1 \(48\.8 KiB\) \| 1 \(2\.25 KiB\) \| 1 \(2\.15 KiB\) \|/,
  );
  assert.match(md, /title "Image size per run, new layers in front \(KiB\)"/);

  // The promotion funnel of the build name, and this build's own promotions.
  assert.match(md, /### Promotion funnel: analytics-demo/);
  assert.match(md, /3 builds published · 1 reached release · rolled back: 0 builds/);
  assert.match(md, /lead time to release: median \d+(\.\d+)? (min|h)/);
  assert.match(
    md,
    /x-axis \["published", "staged", "qa", "release"\]\n {2}y-axis "builds"\n {2}bar \[3, 3, 2, 1\]/,
  );
  assert.match(md, /\| qa \| generic-qa \| 2 \| 2 \| 67% \|/);
  assert.match(
    md,
    /### Promotions of this build\n\n\| Status[^\n]*\n[^\n]*\n\| staged \| generic-staging \|/,
  );
  assert.doesNotMatch(md, /no analytics API/);

  // One PR comment with the same report, updated (not repeated) by the next run.
  const comments = gh.comments.get(11) ?? [];
  assert.equal(comments.length, 1);
  assert.match(
    comments[0]?.body ?? '',
    /^<!-- stowage-report:analytics-demo -->\n## Stowage: build analytics-demo #3/,
  );
  assert.match(comments[0]?.body ?? '', /> \[!CAUTION\]/);
  const patches = calls(gh, 'PATCH', /\/issues\/comments\/\d+$/).length;
  await promote('3', 'qa', 'generic-qa');
  const again = await job.step('report', inputs);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal((gh.comments.get(11) ?? []).length, 1);
  assert.equal(calls(gh, 'PATCH', /\/issues\/comments\/\d+$/).length, patches + 1);
  assert.equal(again.outputs['comment-id'], String(comments[0]?.id));
  assert.match(gh.comments.get(11)?.[0]?.body ?? '', /\| qa \| generic-qa \| 3 \| 3 \| 100% \|/);

  // compare-to: against #1 instead.
  const vs1 = await job.step('report', { ...inputs, 'compare-to': '1', 'pr-comment': 'false' });
  assert.equal(vs1.code, 0, vs1.stdout + vs1.stderr);
  assert.match(vs1.summary, /### Changes since #1/);
  assert.match(
    vs1.summary,
    /\| version changed \| acme:app \| lodash:4\.17\.21 \| 4\.17\.20 \| 4\.17\.21 \|/,
  );

  // A server without the analytics API (Artifactory): the client-side diff, said in one line.
  const proxy = await withoutAnalytics(server.url);
  try {
    const plain = await job.step('report', { ...inputs, url: proxy.url, 'pr-comment': 'false' });
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    assert.equal(plain.outputs.analytics, 'false');
    assert.match(
      plain.summary,
      /^> This server has no analytics API \(HTTP 404\): changes are computed from the two build-info documents/m,
    );
    assert.match(plain.summary, /### Changes since #2/);
    assert.match(plain.summary, /> \[!CAUTION\]/);
    assert.doesNotMatch(
      plain.summary,
      /### Size over|### Dependency variation|### Promotion funnel|### Docker images/,
    );
    assert.match(plain.summary, /### Promotions of this build/);
  } finally {
    await proxy.close();
  }
});

test('a build assembled by two jobs is merged on the server', async () => {
  for (const part of ['linux', 'windows']) {
    const job = await newJob(`matrix-${part}`, { GITHUB_RUN_NUMBER: '30', GITHUB_WORKFLOW: 'etl' });
    const setup = await job.step('setup', { url: server.url, token: server.adminToken });
    assert.equal(setup.code, 0, setup.stdout);
    await writeFile(join(job.workspace, `etl-${part}.bin`), part.repeat(50));
    const publish = await job.step('publish', {
      files: `etl-${part}.bin`,
      target: 'generic-staging/etl/30/',
      module: `etl-${part}`,
      git: 'false',
    });
    assert.equal(publish.code, 0, publish.stdout);
  }
  const info = await client().getBuild('etl', '30');
  assert.deepEqual(info.modules?.map((m) => m.id).sort(), ['etl-linux', 'etl-windows']);
});

test('embedded server: started by setup, auto-published by post, data kept in the cache', async () => {
  const env = { GITHUB_WORKFLOW: 'embedded-demo', GITHUB_RUN_ID: '501', GITHUB_RUN_NUMBER: '1' };
  const job = await newJob('embedded-1', env);
  const setup = await job.step('setup', { server: 'embedded' });
  assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  assert.match(job.env.STOWAGE_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  const token = job.env.STOWAGE_TOKEN ?? '';
  assert.match(setup.stdout, new RegExp(`::add-mask::${token}`));
  const url = job.env.STOWAGE_URL ?? '';
  // A run: step records an upload with the `stowage` setup put on PATH; no publish step: the
  // post step publishes what was recorded, then stops the server.
  await writeFile(join(job.workspace, 'out.csv'), 'rows\n3\n');
  const up = await run(
    'stowage',
    ['upload', 'out.csv', 'generic-staging/embedded-demo/1/'],
    job.workspace,
    job.env,
  );
  assert.equal(up.code, 0, up.out);
  const post = await job.step('setup', {}, { post: true });
  assert.equal(post.code, 0, post.stdout + post.stderr);
  assert.match(post.stdout, /published build embedded-demo #1/);
  assert.match(post.stdout, /stopped the embedded server/);
  await assert.rejects(fetch(`${url}/api/system/ping`), 'the server is stopped');
  const key = 'stowage-server-acme/reports-embedded-demo-501';
  assert.ok(cache.entries.has(key), `saved as ${key}: ${post.stdout}`);
  assert.equal(
    calls(cache, 'POST', /CacheService\/FinalizeCacheEntryUpload$/).length,
    1,
    'upload finalized',
  );

  // The next run restores the data: build #1 is still there.
  const next = await newJob('embedded-2', { ...env, GITHUB_RUN_ID: '502', GITHUB_RUN_NUMBER: '2' });
  const setup2 = await next.step('setup', { server: 'embedded', 'auto-publish': 'false' });
  assert.equal(setup2.code, 0, setup2.stdout + setup2.stderr);
  assert.match(setup2.stdout, /restored the server's data from the cache/);
  const c2 = new RepositoryClient({
    url: next.env.STOWAGE_URL ?? '',
    token: next.env.STOWAGE_TOKEN ?? '',
  });
  try {
    const info = await c2.getBuild('embedded-demo', '1');
    assert.equal(info.number, '1');
  } finally {
    await c2.close();
  }
  const post2 = await next.step('setup', {}, { post: true });
  assert.equal(post2.code, 0, post2.stdout);
  assert.match(post2.stdout, /auto-publish is off/);
});

test('manual promotion: workflow_dispatch inputs → promote with a GitHub deployment', async () => {
  // A build to promote.
  const job = await newJob('release-build', { GITHUB_WORKFLOW: 'weekly', GITHUB_RUN_NUMBER: '9' });
  assert.equal((await job.step('setup', { url: server.url, token: server.adminToken })).code, 0);
  await writeFile(join(job.workspace, 'weekly.tgz'), 'weekly');
  assert.equal(
    (await job.step('publish', { files: '*.tgz', target: 'generic-staging/weekly/9/' })).code,
    0,
  );

  // The build was made from a commit of its own (not the promotion run's).
  const revision = 'c0ffee'.repeat(6) + 'beef';
  await publishMerged(client(), {
    version: '1.0.1',
    name: 'weekly',
    number: '9',
    started: formatStarted(new Date()),
    vcs: [{ url: 'https://github.com/acme/reports.git', revision }],
  });
  // The release environment's reviewer approved this run (GITHUB_RUN_ID 1000).
  gh.approvals.set(1000, [
    {
      environments: [{ id: 7, name: 'release' }],
      state: 'approved',
      user: { login: 'release-lead', id: 42 },
      comment: 'ship it',
    },
  ]);

  // The promotion workflow, dispatched by a person with inputs.
  const event = join(work, 'dispatch.json');
  await writeFile(
    event,
    JSON.stringify({ inputs: { 'build-name': 'weekly', 'build-number': '9', stage: 'release' } }),
  );
  const deploymentsAtStart = calls(gh, 'POST', /\/deployments$/).length;
  const promoter = await newJob('promote', {
    GITHUB_WORKFLOW: 'promote',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: event,
    GITHUB_ACTOR: 'release-manager',
    STOWAGE_URL: server.url,
    STOWAGE_TOKEN: server.adminToken,
  });
  const dry = await promoter.step('promote', {
    'build-name': 'weekly',
    'build-number': '9',
    stage: 'release',
    'dry-run': 'true',
    'github-token': 'gh-token',
  });
  assert.equal(dry.code, 0, dry.stdout);
  assert.equal(
    calls(gh, 'POST', /\/deployments$/).length,
    deploymentsAtStart,
    'a dry run records no deployment',
  );
  // The preview a reviewer reads before approving: exactly what would move.
  assert.match(dry.summary, /Preview: promoting weekly #9 to release/);
  assert.match(dry.summary, /generic-staging\/weekly\/9\/weekly\.tgz/);
  assert.match(dry.summary, /generic-release\/weekly\/9\/weekly\.tgz/);

  // A build that does not exist: refused before any deployment is created.
  const deploymentsBefore = calls(gh, 'POST', /\/deployments$/).length;
  const missing = await promoter.step('promote', {
    'build-name': 'weekly',
    'build-number': '999',
    stage: 'release',
    'github-token': 'gh-token',
  });
  assert.equal(missing.code, 1);
  assert.match(missing.errors.join('\n'), /build weekly #999 does not exist/);
  assert.equal(calls(gh, 'POST', /\/deployments$/).length, deploymentsBefore);
  const res = await promoter.step('promote', {
    'build-name': 'weekly',
    'build-number': '9',
    stage: 'release',
    comment: 'approved',
    'github-token': 'gh-token',
  });
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const deployment = JSON.parse(calls(gh, 'POST', /\/deployments$/).at(-1)?.body ?? '{}') as Record<
    string,
    unknown
  >;
  assert.equal(deployment.environment, 'release');
  assert.equal(deployment.production_environment, true);
  assert.equal(deployment.ref, revision, "the deployment is for the build's own commit");
  assert.equal(res.outputs['deployment-id'] !== undefined, true);
  const done = JSON.parse(
    calls(gh, 'POST', /\/deployments\/\d+\/statuses$/).at(-1)?.body ?? '{}',
  ) as Record<string, unknown>;
  assert.equal(done.state, 'success');
  assert.equal(done.environment_url, `${server.url}/ui/builds/weekly/9`);
  assert.equal(res.outputs.approver, 'release-lead');
  assert.match(res.summary, /Approved by/);
  assert.match(res.summary, /release-lead/);
  const info = await client().getBuild('weekly', '9');
  assert.equal(info.statuses?.at(-1)?.status, 'release');
  assert.equal(info.statuses?.at(-1)?.ciUser, 'release-manager');
  assert.equal(info.statuses?.at(-1)?.approver, 'release-lead');

  // An unknown stage fails the step with a clear message, and marks nothing.
  const bad = await promoter.step('promote', {
    'build-name': 'weekly',
    'build-number': '9',
    stage: 'prod',
    'github-token': 'gh-token',
  });
  assert.equal(bad.code, 1);
  assert.match(bad.errors.join('\n'), /"prod" is neither a stage/);

  // The CLI path: `stowage promote --dispatch` asks GitHub to run that workflow.
  const cli = join(PACKAGE, '..', 'cli', 'src', 'cli.ts');
  const dispatchEnv = {
    PATH: process.env.PATH ?? '',
    GITHUB_TOKEN: 'dispatch-token',
    STOWAGE_URL: server.url,
    STOWAGE_TOKEN: server.adminToken,
  };
  const dispatched = await run(
    process.execPath,
    [
      cli,
      'promote',
      'weekly',
      '9',
      '--to',
      'release',
      '--dispatch',
      '--ref',
      'main',
      '--github-api-url',
      gh.url,
      '--repo',
      'acme/reports',
      '--comment',
      'go',
    ],
    work,
    dispatchEnv,
  );
  assert.equal(dispatched.code, 0, dispatched.out);
  const call = calls(gh, 'POST', /\/actions\/workflows\/promote\.yml\/dispatches$/);
  assert.equal(call.length, 1);
  assert.equal(call[0]?.path, '/repos/acme/reports/actions/workflows/promote.yml/dispatches');
  assert.deepEqual(JSON.parse(call[0]?.body ?? '{}'), {
    ref: 'main',
    inputs: { 'build-name': 'weekly', 'build-number': '9', stage: 'release', comment: 'go' },
    return_run_details: true,
  });
  assert.equal(gh.requests.at(-1)?.headers.authorization, 'Bearer dispatch-token');
  // It prints the run it started.
  assert.match(dispatched.out, /run: https:\/\/github\.com\/acme\/reports\/actions\/runs\/\d+/);

  // A build that does not exist is not dispatched.
  const nothing = await run(
    process.execPath,
    [
      cli,
      'promote',
      'weekly',
      '999',
      '--to',
      'release',
      '--dispatch',
      '--github-api-url',
      gh.url,
      '--repo',
      'acme/reports',
    ],
    work,
    dispatchEnv,
  );
  assert.equal(nothing.code, 1, nothing.out);
  assert.match(nothing.out, /build weekly #999 does not exist.*nothing was dispatched/);
  assert.equal(calls(gh, 'POST', /\/dispatches$/).length, 1, 'no second dispatch');
  const refused = await run(process.execPath, [cli, 'promote', 'weekly', '9', '--to', 'qa'], work, {
    PATH: process.env.PATH ?? '',
  });
  assert.equal(refused.code, 2, 'without --dispatch it points to stowage build promote');
  assert.match(refused.out, /stowage build promote/);
});
