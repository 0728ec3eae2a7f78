import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { allowInline, setServingHeaders } from './serving.ts';
import { FsBlobStore, beginBlobRead } from './blobstore.ts';
import { pumpFile } from './pump.ts';
import { HttpError } from '../errors.ts';
import { mimeType, parseRange } from './http.ts';
import type { ArtifactRecord, Properties, RepoConfig } from './metastore.ts';
import type { ResolveOptions, Resolved } from './resolver.ts';

/**
 * The one path that serves a resolved file, for every format: resolve it in a local, remote or
 * virtual repository; on a remote's cache miss stream it to the client while it is cached;
 * set the checksum headers; honour Range; record the download with the build that asked.
 * Conditional requests (If-None-Match, If-Modified-Since) are answered for every response
 * by `answerNotModified` in the onSend hook, from the ETag and Last-Modified set here.
 */

/** What a format asks `serveFile` to serve. The repository is the one the route resolved. */
export interface ServeFile {
  repo: RepoConfig;
  path: string;
  /** The format's resolver options (metadata, packageOf, validate, upstreamUrl, …); `live` is set here. */
  resolve?: ResolveOptions;
  /** The content type of the file; default: by its extension. */
  contentType?: string;
  /** Record the download for the build; default true. Metadata (indexes) is not recorded. */
  record?: boolean;
  /** Matrix parameters of the request URL (`;build.name=…;build.number=…`). */
  matrix?: Properties;
  /** Stream a cache miss while it is cached; default true (never for HEAD, Range or metadata). */
  live?: boolean;
  /** Extra headers for the answer, set after the checksum headers (e.g. Docker-Content-Digest). */
  headers?: (art: ArtifactRecord | undefined) => Record<string, string>;
  /** A stored record this refuses is treated as absent (e.g. a blob whose content has another digest). */
  accept?: (art: ArtifactRecord) => boolean;
}

/**
 * Serves `f.path` of `f.repo`. Returns false when nothing holds it (the caller answers its
 * format's own not-found error), true once it has answered. Never the reply itself: a reply is a
 * thenable that settles with nothing, so an async function returning it resolves to undefined,
 * and every download was taken for a miss after it had been sent (an error logged for each).
 */
export async function serveFile(
  req: FastifyRequest,
  reply: FastifyReply,
  f: ServeFile,
): Promise<boolean> {
  const svc = req.server.stowage;
  const head = req.method === 'HEAD';
  const opts: ResolveOptions = { ...f.resolve };
  // A cache miss streams through `sink` into `out`, the response body; `out` ends only once the
  // file is cached and its download recorded, so a client that has the whole body can rely on both.
  let live: { sink: PassThrough; out: PassThrough } | undefined;
  if (
    f.live !== false &&
    // Content a format validates (e.g. against a checksum database) is checked before anyone
    // gets a byte of it.
    !opts.validate &&
    !head &&
    !opts.metadata &&
    req.headers.range === undefined &&
    f.repo.rclass !== 'local'
  ) {
    opts.live = (info) => {
      const sink = new PassThrough();
      const out = new PassThrough();
      sink.pipe(out, { end: false });
      // A client that goes away must not hold up the caching behind its backpressure.
      out.once('close', () => sink.destroy());
      live = { sink, out };
      reply
        .header('content-type', f.contentType ?? info.contentType ?? mimeType(f.path))
        .header('x-stowage-cache', 'miss');
      if (f.repo.serveActiveContentInline) allowInline(reply);
      for (const [alg, v] of Object.entries(info.checksums ?? {}))
        reply.header(`x-checksum-${alg}`, v);
      for (const [k, v] of Object.entries(f.headers?.(undefined) ?? {})) reply.header(k, v);
      if (info.size !== undefined) reply.header('content-length', String(info.size));
      void reply.send(out);
      return sink;
    };
  }
  let found: Resolved | undefined;
  try {
    found = await svc.resolver.resolve(f.repo, f.path, opts);
  } catch (err) {
    if (!live) throw err;
    req.log.warn(
      { err, repo: f.repo.key, path: f.path },
      'upstream transfer failed mid-stream; the client got a cut response',
    );
    live.out.destroy(err as Error);
    return true;
  }
  if (live) {
    const { sink, out } = live;
    // The client has (or is getting) the body; the file is cached now and counts as downloaded.
    try {
      if (found && f.record !== false) await recordDownload(req, f.repo.key, found.art, f.matrix);
    } finally {
      if (sink.readableEnded || sink.destroyed) out.end();
      else sink.once('end', () => out.end());
    }
    return true;
  }
  if (found && f.accept && !f.accept(found.art)) {
    req.log.error(
      { repo: found.repo, path: f.path, stored: found.art.sha256 },
      'a stored record was refused for this request (content of another digest); not serving it',
    );
    found = undefined;
  }
  if (!found) return false;
  await sendArtifact(req, reply, found.art, {
    repo: f.repo.key,
    stale: found.stale,
    inline: f.repo.serveActiveContentInline === true,
    redirect: f.repo.downloadRedirect === true,
    ...(f.contentType !== undefined && { contentType: f.contentType }),
    ...(f.record !== undefined && { record: f.record }),
    ...(f.matrix !== undefined && { matrix: f.matrix }),
    headers: {
      ...f.headers?.(found.art),
      // Fetched by this request (verified before it was sent, so not streamed live).
      ...(found.source === 'upstream' && { 'x-stowage-cache': 'miss' }),
    },
  });
  return true;
}

