import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

interface LockedPackage {
  type?: string;
  resolved?: string;
  contentHash?: string;
  dependencies?: Record<string, string>;
}

/**
 * Reads NuGet's `packages.lock.json` (`RestorePackagesWithLockFile`): one dependency per
 * package (the same package in several target frameworks counted once), id `Name:resolved`,
 * type `nupkg`, scope `Direct` or `Transitive` as the lock file says, requestedBy from the
 * packages whose `dependencies` name it. `contentHash` is a base64 SHA-512, which build-info
 * has no field for, so checksums come from the server's download records instead. Project
 * references (`type: Project`) are not packages and are left out.
 */
export async function collectNuget(opts: DepsOptions): Promise<Dependency[]> {
  const file = opts.file ?? join(opts.dir, 'packages.lock.json');
  let lock: { dependencies?: Record<string, Record<string, LockedPackage>> };
  try {
    lock = JSON.parse(await readFile(file, 'utf8')) as typeof lock;
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!lock.dependencies || typeof lock.dependencies !== 'object') {
    throw new StowageError('ERR_DEPS_LOCKFILE', `${file} has no "dependencies" object`);
  }
  const pkgs = new Map<string, { name: string; version: string; scopes: Set<string> }>();
  const edges: [string, string][] = [];
  for (const frameworkDeps of Object.values(lock.dependencies)) {
    for (const [name, p] of Object.entries(frameworkDeps ?? {})) {
      if (!p.resolved || p.type === 'Project') continue;
      const key = name.toLowerCase();
      const entry = pkgs.get(key) ?? { name, version: p.resolved, scopes: new Set<string>() };
      if (p.type === 'Direct' || p.type === 'Transitive') entry.scopes.add(p.type);
      pkgs.set(key, entry);
      for (const child of Object.keys(p.dependencies ?? {})) edges.push([key, child.toLowerCase()]);
    }
  }
  const idOf = (key: string): string | undefined => {
    const p = pkgs.get(key);
    return p ? `${p.name}:${p.version}` : undefined;
  };
  const out: Dependency[] = [];
  for (const [key, p] of pkgs) {
    const dep: Dependency = { id: `${p.name}:${p.version}`, type: 'nupkg' };
    if (p.scopes.size) dep.scopes = [...p.scopes].sort();
    const by = [
      ...new Set(edges.filter(([, c]) => c === key).map(([parent]) => idOf(parent) ?? parent)),
    ].map((id) => [id]);
    if (by.length) dep.requestedBy = by;
    out.push(dep);
  }
  return out;
}
