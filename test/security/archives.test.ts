/**
 * Archive bombs against a real server process: each is refused with 413 ERR_ARCHIVE_LIMIT naming
 * the cap it broke, while a ping loop running the whole time gets every answer. The server's CPU
 * time and peak RSS for each refusal are printed as diagnostics (not asserted: no timings here).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, deflateRawSync, gzipSync } from 'node:zlib';
import {
  auth,
  errorCode,
  errorMessage,
  send,
  spawnServer,
  tempDir,
  whilePinging,
  type RawResponse,
  type ServerProcess,
} from './process.ts';
import { header, member, zip } from './fixtures.ts';

let server: ServerProcess;
let dir: string;

before(async () => {
  dir = await tempDir('archives');
  server = await spawnServer(join(dir, 'data'));
});

after(async () => {
  await server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

/** CPU seconds (user + system) the server process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function refused(
  t: { diagnostic(msg: string): void },
  what: string,
  upload: () => Promise<RawResponse>,
): Promise<RawResponse> {
  const cpu0 = await cpuSeconds(server.pid);
  const { result, pings, failures } = await whilePinging(server.url, upload);
  const cpu = (await cpuSeconds(server.pid)) - cpu0;
  t.diagnostic(
    `${what}: ${result.status} ${errorCode(result) ?? ''} after ${cpu.toFixed(2)} s of server CPU ` +
      `(upload included); peak RSS ${Math.round((await server.peakRss()) / 2 ** 20)} MiB; ${pings} pings answered meanwhile`,
  );
  assert.deepEqual(failures, [], 'every ping during the inspection was answered with 200');
  assert.ok(pings > 0);
  return result;
}

async function noTempLeft(): Promise<void> {
  assert.deepEqual(await readdir(join(server.dataDir, 'tmp')), [], 'no staged upload left in tmp/');
}

test('a gzip bomb as a Helm chart is refused by the ratio cap', async (t) => {
  // A tar whose first member claims 512 MiB of zeros, before Chart.yaml.
  const big = 512 * 2 ** 20;
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((r) => gz.on('end', r));
  gz.write(header('bomb/zeros', big));
  const zeros = Buffer.alloc(4 * 2 ** 20);
  for (let i = 0; i < big / zeros.length; i++) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end(
    Buffer.concat(
      member('bomb/Chart.yaml', Buffer.from('apiVersion: v2\nname: bomb\nversion: 1.0.0\n')),
    ),
  );
  await ended;
  const body = Buffer.concat(parts);
  const res = await refused(t, `gzip bomb (${body.length} bytes)`, () =>
    send(`${server.url}/api/helm/helm-local/bomb-1.0.0.tgz`, {
      method: 'PUT',
      headers: { ...auth(server.token), 'content-type': 'application/gzip' },
      body,
    }),
  );
  assert.equal(res.status, 413);
  assert.equal(errorCode(res), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(res), /expands more than 200 times.*limits\.archive\.ratio/);
  await noTempLeft();
  const gone = await send(`${server.url}/api/helm/helm-local/bomb-1.0.0.tgz`, {
    headers: auth(server.token),
  });
  assert.equal(gone.status, 404);
});

test('a bzip2 bomb as a Conda .tar.bz2 is refused after a few blocks, off the event loop', async (t) => {
  const bzip = (data: Buffer): Buffer | undefined => {
    const r = spawnSync('bzip2', ['-9', '-c'], { input: data, maxBuffer: 64 * 2 ** 20 });
    return r.status === 0 ? r.stdout : undefined;
  };
  const zeros = Buffer.alloc(16 * 2 ** 20);
  const head = bzip(Buffer.concat([header('info/zeros', 4 * 2 ** 30), zeros]));
  const more = bzip(zeros);
  if (!head || !more) {
    t.skip('no bzip2 command here (Debian package bzip2)');
    return;
  }
  // Concatenated bzip2 streams: 4 GiB of zeros from a few kB.
  const body = Buffer.concat([head, ...Array.from({ length: 255 }, () => more)]);
  const res = await refused(t, `bzip2 bomb (${body.length} bytes for 4 GiB)`, () =>
    send(`${server.url}/api/conda/conda-local/noarch/bomb-1.0-0.tar.bz2`, {
      method: 'PUT',
      headers: { ...auth(server.token), 'content-type': 'application/x-tar' },
      body,
    }),
  );
  assert.equal(res.status, 413);
  assert.equal(errorCode(res), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(res), /an archive bomb/);
  await noTempLeft();
});

const pushNupkg = (body: Buffer): Promise<RawResponse> =>
  send(`${server.url}/api/nuget/nuget-local/`, {
    method: 'PUT',
    headers: { ...auth(server.token), 'content-type': 'application/octet-stream' },
    body,
  });

test('a zip bomb as a .nupkg: a high-ratio .nuspec, a lying directory and 150,000 entries are each refused', async (t) => {
  // 12 MiB of zeros deflated to ~12 kB: under the 16 MiB member cap, far over the 200x ratio.
  const zeros = Buffer.alloc(12 * 2 ** 20);
  const ratio = await refused(t, 'zip member with ratio ~1000', () =>
    pushNupkg(
      zip([
        {
          name: 'bomb.nuspec',
          data: deflateRawSync(zeros, { level: 9 }),
          method: 8,
          usize: zeros.length,
        },
      ]),
    ),
  );
  assert.equal(ratio.status, 413);
  assert.equal(errorCode(ratio), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(ratio), /bomb\.nuspec expands more than 200 times/);

  // The directory says 100 bytes; the deflate stream holds 12 MiB.
  const lying = await refused(t, 'zip member larger than its directory says', () =>
    pushNupkg(zip([{ name: 'bomb.nuspec', data: deflateRawSync(zeros), method: 8, usize: 100 }])),
  );
  assert.equal(lying.status, 413);
  assert.equal(errorCode(lying), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(lying), /more than the 100 bytes its directory declares/);

  const many = Array.from({ length: 150_000 }, (_, i) => ({
    name: `lib/f${i}.txt`,
    data: Buffer.alloc(0),
    method: 0 as const,
    usize: 0,
  }));
  many.push({ name: 'many.nuspec', data: Buffer.from('<package/>'), method: 0, usize: 10 });
  const entries = await refused(t, 'zip with 150,001 entries', () => pushNupkg(zip(many)));
  assert.equal(entries.status, 413);
  assert.equal(errorCode(entries), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(entries), /more than 100000 entries.*limits\.archive\.entries/);
  await noTempLeft();
});

test('a CRAN source tarball with 1,000,000 tiny entries is refused by the entry cap', async (t) => {
  // Random names keep the ratio realistic (~10x), so the entry count is what trips.
  const gz = createGzip({ level: 1 });
  const src = Readable.from(
    (function* () {
      const batch: Buffer[] = [];
      for (let i = 0; i < 1_000_000; i++) {
        batch.push(header(`many/${randomBytes(40).toString('hex')}`, 0));
        if (batch.length === 4096) yield Buffer.concat(batch.splice(0));
      }
      batch.push(...member('many/DESCRIPTION', Buffer.from('Package: many\nVersion: 1.0\n')));
      batch.push(Buffer.alloc(1024));
      yield Buffer.concat(batch);
    })(),
  );
  const parts: Buffer[] = [];
  for await (const c of src.pipe(gz)) parts.push(c as Buffer);
  const body = Buffer.concat(parts);
  const res = await refused(t, `tar.gz with 1e6 entries (${body.length} bytes)`, () =>
    send(`${server.url}/api/cran/cran-local/src/contrib/many_1.0.tar.gz`, {
      method: 'PUT',
      headers: { ...auth(server.token), 'content-type': 'application/gzip' },
      body,
    }),
  );
  assert.equal(res.status, 413);
  assert.equal(errorCode(res), 'ERR_ARCHIVE_LIMIT');
  assert.match(errorMessage(res), /more than 100000 entries/);
  await noTempLeft();
});

test('after the bombs an ordinary chart still uploads', async () => {
  const chart = gzipSync(
    Buffer.concat([
      ...member('fine/Chart.yaml', Buffer.from('apiVersion: v2\nname: fine\nversion: 1.0.0\n')),
      Buffer.alloc(1024),
    ]),
  );
  const res = await send(`${server.url}/api/helm/helm-local/fine-1.0.0.tgz`, {
    method: 'PUT',
    headers: { ...auth(server.token), 'content-type': 'application/gzip' },
    body: chart,
  });
  assert.ok(res.status === 200 || res.status === 201, `${res.status} ${res.text()}`);
  const back = await send(`${server.url}/api/helm/helm-local/fine-1.0.0.tgz`, {
    headers: auth(server.token),
  });
  assert.equal(back.status, 200);
  assert.deepEqual(back.body, chart);
});
