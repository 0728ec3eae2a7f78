// CPU per request of Stowage builds side by side. Each build runs in a process of its own with
// its data on tmpfs (/dev/shm when there is one, so the disk's state does not move the figures),
// gets the same loads from 16 clients (cached packument GETs with the admin token and without
// one, cached tarball GETs, 1 KiB deploys), and the server's main-thread CPU per request is read
// from /proc/<pid>/task/<pid>/stat before and after each load, with the other threads' beside it.
// Builds take turns and the order flips every round: a change is seen against the same machine
// state, which the whole-run ratios of peers.ts cannot give for a 10% change. Not a test:
// nothing here asserts.
//
//   node bench/cpu-per-request.ts                              # this checkout's build
//   node bench/cpu-per-request.ts before=../other-checkout     # and another, built, checkout
// Knobs: BENCH_ROUNDS (2), BENCH_LOAD_S (3 s per GET load), BENCH_SMALL_N (3000 deploys),
// BENCH_CLIENTS (16).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadGets, smallPuts } from './load.ts';
import { publishNpmVersion, spawnStowage, type StowageServer as Server } from './stowage.ts';

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const ROUNDS = env('BENCH_ROUNDS', 2);
const LOAD_S = env('BENCH_LOAD_S', 3);
const SMALL_N = env('BENCH_SMALL_N', 3000);
const CLIENTS = env('BENCH_CLIENTS', 16);
const PKG = 'bench-pkg';
const VERSIONS = 30;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICK_US = 10_000;

const builds: { name: string; module: string }[] = [];
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  const name = eq > 0 ? arg.slice(0, eq) : arg;
  const dir = resolve(eq > 0 ? arg.slice(eq + 1) : arg);
  const module = join(dir, 'packages/server/dist/server.js');
  if (!existsSync(module)) throw new Error(`${module} is missing: build that checkout first`);
  builds.push({ name, module });
}
if (!builds.some((b) => b.name === 'now'))
  builds.push({
    name: 'now',
    module: join(import.meta.dirname, '../packages/server/dist/server.js'),
  });

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const root = await mkdtemp(join(base, 'stowage-cpu-'));
const children: ChildProcess[] = [];

async function start(build: { name: string; module: string }, n: number): Promise<Server> {
  const { child, server } = await spawnStowage({
    dir: root,
    data: join(root, `${build.name}-${n}`),
    // Anonymous read on, for the anonymous packument load (the others send the admin token).
    extra: { auth: { anonymousRead: true } },
    env: { ...process.env, STOWAGE_SERVER_MODULE: build.module },
  });
  children.push(child);
  return server;
}

async function stop(s: Server): Promise<void> {
  const child = children.find((c) => c.pid === s.pid);
  if (!child) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** CPU time (µs) of each of a process's threads, by thread name; the main thread as "main". */
async function threads(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
    const us = (Number(f[11]) + Number(f[12])) * TICK_US;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

/** Publishes VERSIONS versions of a package with a 58 KB tarball each. */
async function publish(s: Server): Promise<void> {
  const data = randomBytes(58 * 1024);
  for (let i = 0; i < VERSIONS; i++) await publishNpmVersion(s, PKG, `1.0.${i}`, data);
}

/** One load against one server: requests per second and CPU µs per request by thread. */
async function measure(
  s: Server,
  scenario: string,
  tag: string,
): Promise<{ rate: number; cpu: Map<string, number> }> {
  const auth = { authorization: `Bearer ${s.token}` };
  const before = await threads(s.pid);
  let rate: number;
  let n: number;
  if (scenario === 'deploy') {
    rate = await smallPuts((i) => `${s.url}/generic-local/small/${tag}/${i}.bin`, auth, {
      clients: CLIENTS,
      count: SMALL_N,
    });
    n = SMALL_N;
  } else {
    const packument = scenario !== 'tarball';
    const url = packument
      ? `${s.url}/api/npm/npm-local/${PKG}`
      : `${s.url}/api/npm/npm-local/${PKG}/-/${PKG}-1.0.${VERSIONS - 1}.tgz`;
    // The anonymous load reads as npm does without a token: the permission check then works
    // through the policy (the admin token's needs none).
    const who = scenario === 'anonymous packument' ? {} : auth;
    const headers = packument ? { ...who, accept: 'application/vnd.npm.install-v1+json' } : who;
    ({ rate, n } = await loadGets(url, headers, { clients: CLIENTS, seconds: LOAD_S }));
  }
  const after = await threads(s.pid);
  const cpu = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) cpu.set(k, d / n);
  }
  return { rate, cpu };
}

const SCENARIOS = ['packument', 'anonymous packument', 'tarball', 'deploy'];
const results = new Map<string, { rate: number[]; main: number[]; other: number[] }>();
try {
  const servers = new Map<string, Server>();
  for (const [i, b] of builds.entries()) {
    const s = await start(b, i);
    await publish(s);
    // A warm-up load, so the first measured round does not pay for the JIT.
    await loadGets(
      `${s.url}/api/npm/npm-local/${PKG}`,
      { authorization: `Bearer ${s.token}` },
      {
        clients: CLIENTS,
        seconds: 1,
      },
    );
    servers.set(b.name, s);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    console.error(`round ${round + 1}/${ROUNDS}: ${order.map((b) => b.name).join(', ')}`);
    for (const scenario of SCENARIOS) {
      for (const b of order) {
        const r = await measure(servers.get(b.name)!, scenario, `r${round}`);
        const key = `${scenario}\0${b.name}`;
        const e = results.get(key) ?? { rate: [], main: [], other: [] };
        e.rate.push(r.rate);
        e.main.push(r.cpu.get('main') ?? 0);
        e.other.push([...r.cpu].filter(([k]) => k !== 'main').reduce((a, [, v]) => a + v, 0));
        results.set(key, e);
      }
    }
  }
  for (const s of servers.values()) await stop(s);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
}

/** `median [smallest–largest]` of the rounds (the rounds swing with the machine: read both). */
const span = (xs: number[], digits = 0): string => {
  const sorted = [...xs].sort((a, b) => a - b);
  const f = (x: number): string => x.toFixed(digits);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return sorted.length > 1 ? `${f(median)} [${f(sorted[0]!)}–${f(sorted.at(-1)!)}]` : f(median);
};
console.log(
  `\n${ROUNDS} interleaved rounds, ${CLIENTS} clients, data on ${base}; CPU per request of the ` +
    `server's main thread and of its other threads (µs, median [smallest–largest round]).\n`,
);
console.log('| load | build | main thread µs/request | other threads µs/request | requests/s |');
console.log('|---|---|---:|---:|---:|');
for (const scenario of SCENARIOS) {
  for (const b of builds) {
    const e = results.get(`${scenario}\0${b.name}`)!;
    console.log(
      `| ${scenario} | ${b.name} | ${span(e.main)} | ${span(e.other)} | ${span(e.rate)} |`,
    );
  }
}
