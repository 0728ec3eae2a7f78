/**
 * A server started without --config is useful as it is: `stowage setup npm --repo npm` and a
 * real `npm install` resolve through the virtual `npm` (npm-local, then npm-remote). By default
 * npm-remote's upstream is another Stowage on 127.0.0.1 (`serve --upstream npm=…`) holding a
 * package published with the real npm; STOWAGE_TEST_PUBLIC_NPM=1 uses the public registry
 * instead (the default remote as shipped). `stowage setup` refuses a repository that does not
 * exist, writing nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { setupTool } from '@stowage/core';
import { startServer, type RunningServer } from '@stowage/server';
import { CLI, requireBuiltCli, runCli, tempDir } from './helpers.ts';

const PUBLIC = process.env.STOWAGE_TEST_PUBLIC_NPM === '1';
const PACKAGE = PUBLIC ? 'is-number' : 'csv-tiny';

function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe('the default repositories of a server started without --config', () => {
  let dir: string;
  let upstream: RunningServer | undefined;
  let serve: ChildProcess;
  let url: string;
  let token: string;
  const npmEnv = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: join(dir, 'home'),
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
  });

  before(async () => {
    requireBuiltCli();
    dir = await tempDir('default-repos');
    await mkdir(join(dir, 'home'), { recursive: true });
    const args = [
      'serve',
      '--port',
      '0',
      '--data-dir',
      join(dir, 'data'),
      '--json',
      '--log-level',
      'warn',
    ];
    if (!PUBLIC) {
      // The local upstream: a Stowage whose npm-local holds csv-tiny, published with real npm.
      upstream = await startServer({
        dataDir: join(dir, 'upstream'),
        port: 0,
        config: {
          auth: { anonymousRead: true },
          repositories: [
            { key: 'generic-staging' },
            { key: 'npm-local', rclass: 'local', packageType: 'npm' },
          ],
          stages: [{ name: 'staged', repo: 'generic-staging' }],
        },
      });
      const pkg = join(dir, 'pkg');
      await mkdir(pkg, { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'csv-tiny', version: '1.0.0', main: 'index.js', license: 'MIT' }),
      );
      await writeFile(join(pkg, 'index.js'), "module.exports = 'csv';\n");
      await setupTool('npm', {
        url: upstream.url,
        repo: 'npm-local',
        token: upstream.adminToken,
        dir: pkg,
        home: join(dir, 'home'),
      });
      const pub = await run('npm', ['publish', '--no-audit', '--no-fund'], pkg, npmEnv());
      assert.equal(pub.code, 0, pub.out);
      args.push('--upstream', `npm=${upstream.url}/api/npm/npm-local`);
    }
    serve = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(dir, 'home'),
        // The public registry through a TLS-inspecting proxy needs its CA.
        ...(process.env.NODE_EXTRA_CA_CERTS
          ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    serve.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const lines = createInterface({ input: serve.stdout! });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(serve, 'close').then(() => {
        throw new Error(`stowage serve exited:\n${stderr}`);
      }),
    ]);
    const started = JSON.parse(first) as { url: string; adminTokenFile: string };
    url = started.url;
    token = (await readFile(started.adminTokenFile, 'utf8')).trim();
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await once(serve, 'close');
    }
    await upstream?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('has a local, a remote and a virtual repository for every format', async () => {
    const res = await fetch(`${url}/api/repositories`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const repos = (await res.json()) as { key: string; type: string; packageType: string }[];
    const keys = new Set(repos.map((r) => r.key));
    for (const f of ['npm', 'pypi', 'maven', 'go', 'nuget', 'docker', 'helm', 'conda', 'cran']) {
      for (const k of [f, `${f}-local`, `${f}-remote`]) assert.ok(keys.has(k), `${k} exists`);
    }
    for (const k of ['generic-staging', 'generic-qa', 'generic-release']) assert.ok(keys.has(k));
  });

  it('lets `stowage setup npm --repo npm` and `npm install` work as the README says', async () => {
    const project = join(dir, 'project');
    await mkdir(project, { recursive: true });
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'nightly', version: '0.0.0', private: true }),
    );
    const setup = await runCli(['setup', 'npm', '--repo', 'npm', '--dir', project], {
      env: { STOWAGE_URL: url, STOWAGE_TOKEN: token, HOME: join(dir, 'home') },
    });
    assert.equal(setup.code, 0, setup.stderr);
    assert.match(await readFile(join(project, '.npmrc'), 'utf8'), /\/api\/npm\/npm\//);
    const install = await run(
      'npm',
      ['install', PACKAGE, '--no-audit', '--no-fund'],
      project,
      npmEnv(),
    );
    assert.equal(install.code, 0, install.out);
    assert.ok(existsSync(join(project, 'node_modules', PACKAGE, 'package.json')));
    // It came through the remote, which cached it.
    const cached = await fetch(`${url}/api/storage/npm-remote/${PACKAGE}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(cached.status, 200);
  });

  it('refuses to set up a repository that does not exist, writing nothing', async () => {
    const project = join(dir, 'missing');
    const r = await runCli(['setup', 'npm', '--repo', 'npm-virtual', '--dir', project], {
      env: { STOWAGE_URL: url, STOWAGE_TOKEN: token, HOME: join(dir, 'home') },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has no repository "npm-virtual"; nothing was written/);
    assert.match(r.stderr, /Pass --repo one of: .*\bnpm\b/);
    assert.ok(!existsSync(join(project, '.npmrc')));
  });
});
