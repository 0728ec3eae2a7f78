import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import { parsePropertiesQuery, parseRepoPath } from '../internal/paths.ts';
import { baseUrl, decodeQueryValue, flag, mimeType, rawQuery, rawUrl } from '../internal/http.ts';
import type { ArtifactRecord } from '../internal/metastore.ts';

const PREFIX = '/api/storage';

/** What `GET /api/storage/{repo}/{path}` (and a deploy) answers for a file, Artifactory's shape. */
export async function fileInfo(
  req: FastifyRequest,
  art: ArtifactRecord,
  opts: { deploy?: boolean; noProperties?: boolean } = {},
): Promise<Record<string, unknown>> {
  const base = baseUrl(req);
  const checksums = { sha1: art.sha1, md5: art.md5, sha256: art.sha256 };
  const info: Record<string, unknown> = {
    repo: art.repo,
    path: `/${art.path}`,
    created: new Date(art.created).toISOString(),
    createdBy: art.createdBy,
    lastModified: new Date(art.modified).toISOString(),
    modifiedBy: art.modifiedBy,
    lastUpdated: new Date(art.modified).toISOString(),
    downloadUri: `${base}/${art.repo}/${encodePath(art.path)}`,
    mimeType: mimeType(art.path),
    size: String(art.size),
    checksums,
    originalChecksums: checksums,
    uri: `${base}${PREFIX}/${art.repo}/${encodePath(art.path)}`,
  };
  // A deploy without properties just made the file's set empty: nothing to read back.
  if (opts.deploy && !opts.noProperties) {
    const props = await req.server.stowage.meta.getProperties(art.id);
    if (Object.keys(props).length) info.properties = props;
  }
  return info;
}

