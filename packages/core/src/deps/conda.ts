import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

/** `name-version-build` and the extension of a package file name or URL. */
function parseFile(url: string): { id: string; type: string } | undefined {
  const file = url.split(/[?#]/)[0]?.split('/').pop() ?? '';
  const m = /^(.+)-([^-]+)-([^-]+)\.(conda|tar\.bz2)$/.exec(file);
  return m ? { id: `${m[1]}:${m[2]}:${m[3]}`, type: m[4] ?? 'conda' } : undefined;
}

/**
 * Reads what conda installed, from either `conda list --explicit --md5` output (one
 * `<url>#<md5>` per line; the default file is `conda-explicit.txt`) or a conda-lock /
 * environment lock file in YAML (`package:` entries with `url` and `hash: {md5, sha256}`).
 * Ids are `name:version:build`.
 */
export async function collectConda(opts: DepsOptions): Promise<Dependency[]> {
  const file = opts.file ?? join(opts.dir, 'conda-explicit.txt');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const out: Dependency[] = [];
  if (/^\s*@EXPLICIT\s*$/m.test(text)) {
    for (const line of text.split('\n').map((l) => l.trim())) {
      if (!line || line.startsWith('#') || line.startsWith('@')) continue;
      const [url = '', md5] = line.split('#');
      const p = parseFile(url);
      if (!p) continue;
      const dep: Dependency = { id: p.id, type: p.type };
      if (md5 && /^[0-9a-f]{32}$/i.test(md5)) dep.md5 = md5.toLowerCase();
      out.push(dep);
    }
    return out;
  }
  // A conda-lock style YAML: read url/md5/sha256 per `- name:` entry without a YAML parser.
  let cur: Dependency | undefined;
  for (const line of text.split('\n')) {
    const url = /^\s*url:\s*["']?([^"'\s]+)/.exec(line)?.[1];
    if (url) {
      const p = parseFile(url);
      if (p) out.push((cur = { id: p.id, type: p.type }));
      continue;
    }
    const md5 = /^\s*md5:\s*["']?([0-9a-f]{32})/i.exec(line)?.[1];
    if (md5 && cur) cur.md5 = md5.toLowerCase();
    const sha256 = /^\s*sha256:\s*["']?([0-9a-f]{64})/i.exec(line)?.[1];
    if (sha256 && cur) cur.sha256 = sha256.toLowerCase();
    if (/^\s*-\s/.test(line) && !url) cur = undefined;
  }
  if (out.length === 0) {
    throw new StowageError(
      'ERR_DEPS_LOCKFILE',
      `${file} is neither \`conda list --explicit --md5\` output nor a lock file with package urls`,
    );
  }
  return out;
}
