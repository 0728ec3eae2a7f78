/**
 * A full disk: the server's data directory on an 8 MiB tmpfs mounted by the test (needs root and
 * a kernel that lets this process mount; skipped with the reason otherwise). An upload larger
 * than the free space answers 507 ERR_STORAGE_FULL, the log names ENOSPC, nothing partial stays
 * in tmp/ or blobs/, what was stored before is still served, and a small upload still works.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  auth,
  curlSend,
  errorCode,
  errorMessage,
  send,
  spawnServer,
  tempDir,
  type ServerProcess,
} from './process.ts';
import { storedBlobs as blobFiles } from './helpers.ts';

let dir: string;
let mnt: string;
let mounted = false;
let reason = '';
let server: ServerProcess | undefined;

before(async () => {
  dir = await tempDir('diskfull');
  mnt = join(dir, 'mnt');
  await mkdir(mnt);
  if (process.platform !== 'linux') reason = 'tmpfs mounts need Linux';
  else {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], {
      encoding: 'utf8',
    });
    if (r.status === 0) mounted = true;
    else
      reason = `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}): needs root or CAP_SYS_ADMIN`;
  }
  if (mounted) server = await spawnServer(join(mnt, 'data'));
});

after(async () => {
  await server?.kill('SIGTERM');
  if (mounted) spawnSync('umount', [mnt]);
  await rm(dir, { recursive: true, force: true });
});

test('an upload bigger than the free space answers 507 and leaves nothing behind', async (t) => {
  if (!server) {
    t.skip(reason);
    return;
  }
  const s = server;
  const data = join(mnt, 'data');
  const h = { ...auth(s.token), 'content-type': 'application/octet-stream' };
  const first = randomBytes(512 * 1024);
  const put1 = await send(`${s.url}/generic-staging/before.bin`, {
    method: 'PUT',
    headers: h,
    body: first,
  });
  assert.equal(put1.status, 201, put1.text());
  const blobsBefore = await blobFiles(data);

  // The generic deploy, a NuGet push and a Helm upload: each stages the body, and each hits ENOSPC.
  for (const [what, url] of [
    ['generic deploy', `${s.url}/generic-staging/too-big.bin`],
    ['nuget push', `${s.url}/api/nuget/nuget-local/`],
    ['helm upload', `${s.url}/api/helm/helm-local/big-1.0.0.tgz`],
  ] as const) {
    const res = await curlSend(url, {
      method: 'PUT',
      headers: h,
      body: randomBytes(16 * 1024 * 1024),
    });
    assert.equal(res.status, 507, `${what}: ${res.text()}`);
    assert.equal(errorCode(res), 'ERR_STORAGE_FULL', what);
    assert.match(
      errorMessage(res),
      /ran out of disk space \(ENOSPC\).*nothing was stored and no partial file is left/,
    );
    assert.deepEqual(await readdir(join(data, 'tmp')), [], `${what}: no temporary file left`);
  }
  assert.deepEqual(await blobFiles(data), blobsBefore, 'no new blob, partial or whole');
  assert.ok(
    s.logs().some((l) => l.includes('"code":"ENOSPC"') && l.includes('disk full')),
    'the log names ENOSPC',
  );

  // An OCI chunk that does not fit: 507 too, and the upload session keeps what it had.
  const start = await send(`${s.url}/v2/docker-local/app/blobs/uploads/`, {
    method: 'POST',
    headers: auth(s.token),
  });
  assert.equal(start.status, 202, start.text());
  const location = String(start.headers.location);
  const chunk = await curlSend(new URL(location, s.url).href, {
    method: 'PATCH',
    headers: h,
    body: randomBytes(16 * 1024 * 1024),
  });
  assert.equal(chunk.status, 507, chunk.text());

  const back = await send(`${s.url}/generic-staging/before.bin`, { headers: auth(s.token) });
  assert.equal(back.status, 200);
  assert.deepEqual(back.body, first);
  const missing = await send(`${s.url}/generic-staging/too-big.bin`, { headers: auth(s.token) });
  assert.equal(missing.status, 404);

  // A small body (read into memory, written whole at commit) that no longer fits: 507 as well.
  const filler = join(mnt, 'filler');
  const tmpBefore = await readdir(join(data, 'tmp')); // the OCI upload session's file stays
  const { bavail, bsize } = await statfs(mnt);
  await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));
  const tight = await send(`${s.url}/generic-staging/tight.bin`, {
    method: 'PUT',
    headers: h,
    body: randomBytes(60 * 1024),
  });
  assert.equal(tight.status, 507, tight.text());
  assert.equal(errorCode(tight), 'ERR_STORAGE_FULL');
  assert.deepEqual(
    await readdir(join(data, 'tmp')),
    tmpBefore,
    'small body: no temporary file left',
  );
  await rm(filler);
  const none = await send(`${s.url}/generic-staging/tight.bin`, { headers: auth(s.token) });
  assert.equal(none.status, 404);

  const small = await send(`${s.url}/generic-staging/after.bin`, {
    method: 'PUT',
    headers: h,
    body: randomBytes(64 * 1024),
  });
  assert.equal(small.status, 201, small.text());
});
