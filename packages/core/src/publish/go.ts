/**
 * Publishes a Go module version: builds the module zip from a directory by the Go module zip
 * rules (golang.org/x/mod/zip: files of the module root under `{module}@{version}/`, without
 * vendor/ directories, nested modules, VCS directories or anything but regular files) and
 * uploads it with `PUT {url}/api/go/{repo}/{module}/@v/{version}.zip`; the server derives the
 * .mod (the zip's go.mod) and the .info.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { hashFile } from '../checksums.ts';
import { RepositoryClient } from '../client.ts';
import { StowageError } from '../errors.ts';

export interface GoPublishOptions {
  /** Server base URL. */
  url: string;
  token?: string;
  user?: string;
  /** Local (or virtual with a default deployment) Go repository. */
  repo: string;
  /** The module root: the directory holding go.mod. */
  dir: string;
  /** Canonical version, e.g. v1.2.3. */
  version: string;
  /** Stamps the published files with the build. */
  build?: { name: string; number: string };
}

export interface GoPublishResult {
  module: string;
  version: string;
  repo: string;
  files: { path: string; size: number; sha1: string; sha256: string; md5: string }[];
}

const VCS_DIRS = new Set(['.git', '.hg', '.svn', '.bzr']);
const VERSION =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+incompatible)?$/;

const fail = (message: string, hint?: string): StowageError =>
  new StowageError('ERR_GO_MODULE', message, hint ? { hint } : {});

/** Capitals as `!` + lowercase, as the GOPROXY protocol sends module paths and versions. */
export function escapeGoPath(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** The module path a go.mod declares. */
export function goModulePath(gomod: string): string | undefined {
  for (const raw of gomod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))$/.exec(line);
    if (m) return m[1] ?? m[2] ?? m[3];
  }
  return undefined;
}

/** The files of a module root, relative with "/" separators, sorted. */
export async function goModuleFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, top: boolean): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    if (!top && entries.some((e) => e.isFile() && e.name === 'go.mod')) return; // nested module
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) {
        if (VCS_DIRS.has(e.name) || e.name === 'vendor') continue;
        await walk(full, false);
      } else if (e.isFile()) {
        out.push(relative(dir, full).split(sep).join('/'));
      }
      // Symbolic links and other irregular files are not part of a module zip.
    }
  };
  await walk(dir, true);
  return out.sort();
}

/** Writes the module zip of `dir` to `file`; returns the module path and files. */
export async function writeGoModuleZip(
  dir: string,
  version: string,
  file: string,
): Promise<{ module: string; files: string[] }> {
  let gomod: string;
  try {
    gomod = await readFile(join(dir, 'go.mod'), 'utf8');
  } catch {
    throw fail(`${dir} has no go.mod`, 'pass the module root (the directory holding go.mod)');
  }
  const module = goModulePath(gomod);
  if (!module) throw fail(`${join(dir, 'go.mod')} has no module line`);
  if (!VERSION.test(version)) {
    throw fail(
      `"${version}" is not a canonical module version`,
      'use vMAJOR.MINOR.PATCH, e.g. v1.2.3',
    );
  }
  const files = await goModuleFiles(dir);
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(file));
  for (const f of files) {
    const full = join(dir, ...f.split('/'));
    if (!(await lstat(full)).isFile()) continue;
    zip.addReadStream(createReadStream(full), `${module}@${version}/${f}`, {
      mtime: new Date(0),
      mode: 0o644,
    });
  }
  zip.end();
  await done;
  return { module, files };
}

/** Builds the module zip of `dir` at `version` and publishes it. */
export async function publishGoModule(opts: GoPublishOptions): Promise<GoPublishResult> {
  if (!(await stat(opts.dir).catch(() => undefined))?.isDirectory()) {
    throw fail(`${opts.dir} is not a directory`);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'stowage-go-'));
  try {
    const file = join(tmp, 'module.zip');
    const { module } = await writeGoModuleZip(opts.dir, opts.version, file);
    const sums = await hashFile(file);
    const matrix = opts.build
      ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}`
      : '';
    const client = new RepositoryClient({
      url: opts.url,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.user !== undefined ? { user: opts.user } : {}),
    });
    let res;
    try {
      res = await client.sendFile({
        method: 'PUT',
        path: `/api/go/${encodeURIComponent(opts.repo)}${matrix}/${escapeGoPath(module)}/@v/${escapeGoPath(opts.version)}.zip`,
        file,
        headers: {
          'content-type': 'application/zip',
          'content-length': String(sums.size),
          'x-checksum-sha256': sums.sha256,
          'x-checksum-sha1': sums.sha1,
        },
        what: `publish of ${module}@${opts.version}`,
      });
    } finally {
      await client.close();
    }
    const body = (res.body ?? {}) as { repo?: string; files?: GoPublishResult['files'] };
    return { module, version: opts.version, repo: body.repo ?? opts.repo, files: body.files ?? [] };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
