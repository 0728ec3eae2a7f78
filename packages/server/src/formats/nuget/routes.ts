/**
 * NuGet under `/api/nuget/`:
 *
 * - v3 at `/api/nuget/v3/{repo}/index.json` (service index), `flatcontainer/` (PackageBaseAddress:
 *   version lists, `.nupkg`, `.nuspec`), `registration/` (index with inline pages, pages,
 *   leaves), `query` (search), `autocomplete`, and `package` (PackagePublish: PUT pushes,
 *   DELETE unlists);
 * - v2 OData at `/api/nuget/{repo}/` for NuGet 2.x: the service document, `$metadata`,
 *   `Packages()`, `Packages(Id='…',Version='…')`, `FindPackagesById()`, `Search()` (Atom feeds),
 *   downloads at `package/{id}/{version}`, push by `PUT /api/nuget/{repo}[/]` (or
 *   `…/api/v2/package`), unlist by `DELETE /api/nuget/{repo}/{id}/{version}`.
 *
 * The API key NuGet sends (`X-NuGet-ApiKey`) is a Stowage token; Bearer and basic auth work too.
 * The build may ride in the repository segment as matrix parameters (`{repo};build.name=…`).
 */
import { Transform, type Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import {
  baseUrl,
  decodeQueryValue,
  rawQuery,
  declaredChecksums,
  rawUrl,
} from '../../internal/http.ts';
import type { Properties, RepoConfig } from '../../internal/metastore.ts';
import { parseMatrix } from '../../internal/paths.ts';
import { normalizeChecksums, verifyChecksums, type Services } from '../../internal/services.ts';
import { receiveMultipart } from '../../internal/multipart.ts';
import { serveFile } from '../../internal/serve.ts';
import {
  registrationIndex,
  registrationLeaf,
  registrationPage,
  searchHit,
  serviceIndex,
  v2Entry,
  v2Feed,
  v2Metadata,
  v2Service,
  HIVES,
  type Bases,
  type Hive,
} from './feeds.ts';
import {
  compareVersions,
  isPrerelease,
  isSemVer2,
  wantsSemVer2,
  normalizeVersion,
  validId,
  type NugetVersion,
} from './model.ts';
import { NugetRepos, nupkgPath, nuspecPath } from './repos.ts';

const READ = { permission: 'repo:read' } as const;
const DEPLOY = { permission: 'repo:deploy' } as const;
const DELETE = { permission: 'repo:delete' } as const;

const ATOM_FEED = 'application/atom+xml;type=feed;charset=utf-8';
const ATOM_ENTRY = 'application/atom+xml;type=entry;charset=utf-8';

interface Target {
  v3: boolean;
  repo: string;
  matrix: Properties;
  /** Decoded segments after the repository. */
  rest: string[];
}

function parseTarget(req: FastifyRequest): Target {
  const raw = rawUrl(req).path.slice('/api/nuget/'.length);
  const segs = raw.split('/');
  const v3 = segs[0] === 'v3' && segs.length > 2;
  if (v3) segs.shift();
  const head = segs.shift() ?? '';
  const semi = head.indexOf(';');
  let rest: string[];
  let repo: string;
  try {
    repo = decodeURIComponent(semi < 0 ? head : head.slice(0, semi));
    rest = segs.map((s) => decodeURIComponent(s));
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `"${raw}" has an invalid percent-encoding`);
  }
  if (rest.some((s) => s === '..' || s === '.' || s.includes('\\') || s.includes('\0')))
    throw new HttpError('ERR_PATH_INVALID', `"${raw}" is not a NuGet path`);
  if (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  return { v3, repo, matrix: semi < 0 ? {} : parseMatrix(head.slice(semi + 1)), rest };
}

function bases(req: FastifyRequest, repo: string): Bases {
  const b = `${baseUrl(req)}/api/nuget`;
  return { v3: `${b}/v3/${repo}`, v2: `${b}/${repo}` };
}

/** A lowercase id from a URL, or a 404 for anything that cannot be one. */
function idOf(s: string | undefined): string {
  if (!s || !validId(s)) throw new HttpError('ERR_NOT_FOUND', `"${s ?? ''}" is not a package id`);
  return s.toLowerCase();
}
function versionOf(s: string | undefined): string {
  const v = s === undefined ? undefined : normalizeVersion(s);
  if (!v) throw new HttpError('ERR_NOT_FOUND', `"${s ?? ''}" is not a NuGet version`);
  return v;
}

/** An OData string literal (`'x'`, quotes doubled inside) or a bare value. */
function literal(v: string | undefined): string {
  if (v === undefined) return '';
  const s = decodeQueryValue(v);
  return /^'.*'$/s.test(s) ? s.slice(1, -1).replaceAll("''", "'") : s;
}

export async function nugetRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const repos = new NugetRepos(app.stowage);

  // NuGet clients send the API key in X-NuGet-ApiKey; it is a Stowage token.
  app.addHook('onRequest', async (req) => {
    const key = req.headers['x-nuget-apikey'];
    if (!req.principal.authenticated && typeof key === 'string' && key !== '')
      req.principal = await app.stowage.auth.authenticate({ 'x-jfrog-art-api': key });
  });

  const nugetRepo = (key: string): Promise<RepoConfig> => app.stowage.repo(key, 'nuget');

  const get = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const t = parseTarget(req);
    const who = await req.authorize('repo:read', t.repo);
    const repo = await nugetRepo(t.repo);
    const b = bases(req, repo.key);
    const ctx: Ctx = { svc: app.stowage, repos, req, reply, repo, b, t, user: who.user };
    return t.v3 ? v3Get(ctx) : v2Get(ctx);
  };
  app.get('/api/nuget/*', { config: READ }, get);

  const push = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const t = parseTarget(req);
    const who = await req.authorize('repo:deploy', t.repo);
    const path = t.rest.join('/');
    const ok = t.v3 ? path === 'package' : ['', 'package', 'api/v2/package'].includes(path);
    if (!ok) {
      req.raw.resume();
      throw new HttpError('ERR_PATH_INVALID', `cannot push to ${rawUrl(req).path}`, {
        hint: 'push to /api/nuget/v3/{repo}/package or /api/nuget/{repo}/',
      });
    }
    const target = await svc.deployableRepo(t.repo);
    if (target.key !== t.repo) await req.authorize('repo:deploy', target.key);
    await nugetRepo(target.key);
    const expected = normalizeChecksums(declaredChecksums(req));
    let staged: StagedBlob | undefined = await receive(svc, req);
    try {
      verifyChecksums(staged, expected, 'package');
      const s = staged;
      staged = undefined;
      let out;
      try {
        out = await repos.push(target, s, who.user, t.matrix);
      } catch (err) {
        await s.discard();
        throw err;
      }
      req.log.info(
        { repo: target.key, path: out.art.path, size: out.art.size },
        'nuget package pushed',
      );
      return reply.code(201).send({
        repo: target.key,
        path: out.art.path,
        id: out.version.id,
        version: out.version.version,
        size: out.art.size,
        checksums: { sha1: out.art.sha1, sha256: out.art.sha256, md5: out.art.md5 },
      });
    } finally {
      if (staged) await staged.discard();
    }
  };
  app.put('/api/nuget/*', { config: DEPLOY }, push);
  // POST {id}/{version} relists an unlisted version (nuget.org's v2 API); any other POST pushes.
  app.post('/api/nuget/*', { config: DEPLOY }, async (req, reply) => {
    const t = parseTarget(req);
    let rest = t.rest;
    if (t.v3 && rest[0] === 'package') rest = rest.slice(1);
    else if (!t.v3 && rest.slice(0, 3).join('/') === 'api/v2/package') rest = rest.slice(3);
    if (rest.length !== 2) return push(req, reply);
    req.raw.resume();
    await req.authorize('repo:deploy', t.repo);
    const target = await app.stowage.deployableRepo(t.repo);
    if (target.key !== t.repo) await req.authorize('repo:deploy', target.key);
    await nugetRepo(target.key);
    const id = idOf(rest[0]);
    const version = versionOf(rest[1]);
    if (!(await repos.relist(target, id, version)))
      throw new HttpError('ERR_NOT_FOUND', `${id} ${version} is not in ${target.key}`);
    req.log.info({ repo: target.key, id, version }, 'nuget package relisted');
    return reply.code(200).send();
  });

  app.delete('/api/nuget/*', { config: DELETE }, async (req, reply) => {
    const t = parseTarget(req);
    await req.authorize('repo:delete', t.repo);
    let rest = t.rest;
    if (t.v3 && rest[0] === 'package') rest = rest.slice(1);
    else if (!t.v3 && rest.slice(0, 3).join('/') === 'api/v2/package') rest = rest.slice(3);
    if (rest.length !== 2) throw new HttpError('ERR_NOT_FOUND', 'DELETE {id}/{version}');
    const target = await app.stowage.deployableRepo(t.repo);
    if (target.key !== t.repo) await req.authorize('repo:delete', target.key);
    await nugetRepo(target.key);
    const id = idOf(rest[0]);
    const version = versionOf(rest[1]);
    if (!(await repos.unlist(target, id, version)))
      throw new HttpError('ERR_NOT_FOUND', `${id} ${version} is not in ${target.key}`);
    req.log.info({ repo: target.key, id, version }, 'nuget package unlisted');
    return reply.code(204).send();
  });
}

