/**
 * Dependency capture: reads what a package manager resolved (its lockfile or installed set)
 * into build-info dependencies with checksums. Each tool has one collector in this folder;
 * the CLI's `stowage build add-deps <tool>` calls `collectDependencies`, then cross-checks the
 * result against what the server recorded as downloaded for the build (`mergeWithDownloads`).
 */
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import { collectPip } from './pip.ts';
import { collectMaven } from './maven.ts';
import { collectGo } from './go.ts';
import { collectNpm } from './npm.ts';
import { collectR } from './r.ts';
import { collectConda } from './conda.ts';
import { collectNuget } from './nuget.ts';

export interface DepsOptions {
  /** Project directory. */
  dir: string;
  /** A specific lockfile or manifest; each collector has its default. */
  file?: string;
}

export type DepsCollector = (opts: DepsOptions) => Promise<Dependency[]>;

/** Collectors by tool name; a format adds its own here. */
export const DEPS_COLLECTORS: Record<string, DepsCollector> = {
  pip: collectPip,
  maven: collectMaven,
  go: collectGo,
  npm: collectNpm,
  r: collectR,
  conda: collectConda,
  nuget: collectNuget,
};

export async function collectDependencies(tool: string, opts: DepsOptions): Promise<Dependency[]> {
  const collect = DEPS_COLLECTORS[tool];
  if (!collect) {
    const known = Object.keys(DEPS_COLLECTORS).sort();
    throw new StowageError(
      'ERR_DEPS_UNKNOWN_TOOL',
      `cannot collect dependencies of "${tool}": ${known.length ? `known tools are ${known.join(', ')}` : 'no tools are supported yet'}`,
    );
  }
  return collect(opts);
}

/** One file the server served for a build (GET /api/stowage/v1/builds/{name}/{number}/downloads). */
export interface RecordedDownload {
  repo: string;
  path: string;
  sha1: string;
  sha256: string;
  md5: string;
}

/**
 * Cross-checks collected dependencies with the server's download records. A dependency is
 * paired with the file served for it by checksum, else by id (`idOf` maps a download's path
 * to the id the tool's collector uses, see DOWNLOAD_IDS); a paired dependency takes the
 * served file's checksums. A recorded download that no dependency claims is added under its
 * id (downloads `idOf` maps to undefined, i.e. metadata, are left out). Every dependency
 * appears exactly once (by sha256, else sha1, else id).
 */
export function mergeWithDownloads(
  deps: Dependency[],
  downloads: RecordedDownload[],
  idOf: (path: string) => string | undefined = (path) => path,
): Dependency[] {
  const byChecksum = new Map<string, RecordedDownload>();
  const byId = new Map<string, RecordedDownload>();
  for (const dl of downloads) {
    for (const sum of [dl.sha256, dl.sha1, dl.md5]) byChecksum.set(sum, dl);
    const id = idOf(dl.path);
    // Ids compare case-insensitively: NuGet stores lower-cased ids, lockfiles keep the case.
    const key = id?.toLowerCase();
    if (key !== undefined && !byId.has(key)) byId.set(key, dl);
  }
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const claimed = new Set<RecordedDownload>();
  const add = (d: Dependency): void => {
    const key = d.sha256 ?? d.sha1 ?? d.md5 ?? `id:${d.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  for (const d of deps) {
    const dl =
      (d.sha256 && byChecksum.get(d.sha256)) ||
      (d.sha1 && byChecksum.get(d.sha1)) ||
      (d.md5 && byChecksum.get(d.md5)) ||
      byId.get(d.id.toLowerCase());
    if (!dl) {
      add(d);
      continue;
    }
    claimed.add(dl);
    add({ ...d, sha1: dl.sha1, sha256: dl.sha256, md5: dl.md5 });
  }
  for (const dl of downloads) {
    const id = idOf(dl.path);
    if (claimed.has(dl) || id === undefined) continue;
    add({ id, sha1: dl.sha1, sha256: dl.sha256, md5: dl.md5 });
  }
  return out;
}