export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export async function storageRoutes(app: FastifyInstance): Promise<void> {
  app.get(`${PREFIX}/*`, { config: { permission: 'repo:read' } }, async (req) => {
    const svc = app.stowage;
    const target = parseRepoPath(rawUrl(req).path.slice(PREFIX.length));
    await req.authorize('repo:read', target.repo);
    await svc.repo(target.repo);
    const q = rawQuery(req);
    const base = baseUrl(req);
    const uri = `${base}${PREFIX}/${target.repo}${target.path ? `/${encodePath(target.path)}` : ''}`;
    const art = target.path ? await svc.meta.getArtifact(target.repo, target.path) : undefined;

    if (q.has('properties')) {
      if (!art) {
        if (!(await svc.meta.folderExists(target.repo, target.path)))
          throw notFound(target.repo, target.path);
        return { properties: {}, uri };
      }
      const wanted = q.get('properties')
        ? decodeQueryValue(q.get('properties') ?? '').split(',')
        : undefined;
      const props = await svc.meta.getProperties(art.id);
      const out = wanted
        ? Object.fromEntries(Object.entries(props).filter(([k]) => wanted.includes(k)))
        : props;
      return { properties: out, uri };
    }
    if (art) return fileInfo(req, art);
    if (!(await svc.meta.folderExists(target.repo, target.path)))
      throw notFound(target.repo, target.path);

    const files = await svc.meta.listFiles(target.repo, target.path);
    const prefix = target.path ? `${target.path}/` : '';
    const created = files.reduce((m, f) => Math.min(m, f.created), Number.POSITIVE_INFINITY);
    const modified = files.reduce((m, f) => Math.max(m, f.modified), 0);
    const createdIso = new Date(Number.isFinite(created) ? created : Date.now()).toISOString();
    if (q.has('list')) {
      const deep = flag(q, 'deep', false);
      const listFolders = flag(q, 'listFolders', false);
      const out: Record<string, unknown>[] = [];
      const folders = new Set<string>();
      for (const f of files) {
        const rest = f.path.slice(prefix.length);
        const parts = rest.split('/');
        if (!deep && parts.length > 1) {
          folders.add(parts[0] ?? '');
          continue;
        }
        if (deep && listFolders)
          for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
        out.push({
          uri: `/${rest}`,
          size: f.size,
          lastModified: new Date(f.modified).toISOString(),
          folder: false,
          sha1: f.sha1,
          sha2: f.sha256,
        });
      }
      if (listFolders || !deep) {
        for (const d of folders)
          out.push({ uri: `/${d}`, size: -1, lastModified: createdIso, folder: true });
      }
      return { uri, created: createdIso, files: out };
    }
    const children = new Map<string, boolean>();
    for (const f of files) {
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      children.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
    }
    return {
      repo: target.repo,
      path: `/${target.path}`,
      created: createdIso,
      lastModified: new Date(modified || Date.now()).toISOString(),
      lastUpdated: new Date(modified || Date.now()).toISOString(),
      children: [...children].sort().map(([n, folder]) => ({ uri: `/${n}`, folder })),
      uri,
    };
  });

  // PUT /api/storage/{repo}/{path}?properties=k=v1,v2;k2=v3[&recursive=1]
  app.put(`${PREFIX}/*`, { config: { permission: 'repo:annotate' } }, async (req, reply) => {
    const svc = app.stowage;
    const parsed = parseRepoPath(rawUrl(req).path.slice(PREFIX.length));
    await req.authorize('repo:annotate', parsed.repo);
    const target = { ...parsed, repo: (await svc.deployableRepo(parsed.repo)).key };
    const q = rawQuery(req);
    const raw = q.get('properties');
    if (!raw) {
      throw new HttpError('ERR_BODY_INVALID', 'no properties given', {
        hint: 'use ?properties=key=value1,value2;key2=value',
      });
    }
    const props = parsePropertiesQuery(raw);
    const count = await setOn(req, target.repo, target.path, () =>
      svc.meta.setProperties(target.repo, target.path, props),
    );
    req.log.info({ repo: target.repo, path: target.path, files: count }, 'properties set');
    await req.audit('artifact.properties', {
      repo: target.repo,
      path: target.path,
      details: { set: props, files: count },
    });
    return reply.code(204).send();
  });

  // DELETE /api/storage/{repo}/{path}?properties=k1,k2
  app.delete(`${PREFIX}/*`, { config: { permission: 'repo:annotate' } }, async (req, reply) => {
    const svc = app.stowage;
    const parsed = parseRepoPath(rawUrl(req).path.slice(PREFIX.length));
    await req.authorize('repo:annotate', parsed.repo);
    const target = { ...parsed, repo: (await svc.deployableRepo(parsed.repo)).key };
    const raw = rawQuery(req).get('properties');
    if (!raw)
      throw new HttpError('ERR_BODY_INVALID', 'no property names given', {
        hint: 'use ?properties=key1,key2',
      });
    const keys = decodeQueryValue(raw).split(',').filter(Boolean);
    const count = await setOn(req, target.repo, target.path, () =>
      svc.meta.deleteProperties(target.repo, target.path, keys),
    );
    await req.audit('artifact.properties', {
      repo: target.repo,
      path: target.path,
      details: { deleted: keys, files: count },
    });
    return reply.code(204).send();
  });
}

/** Runs a property change on a file, or on the files under a folder (recursive is the default). */
async function setOn(
  req: FastifyRequest,
  repo: string,
  path: string,
  change: () => Promise<number>,
): Promise<number> {
  const svc = req.server.stowage;
  const isFile = path !== '' && (await svc.meta.getArtifact(repo, path)) !== undefined;
  if (!isFile && !(await svc.meta.folderExists(repo, path))) throw notFound(repo, path);
  const recursive = flag(rawQuery(req), 'recursive', true);
  if (!isFile && !recursive) {
    throw new HttpError(
      'ERR_PATH_INVALID',
      `${repo}/${path} is a folder; folder-only properties are not kept`,
      {
        hint: 'use recursive=1 to set them on every file beneath it',
      },
    );
  }
  return change();
}

function notFound(repo: string, path: string): HttpError {
  return new HttpError('ERR_NOT_FOUND', `${repo}/${path} does not exist`);
}
