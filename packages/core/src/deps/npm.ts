import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}

/** The package name a `node_modules/…` key installs. */
function nameOfKey(key: string): string {
  const at = key.lastIndexOf('node_modules/');
  return key.slice(at + 'node_modules/'.length);
}

/** Where Node would find `dep` from the package installed at `from` (walking up node_modules). */
function locate(pkgs: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (pkgs[key]) return key;
    if (base === '') return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** sha1 hex from an SRI string when it carries one (sha512 is not a build-info field). */
function sha1Of(integrity: string | undefined): string | undefined {
  for (const e of (integrity ?? '').trim().split(/\s+/)) {
    if (e.startsWith('sha1-')) return Buffer.from(e.slice(5), 'base64').toString('hex');
  }
  return undefined;
}

/**
 * Reads `package-lock.json` (lockfileVersion 2 or 3): one dependency per installed package,
 * id `name:version`, scope `dev` or `prod`, requestedBy chains up to the project (ids of the
 * dependents, direct parent first). sha256/md5 come from the server's download records.
 */
export async function collectNpm(opts: DepsOptions): Promise<Dependency[]> {
  const file = opts.file ?? join(opts.dir, 'package-lock.json');
  let lock: Lockfile;
  try {
    lock = JSON.parse(await readFile(file, 'utf8')) as Lockfile;
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new StowageError(
      'ERR_DEPS_LOCKFILE',
      `${file} is lockfileVersion ${String(lock.lockfileVersion)}; npm 7 or later writes 2 or 3`,
    );
  }
  const pkgs = lock.packages;
  const idOf = (key: string): string => {
    const e = pkgs[key];
    return `${e?.name ?? nameOfKey(key)}:${e?.version ?? ''}`;
  };
  const rootId = `${pkgs['']?.name ?? lock.name ?? 'project'}:${pkgs['']?.version ?? lock.version ?? ''}`;
  // Dependents of each installed package.
  const parents = new Map<string, Set<string>>();
  for (const [key, e] of Object.entries(pkgs)) {
    if (e.link) continue;
    const deps = { ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies };
    for (const dep of Object.keys(deps)) {
      const at = locate(pkgs, key, dep);
      if (!at) continue;
      let set = parents.get(at);
      if (!set) parents.set(at, (set = new Set()));
      set.add(key);
    }
  }
  const chains = (key: string): string[][] => {
    const out: string[][] = [];
    const walk = (k: string, path: string[], seen: Set<string>): void => {
      if (out.length >= 10) return;
      const ps = [...(parents.get(k) ?? [])];
      if (ps.length === 0 || ps.includes('')) {
        out.push([...path, rootId]);
        return;
      }
      for (const p of ps) {
        if (seen.has(p)) continue;
        walk(p, [...path, idOf(p)], new Set(seen).add(p));
      }
    };
    walk(key, [], new Set([key]));
    return out;
  };
  const out: Dependency[] = [];
  for (const [key, e] of Object.entries(pkgs)) {
    if (key === '' || e.link || !key.includes('node_modules/') || !e.version) continue;
    const d: Dependency = { id: idOf(key), type: 'tgz', scopes: [e.dev ? 'dev' : 'prod'] };
    const sha1 = sha1Of(e.integrity);
    if (sha1) d.sha1 = sha1;
    const by = chains(key);
    if (by.length) d.requestedBy = by;
    out.push(d);
  }
  return out;
}
