/**
 * The real npm client against real Stowage servers: an upstream Stowage whose local npm
 * repository is filled with `npm publish`, and a downstream virtual [local, remote→upstream].
 * Fixtures (small packages, a scoped one, two versions of one, a dependency tree) are generated here.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectDependencies, mergeWithDownloads, setupTool } from '@stowage/core';
import type { RunningServer } from '@stowage/server';
import { startServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

let work: string;
let up: RunningServer;
let down: RunningServer;

const REPOS = (remoteUrl: string): unknown => ({
  auth: { anonymousRead: true },
  repositories: [
    { key: 'generic-staging' },
    { key: 'npm-up', rclass: 'local', packageType: 'npm' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    { key: 'npm-remote', rclass: 'remote', packageType: 'npm', url: remoteUrl },
    {
      key: 'npm',
      rclass: 'virtual',
      packageType: 'npm',
      repositories: ['npm-local', 'npm-remote'],
      defaultDeploymentRepo: 'npm-local',
    },
  ],
  stages: [{ name: 'staged', repo: 'generic-staging' }],
});

function npm(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: join(work, 'home'),
      npm_config_userconfig: join(work, 'home', '.npmrc'),
      npm_config_cache: join(work, 'cache'),
      npm_config_update_notifier: 'false',
    };
    const child = spawn('npm', [...args, '--no-audit', '--no-fund'], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

async function pkg(
  name: string,
  version: string,
  deps: Record<string, string> = {},
): Promise<string> {
  const dir = join(work, 'src', `${name.replace('/', '+')}-${version}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, version, main: 'index.js', license: 'MIT', dependencies: deps }),
  );
  await writeFile(
    join(dir, 'index.js'),
    `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`,
  );
  return dir;
}

async function publishTo(server: RunningServer, repo: string, dir: string): Promise<void> {
  const registry = `${server.url}/api/npm/${repo}/`;
  await writeFile(
    join(dir, '.npmrc'),
    `${registry.replace(/^http:/, '')}:_authToken=${server.adminToken}\n`,
  );
  const r = await npm(['publish', '--registry', registry], dir);
  assert.equal(r.code, 0, r.stderr);
}

let project: string;

before(async () => {
  work = await tempDir('npm-e2e');
  await mkdir(join(work, 'home'), { recursive: true });
  await writeFile(join(work, 'home', '.npmrc'), '');
  up = await startServer({
    dataDir: join(work, 'up'),
    host: '127.0.0.1',
    port: 0,
    config: REPOS('http://127.0.0.1:1'),
  });
  down = await startServer({
    dataDir: join(work, 'down'),
    host: '127.0.0.1',
    port: 0,
    config: REPOS(`${up.url}/api/npm/npm-up`),
  });
  await publishTo(up, 'npm-up', await pkg('dep-c', '1.0.0'));
  await publishTo(up, 'npm-up', await pkg('lib-b', '1.0.0', { 'dep-c': '^1.0.0' }));
  await publishTo(up, 'npm-up', await pkg('lib-b', '1.1.0', { 'dep-c': '^1.0.0' }));
  await publishTo(up, 'npm-up', await pkg('@acme/scoped', '1.0.0', { 'lib-b': '^1.0.0' }));
  project = join(work, 'project');
  await mkdir(project, { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'project',
      version: '1.0.0',
      private: true,
      dependencies: { '@acme/scoped': '^1.0.0' },
      devDependencies: { 'dep-c': '1.0.0' },
    }),
  );
});

after(async () => {
  await down?.close();
  await up?.close().catch(() => undefined);
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm install through a virtual repository, lockfile pointing at Stowage', async () => {
  const setup = await setupTool('npm', {
    url: down.url,
    repo: 'npm',
    token: down.adminToken,
    dir: project,
    home: join(work, 'home'),
  });
  assert.equal(setup.files[0]?.action, 'written');
  // A second run (the next build) updates the block Stowage owns in the .npmrc it wrote.
  const again = await setupTool('npm', {
    url: down.url,
    repo: 'npm',
    token: down.adminToken,
    dir: project,
    home: join(work, 'home'),
  });
  assert.equal(again.files[0]?.action, 'written');
  assert.match(again.notes.join('\n'), /updated the stowage block/);
  const who = await npm(['whoami'], project);
  assert.equal(who.stdout.trim(), 'admin', who.stderr);
  const started = Date.now();
  const r = await npm(['install', '--prefer-online'], project);
  assert.equal(r.code, 0, r.stderr);
  const cold = Date.now() - started;
  const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved?: string; version?: string }>;
  };
  assert.equal(lock.packages['node_modules/lib-b']?.version, '1.1.0');
  for (const [key, e] of Object.entries(lock.packages)) {
    if (key === '') continue;
    assert.ok(e.resolved?.startsWith(`${down.url}/api/npm/npm/`), `${key}: ${e.resolved}`);
  }
  const view = await npm(['view', '@acme/scoped', 'version'], project);
  assert.equal(view.stdout.trim(), '1.0.0', view.stderr);
  process.stderr.write(`# npm e2e: cold install through the virtual: ${cold} ms\n`);
});

test('with the upstream stopped, a clean install is served from the cache', async () => {
  await up.close();
  await rm(join(project, 'node_modules'), { recursive: true, force: true });
  await rm(join(work, 'cache'), { recursive: true, force: true });
  const started = Date.now();
  const r = await npm(['install', '--prefer-online'], project);
  assert.equal(r.code, 0, r.stderr);
  process.stderr.write(
    `# npm e2e: install from Stowage's cache, upstream down: ${Date.now() - started} ms\n`,
  );
  const main = await readFile(join(project, 'node_modules/@acme/scoped/index.js'), 'utf8');
  assert.match(main, /@acme\/scoped@1\.0\.0/);
});

test('npm publish to the downstream (through the virtual) and install it', async () => {
  const dir = await pkg('app-lib', '0.1.0', { 'dep-c': '^1.0.0' });
  await writeFile(
    join(dir, '.npmrc'),
    `registry=${down.url}/api/npm/npm/\n${down.url.replace(/^http:/, '')}/api/npm/npm/:_authToken=${down.adminToken}\n`,
  );
  const p = await npm(['publish'], dir);
  assert.equal(p.code, 0, p.stderr);
  const again = await npm(['publish'], dir);
  assert.notEqual(again.code, 0, 'the same version cannot be published twice');
  const r = await npm(['install', 'app-lib@0.1.0', '--prefer-online'], project);
  assert.equal(r.code, 0, r.stderr);
  const stored = await fetch(`${down.url}/api/storage/npm-local/app-lib/-/app-lib-0.1.0.tgz`, {
    headers: { authorization: `Bearer ${down.adminToken}` },
  });
  assert.equal(stored.status, 200);
});

test('dependencies collected from package-lock.json match the files Stowage served', async () => {
  const deps = await collectDependencies('npm', { dir: project });
  const ids = deps.map((d) => d.id).sort();
  assert.deepEqual(ids, ['@acme/scoped:1.0.0', 'app-lib:0.1.0', 'dep-c:1.0.0', 'lib-b:1.1.0']);
  const lib = deps.find((d) => d.id === 'lib-b:1.1.0');
  assert.deepEqual(lib?.requestedBy, [['@acme/scoped:1.0.0', 'project:1.0.0']]);
  assert.deepEqual(deps.find((d) => d.id === 'dep-c:1.0.0')?.scopes, ['prod']);
  const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved: string; integrity: string }>;
  };
  const downloads = [];
  for (const [key, e] of Object.entries(lock.packages)) {
    if (key === '') continue;
    const res = await fetch(e.resolved, {
      headers: { authorization: `Bearer ${down.adminToken}` },
    });
    const data = Buffer.from(await res.arrayBuffer());
    assert.equal(
      `sha512-${createHash('sha512').update(data).digest('base64')}`,
      e.integrity,
      `${key}: the served file matches the lockfile`,
    );
    downloads.push({
      repo: 'npm',
      path: new URL(e.resolved).pathname,
      sha1: String(res.headers.get('x-checksum-sha1')),
      sha256: String(res.headers.get('x-checksum-sha256')),
      md5: String(res.headers.get('x-checksum-md5')),
    });
    assert.equal(downloads.at(-1)?.sha256, createHash('sha256').update(data).digest('hex'));
  }
  // Lockfile integrity is sha512, so sha256/md5 come from what the server served.
  const byPath = new Map(downloads.map((d) => [d.path, d]));
  for (const d of deps) {
    const name = d.id.slice(0, d.id.lastIndexOf(':'));
    const version = d.id.slice(d.id.lastIndexOf(':') + 1);
    const file = `/api/npm/npm/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
    const dl = byPath.get(file);
    assert.ok(dl, `${d.id} was served as ${file}`);
    const [merged] = mergeWithDownloads([{ ...d, sha1: dl.sha1 }], [dl]);
    assert.equal(merged?.sha256, dl.sha256, d.id);
  }
});

test(
  'proxying the public npm registry',
  { skip: process.env.STOWAGE_TEST_PUBLIC_NPM !== '1' },
  async () => {
    const dir = await tempDir('npm-public');
    const s = await startServer({
      dataDir: join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      config: REPOS('https://registry.npmjs.org'),
    });
    try {
      const proj = join(dir, 'p');
      await mkdir(proj);
      await writeFile(join(proj, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0' }));
      await setupTool('npm', {
        url: s.url,
        repo: 'npm',
        token: s.adminToken,
        dir: proj,
        home: dir,
      });
      const r = await npm(['install', 'is-number@7.0.0', '@types/ms@0.7.34'], proj);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