interface Ctx {
  svc: Services;
  repos: NugetRepos;
  req: FastifyRequest;
  reply: FastifyReply;
  repo: RepoConfig;
  b: Bases;
  t: Target;
  user: string;
}

function notFound(ctx: Ctx): HttpError {
  return new HttpError('ERR_NOT_FOUND', `${ctx.repo.key}/${ctx.t.rest.join('/')} does not exist`);
}

async function versionsOr404(ctx: Ctx, id: string): Promise<NugetVersion[]> {
  const list = await ctx.repos.versions(ctx.repo, id);
  if (!list?.length) throw notFound(ctx);
  return list;
}

async function v3Get(ctx: Ctx): Promise<unknown> {
  const { reply, b, t } = ctx;
  const r = t.rest;
  const json = (doc: unknown): FastifyReply => reply.type('application/json').send(doc);
  if (r.length === 1 && r[0] === 'index.json') return json(serviceIndex(b));
  if (r[0] === 'flatcontainer' && r.length === 3 && r[2] === 'index.json') {
    const list = await versionsOr404(ctx, idOf(r[1]));
    return json({ versions: list.map((v) => v.version.toLowerCase()) });
  }
  if (r[0] === 'flatcontainer' && r.length === 4) {
    const id = idOf(r[1]);
    const version = versionOf(r[2]);
    const file = r[3];
    if (file === `${id}.${version.toLowerCase()}.nupkg`)
      return sendFile(ctx, nupkgPath(id, version), true);
    if (file === `${id}.nuspec`) return sendFile(ctx, nuspecPath(id, version), false);
    throw notFound(ctx);
  }
  const hive = HIVES[r[0] as Hive] as (typeof HIVES)[Hive] | undefined;
  if (hive && r.length >= 3) {
    const hb: Bases = { ...b, hive: r[0] as Hive };
    // nuget.org's hives are gzip'd blobs; clients always accept gzip for them.
    const out = (doc: unknown): FastifyReply => {
      if (!hive.gzip) return json(doc);
      return reply
        .type('application/json')
        .header('content-encoding', 'gzip')
        .send(gzipSync(JSON.stringify(doc)));
    };
    const id = idOf(r[1]);
    const list = (await versionsOr404(ctx, id)).filter(
      (v) => hive.semver2 || !isSemVer2(v.version),
    );
    if (!list.length) throw notFound(ctx);
    if (r.length === 3 && r[2] === 'index.json') return out(registrationIndex(hb, list));
    const leaf = r.length === 3 ? /^(.+)\.json$/.exec(r[2] ?? '') : null;
    if (leaf) {
      const v = list.find((x) => x.version.toLowerCase() === versionOf(leaf[1]).toLowerCase());
      if (!v) throw notFound(ctx);
      return out(registrationLeaf(hb, v));
    }
    const hi = r.length === 5 && r[2] === 'page' ? /^(.+)\.json$/.exec(r[4] ?? '') : null;
    if (hi) {
      const lo = versionOf(r[3]);
      const up = versionOf(hi[1]);
      const page = list.filter(
        (v) => compareVersions(v.version, lo) >= 0 && compareVersions(v.version, up) <= 0,
      );
      if (!page.length) throw notFound(ctx);
      return out(registrationPage(hb, page));
    }
    throw notFound(ctx);
  }
  if (r.length === 1 && (r[0] === 'query' || r[0] === 'autocomplete')) {
    const q = rawQuery(ctx.req);
    const text = decodeQueryValue(q.get('q') ?? '');
    const prerelease = decodeQueryValue(q.get('prerelease') ?? 'false') === 'true';
    const skip = Math.max(0, Number(q.get('skip') ?? 0) || 0);
    const take = Math.min(1000, Math.max(0, Number(q.get('take') ?? 20) || 0));
    if (r[0] === 'autocomplete' && q.has('id')) {
      const list = (await ctx.repos.versions(ctx.repo, idOf(decodeQueryValue(q.get('id') ?? ''))))
        ?.filter((v) => v.listed && (prerelease || !isPrerelease(v.version)))
        .map((v) => v.version);
      return json({ totalHits: list?.length ?? 0, data: list ?? [] });
    }
    const semver2 = wantsSemVer2(decodeQueryValue(q.get('semVerLevel') ?? ''));
    const hits = [...(await ctx.repos.search(ctx.repo, text, prerelease)).values()]
      .map((h) => (semver2 ? h : h.filter((v) => !isSemVer2(v.version))))
      .filter((h) => h.length > 0)
      .sort((x, y) => (x[0]?.id ?? '').toLowerCase().localeCompare((y[0]?.id ?? '').toLowerCase()));
    const page = hits.slice(skip, skip + take);
    if (r[0] === 'autocomplete')
      return json({ totalHits: hits.length, data: page.map((h) => h[0]?.id) });
    return json({ totalHits: hits.length, data: page.map((h) => searchHit(ctx.b, h)) });
  }
  throw notFound(ctx);
}

