import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, diskFullCode, errorBody, storageFull } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import { readSpooledJson, type AttachmentRange, type SpooledJson } from './spool.ts';
import { baseUrl, bodyTooLarge, rawUrl } from '../../internal/http.ts';
import { SizedLru } from '../../internal/lru.ts';
import { RenderedCache, sendRendered } from '../../internal/rendered.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import {
  cleanDigests,
  digestsFromSri,
  type ResolveOptions,
  type UpstreamSource,
} from '../../internal/resolver.ts';
import { BUILD_NAME_PROP, BUILD_NUMBER_PROP, type Services } from '../../internal/services.ts';
import { buildIdentity, serveFile } from '../../internal/serve.ts';
import { AUDIT_PATHS, forwardAudit, search } from './registry-api.ts';
import {
  MAX_PACKUMENT_BYTES,
  abbreviate,
  asPackument,
  checkName,
  escapedName,
  mergePackuments,
  packageOfPath,
  packumentPath,
  parsePackument,
  parseStoragePath,
  parseTarget,
  readLimited,
  rewriteTarballs,
  tarballFile,
  tarballPath,
  validVersion,
  type Manifest,
  type NpmTarget,
  type Packument,
} from './packument.ts';

const ABBREVIATED = 'application/vnd.npm.install-v1+json';
const PREFIX = /^\/api\/npm\/([^/]+)\/(.*)$/;

const WEB_LOGIN_HINT =
  'npm falls back to `npm login --auth-type=legacy`: give any user name and a Stowage token as the password, or write the token with `stowage setup npm`';

/** The npm registry protocol under `/api/npm/{repo}/`. */
export async function npmRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  // Bodies are spooled to the blob store's temporary area, never held whole: a publish carries
  // its tarballs base64-encoded inside the JSON (see spool.ts). Limit: limits.npmPublishBytes.
  const limit = app.stowage.config.limits.npmPublishBytes;
  app.addContentTypeParser('*', (req, payload, done) => {
    const tooLarge = (): HttpError =>
      bodyTooLarge(limit, 'npmPublishBytes', req.method, '/api/npm/:repo/*');
    if (Number(req.headers['content-length']) > limit) {
      payload.resume();
      done(tooLarge(), undefined);
      return;
    }
    // npm sends audit bodies gzip-compressed: decompressed on the way, the limit counting what
    // comes out (so a small bomb cannot get past it).
    const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (enc !== 'identity' && enc !== 'gzip' && enc !== 'deflate') {
      payload.resume();
      done(
        new HttpError('ERR_BODY_INVALID', `content-encoding ${enc} is not supported`, {
          hint: 'send the body plain, gzip- or deflate-compressed',
        }),
        undefined,
      );
      return;
    }
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(seen > limit ? tooLarge() : null, chunk);
      },
    });
    app.stowage.blobs
      .stage(
        enc === 'identity'
          ? pipeline(payload, counted, () => {})
          : pipeline(payload, enc === 'gzip' ? createGunzip() : createInflate(), counted, () => {}),
      )
      .then((staged) => done(null, { spooled: staged } satisfies Spooled))
      .catch((err: unknown) => {
        if (err instanceof HttpError) return done(err, undefined);
        if (/^Z_/.test(String((err as NodeJS.ErrnoException).code))) {
          return done(
            new HttpError('ERR_BODY_INVALID', `the ${enc} body could not be decompressed`, {
              cause: err,
              hint: 'send the body plain, or gzip/deflate it whole',
            }),
            undefined,
          );
        }
        const full = diskFullCode(err);
        done(
          full
            ? storageFull(err, full)
            : new HttpError('ERR_UPLOAD_INCOMPLETE', 'the request body broke off', { cause: err }),
          undefined,
        );
      });
  });
  // A callback hook: every npm GET passes here, and an async one cost a promise per answer.
  app.addHook('onResponse', (req, _reply, done) => {
    const b = req.body as Spooled | undefined;
    if (b && typeof b === 'object' && 'spooled' in b) b.spooled.discard().then(() => done(), done);
    else done();
  });
  // npm prints a registry's `error` field (npm-registry-fetch), not Artifactory's `errors` list.
  app.setErrorHandler((err, req, reply) => {
    if (!(err instanceof HttpError)) throw err;
    if (err.status >= 500) req.log.error({ err }, err.message);
    else req.log.info({ code: err.code, status: err.status }, err.message);
    // A half-started answer (a tarball's headers) must not keep its type or length.
    return reply
      .code(err.status)
      .headers(err.headers)
      .type('application/json; charset=utf-8')
      .removeHeader('content-length')
      .removeHeader('content-encoding')
      .send(JSON.stringify({ ...errorBody(err), error: err.message }));
  });
  app.get('/api/npm/:repo/*', { config: { permission: 'repo:read' } }, (req, reply) =>
    get(app.stowage, req, reply),
  );
  app.put('/api/npm/:repo/*', { config: { permission: 'repo:deploy' } }, (req, reply) =>
    put(app.stowage, req, reply),
  );
  app.delete('/api/npm/:repo/*', { config: { permission: 'repo:delete' } }, (req, reply) =>
    del(app.stowage, req, reply),
  );
  // npm's web-login probe: public, so npm gets the 404 that makes it fall back to legacy login.
  app.post('/api/npm/:repo/-/v1/login', { config: { permission: 'public' } }, () => {
    throw new HttpError('ERR_NPM_WEB_LOGIN_UNSUPPORTED', 'Stowage has no npm web login', {
      hint: WEB_LOGIN_HINT,
    });
  });
  // The audit endpoints (the only other POSTs npm makes to a registry).
  app.post('/api/npm/:repo/*', { config: { permission: 'repo:read' } }, (req, reply) =>
    post(app.stowage, req, reply),
  );
}

