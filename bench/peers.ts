// Stowage next to the servers its users would pick instead, on loopback, in one run: nginx
// (static files with sendfile, WebDAV PUT), the CNCF distribution registry (`docker-registry`,
// filesystem storage) and Verdaccio (when installed); and, to tell what Node itself costs, a
// bare `node:http` server doing only what nginx does (bench/bare-node.ts). Rounds are
// interleaved (Stowage and its peers take turns, the order flipping every round) and every
// figure is the median of the per-round ratios, with the smallest and largest beside it. Not a
// test: nothing asserts.
//
//   npm run bench
//   BENCH_BIG_MB=1024 BENCH_SMALL_N=10000 BENCH_ROUNDS=5 npm run bench   # the sizes
//
// Knobs: BENCH_BIG_MB (256), BENCH_PAR (64) × BENCH_PAR_MB (10), BENCH_SMALL_N (1000 × 1 KiB),
// BENCH_CLIENTS (16), BENCH_LOAD_S (3 s per requests/s figure), BENCH_ROUNDS (3),
// BENCH_TARBALL_KB (58), BENCH_VERSIONS (30 versions in the packument).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { loadGets, smallPuts as smallPutsFrom } from './load.ts';
import { npmDist, publishNpmVersion, spawnStowage, type StowageServer } from './stowage.ts';

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const BIG_MB = env('BENCH_BIG_MB', 256);
const PAR = env('BENCH_PAR', 64);
const PAR_MB = env('BENCH_PAR_MB', 10);
const SMALL_N = env('BENCH_SMALL_N', 1000);
const CLIENTS = env('BENCH_CLIENTS', 16);
const LOAD_S = env('BENCH_LOAD_S', 3);
const ROUNDS = env('BENCH_ROUNDS', 3);
const TARBALL_KB = env('BENCH_TARBALL_KB', 58);
const VERSIONS = env('BENCH_VERSIONS', 30);

/** The column of the bare Node server (bench/bare-node.ts): what Node itself does here. */
const BARE = 'bare node:http';

const root = await mkdtemp(join(tmpdir(), 'stowage-peers-'));
const children: ChildProcess[] = [];
const repoRoot = join(import.meta.dirname, '..');

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

