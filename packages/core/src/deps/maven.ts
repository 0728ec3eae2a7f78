/**
 * `maven`: reads what Maven resolved, from either
 * - `mvn dependency:tree -DoutputType=tgf -DoutputFile=target/dependencies.tgf` (the default
 *   file; gives `requestedBy` chains), or
 * - `mvn dependency:list -DoutputFile=target/dependencies.txt` (a flat list; no chains),
 * into dependencies with id `group:artifact:version` (plus `:classifier` when there is one).
 * With `localRepo` (the Maven local repository the build used) each file is hashed there.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { hashFile } from '../checksums.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

export interface MavenDepsOptions extends DepsOptions {
  /** Maven's local repository (default: none, so no checksums; the server's download records add them). */
  localRepo?: string;
}

/** One coordinate as Maven prints it: g:a:type[:classifier]:version[:scope]. */
export interface MavenCoordinate {
  groupId: string;
  artifactId: string;
  type: string;
  classifier?: string;
  version: string;
  scope?: string;
}

const SCOPES = new Set(['compile', 'provided', 'runtime', 'test', 'system', 'import']);

export function parseCoordinate(text: string): MavenCoordinate | undefined {
  // dependency:list appends " -- module x" (and "(optional)") on Java 9+.
  const parts = text.trim().split(/\s+/)[0]?.split(':') ?? [];
  if (parts.length < 4) return undefined;
  const [groupId, artifactId, type] = parts as [string, string, string];
  let rest = parts.slice(3);
  let scope: string | undefined;
  if (rest.length >= 2 && SCOPES.has(rest[rest.length - 1] as string)) {
    scope = rest[rest.length - 1];
    rest = rest.slice(0, -1);
  }
  const c: MavenCoordinate = { groupId, artifactId, type, version: '' };
  if (rest.length === 2) {
    c.classifier = rest[0] as string;
    c.version = rest[1] as string;
  } else if (rest.length === 1) {
    c.version = rest[0] as string;
  } else {
    return undefined;
  }
  if (scope) c.scope = scope;
  return c;
}

export function coordinateId(c: MavenCoordinate): string {
  return `${c.groupId}:${c.artifactId}:${c.version}${c.classifier ? `:${c.classifier}` : ''}`;
}

/** Where a coordinate's file sits in a Maven local repository. */
export function localPath(localRepo: string, c: MavenCoordinate): string {
  const ext = ['jar', 'pom', 'war', 'ear', 'zip', 'aar'].includes(c.type) ? c.type : 'jar';
  const classifier = c.classifier ?? (c.type === 'test-jar' ? 'tests' : undefined);
  const name = `${c.artifactId}-${c.version}${classifier ? `-${classifier}` : ''}.${ext}`;
  return join(localRepo, ...c.groupId.split('.'), c.artifactId, c.version, name);
}

interface Parsed {
  coordinate: MavenCoordinate;
  requestedBy: string[][];
}

/** Parses dependency:tree's TGF output: nodes, a `#`, then edges `from to scope`. */
export function parseTgf(text: string): Parsed[] {
  const lines = text.split(/\r?\n/);
  const sep = lines.findIndex((l) => l.trim() === '#');
  const nodes = new Map<string, MavenCoordinate>();
  const parent = new Map<string, string>();
  let root: string | undefined;
  for (const line of lines.slice(0, sep)) {
    const m = /^(\S+)\s+(.+)$/.exec(line.trim());
    const c = m && parseCoordinate(m[2] as string);
    if (!m || !c) continue;
    nodes.set(m[1] as string, c);
    root ??= m[1];
  }
  for (const line of lines.slice(sep + 1)) {
    const [from, to, scope] = line.trim().split(/\s+/);
    if (!from || !to) continue;
    parent.set(to, from);
    const c = nodes.get(to);
    if (c && scope && !c.scope) c.scope = scope;
  }
  const out: Parsed[] = [];
  for (const [key, c] of nodes) {
    if (key === root) continue;
    const chain: string[] = [];
    for (let p = parent.get(key); p !== undefined; p = parent.get(p)) {
      const pc = nodes.get(p);
      if (pc) chain.push(coordinateId(pc));
      if (chain.length > 100) break;
    }
    out.push({ coordinate: c, requestedBy: chain.length ? [chain] : [] });
  }
  return out;
}

/** Parses dependency:list's output file ("The following files have been resolved:" then one per line). */
export function parseList(text: string): Parsed[] {
  const out: Parsed[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/^\s+\S+:\S+:\S+:\S+/.test(line)) continue;
    const c = parseCoordinate(line);
    if (c) out.push({ coordinate: c, requestedBy: [] });
  }
  return out;
}

export async function collectMaven(opts: MavenDepsOptions): Promise<Dependency[]> {
  const candidates = opts.file
    ? [opts.file]
    : [join(opts.dir, 'target', 'dependencies.tgf'), join(opts.dir, 'target', 'dependencies.txt')];
  let text: string | undefined;
  let file = '';
  for (const f of candidates) {
    try {
      text = await readFile(f, 'utf8');
      file = f;
      break;
    } catch {
      // try the next one
    }
  }
  if (text === undefined) {
    throw new StowageError(
      'ERR_DEPS_LOCKFILE',
      `no Maven dependency file at ${candidates.join(' or ')}: run mvn dependency:tree -DoutputType=tgf -DoutputFile=target/dependencies.tgf first`,
    );
  }
  const parsed = /^\s*#\s*$/m.test(text) ? parseTgf(text) : parseList(text);
  const byId = new Map<string, Dependency>();
  for (const { coordinate: c, requestedBy } of parsed) {
    const id = coordinateId(c);
    const prev = byId.get(id);
    if (prev) {
      if (c.scope && !prev.scopes?.includes(c.scope))
        prev.scopes = [...(prev.scopes ?? []), c.scope];
      if (requestedBy.length) prev.requestedBy = [...(prev.requestedBy ?? []), ...requestedBy];
      continue;
    }
    const d: Dependency = { id, type: c.type };
    if (c.scope) d.scopes = [c.scope];
    if (requestedBy.length) d.requestedBy = requestedBy;
    if (opts.localRepo) {
      try {
        const h = await hashFile(localPath(opts.localRepo, c));
        d.sha1 = h.sha1;
        d.sha256 = h.sha256;
        d.md5 = h.md5;
      } catch {
        // not in this local repository: the server's download records may supply checksums
      }
    }
    byId.set(id, d);
  }
  if (byId.size === 0 && !text.includes('none')) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `${file} holds no Maven coordinates`);
  }
  return [...byId.values()];
}