/** POST: the audit endpoints and the web-login probe (`-/…`); nothing else is posted to npm. */
async function post(svc: Services, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { repoKey, raw } = split(req);
  const target = parseTarget(raw, repoKey);
  if (target.kind === 'special') return special(svc, req, reply, repoKey, target.segs);
  throw new HttpError('ERR_NOT_FOUND', `no npm route for POST ${raw}`);
}

function split(req: FastifyRequest): { repoKey: string; raw: string } {
  const m = PREFIX.exec(rawUrl(req).path);
  if (!m) throw new HttpError('ERR_NOT_FOUND', `no npm route for ${rawUrl(req).path}`);
  return { repoKey: decodeURIComponent(m[1] ?? ''), raw: m[2] ?? '' };
}

function npmRepo(svc: Services, key: string): Promise<RepoConfig> {
  return svc.repo(key, 'npm');
}

function npmBase(req: FastifyRequest, repo: string): string {
  return `${baseUrl(req)}/api/npm/${repo}`;
}

/**
 * GET targets by raw path: parsing is a pure function of the path, and every cached packument
 * or tarball GET paid for it again (~5% of one under load). Only packages and tarballs are kept
 * (frozen), weighed by their path's length; 1 MiB in all.
 */
const parsedGets = new SizedLru<{ repoKey: string; target: NpmTarget }>(1024 * 1024);

function parseGet(req: FastifyRequest): { repoKey: string; target: NpmTarget } {
  const path = rawUrl(req).path;
  let hit = parsedGets.get(path);
  if (hit === undefined) {
    const { repoKey, raw } = split(req);
    const target = parseTarget(raw, repoKey);
    hit = { repoKey, target };
    if (target.kind !== 'special') {
      if (target.kind === 'package') Object.freeze(target.rest);
      parsedGets.set(path, Object.freeze(hit), 2 * path.length + 200);
    }
  }
  return hit;
}

