// The server's memory through the phases of `npm run bench` (bench/peers.ts), at a small scale,
// to find what holds memory once used: a 1 GiB PUT (with X-Checksum-Sha256) and GET by curl,
// thousands of 1 KiB deploys from 16 clients, seconds of cached tarball and packument GETs, and
// the 1 GiB PUT and GET again. After each phase it prints the peak RSS during the phase (VmHWM,
// reset before it), the RSS after it, the V8 heap (the server dumps process.memoryUsage() and
// its heap statistics when asked on stdin, see serve-child.ts) and where the anonymous memory lies:
// glibc's main heap (brk), its 64 MiB-aligned thread arenas, and the rest (V8's pages, mmap'd
// chunks). Needs `npm run build` and curl. Not a test: nothing asserts.
//
//   node bench/rss-phases.ts
//   RSS_SMALL_N=10000 RSS_PHASES=put,deploys,put node bench/rss-phases.ts
//   MALLOC_ARENA_MAX=2 node bench/rss-phases.ts          # the server inherits the environment
//   RSS_NODE_FLAGS='--max-semi-space-size=4' node bench/rss-phases.ts
//   RSS_CONFIG='{"memoryCache":{"bytes":0}}' node bench/rss-phases.ts
//   RSS_GDB=1 node bench/rss-phases.ts    # also glibc's malloc_stats() per phase (gdb attaches)
//
// Phases (RSS_PHASES, comma-separated, any order and repeats): put, get, deploys, tarball,
// packument, gzip (packument with Accept-Encoding: gzip), idle (RSS_IDLE_S seconds of nothing),
// gc (a full V8 collection; the server then runs with --expose-gc), reduce (a memory-reducing
// one: V8's last resort, which also releases the pages V8 pools for reuse), trim (glibc's
// malloc_trim(0) through gdb: what the allocator holds freed), maps (lists the anonymous
// mappings with the most resident memory). Knobs: RSS_BIG_MB (1024),
// RSS_SMALL_N (3000), RSS_CLIENTS (16), RSS_LOAD_S (3), RSS_IDLE_S (5).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadGets, smallPuts as smallPutsFrom } from './load.ts';
import { publishNpmVersion, spawnStowage, type StowageServer as Server } from './stowage.ts';

