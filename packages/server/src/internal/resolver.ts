import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { HttpError } from '../errors.ts';
import type { ArtifactRecord, RepoConfig } from './metastore.ts';
import type { Services } from './services.ts';
import {
  redactUrl,
  scrub,
  type RemoteAccess,
  type UpstreamClient,
  type UpstreamResponse,
} from './upstream.ts';
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
  /** Checks fetched content before it is cached (`remote`: the remote it came from); throw to refuse it. */
  validate?: (body: Readable, remote: RepoConfig) => Promise<void>;
  /**
   * Called when an upstream starts sending content that is not cached yet: return a stream
   * and the body is written to it while it is cached (the client need not wait).
   */
  live?: (info: LiveInfo) => Writable;
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
  /**
   * Where a remote fetches a path when it is not `{url}/{path}` (e.g. PyPI files on another
   * host), and the digests the upstream's metadata declares for it. A string is a URL; an
   * object may give either or both; undefined means `{url}/{path}` with nothing declared.
   */
  upstreamUrl?: (remote: RepoConfig, path: string) => Promise<string | UpstreamSource | undefined>;
  /** Digests the content must have (hex); any mismatch is ERR_UPSTREAM_DIGEST and nothing is cached. */
  expect?: Digests;
  /** Content-addressed paths: shorthand for `expect: { sha256 }`. */
  expectSha256?: string;
  /**
   * The client's request: when it goes away and no other request waits for the same file,
   * the upstream transfer stops (and nothing is cached).
   */
  signal?: AbortSignal;
  /**
   * Extra headers for the upstream request (e.g. Accept, a token). When the upstream answers
   * 401 it is called again with the WWW-Authenticate challenge, and the request is retried
   * once with what it returns (e.g. a registry's Bearer token flow). Requests the hook makes
   * itself go through `upstream.get(url, { access })` so that the remote's policy applies.
   */
  upstreamHeaders?: (req: {
    remote: RepoConfig;
    url: string;
    challenge?: string;
    upstream: UpstreamClient;
    access: RemoteAccess;
  }) => Promise<Record<string, string>>;
}

/** Digests (lowercase hex) an upstream's metadata declares for a file. */
export interface Digests {
  sha1?: string;
  sha256?: string;
  sha384?: string;
  sha512?: string;
  md5?: string;
}

/** What a format's `upstreamUrl` hook may answer: where to fetch and what the metadata promised. */
export interface UpstreamSource {
  url?: string;
  expect?: Digests;
}

const DIGEST_HEX: Record<keyof Digests, number> = {
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  md5: 32,
};

/**
 * A Subresource Integrity string (`sha512-<base64> sha1-<base64>`, npm's `integrity`) or a
 * single base64 digest with its algorithm (NuGet's `packageHash`) as hex digests.
 */
export function digestsFromSri(sri: string): Digests {
  const out: Digests = {};
  for (const part of sri.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=_-]+)(?:\?.*)?$/i.exec(part);
    if (!m?.[1] || !m[2]) continue;
    const alg = m[1].toLowerCase() as keyof Digests;
    const hex = Buffer.from(m[2], 'base64').toString('hex');
    if (hex.length === DIGEST_HEX[alg]) out[alg] = hex;
  }
  return out;
}

/** Keeps only well-formed hex digests, lowercased. */
export function cleanDigests(d: Partial<Record<keyof Digests, unknown>>): Digests {
  const out: Digests = {};
  for (const alg of Object.keys(DIGEST_HEX) as (keyof Digests)[]) {
    const v = d[alg];
    if (typeof v === 'string' && new RegExp(`^[0-9a-fA-F]{${DIGEST_HEX[alg]}}$`).test(v))
      out[alg] = v.toLowerCase();
  }
  return out;
}