async function waitFor(url: string, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await request(url);
      await res.body.dump();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not start (${url})`);
}

async function makeFile(path: string, mib: number): Promise<string> {
  const out = createWriteStream(path);
  const block = randomBytes(1024 * 1024);
  const h = createHash('sha256');
  for (let i = 0; i < mib; i++) {
    block.writeUInt32LE(i, 0);
    block.writeUInt32LE(Math.floor(Math.random() * 2 ** 32), 4);
    h.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return h.digest('hex');
}

/** Runs curl; returns wall seconds. */
async function curl(args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const child = spawn('curl', ['-sS', '--fail', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`curl ${args.slice(-1).join(' ')} failed: ${err}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Requests per second for GETs of `url` over CLIENTS keep-alive connections for LOAD_S. */
async function load(url: string, headers: Record<string, string>): Promise<number> {
  return (await loadGets(url, headers, { clients: CLIENTS, seconds: LOAD_S })).rate;
}

/** SMALL_N PUTs of 1 KiB bodies from CLIENTS clients; returns deploys per second. */
function smallPuts(urlOf: (i: number) => string, headers: Record<string, string>): Promise<number> {
  return smallPutsFrom(urlOf, headers, { clients: CLIENTS, count: SMALL_N });
}

async function procStatus(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Forgets a process's peak RSS (Linux ≥ 4.0), so VmHWM afterwards is the peak of what follows. */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
}

// --- the servers -------------------------------------------------------------------------

async function startStowage(): Promise<StowageServer> {
  const { child, server } = await spawnStowage({ dir: root, data: join(root, 'stowage-data') });
  children.push(child);
  return server;
}

async function startNginx(): Promise<{ url: string; www: string; pid: number }> {
  const dir = join(root, 'nginx');
  const www = join(dir, 'www');
  for (const d of ['www', 'client', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    await mkdir(join(dir, d), { recursive: true });
  const port = await freePort();
  await writeFile(
    join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_max_body_size 0; client_body_temp_path ${dir}/client;
  proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { application/json json; application/octet-stream bin tgz; }
  server { listen 127.0.0.1:${port}; root ${www}; dav_methods PUT; create_full_put_path on; }
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], {
    stdio: 'inherit',
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, 'nginx');
  // The worker serves; its pid is the master's child.
  const kids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
  return { url, www, pid: Number(kids.split('\n')[0] || child.pid) };
}

/** A bare `node:http` server on the same files as nginx (bench/bare-node.ts). */
async function startBareNode(): Promise<{ url: string; www: string; pid: number }> {
  const www = join(root, 'bare-node', 'www');
  await mkdir(www, { recursive: true });
  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-node.ts'), www], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { url, pid } = JSON.parse(line) as { url: string; pid: number };
  return { url, www, pid };
}

async function startRegistry(): Promise<{ url: string; pid: number } | undefined> {
  if (!existsSync('/usr/bin/docker-registry')) return undefined;
  const dir = join(root, 'registry');
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  await writeFile(
    join(dir, 'config.yml'),
    `version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }
http: { addr: 127.0.0.1:${port} }
`,
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v2/`, 'docker-registry');
  return { url, pid: child.pid! };
}

async function startVerdaccio(storage: string): Promise<{ url: string; pid: number } | undefined> {
  const bin = join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (!existsSync(bin)) return undefined;
  const port = await freePort();
  const cfg = join(root, 'verdaccio.yaml');
  await writeFile(
    cfg,
    `storage: ${storage}
uplinks: {}
packages:
  '**': { access: $all, publish: $all }
logs: { type: stdout, format: json, level: error }
listen: 127.0.0.1:${port}
web: { enable: false }
`,
  );
  const child = spawn(process.execPath, [bin, '--config', cfg], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ping`, 'verdaccio');
  return { url, pid: child.pid! };
}

// --- fixtures ----------------------------------------------------------------------------

const PKG = 'bench-pkg';

/** A real npm tarball of about TARBALL_KB (incompressible content) and its dist fields. */
async function makeTarball(version: string): Promise<{ file: string; data: Buffer; dist: object }> {
  const dir = join(root, `pkg-${version}`);
  await mkdir(join(dir, 'package'), { recursive: true });
  await writeFile(
    join(dir, 'package', 'package.json'),
    JSON.stringify({ name: PKG, version, description: 'benchmark package' }),
  );
  await writeFile(join(dir, 'package', 'blob.bin'), randomBytes(TARBALL_KB * 1024));
  const file = join(root, `${PKG}-${version}.tgz`);
  const r = spawnSync('tar', ['-czf', file, '-C', dir, 'package']);
  if (r.status !== 0) throw new Error('tar failed');
  const data = await readFile(file);
  return { file, data, dist: npmDist(data) };
}

async function ok(
  res: Promise<{ statusCode: number; body: { text(): Promise<string> } }>,
  what: string,
): Promise<string> {
  const r = await res;
  const text = await r.body.text();
  if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${text.slice(0, 300)}`);
  return text;
}

// --- figures -----------------------------------------------------------------------------

interface Figure {
  name: string;
  unit: string;
  /** Per round: Stowage's value and each peer's, higher is better. */
  rounds: { stowage: number; peers: Record<string, number> }[];
}
const figures = new Map<string, Figure>();
function record(name: string, unit: string, stowage: number, peers: Record<string, number>): void {
  let f = figures.get(name);
  if (!f) figures.set(name, (f = { name, unit, rounds: [] }));
  f.rounds.push({ stowage, peers });
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs `fns` in order on even rounds and reversed on odd ones. */
async function turns<T>(round: number, fns: (() => Promise<T>)[]): Promise<T[]> {
  const order = fns.map((_, i) => i);
  if (round % 2) order.reverse();
  const out: T[] = new Array(fns.length);
  for (const i of order) out[i] = await fns[i]!();
  return out;
}

try {
  log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  log(`fixtures: ${BIG_MB} MiB file, ${PAR} × ${PAR_MB} MiB, ${TARBALL_KB} KB tarball …`);
  const big = join(root, 'big.bin');
  const bigSha = await makeFile(big, BIG_MB);
  const par = join(root, 'par.bin');
  await makeFile(par, PAR_MB);
  const versions = Array.from({ length: VERSIONS }, (_, i) => `1.0.${i}`);
  const latest = versions.at(-1)!;
  const tarballs = new Map<string, Awaited<ReturnType<typeof makeTarball>>>();
  for (const v of versions) tarballs.set(v, await makeTarball(v));

  const [s, nginx, registry, bare] = await Promise.all([
    startStowage(),
    startNginx(),
    startRegistry(),
    startBareNode(),
  ]);
  const auth = { authorization: `Bearer ${s.token}` };
  const authArgs = ['-H', `Authorization: Bearer ${s.token}`];

  // Stowage: the files, and the package published version by version through the npm API.
  await curl([...authArgs, '-T', par, '-o', '/dev/null', `${s.url}/generic-local/par.bin`]);
  await curl([...authArgs, '-T', big, '-o', '/dev/null', `${s.url}/generic-local/big.bin`]);
  for (const v of versions)
    await publishNpmVersion(s, PKG, v, tarballs.get(v)!.data, 'benchmark package');
  const abbreviated = { ...auth, accept: 'application/vnd.npm.install-v1+json' };
  const stowPackument = `${s.url}/api/npm/npm-local/${PKG}`;
  const packumentBytes = await ok(request(stowPackument, { headers: abbreviated }), 'packument');
  const stowTarball = `${stowPackument}/-/${PKG}-${latest}.tgz`;

  // nginx: the same bytes as static files.
  await copyFile(big, join(nginx.www, 'big.bin'));
  await copyFile(par, join(nginx.www, 'par.bin'));
  await writeFile(join(nginx.www, 'packument.json'), packumentBytes);
  await copyFile(tarballs.get(latest)!.file, join(nginx.www, 'pkg.tgz'));
  // The bare Node server: the same files.
  await copyFile(big, join(bare.www, 'big.bin'));
  await writeFile(join(bare.www, 'packument.json'), packumentBytes);
  await copyFile(tarballs.get(latest)!.file, join(bare.www, 'pkg.tgz'));

  // The registry: both files as blobs of one repository.
  const blobUrl = new Map<string, string>();
  if (registry) {
    for (const [name, file] of [
      ['big', big],
      ['par', par],
    ] as const) {
      const digest = createHash('sha256');
      for await (const c of createReadStream(file)) digest.update(c as Buffer);
      const d = `sha256:${digest.digest('hex')}`;
      const res = await request(`${registry.url}/v2/bench/blobs/uploads/`, { method: 'POST' });
      await res.body.dump();
      const loc = new URL(String(res.headers.location), registry.url);
      loc.searchParams.set('digest', d);
      await curl(['-T', file, '-o', '/dev/null', loc.toString()]);
      blobUrl.set(name, `${registry.url}/v2/bench/blobs/${d}`);
    }
  }

  // Verdaccio: its storage layout filled with the same package (no publish step needed).
  const vstore = join(root, 'verdaccio-storage');
  await mkdir(join(vstore, PKG), { recursive: true });
  const verdaccio = await startVerdaccio(vstore);
  if (verdaccio) {
    const doc = {
      _id: PKG,
      name: PKG,
      'dist-tags': { latest },
      versions: Object.fromEntries(
        versions.map((v) => [
          v,
          {
            name: PKG,
            version: v,
            description: 'benchmark package',
            dist: {
              ...tarballs.get(v)!.dist,
              tarball: `${verdaccio.url}/${PKG}/-/${PKG}-${v}.tgz`,
            },
          },
        ]),
      ),
      time: Object.fromEntries(versions.map((v) => [v, new Date().toISOString()])),
      _attachments: {},
      _distfiles: {},
      _uplinks: {},
      _rev: '1-0',
    };
    await writeFile(join(vstore, PKG, 'package.json'), JSON.stringify(doc));
    for (const v of versions)
      await copyFile(tarballs.get(v)!.file, join(vstore, PKG, `${PKG}-${v}.tgz`));
    await ok(request(`${verdaccio.url}/${PKG}`), 'verdaccio packument');
  } else {
    log('Verdaccio is not installed (npm i -D verdaccio): its columns are left out');
  }

  // Every server reads its large files once before the rounds, so each timed GET reads them
  // from the page cache: Stowage writes large uploads past it (O_DIRECT), the peers through it.
  await curl([...authArgs, '-o', '/dev/null', `${s.url}/generic-local/big.bin`]);
  await curl([...authArgs, '-o', '/dev/null', `${s.url}/generic-local/par.bin`]);
  await curl(['-o', '/dev/null', `${nginx.url}/big.bin`]);
  await curl(['-o', '/dev/null', `${nginx.url}/par.bin`]);
  await curl(['-o', '/dev/null', `${bare.url}/big.bin`]);
  if (registry) for (const url of blobUrl.values()) await curl(['-L', '-o', '/dev/null', url]);

  const mib = (n: number, secs: number): number => (n * 1.048576) / secs;
  for (let round = 0; round < ROUNDS; round++) {
    log(`round ${round + 1}/${ROUNDS} (load ${loadavg()[0]!.toFixed(1)})`);
    const tag = `r${round}`;

    // Large GET.
    const [g1, g2, g3, g4] = await turns(round, [
      () => curl([...authArgs, '-o', '/dev/null', `${s.url}/generic-local/big.bin`]),
      () => curl(['-o', '/dev/null', `${nginx.url}/big.bin`]),
      () =>
        registry
          ? curl(['-L', '-o', '/dev/null', blobUrl.get('big')!])
          : Promise.resolve(Number.NaN),
      () => curl(['-o', '/dev/null', `${bare.url}/big.bin`]),
    ]);
    record(`${BIG_MB} MiB GET`, 'MB/s', mib(BIG_MB, g1!), {
      nginx: mib(BIG_MB, g2!),
      ...(registry ? { 'CNCF registry': mib(BIG_MB, g3!) } : {}),
      [BARE]: mib(BIG_MB, g4!),
    });

    // Large PUT with a checksum (Stowage verifies it before the file is visible).
    await resetPeak(s.pid);
    const [p1, p2, p3] = await turns(round, [
      () =>
        curl([
          ...authArgs,
          '-H',
          `X-Checksum-Sha256: ${bigSha}`,
          '-T',
          big,
          '-o',
          '/dev/null',
          `${s.url}/generic-local/put-${tag}.bin`,
        ]),
      () => curl(['-T', big, '-o', '/dev/null', `${nginx.url}/put-${tag}.bin`]),
      () => curl(['-T', big, '-o', '/dev/null', `${bare.url}/put-${tag}.bin`]),
    ]);
    const streamRss = await procStatus(s.pid, 'VmHWM');
    record(`${BIG_MB} MiB PUT with checksum`, 'MB/s', mib(BIG_MB, p1!), {
      'nginx (WebDAV PUT)': mib(BIG_MB, p2!),
      [`${BARE} (no checksum)`]: mib(BIG_MB, p3!),
    });
    await rm(join(nginx.www, `put-${tag}.bin`), { force: true });
    await rm(join(bare.www, `put-${tag}.bin`), { force: true });

    // Parallel GETs, with each server's peak RSS during them.
    const parallel = async (urlOf: string, extra: string[], pid: number) => {
      await resetPeak(pid);
      const args = ['-Z', '--parallel-max', String(PAR), ...extra];
      for (let i = 0; i < PAR; i++) args.push('-o', '/dev/null', urlOf);
      const secs = await curl(args);
      return { rate: mib(PAR * PAR_MB, secs), rss: await procStatus(pid, 'VmHWM') };
    };
    const [q1, q2, q3] = await turns(round, [
      () => parallel(`${s.url}/generic-local/par.bin`, authArgs, s.pid),
      () => parallel(`${nginx.url}/par.bin`, [], nginx.pid),
      () =>
        registry
          ? parallel(blobUrl.get('par')!, ['-L'], registry.pid)
          : Promise.resolve({ rate: Number.NaN, rss: Number.NaN }),
    ]);
    record(`${PAR} parallel ${PAR_MB} MiB GETs`, 'MB/s', q1!.rate, {
      nginx: q2!.rate,
      ...(registry ? { 'CNCF registry': q3!.rate } : {}),
    });
    if (registry)
      record(
        `peak RSS during ${PAR} parallel GETs (lower is better: peer / Stowage)`,
        'MiB',
        1 / q1!.rss,
        {
          'CNCF registry': 1 / q3!.rss,
        },
      );
    record(`peak RSS streaming ${BIG_MB} MiB up and down (absolute)`, 'MiB', streamRss, {});

    // Small deploys.
    const [d1, d2, d3] = await turns(round, [
      () => smallPuts((i) => `${s.url}/generic-local/small/${tag}/${i}.bin`, auth),
      () => smallPuts((i) => `${nginx.url}/small/${tag}/${i}.bin`, {}),
      () => smallPuts((i) => `${bare.url}/small/${tag}/${i}.bin`, {}),
    ]);
    record(`${SMALL_N} × 1 KiB deploys, ${CLIENTS} clients`, 'deploys/s', d1!, {
      'nginx (WebDAV PUT)': d2!,
      [BARE]: d3!,
    });

    // Cached tarball and packument, requests per second.
    const [t1, t2, t3, t4] = await turns(round, [
      () => load(stowTarball, auth),
      () => load(`${nginx.url}/pkg.tgz`, {}),
      () =>
        verdaccio
          ? load(`${verdaccio.url}/${PKG}/-/${PKG}-${latest}.tgz`, {})
          : Promise.resolve(Number.NaN),
      () => load(`${bare.url}/pkg.tgz`, {}),
    ]);
    record(`cached npm tarball (${TARBALL_KB} KB)`, 'req/s', t1!, {
      ...(verdaccio ? { Verdaccio: t3! } : {}),
      nginx: t2!,
      [BARE]: t4!,
    });
    const [k1, k2, k3, k4, k5] = await turns(round, [
      () => load(stowPackument, abbreviated),
      () => load(`${nginx.url}/packument.json`, {}),
      () =>
        verdaccio
          ? load(`${verdaccio.url}/${PKG}`, { accept: abbreviated.accept })
          : Promise.resolve(Number.NaN),
      () => load(stowPackument, { ...abbreviated, 'accept-encoding': 'gzip' }),
      () => load(`${bare.url}/packument.json`, {}),
    ]);
    record(`cached packument (${VERSIONS} versions, ${packumentBytes.length} B)`, 'req/s', k1!, {
      'nginx static': k2!,
      ...(verdaccio ? { Verdaccio: k3! } : {}),
      [BARE]: k5!,
    });
    record(`cached packument, gzip asked (Stowage only)`, 'req/s', k4!, { 'nginx static': k2! });

    // Start-up: the CLI's --version against an empty node.
    const startup = async (args: string[]): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const c = spawn(process.execPath, args, { stdio: 'ignore' });
      await once(c, 'close');
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    // The CLI as npm installs it (the packed loader and its parts), not the workspace's entry.
    const cli = join(repoRoot, 'packages', 'cli', 'dist', 'stowage.mjs');
    const pairs: number[][] = [];
    for (let i = 0; i < 5; i++)
      pairs.push(
        await turns(round + i, [() => startup([cli, '--version']), () => startup(['-e', '0'])]),
      );
    record(
      '`stowage --version` start-up (1 / seconds)',
      '1/s',
      1 / median(pairs.map((p) => p[0]!)),
      {
        'node -e 0': 1 / median(pairs.map((p) => p[1]!)),
      },
    );
  }

  const lines = [
    `${ROUNDS} interleaved rounds, ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at the end. Ratio = Stowage / peer (higher is better), median [min–max] of the rounds.`,
    '',
    '| figure | Stowage | peer | Stowage vs peer |',
    '|---|---:|---:|---|',
  ];
  const fmt = (x: number, unit: string): string =>
    unit === 'MiB'
      ? `${x.toFixed(0)} MiB`
      : unit === '1/s'
        ? `${(1000 / x).toFixed(0)} ms`
        : `${x.toFixed(0)} ${unit}`;
  for (const f of figures.values()) {
    const peers = Object.keys(f.rounds[0]!.peers);
    if (f.unit === 'MiB' && peers.length === 0) {
      lines.push(
        `| ${f.name} | ${median(f.rounds.map((r) => r.stowage)).toFixed(0)} MiB (max ${Math.max(...f.rounds.map((r) => r.stowage)).toFixed(0)}) | | |`,
      );
      continue;
    }
    const inv = f.unit === 'MiB';
    const cells = peers.map((p) => {
      const ratios = f.rounds.map((r) => r.stowage / r.peers[p]!);
      return `${median(ratios).toFixed(2)}× ${p} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]`;
    });
    const own = median(f.rounds.map((r) => r.stowage));
    const peerVals = peers.map(
      (p) =>
        `${p}: ${fmt(inv ? 1 / median(f.rounds.map((r) => r.peers[p]!)) : median(f.rounds.map((r) => r.peers[p]!)), f.unit)}`,
    );
    lines.push(
      `| ${f.name} | ${fmt(inv ? 1 / own : own, f.unit)} | ${peerVals.join('; ')} | ${cells.join('; ')} |`,
    );
  }
  console.log(lines.join('\n'));
  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(
    join(
      import.meta.dirname,
      'results',
      `peers-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.json`,
    ),
    JSON.stringify({ node: process.version, figures: [...figures.values()] }, null, 2),
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await rm(root, { recursive: true, force: true });
}
