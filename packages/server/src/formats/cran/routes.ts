/**
 * CRAN under `/api/cran/{repo}/`: what `install.packages(repos=…)` reads — `src/contrib/PACKAGES`,
 * `PACKAGES.gz` and `PACKAGES.rds`, the package files beside them, old versions under
 * `src/contrib/Archive/{pkg}/` — and the same layout for binaries
 * (`bin/windows/contrib/{r}/`, `bin/macosx[/…]/contrib/{r}/`).
 *
 * Local repositories keep the newest version of a package in its contrib directory and older
 * ones under `Archive/{pkg}/` (source packages), and regenerate the three index files of a
 * directory after every upload. Remote ones proxy their upstream through the shared Resolver
 * (indexes are metadata, revalidated after max-age; package files are immutable). Virtual ones
 * merge their members' indexes, the first member to list a package winning, and never take a
 * package from a remote when a local member holds it.
 *
 * Upload: `PUT /api/cran/{repo}/src/contrib/{pkg}_{version}.tar.gz` (or a binary directory), or
 * `PUT|POST /api/cran/{repo}/sources` (Artifactory's form: the name comes from DESCRIPTION).
 * The build may ride in the repository segment as matrix parameters (`{repo};build.name=…`).
 */
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.ts';
import { declaredChecksums, rawUrl } from '../../internal/http.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import { parseMatrix, validateRelativePath } from '../../internal/paths.ts';
import { cleanDigests, type UpstreamSource } from '../../internal/resolver.ts';
import { normalizeChecksums, verifyChecksums, type Services } from '../../internal/services.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import {
  ArchiveLimitError,
  archiveLimitHttpError,
  findTarMember,
  findZipMember,
  sliceStream,
  type ArchiveCaps,
} from '../../internal/archive.ts';
import { sendArtifact, sendComputed, serveFile } from '../../internal/serve.ts';
import {
  PACKAGES_FIELDS,
  PACKAGE_NAME,
  PACKAGE_VERSION,
  compareRVersions,
  parseDcf,
  renderDcf,
  renderArchiveRds,
  renderRds,
  type ArchivedFile,
  type Stanza,
} from './dcf.ts';

const READ = { permission: 'repo:read' } as const;
const DEPLOY = { permission: 'repo:deploy' } as const;

const PREFIX = '/api/cran/';
const CONTRIB = /^(src\/contrib|bin\/(?:windows|macosx(?:\/[A-Za-z0-9._-]+)*)\/contrib\/\d+\.\d+)$/;
const FILE = /^([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])_(\d+(?:[.-]\d+)+)\.(tar\.gz|tgz|zip)$/;
const INDEXES = ['PACKAGES', 'PACKAGES.gz', 'PACKAGES.rds'] as const;
type IndexName = (typeof INDEXES)[number];

/** What a CRAN path names. */
export type CranPath =
  | { kind: 'index'; dir: string; index: IndexName }
  | { kind: 'file'; dir: string; pkg: string; version: string; archived: boolean }
  | { kind: 'other' };

export function classify(path: string): CranPath {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, Math.max(0, slash));
  const name = path.slice(slash + 1);
  if (CONTRIB.test(dir) && (INDEXES as readonly string[]).includes(name)) {
    return { kind: 'index', dir, index: name as IndexName };
  }
  const m = FILE.exec(name);
  if (m && CONTRIB.test(dir)) {
    return { kind: 'file', dir, pkg: m[1] ?? '', version: m[2] ?? '', archived: false };
  }
  const a = /^(src\/contrib)\/Archive\/([^/]+)$/.exec(dir);
  if (m && a && a[2] === m[1] && m[3] === 'tar.gz') {
    return { kind: 'file', dir: a[1] ?? '', pkg: m[1] ?? '', version: m[2] ?? '', archived: true };
  }
  return { kind: 'other' };
}

/** The package a path belongs to (its name before `_`). */
function packageOfFile(path: string): string | undefined {
  const c = classify(path);
  return c.kind === 'file' ? c.pkg : undefined;
}

/** Dependency-confusion guard: a local repository holds the package when it has any version. */
async function ownedBy(svc: Services, local: RepoConfig, path: string): Promise<boolean> {
  const pkg = packageOfFile(path);
  if (!pkg) return false;
  return (await svc.meta.findByProperties({ 'cran.package': pkg }, local.key)).length > 0;
}

