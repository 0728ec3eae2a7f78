/**
 * The npm registry's side APIs a virtual repository answers besides packuments and tarballs:
 * security audits (forwarded to the first remote member that answers), search over what the
 * repository holds (local packuments and cached remote ones), and the web-login probe.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.ts';
import type { RepoConfig } from '../../internal/metastore.ts';
import type { Services } from '../../internal/services.ts';
import { MAX_PACKUMENT_BYTES, parsePackument, readLimited, type Packument } from './packument.ts';

/** The audit endpoints npm calls: bulk advisories (npm 7+) and the older quick audit. */
export const AUDIT_PATHS = ['npm/v1/security/advisories/bulk', 'npm/v1/security/audits/quick'];

/** Largest audit answer passed back (a big lockfile's advisories). */
const MAX_AUDIT_ANSWER = 32 * 1024 * 1024;

/**
 * Forwards an audit request (already decompressed) to the remotes of `repo` in order; the first
 * that answers 200 wins. Local repositories know no advisories, so with no remote answering the
 * error says so in words npm prints.
 */
export async function forwardAudit(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repo: RepoConfig,
  endpoint: string,
  body: string,
): Promise<unknown> {
  const remotes: RepoConfig[] = [];
  const collect = async (r: RepoConfig, seen: Set<string>): Promise<void> => {
    if (seen.has(r.key)) return;
    seen.add(r.key);
    if (r.rclass === 'remote') remotes.push(r);
    else if (r.rclass === 'virtual')
      for (const m of await svc.resolver.members(r)) await collect(m, seen);
  };
  await collect(repo, new Set());
  const failed: string[] = [];
  for (const remote of remotes) {
    const url = `${(remote.url ?? '').replace(/\/+$/, '')}/-/${endpoint}`;
    try {
      const res = await svc.resolver.upstream.post(url, {
        access: svc.resolver.upstream.accessOf(remote),
        body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      });
      if (res.status !== 200) {
        res.body.resume();
        failed.push(`${remote.key} answered HTTP ${res.status}`);
        continue;
      }
      const answer = await readLimited(res.body, MAX_AUDIT_ANSWER, `audit answer of ${url}`);
      JSON.parse(answer.toString('utf8'));
      req.log.info({ repo: repo.key, remote: remote.key, endpoint }, 'npm audit forwarded');
      return reply.type('application/json').send(answer);
    } catch (err) {
      failed.push(`${remote.key} (${(err as Error).message})`);
    }
  }
  throw new HttpError(
    'ERR_NPM_AUDIT_UNAVAILABLE',
    remotes.length === 0
      ? `repository "${repo.key}" has no remote member to ask for security advisories`
      : `no remote of "${repo.key}" answered the audit: ${failed.join('; ')}`,
    {
      hint:
        remotes.length === 0
          ? 'run npm audit against a virtual repository that includes a remote of registry.npmjs.org'
          : 'retry when the upstream registry is reachable',
    },
  );
}

/** `GET -/v1/search?text=…&size=…&from=…` in the registry's answer shape. */
export async function search(
  svc: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  repo: RepoConfig,
): Promise<unknown> {
  const q = (req.query ?? {}) as Record<string, string | undefined>;
  const text = String(q.text ?? '')
    .trim()
    .toLowerCase()
    .slice(0, 256);
  const size = Math.min(250, Math.max(1, Number(q.size ?? 20) || 20));
  const from = Math.max(0, Number(q.from ?? 0) || 0);
  const found = new Map<string, Packument>();
  const walk = async (r: RepoConfig, seen: Set<string>): Promise<void> => {
    if (seen.has(r.key)) return;
    seen.add(r.key);
    if (r.rclass === 'virtual') {
      for (const m of await svc.resolver.members(r)) await walk(m, seen);
      return;
    }
    for (const art of await svc.meta.listFiles(r.key, '')) {
      const m = /^((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/.exec(art.path);
      const name = m?.[1];
      if (!name || found.has(name)) continue;
      try {
        const doc = parsePackument(
          await readLimited(svc.blobs.open(art.sha256), MAX_PACKUMENT_BYTES, art.path),
          name,
        );
        if (matches(doc, text)) found.set(name, doc);
      } catch (err) {
        req.log.warn({ repo: r.key, path: art.path, err }, 'packument unreadable; not searched');
      }
    }
  };
  await walk(repo, new Set());
  const all = [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
  const objects = all.slice(from, from + size).map((doc) => {
    const latest = doc['dist-tags'].latest ?? Object.keys(doc.versions).pop() ?? '';
    const m = (doc.versions[latest] ?? {}) as Record<string, unknown>;
    const pkg: Record<string, unknown> = {
      name: doc.name,
      version: latest,
      description: typeof m.description === 'string' ? m.description : '',
      keywords: Array.isArray(m.keywords) ? m.keywords : [],
      date: doc.time?.[latest] ?? doc.time?.modified ?? new Date(0).toISOString(),
      links: {},
      publisher: { username: 'stowage' },
      maintainers: Array.isArray(m.maintainers) ? m.maintainers : [],
    };
    return {
      package: pkg,
      score: { final: 1, detail: { quality: 1, popularity: 1, maintenance: 1 } },
      searchScore: 1,
    };
  });
  return reply.send({ objects, total: all.length, time: new Date().toUTCString() });
}

function matchesName(name: string, text: string): boolean {
  return name.toLowerCase().includes(text);
}

function matches(doc: Packument, text: string): boolean {
  if (!text) return true;
  if (matchesName(doc.name, text)) return true;
  const latest = doc['dist-tags'].latest;
  const m = (latest ? doc.versions[latest] : undefined) as Record<string, unknown> | undefined;
  const words = [
    typeof m?.description === 'string' ? m.description : '',
    ...(Array.isArray(m?.keywords) ? m.keywords.map(String) : []),
  ];
  return text
    .split(/\s+/)
    .every((t) => matchesName(doc.name, t) || words.some((w) => w.toLowerCase().includes(t)));
}
