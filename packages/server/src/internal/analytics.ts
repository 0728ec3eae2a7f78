/**
 * Build analytics over the normalized tables (analytics-store.ts): the promotion funnel,
 * dependency variation, sizes, storage deduplication, Docker image layers and build diffs.
 * Each function answers one `/api/stowage/v1/analytics/…` endpoint.
 */
import {
  diffBuilds,
  splitDependencyId,
  type Artifact,
  type BuildDiffReport,
  type BuildFunnel,
  type BuildInfo,
  type BuildSize,
  type Dependency,
  type DependencyDiffReport,
  type DependencyVariationReport,
  type DurationStats,
  type FunnelReport,
  type ImageDiff,
  type ImageDiffReport,
  type ImageReport,
  type ImageRun,
  type LayerSet,
  type SizeGrowth,
  type SizeReport,
  type StorageReport,
} from '@stowage/core';
import { HttpError } from '../errors.ts';
import type { Stage } from '../config.ts';
import type { Analytics, ArtifactSizeRow, IndexedBuild, StatusRow } from './analytics-store.ts';
import type { Services } from './services.ts';

/** Statuses that mean "taken back", whatever stage they name. */
const ROLLBACK_STATUSES = new Set(['rolled-back', 'rollback', 'rolledback', 'rolled_back']);

export const MAX_LAST = 1000;
/** Dependency variation reads every dependency row of each build: 500 builds × 500 ≈ 0.5 s. */
export const MAX_DEPS_LAST = 500;

function store(svc: Services): Analytics {
  const a = svc.meta.analytics;
  if (!a) {
    throw new HttpError(
      'ERR_ANALYTICS_UNAVAILABLE',
      'this server’s metadata store keeps no analytics tables',
    );
  }
  return a;
}

/** `from`/`to`: epoch milliseconds or an ISO-8601 date/time. */
export function parseTime(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new HttpError(
      'ERR_QUERY_INVALID',
      `"${param}" must be epoch milliseconds or an ISO-8601 date, got ${JSON.stringify(value)}`,
      { hint: `e.g. ${param}=2026-11-01 or ${param}=1793491200000` },
    );
  }
  return ms;
}

