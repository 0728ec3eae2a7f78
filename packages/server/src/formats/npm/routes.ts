import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, errorBody } from '../../errors.ts';
import { baseUrl, rawUrl } from '../../internal/http.ts';
import { KeyedMutex } from '../../internal/mutex.ts';
import { SizedLru } from '../../internal/lru.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import type { ResolveOptions } from '../../internal/resolver.ts';
import { BUILD_NAME_PROP, BUILD_NUMBER_PROP, type Services } from '../../internal/services.ts';
import { buildIdentity, sendComputed, serveFile } from '../../internal/serve.ts';
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
  type Packument,
} from './packument.ts';

/** Largest `npm publish` body (the tarball arrives base64-encoded inside it). */
export const MAX_PUBLISH_BYTES = 256 * 1024 * 1024;
const ABBREVIATED = 'application/vnd.npm.install-v1+json';
const PREFIX = /^\/api\/npm\/([^/]+)\/(.*)$/;

const locks = new KeyedMutex();

const WEB_LOGIN_HINT =
  'npm falls back to `npm login --auth-type=legacy`: give any user name and a Stowage token as the password, or write the token with `stowage setup npm`';

/** The npm registry protocol under `/api/npm/{repo}/`. */
export async function npmRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: MAX_PUBLISH_BYTES },
    (req, body: Buffer, done) => {
      // npm sends audit bodies gzip-compressed; everything else as plain JSON.
      const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (enc === 'identity') return done(null, body.toString('utf8'));
      if (enc !== 'gzip' && enc !== 'deflate') {
        return done(
          new HttpError('ERR_BODY_INVALID', `content-encoding ${enc} is not supported`, {
            hint: 'send the body plain, gzip- or deflate-compressed',
          }),
        );
      }
      try {
        const inflate = enc === 'gzip' ? gunzipSync : inflateSync;
        done(null, inflate(body, { maxOutputLength: MAX_PUBLISH_BYTES }).toString('utf8'));
      } catch (err) {
        done(
          new HttpError('ERR_BODY_INVALID', `the ${enc} body could not be decompressed`, {
            cause: err,
          }),
        );
      }
    },
  );
  // npm prints a registry's `error` field (npm-registry-fetch), not Artifactory's `errors` list.
  app.setErrorHandler((err, req, reply) => {
    if (!(err instanceof HttpError)) throw err;
    if (err.status >= 500) req.log.error({ err }, err.message);
    else req.log.info({ code: err.code, status: err.status }, err.message);
    return reply
      .code(err.status)
      .headers(err.headers)
      .send({ ...errorBody(err), error: err.message });
  });
  app.get('/api/npm/:repo/*', (req, reply) => get(app.stowage, req, reply));
  app.put('/api/npm/:repo/*', (req, reply) => put(app.stowage, req, reply));
  app.delete('/api/npm/:repo/*', (req, reply) => del(app.stowage, req, reply));
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

async function get(svc: Services, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { repoKey, raw } = split(req);
  const target = parseTarget(raw, repoKey);
  if (target.kind === 'special') return special(svc, req, reply, repoKey, target.segs);
  req.requireRead();
  const repo = await npmRepo(svc, repoKey);
  if (target.kind === 'tarball') return tarball(svc, req, reply, repo, target.name, target.file);
  const sources = await packumentSources(svc, repo, target.name);
  if (sources.length === 0) {
    throw new HttpError('ERR_NOT_FOUND', `package ${target.name} is not in ${repoKey}`);
  }
  if (sources.some((x) => x.stale)) reply.header('x-stowage-cache', 'stale');
  const accept = String(req.headers.accept ?? '');
  const abbreviated = accept.includes(ABBREVIATED) && !accept.includes('application/json');
  const spec = target.rest.join('/');
  const view = spec ? `version:${spec}` : abbreviated ? 'abbreviated' : 'full';
  // The answer depends only on the stored packuments, the URL base and the view: render once.
  const key = `${npmBase(req, repoKey)}\0${target.name}\0${view}\0${sources.map((x) => x.sha256).join(',')}`;
  let body = rendered.get(key);
  if (body === undefined) {
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
    body = JSON.stringify(value);
    rendered.set(key, body, body.length);
  }
  return sendComputed(req, reply, body, abbreviated && !spec ? ABBREVIATED : 'application/json');
}

/** Rendered packument answers by (base URL, name, view, source digests); 64 MiB at most. */
const rendered = new SizedLru<string>(64 * 1024 * 1024);