async function get(svc: Services, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { repoKey, target } = parseGet(req);
  if (target.kind === 'special') return special(svc, req, reply, repoKey, target.segs);
  await req.authorize('repo:read', repoKey);
  const repo = await npmRepo(svc, repoKey);
  if (target.kind === 'tarball') return tarball(svc, req, reply, repo, target.name, target.file);
  const sources = await packumentSources(svc, repo, target.name);
  if (sources.length === 0) {
    throw new HttpError('ERR_NOT_FOUND', `package ${target.name} is not in ${repoKey}`);
  }
  const first = sources[0]!;
  if (sources.length === 1 ? first.stale : sources.some((x) => x.stale))
    reply.header('x-stowage-cache', 'stale');
  const accept = String(req.headers.accept ?? '');
  const abbreviated = accept.includes(ABBREVIATED) && !accept.includes('application/json');
  const spec = target.rest.join('/');
  const view = spec ? `version:${spec}` : abbreviated ? 'abbreviated' : 'full';
  // The answer depends only on the stored packuments, the URL base and the view: render once.
  const digests = sources.length === 1 ? first.sha256 : sources.map((x) => x.sha256).join(',');
  const key = `${npmBase(req, repoKey)}\0${target.name}\0${view}\0${digests}`;
  let entry = rendered.get(key);
  if (entry === undefined) {
    const doc = rewriteTarballs(
      await mergeSources(svc, sources, target.name),
      npmBase(req, repoKey),
    );
    let value: unknown = doc;
    if (spec) {
      const version = doc['dist-tags'][spec] ?? spec;
      value = doc.versions[version];
      if (!value) throw new HttpError('ERR_NOT_FOUND', `${target.name}@${spec} does not exist`);
    } else if (abbreviated) {
      value = abbreviate(doc);
    }
    entry = rendered.set(key, JSON.stringify(value));
  }
  return sendRendered(req, reply, entry, abbreviated && !spec ? ABBREVIATED : 'application/json');
}

/**
 * Rendered packument answers (bytes, and gzip/brotli beside them) by (base URL, name, view,
 * source digests); 64 MiB at most.
 */
const rendered = new RenderedCache(64 * 1024 * 1024);

/** The stored packuments `name` is made of in `repo` (a virtual: its members', in merge order). */
async function packumentSources(
  svc: Services,
  repo: RepoConfig,
  name: string,
  seen?: Set<string>,
): Promise<{ sha256: string; stale: boolean }[]> {
  const path = packumentPath(name);
  if (repo.rclass !== 'virtual') {
    const r = await svc.resolver.resolve(repo, path, remoteOptions(svc, name));
    return r ? [{ sha256: r.art.sha256, stale: r.stale }] : [];
  }
  seen ??= new Set<string>();
  const found = await svc.resolver.fromMembers(repo, { path, owner: name, seen }, async (m) => {
    const s = await packumentSources(svc, m, name, seen);
    return s.length ? s : undefined;
  });
  return found.flatMap((f) => f.value);
}

async function mergeSources(
  svc: Services,
  sources: { sha256: string }[],
  name: string,
): Promise<Packument> {
  const path = packumentPath(name);
  const docs: Packument[] = [];
  for (const x of sources) {
    docs.push(
      parsePackument(await readLimited(svc.blobs.open(x.sha256), MAX_PACKUMENT_BYTES, path), name),
    );
  }
  const doc = mergePackuments(docs);
  if (!doc) throw new HttpError('ERR_NOT_FOUND', `package ${name} has no packument`);
  return doc;
}

/** The packument of `name` as `repo` serves it (virtual: merged across members), with its source's tarball URLs. */
async function loadPackument(
  svc: Services,
  repo: RepoConfig,
  name: string,
): Promise<{ doc: Packument; stale: boolean } | undefined> {
  const sources = await packumentSources(svc, repo, name);
  if (sources.length === 0) return undefined;
  return { doc: await mergeSources(svc, sources, name), stale: sources.some((x) => x.stale) };
}

/** Resolver options for npm paths: packuments are metadata and validated; URLs follow npm's layout. */
function remoteOptions(svc: Services, name?: string): ResolveOptions {
  const opts: ResolveOptions = {
    packageOf: packageOfPath,
    upstreamUrl: (remote, path) => upstreamUrl(svc, remote, path),
  };
  if (name !== undefined) {
    opts.metadata = true;
    // A malformed or oversized packument is never cached.
    opts.validate = async (body: Readable) => {
      parsePackument(await readLimited(body, MAX_PACKUMENT_BYTES, `packument of ${name}`), name);
    };
  }
  return opts;
}

/**
 * Where a remote fetches an npm path, and for a tarball the digests its packument declares
 * (`dist.integrity`, `dist.shasum`): the packument is fetched first when it is not cached, so
 * that every tarball is checked against what the registry promised.
 */
