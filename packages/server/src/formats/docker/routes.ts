/**
 * The OCI distribution API (https://github.com/opencontainers/distribution-spec) under `/v2/`:
 * version check and token endpoint for registry clients' login, blobs (GET/HEAD with ranges,
 * DELETE), uploads (monolithic, chunked with Content-Range, cross-repository mount, cancel),
 * manifests by tag and digest (PUT/GET/HEAD/DELETE), tags list with pagination, and referrers.
 * Local repositories answer from their files; remote and virtual ones go through the shared
 * Resolver (tags are metadata, revalidated after max-age; digests are cached for good).
 *
 * Stowage's own view of an image's layers and sizes is at
 * `GET /api/stowage/v1/docker/{repo}/{image}/manifests/{reference}/layers`.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, diskFullCode, storageFull } from '../../errors.ts';
import { ANONYMOUS_BEARER, Authenticator } from '../../internal/auth.ts';
import { baseUrl, decodeQueryValue, rawQuery, rawUrl } from '../../internal/http.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import type { Resolved, ResolveOptions } from '../../internal/resolver.ts';
import type { Services } from '../../internal/services.ts';
import { sendArtifact, serveFile } from '../../internal/serve.ts';
import { MAX_HELM_CONFIG, helmOciProperties } from '../helm/oci.ts';
import { OciError, ociBody, toOciError } from './errors.ts';
import {
  MAX_MANIFEST_SIZE,
  PROP,
  artifactTypeOf,
  manifestProperties,
  parseManifest,
  totalSize,
  type Descriptor,
  type ParsedManifest,
} from './manifest.ts';
import {
  DIGEST_ALGS,
  MANIFEST_TYPES,
  MEDIA,
  TAG,
  blobPath,
  blobPathOf,
  isDigest,
  manifestPath,
  manifestPathOf,
  parseDigest,
  parseOciPath,
  splitName,
  tagListPath,
  tagPath,
  tagsFolder,
  tryDigest,
  type OciDigest,
  type OciRequest,
} from './names.ts';
import { UploadRegistry, type Upload } from './uploads.ts';
import { TokenCache, upstreamUrlFor } from './upstream.ts';

/** How long a token from `/v2/token` is said to last (it is the Stowage token itself). */
const TOKEN_TTL_SEC = 3600;
const LAYERS_PREFIX = '/api/stowage/v1/docker/';

const uploadRegistries = new WeakMap<Services, UploadRegistry>();

/** The upload sessions of an app (tests sweep them). */
export function uploadsOf(svc: Services): UploadRegistry | undefined {
  return uploadRegistries.get(svc);
}

/** Dependency-confusion guard: an image's tags and manifests belong to `{image}/_manifests`. */
export function dockerPackageOf(path: string): string | undefined {
  const m = /^(.+)\/_(?:tags|manifests)\//.exec(path);
  return m?.[1] ? `${m[1]}/_manifests` : undefined;
}

export async function dockerRoutes(app: FastifyInstance): Promise<void> {
  const svc = app.stowage;
  const uploads = new UploadRegistry(svc.blobs, svc.meta);
  uploadRegistries.set(svc, uploads);
  app.addHook('onClose', async () => uploads.close());
  const tokens = new TokenCache();
  const registry = new Registry(svc, uploads, tokens);

  await app.register(async (v2) => {
    v2.removeAllContentTypeParsers();
    v2.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    // A callback hook: an async one cost a promise per answer.
    v2.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('docker-distribution-api-version', 'registry/2.0');
      done(null, payload);
    });
    v2.setErrorHandler((err, req, reply) => {
      let e: OciError;
      const full = diskFullCode(err);
      if (full) {
        const sf = storageFull(err, full);
        req.log.error({ err, code: full, url: req.url }, `disk full (${full}): ${sf.message}`);
        e = new OciError('UNKNOWN', sf.message, { status: sf.status });
      } else if (err instanceof OciError) e = err;
      else if (err instanceof HttpError) e = toOciError(err);
      else {
        const status = (err as { statusCode?: number }).statusCode;
        if (typeof status === 'number' && status >= 400 && status < 500) {
          e = new OciError(status === 413 ? 'SIZE_INVALID' : 'UNKNOWN', (err as Error).message, {
            status,
          });
        } else {
          req.log.error({ err }, 'unhandled error');
          e = new OciError('UNKNOWN', 'the server failed to handle the request', { status: 500 });
        }
      }
      if (e.status >= 500 && !full) req.log.error({ err }, e.message);
      else req.log.info({ code: e.code, status: e.status }, e.message);
      const headers = { ...e.headers };
      if (e.code === 'UNAUTHORIZED') headers['www-authenticate'] = challenge(req);
      return reply
        .code(e.status)
        .headers(headers)
        .header('content-type', 'application/json')
        .send(ociBody(e));
    });

    // Like the CNCF registry with token auth: a request without a bearer is always challenged,
    // so clients fetch a token first — with credentials to push, or (when anonymous read is on)
    // without them for an anonymous pull-only token.
    const version = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      if (
        !req.principal.authenticated &&
        !(isAnonymousBearer(req) && (await svc.auth.anonymousHolds('repo')))
      ) {
        throw new OciError('UNAUTHORIZED', 'log in: the registry needs a token', {
          detail: { realm: `${baseUrl(req)}/v2/token` },
        });
      }
      return reply.type('application/json').send({});
    };
    const open = { config: { permission: 'public' } } as const;
    v2.get('/v2/', open, version);
    v2.get('/v2', open, version);

    // Registry clients log in here: basic auth with the Stowage token as password → a bearer.
    v2.get('/v2/token', open, async (req, reply) => {
      const creds = Authenticator.credentials(req.headers);
      if (!creds && (await svc.auth.anonymousHolds('repo'))) {
        return reply.type('application/json').send({
          token: ANONYMOUS_BEARER,
          access_token: ANONYMOUS_BEARER,
          expires_in: TOKEN_TTL_SEC,
          issued_at: new Date().toISOString(),
        });
      }
      if (!req.principal.authenticated || !creds) {
        throw new OciError('UNAUTHORIZED', 'send the Stowage token as the basic-auth password', {
          headers: { 'www-authenticate': 'Basic realm="stowage"' },
        });
      }
      const issued = new Date().toISOString();
      return reply.type('application/json').send({
        token: creds.token,
        access_token: creds.token,
        expires_in: TOKEN_TTL_SEC,
        issued_at: issued,
      });
    });

    v2.get('/v2/_catalog', { config: { permission: 'repo:read' } }, (req, reply) =>
      registry.catalog(req, reply),
    );

    // The route declares the least a method needs; each endpoint checks its concrete action.
    const methods = [
      [['GET', 'HEAD'], 'repo:read'],
      [['PUT', 'POST', 'PATCH'], 'repo:deploy'],
      [['DELETE'], 'repo:delete'],
    ] as const;
    for (const [method, permission] of methods) {
      v2.route({
        method: [...method],
        url: '/v2/*',
        exposeHeadRoute: false,
        config: { permission },
        handler: async (req, reply) => registry.handle(req, reply),
      });
    }
  });

  // Stowage's own namespace: answers in Stowage's error format, not the registry's.
  app.get(`${LAYERS_PREFIX}*`, { config: { permission: 'repo:read' } }, async (req, reply) => {
    const m = /^(.+)\/manifests\/([^/]+)\/layers$/.exec(
      rawUrl(req).path.slice(LAYERS_PREFIX.length),
    );
    if (!m?.[1] || !m[2]) {
      throw new HttpError('ERR_NOT_FOUND', `no route for GET ${rawUrl(req).path}`, {
        hint: `use ${LAYERS_PREFIX}{repo}/{image}/manifests/{tag-or-digest}/layers`,
      });
    }
    try {
      const r = parseOciPath(`${decodeQueryValue(m[1])}/manifests/${m[2]}`);
      if (!r || r.route.kind !== 'manifest') throw new HttpError('ERR_NOT_FOUND', 'no manifest');
      await req.authorize('repo:read', r.repo);
      return reply.send(await registry.layers(r, r.route.reference));
    } catch (err) {
      if (!(err instanceof OciError)) throw err;
      const code =
        err.status === 404
          ? 'ERR_NOT_FOUND'
          : err.status === 401
            ? 'ERR_AUTH_REQUIRED'
            : 'ERR_PATH_INVALID';
      throw new HttpError(code, `${err.code}: ${err.message}`);
    }
  });
}