/** Flags an OData `$filter` may carry that this server honours. */
interface Filter {
  id?: string;
  version?: string;
  latest?: boolean;
  absoluteLatest?: boolean;
  /** `semVerLevel=2.0.0`: SemVer 2.0.0 versions are listed too (NuGet 2.x never asks). */
  semver2?: boolean;
}

function parseFilter(raw: string | undefined): Filter {
  const f: Filter = {};
  if (!raw) return f;
  const s = decodeQueryValue(raw);
  const id = /(?:tolower\(\s*)?Id\s*\)?\s+eq\s+'((?:[^']|'')*)'/i.exec(s);
  if (id) f.id = (id[1] ?? '').replaceAll("''", "'");
  const ver = /\bVersion\s+eq\s+'((?:[^']|'')*)'/.exec(s);
  if (ver) f.version = ver[1] ?? '';
  if (/\bIsAbsoluteLatestVersion\b/.test(s)) f.absoluteLatest = true;
  else if (/\bIsLatestVersion\b/.test(s)) f.latest = true;
  return f;
}

/** v2 entries of one package's versions, with the IsLatestVersion flags computed. */
function entries(b: Bases, all: NugetVersion[], f: Filter, prerelease: boolean): string[] {
  const list = f.semver2 ? all : all.filter((v) => !isSemVer2(v.version));
  const listed = list.filter((v) => v.listed);
  const stable = listed.filter((v) => !isPrerelease(v.version));
  const latest = stable[stable.length - 1];
  const absolute = listed[listed.length - 1];
  return list
    .filter((v) => prerelease || !isPrerelease(v.version))
    .filter((v) => (f.latest ? v === latest : f.absoluteLatest ? v === absolute : true))
    .filter(
      (v) =>
        f.version === undefined ||
        v.version.toLowerCase() === normalizeVersion(f.version)?.toLowerCase(),
    )
    .map((v) => v2Entry(b, v, { latest: v === latest, absoluteLatest: v === absolute }));
}