/** Sends a stored artifact: checksum headers, Range, and the download record (not for HEAD). */
export async function sendArtifact(
  req: FastifyRequest,
  reply: FastifyReply,
  art: ArtifactRecord,
  o: {
    /** The repository the client asked (the download is recorded under it). */
    repo: string;
    stale?: boolean;
    contentType?: string;
    record?: boolean;
    matrix?: Properties;
    headers?: Record<string, string>;
    /** The repository renders active types inline (`serveActiveContentInline`). */
    inline?: boolean;
    /** Answer with a redirect to the blob store's presigned URL (`downloadRedirect`). */
    redirect?: boolean;
  },
): Promise<FastifyReply> {
  const svc = req.server.stowage;
  setArtifactHeaders(reply, art);
  if (o.inline) allowInline(reply);
  if (o.contentType !== undefined) reply.header('content-type', o.contentType);
  for (const [k, v] of Object.entries(o.headers ?? {})) reply.header(k, v);
  if (o.stale) reply.header('x-stowage-cache', 'stale');
  const range = parseRange(req.headers.range, art.size);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${art.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(art.size));
  }
  if (req.method === 'HEAD') return reply.send();
  if (o.record !== false) await recordDownload(req, o.repo, art, o.matrix);
  if (isNotModified(req, reply)) return reply.code(304).send();
  if (o.redirect && !range && svc.blobs.urlFor) {
    // The object store serves the bytes (as an attachment under the file's name).
    const url = await svc.blobs.urlFor(art.sha256, {
      expiresInSec: REDIRECT_TTL_SEC,
      filename: art.path.slice(art.path.lastIndexOf('/') + 1),
    });
    reply.removeHeader('content-length');
    return reply.code(302).header('location', url).send();
  }
  // A small file is one buffer from memory (content-addressed: never stale).
  if (!range && svc.smallFiles.holds(art.size))
    return reply.send(
      await svc.smallFiles.get(art.sha256, art.size, () => svc.blobs.open(art.sha256)),
    );
  // A large file on the file system: pumped with two buffers (see pump.ts).
  if (svc.blobs instanceof FsBlobStore && art.size > PUMP_MIN_BYTES)
    return pumpArtifact(req, reply, svc.blobs, art, range);
  return reply.send(svc.blobs.open(art.sha256, range));
}

/** Files above this size are pumped rather than streamed. */
const PUMP_MIN_BYTES = 1024 * 1024;

/**
 * Sends a large stored file past Fastify's stream handling: the answer's headers are what the
 * onSend hook would have made of them (serving headers; the conditional request was answered
 * above), and the request must have been authorized like any other answer (fail closed). The
 * file is opened first, so a missing blob is still an ordinary error answer.
 */
async function pumpArtifact(
  req: FastifyRequest,
  reply: FastifyReply,
  blobs: FsBlobStore,
  art: ArtifactRecord,
  range: { start: number; end: number } | undefined,
): Promise<FastifyReply> {
  if (!req.wasAuthorized())
    throw new HttpError('ERR_INTERNAL', 'the server failed to check permissions for this request');
  const fh = await blobs.openFile(art.sha256);
  const read = beginBlobRead();
  setServingHeaders(req, reply);
  reply.hijack();
  const res = reply.raw;
  try {
    for (const [k, v] of Object.entries(reply.getHeaders()))
      if (v !== undefined) res.setHeader(k, typeof v === 'number' ? String(v) : v);
    res.writeHead(reply.statusCode);
    await pumpFile(
      res,
      fh,
      `blob ${art.sha256}`,
      range?.start ?? 0,
      range?.end ?? art.size - 1,
      read.chunk,
    );
  } catch (err) {
    req.log.warn({ err, repo: art.repo, path: art.path }, 'a download was cut off');
  } finally {
    read.done();
  }
  return reply;
}