/** The stored packuments `name` is made of in `repo` (a virtual: its members', in merge order). */
async function packumentSources(
  svc: Services,
  repo: RepoConfig,
  name: string,
  seen = new Set<string>(),
): Promise<{ sha256: string; stale: boolean }[]> {
  const path = packumentPath(name);
  if (repo.rclass !== 'virtual') {
    const r = await svc.resolver.resolve(repo, path, remoteOptions(svc, name));
    return r ? [{ sha256: r.art.sha256, stale: r.stale }] : [];
  }
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

async function upstreamUrl(svc: Services, remote: RepoConfig, path: string): Promise<string> {
  const base = (remote.url ?? '').replace(/\/+$/, '');
  const p = parseStoragePath(path);
  if (!p) throw new HttpError('ERR_PATH_INVALID', `${path} is not an npm path`);
  if (!p.file) return `${base}/${escapedName(p.name)}`;
  // A tarball lives where the upstream's packument says, which need not be {registry}/{name}/-/{file}.
  const cached = await svc.meta.getArtifact(remote.key, packumentPath(p.name));
  if (cached) {
    try {
      const doc = parsePackument(
        await readLimited(svc.blobs.open(cached.sha256), MAX_PACKUMENT_BYTES, path),
        p.name,
      );
      for (const [v, m] of Object.entries(doc.versions)) {
        const url = m.dist?.tarball;
        if (
          tarballFile(p.name, v) === p.file &&
          typeof url === 'string' &&
          /^https?:\/\//.test(url)
        )
          return url;
      }
    } catch (err) {
      svc.log.warn({ repo: remote.key, path, err }, 'cached packument unreadable');
    }
  }
  return `${base}/${p.name}/-/${encodeURIComponent(p.file)}`;
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
  return served;
}

async function special(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repoKey: string,
  segs: string[],
): Promise<unknown> {
  const [first = ''] = segs;
  if (first === 'ping' && req.method === 'GET') return reply.send({});
  const sub = segs.join('/');
  if (req.method === 'POST' && AUDIT_PATHS.includes(sub)) {
    req.requireRead();
    const repo = await npmRepo(svc, repoKey);
    const body = typeof req.body === 'string' ? req.body : '';
    try {
      JSON.parse(body);
    } catch {
      throw new HttpError('ERR_BODY_INVALID', `the ${sub} body is not JSON`, {
        hint: 'npm sends {"package": ["version", …]} (bulk) or a lockfile summary (quick)',
      });
    }
    return forwardAudit(svc, req, reply, repo, sub, body);
  }
  if (req.method === 'GET' && sub === 'v1/search') {
    // Declared with the npm GET route (repo:read); the search reads only what the repository holds.
    req.requireRead();
    return search(svc, req, reply, await npmRepo(svc, repoKey));
  }

  if (first === 'whoami' && req.method === 'GET') {
    const who = req.requireWrite();
    return reply.send({ username: who.user });
  }
  if (first === 'user' && req.method === 'PUT') {
    // Legacy `npm login`: the password is a Stowage token; it becomes the npm token.
    const body = jsonBody(req) as { name?: unknown; password?: unknown };
    const password = typeof body.password === 'string' ? body.password : '';
    const p = await svc.auth.authenticate({ authorization: `Bearer ${password}` });
    if (!p.authenticated)
      throw new HttpError('ERR_AUTH_INVALID', 'the password is not a valid token');
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
    req.requireRead();
    const found = await loadPackument(svc, await npmRepo(svc, repoKey), name);
    if (!found) throw new HttpError('ERR_NOT_FOUND', `package ${name} is not in ${repoKey}`);
    return reply.send(found.doc['dist-tags']);
  }
  const who = req.requireWrite();
  if (!tag) throw new HttpError('ERR_PATH_INVALID', 'a dist-tag name is required');
  const repo = await svc.deployableRepo(repoKey);
  let version: unknown;
  if (req.method === 'PUT') version = jsonBody(req);
  return locks.run(`${repo.key}\0${name}`, async () => {
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

function jsonBody(req: FastifyRequest): unknown {
  const body = req.body;
  if (typeof body !== 'string' || body.trim() === '') {
    throw new HttpError('ERR_BODY_INVALID', 'the request has no JSON body');
  }
  req.body = undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new HttpError('ERR_BODY_INVALID', `the body is not JSON (${(err as Error).message})`);
  }
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
  const who = req.requireWrite();
  if (target.kind !== 'package' || target.rest.length > 0) {
    throw new HttpError('ERR_PATH_INVALID', 'publish with PUT /api/npm/{repo}/{name}');
  }
  const repo = await svc.deployableRepo(repoKey);
  if (repo.packageType !== 'npm') await npmRepo(svc, repo.key);
  const body = jsonBody(req);
  const name = target.name;
  if (typeof body !== 'object' || body === null || (body as { name?: unknown }).name !== name) {
    throw new HttpError('ERR_BODY_INVALID', `the packument's name is not ${name}`);
  }
  const incoming = asPackumentOrBad(body, name);
  const attachments = (body as { _attachments?: unknown })._attachments;
  return locks.run(`${repo.key}\0${name}`, async () => {
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
      for (const v of fresh) {
        const m = incoming.versions[v] as Manifest;
        const att =
          atts[`${name}-${v}.tgz`] ??
          atts[tarballFile(name, v)] ??
          (fresh.length === 1 ? Object.values(atts)[0] : undefined);
        if (!att || typeof att.data !== 'string') {
          throw new HttpError('ERR_BODY_INVALID', `no tarball attached for ${name}@${v}`);
        }
        const dist = await storeTarball(svc, req, repo, m, att.data, att.length, who.user);
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
function base64Stream(data: string, sha512: Hash): Readable {
  const step = 1024 * 1024; // a multiple of 4
  let pos = 0;
  return new Readable({
    read() {
      if (pos >= data.length) return void this.push(null);
      const part = Buffer.from(data.slice(pos, pos + step), 'base64');
      pos += step;
      sha512.update(part);
      this.push(part);
    },
  });
}

async function storeTarball(
  svc: Services,
  req: FastifyRequest,
  repo: RepoConfig,
  m: Manifest,
  data: string,
  length: unknown,
  user: string,
): Promise<Manifest['dist'] & object> {
  const name = m.name;
  if (!validVersion(m.version))
    throw new HttpError('ERR_BODY_INVALID', `"${m.version}" is not a version`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
    throw new HttpError('ERR_BODY_INVALID', `the tarball of ${name}@${m.version} is not base64`);
  }
  const sha512 = createHash('sha512');
  const staged = await svc.blobs.stage(base64Stream(data, sha512));
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
  const who = req.requireWrite();
  const repo = await svc.deployableRepo(repoKey);
  const name = target.name;
  return locks.run(`${repo.key}\0${name}`, async () => {
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
