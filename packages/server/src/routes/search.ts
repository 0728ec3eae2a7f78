import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.ts';
import {
  MAX_AQL_BYTES,
  matches,
  needsProperties,
  parseAql,
  project,
  reposOf,
  sortItems,
  type AqlItem,
} from '../internal/aql.ts';
import type { ArtifactRecord } from '../internal/metastore.ts';

/** Most items one AQL query answers (JFrog CLI pages with .limit/.offset beyond that). */
const MAX_RESULTS = 50_000;

function itemOf(a: ArtifactRecord, properties?: Record<string, string[]>): AqlItem {
  const slash = a.path.lastIndexOf('/');
  const item: AqlItem = {
    repo: a.repo,
    path: slash < 0 ? '.' : a.path.slice(0, slash),
    name: a.path.slice(slash + 1),
    type: 'file',
    size: a.size,
    created: new Date(a.created).toISOString(),
    created_by: a.createdBy,
    modified: new Date(a.modified).toISOString(),
    modified_by: a.modifiedBy,
    updated: new Date(a.modified).toISOString(),
    actual_sha1: a.sha1,
    actual_md5: a.md5,
    sha256: a.sha256,
  };
  if (properties) item.properties = properties;
  return item;
}

/**
 * Artifactory's search API: `POST /api/search/aql` with an AQL subset (see internal/aql.ts),
 * answering `{results: [...], range: {start_pos, end_pos, total, limit?}}` over the files of
 * the repositories the caller may read.
 */
export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/api/search/aql', { config: { permission: 'repo:read' } }, async (req, reply) => {
    // Each repository is checked below: the answer holds only what the caller may read.
    await req.authorize('public');
    const svc = app.stowage;
    if (typeof req.body !== 'string' || req.body.trim() === '') {
      throw new HttpError('ERR_AQL_INVALID', 'the request has no AQL query', {
        hint: 'POST items.find({...}) as text/plain',
      });
    }
    if (Buffer.byteLength(req.body) > MAX_AQL_BYTES)
      throw new HttpError('ERR_AQL_INVALID', `the query is longer than ${MAX_AQL_BYTES} bytes`);
    const q = parseAql(req.body);
    const wanted = reposOf(q.criteria);
    const repos =
      wanted ??
      (await svc.meta.listRepos()).filter((r) => r.rclass !== 'virtual').map((r) => r.key);
    const props = needsProperties(q);
    let found: AqlItem[] = [];
    let readable = 0;
    for (const key of repos) {
      const repo = await svc.meta.getRepo(key);
      if (!repo || repo.rclass === 'virtual') continue;
      if (!(await req.may('repo:read', key))) continue;
      readable++;
      for (const a of await svc.meta.listFiles(key, '')) {
        const item = itemOf(a, props ? await svc.meta.getProperties(a.id) : undefined);
        if (!matches(q.criteria, item)) continue;
        found.push(item);
        if (found.length > MAX_RESULTS) {
          throw new HttpError(
            'ERR_AQL_INVALID',
            `the query matches more than ${MAX_RESULTS} items`,
            {
              hint: 'narrow it (repo, path) or page it with .limit() and .offset()',
            },
          );
        }
      }
    }
    // Without credentials and nothing readable: ask for them rather than answer "nothing".
    if (readable === 0 && !req.principal.authenticated) await req.authorize('authenticated');
    found = sortItems(found, q.sort);
    const start = q.offset ?? 0;
    const page = found.slice(start, q.limit === undefined ? undefined : start + q.limit);
    const range: Record<string, number> = {
      start_pos: start,
      end_pos: start + page.length,
      total: page.length,
    };
    if (q.limit !== undefined) range.limit = q.limit;
    return reply
      .type('application/json')
      .send({ results: page.map((i) => project(i, q.include)), range });
  });
}