async function upstreamUrl(
  svc: Services,
  remote: RepoConfig,
  path: string,
): Promise<string | UpstreamSource> {
  const base = (remote.url ?? '').replace(/\/+$/, '');
  const p = parseStoragePath(path);
  if (!p) throw new HttpError('ERR_PATH_INVALID', `${path} is not an npm path`);
  if (!p.file) return `${base}/${escapedName(p.name)}`;
  const fallback = `${base}/${p.name}/-/${encodeURIComponent(p.file)}`;
  // A tarball lives where the upstream's packument says, which need not be {registry}/{name}/-/{file}.
  const found = await svc.resolver.resolve(
    remote,
    packumentPath(p.name),
    remoteOptions(svc, p.name),
  );
  if (!found) return fallback;
  const doc = parsePackument(
    await readLimited(svc.blobs.open(found.art.sha256), MAX_PACKUMENT_BYTES, path),
    p.name,
  );
  for (const [v, m] of Object.entries(doc.versions)) {
    if (tarballFile(p.name, v) !== p.file) continue;
    const dist = m.dist ?? {};
    const expect = typeof dist.integrity === 'string' ? digestsFromSri(dist.integrity) : {};
    if (typeof dist.shasum === 'string') Object.assign(expect, cleanDigests({ sha1: dist.shasum }));
    const url = dist.tarball;
    return typeof url === 'string' && /^https?:\/\//.test(url)
      ? { url, expect }
      : { url: fallback, expect };
  }
  return fallback;
}