async function v2Get(ctx: Ctx): Promise<unknown> {
  const { reply, b } = ctx;
  const path = ctx.t.rest.join('/');
  reply.header('dataserviceversion', '2.0;');
  if (path === '') return reply.type('application/xml;charset=utf-8').send(v2Service(b));
  if (path === '$metadata') return reply.type('application/xml;charset=utf-8').send(v2Metadata());
  const dl = /^package\/([^/]+)\/([^/]+)$/.exec(path);
  if (dl) {
    const id = idOf(dl[1]);
    return sendFile(ctx, nupkgPath(id, versionOf(dl[2])), true);
  }
  const one = /^Packages\(Id='((?:[^']|'')*)',Version='((?:[^']|'')*)'\)$/.exec(path);
  if (one) {
    const id = idOf((one[1] ?? '').replaceAll("''", "'"));
    const version = versionOf(one[2]);
    const list = await versionsOr404(ctx, id);
    const hit = list.find((v) => v.version.toLowerCase() === version.toLowerCase());
    if (!hit) throw notFound(ctx);
    const listed = list.filter((v) => v.listed);
    const stable = listed.filter((v) => !isPrerelease(v.version));
    return reply.type(ATOM_ENTRY).send(
      `<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n${v2Entry(
        b,
        hit,
        {
          latest: hit === stable[stable.length - 1],
          absoluteLatest: hit === listed[listed.length - 1],
        },
        true,
      )}`,
    );
  }
  const m = /^(Packages|FindPackagesById|Search)(?:\(\))?(\/\$count)?$/.exec(path);
  if (!m) throw notFound(ctx);
  const q = rawQuery(ctx.req);
  const f = parseFilter(q.get('$filter'));
  f.semver2 = wantsSemVer2(decodeQueryValue(q.get('semVerLevel') ?? '').replaceAll("'", ''));
  const fn = m[1] as 'Packages' | 'FindPackagesById' | 'Search';
  let out: string[] = [];
  if (fn === 'FindPackagesById' || (fn === 'Packages' && f.id !== undefined)) {
    const raw = fn === 'FindPackagesById' ? literal(q.get('id')) : (f.id ?? '');
    if (validId(raw)) {
      const list = await ctx.repos.versions(ctx.repo, raw.toLowerCase());
      if (list) out = entries(b, list, f, true);
    }
  } else {
    const term = fn === 'Search' ? literal(q.get('searchTerm')) : '';
    const pre = fn === 'Search' ? literal(q.get('includePrerelease')) === 'true' : true;
    const hits = [...(await ctx.repos.search(ctx.repo, term, pre)).values()].sort((x, y) =>
      (x[0]?.id ?? '').toLowerCase().localeCompare((y[0]?.id ?? '').toLowerCase()),
    );
    for (const h of hits) out.push(...entries(b, h, f, pre));
  }
  if (m[2]) return reply.type('text/plain;charset=utf-8').send(String(out.length));
  const skip = Math.max(0, Number(q.get('$skip') ?? 0) || 0);
  const top = q.has('$top') ? Math.max(0, Number(q.get('$top')) || 0) : out.length;
  return reply.type(ATOM_FEED).send(v2Feed(b, fn, out.slice(skip, skip + top)));
}

async function sendFile(ctx: Ctx, path: string, pkg: boolean): Promise<unknown> {
  const served = await serveFile(ctx.req, ctx.reply, {
    repo: ctx.repo,
    path,
    resolve: ctx.repos.options(),
    contentType: pkg ? 'application/octet-stream' : 'application/xml',
    record: pkg,
    matrix: ctx.t.matrix,
  });
  if (!served) throw notFound(ctx);
  return ctx.reply;
}

/** The package of a push: the first file part of a multipart body (as NuGet sends it), or the raw body. */
async function receive(svc: Services, req: FastifyRequest): Promise<StagedBlob> {
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  const incomplete = (err?: unknown): HttpError =>
    new HttpError('ERR_UPLOAD_INCOMPLETE', 'the push ended before its body was complete', {
      cause: err,
    });
  if (!ct.startsWith('multipart/form-data')) {
    try {
      return await svc.blobs.stage((req.body as Readable | undefined) ?? req.raw);
    } catch (err) {
      throw incomplete(err);
    }
  }
  const body = (req.body as Readable | undefined) ?? req.raw;
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(String(req.headers['content-type']));
  const fix = closingDelimiterFix(boundary?.[1] ?? boundary?.[2] ?? '');
  body.once('error', (err) => fix.destroy(err));
  let upload;
  try {
    upload = await receiveMultipart(svc, req, {
      take: () => true,
      body: body.pipe(fix),
      limits: { files: 1, fields: 20 },
    });
  } catch (err) {
    throw err instanceof HttpError && err.code !== 'ERR_UPLOAD_INCOMPLETE' ? err : incomplete(err);
  }
  if (!upload.file)
    throw new HttpError('ERR_NUGET_PACKAGE_INVALID', 'the push has no package file part');
  return upload.file.staged;
}

/**
 * NuGet 2.x on mono ends its multipart body with `\n--{boundary}--` (Environment.NewLine)
 * where RFC 2046 needs `\r\n`; this puts the `\r` back so the parser sees the last part end.
 */
function closingDelimiterFix(boundary: string): Transform {
  const close = Buffer.from(`\n--${boundary}--`);
  const keep = close.length + 4;
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const all = Buffer.concat([tail, chunk]);
      const cut = Math.max(0, all.length - keep);
      tail = all.subarray(cut);
      cb(null, all.subarray(0, cut));
    },
    flush(cb) {
      const at = boundary === '' ? -1 : tail.lastIndexOf(close);
      if (at >= 0 && (at === 0 || tail[at - 1] !== 0x0d)) {
        cb(null, Buffer.concat([tail.subarray(0, at), Buffer.from('\r'), tail.subarray(at)]));
      } else cb(null, tail);
    },
  });
}
