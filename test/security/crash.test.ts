/**
 * `kill -9` mid-write, for every write path: the real server process receives half of a body,
 * is killed with SIGKILL, and is started again on the same data directory. Nothing partial is
 * visible (the repository lists the same files, the blob store holds the same blobs), startup
 * cleanup leaves no temporary file, and the same upload then succeeds. A promotion killed while
 * it runs is all-or-nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  auth,
  send,
  spawnServer,
  tempDir,
  type RawResponse,
  type ServerProcess,
} from './process.ts';
import { multipart, tar, tarGz, zip } from './fixtures.ts';
import { packedBlobs, storedBlobs } from './helpers.ts';
import { DatabaseSync } from 'node:sqlite';

let dir: string;
let data: string;
let osTmp: string;
let server: ServerProcess;

before(async () => {
  dir = await tempDir('crash');
  data = join(dir, 'data');
  osTmp = join(dir, 'os-tmp');
  await mkdir(osTmp);
  server = await spawnServer(data, undefined, { tmpDir: osTmp });
});

after(async () => {
  await server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

const MiB = 2 ** 20;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Waits (polling) until `cond` holds; fails naming `what` if it never does. */
async function until(what: string, cond: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await sleep(25);
  }
  throw new Error(`gave up waiting until ${what}`);
}

async function tmpBytes(): Promise<number> {
  let n = 0;
  for (const f of await readdir(join(data, 'tmp'))) n += (await stat(join(data, 'tmp', f))).size;
  return n;
}

/** Every blob stored: files and rows of the pack (see helpers.ts storedBlobs). */
async function blobFiles(): Promise<string[]> {
  return storedBlobs(data);
}

/** Every file a repository lists (the storage API), as "path sha256". */
async function listing(repo: string): Promise<string[]> {
  const r = await send(`${server.url}/api/storage/${repo}?list&deep=1&listFolders=0`, {
    headers: auth(server.token),
  });
  if (r.status === 404) return [];
  assert.equal(r.status, 200, r.text());
  return (r.json() as { files: { uri: string; sha2: string }[] }).files
    .map((f) => `${f.uri} ${f.sha2}`)
    .sort();
}

interface Upload {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body: Buffer;
}

/**
 * Sends the first half of `u`'s body, waits until the server has it (staged bytes in tmp/, or
 * for bodies parsed in memory the request logged), kills the server with SIGKILL and starts it
 * again on the same data directory.
 */
async function crashMidBody(u: Upload, waitFor: 'staged' | 'logged'): Promise<void> {
  const req = httpRequest(`${server.url}${u.path}`, {
    method: u.method,
    headers: { ...auth(server.token), ...u.headers, 'content-length': String(u.body.length) },
  });
  req.on('error', () => {}); // the server dies under it
  req.write(u.body.subarray(0, Math.floor(u.body.length / 2)));
  try {
    if (waitFor === 'staged')
      await until(`part of ${u.path} is staged`, async () => (await tmpBytes()) > 0);
    else
      await until(`${u.path} reached the server`, () =>
        server
          .logs()
          .some((l) => l.includes('"incoming request"') && l.includes(`"url":"${u.path}"`)),
      );
    await restart();
  } finally {
    req.destroy();
  }
}

async function restart(): Promise<void> {
  await server.kill('SIGKILL');
  server = await spawnServer(data, undefined, { tmpDir: osTmp });
  assert.deepEqual(await readdir(join(data, 'tmp')), [], 'startup cleanup left no temporary file');
  assert.deepEqual(await readdir(osTmp), [], 'nothing was left in the system temporary directory');
}

async function complete(u: Upload): Promise<RawResponse> {
  return send(`${server.url}${u.path}`, {
    method: u.method,
    headers: { ...auth(server.token), ...u.headers },
    body: u.body,
  });
}

/** One write path: crash mid-body, check nothing is visible or left, then upload for real. */
async function probe(
  repo: string,
  u: Upload,
  waitFor: 'staged' | 'logged',
  expectStatus: number,
): Promise<void> {
  const filesBefore = await listing(repo);
  const blobsBefore = await blobFiles();
  await crashMidBody(u, waitFor);
  assert.deepEqual(await listing(repo), filesBefore, `${repo}: nothing partial is listed`);
  assert.deepEqual(await blobFiles(), blobsBefore, `${repo}: no blob was added`);
  const res = await complete(u);
  assert.equal(res.status, expectStatus, `${u.method} ${u.path} after the restart: ${res.text()}`);
  assert.ok((await listing(repo)).length > filesBefore.length, `${repo}: the upload is listed`);
}

