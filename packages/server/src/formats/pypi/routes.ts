import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allowInline } from '../../internal/serving.ts';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { HttpError } from '../../errors.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import type { Services } from '../../internal/services.ts';
import { cleanDigests, type ResolveOptions, type UpstreamSource } from '../../internal/resolver.ts';
import { allowedByPatterns, compilePatterns } from '../../internal/antpattern.ts';
import { sendComputed, serveFile } from '../../internal/serve.ts';
import { receiveMultipart } from '../../internal/multipart.ts';
import { checkFilename, checkProject, fileBelongsTo, normalizeName } from './names.ts';
import {
  JSON_TYPE,
  checkPage,
  negotiate,
  parseProjectPage,
  parseRootPage,
  renderProjectHtml,
  renderProjectJson,
  renderRootHtml,
  renderRootJson,
  type ProjectFile,
  type ProjectPage,
} from './simple.ts';
import { findZipMember } from '../../internal/archive.ts';

const READ = { permission: 'repo:read' } as const;

/** Where a remote caches upstream index pages (outside any project folder). */
const PAGES = '.pypi/simple';
const METADATA = '.metadata';
const MAX_PAGE = 64 * 1024 * 1024;

/** The index root of a remote: its URL without a trailing `/simple`. */
function indexRoot(remote: RepoConfig): string {
  return (remote.url ?? '').replace(/\/+$/, '').replace(/\/simple$/, '');
}

