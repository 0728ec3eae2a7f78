import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dependency } from '../buildinfo.ts';
import { StowageError } from '../errors.ts';
import type { DepsOptions } from './index.ts';

/** PEP 503 normalization, so ids match whatever spelling a requirement used. */
function normalize(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

interface ReportItem {
  metadata?: { name?: string; version?: string };
  download_info?: {
    url?: string;
    archive_info?: { hash?: string; hashes?: Record<string, string> };
  };
  requested?: boolean;
}

/** `pip install --report` (`install`) or `pip inspect` (`installed`) JSON. */
function fromJson(text: string, file: string): Dependency[] {
  let doc: { install?: ReportItem[]; installed?: ReportItem[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `${file} is not JSON: ${(err as Error).message}`);
  }
  const items = doc.install ?? doc.installed;
  if (!Array.isArray(items)) {
    throw new StowageError(
      'ERR_DEPS_LOCKFILE',
      `${file} is neither a pip install report nor pip inspect output`,
      { hint: 'write it with `pip install --report <file>` or `pip inspect > <file>`' },
    );
  }
  const out: Dependency[] = [];
  for (const it of items) {
    const name = it.metadata?.name;
    const version = it.metadata?.version;
    if (!name || !version) continue;
    const d: Dependency = { id: `${normalize(name)}:${version}`, type: 'pypi' };
    const a = it.download_info?.archive_info;
    const sha256 = a?.hashes?.sha256 ?? /^sha256=([0-9a-f]{64})$/i.exec(a?.hash ?? '')?.[1];
    if (sha256) d.sha256 = sha256.toLowerCase();
    const url = it.download_info?.url;
    if (url) {
      const filename = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
      d.type = filename.endsWith('.whl') ? 'whl' : filename.endsWith('.tar.gz') ? 'tar.gz' : 'pypi';
    }
    if (it.requested === false) d.requestedBy = [];
    out.push(d);
  }
  return out;
}

/** requirements.txt pinned with `name==version --hash=sha256:…` (pip-compile --generate-hashes). */
function fromRequirements(text: string): Dependency[] {
  const out: Dependency[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;]+)/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const d: Dependency = { id: `${normalize(m[1])}:${m[2]}`, type: 'pypi' };
    const hashes = [...line.matchAll(/--hash[=\s]sha256:([0-9a-f]{64})/gi)].map((h) =>
      (h[1] ?? '').toLowerCase(),
    );
    // One pinned hash names one file; several allowed files leave the checksum to the server's record.
    if (hashes.length === 1) d.sha256 = hashes[0];
    out.push(d);
  }
  return out;
}

/**
 * pip: reads `requirements.txt` (default) with `--hash=sha256:` pins, or a `.json` file written
 * by `pip install --report` (file checksums) or `pip inspect` (the installed set, no checksums).
 */
export async function collectPip(opts: DepsOptions): Promise<Dependency[]> {
  const file = opts.file ? join(opts.dir, opts.file) : join(opts.dir, 'requirements.txt');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new StowageError('ERR_DEPS_LOCKFILE', `cannot read ${file}: ${(err as Error).message}`, {
      hint: 'pass a requirements.txt, or the JSON of `pip install --report <file>`',
    });
  }
  return file.endsWith('.json') ? fromJson(text, file) : fromRequirements(text);
}