const octet = { 'content-type': 'application/octet-stream' };

test('generic deploy', async () => {
  const body = randomBytes(4 * MiB);
  const u = { method: 'PUT', path: '/generic-staging/crash/file.bin', headers: octet, body };
  await probe('generic-staging', u, 'staged', 201);
  const back = await send(`${server.url}${u.path}`, { headers: auth(server.token) });
  assert.equal(sha256(back.body), sha256(body));
});

test('generic deploy of a small body (read into memory, not staged)', async () => {
  const body = randomBytes(48 * 1024);
  const u = { method: 'PUT', path: '/generic-staging/crash/small.bin', headers: octet, body };
  await probe('generic-staging', u, 'logged', 201);
  const back = await send(`${server.url}${u.path}`, { headers: auth(server.token) });
  assert.equal(sha256(back.body), sha256(body));
});

test('maven PUT', async () => {
  const u = {
    method: 'PUT',
    path: '/maven-local/com/acme/crash/1.0/crash-1.0.jar',
    headers: octet,
    body: randomBytes(4 * MiB),
  };
  await probe('maven-local', u, 'staged', 201);
});

test('npm publish', async () => {
  const tgz = randomBytes(4 * MiB);
  const body = Buffer.from(
    JSON.stringify({
      _id: 'crash-pkg',
      name: 'crash-pkg',
      'dist-tags': { latest: '1.0.0' },
      versions: {
        '1.0.0': {
          name: 'crash-pkg',
          version: '1.0.0',
          dist: {
            shasum: createHash('sha1').update(tgz).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
            tarball: 'http://localhost/crash-pkg/-/crash-pkg-1.0.0.tgz',
          },
        },
      },
      _attachments: { 'crash-pkg-1.0.0.tgz': { data: tgz.toString('base64'), length: tgz.length } },
    }),
  );
  const u = {
    method: 'PUT',
    path: '/api/npm/npm-local/crash-pkg',
    headers: { 'content-type': 'application/json' },
    body,
  };
  await probe('npm-local', u, 'logged', 201);
});

test('twine upload', async () => {
  const sdist = randomBytes(4 * MiB);
  const { body, contentType } = multipart(
    {
      ':action': 'file_upload',
      name: 'crash-pkg',
      version: '1.0',
      filetype: 'sdist',
      sha256_digest: sha256(sdist),
    },
    { field: 'content', filename: 'crash_pkg-1.0.tar.gz', data: sdist },
  );
  const u = {
    method: 'POST',
    path: '/api/pypi/pypi-local/',
    headers: { 'content-type': contentType },
    body,
  };
  await probe('pypi-local', u, 'staged', 200);
});

test('nuget push', async () => {
  const nuspec = Buffer.from(
    '<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">' +
      '<metadata><id>Crash</id><version>1.0.0</version><authors>me</authors><description>d</description></metadata></package>',
  );
  const body = zip([
    { name: 'Crash.nuspec', data: nuspec, method: 0, usize: nuspec.length, crc: crc32(nuspec) },
    { name: 'lib/big.bin', data: randomBytes(4 * MiB), method: 0, usize: 4 * MiB },
  ]);
  await probe(
    'nuget-local',
    { method: 'PUT', path: '/api/nuget/nuget-local/', headers: octet, body },
    'staged',
    201,
  );
});

test('helm upload', async () => {
  const body = tarGz({
    'crash/Chart.yaml': 'apiVersion: v2\nname: crash\nversion: 1.0.0\n',
    'crash/files/big.bin': randomBytes(4 * MiB),
  });
  const u = { method: 'PUT', path: '/api/helm/helm-local/crash-1.0.0.tgz', headers: octet, body };
  await probe('helm-local', u, 'staged', 201);
});

test('conda upload', async (t) => {
  const plain = tar({
    'info/index.json': JSON.stringify({
      name: 'crash',
      version: '1.0',
      build: '0',
      build_number: 0,
      subdir: 'noarch',
      depends: [],
    }),
    'big.bin': randomBytes(4 * MiB),
  });
  const bz = spawnSync('bzip2', ['-1', '-c'], { input: plain, maxBuffer: 64 * MiB });
  if (bz.status !== 0) {
    t.skip('no bzip2 command here (Debian package bzip2)');
    return;
  }
  const u = {
    method: 'PUT',
    path: '/api/conda/conda-local/noarch/crash-1.0-0.tar.bz2',
    headers: octet,
    body: bz.stdout,
  };
  await probe('conda-local', u, 'staged', 201);
});