async function tarball(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repo: RepoConfig,
  name: string,
  file: string,
): Promise<unknown> {
  const path = tarballPath(name, file);
  const served = await serveFile(req, reply, {
    repo,
    path,
    resolve: remoteOptions(svc),
    contentType: 'application/octet-stream',
  });
  if (!served) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${path} does not exist`);
  return reply;
}

async function special(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repoKey: string,
  segs: string[],
): Promise<unknown> {
  const [first = ''] = segs;
  if (first === 'ping' && req.method === 'GET') {
    await req.authorize('public');
    return reply.send({});
  }
  const sub = segs.join('/');
  if (req.method === 'POST' && AUDIT_PATHS.includes(sub)) {
    await req.authorize('repo:read', repoKey);
    const repo = await npmRepo(svc, repoKey);
    // npm sends {"package": ["version", …]} (bulk) or a lockfile summary (quick).
    const body = JSON.stringify(await jsonBody(req));
    return forwardAudit(svc, req, reply, repo, sub, body);
  }
  if (req.method === 'GET' && sub === 'v1/search') {
    // Declared with the npm GET route (repo:read); the search reads only what the repository holds.
    await req.authorize('repo:read', repoKey);
    return search(svc, req, reply, await npmRepo(svc, repoKey));
  }

  if (first === 'whoami' && req.method === 'GET') {
    const who = await req.authorize('authenticated');
    return reply.send({ username: who.user });
  }
  if (first === 'user' && req.method === 'PUT') {
    // Legacy `npm login`: the password is a Stowage token; it becomes the npm token.
    const body = (await jsonBody(req)) as { name?: unknown; password?: unknown };
    const password = typeof body.password === 'string' ? body.password : '';
    const p = await svc.auth.authenticate({ authorization: `Bearer ${password}` });
    if (!p.authenticated)
      throw new HttpError('ERR_AUTH_INVALID', 'the password is not a valid token');
    await req.authorize('public');
    return reply
      .code(201)
      .send({ ok: true, id: `org.couchdb.user:${String(body.name)}`, token: password });
  }
  if (first === 'package') {
    const tagAt = segs.indexOf('dist-tags');
    if (tagAt < 0) throw new HttpError('ERR_NOT_FOUND', `no npm route for -/${segs.join('/')}`);
    const name = checkName(segs.slice(1, tagAt).join('/'));
    const tag = segs[tagAt + 1];
    return distTags(svc, req, reply, repoKey, name, tag);
  }
  throw new HttpError('ERR_NOT_FOUND', `no npm route for -/${segs.join('/')}`);
}

async function distTags(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repoKey: string,
  name: string,
  tag: string | undefined,
): Promise<unknown> {
  if (req.method === 'GET') {
    await req.authorize('repo:read', repoKey);
    const found = await loadPackument(svc, await npmRepo(svc, repoKey), name);
    if (!found) throw new HttpError('ERR_NOT_FOUND', `package ${name} is not in ${repoKey}`);
    return reply.send(found.doc['dist-tags']);
  }
  const who = await req.authorize('repo:deploy', repoKey);
  if (!tag) throw new HttpError('ERR_PATH_INVALID', 'a dist-tag name is required');
  const repo = await svc.deployableRepo(repoKey);
  await req.authorize('repo:deploy', repo.key);
  let version: unknown;
  if (req.method === 'PUT') version = await jsonBody(req);
  return svc.meta.withLock(`npm\0${repo.key}\0${name}`, async () => {
    const cur = await readLocal(svc, repo, name);
    if (!cur) throw new HttpError('ERR_NOT_FOUND', `package ${name} is not in ${repo.key}`);
    const doc = cur.doc;
    if (req.method === 'PUT') {
      if (typeof version !== 'string' || !doc.versions[version]) {
        throw new HttpError('ERR_BODY_INVALID', `${name}@${String(version)} does not exist`, {
          hint: 'send the version as a JSON string',
        });
      }
      doc['dist-tags'][tag] = version;
    } else {
      if (tag === 'latest')
        throw new HttpError('ERR_FORBIDDEN', 'the latest tag cannot be removed');
      delete doc['dist-tags'][tag];
    }
    await writeLocal(svc, repo, doc, who.user);
    return reply.code(200).send({ ok: true, id: name, 'dist-tags': doc['dist-tags'] });
  });
}

/** A request body spooled by the content parser (discarded once the response is sent). */
interface Spooled {
  spooled: StagedBlob;
}

/** The JSON body, read from the spool: the document without its attachments' base64 text. */
async function spooledBody(req: FastifyRequest): Promise<SpooledJson> {
  const body = req.body as Spooled | undefined;
  if (!body || typeof body !== 'object' || !('spooled' in body) || body.spooled.size === 0) {
    throw new HttpError('ERR_BODY_INVALID', 'the request has no JSON body');
  }
  return readSpooledJson(body.spooled, req.server.stowage.config.limits.jsonDepth);
}

async function jsonBody(req: FastifyRequest): Promise<unknown> {
  return (await spooledBody(req)).doc;
}

async function readLocal(
  svc: Services,
  repo: RepoConfig,
  name: string,
): Promise<{ doc: Packument; art: ArtifactRecord } | undefined> {
  const art = await svc.meta.getArtifact(repo.key, packumentPath(name));
  if (!art) return undefined;
  const data = await readLimited(svc.blobs.open(art.sha256), MAX_PACKUMENT_BYTES, art.path);
  return { doc: parsePackument(data, name), art };
}

async function writeLocal(
  svc: Services,
  repo: RepoConfig,
  doc: Packument,
  user: string,
): Promise<void> {
  const n = Number.parseInt(String(doc._rev ?? '0'), 10) || 0;
  const now = new Date().toISOString();
  doc.time = { ...doc.time, modified: now };
  doc.time.created ??= now;
  const body = {
    ...doc,
    _id: doc.name,
    _rev: `${n + 1}-${createHash('md5').update(now).digest('hex')}`,
  };
  const staged = await svc.blobs.stage(Readable.from([Buffer.from(JSON.stringify(body))]));
  await svc.commitStaged({
    repo: repo.key,
    path: packumentPath(doc.name),
    staged,
    user,
    properties: {},
  });
}

async function put(svc: Services, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { repoKey, raw } = split(req);
  const target = parseTarget(raw, repoKey);
  if (target.kind === 'special') return special(svc, req, reply, repoKey, target.segs);
  const who = await req.authorize('repo:deploy', repoKey);
  if (target.kind !== 'package' || target.rest.length > 0) {
    throw new HttpError('ERR_PATH_INVALID', 'publish with PUT /api/npm/{repo}/{name}');
  }
  const repo = await svc.deployableRepo(repoKey);
  await req.authorize('repo:deploy', repo.key);
  if (repo.packageType !== 'npm') await npmRepo(svc, repo.key);
  const spool = await spooledBody(req);
  const body = spool.doc;
  const name = target.name;
  if (typeof body !== 'object' || body === null || (body as { name?: unknown }).name !== name) {
    throw new HttpError('ERR_BODY_INVALID', `the packument's name is not ${name}`);
  }
  const incoming = asPackumentOrBad(body, name);
  const attachments = (body as { _attachments?: unknown })._attachments;
  return svc.meta.withLock(`npm\0${repo.key}\0${name}`, async () => {
    const cur = await readLocal(svc, repo, name);
    const doc: Packument = cur?.doc ?? { name, 'dist-tags': {}, versions: {}, time: {} };
    const fresh = Object.keys(incoming.versions).filter((v) => !doc.versions[v]);
    if (attachments && typeof attachments === 'object' && Object.keys(attachments).length > 0) {
      // npm publish: new versions, each with its tarball.
      const clash = Object.keys(incoming.versions).find((v) => doc.versions[v]);
      if (clash) {
        throw new HttpError(
          'ERR_NPM_VERSION_EXISTS',
          `cannot publish over the previously published version ${name}@${clash}`,
        );
      }
      const atts = attachments as Record<string, { data?: unknown; length?: unknown }>;
      const ranges = new Map<unknown, AttachmentRange>();
      for (const [file, att] of Object.entries(atts)) {
        const r = spool.attachments.get(file);
        if (r && att && typeof att === 'object') ranges.set(att, r);
      }
      for (const v of fresh) {
        const m = incoming.versions[v] as Manifest;
        const att =
          atts[`${name}-${v}.tgz`] ??
          atts[tarballFile(name, v)] ??
          (fresh.length === 1 ? Object.values(atts)[0] : undefined);
        const range = att ? ranges.get(att) : undefined;
        if (!att || typeof att.data !== 'string' || !range) {
          throw new HttpError('ERR_BODY_INVALID', `no tarball attached for ${name}@${v}`);
        }
        const dist = await storeTarball(svc, req, repo, m, spool.open(range), att.length, who.user);
        doc.versions[v] = { ...m, dist };
        doc.time = { ...doc.time, [v]: new Date().toISOString() };
      }
      for (const [t, v] of Object.entries(incoming['dist-tags'])) doc['dist-tags'][t] = v;
      if (!doc['dist-tags'].latest && fresh[0])
        doc['dist-tags'].latest = fresh[fresh.length - 1] as string;
    } else {
      // A metadata update (npm deprecate, npm unpublish of one version): no new versions.
      if (!cur) throw new HttpError('ERR_NOT_FOUND', `package ${name} is not in ${repo.key}`);
      if (fresh.length) {
        throw new HttpError('ERR_BODY_INVALID', `${name}@${fresh[0]} has no tarball attached`);
      }
      // Dropping versions is unpublishing: that needs "delete", as DELETE does.
      if (Object.keys(doc.versions).some((v) => !incoming.versions[v]))
        await req.authorize('repo:delete', repo.key);
      for (const v of Object.keys(doc.versions)) {
        const m = incoming.versions[v];
        if (!m) {
          delete doc.versions[v];
          await svc.deletePath(repo.key, tarballPath(name, tarballFile(name, v)));
        } else {
          // Only what a client may change: its deprecation notice.
          const keep = doc.versions[v] as Manifest;
          if (typeof m.deprecated === 'string' && m.deprecated !== '')
            keep.deprecated = m.deprecated;
          else delete keep.deprecated;
        }
      }
      doc['dist-tags'] = incoming['dist-tags'];
      if (Object.keys(doc.versions).length === 0) {
        await svc.deletePath(repo.key, name);
        return reply.send({ ok: true, id: name });
      }
    }
    for (const k of [
      'description',
      'readme',
      'maintainers',
      'license',
      'keywords',
      'repository',
      'homepage',
      'bugs',
      'author',
    ]) {
      const v = (body as Record<string, unknown>)[k];
      if (v !== undefined) doc[k] = v;
    }
    await writeLocal(svc, repo, doc, who.user);
    req.log.info({ repo: repo.key, name, versions: fresh }, 'npm package published');
    return reply.code(fresh.length ? 201 : 200).send({ ok: true, id: name });
  });
}