export function parseCount(
  value: string | undefined,
  param: string,
  dflt: number,
  max = MAX_LAST,
): number {
  if (value === undefined || value === '') return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new HttpError(
      'ERR_QUERY_INVALID',
      `"${param}" must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function stats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0, min: null, median: null, p90: null };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? (v[mid] ?? 0) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
  return {
    count: v.length,
    min: v[0] ?? null,
    median,
    p90: v[Math.ceil(0.9 * v.length) - 1] ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Promotion funnel

function stageOf(stages: Stage[], status: string | null, repo: string | null): number {
  const s = (status ?? '').toLowerCase();
  const byName = stages.findIndex((st) => st.name.toLowerCase() === s);
  if (byName >= 0) return byName;
  return repo ? stages.findIndex((st) => st.repo === repo) : -1;
}

export async function funnel(
  svc: Services,
  q: { name?: string; from?: number; to?: number },
): Promise<FunnelReport> {
  const stages = svc.stages;
  const rows = await store(svc).statuses(
    q.name,
    q.from ?? Number.MIN_SAFE_INTEGER,
    q.to ?? Number.MAX_SAFE_INTEGER,
  );
  const byName = new Map<string, Map<number, StatusRow[]>>();
  for (const r of rows) {
    let builds = byName.get(r.name);
    if (!builds) byName.set(r.name, (builds = new Map()));
    let list = builds.get(r.id);
    if (!list) builds.set(r.id, (list = []));
    if (r.status !== null) list.push(r);
  }
  if (q.name !== undefined && !byName.has(q.name)) byName.set(q.name, new Map());
  const last = stages.length - 1;
  const funnels: BuildFunnel[] = [];
  for (const [name, builds] of byName) {
    const f: BuildFunnel = {
      name,
      published: builds.size,
      stages: stages.map((st) => ({ stage: st.name, repo: st.repo, promoted: 0, reached: 0 })),
      rolledBack: 0,
      rollbacks: 0,
      released: 0,
      leadTimeMs: stats([]),
    };
    const leadTimes: number[] = [];
    for (const [, statuses] of builds) {
      let current = 0;
      let furthest = 0;
      let rollbacks = 0;
      let releasedAt: number | undefined;
      const promotedTo = new Set<number>();
      const started = statuses[0]?.started;
      for (const s of statuses) {
        const k = stageOf(stages, s.status, s.repo);
        if (ROLLBACK_STATUSES.has((s.status ?? '').toLowerCase())) {
          rollbacks++;
          current = k >= 0 ? k : Math.max(0, current - 1);
          continue;
        }
        if (k < 0) continue;
        if (k < current) rollbacks++;
        current = k;
        furthest = Math.max(furthest, k);
        promotedTo.add(k);
        if (k === last && releasedAt === undefined && s.ts !== null) releasedAt = s.ts;
      }
      for (const k of promotedTo) {
        const st = f.stages[k];
        if (st) st.promoted++;
      }
      for (let k = 0; k <= furthest; k++) {
        const st = f.stages[k];
        if (st) st.reached++;
      }
      if (rollbacks) f.rolledBack++;
      f.rollbacks += rollbacks;
      if (last >= 0 && promotedTo.has(last)) f.released++;
      if (releasedAt !== undefined && started !== undefined)
        leadTimes.push(Math.max(0, releasedAt - started));
    }
    // Builds with no statuses still sit in the first stage.
    const first = f.stages[0];
    if (first) first.reached = f.published;
    f.leadTimeMs = stats(leadTimes);
    funnels.push(f);
  }
  return {
    from: q.from ?? null,
    to: q.to ?? null,
    stages: stages.map((s) => ({ name: s.name, repo: s.repo })),
    funnels,
  };
}

// ---------------------------------------------------------------------------------------------
// Dependencies

async function recentOrThrow(svc: Services, name: string, last: number): Promise<IndexedBuild[]> {
  const builds = await store(svc).recent(name, last);
  if (builds.length === 0) throw new HttpError('ERR_BUILD_NOT_FOUND', `no builds named "${name}"`);
  return builds;
}

export async function depVariations(
  svc: Services,
  q: { name: string; last: number; limit: number },
): Promise<DependencyVariationReport> {
  const builds = await recentOrThrow(svc, q.name, q.last);
  const numberOf = new Map(builds.map((b) => [b.id, b.number]));
  const { deps, flags } = await store(svc).depVariations(
    builds.map((b) => b.id),
    q.limit,
  );
  return {
    name: q.name,
    numbers: builds.map((b) => b.number),
    dependencies: deps,
    redFlags: flags.map((f) => ({
      name: f.name,
      version: f.version,
      checksums: f.checksums,
      numbers: f.ids.map((id) => numberOf.get(id) ?? String(id)),
    })),
  };
}

export async function loadBuild(svc: Services, name: string, number: string): Promise<BuildInfo> {
  const doc = await svc.meta.getBuild(name, number);
  if (!doc)
    throw new HttpError('ERR_BUILD_NOT_FOUND', `build "${name}" number "${number}" does not exist`);
  return doc;
}

const depKey = (module: string, d: Dependency): string =>
  `${module}\0${d.id}\0${(d.sha256 ?? d.sha1 ?? d.md5 ?? '').toLowerCase()}`;

function depKeys(info: BuildInfo): Set<string> {
  const out = new Set<string>();
  for (const m of info.modules ?? [])
    for (const d of m.dependencies ?? []) out.add(depKey(m.id, d));
  return out;
}

/** What changed in the dependencies from `older` to `newer`. */
export function dependencyDiff(older: BuildInfo, newer: BuildInfo): DependencyDiffReport {
  const d = diffBuilds(older, newer);
  const before = depKeys(older);
  let unchanged = 0;
  for (const k of depKeys(newer)) if (before.has(k)) unchanged++;
  return {
    from: d.from,
    to: d.to,
    added: d.dependencies.added,
    removed: d.dependencies.removed,
    versionChanged: d.dependencies.versionChanged,
    checksumChanged: d.dependencies.checksumChanged,
    unchanged,
  };
}

export function buildDiff(older: BuildInfo, newer: BuildInfo): BuildDiffReport {
  return diffBuilds(older, newer);
}

// ---------------------------------------------------------------------------------------------
// Sizes

function growth(
  first: Map<string, number>,
  last: Map<string, number>,
  make: (key: string) => { module: string; artifact?: string },
  top: number,
): SizeGrowth[] {
  const keys = new Set([...first.keys(), ...last.keys()]);
  const out: SizeGrowth[] = [];
  for (const k of keys) {
    const firstBytes = first.get(k) ?? 0;
    const lastBytes = last.get(k) ?? 0;
    out.push({ ...make(k), firstBytes, lastBytes, growth: lastBytes - firstBytes });
  }
  return out
    .filter((g) => g.growth > 0)
    .sort((a, b) => b.growth - a.growth)
    .slice(0, top);
}

export async function sizes(
  svc: Services,
  q: { name: string; last: number; top: number },
): Promise<SizeReport> {
  const builds = await recentOrThrow(svc, q.name, q.last);
  const rows = await store(svc).artifacts(builds.map((b) => b.id));
  const perBuild = new Map<number, ArtifactSizeRow[]>();
  for (const r of rows) {
    let list = perBuild.get(r.id);
    if (!list) perBuild.set(r.id, (list = []));
    list.push(r);
  }
  const out: BuildSize[] = [];
  let prev: number | undefined;
  for (const b of builds) {
    const list = perBuild.get(b.id) ?? [];
    const bytes = list.reduce((n, r) => n + (r.size ?? 0), 0);
    out.push({
      number: b.number,
      started: b.started,
      artifacts: list.length,
      bytes,
      unknown: list.filter((r) => r.size === null).length,
      delta: prev === undefined ? null : bytes - prev,
    });
    prev = bytes;
  }
  const totals = (id: number | undefined, key: (r: ArtifactSizeRow) => string) => {
    const m = new Map<string, number>();
    for (const r of perBuild.get(id ?? -1) ?? [])
      m.set(key(r), (m.get(key(r)) ?? 0) + (r.size ?? 0));
    return m;
  };
  const firstId = builds[0]?.id;
  const lastId = builds[builds.length - 1]?.id;
  const artKey = (r: ArtifactSizeRow): string => `${r.module}\0${r.name}`;
  return {
    name: q.name,
    builds: out,
    topBuilds: out
      .filter((b) => (b.delta ?? 0) > 0)
      .sort((a, b) => (b.delta ?? 0) - (a.delta ?? 0))
      .slice(0, q.top),
    topModules: growth(
      totals(firstId, (r) => r.module),
      totals(lastId, (r) => r.module),
      (k) => ({ module: k }),
      q.top,
    ),
    topArtifacts: growth(
      totals(firstId, artKey),
      totals(lastId, artKey),
      (k) => {
        const [module = '', artifact = ''] = k.split('\0');
        return { module, artifact };
      },
      q.top,
    ),
  };
}

export async function storage(svc: Services): Promise<StorageReport> {
  const s = await store(svc).storage();
  const files = s.repos.reduce((n, r) => n + r.files, 0);
  const logicalBytes = s.repos.reduce((n, r) => n + r.logicalBytes, 0);
  return {
    repositories: s.repos,
    total: {
      files,
      logicalBytes,
      physicalBytes: s.physicalBytes,
      blobs: s.blobs,
      savedBytes: logicalBytes - s.physicalBytes,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Docker images (build-info modules of type docker; their artifacts are the layers)

/** `registry:5000/team/app:1.2` → image and tag; `app@sha256:…` → image and digest. */
export function splitImage(id: string): { image: string; tag: string | null } {
  const at = id.indexOf('@');
  if (at > 0) return { image: id.slice(0, at), tag: id.slice(at + 1) };
  const colon = id.lastIndexOf(':');
  if (colon > id.lastIndexOf('/')) return { image: id.slice(0, colon), tag: id.slice(colon + 1) };
  return { image: id, tag: null };
}

const layerDigest = (r: ArtifactSizeRow): string => (r.sha256 ? `sha256:${r.sha256}` : r.name);

function imagesOf(rows: ArtifactSizeRow[]): Map<string, ArtifactSizeRow[]> {
  const out = new Map<string, ArtifactSizeRow[]>();
  for (const r of rows) {
    let list = out.get(r.module);
    if (!list) out.set(r.module, (list = []));
    list.push(r);
  }
  return out;
}

export async function images(
  svc: Services,
  q: { name: string; last: number; image?: string },
): Promise<ImageReport> {
  const builds = await recentOrThrow(svc, q.name, q.last);
  const rows = await store(svc).artifacts(
    builds.map((b) => b.id),
    true,
  );
  const byBuild = new Map<number, ArtifactSizeRow[]>();
  for (const r of rows) {
    let list = byBuild.get(r.id);
    if (!list) byBuild.set(r.id, (list = []));
    list.push(r);
  }
  const previous = new Map<string, Set<string>>();
  const runs: ImageReport['runs'] = [];
  for (const b of builds) {
    const list = byBuild.get(b.id);
    if (!list) continue;
    const imgs: ImageRun[] = [];
    for (const [module, layers] of imagesOf(list)) {
      const { image, tag } = splitImage(module);
      if (q.image !== undefined && image !== q.image && module !== q.image) continue;
      const before = previous.get(image);
      const run: ImageRun = {
        module,
        image,
        tag,
        size: 0,
        layers: [],
        newLayers: 0,
        newBytes: 0,
      };
      for (const l of layers) {
        const digest = layerDigest(l);
        const isNew = before !== undefined && !before.has(digest);
        run.layers.push({ digest, size: l.size, new: isNew });
        run.size += l.size ?? 0;
        if (isNew) {
          run.newLayers++;
          run.newBytes += l.size ?? 0;
        }
      }
      previous.set(image, new Set(run.layers.map((l) => l.digest)));
      imgs.push(run);
    }
    if (imgs.length) runs.push({ number: b.number, started: b.started, images: imgs });
  }
  return { name: q.name, runs };
}

function layerSet(layers: { digest: string; size: number | null }[]): LayerSet {
  return {
    count: layers.length,
    bytes: layers.reduce((n, l) => n + (l.size ?? 0), 0),
    layers,
  };
}

export async function imageDiff(
  svc: Services,
  older: { name: string; number: string },
  newer: { name: string; number: string },
): Promise<ImageDiffReport> {
  const a = store(svc);
  const find = async (b: { name: string; number: string }): Promise<IndexedBuild> => {
    const found = await a.find(b.name, b.number);
    if (!found)
      throw new HttpError(
        'ERR_BUILD_NOT_FOUND',
        `build "${b.name}" number "${b.number}" does not exist`,
      );
    return found;
  };
  const ob = await find(older);
  const nb = await find(newer);
  const rows = await a.artifacts([ob.id, nb.id], true);
  const side = (id: number): Map<string, { module: string; layers: ArtifactSizeRow[] }> => {
    const out = new Map<string, { module: string; layers: ArtifactSizeRow[] }>();
    for (const [module, layers] of imagesOf(rows.filter((r) => r.id === id)))
      out.set(splitImage(module).image, { module, layers });
    return out;
  };
  const before = side(ob.id);
  const after = side(nb.id);
  const out: ImageDiff[] = [];
  for (const image of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const o = before.get(image);
    const n = after.get(image);
    const toLayer = (r: ArtifactSizeRow): { digest: string; size: number | null } => ({
      digest: layerDigest(r),
      size: r.size,
    });
    const oldLayers = (o?.layers ?? []).map(toLayer);
    const newLayers = (n?.layers ?? []).map(toLayer);
    const oldSet = new Set(oldLayers.map((l) => l.digest));
    const newSet = new Set(newLayers.map((l) => l.digest));
    out.push({
      image,
      from: o?.module ?? null,
      to: n?.module ?? null,
      shared: layerSet(newLayers.filter((l) => oldSet.has(l.digest))),
      new: layerSet(newLayers.filter((l) => !oldSet.has(l.digest))),
      removed: layerSet(oldLayers.filter((l) => !newSet.has(l.digest))),
    });
  }
  return {
    from: { name: older.name, number: older.number },
    to: { name: newer.name, number: newer.number },
    images: out,
  };
}

// ---------------------------------------------------------------------------------------------
// Artifactory's build diff: GET /api/build/{name}/{number}?diff={otherNumber}

type DiffStatus = 'new' | 'updated' | 'unchanged' | 'removed';

export interface ArtifactoryDiffEntry {
  name: string;
  module: string;
  type?: string;
  sha1?: string;
  sha256?: string;
  md5?: string;
  status: DiffStatus;
  /** For `updated`: the other build's id/name and checksums. */
  diffName?: string;
  diffSha1?: string;
  diffSha256?: string;
  diffMd5?: string;
}

export interface ArtifactoryPropertyDiff {
  key: string;
  value?: string;
  diffValue?: string;
  status: DiffStatus;
}

interface Section<T> {
  updated: T[];
  unchanged: T[];
  removed: T[];
  new: T[];
}

export interface ArtifactoryBuildDiff {
  artifacts: Section<ArtifactoryDiffEntry>;
  dependencies: Section<ArtifactoryDiffEntry>;
  properties: Section<ArtifactoryPropertyDiff>;
}

const section = <T>(): Section<T> => ({ updated: [], unchanged: [], removed: [], new: [] });
const sumOf = (x: { sha256?: string; sha1?: string; md5?: string }): string =>
  (x.sha256 ?? x.sha1 ?? x.md5 ?? '').toLowerCase();

function entry(
  module: string,
  name: string,
  x: Artifact | Dependency,
  status: DiffStatus,
): ArtifactoryDiffEntry {
  const e: ArtifactoryDiffEntry = { name, module, status };
  if (x.type !== undefined) e.type = x.type;
  if (x.sha1 !== undefined) e.sha1 = x.sha1;
  if (x.sha256 !== undefined) e.sha256 = x.sha256;
  if (x.md5 !== undefined) e.md5 = x.md5;
  return e;
}

function withDiff(
  e: ArtifactoryDiffEntry,
  name: string,
  x: Artifact | Dependency,
): ArtifactoryDiffEntry {
  e.diffName = name;
  if (x.sha1 !== undefined) e.diffSha1 = x.sha1;
  if (x.sha256 !== undefined) e.diffSha256 = x.sha256;
  if (x.md5 !== undefined) e.diffMd5 = x.md5;
  return e;
}

/**
 * Artifactory's build comparison of `build` against the older `other`: artifacts matched by
 * module and name, dependencies by module and package (a new version is `updated`, as is the
 * same version with other content), build properties by key.
 */
export function artifactoryDiff(build: BuildInfo, other: BuildInfo): ArtifactoryBuildDiff {
  const d = diffBuilds(other, build);
  const out: ArtifactoryBuildDiff = {
    artifacts: section(),
    dependencies: section(),
    properties: section(),
  };
  const arts = (info: BuildInfo): Map<string, { module: string; a: Artifact }> =>
    new Map(
      (info.modules ?? []).flatMap((m) =>
        (m.artifacts ?? []).map((a) => [`${m.id}\0${a.name}`, { module: m.id, a }] as const),
      ),
    );
  const newArts = arts(build);
  const oldArts = arts(other);
  for (const [k, n] of newArts) {
    const o = oldArts.get(k);
    if (!o) out.artifacts.new.push(entry(n.module, n.a.name, n.a, 'new'));
    else if (sumOf(o.a) !== sumOf(n.a) || o.a.size !== n.a.size)
      out.artifacts.updated.push(
        withDiff(entry(n.module, n.a.name, n.a, 'updated'), o.a.name, o.a),
      );
    else out.artifacts.unchanged.push(entry(n.module, n.a.name, n.a, 'unchanged'));
  }
  for (const [k, o] of oldArts)
    if (!newArts.has(k)) out.artifacts.removed.push(entry(o.module, o.a.name, o.a, 'removed'));

  const deps = (info: BuildInfo): Map<string, { module: string; dep: Dependency }> =>
    new Map(
      (info.modules ?? []).flatMap((m) =>
        (m.dependencies ?? []).map((dep) => [`${m.id}\0${dep.id}`, { module: m.id, dep }] as const),
      ),
    );
  const newDeps = deps(build);
  const oldDeps = deps(other);
  // diffBuilds classifies; this only lays its result out as Artifactory does.
  const matchedNew = new Set<string>();
  const matchedOld = new Set<string>();
  const updated = (key: string, oldKey: string): void => {
    const n = newDeps.get(key);
    const o = oldDeps.get(oldKey);
    if (!n || !o || matchedNew.has(key)) return;
    matchedNew.add(key);
    matchedOld.add(oldKey);
    out.dependencies.updated.push(
      withDiff(entry(n.module, n.dep.id, n.dep, 'updated'), o.dep.id, o.dep),
    );
  };
  for (const c of d.dependencies.versionChanged) {
    const pkg = splitDependencyId(c.id).pkg;
    const old = [...oldDeps.entries()].find(
      ([, o]) =>
        o.module === c.module &&
        splitDependencyId(o.dep.id).pkg === pkg &&
        splitDependencyId(o.dep.id).version === c.from,
    );
    if (old) updated(`${c.module}\0${c.id}`, old[0]);
  }
  for (const c of d.dependencies.checksumChanged)
    updated(`${c.module}\0${c.id}`, `${c.module}\0${c.id}`);
  for (const [k, n] of newDeps) {
    if (matchedNew.has(k)) continue;
    if (oldDeps.has(k))
      out.dependencies.unchanged.push(entry(n.module, n.dep.id, n.dep, 'unchanged'));
    else out.dependencies.new.push(entry(n.module, n.dep.id, n.dep, 'new'));
  }
  for (const [k, o] of oldDeps)
    if (!newDeps.has(k) && !matchedOld.has(k))
      out.dependencies.removed.push(entry(o.module, o.dep.id, o.dep, 'removed'));

  const np = build.properties ?? {};
  const op = other.properties ?? {};
  for (const [key, value] of Object.entries(np)) {
    if (!(key in op)) out.properties.new.push({ key, value, status: 'new' });
    else if (op[key] !== value)
      out.properties.updated.push({ key, value, diffValue: op[key] ?? '', status: 'updated' });
    else out.properties.unchanged.push({ key, value, status: 'unchanged' });
  }
  for (const [key, value] of Object.entries(op))
    if (!(key in np)) out.properties.removed.push({ key, value, status: 'removed' });
  return out;
}
