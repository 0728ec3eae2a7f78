/**
 * The real npm client against the registry side APIs of a Stowage virtual repository: scoped
 * dist-tags (`npm dist-tag ls|add|rm @scope/pkg`), `npm audit` forwarded to the virtual's remote
 * — here a stub upstream that follows the npm registry's published bulk-advisory contract
 * (POST /-/npm/v1/security/advisories/bulk, a gzip body {name: [versions]}, an answer
 * {name: [advisory]}) since no real registry is reachable — and with no remote at all,
 * `npm search` over local and cached packuments, and the web-login probe.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RunningServer } from '@stowage/server';
import { startServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

let work: string;
let server: RunningServer;
let stub: Server;
const auditBodies: unknown[] = [];

function npm(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: join(work, 'home'),
      npm_config_userconfig: join(work, 'home', '.npmrc'),
      npm_config_cache: join(work, 'cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
    };
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const registry = (repo: string): string => `${server.url}/api/npm/${repo}/`;

async function pkg(name: string, version: string, extra: Record<string, unknown> = {}) {
  const dir = join(work, 'src', `${name.replace('/', '+')}-${version}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, version, main: 'index.js', license: 'MIT', ...extra }),
  );
  await writeFile(join(dir, 'index.js'), 'module.exports = 1;\n');
  const r = await npm(['publish', '--registry', registry('npm')], dir);
  assert.equal(r.code, 0, r.out);
}

before(async () => {
  work = await tempDir('npm-api-e2e');
  await mkdir(join(work, 'home'), { recursive: true });
  // The npm registry's bulk advisory contract: POST a (gzip) JSON {name: [versions]}, get
  // {name: [{id, url, title, severity, vulnerable_versions, cwe, cvss}]}.
  stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/-/npm/v1/security/advisories/bulk') {
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      }
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const body = JSON.parse(raw.toString('utf8')) as Record<string, string[]>;
      auditBodies.push(body);
      const out: Record<string, unknown[]> = {};
      if (body['vuln-lib']) {
        out['vuln-lib'] = [
          {
            id: 1099999,
            url: 'https://github.com/advisories/GHSA-stow-test-0001',
            title: 'Prototype pollution in vuln-lib',
            severity: 'high',
            vulnerable_versions: '<1.1.0',
            cwe: ['CWE-1321'],
            cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
          },
        ];
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  const addr = stub.address();
  const stubUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  server = await startServer({
    dataDir: join(work, 'data'),
    host: '127.0.0.1',
    port: 0,
    config: {
      auth: { anonymousRead: true },
      repositories: [
        { key: 'generic-staging' },
        { key: 'npm-local', rclass: 'local', packageType: 'npm' },
        { key: 'npm-remote', rclass: 'remote', packageType: 'npm', url: stubUrl },
        {
          key: 'npm',
          rclass: 'virtual',
          packageType: 'npm',
          repositories: ['npm-local', 'npm-remote'],
          defaultDeploymentRepo: 'npm-local',
        },
        {
          key: 'npm-alone',
          rclass: 'virtual',
          packageType: 'npm',
          repositories: ['npm-local'],
          defaultDeploymentRepo: 'npm-local',
        },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
  });
  const host = server.url.replace(/^http:/, '');
  await writeFile(
    join(work, 'home', '.npmrc'),
    [
      `${host}/api/npm/npm/:_authToken=${server.adminToken}`,
      `${host}/api/npm/npm-alone/:_authToken=${server.adminToken}`,
      '',
    ].join('\n'),
  );
  await pkg('vuln-lib', '1.0.0', { description: 'a library with a known advisory' });
  await pkg('@team/tagged', '1.0.0', { description: 'tag me', keywords: ['tagging'] });
  await pkg('@team/tagged', '1.1.0', { description: 'tag me', keywords: ['tagging'] });
});

after(async () => {
  await server?.close();
  stub?.closeAllConnections();
  await new Promise((r) => stub?.close(r));
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm dist-tag ls|add|rm on a scoped package', async () => {
  const reg = ['--registry', registry('npm')];
  let r = await npm(['dist-tag', 'add', '@team/tagged@1.0.0', 'stable', ...reg], work);
  assert.equal(r.code, 0, r.out);
  r = await npm(['dist-tag', 'ls', '@team/tagged', ...reg], work);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /latest: 1\.1\.0/);
  assert.match(r.out, /stable: 1\.0\.0/);
  r = await npm(['dist-tag', 'rm', '@team/tagged', 'stable', ...reg], work);
  assert.equal(r.code, 0, r.out);
  r = await npm(['dist-tag', 'ls', '@team/tagged', ...reg], work);
  assert.doesNotMatch(r.out, /stable/);
  // The other encodings pnpm and yarn send answer the same.
  for (const enc of ['@team%2ftagged', '%40team%2Ftagged', '@team/tagged']) {
    const res = await fetch(`${registry('npm')}-/package/${enc}/dist-tags`);
    assert.equal(res.status, 200, enc);
    assert.deepEqual(await res.json(), { latest: '1.1.0' });
  }
});

test('npm audit is forwarded (gzip body) to the virtual’s remote and reports its advisory', async () => {
  const project = join(work, 'project');
  await mkdir(project, { recursive: true });
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { 'vuln-lib': '1.0.0' } }),
  );
  const reg = ['--registry', registry('npm')];
  let r = await npm(['install', '--package-lock-only', '--no-audit', ...reg], project);
  assert.equal(r.code, 0, r.out);
  r = await npm(['audit', ...reg], project);
  assert.equal(r.code, 1, `npm audit exits 1 on a high advisory\n${r.out}`);
  assert.match(r.out, /Prototype pollution in vuln-lib/);
  assert.match(r.out, /high/);
  assert.deepEqual(auditBodies.at(-1), { 'vuln-lib': ['1.0.0'] });

  r = await npm(['audit', '--registry', registry('npm-alone')], project);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /no remote member to ask for security advisories/, r.out);
});

test('npm search finds local packages by name, description and keyword', async () => {
  const reg = ['--registry', registry('npm')];
  let r = await npm(['search', 'tagging', ...reg], work);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /@team\/tagged/);
  assert.doesNotMatch(r.out, /vuln-lib/);
  r = await npm(['search', '--json', 'vuln', ...reg], work);
  assert.equal(r.code, 0, r.out);
  const hits = JSON.parse(r.out) as { name: string; version: string }[];
  assert.deepEqual(
    hits.map((h) => [h.name, h.version]),
    [['vuln-lib', '1.0.0']],
  );
});

test('the web-login probe answers 404 with the fallback, so npm login uses the legacy flow', async () => {
  const res = await fetch(`${registry('npm')}-/v1/login`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 404);
  const body = (await res.json()) as { error: string };
  assert.match(body.error, /--auth-type=legacy/);
});
