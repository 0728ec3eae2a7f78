// `stowage setup` against a real server: the token it writes for a build is scoped to that
// build, so whatever the package manager downloads with it is recorded for the build.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '@stowage/server';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'dist', 'cli.js');
let server: RunningServer;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-setup-e2e-'));
  server = await startServer({ dataDir: join(dir, 'data'), port: 0 });
  const put = await fetch(`${server.url}/generic-staging/tools/helper.sh`, {
    method: 'PUT',
    body: 'echo helper',
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  assert.equal(put.status, 201);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function stowage(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [cli, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      STOWAGE_URL: server.url,
      STOWAGE_TOKEN: server.adminToken,
    },
    cwd: dir,
  });
}

test('setup writes a build-scoped token, and downloads made with it are recorded for the build', async () => {
  const project = join(dir, 'project');
  const { stdout } = await stowage([
    'setup',
    'npm',
    '--repo',
    'generic-staging',
    '--dir',
    project,
    '--build-name',
    'etl',
    '--build-number',
    '4',
    '--json',
  ]);
  const out = JSON.parse(stdout) as {
    notes: string[];
    results: { tool: string; files: { path: string }[] }[];
  };
  assert.match(out.notes.join('\n'), /scoped to build etl #4/);
  const npmrc = await readFile(join(project, '.npmrc'), 'utf8');
  const token = /_authToken=(\S+)/.exec(npmrc)?.[1] ?? '';
  assert.match(token, /^stw_/);
  assert.notEqual(token, server.adminToken, 'the admin token is not written into the project');
  const got = await fetch(`${server.url}/generic-staging/tools/helper.sh`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(await got.text(), 'echo helper');
  const rec = await fetch(`${server.url}/api/stowage/v1/builds/etl/4/downloads`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  const { downloads } = (await rec.json()) as { downloads: { path: string }[] };
  assert.deepEqual(
    downloads.map((d) => d.path),
    ['tools/helper.sh'],
  );
  // The token in the tool configs resolves and reads its own download record; nothing else.
  const own = await fetch(`${server.url}/api/stowage/v1/builds/etl/4/downloads`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(own.status, 200);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const build = {
    version: '1.0.1',
    name: 'etl',
    number: '5',
    started: '2026-11-29T07:00:00.000+0000',
  };
  const refused: [string, string, string?][] = [
    ['PUT', '/generic-release/evil.sh', 'x'],
    ['PUT', '/generic-staging/evil.sh', 'x'],
    ['DELETE', '/generic-staging/tools/helper.sh'],
    ['PUT', '/api/storage/generic-staging/tools/helper.sh?properties=evil=1'],
    ['PUT', '/api/build', JSON.stringify(build)],
    ['DELETE', '/api/build/etl?buildNumbers=4'],
    ['POST', '/api/build/retention/etl', JSON.stringify({ count: 0 })],
    ['POST', '/api/build/promote/etl/4', JSON.stringify({ status: 'release' })],
    ['GET', '/api/build/etl/4'],
    ['GET', '/api/stowage/v1/builds/other/1/downloads'],
    ['POST', '/api/stowage/v1/tokens', JSON.stringify({ scopes: ['repo:*:deploy'] })],
  ];
  for (const [method, path, body] of refused) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: auth,
      ...(body === undefined ? {} : { body }),
    });
    assert.equal(res.status, 403, `${method} ${path}: ${await res.text()}`);
  }
});

test('setup without a build, or with --no-build-token, writes the given token', async () => {
  const project = join(dir, 'plain');
  await stowage(['setup', 'npm', '--repo', 'generic-staging', '--dir', project]);
  assert.match(
    await readFile(join(project, '.npmrc'), 'utf8'),
    new RegExp(`_authToken=${server.adminToken}`),
  );
  const other = join(dir, 'kept');
  await stowage([
    'setup',
    'npm',
    '--repo',
    'generic-staging',
    '--dir',
    other,
    '--build-name',
    'etl',
    '--build-number',
    '5',
    '--no-build-token',
  ]);
  assert.match(
    await readFile(join(other, '.npmrc'), 'utf8'),
    new RegExp(`_authToken=${server.adminToken}`),
  );
});

test('setup refuses unknown tools with the list of known ones', async () => {
  await assert.rejects(
    stowage(['setup', 'cobol', '--repo', 'x']),
    (e: { code?: number; stderr?: string }) =>
      e.code === 2 && /known tools are/.test(e.stderr ?? ''),
  );
});