function isAnonymousBearer(req: FastifyRequest): boolean {
  return Authenticator.credentials(req.headers)?.token === ANONYMOUS_BEARER;
}

function challenge(req: FastifyRequest): string {
  return `Bearer realm="${baseUrl(req)}/v2/token",service="stowage"`;
}

function bodyOf(req: FastifyRequest): Readable {
  return (req.body as Readable | undefined) ?? req.raw;
}

function hasBody(req: FastifyRequest): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Reads a small document (a manifest), refusing more than `limit` bytes; the rest is drained. */
function readLimited(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    body.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= limit) chunks.push(c);
    });
    body.once('end', () => (n > limit ? reject(tooBig(n)) : resolve(Buffer.concat(chunks))));
    body.once('error', reject);
  });
}

function tooBig(n: number): OciError {
  return new OciError(
    'SIZE_INVALID',
    `the manifest is ${n} bytes; manifests may be at most ${MAX_MANIFEST_SIZE} bytes (4 MiB)`,
    { status: 413, detail: { size: n, limit: MAX_MANIFEST_SIZE } },
  );
}

const rangeOf = (size: number): string => `0-${Math.max(0, size - 1)}`;

/** The registry's request handling; one per app. */
class Registry {
  readonly #svc: Services;
  readonly #uploads: UploadRegistry;
  readonly #tokens: TokenCache;

  constructor(svc: Services, uploads: UploadRegistry, tokens: TokenCache) {
    this.#svc = svc;
    this.#uploads = uploads;
    this.#tokens = tokens;
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    try {
      return await this.#handle(req, reply);
    } catch (err) {
      // A pull by a malformed (or unsupported-algorithm) digest names nothing stored: 404, as
      // the distribution spec's conformance pull workflow expects, not 400.
      const read = req.method === 'GET' || req.method === 'HEAD';
      if (read && err instanceof OciError && err.code === 'DIGEST_INVALID') {
        const manifest = /\/manifests\/[^/]+$/.test(rawUrl(req).path);
        throw new OciError(
          manifest ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN',
          `${err.message}; nothing is stored under it`,
          { status: 404, detail: err.detail },
        );
      }
      throw err;
    }
  }

