import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { BuildInfo } from '@stowage/core';
import { HttpError, diskFullCode, storageFull } from '../errors.ts';
import { DEFAULT_CONFIG, type ServerConfig, type Stage } from '../config.ts';
import type { BlobStore, StagedBlob } from './blobstore.ts';
import type {
  ArtifactRecord,
  AuditEntry,
  BlobRecord,
  DownloadRecord,
  MetaStore,
  Properties,
  RepoConfig,
} from './metastore.ts';
import type { Resolver } from './resolver.ts';
import type { Authenticator } from './auth.ts';
import { Metrics } from './metrics.ts';
import { BlobCache } from './blobcache.ts';
import { TurnBatch } from './turn-batch.ts';

const HEX = { sha1: /^[0-9a-f]{40}$/i, sha256: /^[0-9a-f]{64}$/i, md5: /^[0-9a-f]{32}$/i } as const;

export interface ExpectedChecksums {
  sha1?: string;
  sha256?: string;
  md5?: string;
}

/** Content about to be deployed, for a format's checks before it becomes visible. */
export interface IncomingBlob extends BlobRecord {
  read(): Readable;
}

/** The most downloads written in one transaction. */
const MAX_DOWNLOAD_BATCH = 1000;

interface PendingDownload {
  d: DownloadRecord;
  resolve(): void;
  reject(err: unknown): void;
}

/** Build-info properties that stamp an artifact with its build. */
export const BUILD_NAME_PROP = 'build.name';
export const BUILD_NUMBER_PROP = 'build.number';

/** The server's shared services; route files reach them as `app.stowage`. */
export class Services {
  readonly blobs: BlobStore;
  readonly meta: MetaStore;
  readonly config: ServerConfig;
  readonly auth: Authenticator;
  readonly log: FastifyBaseLogger;
  readonly metrics: Metrics;
  /** The content of small stored files, in memory for serving (config `memoryCache`). */
  readonly smallFiles: BlobCache;
  /** Remote and virtual resolution; set by buildApp once the upstream client exists. */
  resolver!: Resolver;

  constructor(opts: {
    blobs: BlobStore;
    meta: MetaStore;
    config: ServerConfig;
    auth: Authenticator;
    log: FastifyBaseLogger;
    metrics?: Metrics;
  }) {
    this.metrics = opts.metrics ?? new Metrics();
    this.blobs = opts.blobs;
    // Lock waits are timed for the metrics; everything else is the store's own.
    this.meta = this.metrics.timeLocks(opts.meta);
    this.config = opts.config;
    // A config assembled by hand (an embedder's, a test's) may lack the section: the defaults.
    this.smallFiles = new BlobCache(opts.config.memoryCache ?? DEFAULT_CONFIG.memoryCache);
    this.auth = opts.auth;
    this.log = opts.log;
  }

