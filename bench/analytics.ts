// Analytics at volume: BENCH_BUILDS builds (default 10,000) of BENCH_DEPS dependencies each
// (default 500), plus artifacts, a Docker image and promotion statuses per build, written
// straight into a SqliteMetaStore's database inside one transaction (the analytics triggers
// index them as they land). Then every analytics endpoint is timed through app.inject()
// (median of 5 runs after a warm-up) and a table is printed. Not a test: nothing here asserts.
//
//   node bench/analytics.ts
//   BENCH_BUILDS=1000 node bench/analytics.ts
//   BENCH_STORE=/tmp/analytics-bench node bench/analytics.ts   # generate once, reuse afterwards
//   BENCH_DUMP=/tmp/bodies node bench/analytics.ts   # also write each response body (to diff)
//
// BENCH_STORE names a directory that is kept: the first run generates the store there, later
// runs (same BENCH_BUILDS/BENCH_DEPS) reuse it and only time the queries ("store opened" then
// includes any re-indexing a changed index version causes).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { buildApp, FsBlobStore, SqliteMetaStore, resolveConfig } from '@stowage/server';

const BUILDS = Number(process.env.BENCH_BUILDS ?? 10_000);
const DEPS = Number(process.env.BENCH_DEPS ?? 500);
const POOL = DEPS * 3;
const NAME = 'nightly-etl';
const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const KEEP = process.env.BENCH_STORE;
const DUMP = process.env.BENCH_DUMP; // a directory: each query's response body is written there
const root = KEEP ?? (await mkdtemp(join(tmpdir(), 'stowage-bench-analytics-')));
if (KEEP) await mkdir(KEEP, { recursive: true });
const reuse = KEEP !== undefined && existsSync(join(root, 'metadata.db'));

const hashes = new Map<string, string>();
const sha = (s: string): string => {
  let h = hashes.get(s);
  if (h === undefined) {
    h = createHash('sha256').update(s).digest('hex');
    if (hashes.size < 2_000_000) hashes.set(s, h);
  }
  return h;
};
const stamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

// Which packages a build uses shifts slowly; each package's version moves every ~200 builds, and
// one in 1000 (build, package) pairs is a rebuilt same version (a checksum change).
function doc(n: number): string {
  const started = T0 + n * HOUR;
  const deps: object[] = [];
  const offset = Math.floor(n / 50) % (POOL - DEPS);
  for (let k = 0; k < DEPS; k++) {
    const p = offset + k;
    const version = `1.${Math.floor((n + p * 7) / 200)}.0`;
    const rebuilt = (n * 31 + p) % 1000 === 0 ? 'rebuilt' : '';
    deps.push({ id: `org.pkg${p}:lib${p}:${version}`, sha256: sha(`${p}${version}${rebuilt}`) });
  }
  const layers = [0, 1, 2, 3, 4].map((l) => {
    const gen = l < 3 ? Math.floor(n / (100 * (l + 1))) : n; // base layers change rarely
    return { name: `layer${l}`, sha256: sha(`layer${l}.${gen}`), size: 1_000_000 * (l + 1) + gen };
  });
  const statuses: object[] = [];
  if (n % 10 < 6) statuses.push({ status: 'qa', timestamp: stamp(started + 600_000) });
  if (n % 10 < 3)
    statuses.push({ status: 'release', timestamp: stamp(started + ((n % 7) + 1) * HOUR) });
  if (n % 20 === 0) statuses.push({ status: 'rolled-back', timestamp: stamp(started + 9 * HOUR) });
  return JSON.stringify({
    version: '1.0.1',
    name: NAME,
    number: String(n),
    started: stamp(started),
    properties: { 'buildInfo.env.RUN': String(n) },
    modules: [
      {
        id: 'etl',
        artifacts: [
          { name: 'etl.tgz', sha256: sha(`etl${n}`), size: 5_000_000 + n * 10 },
          { name: 'report.csv', sha256: sha(`csv${n}`), size: 20_000 + (n % 100) },
          { name: 'manifest.json', sha256: sha('manifest') },
        ],
        dependencies: deps,
      },
      { id: `registry.local/etl:${n}`, type: 'docker', artifacts: layers },
    ],
    ...(statuses.length ? { statuses } : {}),
  });
}

// 1. Generate straight into the database (one transaction; the triggers index every row).
let t = process.hrtime.bigint();
if (!reuse) await generate();
const loadMs = ms(t);