const num = (k: string, d: number): number => Number(process.env[k] ?? d);
const BIG_MB = num('RSS_BIG_MB', 1024);
const SMALL_N = num('RSS_SMALL_N', 3000);
const CLIENTS = num('RSS_CLIENTS', 16);
const LOAD_S = num('RSS_LOAD_S', 3);
const IDLE_S = num('RSS_IDLE_S', 5);
const PHASES = (process.env.RSS_PHASES ?? 'put,get,deploys,tarball,packument,gzip,put,get,idle')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
const NODE_FLAGS = (process.env.RSS_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const GDB = process.env.RSS_GDB === '1';
const VERSIONS = 30;
const TARBALL_KB = 58;
const PKG = 'bench-pkg';
const MiB = 2 ** 20;

const root = await mkdtemp(join(tmpdir(), 'stowage-rss-'));
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

// --- the server and what it tells on stderr ----------------------------------------------

const stderrLines: string[] = [];
let lineWaiter: (() => void) | undefined;
let control: Writable | undefined;

async function startStowage(): Promise<Server> {
  const flags = [...NODE_FLAGS];
  if (PHASES.includes('gc') || PHASES.includes('reduce')) flags.push('--expose-gc');
  const { child, server } = await spawnStowage({
    dir: root,
    data: join(root, 'data'),
    extra: JSON.parse(process.env.RSS_CONFIG ?? '{}') as object,
    flags,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  control = child.stdin!;
  child.unref();
  process.on('exit', () => child.kill('SIGTERM'));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    // What malloc_stats() prints (see mallocStats) is read; its last lines are dropped.
    if (/^(memory |Arena \d+:|system bytes|in use bytes|Total)/.test(line)) {
      stderrLines.push(line);
      lineWaiter?.();
    } else if (!line.startsWith('max mmap')) log(`server: ${line}`);
  });
  return server;
}

async function nextLine(test: (line: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const i = stderrLines.findIndex(test);
    if (i >= 0) return stderrLines.splice(i, 1)[0]!;
    await Promise.race([new Promise<void>((r) => (lineWaiter = r)), sleep(50)]);
  }
  throw new Error('the server did not answer on stderr');
}

interface MemDump {
  gc: { count: number; us: number };
  usage: NodeJS.MemoryUsage;
  heap: { total_heap_size: number; used_heap_size: number; malloced_memory: number };
  spaces: Record<string, number>;
}
/** The server's process.memoryUsage() and V8 heap, after `gc` or `reduce` if asked for. */
async function memdump(ask: 'memory' | 'gc' | 'reduce' = 'memory'): Promise<MemDump> {
  control!.write(`${ask}\n`);
  const line = await nextLine((l) => l.startsWith('memory '));
  return JSON.parse(line.slice('memory '.length)) as MemDump;
}

/** Runs `commands` in the server through gdb (attached for the moment, then detached). */
function gdb(pid: number, commands: string[]): void {
  const r = spawnSync(
    'gdb',
    ['-p', String(pid), '-batch', '-nx', ...commands.flatMap((c) => ['-ex', c])],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`gdb failed: ${r.stderr}`);
}

/** glibc's malloc_stats() of the server: arenas, bytes taken from the system and in use. */
async function mallocStats(
  pid: number,
): Promise<{ arenas: number; system: number; inUse: number }> {
  gdb(pid, ['call (void)malloc_stats()']);
  let arenas = 0;
  for (;;) {
    const line = await nextLine((l) => l.startsWith('Arena ') || l.startsWith('Total'));
    if (line.startsWith('Total')) break;
    arenas++;
    await nextLine((l) => l.startsWith('system bytes'));
    await nextLine((l) => l.startsWith('in use bytes'));
  }
  const system = Number(/(\d+)/.exec(await nextLine((l) => l.startsWith('system bytes')))![1]);
  const inUse = Number(/(\d+)/.exec(await nextLine((l) => l.startsWith('in use bytes')))![1]);
  return { arenas, system, inUse };
}

// --- /proc -------------------------------------------------------------------------------

async function status(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await readFile(`/proc/${pid}/status`, 'utf8')).matchAll(/^(\w+):\s+(\d+) kB/gm))
    out[m[1]!] = (Number(m[2]) * 1024) / MiB;
  return out;
}

/** Fields of /proc/<pid>/smaps_rollup, in MiB. */
async function rollup(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  for (const m of text.matchAll(/^(\w+):\s+(\d+) kB/gm)) out[m[1]!] = (Number(m[2]) * 1024) / MiB;
  return out;
}

/** The process's CPU time so far (user + system), in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Resident anonymous memory by where it lies: glibc's main heap (`[heap]`, brk), mappings that
 * start on a 64 MiB boundary (glibc's thread arenas are 64 MiB-aligned heaps; a V8 page lands
 * there only by chance), and the rest (V8's heap pages, malloc's mmap'd large chunks, stacks).
 */
async function anonymous(
  pid: number,
): Promise<{ brk: number; arenas: number; arenaMaps: number; other: number }> {
  const text = await readFile(`/proc/${pid}/smaps`, 'utf8');
  const out = { brk: 0, arenas: 0, arenaMaps: 0, other: 0 };
  let kind: 'brk' | 'arenas' | 'other' | undefined;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      const [, start, inode, name] = head;
      if (name === '[heap]') kind = 'brk';
      else if (inode !== '0' || name) kind = undefined;
      else if (BigInt(`0x${start}`) % BigInt(64 * MiB) === 0n) {
        kind = 'arenas';
        out.arenaMaps++;
      } else kind = 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && kind) out[kind] += (Number(rss[1]) * 1024) / MiB;
  }
  return out;
}

