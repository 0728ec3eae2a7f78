import { Transform, type Readable, type Writable } from 'node:stream';
import { HttpError } from '../errors.ts';
import type { ArtifactRecord, RepoConfig } from './metastore.ts';
import type { Services } from './services.ts';
import type { UpstreamClient } from './upstream.ts';
import { allowedByPatterns, compilePatterns } from './antpattern.ts';

/** Where a resolved file came from. */
export interface Resolved {
  art: ArtifactRecord;
  /** The repository that holds it (a local member or a remote's cache). */
  repo: string;
  source: 'local' | 'cache' | 'upstream';
  /** True when the upstream failed and an older cached copy is served. */
  stale: boolean;
}

export interface ResolveOptions {
  /**
   * Metadata (indexes, packuments, maven-metadata.xml) is revalidated after the repository's
   * metadata max-age; content (tarballs, jars, wheels) is immutable and cached for good.
   */
  metadata?: boolean;
  /** Checks fetched content before it is cached; throw to refuse it. */
  validate?: (body: Readable) => Promise<void>;
  /**
   * Called when an upstream starts sending content that is not cached yet: return a stream
   * and the body is written to it while it is cached (the client need not wait).
   */
  live?: (info: { size?: number; contentType?: string }) => Writable;
  /**
   * Dependency-confusion guard: the folder that owns the package a path belongs to. When a
   * local member of a virtual repository has anything under it, remotes are not asked.
   */
  packageOf?: (path: string) => string | undefined;
  /**
   * The same guard for layouts without a folder per package (CRAN, Conda): true when the
   * local repository holds the package a path belongs to.
   */
  ownedBy?: (local: RepoConfig, path: string) => Promise<boolean>;
  /** Where a remote fetches a path when it is not `{url}/{path}` (e.g. PyPI files on another host). */
  upstreamUrl?: (remote: RepoConfig, path: string) => Promise<string | undefined>;
  /** Content-addressed paths: the body must hash to this sha256 (hex), else nothing is cached. */
  expectSha256?: string;
  /**
   * Extra headers for the upstream request (e.g. Accept, a token). When the upstream answers
   * 401 it is called again with the WWW-Authenticate challenge, and the request is retried
   * once with what it returns (e.g. a registry's Bearer token flow).
   */
  upstreamHeaders?: (req: {
    remote: RepoConfig;
    url: string;
    challenge?: string;
    upstream: UpstreamClient;
  }) => Promise<Record<string, string>>;
}

export const DEFAULT_METADATA_MAX_AGE_SEC = 600;

/**
 * Remote and virtual repositories, for every format: cache on first fetch, serve from disk
 * after that, coalesce concurrent fetches of one path, revalidate metadata after its max-age,
 * serve the cached copy when the upstream is down, and walk virtual members in order.
 */
export class Resolver {
  readonly #svc: Services;
  readonly #upstream: UpstreamClient;
  readonly #inflight = new Map<string, Promise<Resolved | undefined>>();

  constructor(svc: Services, upstream: UpstreamClient) {
    this.#svc = svc;
    this.#upstream = upstream;
  }

  /** Resolves repo/path in a local, remote or virtual repository. */
  async resolve(
    repo: RepoConfig,
    path: string,
    opts: ResolveOptions = {},
    seen = new Set<string>(),
  ): Promise<Resolved | undefined> {
    if (repo.rclass === 'local') {
      const art = await this.#svc.meta.getArtifact(repo.key, path);
      return art ? { art, repo: repo.key, source: 'local', stale: false } : undefined;
    }
    if (repo.rclass === 'remote') return this.#remote(repo, path, opts);
    let found: Resolved | undefined;
    await this.fromMembers(
      repo,
      { path, owner: opts.packageOf?.(path), ownedBy: opts.ownedBy, seen, first: true },
      async (m) => (found = await this.resolve(m, path, opts, seen)),
    );
    return found;
  }

