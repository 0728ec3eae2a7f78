/**
 * Operations over whole builds: publishing a partial build-info that merges with what the server
 * already holds (several jobs of one workflow run each add their part), and the difference
 * between two builds (dependencies and artifacts added, removed or changed).
 */
import { mergeBuildInfo, type Artifact, type BuildInfo, type Dependency } from './buildinfo.ts';
import type { ArtifactChange, BuildDiff, DependencyChange } from './analytics.ts';
import type { BuildsClient } from './client/builds.ts';
import { isStowageError } from './errors.ts';

/**
 * `info` merged over `existing` (the build of the same name and number already published), as
 * publishing does: modules, artifacts and dependencies are unioned (de-duplicated by checksum),
 * properties and vcs merged, statuses kept, `started` is the earlier of the two and
 * `durationMillis` spans both parts.
 */
export function mergePublished(existing: BuildInfo | undefined, info: BuildInfo): BuildInfo {
  if (!existing) return info;
  const merged = mergeBuildInfo(existing, info);
  const end = Math.max(endOf(existing), endOf(info));
  merged.durationMillis = Math.max(0, end - Date.parse(isoOf(merged.started)));
  return merged;
}

/** How often publishMerged re-reads and re-merges when another publisher wrote in between. */
const MERGE_ATTEMPTS = 20;

/**
 * Publishes `info` merged over the build of the same name and number already on the server, if
 * any (GET, mergePublished, PUT). Returns what was published.
 *
 * The PUT is conditional on what was read (If-Match on the build's ETag, or If-None-Match when
 * there was none): when two jobs publish parts of one build at the same instant, the later
 * write is refused with 412, re-reads the build and merges again, so neither part is lost. A
 * server that sends no ETag (Artifactory) gets the plain GET-merge-PUT.
 */
export async function publishMerged(
  client: Pick<BuildsClient, 'getBuildRevision' | 'publishBuild'>,
  info: BuildInfo,
): Promise<BuildInfo> {
  for (let attempt = 1; ; attempt++) {
    let existing: { info: BuildInfo; revision?: string } | undefined;
    try {
      existing = await client.getBuildRevision(info.name, info.number);
    } catch (err) {
      if (!(isStowageError(err) && err.status === 404)) throw err;
    }
    const merged = mergePublished(existing?.info, info);
    try {
      await client.publishBuild(
        merged,
        existing
          ? existing.revision
            ? { ifMatch: existing.revision }
            : {}
          : { ifNoneMatch: true },
      );
      return merged;
    } catch (err) {
      if (!(isStowageError(err) && err.status === 412) || attempt >= MERGE_ATTEMPTS) throw err;
    }
  }
}

