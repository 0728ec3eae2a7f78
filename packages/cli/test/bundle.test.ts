/**
 * The single-file bundle (dist/stowage.mjs, made by `npm run build`) copied alone into an empty
 * directory, with no node_modules anywhere above it, as on a Jenkins agent with only Node: it
 * prints its version and help, serves, and uploads to the server it serves.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BUNDLE = join(DIST, 'stowage.mjs');
const LICENSES = join(DIST, 'stowage.licenses.txt');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('stowage.mjs, the single-file bundle', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;

  const bundle = (args: string[], extra: Record<string, string> = {}): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['stowage.mjs', ...args], {
        cwd: dir,
        env: { ...env, ...extra },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` first`);
    dir = await mkdtemp(join(tmpdir(), 'stowage-bundle-'));
    assert.ok(!existsSync(join(dir, 'node_modules')));
    await copyFile(BUNDLE, join(dir, 'stowage.mjs'));
    // Only what a bare agent has: no CI variables, no NODE_PATH, a home of its own.
    env = { PATH: process.env.PATH ?? '', HOME: dir };
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'close');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('is one executable ES module with a node hashbang', async () => {
    const text = await readFile(BUNDLE, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'), 'starts with the hashbang');
    assert.equal(text.match(/^#!/gm)?.length, 1, 'one hashbang');
    // Nothing is left to resolve at run time but Node's builtins.
    const imports = [...text.matchAll(/^import\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
      (m) => m[1],
    );
    assert.ok(imports.length > 0);
    for (const spec of imports) {
      assert.ok(isBuiltin(spec ?? ''), `imports ${spec}, which is not a Node builtin`);
    }
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(
      await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    const r = await bundle(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('prints its help', async () => {
    const r = await bundle(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['serve', 'upload', 'download', 'build', 'setup']) {
      assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    }
  });

  it('serves on port 0 and takes an upload stamped with a build', async () => {
    const data = join(dir, 'data');
    server = spawn(
      process.execPath,
      ['stowage.mjs', 'serve', '--port', '0', '--data-dir', data, '--json', '--log-level', 'warn'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    server.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const lines = createInterface({ input: server.stdout! });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(server, 'close').then(() => {
        throw new Error(`stowage serve exited:\n${stderr}`);
      }),
    ]);
    const started = JSON.parse(first) as { url: string; adminTokenFile: string };
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const token = (await readFile(started.adminTokenFile, 'utf8')).trim();
    const auth = { STOWAGE_URL: started.url, STOWAGE_TOKEN: token };

    const content = 'day,rows\n2026-11-25,1314\n';
    await writeFile(join(dir, 'report.csv'), content);
    const up = await bundle(
      [
        'upload',
        'report.csv',
        'generic-staging/nightly/7/',
        '--build-name',
        'nightly',
        '--build-number',
        '7',
        '--json',
      ],
      auth,
    );
    assert.equal(up.code, 0, up.stderr);
    const uploaded = JSON.parse(up.stdout) as { files: { path: string }[] };
    assert.deepEqual(
      uploaded.files.map((f) => f.path),
      ['nightly/7/report.csv'],
    );

    const pub = await bundle(['build', 'publish', 'nightly', '7', '--json'], auth);
    assert.equal(pub.code, 0, pub.stderr);

    const headers = { authorization: `Bearer ${token}` };
    const file = await fetch(`${started.url}/generic-staging/nightly/7/report.csv`, { headers });
    assert.equal(file.status, 200);
    assert.equal(await file.text(), content);
    const build = await fetch(`${started.url}/api/build/nightly/7`, { headers });
    assert.equal(build.status, 200);
    const info = (await build.json()) as {
      buildInfo: { modules: { artifacts: { name: string }[] }[] };
    };
    assert.equal(info.buildInfo.modules[0]?.artifacts[0]?.name, 'report.csv');

    server.kill('SIGTERM');
    const [code] = (await once(server, 'close')) as [number | null];
    assert.equal(code, 0, `serve stopped with ${code}:\n${stderr}`);
  });

  it('comes with the license texts of what it bundles', async () => {
    const text = await readFile(LICENSES, 'utf8');
    for (const name of ['fastify', 'commander', 'undici', 'yaml', '@stowage/server']) {
      assert.match(text, new RegExp(`^${name.replace('/', '\\/')}@\\d`, 'm'), name);
    }
    assert.match(text, /Permission is hereby granted/);
  });
});
