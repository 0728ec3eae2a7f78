/**
 * The GOPROXY protocol under `/api/go/{repo}/` (https://go.dev/ref/mod#goproxy-protocol):
 * `{module}/@v/list`, `{module}/@v/{version}.info|.mod|.zip`, `{module}/@latest`, and the
 * checksum-database pass-through `sumdb/{name}/…`. Local repositories answer from their files,
 * remote ones through the shared Resolver (list and @latest are metadata, revalidated after
 * max-age; .info/.mod/.zip are immutable), virtual ones merge their members' version lists and
 * never take a module from a remote when a local member has it.
 *
 * Publishing: `PUT /api/go/{repo}/{module}/@v/{version}.zip` with the module zip; the server
 * checks its layout and go.mod, then stores the .zip, the .mod (the zip's go.mod) and the .info.
 *
 * The repository segment may carry the build as matrix parameters
 * (`/api/go/{repo};build.name=N;build.number=7/…`), because the go command sends no custom
 * headers: downloads are then recorded for that build, and published files stamped with it.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, diskFullCode, storageFull } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import { declaredChecksums, rawUrl } from '../../internal/http.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import { parseMatrix, parseRepoPath } from '../../internal/paths.ts';
import { normalizeChecksums, verifyChecksums, type Services } from '../../internal/services.ts';
import { allowedByPatterns, compilePatterns } from '../../internal/antpattern.ts';
import { sendArtifact, sendComputed, serveFile } from '../../internal/serve.ts';
import {
  checkModulePath,
  checkVersionForPath,
  compareVersions,
  escapeCase,
  isCanonicalVersion,
  latestOf,
  unescapeCase,
} from './module.ts';
import { MAX_ZIP_SIZE, checkModuleZip } from './zip.ts';
import { sumdbCheck } from './sumdb.ts';

const READ = { permission: 'repo:read' } as const;
const DEPLOY = { permission: 'repo:deploy' } as const;

const PREFIX = '/api/go/';
const VERSION_CHARS = /^[a-z0-9._+~!-]+$/;

/** A parsed GOPROXY request. */
export interface GoRequest {
  repo: string;
  matrix: Properties;
  kind: 'list' | 'latest' | 'info' | 'mod' | 'zip' | 'sumdb';
  /** Case-encoded module path, as stored and as sent upstream. */
  esc: string;
  /** Decoded module path. */
  module: string;
  /** Decoded version (or version query, for .info). */
  version: string;
  /** For sumdb: the path below `sumdb/`. */
  sumdb: string;
}

/** Parses `/api/go/{repo}[;matrix]/{rest}` from the raw URL, rejecting path tricks. */
export function parseGoRequest(raw: string): GoRequest {
  if (!raw.startsWith(PREFIX)) throw new HttpError('ERR_NOT_FOUND', `no route for ${raw}`);
  const after = raw.slice(PREFIX.length);
  const slash = after.indexOf('/');
  const head = slash < 0 ? after : after.slice(0, slash);
  const semi = head.indexOf(';');
  const repoPart = semi < 0 ? head : head.slice(0, semi);
  const matrix = semi < 0 ? {} : parseMatrix(head.slice(semi + 1));
  if (slash < 0 || after.slice(slash + 1) === '') {
    throw new HttpError('ERR_NOT_FOUND', `no module in ${raw}`, {
      hint: 'use GOPROXY=<url>/api/go/<repo>',
    });
  }
  const parsed = parseRepoPath(`/${repoPart}/${after.slice(slash + 1)}`);
  if (parsed.folder || parsed.path.includes('\0')) {
    throw new HttpError('ERR_PATH_INVALID', `"${raw}" is not a GOPROXY path`);
  }
  const segs = parsed.path.split('/');
  const base = { repo: parsed.repo, matrix, esc: '', module: '', version: '', sumdb: '' };
  if (segs[0] === 'sumdb') return { ...base, kind: 'sumdb', sumdb: segs.slice(1).join('/') };
  const last = segs.at(-1) ?? '';
  let modSegs: string[];
  let kind: GoRequest['kind'];
  let version = '';
  if (last === '@latest' && segs.length >= 2) {
    modSegs = segs.slice(0, -1);
    kind = 'latest';
  } else if (segs.length >= 3 && segs.at(-2) === '@v') {
    modSegs = segs.slice(0, -2);
    if (last === 'list') kind = 'list';
    else {
      const m = /^(.+)\.(info|mod|zip)$/.exec(last);
      if (!m) throw new HttpError('ERR_NOT_FOUND', `"${last}" is not a GOPROXY file`);
      kind = m[2] as 'info' | 'mod' | 'zip';
      const escVersion = m[1] ?? '';
      if (!VERSION_CHARS.test(escVersion)) {
        throw new HttpError('ERR_PATH_INVALID', `version "${escVersion}" has invalid characters`);
      }
      version = unescapeCase(escVersion, 'version');
    }
  } else {
    throw new HttpError('ERR_NOT_FOUND', `"${parsed.path}" is not a GOPROXY path`, {
      hint: 'paths are {module}/@v/list, {module}/@v/{version}.info|.mod|.zip or {module}/@latest',
    });
  }
  if (modSegs.some((s) => s.startsWith('@'))) {
    throw new HttpError('ERR_PATH_INVALID', `"${parsed.path}" is not a GOPROXY path`);
  }
  const esc = modSegs.join('/');
  const module = checkModulePath(unescapeCase(esc, 'module path'));
  return { ...base, kind, esc, module, version };
}

