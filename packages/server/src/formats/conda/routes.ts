/**
 * Conda channels under `/api/conda/{repo}/`: `{subdir}/repodata.json`, `current_repodata.json`
 * and `repodata.json.zst`, and the package files (`.conda`, `.tar.bz2`) beside them. No `.bz2`
 * repodata is made: there is no bzip2 encoder in Node nor a permissively licensed pure-JS one.
 *
 * Local repositories store uploaded packages (`PUT|POST /api/conda/{repo}/{subdir}/{file}`; the
 * package's `info/index.json` is read from the streamed upload and must match the file name and
 * subdir) and regenerate the subdir's repodata after every upload; every subdir answers, empty
 * when nothing is in it (conda always asks for `noarch`). Remote ones proxy a channel through
 * the shared Resolver (repodata is metadata, revalidated after max-age; packages are immutable).
 * Virtual ones merge their members' repodata, first member winning per file, and never take a
 * package name a local member holds from a remote.
 */
import { Readable } from 'node:stream';
// A namespace import: the CLI bundle links `node:zlib` at start-up, and Node releases without
// zstd (before 22.15) would refuse a named import of it before any command could run.
import * as zlib from 'node:zlib';
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

const READ = { permission: 'repo:read' } as const;
const DEPLOY = { permission: 'repo:deploy' } as const;

const PREFIX = '/api/conda/';
const SUBDIR = /^(noarch|[a-z0-9]+-[a-z0-9_]+)$/;
const PACKAGE = /^([A-Za-z0-9_.+-]+)-([^-/]+)-([^-/]+)\.(conda|tar\.bz2)$/;
const INDEXES = ['repodata.json', 'current_repodata.json', 'repodata.json.zst'] as const;
type IndexName = (typeof INDEXES)[number];
const MAX_REPODATA = 512 * 1024 * 1024;

/** One package's repodata record (index.json plus the file's size and digests). */
export type Record_ = Record<string, unknown> & { name: string; version: string; build: string };

export interface Repodata {
  info: { subdir: string };
  packages: Record<string, Record_>;
  'packages.conda': Record<string, Record_>;
  removed: string[];
  repodata_version: number;
}

export type CondaPath =
  | { kind: 'index'; subdir: string; index: IndexName }
  | { kind: 'file'; subdir: string; file: string; name: string; ext: 'conda' | 'tar.bz2' }
  | { kind: 'other' };

export function classify(path: string): CondaPath {
  const [subdir = '', file = '', ...rest] = path.split('/');
  if (rest.length || !SUBDIR.test(subdir)) return { kind: 'other' };
  if ((INDEXES as readonly string[]).includes(file))
    return { kind: 'index', subdir, index: file as IndexName };
  const m = PACKAGE.exec(file);
  if (m) return { kind: 'file', subdir, file, name: m[1] ?? '', ext: m[4] as 'conda' | 'tar.bz2' };
  return { kind: 'other' };
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

export function emptyRepodata(subdir: string): Repodata {
  return { info: { subdir }, packages: {}, 'packages.conda': {}, removed: [], repodata_version: 1 };
}

/** Conda's version order, simplified: numeric components numerically, others as text. */
export function compareCondaVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/);
  const pb = b.split(/[._-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    const d = Number.isNaN(nx) || Number.isNaN(ny) ? (x === y ? 0 : x < y ? -1 : 1) : nx - ny;
    if (d !== 0) return d;
  }
  return 0;
}

/** current_repodata.json: the newest version of each name (every build of it). */
export function currentOf(rd: Repodata): Repodata {
  const newest = new Map<string, string>();
  for (const r of [...Object.values(rd.packages), ...Object.values(rd['packages.conda'])]) {
    const v = newest.get(r.name);
    if (v === undefined || compareCondaVersions(r.version, v) > 0) newest.set(r.name, r.version);
  }
  const keep = (m: Record<string, Record_>): Record<string, Record_> =>
    Object.fromEntries(Object.entries(m).filter(([, r]) => newest.get(r.name) === r.version));
  return { ...rd, packages: keep(rd.packages), 'packages.conda': keep(rd['packages.conda']) };
}