/** How long a presigned download URL (downloadRedirect) is valid. */
const REDIRECT_TTL_SEC = 300;

/**
 * Sends a body a format computed (a virtual's merged index, a rendered page) with an ETag of
 * its content, so that conditional requests get 304 like stored files.
 */
export function sendComputed(
  req: FastifyRequest,
  reply: FastifyReply,
  body: Buffer | string,
  contentType: string,
): FastifyReply {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  reply
    .header('content-type', contentType)
    .header('etag', `"${createHash('sha256').update(buf).digest('hex').slice(0, 40)}"`)
    .header('content-length', String(buf.length));
  return req.method === 'HEAD' ? reply.send() : reply.send(buf);
}

/** Records that the request downloaded `art` from `repo`, with the build it belongs to. */
export async function recordDownload(
  req: FastifyRequest,
  repo: string,
  art: ArtifactRecord,
  matrix?: Properties,
): Promise<void> {
  await req.server.stowage.recordDownload({
    repo,
    path: art.path,
    sha256: art.sha256,
    user: req.principal.user,
    ...buildIdentity(req, matrix),
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The build a request belongs to, for the download record: the X-Stowage-Build-Name/-Number
 * headers, else `;build.name=…;build.number=…` matrix parameters of the URL (tools that can
 * only be given a URL), else the build its token was issued for (a build-scoped token).
 */
export function buildIdentity(
  req: FastifyRequest,
  matrix?: Properties,
): { buildName?: string; buildNumber?: string } {
  const buildName = header(req, 'x-stowage-build-name');
  const buildNumber = header(req, 'x-stowage-build-number');
  if (buildName && buildNumber) return { buildName, buildNumber };
  const mName = matrix?.['build.name']?.[0];
  const mNumber = matrix?.['build.number']?.[0];
  if (mName && mNumber) return { buildName: mName, buildNumber: mNumber };
  const b = req.principal?.build;
  return b ? { buildName: b.name, buildNumber: b.number } : {};
}

export function setArtifactHeaders(reply: FastifyReply, art: ArtifactRecord): void {
  reply
    .header('content-type', mimeType(art.path))
    .header('accept-ranges', 'bytes')
    .header('etag', `"${art.sha1}"`)
    .header('last-modified', new Date(art.modified).toUTCString())
    .header('x-checksum-sha1', art.sha1)
    .header('x-checksum-sha256', art.sha256)
    .header('x-checksum-md5', art.md5)
    // Percent-encoded (UTF-8), so any name travels in a header; decodeURIComponent reads it.
    .header(
      'x-artifactory-filename',
      encodeURIComponent(art.path.slice(art.path.lastIndexOf('/') + 1).toWellFormed()),
    );
}

/**
 * RFC 9110 §13: true when a GET/HEAD answer of 200 is not modified for this request:
 * If-None-Match (weak comparison, `*`, lists) decides when present, else If-Modified-Since
 * against Last-Modified.
 */
export function isNotModified(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (reply.statusCode !== 200) return false;
  const inm = req.headers['if-none-match'];
  const etag = reply.getHeader('etag');
  if (typeof inm === 'string' && inm !== '') {
    if (typeof etag !== 'string') return false;
    const bare = (t: string): string => t.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    const mine = bare(etag);
    return inm.split(',').some((t) => t.trim() === '*' || bare(t) === mine);
  }
  const ims = req.headers['if-modified-since'];
  const lm = reply.getHeader('last-modified');
  if (typeof ims === 'string' && typeof lm === 'string') {
    const since = Date.parse(ims);
    const modified = Date.parse(lm);
    return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
  }
  return false;
}

/**
 * For buildApp's onSend hook: a GET/HEAD answer that carries ETag or Last-Modified and is not
 * modified for the request's conditionals becomes 304 without a body, whatever route produced
 * it — packuments, simple pages, index.yaml, repodata.json, PACKAGES, maven-metadata.xml,
 * registrations, files. Returns the payload to send.
 */
export function answerNotModified(
  req: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): unknown {
  if (!isNotModified(req, reply)) return payload;
  if (payload && typeof (payload as Readable).destroy === 'function')
    (payload as Readable).destroy();
  reply.code(304);
  reply.removeHeader('content-length');
  reply.removeHeader('content-range');
  return null;
}