function asPackumentOrBad(body: unknown, name: string): Packument {
  try {
    return asPackument(body, name);
  } catch {
    throw new HttpError('ERR_BODY_INVALID', `the body is not a packument of ${name}`);
  }
}

/** Decodes a base64 attachment to a stream (a MiB at a time), hashing it with sha512 on the way. */

async function storeTarball(
  svc: Services,
  req: FastifyRequest,
  repo: RepoConfig,
  m: Manifest,
  data: Readable,
  length: unknown,
  user: string,
): Promise<Manifest['dist'] & object> {
  const name = m.name;
  if (!validVersion(m.version)) {
    data.destroy();
    throw new HttpError('ERR_BODY_INVALID', `"${m.version}" is not a version`);
  }
  const sha512 = createHash('sha512');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha512.update(chunk);
      cb(null, chunk);
    },
  });
  let staged: StagedBlob;
  try {
    staged = await svc.blobs.stage(pipeline(data, tap, () => {}));
  } catch (err) {
    if (err instanceof HttpError) {
      throw new HttpError('ERR_BODY_INVALID', `the tarball of ${name}@${m.version} is not base64`);
    }
    const full = diskFullCode(err);
    if (full) throw storageFull(err, full);
    throw err;
  }
  const integrity = `sha512-${sha512.digest('base64')}`;
  const problems: string[] = [];
  if (typeof length === 'number' && length !== staged.size)
    problems.push(`length ${staged.size} (declared ${length})`);
  const dist = m.dist ?? {};
  if (typeof dist.shasum === 'string' && dist.shasum.toLowerCase() !== staged.sha1)
    problems.push(`shasum ${staged.sha1} (declared ${dist.shasum})`);
  if (typeof dist.integrity === 'string') {
    const ours: Record<string, string> = {
      sha512: integrity.slice(7),
      sha1: Buffer.from(staged.sha1, 'hex').toString('base64'),
      sha256: Buffer.from(staged.sha256, 'hex').toString('base64'),
    };
    const entries = dist.integrity.trim().split(/\s+/);
    const checkable = entries.filter((e) => ours[e.slice(0, e.indexOf('-'))] !== undefined);
    if (
      !checkable.some(
        (e) =>
          ours[e.slice(0, e.indexOf('-'))] === e.slice(e.indexOf('-') + 1).replace(/\?.*$/, ''),
      )
    )
      problems.push(`integrity ${integrity} (declared ${dist.integrity})`);
  }
  if (problems.length) {
    await staged.discard();
    throw new HttpError(
      'ERR_CHECKSUM_MISMATCH',
      `the tarball of ${name}@${m.version} has ${problems.join(', ')}`,
    );
  }
  const properties: Properties = { 'npm.name': [name], 'npm.version': [m.version] };
  const build = buildIdentity(req);
  if (build.buildName && build.buildNumber) {
    properties[BUILD_NAME_PROP] = [build.buildName];
    properties[BUILD_NUMBER_PROP] = [build.buildNumber];
  }
  await svc.commitStaged({
    repo: repo.key,
    path: tarballPath(name, tarballFile(name, m.version)),
    staged,
    user,
    properties,
  });
  return {
    ...dist,
    shasum: staged.sha1,
    integrity: typeof dist.integrity === 'string' ? dist.integrity : integrity,
  };
}

