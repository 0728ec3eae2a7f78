// Loopback blob transfer benchmark: Stowage's OCI registry against the CNCF distribution
// registry (`docker-registry`), same blob, same client (curl), same run. Three ways a client
// moves a layer: monolithic upload (POST → PUT ?digest= with the body), streamed chunk (POST →
// PATCH with the body → PUT ?digest=, what skopeo does), and GET. Prints MB/s per server and the
// ratio. Not a test: nothing here asserts.
//
//   node bench/docker.ts                       # 200 MiB
//   BENCH_SIZE_MB=64 node bench/docker.ts
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@stowage/server';

const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const root = await mkdtemp(join(tmpdir(), 'stowage-bench-docker-'));
const children: ChildProcess[] = [];
const run = promisify(execFile);

async function payload(i: number): Promise<{ file: string; digest: string }> {
  const file = join(root, `blob-${i}.bin`);
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  const block = randomBytes(1024 * 1024);
  for (let m = 0; m < sizeMb; m++) {
    block.writeUInt32LE(m, 0);
    block.writeUInt32LE(i, 4); // every round's blob differs, so no upload is deduplicated away
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { file, digest: `sha256:${hash.digest('hex')}` };
}

/** Runs curl (asynchronously: the Stowage server runs in this process); seconds and headers. */
async function curl(args: string[]): Promise<{ secs: number; headers: string }> {
  const t0 = process.hrtime.bigint();
  try {
    const { stdout } = await run('curl', ['-sS', '--fail', '-D', '-', '-o', '/dev/null', ...args], {
      maxBuffer: 1024 * 1024,
    });
    return { secs: Number(process.hrtime.bigint() - t0) / 1e9, headers: stdout };
  } catch (err) {
    throw new Error(`curl ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr}`, {
      cause: err,
    });
  }
}

function location(headers: string, base: string): string {
  const m = /^location:\s*(\S+)/im.exec(headers);
  if (!m?.[1]) throw new Error(`no Location in\n${headers}`);
  return new URL(m[1], base).toString();
}

const withDigest = (url: string, digest: string): string =>
  `${url}${url.includes('?') ? '&' : '?'}digest=${digest}`;

interface Target {
  name: string;
  base: string;
  repo: string;
  auth: string[];
}

async function monolithic(t: Target, blob: { file: string; digest: string }): Promise<number> {
  const t0 = process.hrtime.bigint();
  const start = await curl([...t.auth, '-X', 'POST', `${t.base}/v2/${t.repo}/blobs/uploads/`]);
  const put = location(start.headers, t.base);
  await curl([
    ...t.auth,
    '-X',
    'PUT',
    '-H',
    'content-type: application/octet-stream',
    '--data-binary',
    `@${blob.file}`,
    withDigest(put, blob.digest),
  ]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function streamed(t: Target, blob: { file: string; digest: string }): Promise<number> {
  const t0 = process.hrtime.bigint();
  const start = await curl([...t.auth, '-X', 'POST', `${t.base}/v2/${t.repo}/blobs/uploads/`]);
  const patch = await curl([
    ...t.auth,
    '-X',
    'PATCH',
    '-H',
    'content-type: application/octet-stream',
    '-T',
    blob.file,
    location(start.headers, t.base),
  ]);
  await curl([...t.auth, '-X', 'PUT', withDigest(location(patch.headers, t.base), blob.digest)]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function pull(t: Target, blob: { digest: string }): Promise<number> {
  return (await curl([...t.auth, `${t.base}/v2/${t.repo}/blobs/${blob.digest}`])).secs;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const addr = s.address();
  s.close();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

async function startCncf(): Promise<string | undefined> {
  if (spawnSync('/usr/bin/docker-registry', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const cfg = join(root, 'registry.yml');
  await writeFile(
    cfg,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, 'registry')}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  children.push(spawn('/usr/bin/docker-registry', ['serve', cfg], { stdio: 'ignore' }));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/v2/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return base;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('docker-registry did not start');
}

const mbps = (secs: number): number => sizeMb / secs;

try {
  await mkdir(root, { recursive: true });
  const stowage = await startServer({
    dataDir: join(root, 'stowage'),
    port: 0,
    logger: false,
    config: {
      stages: [{ name: 'staged', repo: 'generic-staging' }],
      repositories: [{ key: 'generic-staging' }, { key: 'docker-local', packageType: 'docker' }],
    },
  });
  const targets: Target[] = [
    {
      name: 'stowage',
      base: stowage.url,
      repo: 'docker-local/bench',
      auth: ['-u', `bench:${stowage.adminToken}`],
    },
  ];
  const cncf = await startCncf();
  if (cncf) targets.push({ name: 'cncf-registry', base: cncf, repo: 'bench', auth: [] });
  else console.log('docker-registry not installed: Stowage only (apt-get install docker-registry)');

  const rows: Record<string, Record<string, number>> = {};
  for (const t of targets) rows[t.name] = { monolithicPush: 0, streamedPush: 0, pull: 0 };
  for (let r = 0; r < rounds; r++) {
    const a = await payload(r * 2);
    const b = await payload(r * 2 + 1);
    for (const t of targets) {
      const row = rows[t.name] ?? {};
      row.monolithicPush = Math.max(row.monolithicPush ?? 0, mbps(await monolithic(t, a)));
      row.streamedPush = Math.max(row.streamedPush ?? 0, mbps(await streamed(t, b)));
      row.pull = Math.max(row.pull ?? 0, mbps(await pull(t, a)));
    }
    await rm(a.file);
    await rm(b.file);
  }
  console.log(`\nBlob transfer on loopback, ${sizeMb} MiB, best of ${rounds} (MB/s):`);
  console.log('server            monolithic push   streamed push   pull');
  for (const [name, row] of Object.entries(rows)) {
    console.log(
      `${name.padEnd(18)}${(row.monolithicPush ?? 0).toFixed(0).padStart(15)}${(row.streamedPush ?? 0).toFixed(0).padStart(16)}${(row.pull ?? 0).toFixed(0).padStart(7)}`,
    );
  }
  const s = rows.stowage;
  const c = rows['cncf-registry'];
  if (s && c) {
    console.log(
      `stowage / cncf:   ${((s.monolithicPush ?? 0) / (c.monolithicPush ?? 1)).toFixed(2).padStart(15)}${((s.streamedPush ?? 0) / (c.streamedPush ?? 1)).toFixed(2).padStart(16)}${((s.pull ?? 0) / (c.pull ?? 1)).toFixed(2).padStart(7)}`,
    );
  }
  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(
    join(
      import.meta.dirname,
      'results',
      `docker-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.json`,
    ),
    JSON.stringify({ sizeMb, rounds, rows, node: process.version }, null, 2),
  );
  await stowage.close();
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await rm(root, { recursive: true, force: true });
}