function parseRequest(raw: string): { repo: string; matrix: Properties; path: string } {
  const after = raw.slice(PREFIX.length);
  const slash = after.indexOf('/');
  const head = slash < 0 ? after : after.slice(0, slash);
  const semi = head.indexOf(';');
  const repo = decodeURIComponent(semi < 0 ? head : head.slice(0, semi));
  const matrix = semi < 0 ? {} : parseMatrix(head.slice(semi + 1));
  let path = slash < 0 ? '' : after.slice(slash + 1);
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `"${raw}" has an invalid percent-encoding`);
  }
  if (path !== '') path = validateRelativePath(path);
  return { repo, matrix, path };
}

async function readAll(body: Readable, max = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > max) throw new HttpError('ERR_UPSTREAM_INVALID', 'the index is too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The PACKAGES fields of a package, from its DESCRIPTION. */
function indexFields(desc: Stanza, md5: string): Stanza {
  const out: Stanza = {};
  for (const f of PACKAGES_FIELDS) {
    const v = desc[f];
    if (v !== undefined && v !== '') out[f] = v.replace(/\s*\n\s*/g, ' ');
  }
  out.MD5sum = md5;
  return out;
}

/** Reads DESCRIPTION from a source tarball, a macOS .tgz or a Windows .zip. */
async function readDescription(
  staged: StagedBlob,
  kind: 'tar.gz' | 'tgz' | 'zip',
  caps: ArchiveCaps,
): Promise<Stanza> {
  let data: Buffer | undefined;
  const pattern = /^[^/]+\/DESCRIPTION$/;
  try {
    if (kind === 'zip') {
      data = (
        await findZipMember(
          (start, end) => sliceStream(staged.read(), start, end),
          staged.size,
          (n) => pattern.test(n),
          caps,
        )
      )?.data;
    } else {
      data = (await findTarMember(staged.read(), { compression: 'gzip', pattern, caps }))?.data;
    }
  } catch (err) {
    if (err instanceof ArchiveLimitError) throw archiveLimitHttpError(err, 'the package');
    throw new HttpError(
      'ERR_CRAN_PACKAGE_INVALID',
      `the package cannot be read (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!data)
    throw new HttpError('ERR_CRAN_PACKAGE_INVALID', 'the package has no {pkg}/DESCRIPTION');
  const desc = parseDcf(data.toString('utf8'))[0] ?? {};
  const pkg = desc.Package ?? '';
  const version = desc.Version ?? '';
  if (!PACKAGE_NAME.test(pkg) || !PACKAGE_VERSION.test(version)) {
    throw new HttpError(
      'ERR_CRAN_PACKAGE_INVALID',
      `DESCRIPTION names package "${pkg}" version "${version}", which R would not accept`,
    );
  }
  return desc;
}

/** Stanzas and files of one contrib directory of a repository, per class. */
class CranRepos {
  readonly #svc: Services;
  constructor(svc: Services) {
    this.#svc = svc;
  }

  /** The packages a local contrib directory holds (its newest versions). */
  async #localStanzas(repo: RepoConfig, dir: string): Promise<Stanza[]> {
    const out: Stanza[] = [];
    for (const a of await this.#svc.meta.listFiles(repo.key, dir)) {
      if (a.path.slice(dir.length + 1).includes('/')) continue;
      const fields = (await this.#svc.meta.getProperties(a.id))['cran.fields']?.[0];
      if (fields) out.push(JSON.parse(fields) as Stanza);
    }
    return out.sort((a, b) => (a.Package ?? '').localeCompare(b.Package ?? ''));
  }

  /** A remote's index, fetched as PACKAGES.gz (else PACKAGES) and revalidated after max-age. */
  async #remoteStanzas(repo: RepoConfig, dir: string): Promise<Stanza[] | undefined> {
    for (const index of ['PACKAGES.gz', 'PACKAGES'] as const) {
      const decode = (b: Buffer): string =>
        (index === 'PACKAGES.gz' ? gunzipSync(b, { maxOutputLength: 256 << 20 }) : b).toString(
          'utf8',
        );
      const found = await this.#svc.resolver.resolve(repo, `${dir}/${index}`, {
        metadata: true,
        validate: async (body) => {
          try {
            decode(await readAll(body));
          } catch (err) {
            throw new HttpError(
              'ERR_UPSTREAM_INVALID',
              `${dir}/${index} is not a readable index (${(err as Error).message})`,
            );
          }
        },
      });
      if (found) return parseDcf(decode(await readAll(this.#svc.blobs.open(found.art.sha256))));
    }
    return undefined;
  }

  /** For a package file of a remote: the MD5sum its upstream PACKAGES index declares. */
  async declared(remote: RepoConfig, path: string): Promise<UpstreamSource | undefined> {
    const c = classify(path);
    if (c.kind !== 'file' || c.archived) return undefined;
    const stanzas = await this.#remoteStanzas(remote, c.dir).catch((err: unknown) => {
      this.#svc.log.warn({ repo: remote.key, err }, 'upstream PACKAGES unavailable');
      return undefined;
    });
    const s = stanzas?.find((x) => x.Package === c.pkg && x.Version === c.version);
    return s ? { expect: cleanDigests({ md5: s.MD5sum }) } : undefined;
  }

  /** A directory's packages in any repository; a virtual merges its members in order. */
  async stanzas(repo: RepoConfig, dir: string, seen = new Set<string>()): Promise<Stanza[]> {
    if (repo.rclass === 'local') return this.#localStanzas(repo, dir);
    if (repo.rclass === 'remote') return (await this.#remoteStanzas(repo, dir)) ?? [];
    const perMember = (
      await this.#svc.resolver.fromMembers(repo, { seen }, (m) => this.stanzas(m, dir, seen))
    ).map(({ member, value }) => ({ m: member, stanzas: value }));
    const merged = new Map<string, Stanza>();
    const localNames = new Set<string>();
    for (const { m, stanzas } of perMember) {
      if (m.rclass === 'local') for (const s of stanzas) localNames.add(s.Package ?? '');
    }
    for (const { m, stanzas } of perMember) {
      for (const s of stanzas) {
        const name = s.Package ?? '';
        if (merged.has(name) || (m.rclass !== 'local' && localNames.has(name))) continue;
        merged.set(name, s);
      }
    }
    return [...merged.values()];
  }

  /** An index file of a directory: stored for locals, passed through for remotes, merged for virtuals. */
  async index(
    repo: RepoConfig,
    dir: string,
    index: IndexName,
  ): Promise<{ body: Buffer; art?: ArtifactRecord; stale?: boolean } | undefined> {
    if (repo.rclass === 'remote') {
      const found = await this.#svc.resolver.resolve(repo, `${dir}/${index}`, { metadata: true });
      return found && { body: Buffer.alloc(0), art: found.art, stale: found.stale };
    }
    if (repo.rclass === 'local') {
      const art = await this.#svc.meta.getArtifact(repo.key, `${dir}/${index}`);
      if (art) return { body: Buffer.alloc(0), art };
    }
    return { body: renderIndex(await this.stanzas(repo, dir), index) };
  }

  /**
   * What `src/contrib/Meta/archive.rds` lists: the archived source packages of a local
   * repository, or of a virtual's local members (a remote passes its upstream's file through).
   */
  async archived(repo: RepoConfig, seen = new Set<string>()): Promise<Map<string, ArchivedFile[]>> {
    const out = new Map<string, ArchivedFile[]>();
    if (seen.has(repo.key)) return out;
    seen.add(repo.key);
    if (repo.rclass === 'virtual') {
      for (const m of await this.#svc.resolver.members(repo)) {
        if (m.rclass === 'remote') continue;
        for (const [pkg, files] of await this.archived(m, seen))
          if (!out.has(pkg)) out.set(pkg, files);
      }
      return out;
    }
    if (repo.rclass !== 'local') return out;
    const prefix = 'src/contrib/Archive/';
    for (const a of await this.#svc.meta.listFiles(repo.key, 'src/contrib/Archive')) {
      const c = classify(a.path);
      if (c.kind !== 'file' || !c.archived) continue;
      const list = out.get(c.pkg) ?? [];
      list.push({ path: a.path.slice(prefix.length), size: a.size, mtime: a.modified });
      out.set(c.pkg, list);
    }
    for (const list of out.values()) list.sort((x, y) => x.path.localeCompare(y.path));
    return out;
  }

  /** Rewrites a local directory's PACKAGES, PACKAGES.gz and PACKAGES.rds from its packages. */
  async regenerate(repo: RepoConfig, dir: string, user: string): Promise<void> {
    const stanzas = await this.#localStanzas(repo, dir);
    for (const index of INDEXES) {
      await this.#svc.deploy({
        repo: repo.key,
        path: `${dir}/${index}`,
        body: Readable.from([renderIndex(stanzas, index)]),
        expected: {},
        properties: {},
        user,
      });
    }
  }

  /**
   * Stores an uploaded package: the newest version of a source package sits in the contrib
   * directory and the one it replaces moves to `Archive/{pkg}/`; an older version goes to the
   * archive directly. Binary directories keep one version per package.
   */
  async store(
    repo: RepoConfig,
    dir: string,
    ext: 'tar.gz' | 'tgz' | 'zip',
    staged: StagedBlob,
    desc: Stanza,
    user: string,
    matrix: Properties,
  ): Promise<ArtifactRecord> {
    return this.#svc.meta.withLock(`cran\0${repo.key}\0${dir}`, async () => {
      try {
        return await this.#store(repo, dir, ext, staged, desc, user, matrix);
      } catch (err) {
        await staged.discard();
        throw err;
      }
    });
  }

  async #store(
    repo: RepoConfig,
    dir: string,
    ext: 'tar.gz' | 'tgz' | 'zip',
    staged: StagedBlob,
    desc: Stanza,
    user: string,
    matrix: Properties,
  ): Promise<ArtifactRecord> {
    const svc = this.#svc;
    const pkg = desc.Package ?? '';
    const version = desc.Version ?? '';
    const file = `${pkg}_${version}.${ext}`;
    const archive = `${dir}/Archive/${pkg}`;
    const source = dir === 'src/contrib';
    const current = (await svc.meta.listFiles(repo.key, dir)).filter((a) => {
      const rest = a.path.slice(dir.length + 1);
      return !rest.includes('/') && rest.startsWith(`${pkg}_`) && FILE.exec(rest)?.[1] === pkg;
    });
    if (
      (await svc.meta.getArtifact(repo.key, `${dir}/${file}`)) ||
      (source && (await svc.meta.getArtifact(repo.key, `${archive}/${file}`)))
    ) {
      throw new HttpError('ERR_CRAN_VERSION_EXISTS', `${pkg} ${version} is already in ${repo.key}`);
    }
    const newest = current.every(
      (a) => compareRVersions(version, FILE.exec(a.path.slice(dir.length + 1))?.[2] ?? '0') > 0,
    );
    const properties: Properties = {
      ...matrix,
      'cran.package': [pkg],
      'cran.version': [version],
      'cran.fields': [JSON.stringify(indexFields(desc, staged.md5))],
    };
    const path = newest || !source ? `${dir}/${file}` : `${archive}/${file}`;
    const art = await svc.commitStaged({ repo: repo.key, path, staged, user, properties });
    if (newest) {
      for (const old of current) {
        if (source) {
          const props = await svc.meta.getProperties(old.id);
          await svc.meta.deployArtifact({
            repo: repo.key,
            path: `${archive}/${old.path.slice(dir.length + 1)}`,
            blob: { sha256: old.sha256, sha1: old.sha1, md5: old.md5, size: old.size },
            user,
            properties: props,
          });
        }
        await svc.deletePath(repo.key, old.path);
      }
      await this.regenerate(repo, dir, user);
    }
    return art;
  }
}

function renderIndex(stanzas: Stanza[], index: IndexName): Buffer {
  if (index === 'PACKAGES.rds') return renderRds(stanzas);
  const text = Buffer.from(renderDcf(stanzas));
  return index === 'PACKAGES.gz' ? gzipSync(text) : text;
}

/** The archive index R's `remotes::install_version()` reads to find older versions. */
const ARCHIVE_RDS = 'src/contrib/Meta/archive.rds';
const RDS_TYPE = 'application/octet-stream';

const TYPES: Record<IndexName, string> = {
  PACKAGES: 'text/plain; charset=utf-8',
  'PACKAGES.gz': 'application/gzip',
  'PACKAGES.rds': 'application/octet-stream',
};

export async function cranRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const repos = new CranRepos(app.stowage);

  const cranRepo = (key: string): Promise<RepoConfig> => app.stowage.repo(key, 'cran');

  const get = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path);
    await req.authorize('repo:read', r.repo);
    const repo = await cranRepo(r.repo);
    const c = classify(r.path);
    if (c.kind === 'index') {
      const out = await repos.index(repo, c.dir, c.index);
      if (!out) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
      if (out.art) {
        return sendArtifact(req, reply, out.art, {
          repo: repo.key,
          stale: out.stale === true,
          contentType: TYPES[c.index],
          record: false,
        });
      }
      return sendComputed(req, reply, out.body, TYPES[c.index]);
    }
    if (r.path === ARCHIVE_RDS && repo.rclass !== 'remote') {
      return sendComputed(req, reply, renderArchiveRds(await repos.archived(repo)), RDS_TYPE);
    }
    const served =
      c.kind === 'file' || repo.rclass !== 'local'
        ? await serveFile(req, reply, {
            repo,
            path: r.path,
            resolve: {
              ...(c.kind === 'other' && { metadata: true }),
              ...(c.kind === 'file' && {
                upstreamUrl: (remote: RepoConfig, path: string) => repos.declared(remote, path),
              }),
              ownedBy: (local, path) => ownedBy(svc, local, path),
            },
            record: c.kind === 'file',
            matrix: r.matrix,
          })
        : false;
    if (!served) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
    return reply;
  };

  app.get('/api/cran/*', { config: READ, exposeHeadRoute: false }, (req, reply) => get(req, reply));
  app.head('/api/cran/*', { config: READ }, (req, reply) => get(req, reply));

  const upload = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path);
    const who = await req.authorize('repo:deploy', r.repo);
    const body = (req.body as Readable | undefined) ?? req.raw;
    let dir: string;
    let ext: 'tar.gz' | 'tgz' | 'zip';
    let named: { pkg: string; version: string } | undefined;
    const c = classify(r.path);
    if (r.path === 'sources' || r.path === 'sources/') {
      dir = 'src/contrib';
      ext = 'tar.gz';
    } else if (c.kind === 'file' && !c.archived) {
      dir = c.dir;
      const m = FILE.exec(r.path.slice(c.dir.length + 1));
      ext = (m?.[3] ?? 'tar.gz') as typeof ext;
      named = { pkg: c.pkg, version: c.version };
    } else {
      body.resume();
      throw new HttpError('ERR_PATH_INVALID', `cannot upload to ${r.path || '/'}`, {
        hint: 'PUT {pkg}_{version}.tar.gz to src/contrib/ (or .zip/.tgz to a bin/…/contrib/{r}/ directory), or to /sources',
      });
    }
    if (dir === 'src/contrib' && ext !== 'tar.gz') {
      body.resume();
      throw new HttpError('ERR_PATH_INVALID', 'source packages are .tar.gz files');
    }
    const target = await svc.deployableRepo(r.repo);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    if (target.packageType !== 'cran') await cranRepo(target.key);
    const expected = normalizeChecksums(declaredChecksums(req));
    let staged: StagedBlob | undefined;
    try {
      staged = await svc.stageUpload(body);
      verifyChecksums(staged, expected, 'package');
      const desc = await readDescription(staged, ext, svc.config.limits.archive);
      if (named && (named.pkg !== desc.Package || named.version !== desc.Version)) {
        throw new HttpError(
          'ERR_CRAN_PACKAGE_INVALID',
          `the file is named ${named.pkg}_${named.version} but DESCRIPTION says ${desc.Package ?? ''} ${desc.Version ?? ''}`,
        );
      }
      const s = staged;
      staged = undefined;
      const art = await repos.store(target, dir, ext, s, desc, who.user, r.matrix);
      req.log.info({ repo: target.key, path: art.path, size: art.size }, 'cran package uploaded');
      return reply.code(201).send({
        repo: target.key,
        path: art.path,
        package: desc.Package,
        version: desc.Version,
        size: art.size,
        checksums: { sha1: art.sha1, sha256: art.sha256, md5: art.md5 },
      });
    } finally {
      if (staged) await staged.discard();
    }
  };
  app.put('/api/cran/*', { config: DEPLOY }, upload);
  app.post('/api/cran/*', { config: DEPLOY }, upload);
}
