import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough, type Readable } from 'node:stream';
import { HttpError } from '../errors.ts';
import { parseRepoPath, type RepoPath } from '../internal/paths.ts';
import { baseUrl, declaredChecksums, mimeType, parseRange, rawUrl } from '../internal/http.ts';
import type { ArtifactRecord } from '../internal/metastore.ts';
import { fileInfo } from './storage.ts';
import { formatOf } from '../formats/index.ts';
import type { ResolveOptions } from '../internal/resolver.ts';

/** How long a presigned download URL (downloadRedirect) stays valid. */
const REDIRECT_TTL_SEC = 300;

/**
 * Generic repository layout: `PUT|GET|HEAD|DELETE /{repo}/{path}`, with matrix
 * properties on deploy, checksum headers, checksum deploy and range requests.
 * Bodies are streamed straight to the blob store, never buffered.
 */
export async function genericRoutes(app: FastifyInstance): Promise<void> {
  // This scope takes every request body as a raw stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.put('/*', async (req, reply) => {
    const svc = app.stowage;
    const who = req.requireWrite();
    const target = parseRepoPath(rawUrl(req).path);
    if (target.folder) {
      throw new HttpError('ERR_PATH_INVALID', `"${target.repo}/${target.path}/" is a folder`, {
        hint: 'deploy to a file path (without a trailing slash)',
      });
    }
    const byChecksum = String(req.headers['x-checksum-deploy'] ?? '').toLowerCase() === 'true';
    const body = byChecksum ? undefined : ((req.body as Readable | undefined) ?? req.raw);
    if (byChecksum) req.raw.resume();
    const abort = new AbortController();
    req.raw.once('close', () => {
      if (!req.raw.complete) abort.abort();
    });
    const into = await svc.deployableRepo(target.repo);
    const before = formatOf(into.packageType)?.beforeDeploy;
    const art = await svc.deploy({
      ...(before && { check: (b) => before(svc, into, target.path, b) }),
      repo: target.repo,
      path: target.path,
      body,
      expected: declaredChecksums(req),
      properties: target.matrix,
      user: who.user,
      signal: abort.signal,
    });
    req.log.info({ repo: art.repo, path: art.path, size: art.size, byChecksum }, 'deployed');
    const repo = await svc.repo(art.repo);
    await formatOf(repo.packageType)?.afterDeploy?.(svc, repo, art);
    return reply.code(201).send(await fileInfo(req, art, { deploy: true }));
  });

  const download = async (
    req: FastifyRequest,
    reply: FastifyReply,
    head: boolean,
  ): Promise<unknown> => {
    const svc = app.stowage;
    const who = req.requireRead();
    const { path } = rawUrl(req);
    if (path === '/' || path === '') {
      return reply.type('application/json').send({ service: 'stowage', api: '/api/system/ping' });
    }
    const target = parseRepoPath(path);
    const repo = await svc.repo(target.repo);
    const derived = target.folder
      ? undefined
      : await formatOf(repo.packageType)?.serveDerived?.(svc, repo, target.path);
    if (derived) {
      reply.type(derived.contentType).header('content-length', String(derived.body.length));
      return head ? reply.send() : reply.send(derived.body);
    }
    let art: ArtifactRecord | undefined;
    if (target.folder) {
      art = undefined;
    } else if (repo.rclass === 'local') {
      art = await svc.meta.getArtifact(target.repo, target.path);
    } else {
      // Remote or virtual: a file not cached yet streams to the client while it is cached.
      let streamed = false;
      const live = (info: { size?: number; contentType?: string }): PassThrough => {
        streamed = true;
        const out = new PassThrough();
        reply
          .header('content-type', info.contentType ?? mimeType(target.path))
          .header('x-stowage-cache', 'miss');
        if (info.size !== undefined) reply.header('content-length', String(info.size));
        void reply.send(out);
        return out;
      };
      try {
        const format = formatOf(repo.packageType);
        const opts: ResolveOptions = {};
        if (format?.isMetadata?.(target.path)) opts.metadata = true;
        else if (!head) opts.live = live;
        if (format?.packageOf) opts.packageOf = format.packageOf;
        const validate = format?.validate;
        if (validate) opts.validate = (b) => validate(target.path, b);
        const resolved = await svc.resolver.resolve(repo, target.path, opts);
        if (streamed) return reply;
        art = resolved?.art;
        if (resolved?.stale) reply.header('x-stowage-cache', 'stale');
      } catch (err) {
        if (!streamed) throw err;
        req.log.warn(
          { err, repo: repo.key, path: target.path },
          'upstream transfer failed mid-stream; the client got a cut response',
        );
        return reply;
      }
    }
    if (!art) {
      if (repo.rclass === 'local' && (await svc.meta.folderExists(target.repo, target.path))) {
        return folderListing(req, reply, target, head);
      }
      throw new HttpError('ERR_NOT_FOUND', `${target.repo}/${target.path} does not exist`);
    }
    setArtifactHeaders(reply, art);
    if (
      req.headers['if-none-match'] === `"${art.sha1}"` ||
      req.headers['if-none-match'] === art.sha1
    ) {
      return reply.code(304).send();
    }
    const range = parseRange(req.headers.range, art.size);
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${art.size}`);
      reply.header('content-length', String(range.end - range.start + 1));
    } else {
      reply.header('content-length', String(art.size));
    }
    if (head) return reply.send();
    await svc.meta.recordDownload({
      repo: target.repo,
      path: art.path,
      sha256: art.sha256,
      user: who.user,
      ...buildIdentity(req),
    });
    if (repo.downloadRedirect && !range && svc.blobs.urlFor) {
      // The object store serves the bytes (as an attachment under the file's name).
      const url = await svc.blobs.urlFor(art.sha256, {
        expiresInSec: REDIRECT_TTL_SEC,
        filename: art.path.slice(art.path.lastIndexOf('/') + 1),
      });
      reply.removeHeader('content-length');
      return reply.code(302).header('location', url).send();
    }
    return reply.send(svc.blobs.open(art.sha256, range));
  };

  app.get('/*', { exposeHeadRoute: false }, (req, reply) => download(req, reply, false));
  app.head('/*', (req, reply) => download(req, reply, true));

  app.delete('/*', async (req, reply) => {
    const svc = app.stowage;
    req.requireWrite();
    const parsed = parseRepoPath(rawUrl(req).path);
    const target = { ...parsed, repo: (await svc.deployableRepo(parsed.repo)).key };
    if (target.path === '') {
      throw new HttpError(
        'ERR_PATH_INVALID',
        'refusing to delete a whole repository through a path',
        {
          hint: 'use DELETE /api/repositories/{key} to remove a repository',
        },
      );
    }
    const removed = await svc.deletePath(target.repo, target.path);
    if (removed === 0)
      throw new HttpError('ERR_NOT_FOUND', `${target.repo}/${target.path} does not exist`);
    req.log.info({ repo: target.repo, path: target.path, removed }, 'deleted');
    return reply.code(204).send();
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The build a request belongs to, for the download record: the X-Stowage-Build-Name/-Number
 * headers, else the build its token was issued for (package managers that cannot send
 * headers use a build-scoped token).
 */
export function buildIdentity(req: FastifyRequest): { buildName?: string; buildNumber?: string } {
  const buildName = header(req, 'x-stowage-build-name');
  const buildNumber = header(req, 'x-stowage-build-number');
  if (buildName && buildNumber) return { buildName, buildNumber };
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
    .header('x-artifactory-filename', art.path.slice(art.path.lastIndexOf('/') + 1));
}

async function folderListing(
  req: FastifyRequest,
  reply: FastifyReply,
  target: RepoPath,
  head: boolean,
): Promise<unknown> {
  const files = await req.server.stowage.meta.listFiles(target.repo, target.path);
  const prefix = target.path ? `${target.path}/` : '';
  const entries = new Map<string, boolean>();
  for (const f of files) {
    const rest = f.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    entries.set(slash < 0 ? rest : `${rest.slice(0, slash)}/`, slash >= 0);
  }
  const base = `${baseUrl(req)}/${target.repo}/${prefix}`;
  const items = [...entries.keys()]
    .sort()
    .map(
      (n) =>
        `<li><a href="${escapeHtml(base + n.split('/').map(encodeURIComponent).join('/'))}">${escapeHtml(n)}</a></li>`,
    )
    .join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Index of ${escapeHtml(target.repo)}/${escapeHtml(prefix)}</title></head><body><h1>Index of ${escapeHtml(target.repo)}/${escapeHtml(prefix)}</h1><ul>\n${items}\n</ul></body></html>`;
  reply.type('text/html; charset=utf-8');
  return head ? reply.send() : reply.send(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