function isoOf(started: string): string {
  // yyyy-MM-dd'T'HH:mm:ss.SSS+hhmm → an offset Date.parse accepts (+hh:mm).
  return started.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

function endOf(info: BuildInfo): number {
  return Date.parse(isoOf(info.started)) + (info.durationMillis ?? 0);
}

export function splitDependencyId(id: string): { pkg: string; version?: string } {
  const at = id.lastIndexOf('@');
  if (at > 0) return { pkg: id.slice(0, at), version: id.slice(at + 1) };
  const colon = id.lastIndexOf(':');
  if (colon > 0) return { pkg: id.slice(0, colon), version: id.slice(colon + 1) };
  return { pkg: id };
}

const checksumOf = (x: { sha256?: string; sha1?: string; md5?: string }): string | undefined =>
  x.sha256 ?? x.sha1 ?? x.md5;

/** What changed from build `a` (older) to build `b` (newer). Modules are matched by id. */
export function diffBuilds(a: BuildInfo, b: BuildInfo): BuildDiff {
  const diff: BuildDiff = {
    from: { name: a.name, number: a.number },
    to: { name: b.name, number: b.number },
    dependencies: { added: [], removed: [], versionChanged: [], checksumChanged: [] },
    artifacts: { added: [], removed: [], changed: [] },
  };

  const deps = (info: BuildInfo): Map<string, { module: string; dep: Dependency }[]> => {
    const out = new Map<string, { module: string; dep: Dependency }[]>();
    for (const m of info.modules ?? []) {
      for (const dep of m.dependencies ?? []) {
        const key = `${m.id}\u0000${splitDependencyId(dep.id).pkg}`;
        const list = out.get(key) ?? [];
        list.push({ module: m.id, dep });
        out.set(key, list);
      }
    }
    return out;
  };
  const before = deps(a);
  const after = deps(b);
  const change = (module: string, x?: Dependency, y?: Dependency): DependencyChange => {
    const c: DependencyChange = { id: (y ?? x)?.id ?? '', module };
    const vx = x ? splitDependencyId(x.id).version : undefined;
    const vy = y ? splitDependencyId(y.id).version : undefined;
    if (vx !== undefined) c.from = vx;
    if (vy !== undefined) c.to = vy;
    const sx = x ? checksumOf(x) : undefined;
    const sy = y ? checksumOf(y) : undefined;
    if (sx !== undefined) c.fromSha256 = sx;
    if (sy !== undefined) c.toSha256 = sy;
    return c;
  };
  for (const [key, olds] of before) {
    const news = after.get(key) ?? [];
    const newIds = new Map(news.map((n) => [n.dep.id, n.dep]));
    const oldIds = new Map(olds.map((o) => [o.dep.id, o.dep]));
    const module = olds[0]?.module ?? '';
    const gone = olds.filter((o) => !newIds.has(o.dep.id));
    const came = news.filter((n) => !oldIds.has(n.dep.id));
    // One version replaced by another: a version change; anything else: added/removed.
    if (gone.length === 1 && came.length === 1) {
      diff.dependencies.versionChanged.push(change(module, gone[0]?.dep, came[0]?.dep));
    } else {
      for (const g of gone) diff.dependencies.removed.push(change(module, g.dep));
      for (const c of came) diff.dependencies.added.push(change(module, undefined, c.dep));
    }
    for (const o of olds) {
      const n = newIds.get(o.dep.id);
      if (!n) continue;
      const sx = checksumOf(o.dep);
      const sy = checksumOf(n);
      if (sx !== undefined && sy !== undefined && sx !== sy) {
        diff.dependencies.checksumChanged.push(change(module, o.dep, n));
      }
    }
  }
  for (const [key, news] of after) {
    if (before.has(key)) continue;
    for (const n of news) diff.dependencies.added.push(change(n.module, undefined, n.dep));
  }

  const arts = (info: BuildInfo): Map<string, ArtifactChange & { art: Artifact }> => {
    const out = new Map<string, ArtifactChange & { art: Artifact }>();
    for (const m of info.modules ?? []) {
      for (const art of m.artifacts ?? []) {
        // By name: builds usually upload into a folder per build number (…/41/, …/42/).
        const path = art.path ?? art.name;
        out.set(`${m.id}\u0000${art.name}`, { module: m.id, path, art });
      }
    }
    return out;
  };
  const artChange = (x?: Artifact, y?: Artifact, module = '', path = ''): ArtifactChange => {
    const c: ArtifactChange = { module, path };
    if (x?.size !== undefined) c.fromSize = x.size;
    if (y?.size !== undefined) c.toSize = y.size;
    const sx = x ? checksumOf(x) : undefined;
    const sy = y ? checksumOf(y) : undefined;
    if (sx !== undefined) c.fromSha256 = sx;
    if (sy !== undefined) c.toSha256 = sy;
    return c;
  };
  const oldArts = arts(a);
  const newArts = arts(b);
  for (const [key, o] of oldArts) {
    const n = newArts.get(key);
    if (!n) diff.artifacts.removed.push(artChange(o.art, undefined, o.module, o.path));
    else if (checksumOf(o.art) !== checksumOf(n.art) || o.art.size !== n.art.size)
      diff.artifacts.changed.push(artChange(o.art, n.art, n.module, n.path));
  }
  for (const [key, n] of newArts) {
    if (!oldArts.has(key)) diff.artifacts.added.push(artChange(undefined, n.art, n.module, n.path));
  }
  for (const list of [
    diff.dependencies.added,
    diff.dependencies.removed,
    diff.dependencies.versionChanged,
    diff.dependencies.checksumChanged,
  ]) {
    list.sort((x, y) => x.module.localeCompare(y.module) || x.id.localeCompare(y.id));
  }
  for (const list of [diff.artifacts.added, diff.artifacts.removed, diff.artifacts.changed]) {
    list.sort((x, y) => x.module.localeCompare(y.module) || x.path.localeCompare(y.path));
  }
  return diff;
}