const fileOf = (esc: string, version: string, ext: 'info' | 'mod' | 'zip'): string =>
  `${esc}/@v/${escapeCase(version)}.${ext}`;

/** Dependency-confusion guard: everything under `{module}/` belongs to `{module}/@v`. */
export function goPackageOf(path: string): string | undefined {
  const at = path.indexOf('/@v/');
  if (at > 0) return path.slice(0, at + 3);
  if (path.endsWith('/@latest')) return `${path.slice(0, -'/@latest'.length)}/@v`;
  return undefined;
}

const CONTENT_TYPES = {
  info: 'application/json',
  latest: 'application/json',
  mod: 'text/plain; charset=utf-8',
  list: 'text/plain; charset=utf-8',
  zip: 'application/zip',
  sumdb: 'text/plain; charset=utf-8',
} as const;

export async function goRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const get = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseGoRequest(rawUrl(req).path);
    await req.authorize('repo:read', r.repo);
    const repo = await svc.repo(r.repo);
    if (repo.packageType !== 'go') {
      throw new HttpError('ERR_REPO_NOT_FOUND', `repository "${repo.key}" is not a Go repository`, {
        hint: 'use a repository with packageType go',
      });
    }
    const send = (art: ArtifactRecord, stale = false): Promise<unknown> =>
      sendArtifact(req, reply, art, {
        repo: repo.key,
        stale,
        contentType: CONTENT_TYPES[r.kind],
        matrix: r.matrix,
      });
    const notFound = (what: string): HttpError =>
      new HttpError('ERR_NOT_FOUND', `${what} not found in ${repo.key}`);

    switch (r.kind) {
      case 'sumdb': {
        const found =
          repo.rclass === 'local' ? undefined : await sumdb(svc, repo, `sumdb/${r.sumdb}`);
        if (!found) {
          throw new HttpError('ERR_NOT_FOUND', `${repo.key} does not proxy checksum databases`, {
            hint: 'the go command then asks the checksum database directly (or set GOSUMDB=off / GONOSUMDB)',
          });
        }
        return send(found.art, found.stale);
      }
      case 'list': {
        const versions = await versionsIn(svc, repo, r.esc, new Set());
        const body = versions.length ? `${versions.join('\n')}\n` : '';
        if (versions.length === 0 && !(await knowsModule(svc, repo, r.esc))) {
          throw notFound(`module ${r.module}`);
        }
        reply.header('cache-control', 'no-cache');
        return sendComputed(req, reply, body, CONTENT_TYPES.list);
      }
      case 'latest': {
        const found = await latestIn(svc, repo, r.esc, new Set());
        if (!found) throw notFound(`a version of module ${r.module}`);
        return send(found.art, found.stale);
      }
      default: {
        const canonical = isCanonicalVersion(r.version);
        if (!canonical && (r.kind !== 'info' || repo.rclass === 'local')) {
          throw notFound(`${r.module}@${r.version} (not a canonical version)`);
        }
        const path = fileOf(r.esc, r.version, r.kind);
        const served = await serveFile(req, reply, {
          repo,
          path,
          resolve: {
            metadata: !canonical,
            packageOf: goPackageOf,
            // A remote with a checksum database checks modules against it before caching them.
            ...((r.kind === 'mod' || r.kind === 'zip') &&
              canonical && {
                validate: sumdbCheck(svc.resolver.upstream, r.module, r.version, r.kind),
              }),
          },
          contentType: CONTENT_TYPES[r.kind],
          matrix: r.matrix,
        });
        if (!served) throw notFound(`${r.module}@${r.version} (${r.kind})`);
        return reply;
      }
    }
  };

  app.get('/api/go/*', { config: READ, exposeHeadRoute: false }, (req, reply) => get(req, reply));
  app.head('/api/go/*', { config: READ }, (req, reply) => get(req, reply));

  app.put('/api/go/*', { config: DEPLOY }, async (req, reply) => {
    const svc = app.stowage;
    const r = parseGoRequest(rawUrl(req).path);
    const who = await req.authorize('repo:deploy', r.repo);
    if (r.kind !== 'zip') {
      throw new HttpError(
        'ERR_PATH_INVALID',
        'publish a module with PUT {module}/@v/{version}.zip',
        {
          hint: 'the server derives the .mod and .info from the zip',
        },
      );
    }
    const target = await svc.deployableRepo(r.repo);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    if (target.packageType !== 'go') {
      throw new HttpError(
        'ERR_REPO_NOT_DEPLOYABLE',
        `repository "${target.key}" is not a Go repository`,
      );
    }
    checkVersionForPath(r.module, r.version);
    const paths = {
      zip: fileOf(r.esc, r.version, 'zip'),
      mod: fileOf(r.esc, r.version, 'mod'),
      info: fileOf(r.esc, r.version, 'info'),
    };
    const body = (req.body as Readable | undefined) ?? req.raw;
    return svc.meta.withLock(`go\0${target.key}\0${r.esc}@${r.version}`, async () => {
      for (const p of Object.values(paths)) {
        if (await svc.meta.getArtifact(target.key, p)) {
          body.resume();
          throw new HttpError(
            'ERR_GO_VERSION_EXISTS',
            `${r.module}@${r.version} is already published in ${target.key}`,
          );
        }
      }
      // Staged in the blob store's temporary area (removed at start after a crash), hashed as it
      // arrives; the zip is checked in place and committed without being copied again.
      let staged: StagedBlob;
      try {
        staged = await svc.blobs.stage(pipeline(body, limit(MAX_ZIP_SIZE), () => {}));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        const full = diskFullCode(err);
        if (full) throw storageFull(err, full);
        throw new HttpError('ERR_UPLOAD_INCOMPLETE', `the upload of ${paths.zip} broke off`, {
          cause: err,
        });
      }
      let dir: string | undefined;
      try {
        verifyChecksums(staged, normalizeChecksums(declaredChecksums(req)), 'module zip');
        let file = staged.file;
        if (!file) {
          // A store without local files: check a copy.
          dir = await mkdtemp(join(tmpdir(), 'stowage-go-'));
          file = join(dir, 'module.zip');
          await pipelineAsync(staged.read(), createWriteStream(file));
        }
        const gomod = await checkModuleZip(file, r.module, r.version, svc.config.limits.archive);
        const info = `${JSON.stringify({ Version: r.version, Time: new Date().toISOString() })}\n`;
        const common = { repo: target.key, properties: r.matrix, user: who.user };
        const zipArt = await svc.commitStaged({ ...common, path: paths.zip, staged });
        const modArt = await svc.deploy({
          ...common,
          path: paths.mod,
          body: Readable.from([Buffer.from(gomod)]),
          expected: {},
        });
        // The .info goes last: a version is listed once its .info exists.
        const infoArt = await svc.deploy({
          ...common,
          path: paths.info,
          body: Readable.from([Buffer.from(info)]),
          expected: {},
        });
        req.log.info(
          { repo: target.key, module: r.module, version: r.version },
          'go module published',
        );
        return reply.code(201).send({
          repo: target.key,
          module: r.module,
          version: r.version,
          files: [zipArt, modArt, infoArt].map((a) => ({
            path: a.path,
            size: a.size,
            sha1: a.sha1,
            sha256: a.sha256,
            md5: a.md5,
          })),
        });
      } finally {
        await staged.discard();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

function limit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) {
        cb(new HttpError('ERR_GO_MODULE_INVALID', 'the module zip is larger than 500 MiB'));
        return;
      }
      cb(null, chunk);
    },
  });
}

