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
  npm: collectNpm,
  go: collectGo,
  r: collectR,
  conda: collectConda,
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
 * Cross-checks collected dependencies with the server's download records: a dependency whose
 * file was downloaded gets any checksum it lacked; a recorded download no dependency claims is
 * added (id = its path). Every dependency appears exactly once (by sha256, else sha1, else id).
 */
export function mergeWithDownloads(
  deps: Dependency[],
  downloads: RecordedDownload[],
  idOf: (d: RecordedDownload) => string = (d) => d.path,
): Dependency[] {
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const keyOf = (d: Dependency): string => d.sha256 ?? d.sha1 ?? d.md5 ?? `id:${d.id}`;
  const byChecksum = new Map<string, RecordedDownload>();
  for (const dl of downloads) {
    byChecksum.set(dl.sha256, dl);
    byChecksum.set(dl.sha1, dl);
    byChecksum.set(dl.md5, dl);
  }
  const claimed = new Set<RecordedDownload>();
  for (const d of deps) {
    const dl =
      (d.sha256 && byChecksum.get(d.sha256)) ||
      (d.sha1 && byChecksum.get(d.sha1)) ||
      (d.md5 && byChecksum.get(d.md5)) ||
      undefined;
    const merged: Dependency = dl
      ? { ...d, sha1: d.sha1 ?? dl.sha1, sha256: d.sha256 ?? dl.sha256, md5: d.md5 ?? dl.md5 }
      : d;
    if (dl) claimed.add(dl);
    const key = keyOf(merged);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(merged);
  }
  for (const dl of downloads) {
    if (claimed.has(dl) || seen.has(dl.sha256)) continue;
    seen.add(dl.sha256);
    out.push({ id: idOf(dl), sha1: dl.sha1, sha256: dl.sha256, md5: dl.md5 });
  }
  return out;
}