  /**
   * The virtual-repository walk that every format's lookups and merged metadata share:
   * members in order; remote members skipped when a local member owns the package (the
   * dependency-confusion guard) or when their include/exclude patterns refuse `path`; a member
   * that fails (an upstream down, a bad page) logged and skipped so the others still answer.
   * When nothing answered and a member failed, the answer is a 404 that names the failure,
   * never the upstream's 502: package managers treat 404 as "look elsewhere".
   * With `first`, stops at the first member that answers.
   */
  async fromMembers<T>(
    repo: RepoConfig,
    q: {
      path?: string;
      owner?: string | undefined;
      ownedBy?: ((local: RepoConfig, path: string) => Promise<boolean>) | undefined;
      seen: Set<string>;
      first?: boolean;
    },
    load: (member: RepoConfig) => Promise<T | undefined>,
  ): Promise<{ member: RepoConfig; value: T }[]> {
    if (q.seen.has(repo.key)) return [];
    q.seen.add(repo.key);
    const members = await this.members(repo);
    let localOwns = false;
    for (const m of members) {
      if (m.rclass !== 'local' || localOwns) continue;
      if (q.owner !== undefined && (await this.#svc.meta.folderExists(m.key, q.owner)))
        localOwns = true;
      else if (q.ownedBy && q.path !== undefined && (await q.ownedBy(m, q.path))) localOwns = true;
    }
    const out: { member: RepoConfig; value: T }[] = [];
    const failed: string[] = [];
    for (const m of members) {
      if (m.rclass === 'remote' && localOwns) continue;
      if (
        q.path !== undefined &&
        !allowedByPatterns(
          q.path,
          compilePatterns(m.includesPattern),
          compilePatterns(m.excludesPattern),
        )
      ) {
        continue;
      }
      try {
        const value = await load(m);
        if (value === undefined) continue;
        out.push({ member: m, value });
        if (q.first) break;
      } catch (err) {
        if (m.rclass === 'local') throw err;
        failed.push(`${m.key} (${(err as Error).message})`);
        this.#svc.log.warn(
          { virtual: repo.key, member: m.key, path: q.path, err: (err as Error).message },
          'virtual member failed; asking the others',
        );
      }
    }
    if (out.length === 0 && failed.length > 0) {
      throw new HttpError(
        'ERR_NOT_FOUND',
        `${repo.key}/${q.path ?? ''} was not found: member ${failed.join('; ')} could not answer`,
        {
          hint: 'nothing is cached for it; retry when the upstream is back',
        },
      );
    }
    return out;
  }

  /** A virtual repository's members, in order (missing ones are skipped with a log line). */
  async members(repo: RepoConfig): Promise<RepoConfig[]> {
    const out: RepoConfig[] = [];
    for (const key of repo.repositories ?? []) {
      const m = await this.#svc.meta.getRepo(key);
      if (m) out.push(m);
      else
        this.#svc.log.warn(
          { virtual: repo.key, member: key },
          'virtual repository member does not exist',
        );
    }
    return out;
  }