async function readText(svc: Services, art: ArtifactRecord): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of svc.blobs.open(art.sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function allowed(repo: RepoConfig, path: string): boolean {
  return allowedByPatterns(
    path,
    compilePatterns(repo.includesPattern),
    compilePatterns(repo.excludesPattern),
  );
}

async function localOwner(svc: Services, members: RepoConfig[], esc: string): Promise<boolean> {
  for (const m of members) {
    if (m.rclass === 'local' && (await svc.meta.folderExists(m.key, `${esc}/@v`))) return true;
  }
  return false;
}

/** Published versions of a module in a repository, sorted; remotes answer from their `list`. */
async function versionsIn(
  svc: Services,
  repo: RepoConfig,
  esc: string,
  seen: Set<string>,
): Promise<string[]> {
  const listPath = `${esc}/@v/list`;
  if (repo.rclass === 'local') {
    const folder = `${esc}/@v`;
    const out: string[] = [];
    for (const f of await svc.meta.listFiles(repo.key, folder)) {
      const name = f.path.slice(folder.length + 1);
      if (name.includes('/') || !name.endsWith('.info')) continue;
      out.push(unescapeCase(name.slice(0, -'.info'.length), 'version'));
    }
    return sortVersions(out);
  }
  if (repo.rclass === 'remote') {
    const found = await svc.resolver.resolve(repo, listPath, { metadata: true });
    if (!found) return [];
    const text = await readText(svc, found.art);
    return sortVersions(text.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? ''));
  }
  // A member without the module answers nothing (not an empty list), so that when another
  // member could not be asked the virtual says so instead of "no versions".
  const lists = await svc.resolver.fromMembers(
    repo,
    { path: listPath, owner: esc, seen },
    async (m) => {
      const vs = await versionsIn(svc, m, esc, seen);
      return vs.length ? vs : undefined;
    },
  );
  return sortVersions(lists.flatMap((l) => l.value));
}