async function readText(svc: Services, art: ArtifactRecord): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of svc.blobs.open(art.sha256)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readLimited(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > MAX_PAGE) throw new HttpError('ERR_UPSTREAM_INVALID', 'the upstream page is too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Remote and virtual resolution of PyPI paths: index pages and files. */
class PypiRepos {
  readonly #svc: Services;
  constructor(svc: Services) {
    this.#svc = svc;
  }

  /** Options that let the shared resolver fetch PyPI paths from an upstream index. */
  options(extra: ResolveOptions = {}): ResolveOptions {
    return {
      packageOf: (path) => (path.startsWith('.') ? undefined : path.split('/')[0]),
      upstreamUrl: (remote, path) => this.#upstreamUrl(remote, path),
      ...extra,
    };
  }

  /** A file's URL on the upstream and the hash its index page declares (`#sha256=`, PEP 691 `hashes`). */
  async #upstreamUrl(
    remote: RepoConfig,
    path: string,
  ): Promise<string | UpstreamSource | undefined> {
    const root = indexRoot(remote);
    if (path === `${PAGES}/index.html`) return `${root}/simple/`;
    if (path.startsWith(`${PAGES}/`)) {
      return `${root}/simple/${encodeURIComponent(path.slice(PAGES.length + 1, -'.html'.length))}/`;
    }
    const [project = '', filename = ''] = path.split('/');
    const meta = filename.endsWith(METADATA);
    const file = meta ? filename.slice(0, -METADATA.length) : filename;
    const page = await this.#remotePage(remote, project);
    const hit = page?.files.find((f) => f.filename === file);
    if (!hit) return undefined;
    const sha256 = meta ? hit.coreMetadata : hit.sha256;
    const expect = cleanDigests({ sha256 });
    return { url: hit.url + (meta ? METADATA : ''), expect };
  }

  async #remotePage(remote: RepoConfig, project: string): Promise<ProjectPage | undefined> {
    const what = `page of ${project}`;
    const found = await this.#svc.resolver.resolve(
      remote,
      `${PAGES}/${project}.html`,
      this.options({
        metadata: true,
        validate: async (body) => checkPage(await readLimited(body), what),
      }),
    );
    if (!found) return undefined;
    const text = await readText(this.#svc, found.art);
    const page = parseProjectPage(text, project, `${indexRoot(remote)}/simple/${project}/`);
    page.files = page.files.filter((f) => {
      try {
        checkFilename(f.filename);
        return true;
      } catch {
        return false;
      }
    });
    const inc = compilePatterns(remote.includesPattern);
    const exc = compilePatterns(remote.excludesPattern);
    page.files = page.files.filter((f) => allowedByPatterns(`${project}/${f.filename}`, inc, exc));
    return page;
  }

  async #localPage(repo: RepoConfig, project: string): Promise<ProjectPage | undefined> {
    const arts = await this.#svc.meta.listFiles(repo.key, project);
    if (arts.length === 0) return undefined;
    const byPath = new Map(arts.map((a) => [a.path, a]));
    const files: ProjectFile[] = [];
    for (const a of arts) {
      const filename = a.path.slice(project.length + 1);
      if (filename.includes('/') || filename.endsWith(METADATA)) continue;
      const f: ProjectFile = { filename, url: filename, sha256: a.sha256, size: a.size };
      const props = await this.#svc.meta.getProperties(a.id);
      const rp = props['pypi.requires_python']?.[0];
      if (rp) f.requiresPython = rp;
      if (props['pypi.yanked']?.[0] !== undefined) f.yanked = props['pypi.yanked'][0] || true;
      const m = byPath.get(`${a.path}${METADATA}`);
      if (m) f.coreMetadata = m.sha256;
      files.push(f);
    }
    return { name: project, files };
  }

  /** A project's page in any repository; for a virtual, its members' pages merged in order. */
  async page(
    repo: RepoConfig,
    project: string,
    seen = new Set<string>(),
  ): Promise<ProjectPage | undefined> {
    if (repo.rclass === 'local') return this.#localPage(repo, project);
    if (repo.rclass === 'remote') return this.#remotePage(repo, project);
    const pages = await this.#svc.resolver.fromMembers(repo, { owner: project, seen }, (m) =>
      this.page(m, project, seen),
    );
    if (pages.length === 0) return undefined;
    const merged = new Map<string, ProjectFile>();
    for (const { member, value: page } of pages) {
      const inc = compilePatterns(member.includesPattern);
      const exc = compilePatterns(member.excludesPattern);
      for (const f of page.files) {
        if (!merged.has(f.filename) && allowedByPatterns(`${project}/${f.filename}`, inc, exc))
          merged.set(f.filename, f);
      }
    }
    return { name: project, files: [...merged.values()] };
  }

  /** Project names a repository lists on its root page. */
  async projects(repo: RepoConfig, seen = new Set<string>()): Promise<string[]> {
    if (repo.rclass === 'local') {
      const names = new Set<string>();
      for (const a of await this.#svc.meta.listFiles(repo.key, '')) {
        const top = a.path.split('/')[0] ?? '';
        if (!top.startsWith('.') && a.path.includes('/')) names.add(top);
      }
      return [...names];
    }
    if (repo.rclass === 'remote') {
      const found = await this.#svc.resolver.resolve(
        repo,
        `${PAGES}/index.html`,
        this.options({
          metadata: true,
          validate: async (b) => checkPage(await readLimited(b), 'root page'),
        }),
      );
      return found ? parseRootPage(await readText(this.#svc, found.art)).map(normalizeName) : [];
    }
    if (seen.has(repo.key)) return [];
    seen.add(repo.key);
    const names = new Set<string>();
    for (const m of await this.#svc.resolver.members(repo)) {
      try {
        for (const n of await this.projects(m, seen)) names.add(n);
      } catch (err) {
        this.#svc.log.warn(
          { virtual: repo.key, member: m.key, err: (err as Error).message },
          'virtual member failed; skipped',
        );
      }
    }
    return [...names];
  }
}

function send(
  reply: FastifyReply,
  req: FastifyRequest,
  html: () => string,
  json: () => string,
): FastifyReply {
  const q = (req.query ?? {}) as Record<string, string | undefined>;
  const kind = negotiate(req.headers.accept, q.format);
  reply.header('vary', 'Accept');
  return kind === 'json'
    ? sendComputed(req, reply, json(), JSON_TYPE)
    : // The simple index is generated with every name escaped: inline, under the sandbox CSP.
      sendComputed(req, allowInline(reply), html(), 'text/html; charset=utf-8');
}

interface RepoParams {
  repo: string;
}
interface ProjectParams extends RepoParams {
  project: string;
}
interface FileParams extends ProjectParams {
  filename: string;
}

/**
 * PyPI under `/api/pypi/{repo}/`: the simple index (`/simple/`, `/simple/{project}/`, PEP 503
 * HTML and PEP 691 JSON, PEP 658 metadata), downloads (`/packages/{project}/{file}`) and the
 * legacy upload API twine uses (POST multipart to the repository URL).
 */
