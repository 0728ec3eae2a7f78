// Loopback transfer benchmark: Stowage's generic deploy/download against nginx (WebDAV PUT,
// static GET) as the peer, same file, same client (curl), same run. Prints MB/s, the ratio to
// the peer, and the Stowage server's peak resident memory. Not a test: nothing here asserts.
//
//   npm run bench                      # 1 GiB
//   BENCH_SIZE_MB=256 npm run bench    # smaller
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { RepositoryClient } from '@stowage/core';

const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 1024);
const root = await mkdtemp(join(tmpdir(), 'stowage-bench-'));
const file = join(root, 'payload.bin');
const children: ChildProcess[] = [];

async function makePayload(): Promise<void> {
  const out = createWriteStream(file);
  const block = randomBytes(1024 * 1024);
  for (let i = 0; i < sizeMb; i++) {
    block.writeUInt32LE(i, 0); // every MiB differs
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

function curl(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('curl', ['-sS', '--fail', '-o', '/dev/null', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`curl ${args.join(' ')} failed`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function startStowage(): Promise<{ url: string; token: string; pid: number }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'serve-child.ts'), join(root, 'stowage-data')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const rl = createInterface({ input: child.stdout! });
  const [line] = (await once(rl, 'line')) as [string];
  return JSON.parse(line) as { url: string; token: string; pid: number };
}

async function startNginx(): Promise<string | undefined> {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(
    (p) => spawnSync(p, ['-v']).status === 0,
  );
  if (!nginx) return undefined;
  const dir = join(root, 'nginx');
  await mkdir(join(dir, 'www'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true });
  const port = 18000 + Math.floor(Math.random() * 1000);
  await writeFile(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root; ' : ''}daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http { access_log off; sendfile on; client_max_body_size 0; client_body_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:${port}; root ${dir}/www; dav_methods PUT; create_full_put_path on; } }\n`,
  );
  const child = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  children.push(child);
  for (let i = 0; i < 50; i++) {
    if (spawnSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]).status === 0)
      return `http://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not start');
}

try {
  console.log(`payload: ${sizeMb} MiB of random bytes`);
  await makePayload();
  const mb = sizeMb * 1.048576;
  const rows: { what: string; seconds: number; mbps: number; peer?: number }[] = [];

  const s = await startStowage();
  const auth = ['-H', `Authorization: Bearer ${s.token}`];
  const up = curl([...auth, '-T', file, `${s.url}/generic-staging/bench/payload.bin`]);
  const down = curl([...auth, `${s.url}/generic-staging/bench/payload.bin`]);
  const client = new RepositoryClient({ url: s.url, token: s.token });
  let t0 = process.hrtime.bigint();
  await client.upload({ repo: 'generic-staging', path: 'bench/client.bin', file });
  const clientUp = Number(process.hrtime.bigint() - t0) / 1e9;
  t0 = process.hrtime.bigint();
  await client.download({
    repo: 'generic-staging',
    path: 'bench/client.bin',
    dest: join(root, 'back.bin'),
  });
  const clientDown = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = await peakRssMb(s.pid);

  const peer = await startNginx();
  let peerUp: number | undefined;
  let peerDown: number | undefined;
  if (peer) {
    peerUp = curl(['-T', file, `${peer}/bench/payload.bin`]);
    peerDown = curl([`${peer}/bench/payload.bin`]);
  } else {
    console.log('nginx not installed (apt-get install nginx-light): no peer column');
  }
  rows.push({
    what: 'upload (curl PUT)',
    seconds: up,
    mbps: mb / up,
    ...(peerUp ? { peer: mb / peerUp } : {}),
  });
  rows.push({
    what: 'download (curl GET)',
    seconds: down,
    mbps: mb / down,
    ...(peerDown ? { peer: mb / peerDown } : {}),
  });
  rows.push({
    what: 'upload (core client: hash + checksum deploy attempt + PUT)',
    seconds: clientUp,
    mbps: mb / clientUp,
  });
  rows.push({
    what: 'download (core client: stream + verify + rename)',
    seconds: clientDown,
    mbps: mb / clientDown,
  });

  console.log('');
  console.log('| transfer | Stowage MB/s | nginx MB/s | Stowage / nginx |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r.peer ? (r.mbps / r.peer).toFixed(2) : '-';
    console.log(
      `| ${r.what} | ${r.mbps.toFixed(0)} | ${r.peer ? r.peer.toFixed(0) : '-'} | ${ratio} |`,
    );
  }
  console.log(
    `\nStowage server peak RSS during the run: ${rss.toFixed(0)} MiB (payload ${sizeMb} MiB)`,
  );
  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(
    join(
      import.meta.dirname,
      'results',
      `transfer-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.json`,
    ),
    JSON.stringify({ sizeMb, rows, stowagePeakRssMb: rss, node: process.version }, null, 2),
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await rm(root, { recursive: true, force: true });
}
