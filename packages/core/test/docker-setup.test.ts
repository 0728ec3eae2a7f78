/** Docker in core: the registry-credentials setup writer (config.json / auth.json merge rules). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTool } from '../src/core.ts';
import { mergeAuths } from '../src/setup/docker.ts';
import { parseImageRef, skopeoLocation } from '../src/publish/docker.ts';

const URL = 'http://127.0.0.1:8081';
const HOST = '127.0.0.1:8081';
const auth = (user: string, token: string): string =>
  Buffer.from(`${user}:${token}`).toString('base64');

interface AuthFile {
  auths: Record<string, { auth?: string }>;
  [key: string]: unknown;
}
const readAuth = async (file: string): Promise<AuthFile> =>
  JSON.parse(await readFile(file, 'utf8')) as AuthFile;

async function home(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'stowage-docker-setup-'));
}

test('writes config.json and containers auth.json (0600) when there are none', async () => {
  const h = await home();
  const res = await setupTool('docker', {
    url: URL,
    repo: 'docker',
    token: 'sekrit',
    dir: h,
    home: h,
  });
  const docker = join(h, '.docker', 'config.json');
  const containers = join(h, '.config', 'containers', 'auth.json');
  assert.deepEqual(res.files, [
    { path: docker, action: 'written' },
    { path: containers, action: 'written' },
  ]);
  for (const f of [docker, containers]) {
    assert.deepEqual(await readAuth(f), { auths: { [HOST]: { auth: auth('token', 'sekrit') } } });
    assert.equal((await stat(f)).mode & 0o777, 0o600);
  }
  assert.ok(
    res.notes.some((n) => /tls-verify=false/.test(n)),
    'http gets the insecure note',
  );
  assert.ok(!JSON.stringify(res).includes('sekrit'), 'the token is never in the result');
});

test('merges into an existing config.json without dropping other registries or keys', async () => {
  const h = await home();
  const file = join(h, '.docker', 'config.json');
  await mkdir(join(h, '.docker'), { recursive: true });
  await writeFile(
    file,
    JSON.stringify({
      auths: { 'ghcr.io': { auth: 'Z2g6eA==' } },
      credHelpers: { 'gcr.io': 'gcloud' },
      psFormat: 'table {{.ID}}',
    }),
  );
  const res = await setupTool('docker', {
    url: URL,
    repo: 'docker',
    token: 't1',
    dir: h,
    home: h,
    user: 'ci',
  });
  assert.equal(res.files[0]?.action, 'written');
  const doc = await readAuth(file);
  assert.deepEqual(doc.auths['ghcr.io'], { auth: 'Z2g6eA==' });
  assert.deepEqual(doc.auths[HOST], { auth: auth('ci', 't1') });
  assert.deepEqual(doc.credHelpers, { 'gcr.io': 'gcloud' });
  assert.equal(doc.psFormat, 'table {{.ID}}');
});

test('an existing Stowage entry is kept unless overwrite, which replaces only that entry', async () => {
  const h = await home();
  const file = join(h, '.docker', 'config.json');
  await mkdir(join(h, '.docker'), { recursive: true });
  const before = { auths: { [HOST]: { auth: 'b2xkOm9sZA==' }, 'quay.io': { auth: 'cTpx' } } };
  await writeFile(file, JSON.stringify(before));
  const kept = await setupTool('docker', {
    url: URL,
    repo: 'docker',
    token: 'new',
    dir: h,
    home: h,
  });
  assert.equal(kept.files[0]?.action, 'kept');
  assert.ok(kept.notes.some((n) => n.includes('already has credentials')));
  assert.deepEqual(await readAuth(file), before);

  const over = await setupTool('docker', {
    url: URL,
    repo: 'docker',
    token: 'new',
    dir: h,
    home: h,
    overwrite: true,
  });
  assert.equal(over.files[0]?.action, 'written');
  assert.deepEqual(await readAuth(file), {
    auths: { [HOST]: { auth: auth('token', 'new') }, 'quay.io': { auth: 'cTpx' } },
  });
});

test('a file that is not a JSON object is left alone, even with overwrite', async () => {
  assert.deepEqual(mergeAuths('{not json', HOST, { auth: 'x' }, true), {
    action: 'kept',
    reason: 'invalid',
  });
  assert.deepEqual(mergeAuths('[]', HOST, { auth: 'x' }, true), {
    action: 'kept',
    reason: 'invalid',
  });
  assert.deepEqual(mergeAuths('{"auths": 3}', HOST, { auth: 'x' }, true), {
    action: 'kept',
    reason: 'invalid',
  });
  const empty = mergeAuths('', HOST, { auth: 'x' }, false);
  assert.equal(empty.action, 'written');
});

test('auth.json goes under the runtime dir when one is given; https has no insecure note', async () => {
  const h = await home();
  const run = join(h, 'run');
  const res = await setupTool('docker', {
    url: 'https://stowage.example.com',
    repo: 'docker',
    token: 't',
    dir: h,
    home: h,
    runtimeDir: run,
  });
  assert.equal(res.files[1]?.path, join(run, 'containers', 'auth.json'));
  const doc = await readAuth(join(run, 'containers', 'auth.json'));
  assert.ok(doc.auths['stowage.example.com']);
  assert.ok(!res.notes.some((n) => /tls-verify/.test(n)));
});

test('without a token nothing is written', async () => {
  const h = await home();
  const res = await setupTool('docker', { url: URL, repo: 'docker', dir: h, home: h });
  assert.deepEqual(res.files, []);
  assert.ok(res.notes[0]?.includes('no token'));
});

test('image references and skopeo locations', () => {
  assert.deepEqual(parseImageRef('docker-local/team/etl:42'), {
    repo: 'docker-local',
    image: 'team/etl',
    reference: '42',
  });
  assert.equal(parseImageRef('docker/etl').reference, 'latest');
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.equal(parseImageRef(`docker/etl@${digest}`).reference, digest);
  assert.throws(() => parseImageRef('etl:1'), /repository is missing/);
  assert.throws(() => parseImageRef('docker/Etl:1'), /image name/);
  assert.equal(skopeoLocation('build/layout:app'), 'oci:build/layout:app');
  assert.equal(skopeoLocation('docker-archive:x.tar'), 'docker-archive:x.tar');
  assert.equal(skopeoLocation('docker-daemon:img:1'), 'docker-daemon:img:1');
});