export async function pypiRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  // Bodies stay unread: the upload handler streams the multipart body itself.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));
  const repos = new PypiRepos(app.stowage);

  const pypiRepo = (key: string): Promise<RepoConfig> => app.stowage.repo(key, 'pypi');

  const redirect = (to: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    await req.authorize('repo:read', (req.params as RepoParams).repo);
    return reply.redirect(to, 301);
  };

  app.get<{ Params: RepoParams }>('/api/pypi/:repo/simple', { config: READ }, (req, reply) =>
    redirect(`/api/pypi/${encodeURIComponent(req.params.repo)}/simple/`)(req, reply),
  );
  app.get<{ Params: RepoParams }>(
    '/api/pypi/:repo/simple/',
    { config: READ },
    async (req, reply) => {
      await req.authorize('repo:read', req.params.repo);
      const repo = await pypiRepo(req.params.repo);
      const names = [...new Set(await repos.projects(repo))].sort();
      return send(
        reply,
        req,
        () => renderRootHtml(names),
        () => renderRootJson(names),
      );
    },
  );
  app.get<{ Params: ProjectParams }>(
    '/api/pypi/:repo/simple/:project',
    { config: READ },
    (req, reply) =>
      redirect(
        `/api/pypi/${encodeURIComponent(req.params.repo)}/simple/${encodeURIComponent(normalizeName(checkProject(req.params.project)))}/`,
      )(req, reply),
  );
  app.get<{ Params: ProjectParams }>(
    '/api/pypi/:repo/simple/:project/',
    { config: READ },
    async (req, reply) => {
      await req.authorize('repo:read', req.params.repo);
      const project = checkProject(req.params.project);
      const norm = normalizeName(project);
      if (norm !== project) {
        return reply.redirect(
          `/api/pypi/${encodeURIComponent(req.params.repo)}/simple/${norm}/`,
          301,
        );
      }
      const repo = await pypiRepo(req.params.repo);
      const page = await repos.page(repo, norm);
      if (!page) throw new HttpError('ERR_NOT_FOUND', `no project "${norm}" in ${repo.key}`);
      // Every file is downloaded through this repository, whoever holds it.
      const files = page.files.map((f) => ({
        ...f,
        url: `../../packages/${norm}/${encodeURIComponent(f.filename)}`,
      }));
      const out = { name: norm, files };
      return send(
        reply,
        req,
        () => renderProjectHtml(out),
        () => renderProjectJson(out),
      );
    },
  );

  app.get<{ Params: FileParams }>(
    '/api/pypi/:repo/packages/:project/:filename',
    { config: READ },
    async (req, reply) => {
      await req.authorize('repo:read', req.params.repo);
      const project = normalizeName(checkProject(req.params.project));
      const { filename } = req.params;
      checkFilename(filename.endsWith(METADATA) ? filename.slice(0, -METADATA.length) : filename);
      const repo = await pypiRepo(req.params.repo);
      const path = `${project}/${filename}`;
      const served = await serveFile(req, reply, {
        repo,
        path,
        resolve: repos.options(),
        contentType: 'application/octet-stream',
        record: !filename.endsWith(METADATA),
      });
      if (!served) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${path} does not exist`);
      return reply;
    },
  );

  const upload = async (req: FastifyRequest<{ Params: RepoParams }>, reply: FastifyReply) => {
    const who = await req.authorize('repo:deploy', req.params.repo);
    const target = await app.stowage.deployableRepo(req.params.repo);
    if (target.key !== req.params.repo) await req.authorize('repo:deploy', target.key);
    if (target.packageType !== 'pypi') await pypiRepo(target.key);
    const art = await receiveUpload(app.stowage, req, target, who.user);
    req.log.info({ repo: art.repo, path: art.path, size: art.size }, 'pypi upload');
    return reply.code(200).type('text/plain').send('OK\n');
  };
  const deploy = { config: { permission: 'repo:deploy' } } as const;
  app.post('/api/pypi/:repo', deploy, upload);
  app.post('/api/pypi/:repo/', deploy, upload);
  app.post('/api/pypi/:repo/legacy/', deploy, upload);
}

/** Parses twine's multipart upload, streaming the `content` part to the blob store. */
async function receiveUpload(
  svc: Services,
  req: FastifyRequest,
  target: RepoConfig,
  user: string,
): Promise<ArtifactRecord> {
  const ct = req.headers['content-type'] ?? '';
  if (!ct.toLowerCase().startsWith('multipart/form-data')) {
    req.raw.resume();
    throw new HttpError('ERR_BODY_INVALID', 'a PyPI upload is a multipart/form-data POST', {
      hint: 'upload with `twine upload --repository-url <stowage>/api/pypi/<repo>/`',
    });
  }
  const upload = await receiveMultipart(svc, req, {
    take: (field) => field === 'content',
    preservePath: true,
    limits: { files: 2, fields: 500, fieldSize: 1024 * 1024 },
  });
  const { fields } = upload;
  let staged = upload.file?.staged;
  const filename = upload.file?.filename;
  try {
    const action = fields.get(':action');
    if (action !== 'file_upload') {
      throw new HttpError(
        'ERR_BODY_INVALID',
        `":action" is "${action ?? ''}"; only file_upload is supported`,
      );
    }
    const name = fields.get('name');
    const version = fields.get('version');
    if (!name || !version)
      throw new HttpError('ERR_BODY_INVALID', 'an upload needs the "name" and "version" fields');
    checkProject(name);
    if (!staged || !filename)
      throw new HttpError('ERR_BODY_INVALID', 'the upload has no "content" file part');
    checkFilename(filename);
    if (!fileBelongsTo(filename, name)) {
      throw new HttpError('ERR_BODY_INVALID', `"${filename}" is not a distribution of "${name}"`);
    }
    const sha256 = fields.get('sha256_digest')?.trim().toLowerCase();
    const md5 = fields.get('md5_digest')?.trim().toLowerCase();
    if (!sha256 && !md5) {
      throw new HttpError(
        'ERR_CHECKSUM_INVALID',
        'an upload needs "sha256_digest" or "md5_digest"',
      );
    }
    if (sha256 && sha256 !== staged.sha256) {
      throw new HttpError(
        'ERR_CHECKSUM_MISMATCH',
        `sha256 of ${filename} is ${staged.sha256} but sha256_digest says ${sha256}`,
      );
    }
    if (md5 && md5 !== staged.md5 && md5 !== Buffer.from(staged.md5, 'hex').toString('base64url')) {
      throw new HttpError(
        'ERR_CHECKSUM_MISMATCH',
        `md5 of ${filename} is ${staged.md5} but md5_digest says ${md5}`,
      );
    }
    const project = normalizeName(name);
    const path = `${project}/${filename}`;
    if (await svc.meta.getArtifact(target.key, path)) {
      throw new HttpError('ERR_PYPI_FILE_EXISTS', `File already exists: ${target.key}/${path}`);
    }
    const properties: Properties = {
      'pypi.name': [name],
      'pypi.normalized_name': [project],
      'pypi.version': [version],
    };
    for (const [field, prop] of [
      ['requires_python', 'pypi.requires_python'],
      ['summary', 'pypi.summary'],
      ['filetype', 'pypi.filetype'],
      ['pyversion', 'pypi.pyversion'],
    ] as const) {
      const v = fields.get(field);
      if (v) properties[prop] = [v];
    }
    const s = staged;
    staged = undefined;
    const art = await svc.commitStaged({ repo: target.key, path, staged: s, user, properties });
    if (filename.endsWith('.whl')) await storeWheelMetadata(svc, art, user);
    return art;
  } finally {
    if (staged) await staged.discard();
  }
}

/** PEP 658: stores the wheel's METADATA beside it as `{file}.metadata`. */
async function storeWheelMetadata(svc: Services, art: ArtifactRecord, user: string): Promise<void> {
  try {
    const member = await findZipMember(
      (start, end) => svc.blobs.open(art.sha256, { start, end }),
      art.size,
      (n) => /^[^/]+\.dist-info\/METADATA$/.test(n),
      svc.config.limits.archive,
    );
    if (!member) {
      svc.log.warn({ repo: art.repo, path: art.path }, 'no METADATA found in the wheel');
      return;
    }
    await svc.deploy({
      repo: art.repo,
      path: `${art.path}${METADATA}`,
      body: Readable.from([member.data]),
      expected: { sha256: createHash('sha256').update(member.data).digest('hex') },
      properties: {},
      user,
    });
  } catch (err) {
    svc.log.warn(
      { repo: art.repo, path: art.path, err: (err as Error).message },
      'could not extract METADATA from the wheel',
    );
  }
}