/** Digests an answer's own headers declare, each with the header it came from. */
function headerDigests(
  headers: Record<string, string | string[] | undefined>,
): Partial<Record<keyof Digests, [string, string]>> {
  const out: Partial<Record<keyof Digests, [string, string]>> = {};
  for (const alg of ['sha256', 'sha1', 'md5'] as const) {
    const name = `x-checksum-${alg}`;
    const v = cleanDigests({ [alg]: headers[name] })[alg];
    if (v) out[alg] = [v, `the upstream's ${name} header`];
  }
  const dcd = headers['docker-content-digest'];
  const m = typeof dcd === 'string' ? /^(sha256|sha512):([0-9a-f]+)$/i.exec(dcd.trim()) : null;
  if (m?.[1] && m[2]) {
    const alg = m[1].toLowerCase() as 'sha256' | 'sha512';
    const v = cleanDigests({ [alg]: m[2] })[alg];
    if (v) out[alg] = [v, "the upstream's Docker-Content-Digest header"];
  }
  return out;
}

/**
 * Files up to this size with declared digests are verified before the first byte goes to the
 * client (a mismatch is a clean 502); larger ones stream while they are verified, and a
 * mismatch cuts the response before its last byte.
 */
export const VERIFY_FIRST_MAX_BYTES = 64 * 1024 * 1024;

/** What is known of a file when its body starts to stream from the upstream. */
export interface LiveInfo {
  size?: number;
  contentType?: string;
  /** Checksums the upstream declared (X-Checksum-*); the cached copy is checked against them. */
  checksums?: { sha1?: string; sha256?: string; md5?: string };
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
  readonly #inflight = new Map<string, Inflight>();
  readonly #verifyFirstMaxBytes: number;

  constructor(
    svc: Services,
    upstream: UpstreamClient,
    opts: { verifyFirstMaxBytes?: number } = {},
  ) {
    this.#svc = svc;
    this.#upstream = upstream;
    this.#verifyFirstMaxBytes = opts.verifyFirstMaxBytes ?? VERIFY_FIRST_MAX_BYTES;
  }

  /** The upstream client (a shutdown cuts its transfers off). */
  get upstream(): UpstreamClient {
    return this.#upstream;
  }

