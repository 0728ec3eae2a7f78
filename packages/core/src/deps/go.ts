/**
 * `go`: dependencies from go.sum (every module whose zip hash is listed: `module version h1:…`),
 * direct or indirect from go.mod's require directives. The h1: hash is Go's own dirhash of the
 * module's files, not a checksum of the zip, so it is not put into the build-info (which has
 * no field for it); `parseGoSum` returns it for callers that want it. sha256/sha1/md5 come from
 * the downloads the server recorded for the build (`mergeWithDownloads` with `goDownloadId`) or, when given, from
 * the zip in the module cache.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { hashFile } from '../checksums.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

export interface GoSumEntry {
  module: string;
  version: string;
  /** The h1: hash of the module's files (go.sum's zip line). */
  h1: string;
}

/** The module zips go.sum lists (its `/go.mod` lines are skipped). */
export function parseGoSum(text: string): GoSumEntry[] {
  const out: GoSumEntry[] = [];
  for (const line of text.split('\n')) {
    const [module, version, hash] = line.trim().split(/\s+/);
    if (!module || !version || !hash || version.endsWith('/go.mod')) continue;
    out.push({ module, version, h1: hash });
  }
  return out;
}

/** Module paths go.mod requires directly (requirements without an `// indirect` comment). */
export function directRequires(gomod: string): Set<string> {
  const out = new Set<string>();
  let inBlock = false;
  for (const raw of gomod.split('\n')) {
    const line = raw.trim();
    if (/^require\s*\($/.test(line)) inBlock = true;
    else if (inBlock && line === ')') inBlock = false;
    else {
      const m = inBlock
        ? /^(\S+)\s+(\S+)(.*)$/.exec(line)
        : /^require\s+(\S+)\s+(\S+)(.*)$/.exec(line);
      if (m?.[1] && !/\/\/\s*indirect/.test(m[3] ?? '') && !m[1].startsWith('//')) out.add(m[1]);
    }
  }
  return out;
}

const escape = (s: string): string => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

export async function collectGo(opts: DepsOptions & { modCache?: string }): Promise<Dependency[]> {
  const sumFile = opts.file ?? join(opts.dir, 'go.sum');
  let sum: string;
  try {
    sum = await readFile(sumFile, 'utf8');
  } catch (err) {
    throw new StowageError('ERR_FILE_NOT_FOUND', `cannot read ${sumFile}`, {
      cause: err,
      hint: 'run `go mod download` (or a build) first so that go.sum exists',
    });
  }
  const gomod = await readFile(join(opts.dir, 'go.mod'), 'utf8').catch(() => '');
  const direct = directRequires(gomod);
  const deps: Dependency[] = [];
  for (const e of parseGoSum(sum)) {
    const d: Dependency = {
      id: `${e.module}:${e.version}`,
      type: 'go',
      scopes: [direct.has(e.module) ? 'direct' : 'indirect'],
    };
    if (opts.modCache) {
      const zip = join(
        opts.modCache,
        'cache',
        'download',
        escape(e.module),
        '@v',
        `${escape(e.version)}.zip`,
      );
      const sums = await hashFile(zip).catch(() => undefined);
      if (sums) Object.assign(d, { sha1: sums.sha1, sha256: sums.sha256, md5: sums.md5 });
    }
    deps.push(d);
  }
  return deps;
}