async function generate(): Promise<void> {
  await new SqliteMetaStore({ dir: root }).close(); // creates the schema and the triggers
  const db = new DatabaseSync(join(root, 'metadata.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;');
  db.exec('BEGIN');
  const ins = db.prepare(
    'INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (let n = 1; n <= BUILDS; n++) {
    const started = T0 + n * HOUR;
    ins.run(NAME, String(n), stamp(started), started, started, doc(n));
  }
  // Stored files: each build's artifacts in staging, a third also copied to qa (deduplicated).
  const blob = db.prepare(
    'INSERT OR IGNORE INTO blobs (sha256, sha1, md5, size, created) VALUES (?, ?, ?, ?, 0)',
  );
  const art = db.prepare(
    `INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
   VALUES (?, ?, ?, 0, 'bench', 0, 'bench')`,
  );
  for (let n = 1; n <= BUILDS; n++) {
    for (const [file, size] of [
      ['etl.tgz', 5_000_000 + n * 10],
      ['manifest.json', 512],
    ] as const) {
      const digest = sha(file === 'manifest.json' ? 'manifest' : `etl${n}`);
      blob.run(digest, digest.slice(0, 40), digest.slice(0, 32), size);
      art.run('generic-staging', `${NAME}/${n}/${file}`, digest);
      if (n % 3 === 0) art.run('generic-qa', `${NAME}/${n}/${file}`, digest);
    }
  }
  db.exec('COMMIT');
  db.close();
}

// 2. Time every endpoint through the app.
t = process.hrtime.bigint();
const blobs = new FsBlobStore({ dir: root });
await blobs.init();
const meta = new SqliteMetaStore({ dir: root });
const openMs = ms(t);
const db = new DatabaseSync(join(root, 'metadata.db'));
const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
const rows = {
  builds: count('SELECT COUNT(*) AS n FROM builds'),
  deps: count('SELECT COUNT(*) AS n FROM build_deps'),
  artifacts: count('SELECT COUNT(*) AS n FROM build_artifacts'),
  statuses: count('SELECT COUNT(*) AS n FROM build_statuses'),
};
const config = resolveConfig({});
const app = await buildApp({ config, blobs, meta, adminToken: 'bench' });
const auth = { authorization: 'Bearer bench' };
const A = '/api/stowage/v1/analytics';
const last = String(BUILDS);
const mid = String(Math.floor(BUILDS / 2));
const month = `from=${T0 + (BUILDS - 720) * HOUR}&to=${T0 + (BUILDS + 1) * HOUR}`;
const queries: [string, string][] = [
  ['funnel, every build', `${A}/funnel?name=${NAME}`],
  ['funnel, last 30 days', `${A}/funnel?name=${NAME}&${month}`],
  ['funnel, all names', `${A}/funnel`],
  ['deps variation, last 20', `${A}/deps?name=${NAME}&last=20`],
  ['deps variation, last 200', `${A}/deps?name=${NAME}&last=200`],
  ['deps variation, last 500 (max)', `${A}/deps?name=${NAME}&last=500`],
  ['deps diff (2 builds)', `${A}/deps/diff?name=${NAME}&number=${last}&other=${mid}`],
  ['build diff (2 builds)', `${A}/diff?name=${NAME}&number=${last}&other=${mid}`],
  ['?diff= (Artifactory)', `/api/build/${NAME}/${last}?diff=${mid}`],
  ['size, last 30', `${A}/size?name=${NAME}&last=30`],
  ['size, last 1000', `${A}/size?name=${NAME}&last=1000`],
  ['storage (dedup)', `${A}/storage`],
  ['images, last 20', `${A}/images?name=${NAME}&last=20`],
  ['images, last 1000', `${A}/images?name=${NAME}&last=1000`],
  ['images diff', `${A}/images/diff?name=${NAME}&number=${last}&other=${mid}`],
];
const out: [string, string, string][] = [];
for (const [label, url] of queries) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 6; i++) {
    const t1 = process.hrtime.bigint();
    const res = await app.inject({ url, headers: auth });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    if (i > 0) times.push(ms(t1));
    bytes = res.body.length;
    if (i === 0 && DUMP) await writeFile(join(DUMP, `${out.length}.json`), res.body);
  }
  times.sort((a, b) => a - b);
  out.push([label, (times[2] ?? 0).toFixed(1), String(bytes)]);
}
// Publishing 5 more builds, one at a time (the triggers index their 500 dependencies): median.
const PUTS = 5;
const putTimes: number[] = [];
for (let k = 1; k <= PUTS; k++) {
  const t2 = process.hrtime.bigint();
  const put = await app.inject({
    method: 'PUT',
    url: '/api/build',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: doc(BUILDS + k),
  });
  if (put.statusCode !== 204) throw new Error(`publish: ${put.statusCode} ${put.body}`);
  putTimes.push(ms(t2));
}
putTimes.sort((a, b) => a - b);
out.push(['publish one build (PUT)', (putTimes[2] ?? 0).toFixed(1), '-']);
await app.close();
await meta.close();
// A kept store goes back to BENCH_BUILDS builds, so the next run publishes new builds again.
if (KEEP) {
  db.exec('PRAGMA foreign_keys = ON');
  const del = db.prepare('DELETE FROM builds WHERE name = ? AND number = ?');
  for (let k = 1; k <= PUTS; k++) del.run(NAME, String(BUILDS + k));
}
db.close();

const w = Math.max(...out.map((r) => r[0].length));
process.stdout.write(
  `\n${BUILDS} builds × ${DEPS} deps: ${rows.deps} dependency rows, ${rows.artifacts} artifact rows, ` +
    `${rows.statuses} status rows; ` +
    (reuse ? `reused ${root}; ` : `generated + indexed in ${(loadMs / 1000).toFixed(1)} s; `) +
    `store opened in ${openMs.toFixed(0)} ms\n\n`,
);
process.stdout.write(`${'query'.padEnd(w)}  median ms  response bytes\n`);
for (const [label, m, b] of out)
  process.stdout.write(`${label.padEnd(w)}  ${m.padStart(9)}  ${b.padStart(14)}\n`);
if (process.env.BENCH_KEEP || KEEP) process.stdout.write(`\nkept ${root}\n`);
else await rm(root, { recursive: true, force: true });