  async #handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const r = parseOciPath(rawUrl(req).path.slice('/v2/'.length));
    if (!r) {
      throw new OciError('NAME_UNKNOWN', `no registry endpoint at ${rawUrl(req).path}`, {
        status: 404,
      });
    }
    const m = req.method;
    const route = r.route;
    const unsupported = (): OciError =>
      new OciError('UNSUPPORTED', `${m} is not supported on ${route.kind} endpoints`);
    switch (route.kind) {
      case 'blob':
        if (m === 'GET' || m === 'HEAD') return this.#getBlob(req, reply, r, route.digest);
        if (m === 'DELETE') return this.#deleteBlob(req, reply, r, route.digest);
        throw unsupported();
      case 'upload':
        if (route.uuid === '') {
          if (m === 'POST') return this.#startUpload(req, reply, r);
          throw unsupported();
        }
        if (m === 'PATCH') return this.#patchUpload(req, reply, r, route.uuid);
        if (m === 'PUT') return this.#finishUpload(req, reply, r, route.uuid);
        if (m === 'GET') return this.#uploadStatus(req, reply, r, route.uuid);
        if (m === 'DELETE') return this.#cancelUpload(req, reply, r, route.uuid);
        throw unsupported();
      case 'manifest':
        if (m === 'GET' || m === 'HEAD') return this.#getManifest(req, reply, r, route.reference);
        if (m === 'PUT') return this.#putManifest(req, reply, r, route.reference);
        if (m === 'DELETE') return this.#deleteManifest(req, reply, r, route.reference);
        throw unsupported();
      case 'tags':
        if (m === 'GET' || m === 'HEAD') return this.#tags(req, reply, r);
        throw unsupported();
      case 'referrers':
        if (m === 'GET' || m === 'HEAD') return this.#referrers(req, reply, r, route.digest);
        throw unsupported();
    }
  }

  /** The named repository, which must be a Docker one. */
  async #repo(r: OciRequest): Promise<RepoConfig> {
    const repo = await this.#svc.meta.getRepo(r.repo);
    if (!repo || repo.packageType !== 'docker') {
      throw new OciError(
        'NAME_UNKNOWN',
        `"${r.repo}" is not a Docker repository on this server (use a repository with packageType docker)`,
        { detail: { name: r.name } },
      );
    }
    return repo;
  }

  /** The local repository pushes to `r` land in. */
  async #target(r: OciRequest): Promise<RepoConfig> {
    await this.#repo(r);
    const target = await this.#svc.deployableRepo(r.repo);
    if (target.packageType !== 'docker') {
      throw new OciError('DENIED', `"${target.key}" is not a Docker repository`);
    }
    return target;
  }

  /** Resolver options for one image: where remotes fetch each path, and their token flow. */
  #opts(image: string, accept: 'manifest' | 'any', extra: ResolveOptions = {}): ResolveOptions {
    return {
      ...this.#tokens.hooks(accept),
      packageOf: dockerPackageOf,
      upstreamUrl: async (remote, path) => {
        const rest = path.slice(image.length + 1);
        const byDigest = /^_(blobs|manifests)\/(sha256|sha512)\/([a-f0-9]+)$/.exec(rest);
        let what: string;
        if (byDigest) what = `${byDigest[1]}/${byDigest[2]}:${byDigest[3]}`;
        else if (rest.startsWith('_tags/')) what = `manifests/${rest.slice(6)}`;
        else what = 'tags/list';
        return upstreamUrlFor(remote, image, what);
      },
      ...extra,
    };
  }

  // ---- blobs ----

  async #getBlob(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    digest: string,
  ): Promise<unknown> {
    await req.authorize('repo:read', r.repo);
    const repo = await this.#repo(r);
    const d = parseDigest(digest);
    const served = await serveFile(req, reply, {
      repo,
      path: blobPathOf(r.image, d),
      // A remote checks what its upstream sends against the digest, whichever algorithm.
      resolve: this.#opts(r.image, 'any', { expect: { [d.alg]: d.hex } }),
      contentType: 'application/octet-stream',
      // Content-addressed: a record whose content has another digest is never served under this
      // one. A sha512 record is written only after its sha512 was verified (pushes and mounts
      // here, the resolver for remotes; generic writes to a docker repository are refused).
      accept: (art) => d.alg !== 'sha256' || art.sha256 === d.hex,
      headers: () => ({
        'docker-content-digest': digest,
        etag: `"${digest}"`,
        'cache-control': 'max-age=31536000',
      }),
    });
    if (!served) {
      throw new OciError('BLOB_UNKNOWN', `blob ${digest} is not in ${r.name}`, {
        detail: { digest },
      });
    }
    return reply;
  }

  async #deleteBlob(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    digest: string,
  ): Promise<unknown> {
    await req.authorize('repo:delete', r.repo);
    const target = await this.#target(r);
    if (target.key !== r.repo) await req.authorize('repo:delete', target.key);
    const removed = await this.#svc.deletePath(
      target.key,
      blobPathOf(r.image, parseDigest(digest)),
    );
    if (removed === 0) {
      throw new OciError('BLOB_UNKNOWN', `blob ${digest} is not in ${r.name}`, {
        detail: { digest },
      });
    }
    req.log.info({ repo: target.key, image: r.image, digest }, 'blob deleted');
    return reply.code(202).header('content-length', '0').send();
  }

  // ---- uploads ----

  #uploadHeaders(reply: FastifyReply, r: OciRequest, u: Upload): FastifyReply {
    return reply
      .header('location', `/v2/${r.name}/blobs/uploads/${u.uuid}`)
      .header('range', rangeOf(u.session.size))
      .header('docker-upload-uuid', u.uuid)
      .header('content-length', '0');
  }

  #created(reply: FastifyReply, r: OciRequest, d: OciDigest): FastifyReply {
    return reply
      .code(201)
      .header('location', `/v2/${r.name}/blobs/${d.digest}`)
      .header('docker-content-digest', d.digest)
      .header('content-length', '0');
  }

  async #startUpload(req: FastifyRequest, reply: FastifyReply, r: OciRequest): Promise<unknown> {
    const who = await req.authorize('repo:deploy', r.repo);
    const target = await this.#target(r);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    const q = rawQuery(req);
    const mount = q.get('mount');
    const from = q.get('from');
    if (mount !== undefined && from !== undefined) {
      const d = parseDigest(decodeQueryValue(mount));
      if (await this.#mount(target, r, d, decodeQueryValue(from), who.user)) {
        if (hasBody(req)) bodyOf(req).resume();
        return this.#created(reply, r, d).send();
      }
      // Not mountable: the client uploads instead (the spec's fallback).
    }
    const digest = q.get('digest');
    if (digest !== undefined) {
      const d = parseDigest(decodeQueryValue(digest));
      if (d.alg === 'sha256') {
        await this.#svc.deploy({
          repo: target.key,
          path: blobPath(r.image, d.hex),
          body: bodyOf(req),
          expected: { sha256: d.hex },
          properties: {},
          user: who.user,
          signal: abortOnClose(req),
        });
      } else {
        // The blob store computes sha256 (and sha1, md5): sha512 is hashed on the way in and
        // checked before anything becomes visible.
        const tap = hashTap('sha512');
        const body = bodyOf(req);
        body.once('error', (err) => tap.stream.destroy(err));
        await this.#svc.deploy({
          repo: target.key,
          path: blobPathOf(r.image, d),
          body: body.pipe(tap.stream),
          expected: {},
          properties: {},
          user: who.user,
          signal: abortOnClose(req),
          check: async () => digestMismatch(d, tap.digest()),
        });
      }
      return this.#created(reply, r, d).send();
    }
    if (hasBody(req)) bodyOf(req).resume();
    const u = await this.#uploads.start(target.key, r.image);
    req.log.info({ repo: target.key, image: r.image, uuid: u.uuid }, 'blob upload started');
    return this.#uploadHeaders(reply.code(202), r, u).send();
  }

  /** Links a blob another image (readable to the caller) holds; false when it has none. */
  async #mount(
    target: RepoConfig,
    r: OciRequest,
    d: OciDigest,
    from: string,
    user: string,
  ): Promise<boolean> {
    let source: { repo: string; image: string };
    try {
      source = splitName(from);
    } catch {
      return false;
    }
    const repo = await this.#svc.meta.getRepo(source.repo);
    if (!repo || repo.packageType !== 'docker') return false;
    const keys = repo.rclass === 'virtual' ? (repo.repositories ?? []) : [repo.key];
    for (const key of keys) {
      const art = await this.#svc.meta.getArtifact(key, blobPathOf(source.image, d));
      // A sha256 record must hold that content; a sha512 one was verified when written.
      if (!art || (d.alg === 'sha256' && art.sha256 !== d.hex)) continue;
      await this.#svc.deploy({
        repo: target.key,
        path: blobPathOf(r.image, d),
        body: undefined,
        expected: { sha256: art.sha256 },
        properties: {},
        user,
      });
      return true;
    }
    return false;
  }

  async #session(req: FastifyRequest, r: OciRequest, uuid: string): Promise<Upload> {
    await req.authorize('repo:deploy', r.repo);
    const target = await this.#target(r);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    const u = await this.#uploads.get(uuid);
    if (!u || u.repo !== target.key || u.image !== r.image) {
      if (hasBody(req)) bodyOf(req).resume();
      throw new OciError('BLOB_UPLOAD_UNKNOWN', `no upload ${uuid} in progress for ${r.name}`, {
        detail: { uuid },
      });
    }
    return u;
  }

  /** Appends the request body, refusing a Content-Range that does not start where the data ends. */
  async #append(req: FastifyRequest, r: OciRequest, u: Upload): Promise<void> {
    const cr = req.headers['content-range'];
    if (typeof cr === 'string' && cr !== '') {
      const m = /^(?:bytes[= ])?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(cr.trim());
      const start = Number(m?.[1]);
      const end = Number(m?.[2]);
      if (!m || start !== u.session.size || end < start) {
        bodyOf(req).resume();
        throw new OciError(
          'RANGE_INVALID',
          `chunk ${cr} does not continue the upload: ${u.session.size} bytes received so far, so the next chunk starts at ${u.session.size}`,
          {
            status: 416,
            detail: { received: u.session.size },
            headers: {
              location: `/v2/${r.name}/blobs/uploads/${u.uuid}`,
              range: rangeOf(u.session.size),
              'docker-upload-uuid': u.uuid,
            },
          },
        );
      }
      const before = u.session.size;
      await this.#appendBody(req, u);
      if (u.session.size - before !== end - start + 1) {
        throw new OciError(
          'SIZE_INVALID',
          `chunk ${cr} announced ${end - start + 1} bytes but ${u.session.size - before} arrived`,
          { status: 416, headers: { range: rangeOf(u.session.size) } },
        );
      }
      return;
    }
    if (hasBody(req)) await this.#appendBody(req, u);
  }

  async #appendBody(req: FastifyRequest, u: Upload): Promise<void> {
    try {
      await u.session.append(bodyOf(req), { signal: abortOnClose(req) });
    } catch (err) {
      if (diskFullCode(err)) throw err;
      throw new OciError(
        'BLOB_UPLOAD_INVALID',
        `the chunk broke off (${(err as Error).message}); resume from byte ${u.session.size}`,
        { detail: { received: u.session.size } },
      );
    }
  }

  async #patchUpload(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    uuid: string,
  ): Promise<unknown> {
    return this.#uploads.lock.run(uuid, async () => {
      const u = await this.#session(req, r, uuid);
      await this.#append(req, r, u);
      return this.#uploadHeaders(reply.code(202), r, u).send();
    });
  }

  async #finishUpload(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    uuid: string,
  ): Promise<unknown> {
    await this.#session(req, r, uuid);
    const digest = rawQuery(req).get('digest');
    if (digest === undefined) {
      if (hasBody(req)) bodyOf(req).resume();
      throw new OciError(
        'DIGEST_INVALID',
        'finishing an upload needs ?digest=sha256:<hex> (or sha512:<hex>)',
      );
    }
    const d = parseDigest(decodeQueryValue(digest));
    return this.#uploads.lock.run(uuid, async () => {
      // Read again under the lock: another replica may have appended meanwhile.
      const u = await this.#session(req, r, uuid);
      await this.#append(req, r, u);
      await this.#uploads.end(uuid);
      const staged = await u.session.finish();
      try {
        // The session's chunks may have landed on several replicas: sha512 is computed by
        // streaming the staged content once more (the store hashes sha256 as it writes).
        digestMismatch(
          d,
          d.alg === 'sha256' ? staged.sha256 : await hashOf('sha512', staged.read()),
        );
      } catch (err) {
        await staged.discard();
        throw err;
      }
      await this.#svc.commitStaged({
        repo: u.repo,
        path: blobPathOf(r.image, d),
        staged,
        user: req.principal.user,
        properties: {},
      });
      req.log.info({ repo: u.repo, image: r.image, digest, size: staged.size }, 'blob uploaded');
      return this.#created(reply, r, d).send();
    });
  }

  async #uploadStatus(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    uuid: string,
  ): Promise<unknown> {
    const u = await this.#session(req, r, uuid);
    return this.#uploadHeaders(reply.code(204), r, u).send();
  }

  async #cancelUpload(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    uuid: string,
  ): Promise<unknown> {
    await this.#session(req, r, uuid);
    await this.#uploads.lock.run(uuid, () => this.#uploads.cancel(uuid));
    return reply.code(204).send();
  }

  // ---- manifests ----

  /** Finds a manifest by tag or digest; remotes cache a tag's manifest under its digest too. */
  async #findManifest(
    repo: RepoConfig,
    image: string,
    ref: string,
  ): Promise<{ found: Resolved; mediaType: string; props: Properties } | undefined> {
    const svc = this.#svc;
    const d = isDigest(ref) ? parseDigest(ref) : undefined;
    const byDigest = d !== undefined;
    const path = d ? manifestPathOf(image, d) : tagPath(image, ref);
    const validate = async (body: Readable): Promise<void> => {
      parseManifest(await readLimited(body, MAX_MANIFEST_SIZE), undefined);
    };
    const found = await svc.resolver.resolve(
      repo,
      path,
      this.#opts(
        image,
        'manifest',
        d ? { expect: { [d.alg]: d.hex }, validate } : { metadata: true, validate },
      ),
    );
    if (!found) return undefined;
    // A manifest is small (at most 4 MiB): a sha512 record's content is hashed again on read.
    const stored =
      d?.alg === 'sha512'
        ? await hashOf('sha512', svc.blobs.open(found.art.sha256))
        : found.art.sha256;
    if (d && stored !== d.hex) {
      // Content-addressed: a record whose content has another digest is never served under this one.
      this.#svc.log.error(
        { repo: found.repo, path, stored: found.art.sha256 },
        'a manifest record holds content of another digest; refusing to serve it',
      );
      return undefined;
    }
    const { mediaType, props } = await this.#manifestMeta(found.repo, image, found.art);
    if (found.source === 'upstream' && !byDigest) {
      const mp = manifestPath(image, found.art.sha256);
      if (!(await svc.meta.getArtifact(found.repo, mp))) {
        const staged = await svc.blobs.stage(svc.blobs.open(found.art.sha256));
        const { [PROP.tag]: _tag, ...digestProps } = props;
        await svc.commitStaged({
          repo: found.repo,
          path: mp,
          staged,
          user: 'remote',
          properties: digestProps,
        });
      }
    }
    return { found, mediaType, props };
  }

  /** A stored manifest's media type and layer record; computed (and kept) for cached upstream copies. */
  async #manifestMeta(
    repoKey: string,
    image: string,
    art: ArtifactRecord,
  ): Promise<{ mediaType: string; props: Properties; parsed?: ParsedManifest }> {
    const meta = this.#svc.meta;
    const props = await meta.getProperties(art.id);
    const mediaType = props[PROP.mediaType]?.[0];
    // A property is writable through the storage API: only a manifest type is taken from it;
    // anything else is derived again from the stored manifest itself.
    if (mediaType && MANIFEST_TYPES.includes(mediaType)) return { mediaType, props };
    const parsed = await this.#readManifest(art.sha256);
    const sizes = await this.#childSizes(repoKey, image, parsed);
    const p = manifestProperties(image, `sha256:${art.sha256}`, parsed, totalSize(parsed, sizes));
    const tag = /\/_tags\/([^/]+)$/.exec(art.path)?.[1];
    if (tag) p[PROP.tag] = [tag];
    await meta.setProperties(repoKey, art.path, p);
    return { mediaType: parsed.mediaType, props: p, parsed };
  }

  async #readManifest(sha256: string): Promise<ParsedManifest> {
    return parseManifest(
      await readLimited(this.#svc.blobs.open(sha256), MAX_MANIFEST_SIZE),
      undefined,
    );
  }

  /** For an index: each child manifest's recorded total size, where the child is stored. */
  async #childSizes(
    repoKey: string,
    image: string,
    m: ParsedManifest,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!m.index) return out;
    for (const e of m.entries) {
      const d = tryDigest(e.digest);
      if (!d) continue;
      const art = await this.#svc.meta.getArtifact(repoKey, manifestPathOf(image, d));
      if (!art) continue;
      const size = (await this.#svc.meta.getProperties(art.id))[PROP.size]?.[0];
      if (size !== undefined) out.set(e.digest, Number(size));
    }
    return out;
  }

  async #getManifest(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    ref: string,
  ): Promise<unknown> {
    await req.authorize('repo:read', r.repo);
    const repo = await this.#repo(r);
    const m = await this.#findManifest(repo, r.image, ref);
    if (!m) {
      throw new OciError('MANIFEST_UNKNOWN', `manifest ${ref} is not in ${r.name}`, {
        detail: { reference: ref },
      });
    }
    const art = m.found.art;
    return sendArtifact(req, reply, art, {
      repo: repo.key,
      stale: m.found.stale,
      contentType: m.mediaType,
      headers: (() => {
        // By digest, the digest asked for (in its algorithm); by tag, the canonical sha256.
        const digest = isDigest(ref) ? parseDigest(ref).digest : `sha256:${art.sha256}`;
        return { 'docker-content-digest': digest, etag: `"${digest}"` };
      })(),
    });
  }

  async #putManifest(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    ref: string,
  ): Promise<unknown> {
    const who = await req.authorize('repo:deploy', r.repo);
    const target = await this.#target(r);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    // Pushed by digest: the digest the URL names, in its algorithm, must be the body's.
    let byDigest: OciDigest | undefined;
    try {
      byDigest = isDigest(ref) ? parseDigest(ref) : undefined;
    } catch (err) {
      bodyOf(req).resume();
      throw err;
    }
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > MAX_MANIFEST_SIZE) {
      bodyOf(req).resume();
      throw tooBig(declaredLength);
    }
    const body = await readLimited(bodyOf(req), MAX_MANIFEST_SIZE);
    const ctype =
      String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    const parsed = parseManifest(body, ctype === '' ? undefined : ctype);
    const hex = createHash('sha256').update(body).digest('hex');
    const digest = byDigest?.digest ?? `sha256:${hex}`;
    if (byDigest) {
      const received = `${byDigest.alg}:${createHash(byDigest.alg).update(body).digest('hex')}`;
      if (received !== byDigest.digest) {
        throw new OciError(
          'DIGEST_INVALID',
          `the manifest's digest is ${received}, not ${ref} as the URL says; nothing was stored`,
          { detail: { expected: ref, received } },
        );
      }
    }
    const missing: string[] = [];
    const refs: Descriptor[] = parsed.index
      ? parsed.entries
      : [...(parsed.config ? [parsed.config] : []), ...parsed.entries];
    for (const d of refs) {
      // Foreign (Docker) and non-distributable (OCI) layers live elsewhere by design.
      if (d.mediaType.includes('foreign') || d.mediaType.includes('nondistributable')) continue;
      const dd = tryDigest(d.digest);
      const path = dd
        ? parsed.index
          ? manifestPathOf(r.image, dd)
          : blobPathOf(r.image, dd)
        : undefined;
      if (!path || !(await this.#svc.meta.getArtifact(target.key, path))) missing.push(d.digest);
    }
    if (missing.length) {
      throw new OciError(
        'MANIFEST_BLOB_UNKNOWN',
        `the manifest references ${parsed.index ? 'manifests' : 'blobs'} not pushed to ${r.name}: ${missing.join(', ')}`,
        { detail: { missing } },
      );
    }
    // A Helm chart (`helm push … oci://`): its config is checked as Chart.yaml and recorded.
    const chart = parsed.index
      ? undefined
      : await helmOciProperties(parsed, (d) => this.#readConfig(target.key, r.image, d.digest));
    const props = {
      ...manifestProperties(
        r.image,
        digest,
        parsed,
        totalSize(parsed, await this.#childSizes(target.key, r.image, parsed)),
      ),
      ...chart,
    };
    const deploy = async (path: string, properties: Properties): Promise<void> => {
      await this.#svc.deploy({
        repo: target.key,
        path,
        body: Readable.from([body]),
        expected: { sha256: hex },
        properties,
        user: who.user,
      });
    };
    await deploy(manifestPath(r.image, hex), props);
    // Pushed by a sha512 digest: an alias record, so it can be pulled (and referenced) by it.
    if (byDigest && byDigest.alg !== 'sha256') {
      await deploy(manifestPathOf(r.image, byDigest), { ...props, [PROP.digest]: [digest] });
    }
    if (!isDigest(ref)) await deploy(tagPath(r.image, ref), { ...props, [PROP.tag]: [ref] });
    req.log.info(
      { repo: target.key, image: r.image, reference: ref, digest, mediaType: parsed.mediaType },
      'manifest pushed',
    );
    reply
      .code(201)
      .header('location', `/v2/${r.name}/manifests/${digest}`)
      .header('docker-content-digest', digest)
      .header('content-length', '0');
    if (parsed.subject) reply.header('oci-subject', parsed.subject.digest);
    return reply.send();
  }

  /** A small config blob already pushed to the image (checked to exist before). */
  async #readConfig(repoKey: string, image: string, digest: string): Promise<Buffer> {
    const art = await this.#svc.meta.getArtifact(repoKey, blobPathOf(image, parseDigest(digest)));
    if (!art) throw new OciError('MANIFEST_BLOB_UNKNOWN', `config ${digest} is not in ${image}`);
    return readLimited(this.#svc.blobs.open(art.sha256), MAX_HELM_CONFIG);
  }

  async #deleteManifest(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    ref: string,
  ): Promise<unknown> {
    await req.authorize('repo:delete', r.repo);
    const target = await this.#target(r);
    if (target.key !== r.repo) await req.authorize('repo:delete', target.key);
    let removed = 0;
    if (isDigest(ref)) {
      const d = parseDigest(ref);
      // The content the digest names: a sha512 record is an alias of the stored sha256 one.
      const hex =
        d.alg === 'sha256'
          ? d.hex
          : (await this.#svc.meta.getArtifact(target.key, manifestPathOf(r.image, d)))?.sha256;
      if (hex !== undefined) {
        removed += await this.#svc.deletePath(target.key, manifestPath(r.image, hex));
        // Tags and digest aliases of the same content go with it.
        const folders = [
          tagsFolder(r.image),
          ...DIGEST_ALGS.filter((a) => a !== 'sha256').map((a) => `${r.image}/_manifests/${a}`),
        ];
        for (const folder of folders) {
          for (const f of await this.#svc.meta.listFiles(target.key, folder)) {
            if (f.sha256 === hex) removed += await this.#svc.deletePath(target.key, f.path);
          }
        }
      }
    } else {
      removed += await this.#svc.deletePath(target.key, tagPath(r.image, ref));
    }
    if (removed === 0) {
      throw new OciError('MANIFEST_UNKNOWN', `manifest ${ref} is not in ${r.name}`, {
        detail: { reference: ref },
      });
    }
    req.log.info({ repo: target.key, image: r.image, reference: ref }, 'manifest deleted');
    return reply.code(202).header('content-length', '0').send();
  }

  // ---- tags ----

  async #tagsIn(repo: RepoConfig, image: string, seen: Set<string>): Promise<string[] | undefined> {
    if (seen.has(repo.key)) return undefined;
    seen.add(repo.key);
    const svc = this.#svc;
    if (repo.rclass === 'local') {
      const prefix = `${tagsFolder(image)}/`;
      const tags = (await svc.meta.listFiles(repo.key, tagsFolder(image)))
        .map((f) => f.path.slice(prefix.length))
        .filter((t) => TAG.test(t));
      if (tags.length) return tags;
      const known =
        (await svc.meta.folderExists(repo.key, `${image}/_manifests`)) ||
        (await svc.meta.folderExists(repo.key, `${image}/_blobs`));
      return known ? [] : undefined;
    }
    if (repo.rclass === 'remote') {
      let found: Resolved | undefined;
      try {
        found = await svc.resolver.resolve(
          repo,
          tagListPath(image),
          this.#opts(image, 'any', { metadata: true }),
        );
      } catch (err) {
        svc.log.warn(
          { repo: repo.key, image, err: (err as Error).message },
          'upstream tag list failed',
        );
        return undefined;
      }
      if (!found) return undefined;
      const text = (await readLimited(svc.blobs.open(found.art.sha256), 16 * 1024 * 1024)).toString(
        'utf8',
      );
      try {
        const doc = JSON.parse(text) as { tags?: unknown };
        return Array.isArray(doc.tags)
          ? doc.tags.filter((t): t is string => typeof t === 'string')
          : [];
      } catch {
        svc.log.warn({ repo: repo.key, image }, 'upstream tag list is not JSON');
        return undefined;
      }
    }
    let any = false;
    const all = new Set<string>();
    for (const m of await svc.resolver.members(repo)) {
      const tags = await this.#tagsIn(m, image, seen);
      if (!tags) continue;
      any = true;
      for (const t of tags) all.add(t);
    }
    return any ? [...all] : undefined;
  }

  async #tags(req: FastifyRequest, reply: FastifyReply, r: OciRequest): Promise<unknown> {
    await req.authorize('repo:read', r.repo);
    const repo = await this.#repo(r);
    const found = await this.#tagsIn(repo, r.image, new Set());
    if (!found) {
      throw new OciError('NAME_UNKNOWN', `${r.name} has no manifests`, {
        detail: { name: r.name },
      });
    }
    const q = rawQuery(req);
    const last = q.has('last') ? decodeQueryValue(q.get('last') ?? '') : undefined;
    const nRaw = q.get('n');
    let n: number | undefined;
    if (nRaw !== undefined && nRaw !== '') {
      n = Number(nRaw);
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new OciError('UNSUPPORTED', `n=${nRaw} is not a non-negative integer`, {
          status: 400,
        });
      }
    }
    let tags = [...new Set(found)].sort();
    if (last !== undefined) tags = tags.filter((t) => t > last);
    if (n !== undefined && tags.length > n) {
      tags = tags.slice(0, n);
      const lastShown = tags.at(-1);
      if (lastShown !== undefined) {
        reply.header(
          'link',
          `</v2/${r.name}/tags/list?n=${n}&last=${encodeURIComponent(lastShown)}>; rel="next"`,
        );
      }
    }
    return reply.type('application/json').send({ name: r.name, tags });
  }

  /**
   * `GET /v2/_catalog?n=&last=`: every `{repo}/{image}` of the docker repositories the caller
   * may read, sorted, paginated like tags/list with a Link header.
   * An image is listed where it has a manifest; a virtual lists its members' images under its key.
   */
  async catalog(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    // Each repository is checked below: only those the caller may read are listed.
    await req.authorize('public');
    const q = rawQuery(req);
    const last = q.has('last') ? decodeQueryValue(q.get('last') ?? '') : undefined;
    const nRaw = q.get('n');
    let n: number | undefined;
    if (nRaw !== undefined && nRaw !== '') {
      n = Number(nRaw);
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new OciError('UNSUPPORTED', `n=${nRaw} is not a non-negative integer`, {
          status: 400,
        });
      }
    }
    const svc = this.#svc;
    const imagesOf = async (repo: RepoConfig, seen: Set<string>): Promise<Set<string>> => {
      const out = new Set<string>();
      if (seen.has(repo.key)) return out;
      seen.add(repo.key);
      if (repo.rclass === 'virtual') {
        for (const m of await svc.resolver.members(repo))
          for (const i of await imagesOf(m, seen)) out.add(i);
        return out;
      }
      for (const a of await svc.meta.listFiles(repo.key, '')) {
        const at = a.path.search(/\/_(manifests|tags)\//);
        if (at > 0) out.add(a.path.slice(0, at));
      }
      return out;
    };
    const names: string[] = [];
    let readable = 0;
    for (const repo of await svc.meta.listRepos()) {
      if (repo.packageType !== 'docker') continue;
      if (!(await req.may('repo:read', repo.key))) continue;
      readable++;
      for (const image of await imagesOf(repo, new Set())) names.push(`${repo.key}/${image}`);
    }
    // Without credentials and nothing readable: ask for them rather than answer "nothing".
    if (readable === 0 && !req.principal.authenticated) await req.authorize('authenticated');
    let repositories = [...new Set(names)].sort();
    if (last !== undefined) repositories = repositories.filter((x) => x > last);
    if (n !== undefined && repositories.length > n) {
      repositories = repositories.slice(0, n);
      const lastShown = repositories.at(-1);
      if (lastShown !== undefined) {
        reply.header(
          'link',
          `</v2/_catalog?n=${n}&last=${encodeURIComponent(lastShown)}>; rel="next"`,
        );
      }
    }
    return reply.type('application/json').send({ repositories });
  }

  // ---- referrers ----

  async #referrers(
    req: FastifyRequest,
    reply: FastifyReply,
    r: OciRequest,
    digest: string,
  ): Promise<unknown> {
    await req.authorize('repo:read', r.repo);
    const repo = await this.#repo(r);
    parseDigest(digest);
    const q = rawQuery(req);
    const filter = q.has('artifactType')
      ? decodeQueryValue(q.get('artifactType') ?? '')
      : undefined;
    const locals =
      repo.rclass === 'virtual'
        ? (await this.#svc.resolver.members(repo)).filter((m) => m.rclass === 'local')
        : repo.rclass === 'local'
          ? [repo]
          : [];
    const manifests: Descriptor[] = [];
    const seen = new Set<string>();
    const prefix = `${r.image}/_manifests/sha256/`;
    for (const local of locals) {
      for (const art of await this.#svc.meta.findByProperties(
        { [PROP.subject]: digest },
        local.key,
      )) {
        if (!art.path.startsWith(prefix) || seen.has(art.sha256)) continue;
        seen.add(art.sha256);
        const m = await this.#readManifest(art.sha256);
        const d: Descriptor = {
          mediaType: m.mediaType,
          digest: `sha256:${art.sha256}`,
          size: art.size,
        };
        const at = artifactTypeOf(m);
        if (at) d.artifactType = at;
        if (m.annotations && Object.keys(m.annotations).length) d.annotations = m.annotations;
        if (filter === undefined || d.artifactType === filter) manifests.push(d);
      }
    }
    if (filter !== undefined) reply.header('oci-filters-applied', 'artifactType');
    reply.header('content-type', MEDIA.ociIndex);
    return reply.send(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests })),
    );
  }

  // ---- Stowage's layer view ----

  async layers(r: OciRequest, ref: string): Promise<unknown> {
    const repo = await this.#repo(r);
    const m = await this.#findManifest(repo, r.image, ref);
    if (!m) {
      throw new OciError('MANIFEST_UNKNOWN', `manifest ${ref} is not in ${r.name}`);
    }
    const art = m.found.art;
    const parsed = await this.#readManifest(art.sha256);
    const tags: string[] = [];
    for (const f of await this.#svc.meta.listFiles(m.found.repo, tagsFolder(r.image))) {
      if (f.sha256 === art.sha256) tags.push(f.path.slice(tagsFolder(r.image).length + 1));
    }
    const base = {
      repo: r.repo,
      image: r.image,
      reference: ref,
      digest: `sha256:${art.sha256}`,
      mediaType: m.mediaType,
      storedIn: m.found.repo,
      tags,
    };
    const layerList = (p: ParsedManifest): { digest: string; size: number; mediaType: string }[] =>
      p.entries.map((e) => ({ digest: e.digest, size: e.size, mediaType: e.mediaType }));
    if (!parsed.index) {
      return {
        ...base,
        config: parsed.config,
        layers: layerList(parsed),
        layerCount: parsed.entries.length,
        totalSize: totalSize(parsed),
      };
    }
    const children = [];
    let total = 0;
    for (const e of parsed.entries) {
      const child = await this.#findManifest(repo, r.image, e.digest).catch(() => undefined);
      const cp = child ? await this.#readManifest(child.found.art.sha256) : undefined;
      const size = cp ? totalSize(cp) : undefined;
      total += e.size + (size ?? 0);
      children.push({
        digest: e.digest,
        mediaType: e.mediaType,
        platform: e.platform,
        manifestSize: e.size,
        ...(cp
          ? { layers: layerList(cp), layerCount: cp.entries.length, totalSize: size }
          : { missing: true }),
      });
    }
    return { ...base, manifests: children, totalSize: total };
  }
}

function abortOnClose(req: FastifyRequest): AbortSignal {
  const abort = new AbortController();
  req.raw.once('close', () => {
    if (!req.raw.complete) abort.abort();
  });
  return abort.signal;
}

/** A pass-through stream that hashes what flows through it. */
function hashTap(alg: string): { stream: Transform; digest: () => string } {
  const hash = createHash(alg);
  let hex: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return { stream, digest: () => (hex ??= hash.digest('hex')) };
}

/** Streams `body` through a hash; returns its hex digest. */
async function hashOf(alg: string, body: Readable): Promise<string> {
  const tap = hashTap(alg);
  await pipeline(body, tap.stream, async (src: AsyncIterable<unknown>) => {
    for await (const _ of src);
  });
  return tap.digest();
}

/** DIGEST_INVALID when the content's digest (`got`, hex of `d.alg`) is not the one named. */
function digestMismatch(d: OciDigest, got: string): void {
  if (got === d.hex) return;
  throw new OciError(
    'DIGEST_INVALID',
    `the uploaded content has digest ${d.alg}:${got}, not ${d.digest}; nothing was stored`,
    { detail: { expected: d.digest, received: `${d.alg}:${got}` } },
  );
}
