/**
 * Permissions with a real client: the npm CLI publishes with a deployer's token, is refused
 * with a reader's (403) and without one (401), installs with the reader's; the audit trail
 * names who published.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '@stowage/server';
import { startServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

let work: string;
let server: RunningServer;

function npm(args: string[], cwd: string, token?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const registry = `${server.url}/api/npm/npm-local/`;
    const npmrc = join(cwd, '.npmrc');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: join(work, 'home'),
      npm_config_userconfig: npmrc,
      npm_config_cache: join(work, 'cache'),
      npm_config_update_notifier: 'false',
    };
    const rc = [`registry=${registry}`];
    if (token) rc.push(`${registry.replace(/^http:/, '')}:_authToken=${token}`);
    writeFile(npmrc, `${rc.join('\n')}\n`)
      .then(() => {
        const child = spawn('npm', [...args, '--no-audit', '--no-fund'], { cwd, env });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, out });
        });
      })
      .catch(reject);
  });
}

async function pkg(version: string): Promise<string> {
  const dir = join(work, `greet-${version}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'greet', version, main: 'index.js', license: 'MIT' }),
  );
  await writeFile(join(dir, 'index.js'), `module.exports = 'hello ${version}';\n`);
  return dir;
}

async function tokenFor(user: string): Promise<string> {
  const res = await fetch(`${server.url}/api/stowage/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

before(async () => {
  work = await tempDir('stowage-e2e-perm-');
  await mkdir(join(work, 'home'), { recursive: true });
  server = await startServer({
    dataDir: join(work, 'data'),
    port: 0,
    config: {
      repositories: [
        { key: 'generic-staging' },
        { key: 'npm-local', rclass: 'local', packageType: 'npm' },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
      users: [
        { name: 'dev', groups: ['developers'] },
        { name: 'ci', groups: ['ci'] },
      ],
      permissions: [
        {
          name: 'developers',
          repo: { repositories: ['*'], actions: { groups: { developers: ['read'] } } },
        },
        {
          name: 'ci',
          repo: { repositories: ['npm-*'], actions: { groups: { ci: ['deploy'] } } },
        },
      ],
    },
  });
});
after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

test('npm publishes with a deployer token, not with a reader token or none', async () => {
  const ci = await tokenFor('ci');
  const dev = await tokenFor('dev');

  const refused = await npm(['publish'], await pkg('1.0.0'), dev);
  assert.notEqual(refused.code, 0, refused.out);
  assert.match(refused.out, /E403|403 Forbidden/);
  const anonymous = await npm(['publish'], await pkg('1.0.1'));
  assert.notEqual(anonymous.code, 0, anonymous.out);
  assert.match(anonymous.out, /E401|ENEEDAUTH|401 Unauthorized/);

  const published = await npm(['publish'], await pkg('1.1.0'), ci);
  assert.equal(published.code, 0, published.out);

  const app = join(work, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
  const installed = await npm(['install', 'greet@1.1.0'], app, dev);
  assert.equal(installed.code, 0, installed.out);
  const noToken = await npm(['view', 'greet', 'version'], app);
  assert.notEqual(noToken.code, 0, 'anonymous reads nothing on this server');

  const audit = await fetch(
    `${server.url}/api/stowage/v1/audit?action=artifact.deploy&repo=npm-local`,
    { headers: { authorization: `Bearer ${server.adminToken}` } },
  );
  const entries = ((await audit.json()) as { entries: { user: string; path: string }[] }).entries;
  assert.ok(entries.length >= 1, 'the publish is in the audit trail');
  assert.ok(
    entries.every((e) => e.user === 'ci'),
    JSON.stringify(entries),
  );
  const info = await fetch(`${server.url}/api/storage/npm-local/greet/-/greet-1.1.0.tgz`, {
    headers: { authorization: `Bearer ${dev}` },
  });
  assert.equal(((await info.json()) as { createdBy: string }).createdBy, 'ci');
});