test('cran upload', async () => {
  const body = tarGz({
    'crashpkg/DESCRIPTION': 'Package: crashpkg\nVersion: 1.0\nTitle: t\n',
    'crashpkg/big.bin': randomBytes(4 * MiB),
  });
  const u = {
    method: 'PUT',
    path: '/api/cran/cran-local/src/contrib/crashpkg_1.0.tar.gz',
    headers: octet,
    body,
  };
  await probe('cran-local', u, 'staged', 201);
});

test('go publish', async () => {
  const gomod = Buffer.from('module example.com/crash\n\ngo 1.19\n');
  const big = randomBytes(4 * MiB);
  const body = zip([
    {
      name: 'example.com/crash@v1.0.0/go.mod',
      data: gomod,
      method: 0,
      usize: gomod.length,
      crc: crc32(gomod),
    },
    {
      name: 'example.com/crash@v1.0.0/big.bin',
      data: big,
      method: 0,
      usize: big.length,
      crc: crc32(big),
    },
  ]);
  const u = {
    method: 'PUT',
    path: '/api/go/go-local/example.com/crash/@v/v1.0.0.zip',
    headers: octet,
    body,
  };
  await probe('go-local', u, 'staged', 201);
});

test('OCI chunked upload and manifest PUT', async () => {
  const name = '/v2/docker-local/crash';
  const start = await send(`${server.url}${name}/blobs/uploads/`, {
    method: 'POST',
    headers: auth(server.token),
  });
  assert.equal(start.status, 202, start.text());
  const location = new URL(String(start.headers.location), server.url);
  const layer = randomBytes(4 * MiB);
  const blobsBefore = await blobFiles();
  await crashMidBody(
    {
      method: 'PATCH',
      path: `${location.pathname}${location.search}`,
      headers: octet,
      body: layer,
    },
    'staged',
  );
  const gone = await send(location.href.replace(/^http:\/\/[^/]+/, server.url), {
    headers: auth(server.token),
  });
  assert.equal(gone.status, 404, 'the upload session did not survive the crash half-written');
  assert.deepEqual(await blobFiles(), blobsBefore);

  // Push the blobs whole, then crash in the middle of the manifest.
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  for (const b of [config, layer]) {
    const r = await send(`${server.url}${name}/blobs/uploads/?digest=sha256:${sha256(b)}`, {
      method: 'POST',
      headers: { ...auth(server.token), ...octet },
      body: b,
    });
    assert.equal(r.status, 201, r.text());
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${sha256(config)}`,
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: `sha256:${sha256(layer)}`,
          size: layer.length,
        },
      ],
      annotations: { padding: 'x'.repeat(64 * 1024) },
    }),
  );
  const put = {
    method: 'PUT',
    path: `${name}/manifests/v1`,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  };
  await crashMidBody(put, 'logged');
  const none = await send(`${server.url}${name}/manifests/v1`, {
    headers: { ...auth(server.token), accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(none.status, 404, 'no half manifest is served');
  const ok = await complete(put);
  assert.equal(ok.status, 201, ok.text());
  const back = await send(`${server.url}${name}/manifests/v1`, {
    headers: { ...auth(server.token), accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(back.status, 200);
  assert.deepEqual(back.body, manifest);
});

test('build-info PUT', async () => {
  const doc = Buffer.from(
    JSON.stringify({
      version: '1.0.1',
      name: 'crash',
      number: '1',
      started: '2026-11-29T10:00:00.000+0000',
      modules: [{ id: 'm', artifacts: [], properties: { padding: 'x'.repeat(MiB) } }],
    }),
  );
  const u = {
    method: 'PUT',
    path: '/api/build',
    headers: { 'content-type': 'application/json' },
    body: doc,
  };
  await crashMidBody(u, 'logged');
  const none = await send(`${server.url}/api/build/crash/1`, { headers: auth(server.token) });
  assert.equal(none.status, 404);
  const ok = await complete(u);
  assert.equal(ok.status, 204, ok.text());
  const back = await send(`${server.url}/api/build/crash/1`, { headers: auth(server.token) });
  assert.equal(back.status, 200);
});

test('a promotion killed while it runs is all-or-nothing', async (t) => {
  const n = 300;
  const h = { ...auth(server.token), ...octet };
  for (let i = 0; i < n; i++) {
    const r = await send(
      `${server.url}/generic-staging/promo/f${i}.txt;build.name=promo;build.number=1`,
      {
        method: 'PUT',
        headers: h,
        body: `file ${i}`,
      },
    );
    assert.equal(r.status, 201);
  }
  const bi = await send(`${server.url}/api/build`, {
    method: 'PUT',
    headers: { ...auth(server.token), 'content-type': 'application/json' },
    body: JSON.stringify({
      version: '1.0.1',
      name: 'promo',
      number: '1',
      started: '2026-11-29T10:00:00.000+0000',
      modules: [],
    }),
  });
  assert.equal(bi.status, 204, bi.text());
  const path = '/api/build/promote/promo/1';
  const req = httpRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...auth(server.token), 'content-type': 'application/json' },
  });
  req.on('error', () => {});
  req.end(JSON.stringify({ status: 'qa', targetRepo: 'generic-qa', ciUser: 'probe' }));
  await until('the promotion reached the server', () =>
    server.logs().some((l) => l.includes('"incoming request"') && l.includes(`"url":"${path}"`)),
  );
  await restart();

  const inQa = (await listing('generic-qa')).filter((f) => f.startsWith('/promo/')).length;
  const inStaging = (await listing('generic-staging')).filter((f) =>
    f.startsWith('/promo/'),
  ).length;
  const statuses = async (): Promise<string[]> => {
    const r = await send(`${server.url}/api/build/promo/1`, { headers: auth(server.token) });
    return (
      (r.json() as { buildInfo: { statuses?: { status: string }[] } }).buildInfo.statuses ?? []
    ).map((s) => s.status);
  };
  const now = await statuses();
  t.diagnostic(
    `after the kill: ${inQa} files in generic-qa, ${inStaging} in generic-staging, statuses ${JSON.stringify(now)}`,
  );
  if (inQa === n) {
    assert.equal(inStaging, 0, 'a finished promotion moved every file');
    assert.deepEqual(now, ['qa']);
  } else {
    assert.deepEqual([inQa, inStaging], [0, n], 'an interrupted promotion moved nothing');
    assert.deepEqual(now, []);
    const again = await send(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...auth(server.token), 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'qa', targetRepo: 'generic-qa', ciUser: 'probe' }),
    });
    assert.equal(again.status, 200, again.text());
    assert.equal((await listing('generic-qa')).filter((f) => f.startsWith('/promo/')).length, n);
    assert.deepEqual(await statuses(), ['qa']);
  }
});

test('small deploys killed mid-stream: every acknowledged one is there whole, nothing else', async () => {
  // 16 clients deploying small bodies (blobs/pack.db with SQLite metadata: group commits) when
  // the server is killed. Afterwards every 201 must read back byte for byte, every listed file
  // must have its content, and the pack must pass SQLite's integrity check.
  const h = { ...auth(server.token), ...octet };
  const acked = new Map<string, string>();
  let next = 0;
  let killed = false;
  const client = async (): Promise<void> => {
    while (!killed) {
      const i = next++;
      const body = randomBytes(512 + (i % 7) * 4096);
      const path = `/generic-staging/burst/f${i}.bin`;
      try {
        const r = await send(`${server.url}${path}`, { method: 'PUT', headers: h, body });
        if (r.status === 201) acked.set(path, sha256(body));
      } catch {
        return; // the server died under this request
      }
    }
  };
  const clients = Array.from({ length: 16 }, client);
  await until('a few hundred deploys were acknowledged', () => acked.size >= 300);
  killed = true;
  await server.kill('SIGKILL');
  await Promise.all(clients);
  const pack = join(data, 'blobs', 'pack.db');
  const db = new DatabaseSync(pack);
  try {
    const check = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    assert.deepEqual(
      check.map((r) => r.integrity_check),
      ['ok'],
    );
  } finally {
    db.close();
  }
  server = await spawnServer(data, undefined, { tmpDir: osTmp });
  for (const [path, digest] of acked) {
    const r = await send(`${server.url}${path}`, { headers: auth(server.token) });
    assert.equal(r.status, 200, `${path} was acknowledged before the kill`);
    assert.equal(sha256(r.body), digest, `${path} reads back whole`);
  }
  const listed = (await listing('generic-staging')).filter((f) => f.startsWith('/burst/'));
  assert.ok(listed.length >= acked.size, 'every acknowledged deploy is listed');
  const stored = new Set(await storedBlobs(data));
  for (const line of listed) {
    const digest = line.split(' ')[1]!;
    assert.ok(stored.has(digest), `${line}: its content is stored`);
  }
  assert.ok(packedBlobs(data).length >= acked.size, 'small bodies went into the pack');
});

/** CRC-32 (zip members that real zip readers, yauzl included, verify). */
function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