async function del(svc: Services, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { repoKey, raw } = split(req);
  const target = parseTarget(raw, repoKey);
  if (target.kind === 'special') return special(svc, req, reply, repoKey, target.segs);
  const who = await req.authorize('repo:delete', repoKey);
  const repo = await svc.deployableRepo(repoKey);
  await req.authorize('repo:delete', repo.key);
  const name = target.name;
  return svc.meta.withLock(`npm\0${repo.key}\0${name}`, async () => {
    if (target.kind === 'tarball') {
      const removed = await svc.deletePath(repo.key, tarballPath(name, target.file));
      const cur = await readLocal(svc, repo, name);
      if (cur) {
        const v = Object.keys(cur.doc.versions).find((x) => tarballFile(name, x) === target.file);
        if (v) {
          delete cur.doc.versions[v];
          for (const [t, tv] of Object.entries(cur.doc['dist-tags']))
            if (tv === v) delete cur.doc['dist-tags'][t];
          await writeLocal(svc, repo, cur.doc, who.user);
        }
      }
      if (!removed) throw new HttpError('ERR_NOT_FOUND', `${target.file} is not in ${repo.key}`);
      return reply.send({ ok: true });
    }
    if (target.rest.length > 0)
      throw new HttpError('ERR_PATH_INVALID', 'unpublish with DELETE /{name}/-rev/{rev}');
    const removed = await svc.deletePath(repo.key, name);
    if (!removed) throw new HttpError('ERR_NOT_FOUND', `package ${name} is not in ${repo.key}`);
    req.log.info({ repo: repo.key, name, removed }, 'npm package unpublished');
    return reply.send({ ok: true, id: name });
  });
}