function render(rd: Repodata, index: IndexName): Buffer {
  if (index === 'current_repodata.json') return Buffer.from(JSON.stringify(currentOf(rd)));
  const json = Buffer.from(JSON.stringify(rd));
  return index === 'repodata.json.zst' ? zlib.zstdCompressSync(json) : json;
}

async function readAll(body: Readable, max = MAX_REPODATA): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > max) throw new HttpError('ERR_UPSTREAM_INVALID', 'the repodata is too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseRepodata(text: string, subdir: string): Repodata {
  const v = JSON.parse(text) as Partial<Repodata>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  return {
    ...emptyRepodata(subdir),
    ...v,
    packages: v.packages ?? {},
    'packages.conda': v['packages.conda'] ?? {},
  };
}

/** Reads `info/index.json` from a `.conda` (zip of zstd tars) or a `.tar.bz2` package. */
async function readIndexJson(
  staged: StagedBlob,
  ext: 'conda' | 'tar.bz2',
  caps: ArchiveCaps,
): Promise<Record_> {
  let data: Buffer | undefined;
  const pattern = /^info\/index\.json$/;
  try {
    if (ext === 'tar.bz2') {
      data = (await findTarMember(staged.read(), { compression: 'bzip2', pattern, caps }))?.data;
    } else {
      const info = await findZipMember(
        (start, end) => sliceStream(staged.read(), start, end),
        staged.size,
        (n) => /^info-.+\.tar\.zst$/.test(n),
        caps,
      );
      if (info) {
        const tar = Readable.from([info.data]);
        data = (await findTarMember(tar, { compression: 'zstd', pattern, caps }))?.data;
      }
    }
  } catch (err) {
    if (err instanceof ArchiveLimitError) throw archiveLimitHttpError(err, 'the package');
    throw new HttpError(
      'ERR_CONDA_PACKAGE_INVALID',
      `the package cannot be read (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!data) {
    throw new HttpError('ERR_CONDA_PACKAGE_INVALID', 'the package has no info/index.json', {
      hint:
        ext === 'conda'
          ? 'a .conda file holds info-{name}.tar.zst with info/index.json'
          : 'a .tar.bz2 package is a bzip2-compressed tar holding info/index.json',
    });
  }
  let idx: unknown;
  try {
    idx = JSON.parse(data.toString('utf8'));
  } catch {
    throw new HttpError('ERR_CONDA_PACKAGE_INVALID', 'info/index.json is not JSON');
  }
  const r = idx as Partial<Record_>;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.name !== 'string' ||
    typeof r.version !== 'string' ||
    typeof r.build !== 'string'
  ) {
    throw new HttpError(
      'ERR_CONDA_PACKAGE_INVALID',
      'info/index.json lacks name, version or build',
    );
  }
  return r as Record_;
}

class CondaRepos {
  readonly #svc: Services;
  constructor(svc: Services) {
    this.#svc = svc;
  }

  async #local(repo: RepoConfig, subdir: string): Promise<Repodata> {
    const rd = emptyRepodata(subdir);
    for (const a of await this.#svc.meta.listFiles(repo.key, subdir)) {
      const c = classify(a.path);
      if (c.kind !== 'file') continue;
      const entry = (await this.#svc.meta.getProperties(a.id))['conda.entry']?.[0];
      if (!entry) continue;
      rd[c.ext === 'conda' ? 'packages.conda' : 'packages'][c.file] = JSON.parse(entry) as Record_;
    }
    return rd;
  }

  async #remote(repo: RepoConfig, subdir: string): Promise<Repodata | undefined> {
    const found = await this.#svc.resolver.resolve(repo, `${subdir}/repodata.json`, {
      metadata: true,
      validate: async (body) => {
        try {
          parseRepodata((await readAll(body)).toString('utf8'), subdir);
        } catch (err) {
          throw new HttpError(
            'ERR_UPSTREAM_INVALID',
            `${subdir}/repodata.json is not repodata (${(err as Error).message})`,
          );
        }
      },
    });
    if (!found) return undefined;
    const text = (await readAll(this.#svc.blobs.open(found.art.sha256))).toString('utf8');
    return parseRepodata(text, subdir);
  }

  /** For a package file of a remote: the sha256 and md5 its upstream repodata declares. */
  async declared(remote: RepoConfig, path: string): Promise<UpstreamSource | undefined> {
    const c = classify(path);
    if (c.kind !== 'file') return undefined;
    const rd = await this.#remote(remote, c.subdir).catch((err: unknown) => {
      this.#svc.log.warn({ repo: remote.key, err }, 'upstream repodata unavailable');
      return undefined;
    });
    const r = rd?.[c.ext === 'conda' ? 'packages.conda' : 'packages'][c.file];
    if (!r) return undefined;
    return { expect: cleanDigests({ sha256: r.sha256, md5: r.md5 }) };
  }

  /** A subdir's repodata in any repository; a virtual merges its members in order. */
  async repodata(repo: RepoConfig, subdir: string, seen = new Set<string>()): Promise<Repodata> {
    if (repo.rclass === 'local') return this.#local(repo, subdir);
    if (repo.rclass === 'remote')
      return (await this.#remote(repo, subdir)) ?? emptyRepodata(subdir);
    const out = emptyRepodata(subdir);
    const parts = (
      await this.#svc.resolver.fromMembers(repo, { seen }, (m) => this.repodata(m, subdir, seen))
    ).map(({ member, value }) => ({ m: member, rd: value }));
    const localNames = new Set<string>();
    for (const { m, rd } of parts) {
      if (m.rclass !== 'local') continue;
      for (const r of [...Object.values(rd.packages), ...Object.values(rd['packages.conda'])])
        localNames.add(r.name);
    }
    for (const { m, rd } of parts) {
      for (const key of ['packages', 'packages.conda'] as const) {
        for (const [file, r] of Object.entries(rd[key])) {
          if (file in out[key] || (m.rclass !== 'local' && localNames.has(r.name))) continue;
          out[key][file] = r;
        }
      }
    }
    return out;
  }

  async index(
    repo: RepoConfig,
    subdir: string,
    index: IndexName,
  ): Promise<{ body?: Buffer; art?: ArtifactRecord; stale?: boolean } | undefined> {
    if (repo.rclass === 'remote') {
      const found = await this.#svc.resolver.resolve(repo, `${subdir}/${index}`, {
        metadata: true,
      });
      if (found) return { art: found.art, stale: found.stale };
      if (index === 'repodata.json') return undefined;
      // An upstream without this variant: derive it from its repodata.json.
      const rd = await this.#remote(repo, subdir);
      return rd && { body: render(rd, index) };
    }
    if (repo.rclass === 'local') {
      const art = await this.#svc.meta.getArtifact(repo.key, `${subdir}/${index}`);
      if (art) return { art };
    }
    return { body: render(await this.repodata(repo, subdir), index) };
  }

  async store(
    repo: RepoConfig,
    c: Extract<CondaPath, { kind: 'file' }>,
    staged: StagedBlob,
    entry: Record_,
    user: string,
    matrix: Properties,
  ): Promise<ArtifactRecord> {
    const svc = this.#svc;
    return this.#svc.meta.withLock(`conda\0${repo.key}\0${c.subdir}`, async () => {
      const path = `${c.subdir}/${c.file}`;
      if (await svc.meta.getArtifact(repo.key, path)) {
        await staged.discard();
        throw new HttpError('ERR_CONDA_FILE_EXISTS', `${repo.key}/${path} already exists`);
      }
      const properties: Properties = {
        ...matrix,
        'conda.name': [entry.name],
        'conda.version': [entry.version],
        'conda.entry': [JSON.stringify(entry)],
      };
      const art = await svc.commitStaged({ repo: repo.key, path, staged, user, properties });
      const rd = await this.#local(repo, c.subdir);
      for (const index of INDEXES) {
        await svc.deploy({
          repo: repo.key,
          path: `${c.subdir}/${index}`,
          body: Readable.from([render(rd, index)]),
          expected: {},
          properties: {},
          user,
        });
      }
      return art;
    });
  }
}

const TYPES: Record<IndexName, string> = {
  'repodata.json': 'application/json',
  'current_repodata.json': 'application/json',
  'repodata.json.zst': 'application/zstd',
};

export async function condaRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const repos = new CondaRepos(app.stowage);

  const condaRepo = (key: string): Promise<RepoConfig> => app.stowage.repo(key, 'conda');

  const get = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path);
    await req.authorize('repo:read', r.repo);
    const repo = await condaRepo(r.repo);
    const c = classify(r.path);
    if (c.kind === 'index') {
      const out = await repos.index(repo, c.subdir, c.index);
      if (!out) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
      if (out.art) {
        return sendArtifact(req, reply, out.art, {
          repo: repo.key,
          stale: out.stale === true,
          contentType: TYPES[c.index],
          record: false,
        });
      }
      return sendComputed(req, reply, out.body ?? Buffer.alloc(0), TYPES[c.index]);
    }
    if (repo.rclass === 'virtual' && /^[^/]+\/(current_)?repodata\.json\.bz2$/.test(r.path)) {
      // A member remote's .bz2 would lack the other members' packages: let the client fall
      // back to the merged .zst or plain JSON.
      throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} is not served (no bzip2)`);
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
              ownedBy: async (local, path) => {
                const p = classify(path);
                if (p.kind !== 'file') return false;
                return (
                  (await svc.meta.findByProperties({ 'conda.name': p.name }, local.key)).length > 0
                );
              },
            },
            record: c.kind === 'file',
            matrix: r.matrix,
          })
        : false;
    if (!served) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
    return reply;
  };

  app.get('/api/conda/*', { config: READ, exposeHeadRoute: false }, (req, reply) =>
    get(req, reply),
  );
  app.head('/api/conda/*', { config: READ }, (req, reply) => get(req, reply));

  const upload = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path);
    const who = await req.authorize('repo:deploy', r.repo);
    const body = (req.body as Readable | undefined) ?? req.raw;
    const c = classify(r.path);
    if (c.kind !== 'file') {
      body.resume();
      throw new HttpError('ERR_PATH_INVALID', `cannot upload to ${r.path || '/'}`, {
        hint: 'PUT a package to {subdir}/{name}-{version}-{build}.conda (or .tar.bz2)',
      });
    }
    const target = await svc.deployableRepo(r.repo);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    if (target.packageType !== 'conda') await condaRepo(target.key);
    const expected = normalizeChecksums(declaredChecksums(req));
    let staged: StagedBlob | undefined;
    try {
      staged = await svc.stageUpload(body);
      verifyChecksums(staged, expected, 'package');
      // Refused before the package is read (decoding a .tar.bz2 is slow); store() checks again.
      if (await svc.meta.getArtifact(target.key, `${c.subdir}/${c.file}`)) {
        throw new HttpError('ERR_CONDA_FILE_EXISTS', `${target.key}/${r.path} already exists`);
      }
      const idx = await readIndexJson(staged, c.ext, svc.config.limits.archive);
      const expectedName = `${idx.name}-${idx.version}-${idx.build}.${c.ext}`;
      if (expectedName !== c.file) {
        throw new HttpError(
          'ERR_CONDA_PACKAGE_INVALID',
          `info/index.json describes ${expectedName}, not ${c.file}`,
        );
      }
      const subdir = typeof idx.subdir === 'string' ? idx.subdir : c.subdir;
      if (subdir !== c.subdir) {
        throw new HttpError(
          'ERR_CONDA_PACKAGE_INVALID',
          `the package is for subdir ${subdir}, not ${c.subdir}`,
        );
      }
      const entry: Record_ = {
        ...idx,
        subdir,
        md5: staged.md5,
        sha256: staged.sha256,
        size: staged.size,
      };
      const s = staged;
      staged = undefined;
      const art = await repos.store(target, c, s, entry, who.user, r.matrix);
      req.log.info({ repo: target.key, path: art.path, size: art.size }, 'conda package uploaded');
      return reply.code(201).send({
        repo: target.key,
        path: art.path,
        name: entry.name,
        version: entry.version,
        build: entry.build,
        size: art.size,
        checksums: { sha1: art.sha1, sha256: art.sha256, md5: art.md5 },
      });
    } finally {
      if (staged) await staged.discard();
    }
  };
  app.put('/api/conda/*', { config: DEPLOY }, upload);
  app.post('/api/conda/*', { config: DEPLOY }, upload);
}
