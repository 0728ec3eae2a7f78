import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

interface RenvPackage {
  Package?: string;
  Version?: string;
  Source?: string;
  Repository?: string;
  Requirements?: string[];
}

/**
 * Reads `renv.lock`: one dependency per locked package, id `name:version`, requestedBy from the
 * packages whose `Requirements` name it. renv's `Hash` digests DESCRIPTION fields, not the
 * package file, so checksums come from the server's download records instead.
 */
export async function collectR(opts: DepsOptions): Promise<Dependency[]> {
  const file = opts.file ?? join(opts.dir, 'renv.lock');
  let lock: { Packages?: Record<string, RenvPackage> };
  try {
    lock = JSON.parse(await readFile(file, 'utf8')) as typeof lock;
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!lock.Packages || typeof lock.Packages !== 'object') {
    throw new StowageError('ERR_DEPS_LOCKFILE', `${file} has no "Packages" object`);
  }
  const pkgs = Object.entries(lock.Packages).map(([key, p]) => ({
    name: p.Package ?? key,
    version: p.Version ?? '',
    requires: p.Requirements ?? [],
  }));
  const idOf = new Map(pkgs.map((p) => [p.name, `${p.name}:${p.version}`]));
  return pkgs.map((p) => {
    const dep: Dependency = { id: `${p.name}:${p.version}`, type: 'tar.gz' };
    const by = pkgs
      .filter((q) => q.requires.includes(p.name))
      .map((q) => [idOf.get(q.name) ?? q.name]);
    if (by.length) dep.requestedBy = by;
    return dep;
  });
}