  /** Downloads waiting for the next turn of the event loop, to be written together. */
  readonly #downloads = new TurnBatch<PendingDownload>(MAX_DOWNLOAD_BATCH, (batch) => {
    this.meta.recordDownloads(batch.map((p) => p.d)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  });

  /**
   * Records a download; resolves once it is written. Downloads that arrive in the same turn of
   * the event loop are written together in one transaction (group commit): each request still
   * waits for its own record, so a client that has its answer — and the build that lists the
   * file — can rely on it, on any replica, whatever happens to this process afterwards.
   */
  recordDownload(d: DownloadRecord): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#downloads.add({ d: { ...d, ts: Date.now() }, resolve, reject }),
    );
  }

  /** Commit and GC of one digest, serialised across every replica sharing the metadata store. */
  #blobLock<T>(sha256: string, fn: () => Promise<T>): Promise<T> {
    return this.meta.withLock(`blob\0${sha256}`, fn);
  }

  get stages(): Stage[] {
    return this.config.stages;
  }

  /** The repository `key`; with `packageType`, also checks it is of that format. */
  async repo(key: string, packageType?: string): Promise<RepoConfig> {
    const repo = await this.meta.getRepo(key);
    if (!repo) throw new HttpError('ERR_REPO_NOT_FOUND', `repository "${key}" does not exist`);
    if (packageType !== undefined && repo.packageType !== packageType) {
      throw new HttpError(
        'ERR_REPO_INVALID',
        `repository "${key}" is ${repo.packageType}, not ${packageType}`,
        {
          hint: `use a repository whose packageType is ${packageType}`,
        },
      );
    }
    return repo;
  }

  /** The local repository a deploy lands in: the repository itself, or a virtual's default deployment repository. */
  async deployableRepo(key: string): Promise<RepoConfig> {
    let repo = await this.repo(key);
    if (repo.rclass === 'virtual' && repo.defaultDeploymentRepo)
      repo = await this.repo(repo.defaultDeploymentRepo);
    if (repo.rclass !== 'local') {
      throw new HttpError('ERR_REPO_NOT_DEPLOYABLE', `repository "${key}" is ${repo.rclass}`, {
        hint: 'deploy to a local repository',
      });
    }
    return repo;
  }

  /**
   * Stores a file. With `body` the content streams to a temporary file while it is hashed;
   * it becomes visible only after every given checksum matched. Without a body the content
   * must already be stored under one of the given checksums (checksum deploy).
   */
  async deploy(d: {
    /** A key, or the local repository the caller already resolved (see deployableRepo). */
    repo: string | RepoConfig;
    path: string;
    /** The content: streamed, or a small body already read (see SMALL_BODY_BYTES). */
    body: Readable | Buffer | undefined;
    expected: ExpectedChecksums;
    properties: Properties;
    user: string;
    signal?: AbortSignal;
    /** Throw to refuse the content before it becomes visible. */
    check?: (incoming: IncomingBlob) => Promise<void>;
    /** The audit entry of this deploy, written in the same transaction as the artifact. */
    audit?: (blob: BlobRecord) => AuditEntry;
  }): Promise<ArtifactRecord> {
    const target =
      typeof d.repo === 'string' || d.repo.rclass !== 'local'
        ? await this.deployableRepo(typeof d.repo === 'string' ? d.repo : d.repo.key)
        : d.repo;
    const repo = target.key;
    if (d.path === '')
      throw new HttpError('ERR_PATH_INVALID', 'a file path is required after the repository');
    const expected = normalizeChecksums(d.expected);
    if (!d.body) {
      if (!expected.sha256 && !expected.sha1) {
        throw new HttpError(
          'ERR_CHECKSUM_INVALID',
          'a checksum deploy needs X-Checksum-Sha256 or X-Checksum-Sha1',
        );
      }
      const blob = await this.meta.findBlob(
        expected.sha256 ? { sha256: expected.sha256 } : { sha1: expected.sha1 },
      );
      if (
        !blob ||
        (expected.sha1 && blob.sha1 !== expected.sha1) ||
        (expected.md5 && blob.md5 !== expected.md5)
      ) {
        throw new HttpError(
          'ERR_CHECKSUM_DEPLOY_MISSING',
          `no stored content matches the checksums given for ${repo}/${d.path}`,
        );
      }
      await d.check?.({ ...blob, read: () => this.blobs.open(blob.sha256) });
      const art = await this.#blobLock(blob.sha256, async () => {
        // Touched first: a GC run that has not deleted it yet now leaves it alone.
        await this.meta.touchBlob(blob);
        if (!(await this.blobs.has(blob.sha256))) {
          throw new HttpError(
            'ERR_CHECKSUM_DEPLOY_MISSING',
            `the content for ${blob.sha256} is gone from the blob store`,
          );
        }
        return this.meta.deployArtifact({
          repo,
          path: d.path,
          blob,
          user: d.user,
          properties: d.properties,
          ...(d.audit && { audit: d.audit(blob) }),
        });
      });
      return this.#replaced(art);
    }
    const staged = Buffer.isBuffer(d.body)
      ? this.blobs.stageBytes(d.body)
      : await this.stageUpload(d.body, {
          what: `${repo}/${d.path}`,
          ...(d.signal ? { signal: d.signal } : {}),
        });
    try {
      verifyChecksums(staged, expected, `body`, ` for ${repo}/${d.path}`);
    } catch (err) {
      await staged.discard();
      throw err;
    }
    if (d.check) {
      try {
        await d.check(staged);
      } catch (err) {
        await staged.discard();
        throw err;
      }
    }
    return this.commitStaged({
      repo,
      path: d.path,
      staged,
      user: d.user,
      properties: d.properties,
      ...(d.audit && { audit: d.audit }),
    });
  }

  /** Streams an upload body into the blob store; a body that breaks off is ERR_UPLOAD_INCOMPLETE. */
  async stageUpload(
    body: Readable,
    opts: { what?: string; signal?: AbortSignal } = {},
  ): Promise<StagedBlob> {
    try {
      return await this.blobs.stage(body, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      const full = diskFullCode(err);
      if (full) throw storageFull(err, full);
      throw new HttpError(
        'ERR_UPLOAD_INCOMPLETE',
        `the upload${opts.what ? ` of ${opts.what}` : ''} ended before its body was complete`,
        { cause: err },
      );
    }
  }

  /** Makes staged content visible at repo/path (any repository class: remotes cache this way). */
  async commitStaged(d: {
    repo: string;
    path: string;
    staged: StagedBlob;
    user: string;
    properties: Properties;
    audit?: (blob: BlobRecord) => AuditEntry;
  }): Promise<ArtifactRecord> {
    const { staged } = d;
    const blob = { sha256: staged.sha256, sha1: staged.sha1, md5: staged.md5, size: staged.size };
    // Under the blob's lock (on every replica) no GC of this digest runs between the commit and
    // the row that references it; the transaction touches the blob, writes the row and its audit
    // entry at once. A crash between the two leaves a file without a record: GC's orphan sweep
    // removes it once the grace period has passed.
    const art = await this.#blobLock(blob.sha256, async () => {
      try {
        await staged.commit();
      } catch (err) {
        await staged.discard();
        const full = diskFullCode(err);
        if (full) throw storageFull(err, full);
        throw err;
      }
      return this.meta.deployArtifact({
        repo: d.repo,
        path: d.path,
        blob,
        user: d.user,
        properties: d.properties,
        ...(d.audit && { audit: d.audit(blob) }),
      });
    });
    return this.#replaced(art);
  }

  /** After an overwrite: the content it replaced goes if nothing else references it. */
  async #replaced(art: ArtifactRecord & { replaced?: string }): Promise<ArtifactRecord> {
    const { replaced, ...out } = art;
    if (replaced === undefined || replaced === art.sha256) return out;
    try {
      await this.collectGarbage([replaced]);
    } catch (err) {
      // The overwrite itself succeeded; an explicit GC run picks the blob up later.
      this.log.warn({ err, sha256: replaced }, 'could not collect the overwritten blob');
    }
    return out;
  }

  /** How long an unreferenced blob is kept after it was last touched (epoch ms cut-off for now). */
  #gcCutoff(): number {
    return Date.now() - this.config.gc.graceSec * 1000;
  }

  /**
   * Removes blobs that no artifact references any more, of those given, once they are older
   * than the grace period (`gc.graceSec`): the record is released first, atomically and only
   * while still unreferenced and untouched, then the content. Returns how many were removed.
   */
  async collectGarbage(digests: Iterable<string>): Promise<number> {
    let removed = 0;
    for (const sha256 of new Set(digests)) {
      await this.#blobLock(sha256, async () => {
        if (!(await this.meta.releaseBlob(sha256, this.#gcCutoff()))) return;
        await this.blobs.delete(sha256);
        removed++;
      });
    }
    return removed;
  }

  /**
   * A whole garbage-collection run: every unreferenced blob record past the grace period, and
   * every stored blob without a record (left by a crash between commit and record) whose file
   * is older than the grace period.
   */
  async runGarbageCollection(): Promise<{ blobsRemoved: number; orphansRemoved: number }> {
    const blobsRemoved = await this.collectGarbage(
      await this.meta.listUnreferencedBlobs(this.#gcCutoff()),
    );
    let orphansRemoved = 0;
    for await (const b of this.blobs.list()) {
      if (b.modified > this.#gcCutoff()) continue;
      await this.#blobLock(b.sha256, async () => {
        if (await this.meta.findBlob({ sha256: b.sha256 })) return;
        await this.blobs.delete(b.sha256);
        orphansRemoved++;
      });
    }
    if (blobsRemoved + orphansRemoved > 0) this.blobs.vacuum?.();
    this.log.info({ blobsRemoved, orphansRemoved }, 'garbage collection finished');
    return { blobsRemoved, orphansRemoved };
  }

  async deletePath(repo: string, path: string): Promise<number> {
    const digests = await this.meta.deleteArtifacts(repo, path);
    await this.collectGarbage(digests);
    return digests.length;
  }

  async buildArtifacts(name: string, number: string, repo?: string): Promise<ArtifactRecord[]> {
    return this.meta.findByProperties(
      { [BUILD_NAME_PROP]: name, [BUILD_NUMBER_PROP]: number },
      repo,
    );
  }

  /** Deletes builds (and optionally the artifacts stamped with them). Returns the numbers deleted. */
  async deleteBuilds(name: string, numbers: string[], deleteArtifacts: boolean): Promise<string[]> {
    const deleted: string[] = [];
    for (const number of numbers) {
      if (deleteArtifacts) {
        const digests: string[] = [];
        for (const a of await this.buildArtifacts(name, number)) {
          digests.push(...(await this.meta.deleteArtifacts(a.repo, a.path)));
        }
        await this.collectGarbage(digests);
      }
      if (await this.meta.deleteBuild(name, number)) deleted.push(number);
    }
    if (deleted.length)
      this.log.info({ build: name, numbers: deleted, deleteArtifacts }, 'builds deleted');
    return deleted;
  }

  /**
   * Artifactory's build retention: keep the newest `count` builds and those started on or
   * after `minimumBuildDate` (ms), never discarding the protected numbers.
   */
  async applyRetention(
    name: string,
    r: {
      count?: number;
      minimumBuildDate?: number;
      deleteBuildArtifacts?: boolean;
      buildNumbersNotToBeDiscarded?: string[];
    },
  ): Promise<string[]> {
    const builds = await this.meta.listBuildNumbers(name);
    const keep = new Set((r.buildNumbersNotToBeDiscarded ?? []).map(String));
    const discard = builds
      .filter((b, i) => {
        if (keep.has(b.number)) return false;
        if (r.count !== undefined && r.count >= 0 && i >= r.count) return true;
        return r.minimumBuildDate !== undefined && b.startedMs < r.minimumBuildDate;
      })
      .map((b) => b.number);
    return this.deleteBuilds(name, discard, r.deleteBuildArtifacts === true);
  }

  /** Retention a build-info asks for itself (`buildRetention`), else the server's configured default. */
  async retentionAfterPublish(
    doc: BuildInfo & { buildRetention?: Record<string, unknown> },
  ): Promise<string[]> {
    const own = doc.buildRetention;
    if (own && typeof own === 'object') {
      const r: Parameters<Services['applyRetention']>[1] = {};
      if (typeof own.count === 'number' && own.count > 0) r.count = own.count;
      if (typeof own.minimumBuildDate === 'number') r.minimumBuildDate = own.minimumBuildDate;
      if (own.deleteBuildArtifacts === true) r.deleteBuildArtifacts = true;
      if (Array.isArray(own.buildNumbersNotToBeDiscarded))
        r.buildNumbersNotToBeDiscarded = own.buildNumbersNotToBeDiscarded.map(String);
      if (r.count !== undefined || r.minimumBuildDate !== undefined)
        return this.applyRetention(doc.name, r);
    }
    const cfg = this.config.retention;
    if (!cfg || (cfg.maxBuilds === undefined && cfg.maxDays === undefined)) return [];
    const r: Parameters<Services['applyRetention']>[1] = {
      deleteBuildArtifacts: cfg.deleteArtifacts === true,
    };
    if (cfg.maxBuilds !== undefined) r.count = cfg.maxBuilds;
    if (cfg.maxDays !== undefined) r.minimumBuildDate = Date.now() - cfg.maxDays * 86_400_000;
    return this.applyRetention(doc.name, r);
  }
}

/**
 * Compares what was received with the checksums the client declared; a difference is
 * ERR_CHECKSUM_MISMATCH (the caller discards the staged content).
 */
export function verifyChecksums(
  got: { sha1: string; sha256: string; md5: string },
  expected: ExpectedChecksums,
  what: string,
  where = '',
): void {
  for (const alg of ['sha1', 'sha256', 'md5'] as const) {
    const want = expected[alg];
    if (want && want !== got[alg]) {
      throw new HttpError(
        'ERR_CHECKSUM_MISMATCH',
        `${alg} of the received ${what} is ${got[alg]} but the client declared ${want}${where}`,
      );
    }
  }
}

export function normalizeChecksums(c: ExpectedChecksums): ExpectedChecksums {
  const out: ExpectedChecksums = {};
  for (const alg of ['sha1', 'sha256', 'md5'] as const) {
    const v = c[alg]?.trim();
    if (!v) continue;
    if (!HEX[alg].test(v)) {
      throw new HttpError(
        'ERR_CHECKSUM_INVALID',
        `the ${alg} checksum "${v}" is not ${alg === 'sha1' ? 40 : alg === 'sha256' ? 64 : 32} hex digits`,
      );
    }
    out[alg] = v.toLowerCase();
  }
  return out;
}
