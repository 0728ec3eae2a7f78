import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { HttpError } from '../errors.ts';
import { parseRepoPath, type RepoPath } from '../internal/paths.ts';
import { baseUrl, declaredChecksums, rawUrl, readSmallBody } from '../internal/http.ts';
import { SMALL_BODY_BYTES } from '../internal/blobstore.ts';
import type { RepoConfig } from '../internal/metastore.ts';
import { allowInline } from '../internal/serving.ts';
import { fileInfo } from './storage.ts';
import { assertGenericWritable, formatOf } from '../formats/index.ts';
import type { ResolveOptions } from '../internal/resolver.ts';
import { sendComputed, serveFile } from '../internal/serve.ts';

/** How long a presigned download URL (downloadRedirect) stays valid. */

/**
 * Generic repository layout: `PUT|GET|HEAD|DELETE /{repo}/{path}`, with matrix
 * properties on deploy, checksum headers, checksum deploy and range requests.
 * Bodies are streamed straight to the blob store, never buffered.
 */
export async function genericRoutes(app: FastifyInstance): Promise<void> {
  // This scope takes every request body as a raw stream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.put('/*', { config: { permission: 'repo:deploy' } }, async (req, reply) => {
    refuseUnknownApi(req);
    const svc = app.stowage;
    const target = parseRepoPath(rawUrl(req).path);
    const who = await req.authorize('repo:deploy', target.repo);
    if (target.folder) {
      throw new HttpError('ERR_PATH_INVALID', `"${target.repo}/${target.path}/" is a folder`, {
        hint: 'deploy to a file path (without a trailing slash)',
      });
    }
    const byChecksum = String(req.headers['x-checksum-deploy'] ?? '').toLowerCase() === 'true';
    const body = byChecksum ? undefined : ((req.body as Readable | undefined) ?? req.raw);
    const abort = new AbortController();
    req.raw.once('close', () => {
      if (!req.raw.complete) abort.abort();
    });
    let into: RepoConfig;
    try {
      into = await svc.deployableRepo(target.repo);
      assertGenericWritable(into, 'PUT');
      if (into.key !== target.repo) await req.authorize('repo:deploy', into.key);
      // Overwriting a file is deleting it, as in Artifactory ("Delete/Overwrite"); whoever may
      // delete need not be asked whether the file exists.
      if (
        !(await req.may('repo:delete', into.key)) &&
        (await svc.meta.getArtifact(into.key, target.path))
      )
        await req.authorize('repo:delete', into.key);
    } catch (err) {
      // Refused before reading: drain the body so the client gets the answer, not a reset.
      req.raw.resume();
      throw err;
    }
    if (byChecksum) req.raw.resume();
    const before = formatOf(into.packageType)?.beforeDeploy;
    // A small body is read whole: cheaper than streaming it through a temporary file.
    const small = body && readSmallBody(body, req.headers, SMALL_BODY_BYTES);
    const art = await svc.deploy({
      ...(before && { check: (b) => before(svc, into, target.path, b) }),
      repo: into,
      path: target.path,
      body: small ? await small : body,
      expected: declaredChecksums(req),
      properties: target.matrix,
      user: who.user,
      signal: abort.signal,
      audit: (blob) =>
        req.auditEntry('artifact.deploy', {
          repo: into.key,
          path: target.path,
          details: { sha256: blob.sha256, size: blob.size, ...(byChecksum ? { byChecksum } : {}) },
        }),
    });
    req.log.info({ repo: art.repo, path: art.path, size: art.size, byChecksum }, 'deployed');
    await formatOf(into.packageType)?.afterDeploy?.(svc, into, art);
    return reply.code(201).send(
      await fileInfo(req, art, {
        deploy: true,
        noProperties: Object.keys(target.matrix).length === 0,
      }),
    );
  });

  const download = async (
    req: FastifyRequest,
    reply: FastifyReply,
    head: boolean,
  ): Promise<unknown> => {
    refuseUnknownApi(req);
    const svc = app.stowage;
    const { path } = rawUrl(req);
    if (path === '/' || path === '') {
      await req.authorize('public');
      return reply.type('application/json').send({ service: 'stowage', api: '/api/system/ping' });
    }
    const target = parseRepoPath(path);
    await req.authorize('repo:read', target.repo);
    const repo = await svc.repo(target.repo);
    const derived = target.folder
      ? undefined
      : await formatOf(repo.packageType)?.serveDerived?.(svc, repo, target.path);
    if (derived) return sendComputed(req, reply, derived.body, derived.contentType);
    if (!target.folder) {
      const format = formatOf(repo.packageType);
      const resolve: ResolveOptions = {};
      if (format?.isMetadata?.(target.path)) resolve.metadata = true;
      if (format?.packageOf) resolve.packageOf = format.packageOf;
      const validate = format?.validate;
      if (validate) resolve.validate = (b) => validate(target.path, b);
      const served = await serveFile(req, reply, {
        repo,
        path: target.path,
        resolve,
        matrix: target.matrix,
        record: resolve.metadata !== true,
      });
      if (served) return reply;
    }
    if (repo.rclass === 'local' && (await svc.meta.folderExists(target.repo, target.path))) {
      return folderListing(req, reply, target, head);
    }
    throw new HttpError('ERR_NOT_FOUND', `${target.repo}/${target.path} does not exist`);
  };

  const read = { permission: 'repo:read' } as const;
  app.get('/*', { config: read, exposeHeadRoute: false }, (req, reply) =>
    download(req, reply, false),
  );
  app.head('/*', { config: read }, (req, reply) => download(req, reply, true));

  app.delete('/*', { config: { permission: 'repo:delete' } }, async (req, reply) => {
    refuseUnknownApi(req);
    const svc = app.stowage;
    const parsed = parseRepoPath(rawUrl(req).path);
    await req.authorize('repo:delete', parsed.repo);
    const from = await svc.deployableRepo(parsed.repo);
    if (from.key !== parsed.repo) await req.authorize('repo:delete', from.key);
    assertGenericWritable(from, 'DELETE');
    const target = { ...parsed, repo: from.key };
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
    await formatOf(from.packageType)?.afterDelete?.(svc, from, target.path);
    req.log.info({ repo: target.repo, path: target.path, removed }, 'deleted');
    await req.audit('artifact.delete', {
      repo: target.repo,
      path: target.path,
      details: { files: removed },
    });
    return reply.code(204).send();
  });
}

/**
 * `/api/…` is the REST API's namespace, never a repository ("api" is a reserved key): a call
 * that reached the repository layout is an API the server does not implement.
 */
function refuseUnknownApi(req: FastifyRequest): void {
  const { path } = rawUrl(req);
  if (path === '/api' || path.startsWith('/api/'))
    throw new HttpError('ERR_API_UNKNOWN', `unknown API: ${req.method} ${path}`);
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
  // Generated here with every name escaped: shown inline (still under the sandbox CSP).
  allowInline(reply).type('text/html; charset=utf-8');
  return head ? reply.send() : reply.send(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