  /** Resolves repo/path in a local, remote or virtual repository. */
  async resolve(
    repo: RepoConfig,
    path: string,
    opts: ResolveOptions = {},
    seen?: Set<string>,
  ): Promise<Resolved | undefined> {
    if (repo.rclass === 'local') {
      const art = await this.#svc.meta.getArtifact(repo.key, path);
      return art ? { art, repo: repo.key, source: 'local', stale: false } : undefined;
    }
    if (repo.rclass === 'remote') return this.#remote(repo, path, opts);
    // Made only for a virtual's walk: a local or remote lookup (every cached GET) needs none.
    seen ??= new Set<string>();
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
   * When nothing answered and a member failed, the answer names the failure: 503 while the
   * upstream is in its cool-down, else 502 — never a 404 for something that may exist.
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
    /** A member that refused what its upstream sent (a lying or hostile upstream). */
    let refused: HttpError | undefined;
    const failures: unknown[] = [];
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
        if (
          err instanceof HttpError &&
          (err.code === 'ERR_UPSTREAM_DIGEST' || err.code === 'ERR_UPSTREAM_REFUSED')
        )
          refused ??= err;
        failed.push(`${m.key} (${(err as Error).message})`);
        failures.push(err);
        this.#svc.log.warn(
          { virtual: repo.key, member: m.key, path: q.path, err: (err as Error).message },
          'virtual member failed; asking the others',
        );
      }
    }
    // Not "look elsewhere" (404) when what exists upstream was refused: say why, as a 502.
    if (out.length === 0 && refused) throw refused;
    if (out.length === 0 && failed.length > 0) {
      // Something that may exist upstream is never answered 404: a package manager would take
      // "not found" for an answer (go list, npm install). 503 during a cool-down, else 502.
      const cooling = failures.find(
        (e) => e instanceof HttpError && e.code === 'ERR_UPSTREAM_COOLDOWN',
      );
      const what = `${repo.key}/${q.path ?? ''}`;
      throw new HttpError(
        cooling ? 'ERR_UPSTREAM_COOLDOWN' : 'ERR_UPSTREAM_UNAVAILABLE',
        `${what} could not be looked up: member ${failed.join('; ')}`,
        cooling instanceof HttpError ? { headers: cooling.headers } : {},
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
    if (running) {
      // A coalesced waiter keeps the transfer going until it leaves too.
      running.join(opts.signal);
      return running.promise;
    }
    const flight = new Inflight(opts.signal);
    this.#inflight.set(key, flight);
    flight.promise = this.#fetch(repo, path, cached, opts, flight).finally(() =>
      this.#inflight.delete(key),
    );
    return flight.promise;
  }

  async #fetch(
    repo: RepoConfig,
    path: string,
    cached: ArtifactRecord | undefined,
    opts: ResolveOptions,
    flight: Inflight,
  ): Promise<Resolved | undefined> {
    const svc = this.#svc;
    let access: RemoteAccess;
    try {
      access = this.#upstream.accessOf(repo);
    } catch (err) {
      if (cached) return this.#stale(repo, path, cached, err);
      throw err;
    }
    const scrubbed = (err: unknown): unknown => {
      if (err instanceof HttpError) {
        const clean = scrub(err.message, access.secrets);
        if (clean !== err.message) Object.defineProperty(err, 'message', { value: clean });
        return err;
      }
      if (err instanceof Error)
        return new HttpError('ERR_UPSTREAM_INVALID', scrub(err.message, access.secrets), {
          cause: err,
        });
      return err;
    };
    let url: string;
    let expect: Digests = { ...opts.expect };
    if (opts.expectSha256) expect.sha256 = opts.expectSha256;
    try {
      const located = await opts.upstreamUrl?.(repo, path);
      const source: UpstreamSource =
        typeof located === 'string' ? { url: located } : (located ?? {});
      url =
        source.url ??
        `${access.url.replace(/\/+$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;
      expect = { ...expect, ...source.expect };
    } catch (err) {
      if (cached) return this.#stale(repo, path, cached, scrubbed(err));
      throw scrubbed(err);
    }
    const shown = redactUrl(url);
    const headers: Record<string, string> = {};
    const entry = cached ? await svc.meta.getCacheEntry(repo.key, path) : undefined;
    if (entry?.etag) headers['if-none-match'] = entry.etag;
    if (entry?.lastModified) headers['if-modified-since'] = entry.lastModified;
    const get = { access, signal: flight.signal };
    let res: UpstreamResponse;
    try {
      const extra = { remote: repo, url, upstream: this.#upstream, access };
      Object.assign(headers, await opts.upstreamHeaders?.(extra));
      res = await this.#upstream.get(url, { ...get, headers });
      const challenge = res.headers['www-authenticate'];
      if (res.status === 401 && opts.upstreamHeaders && typeof challenge === 'string') {
        res.body.resume();
        Object.assign(headers, await opts.upstreamHeaders({ ...extra, challenge }));
        res = await this.#upstream.get(url, { ...get, headers });
      }
    } catch (err) {
      svc.metrics.upstream.inc({ repo: repo.key, outcome: 'error' });
      if (cached) return this.#stale(repo, path, cached, scrubbed(err));
      throw scrubbed(err);
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
        `upstream ${shown} answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? ` (check the credentials of remote "${repo.key}")` : ''}`,
      );
      if (cached) return this.#stale(repo, path, cached, err);
      throw err;
    }
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    // Digests the upstream declares in the answer itself (Artifactory's X-Checksum-*, OCI's
    // Docker-Content-Digest) are checked like the metadata's.
    const announced = headerDigests(res.headers);
    const checks: { alg: keyof Digests; want: string; source: string }[] = [];
    for (const [alg, want] of Object.entries(expect) as [keyof Digests, string][])
      checks.push({ alg, want: want.toLowerCase(), source: "the upstream's metadata" });
    for (const [alg, a] of Object.entries(announced) as [keyof Digests, [string, string]][])
      if (expect[alg]?.toLowerCase() !== a[0]) checks.push({ alg, want: a[0], source: a[1] });
    // The strongest digest is checked (and named) first.
    const strength: (keyof Digests)[] = ['sha512', 'sha384', 'sha256', 'sha1', 'md5'];
    checks.sort((a, b) => strength.indexOf(a.alg) - strength.indexOf(b.alg));
    const verifying = checks.length > 0;
    // Declared digests of a file small enough are checked before the client sees a byte.
    const liveOk = !verifying || !Number.isFinite(declared) || declared > this.#verifyFirstMaxBytes;
    let body: Readable = res.body;
    let live: Tee | undefined;
    if (opts.live && !cached && liveOk) {
      const info: LiveInfo = {};
      if (Number.isFinite(declared)) info.size = declared;
      if (typeof res.headers['content-type'] === 'string')
        info.contentType = res.headers['content-type'];
      // What the upstream's own headers declared is passed on; the cached copy is checked too.
      const sums: NonNullable<LiveInfo['checksums']> = {};
      for (const alg of ['sha1', 'sha256', 'md5'] as const) {
        const d = announced[alg]?.[0];
        if (d) sums[alg] = d;
      }
      if (Object.keys(sums).length) info.checksums = sums;
      live = new Tee(opts.live(info), verifying, () => flight.leave());
      body.once('error', (err) => live?.destroy(err));
      body = body.pipe(live);
    }
    // Digests the blob store does not compute are hashed on the way.
    const extraHashes = new Map<keyof Digests, Hash>();
    for (const alg of ['sha384', 'sha512'] as const)
      if (checks.some((c) => c.alg === alg)) extraHashes.set(alg, createHash(alg));
    if (extraHashes.size > 0) {
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          for (const h of extraHashes.values()) h.update(chunk);
          cb(null, chunk);
        },
      });
      body.once('error', (err) => tap.destroy(err));
      body = body.pipe(tap);
    }
    try {
      const staged = await svc.blobs.stage(body);
      try {
        if (Number.isFinite(declared) && staged.size !== declared) {
          throw new HttpError(
            'ERR_UPSTREAM_INVALID',
            `upstream ${shown} sent ${staged.size} of ${declared} bytes`,
          );
        }
        const got: Digests = { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5 };
        for (const [alg, h] of extraHashes) got[alg] = h.digest('hex');
        for (const { alg, want, source } of checks) {
          if (got[alg] !== want) {
            throw new HttpError(
              'ERR_UPSTREAM_DIGEST',
              `upstream ${shown} sent ${repo.key}/${path} with ${alg} ${got[alg] ?? '?'}, but ${source} declared ${alg} ${want}`,
            );
          }
        }
        if (opts.validate) await opts.validate(staged.read(), repo);
      } catch (err) {
        await staged.discard();
        live?.fail(err as Error);
        throw err;
      }
      const art = await svc.commitStaged({
        repo: repo.key,
        path,
        staged,
        user: 'remote',
        properties: {},
      });
      live?.release();
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
      live?.fail(err as Error);
      const reason = flight.signal.aborted ? (flight.signal.reason as Error) : undefined;
      const wrapped =
        err instanceof HttpError
          ? err
          : reason instanceof HttpError
            ? reason
            : new HttpError(
                'ERR_UPSTREAM_INVALID',
                `upstream ${shown} broke off (${(reason ?? (err as Error)).message})`,
                { cause: err },
              );
      if (cached) return this.#stale(repo, path, cached, scrubbed(wrapped));
      throw scrubbed(wrapped);
    }
  }

  #stale(repo: RepoConfig, path: string, cached: ArtifactRecord, err: unknown): Resolved {
    this.#svc.log.warn(
      { repo: repo.key, path, err: (err as Error).message },
      'upstream failed; serving the cached copy',
    );
    return { art: cached, repo: repo.key, source: 'cache', stale: true };
  }
}

/**
 * One upstream transfer and the requests waiting for it. The transfer is aborted when every
 * waiter has gone (the client that started it disconnected and no coalesced request joined);
 * a waiter that gave no signal stays until the end.
 */
class Inflight {
  promise!: Promise<Resolved | undefined>;
  readonly #ctl = new AbortController();
  #waiters = 0;

  constructor(signal: AbortSignal | undefined) {
    this.join(signal);
  }

  get signal(): AbortSignal {
    return this.#ctl.signal;
  }

  join(signal: AbortSignal | undefined): void {
    this.#waiters++;
    if (!signal) return;
    if (signal.aborted) return this.leave();
    signal.addEventListener('abort', () => this.leave(), { once: true });
  }

  leave(): void {
    if (--this.#waiters <= 0 && !this.#ctl.signal.aborted) {
      this.#ctl.abort(
        new HttpError('ERR_UPSTREAM_INVALID', 'every client waiting for it went away', {
          hint: 'nothing was cached',
        }),
      );
    }
  }
}

/** How much of a file with declared digests is held back from the client until it is verified. */
const HOLD_BYTES = 1024 * 1024;

/**
 * Copies every chunk to a client's live response (honouring its backpressure) while passing it
 * on to the cache. A client that goes away is dropped (and `gone` called). With `holdLast`,
 * the first HOLD_BYTES and the last chunk are kept back until the content is verified:
 * `release()` sends them and ends the response, `fail()` cuts the response (or, when nothing
 * was sent yet, lets the error answer it) so the client never gets a complete wrong file.
 */
class Tee extends Transform {
  readonly #live: Writable;
  readonly #holdLast: boolean;
  #attached = true;
  #done = false;
  #held: Buffer[] = [];
  #heldBytes = 0;

  constructor(live: Writable, holdLast: boolean, gone: () => void) {
    super();
    this.#live = live;
    this.#holdLast = holdLast;
    const detach = (): void => {
      if (!this.#attached) return;
      this.#attached = false;
      if (!this.#done) gone();
    };
    live.once('close', detach);
    live.once('error', detach);
  }

  #write(chunk: Buffer, cb: () => void): void {
    if (!this.#attached || this.#live.write(chunk)) return cb();
    const go = (): void => {
      this.#live.off('drain', go);
      this.#live.off('close', go);
      cb();
    };
    this.#live.on('drain', go);
    this.#live.on('close', go);
  }

  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    cb: (e?: Error | null, d?: Buffer) => void,
  ): void {
    if (!this.#holdLast) return this.#write(chunk, () => cb(null, chunk));
    // The first HOLD_BYTES and always the last chunk wait for the verdict, so a small file
    // that lies is answered with a clean 502 and a big one is cut before it completes.
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#heldBytes <= HOLD_BYTES || this.#held.length < 2) return cb(null, chunk);
    const out = Buffer.concat(this.#held.slice(0, -1));
    this.#held = [chunk];
    this.#heldBytes = chunk.length;
    this.#write(out, () => cb(null, chunk));
  }

  override _flush(cb: () => void): void {
    if (!this.#holdLast) {
      this.#done = true;
      if (this.#attached) this.#live.end();
    }
    cb();
  }

  /** The content is verified and cached: the client gets the rest. */
  release(): void {
    this.#done = true;
    if (!this.#attached) return;
    if (this.#heldBytes > 0) this.#live.write(Buffer.concat(this.#held));
    this.#held = [];
    this.#live.end();
  }

  /** The content was refused: the client's response is cut off. */
  fail(err: Error): void {
    this.#done = true;
    this.#held = [];
    if (this.#attached && !this.#live.writableFinished) this.#live.destroy(err);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (err) this.fail(err);
    cb(err);
  }
}