/** The anonymous mappings with the most resident memory, for a look at who holds it. */
async function largestMappings(pid: number, n = 12): Promise<string[]> {
  const maps: { head: string; size: number; rss: number }[] = [];
  for (const block of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split(/\n(?=[0-9a-f]+-)/)) {
    const [head = ''] = block.split('\n', 1);
    const [range = '', perms = '', , , inode = '', name = ''] = head.split(/\s+/);
    if (inode !== '0' || name) continue;
    const [a, b] = range.split('-').map((x) => BigInt(`0x${x}`));
    const rss = Number(/^Rss:\s+(\d+) kB/m.exec(block)?.[1] ?? 0) / 1024;
    maps.push({ head: `${range} ${perms}`, size: Number(b! - a!) / MiB, rss });
  }
  return maps
    .sort((x, y) => y.rss - x.rss)
    .slice(0, n)
    .map((m) => `${m.head} size ${m.size.toFixed(1)} MiB, resident ${m.rss.toFixed(1)} MiB`);
}

// --- the load ----------------------------------------------------------------------------

async function curl(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn('curl', ['-sS', '--fail', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`curl ${args.at(-1)} failed: ${err}`);
  return (performance.now() - t0) / 1000;
}

interface Done {
  rate: number;
  /** Requests, deploys or MiB moved: what the server's CPU time is divided by. */
  ops: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Done> {
  const { rate, n } = await loadGets(url, headers, { clients: CLIENTS, seconds: LOAD_S });
  return { rate, ops: n };
}

/** Numbers each deploy phase, so every phase deploys to paths of its own. */
let deployRound = 0;

async function smallPuts(s: Server): Promise<Done> {
  const tag = deployRound++;
  const rate = await smallPutsFrom(
    (i) => `${s.url}/generic-local/small/${tag}/${i}.bin`,
    { authorization: `Bearer ${s.token}` },
    { clients: CLIENTS, count: SMALL_N },
  );
  return { rate, ops: SMALL_N };
}

async function makeBig(path: string): Promise<string> {
  const out = createWriteStream(path);
  const block = randomBytes(MiB);
  const h = createHash('sha256');
  for (let i = 0; i < BIG_MB; i++) {
    block.writeUInt32LE(i, 0);
    h.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return h.digest('hex');
}

/** Publishes VERSIONS versions of a package with TARBALL_KB tarballs through the npm API. */
async function publish(s: Server): Promise<void> {
  for (let i = 0; i < VERSIONS; i++) {
    const version = `1.0.${i}`;
    const dir = join(root, `pkg-${version}`);
    await mkdir(join(dir, 'package'), { recursive: true });
    await writeFile(join(dir, 'package', 'package.json'), JSON.stringify({ name: PKG, version }));
    await writeFile(join(dir, 'package', 'blob.bin'), randomBytes(TARBALL_KB * 1024));
    const file = join(root, `${PKG}-${version}.tgz`);
    if (spawnSync('tar', ['-czf', file, '-C', dir, 'package']).status !== 0) throw new Error('tar');
    await publishNpmVersion(s, PKG, version, await readFile(file));
  }
}

// --- the run -----------------------------------------------------------------------------

const f = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(0));
const columns = [
  'phase',
  'rate',
  'cpuUs',
  'gcUs',
  'gcs',
  'peak',
  'rss',
  'anon',
  'lazyFree',
  'hugePg',
  'brk',
  'arenas',
  'other',
  'heapTot',
  'heapUsed',
  'old',
  'new',
  'extern',
  'arrBuf',
  ...(GDB ? ['mSystem', 'mInUse', 'nArena'] : []),
];

try {
  log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; phases: ${PHASES.join(', ')}`,
  );
  const big = join(root, 'big.bin');
  const bigSha = await makeBig(big);
  const s = await startStowage();
  const auth = ['-H', `Authorization: Bearer ${s.token}`];
  // As the bench does: the big file is there before anything is measured (`get` reads it).
  await curl([...auth, '-T', big, '-o', '/dev/null', `${s.url}/generic-local/big.bin`]);
  await publish(s);
  const packument = `${s.url}/api/npm/npm-local/${PKG}`;
  const tarball = `${packument}/-/${PKG}-1.0.${VERSIONS - 1}.tgz`;
  const abbreviated = {
    authorization: `Bearer ${s.token}`,
    accept: 'application/vnd.npm.install-v1+json',
  };
  log(
    "MiB figures; rate: MB/s for put/get, deploys/s, requests/s; cpuUs: the server's CPU time " +
      "(user + system) per MiB, deploy or request, in µs; gcUs: of which V8's collections on " +
      'the main thread; gcs: how many collections',
  );
  process.stdout.write(`${columns.join('\t')}\n`);
  let puts = 0;
  for (const name of ['start', ...PHASES]) {
    await resetPeak(s.pid);
    let done: Done | undefined;
    const cpu0 = await cpuSeconds(s.pid);
    switch (name) {
      case 'start':
        break;
      case 'put': {
        const url = `${s.url}/generic-local/big-${puts++}.bin`;
        const args = [...auth, '-H', `X-Checksum-Sha256: ${bigSha}`, '-T', big, '-o', '/dev/null'];
        done = { rate: (BIG_MB * 1.048576) / (await curl([...args, url])), ops: BIG_MB };
        break;
      }
      case 'get':
        done = {
          rate:
            (BIG_MB * 1.048576) /
            (await curl([...auth, '-o', '/dev/null', `${s.url}/generic-local/big.bin`])),
          ops: BIG_MB,
        };
        break;
      case 'deploys':
        done = await smallPuts(s);
        break;
      case 'tarball':
        done = await load(tarball, { authorization: abbreviated.authorization });
        break;
      case 'packument':
        done = await load(packument, abbreviated);
        break;
      case 'gzip':
        done = await load(packument, { ...abbreviated, 'accept-encoding': 'gzip' });
        break;
      case 'idle':
        await sleep(IDLE_S * 1000);
        break;
      case 'gc':
      case 'reduce':
        await memdump(name);
        break;
      case 'maps':
        for (const line of await largestMappings(s.pid)) log(`  ${line}`);
        break;
      case 'trim':
        gdb(s.pid, ['call (int)malloc_trim(0)']);
        break;
      default:
        throw new Error(`unknown phase ${name}`);
    }
    const cpu = (await cpuSeconds(s.pid)) - cpu0;
    const st = await status(s.pid);
    const m = await memdump();
    const r = await rollup(s.pid);
    const a = await anonymous(s.pid);
    const ms = GDB ? await mallocStats(s.pid) : undefined;
    const row = [
      name,
      f(done?.rate),
      done ? ((cpu * 1e6) / done.ops).toFixed(0) : '',
      done ? (m.gc.us / done.ops).toFixed(0) : '',
      String(m.gc.count),
      f(st.VmHWM),
      f(st.VmRSS),
      f(st.RssAnon),
      f(r.LazyFree),
      f(r.AnonHugePages),
      f(a.brk),
      `${f(a.arenas)} (${a.arenaMaps})`,
      f(a.other),
      f(m.usage.heapTotal / MiB),
      f(m.usage.heapUsed / MiB),
      f((m.spaces.old_space ?? 0) / MiB),
      f((m.spaces.new_space ?? 0) / MiB),
      f(m.usage.external / MiB),
      f(m.usage.arrayBuffers / MiB),
      ...(ms ? [f(ms.system / MiB), f(ms.inUse / MiB), String(ms.arenas)] : []),
    ];
    process.stdout.write(`${row.join('\t')}\n`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
process.exit(0);