  async #remote(
    repo: RepoConfig,
    path: string,
    opts: ResolveOptions,
  ): Promise<Resolved | undefined> {
    if (
      !allowedByPatterns(
        path,
        compilePatterns(repo.includesPattern),
        compilePatterns(repo.excludesPattern),
      )
    )
      return undefined;
    const meta = this.#svc.meta;
    const cached = await meta.getArtifact(repo.key, path);
    if (cached) {
      const maxAge = (repo.metadataMaxAgeSec ?? DEFAULT_METADATA_MAX_AGE_SEC) * 1000;
      const entry = opts.metadata ? await meta.getCacheEntry(repo.key, path) : undefined;
      if (!opts.metadata || (entry && Date.now() - entry.fetched < maxAge)) {
        this.#svc.metrics.cache.inc({ repo: repo.key, result: 'hit' });
        return { art: cached, repo: repo.key, source: 'cache', stale: false };
      }
    }
    this.#svc.metrics.cache.inc({ repo: repo.key, result: 'miss' });
    const key = `${repo.key}\0${path}`;
    const running = this.#inflight.get(key);
    if (running) return running;
    const p = this.#fetch(repo, path, cached, opts).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #fetch(
    repo: RepoConfig,
    path: string,
    cached: ArtifactRecord | undefined,
    opts: ResolveOptions,
  ): Promise<Resolved | undefined> {
    const svc = this.#svc;
    const url =
      (await opts.upstreamUrl?.(repo, path)) ??
      `${(repo.url ?? '').replace(/\/+$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;
    const stale = (err: unknown): Resolved => {
      svc.log.warn(
        { repo: repo.key, path, err: (err as Error).message },
        'upstream failed; serving the cached copy',
      );
      return { art: cached as ArtifactRecord, repo: repo.key, source: 'cache', stale: true };
    };
    const headers: Record<string, string> = {};
    const entry = cached ? await svc.meta.getCacheEntry(repo.key, path) : undefined;
    if (entry?.etag) headers['if-none-match'] = entry.etag;
    if (entry?.lastModified) headers['if-modified-since'] = entry.lastModified;
    let res;
    try {
      const extra = { remote: repo, url, upstream: this.#upstream };
      Object.assign(headers, await opts.upstreamHeaders?.(extra));
      res = await this.#upstream.get(url, { headers });
      const challenge = res.headers['www-authenticate'];
      if (res.status === 401 && opts.upstreamHeaders && typeof challenge === 'string') {
        res.body.resume();
        Object.assign(headers, await opts.upstreamHeaders({ ...extra, challenge }));
        res = await this.#upstream.get(url, { headers });
      }
    } catch (err) {
      svc.metrics.upstream.inc({ repo: repo.key, outcome: 'error' });
      if (cached) return stale(err);
      throw err;
    }
    svc.metrics.upstream.inc({
      repo: repo.key,
      outcome:
        res.status === 200
          ? 'fetched'
          : res.status === 304
            ? 'not-modified'
            : res.status === 404 || res.status === 410
              ? 'not-found'
              : 'error',
    });
    if (res.status === 304 && cached) {
      res.body.resume();
      await svc.meta.putCacheEntry({ ...(entry ?? { repo: repo.key, path }), fetched: Date.now() });
      return { art: cached, repo: repo.key, source: 'cache', stale: false };
    }
    if (res.status === 404 || res.status === 410) {
      res.body.resume();
      return undefined;
    }
    if (res.status !== 200) {
      res.body.resume();
      const err = new HttpError(
        'ERR_UPSTREAM_INVALID',
        `upstream ${url} answered HTTP ${res.status}`,
      );
      if (cached) return stale(err);
      throw err;
    }
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    let body: Readable = res.body;
    if (opts.live && !cached) {
      const info: { size?: number; contentType?: string } = {};
      if (Number.isFinite(declared)) info.size = declared;
      if (typeof res.headers['content-type'] === 'string')
        info.contentType = res.headers['content-type'];
      const t = tee(opts.live(info));
      body.once('error', (err) => t.destroy(err));
      body = body.pipe(t);
    }
    try {
      const staged = await svc.blobs.stage(body);
      try {
        if (Number.isFinite(declared) && staged.size !== declared) {
          throw new HttpError(
            'ERR_UPSTREAM_INVALID',
            `upstream ${url} sent ${staged.size} of ${declared} bytes`,
          );
        }
        if (opts.expectSha256 && staged.sha256 !== opts.expectSha256) {
          throw new HttpError(
            'ERR_UPSTREAM_INVALID',
            `upstream ${url} sent content with sha256 ${staged.sha256}, not ${opts.expectSha256}`,
          );
        }
        if (opts.validate) await opts.validate(staged.read());
      } catch (err) {
        await staged.discard();
        throw err;
      }
      const art = await svc.commitStaged({
        repo: repo.key,
        path,
        staged,
        user: 'remote',
        properties: {},
      });
      const e: Parameters<typeof svc.meta.putCacheEntry>[0] = {
        repo: repo.key,
        path,
        fetched: Date.now(),
      };
      if (typeof res.headers.etag === 'string') e.etag = res.headers.etag;
      if (typeof res.headers['last-modified'] === 'string')
        e.lastModified = res.headers['last-modified'];
      await svc.meta.putCacheEntry(e);
      svc.log.info({ repo: repo.key, path, size: art.size }, 'cached from upstream');
      return { art, repo: repo.key, source: 'upstream', stale: false };
    } catch (err) {
      const wrapped =
        err instanceof HttpError
          ? err
          : new HttpError(
              'ERR_UPSTREAM_INVALID',
              `upstream ${url} broke off (${(err as Error).message})`,
              { cause: err },
            );
      if (cached) return stale(wrapped);
      throw wrapped;
    }
  }
}

/** Copies every chunk to `live` (honouring its backpressure) while passing it on; a live side that goes away is dropped. */
function tee(live: Writable): Transform {
  let attached = true;
  const detach = (): void => {
    attached = false;
  };
  live.once('close', detach);
  live.once('error', detach);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!attached || live.write(chunk)) return cb(null, chunk);
      const go = (): void => {
        live.off('drain', go);
        live.off('close', go);
        cb(null, chunk);
      };
      live.on('drain', go);
      live.on('close', go);
    },
    flush(cb) {
      if (attached) live.end();
      cb();
    },
    destroy(err, cb) {
      if (attached && err) live.destroy(err);
      cb(err);
    },
  });
}