function sortVersions(vs: string[]): string[] {
  return [...new Set(vs.filter(isCanonicalVersion))].sort(compareVersions);
}

/** True when the repository has anything for the module (an empty list is then 200, not 404). */
async function knowsModule(svc: Services, repo: RepoConfig, esc: string): Promise<boolean> {
  if (repo.rclass === 'local') return svc.meta.folderExists(repo.key, `${esc}/@v`);
  if (repo.rclass === 'remote') return !!(await svc.meta.getArtifact(repo.key, `${esc}/@v/list`));
  for (const m of await svc.resolver.members(repo)) {
    if (m.key !== repo.key && m.rclass !== 'virtual' && (await knowsModule(svc, m, esc)))
      return true;
  }
  return false;
}

/** What `@latest` names: the .info of the highest listed version, else a remote's own @latest. */
async function latestIn(
  svc: Services,
  repo: RepoConfig,
  esc: string,
  seen: Set<string>,
): Promise<{ art: ArtifactRecord; stale: boolean } | undefined> {
  const latest = latestOf(await versionsIn(svc, repo, esc, new Set()));
  if (latest) {
    const found = await svc.resolver.resolve(repo, fileOf(esc, latest, 'info'), {
      packageOf: goPackageOf,
    });
    if (found) return found;
  }
  if (repo.rclass === 'local') return undefined;
  if (repo.rclass === 'remote') {
    return svc.resolver.resolve(repo, `${esc}/@latest`, { metadata: true });
  }
  if (seen.has(repo.key)) return undefined;
  seen.add(repo.key);
  const members = await svc.resolver.members(repo);
  const owned = await localOwner(svc, members, esc);
  for (const m of members) {
    if ((owned && m.rclass === 'remote') || !allowed(m, `${esc}/@latest`)) continue;
    const found = await latestIn(svc, m, esc, seen);
    if (found) return found;
  }
  return undefined;
}

/** Checksum-database pass-through: a remote asks its upstream; a virtual, its members in order. */
async function sumdb(
  svc: Services,
  repo: RepoConfig,
  path: string,
): Promise<{ art: ArtifactRecord; stale: boolean } | undefined> {
  if (repo.rclass === 'remote') return svc.resolver.resolve(repo, path, { metadata: true });
  if (repo.rclass !== 'virtual') return undefined;
  for (const m of await svc.resolver.members(repo)) {
    if (m.rclass !== 'remote') continue;
    const found = await svc.resolver.resolve(m, path, { metadata: true });
    if (found) return found;
  }
  return undefined;
}
