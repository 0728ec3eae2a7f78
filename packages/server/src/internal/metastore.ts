import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildInfo } from '@stowage/core';
import { AnalyticsStore, type Analytics } from './analytics-store.ts';
import { SizedLru } from './lru.ts';
import { MetaCache } from './metacache.ts';
import { KeyedMutex } from './mutex.ts';
import { TurnBatch } from './turn-batch.ts';
import type { GroupRecord, PermissionTarget, UserRecord } from './permissions.ts';

export type RepoClass = 'local' | 'remote' | 'virtual';

export interface RepoConfig {
  key: string;
  rclass: RepoClass;
  packageType: string;
  description?: string;
  /** Remote repositories: the upstream URL. */
  url?: string;
  /** Virtual repositories: ordered member keys. */
  repositories?: string[];
  defaultDeploymentRepo?: string;
  includesPattern?: string;
  excludesPattern?: string;
  /** Remote repositories: how long fetched metadata is served before it is revalidated. */
  metadataMaxAgeSec?: number;
  /** Released versions may be deployed again with other content (Maven; off by default). */
  allowRedeploy?: boolean;
  /**
   * Active files (HTML, SVG, XML, JavaScript) are rendered inline instead of downloaded as
   * attachments (e.g. a repository of test reports); the sandbox CSP still keeps them from
   * running script. Off by default.
   */
  serveActiveContentInline?: boolean;
  /**
   * Remote repositories: credentials for the upstream (basic with username/password, or a
   * bearer token), kept apart from the URL; `${VAR}` references are read from the server's
   * environment when used. Never answered in clear (see `redactRepoConfig`).
   */
  username?: string;
  password?: string;
  token?: string;
  /** Remote repositories: other origins or hosts the upstream's metadata may send it to. */
  allowedHosts?: string[];
  /** Remote repositories: allow loopback/link-local/private addresses on allow-listed hosts. */
  allowPrivateAddresses?: boolean;
  /** Remote repositories: upstream timeouts (see UpstreamTimeouts for the defaults). */
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  minBytesPerSec?: number;
  retries?: number;
  maxRedirects?: number;
  /**
   * Go remotes: a checksum database to check modules against, as GOSUMDB writes it
   * (`<verifier key> [<url>]`, e.g. `sum.golang.org+033de0ae+Ac4z…`).
   */
  sumdb?: string;
  /**
   * Downloads answered with a redirect to a short-lived presigned URL of the blob store (S3),
   * so the content does not pass through the server; streamed where the store has no URLs.
   */
  downloadRedirect?: boolean;
}

export interface BlobRecord {
  sha256: string;
  sha1: string;
  md5: string;
  size: number;
}

export interface ArtifactRecord extends BlobRecord {
  id: number;
  repo: string;
  path: string;
  created: number;
  createdBy: string;
  modified: number;
  modifiedBy: string;
}

export interface BuildSummary {
  name: string;
  number: string;
  started: string;
  startedMs: number;
  created: number;
}

export type Properties = Record<string, string[]>;

/** An access token as stored: only its SHA-256 is kept. */
export interface TokenRecord {
  /** Public id (listing, revoking, the audit trail); not a secret. */
  id: string;
  hash: string;
  user: string;
  admin: boolean;
  /** A build-scoped token: every download made with it is recorded for this build. */
  build?: { name: string; number: string };
  created: number;
  /** Epoch ms; undefined never expires. */
  expires?: number;
  description?: string;
  /** Scope strings (CONTRACTS.md item 2); undefined: the token acts with its user's grants. */
  scopes?: string[];
  /** A service token: its user was no defined user when issued, so its scopes are its only grants. */
  service?: boolean;
  /** Epoch ms of the last request made with it. */
  lastUsed?: number;
}

/** One entry of the audit trail: who (user, token), when, from where, and what. */
export interface AuditEntry {
  id?: number;
  /** Epoch ms. */
  ts: number;
  user: string;
  tokenId?: string;
  ip: string;
  /** e.g. `artifact.deploy`, `build.promote`, `token.issue`, `auth.failed` (see the server README). */
  action: string;
  repo?: string;
  path?: string;
  buildName?: string;
  buildNumber?: string;
  /** Whatever else says what happened (stage, approver, target name, …). */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  user?: string;
  /** Exact, or a prefix ending with `.` or `*` (`build.` or `build.*`). */
  action?: string;
  repo?: string;
  buildName?: string;
  buildNumber?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  until?: number;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface CacheEntry {
  repo: string;
  path: string;
  /** Epoch ms of the last successful fetch or revalidation. */
  fetched: number;
  etag?: string;
  lastModified?: string;
}

/** One artifact move or copy inside a promotion. */
export interface PromotionOp {
  artifactId: number;
  toRepo: string;
  toPath: string;
  move: boolean;
}

/**
 * An OCI blob upload in progress (`POST …/blobs/uploads/` → `PATCH`… → `PUT`): kept in the
 * metadata store so that any replica can continue it. Its bytes sit in the blob store's
 * staging area under `staging` (BlobStore.openUpload's id).
 */
export interface UploadRecord {
  uuid: string;
  repo: string;
  image: string;
  staging: string;
  /** Bytes received so far. */
  size: number;
  started: number;
  touched: number;
}

/**
 * Metadata storage: repositories, artifacts and their properties, builds, download records.
 * SQLite (WAL) is the default, PostgreSQL the one several replicas share (metastore-pg.ts);
 * the conformance suite (test/metastore-conformance.test.ts) runs the same contract against
 * both. Each method is atomic on its own.
 */
/** One download: who fetched which file of which repository, for which build. */
export interface DownloadRecord {
  repo: string;
  path: string;
  sha256: string;
  user: string;
  buildName?: string;
  buildNumber?: string;
  /** When (epoch ms); default: when it is written. */
  ts?: number;
}

export interface MetaStore {
  /**
   * Runs `fn` holding an exclusive lock on `key`, across every server sharing this store:
   * read-modify-write of derived metadata (a packument, maven-metadata.xml, index.yaml, …)
   * and blob commit/GC run under it. Keys are namespaced by their caller (`npm\0repo\0name`).
   * Locks nest (a format's lock, then a blob's); never take the same key twice in one chain.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Readiness: throws when the store cannot answer a query. */
  ping(): Promise<void>;
  /**
   * A number that stays the same while the users, groups, permission targets, tokens and
   * repositories the store keeps in memory (metacache.ts) are what it would read, and changes
   * with any change to them, local or another replica's; undefined while memory may not answer.
   * Synchronous, so that whoever derives something from them (the permission policy) can tell
   * without asking the store.
   */
  cacheStamp(): number | undefined;

  listRepos(): Promise<RepoConfig[]>;
  getRepo(key: string): Promise<RepoConfig | undefined>;
  putRepo(cfg: RepoConfig): Promise<void>;
  /** Deletes the repository and its artifacts; returns the digests they referenced. */
  deleteRepo(key: string): Promise<string[]>;

  findBlob(by: { sha256?: string; sha1?: string; md5?: string }): Promise<BlobRecord | undefined>;
  isBlobReferenced(sha256: string): Promise<boolean>;
  deleteBlob(sha256: string): Promise<void>;
  /**
   * Records (or refreshes) a blob as touched now. A writer calls it before it commits content,
   * so that garbage collection's grace period covers the commit; deployArtifact touches too.
   */
  touchBlob(blob: BlobRecord): Promise<void>;
  /** Digests of blobs no artifact references, last touched at or before `touchedBefore` (epoch ms). */
  listUnreferencedBlobs(touchedBefore: number): Promise<string[]>;
  /**
   * Atomically releases a blob no artifact references that was last touched at or before
   * `touchedBefore`; true when it did (the caller then deletes the content). Its record is
   * deleted, or — when download records still need its checksums and size — kept marked as
   * content-less (findBlob no longer finds it; a later touchBlob revives it).
   */
  releaseBlob(sha256: string, touchedBefore: number): Promise<boolean>;

  getArtifact(repo: string, path: string): Promise<ArtifactRecord | undefined>;
  /**
   * Creates or replaces the artifact at repo/path in one transaction: touches its blob, writes
   * the row, makes its properties `properties`, appends `audit` when given. Returns the row
   * written, and the digest it replaced (undefined for a new path).
   */
  deployArtifact(a: DeployRequest): Promise<ArtifactRecord & { replaced?: string }>;
  /** Deletes a file, or a folder and everything under it; returns the digests removed. */
  deleteArtifacts(repo: string, path: string): Promise<string[]>;
  /** Files under a folder ('' is the repository root), recursively. */
  listFiles(repo: string, folder: string): Promise<ArtifactRecord[]>;
  folderExists(repo: string, path: string): Promise<boolean>;

  getProperties(artifactId: number): Promise<Properties>;
  /** Sets (replaces the values of) the given keys on a file or on every file under a folder. */
  setProperties(repo: string, path: string, props: Properties): Promise<number>;
  deleteProperties(repo: string, path: string, keys: string[]): Promise<number>;
  findByProperties(props: Record<string, string>, repo?: string): Promise<ArtifactRecord[]>;
  findByChecksum(
    by: { sha256?: string; sha1?: string; md5?: string },
    repo?: string,
  ): Promise<ArtifactRecord[]>;

  putBuild(doc: BuildInfo, startedMs: number): Promise<void>;
  getBuild(name: string, number: string): Promise<BuildInfo | undefined>;
  listBuilds(): Promise<{ name: string; lastStarted: string }[]>;
  /** Newest first. */
  listBuildNumbers(name: string): Promise<BuildSummary[]>;
  deleteBuild(name: string, number: string): Promise<boolean>;

  /**
   * The build's revision: an opaque string that changes whenever its document does (the HTTP
   * ETag of `GET /api/build/{name}/{number}`); undefined when there is no such build.
   */
  getBuildRevision(name: string, number: string): Promise<string | undefined>;
  /**
   * Writes the build only if its current revision is `expected` (null: only if there is none
   * yet), atomically. Returns the new revision, or undefined (nothing written) when the build
   * changed in between: the caller reads it again, merges and retries.
   */
  putBuildIf(
    doc: BuildInfo,
    startedMs: number,
    expected: string | null,
  ): Promise<string | undefined>;
  /**
   * Stores (or replaces) one part of a build in progress: a partial build-info that an agent or
   * job recorded, kept on the server until the build is published.
   */
  putBuildPart(name: string, number: string, part: string, doc: Partial<BuildInfo>): Promise<void>;
  /** The parts of a build in progress, oldest first. */
  listBuildParts(
    name: string,
    number: string,
  ): Promise<{ part: string; doc: Partial<BuildInfo>; updated: number }[]>;
  /**
   * Publishes a build in progress in one transaction: `merge` gets the stored build (if any)
   * and the parts (oldest first), and returns the document to store; the parts are deleted.
   * Two publishes of the same build at once are serialised, so neither loses the other's parts.
   */
  publishBuildParts(
    name: string,
    number: string,
    merge: (
      existing: BuildInfo | undefined,
      parts: Partial<BuildInfo>[],
    ) => { doc: BuildInfo; startedMs: number },
  ): Promise<{ doc: BuildInfo; parts: number; revision: string }>;

  /**
   * Applies a whole promotion in one transaction: artifact copies/moves, properties on the
   * promoted artifacts, and the updated build-info. Throws (and changes nothing) on conflict.
   */
  applyPromotion(p: {
    ops: PromotionOp[];
    properties: Properties;
    build: BuildInfo;
    user: string;
  }): Promise<void>;

  putToken(t: TokenRecord): Promise<void>;
  /** At once (no promise) where the store has the record in memory. */
  findToken(hash: string): Promise<TokenRecord | undefined> | TokenRecord | undefined;
  /** Tokens (never their secret), newest first; with `user`, only that user's. */
  listTokens(filter?: { user?: string }): Promise<TokenRecord[]>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** Revokes (deletes) a token; false when there was none. */
  deleteToken(id: string): Promise<boolean>;
  /** Records that a token was used at `at` (epoch ms). */
  touchToken(id: string, at: number): Promise<void>;

  /** Users, groups and permission targets defined through the REST API. */
  listUsers(): Promise<UserRecord[]>;
  getUser(name: string): Promise<UserRecord | undefined>;
  putUser(u: UserRecord): Promise<void>;
  deleteUser(name: string): Promise<boolean>;
  listGroups(): Promise<GroupRecord[]>;
  getGroup(name: string): Promise<GroupRecord | undefined>;
  putGroup(g: GroupRecord): Promise<void>;
  deleteGroup(name: string): Promise<boolean>;
  listPermissionTargets(): Promise<PermissionTarget[]>;
  getPermissionTarget(name: string): Promise<PermissionTarget | undefined>;
  putPermissionTarget(t: PermissionTarget): Promise<void>;
  deletePermissionTarget(name: string): Promise<boolean>;

  /** Appends to the audit trail (never updated, never deleted through the API). */
  appendAudit(e: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;

  /**
   * Records a one-time value (an OIDC ID token's `jti`) in `scope` until `expires` (epoch ms).
   * True when it was not seen before (or its earlier record expired), false on a replay.
   * Atomic across replicas sharing the store; expired records are purged as it goes.
   */
  useNonce(scope: string, nonce: string, expires: number): Promise<boolean>;

  /** When a remote repository last fetched or revalidated a path, and the validators it got. */
  getCacheEntry(repo: string, path: string): Promise<CacheEntry | undefined>;
  putCacheEntry(e: CacheEntry): Promise<void>;

  /** Records downloads (one transaction for all of them). */
  recordDownloads(ds: DownloadRecord[]): Promise<void>;

  /** Distinct files served to a build (by the build headers on the download requests). */
  listBuildDownloads(
    buildName: string,
    buildNumber: string,
  ): Promise<
    { repo: string; path: string; sha1: string; sha256: string; md5: string; size: number }[]
  >;

  putUpload(u: UploadRecord): Promise<void>;
  getUpload(uuid: string): Promise<UploadRecord | undefined>;
  /** True when it existed. */
  deleteUpload(uuid: string): Promise<boolean>;
  /** Uploads last touched before `before` (epoch ms). */
  listUploads(before: number): Promise<UploadRecord[]>;

  close(): Promise<void>;

  /** Build analytics over tables kept in step with `builds`; absent on a store without them. */
  readonly analytics?: Analytics;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS repositories (
  key TEXT PRIMARY KEY,
  config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
  sha256 TEXT PRIMARY KEY,
  sha1 TEXT NOT NULL,
  md5 TEXT NOT NULL,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS blobs_sha1 ON blobs(sha1);
CREATE INDEX IF NOT EXISTS blobs_md5 ON blobs(md5);
CREATE TABLE IF NOT EXISTS artifacts (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  created INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  modified INTEGER NOT NULL,
  modified_by TEXT NOT NULL,
  UNIQUE (repo, path)
);
CREATE INDEX IF NOT EXISTS artifacts_sha256 ON artifacts(sha256);
CREATE TABLE IF NOT EXISTS properties (
  artifact_id INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (artifact_id, key, value)
);
CREATE INDEX IF NOT EXISTS properties_kv ON properties(key, value);
CREATE TABLE IF NOT EXISTS builds (
  name TEXT NOT NULL,
  number TEXT NOT NULL,
  started TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  created INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (name, number)
);
CREATE INDEX IF NOT EXISTS builds_started ON builds(name, started_ms);
CREATE TABLE IF NOT EXISTS build_parts (
  name TEXT NOT NULL,
  number TEXT NOT NULL,
  part TEXT NOT NULL,
  updated INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (name, number, part)
);
CREATE TABLE IF NOT EXISTS downloads (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  repo TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  user TEXT NOT NULL,
  build_name TEXT,
  build_number TEXT
);
CREATE INDEX IF NOT EXISTS downloads_build ON downloads(build_name, build_number);
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  admin INTEGER NOT NULL,
  build_name TEXT,
  build_number TEXT,
  created INTEGER NOT NULL,
  expires INTEGER
);
CREATE TABLE IF NOT EXISTS security (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, name)
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  user TEXT NOT NULL,
  token_id TEXT,
  ip TEXT NOT NULL,
  action TEXT NOT NULL,
  repo TEXT,
  path TEXT,
  build_name TEXT,
  build_number TEXT,
  details TEXT
);
CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts);
CREATE INDEX IF NOT EXISTS audit_build ON audit(build_name, build_number);
CREATE TABLE IF NOT EXISTS nonces (
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (scope, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_expires ON nonces(expires);
CREATE TABLE IF NOT EXISTS uploads (
  uuid TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  image TEXT NOT NULL,
  staging TEXT NOT NULL,
  size INTEGER NOT NULL,
  started INTEGER NOT NULL,
  touched INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS remote_cache (
  repo TEXT NOT NULL,
  path TEXT NOT NULL,
  fetched INTEGER NOT NULL,
  etag TEXT,
  last_modified TEXT,
  PRIMARY KEY (repo, path)
);
`;

interface ArtifactRow {
  id: number;
  repo: string;
  path: string;
  sha256: string;
  sha1: string;
  md5: string;
  size: number;
  created: number;
  created_by: string;
  modified: number;
  modified_by: string;
}

/** The most artifact records SQLite's store keeps in memory (see #artifacts). */
const MAX_CACHED_ARTIFACTS = 20_000;

const ARTIFACT_COLUMNS = `a.id, a.repo, a.path, a.sha256, b.sha1, b.md5, b.size, a.created, a.created_by, a.modified, a.modified_by`;
const FROM_ARTIFACTS = `FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256`;
/** Matches a file or everything under a folder: path = ? OR path in [p/, p0). */
const UNDER = `(a.path = :p OR (a.path >= :lo AND a.path < :hi) OR :p = '')`;

/** What deployArtifact writes. */
export interface DeployRequest {
  repo: string;
  path: string;
  blob: BlobRecord;
  user: string;
  properties: Properties;
  audit?: AuditEntry;
}

/** The most deploys the SQLite store commits in one transaction. */
const MAX_DEPLOY_BATCH = 256;

interface PendingDeploy {
  a: DeployRequest;
  resolve: (r: ArtifactRecord & { replaced?: string }) => void;
  reject: (err: unknown) => void;
}

/** The artifact row a deploy wrote (both engines), with the digest it replaced. */
export function deployedRecord(
  a: { repo: string; path: string; blob: BlobRecord; user: string },
  row: { id: number; created: number; created_by: string },
  now: number,
  replaced: string | undefined,
): ArtifactRecord & { replaced?: string } {
  const out: ArtifactRecord & { replaced?: string } = {
    id: row.id,
    repo: a.repo,
    path: a.path,
    sha256: a.blob.sha256,
    sha1: a.blob.sha1,
    md5: a.blob.md5,
    size: a.blob.size,
    created: row.created,
    createdBy: row.created_by,
    modified: now,
    modifiedBy: a.user,
  };
  if (replaced !== undefined) out.replaced = replaced;
  return out;
}

function toArtifact(r: ArtifactRow): ArtifactRecord {
  return {
    id: r.id,
    repo: r.repo,
    path: r.path,
    sha256: r.sha256,
    sha1: r.sha1,
    md5: r.md5,
    size: r.size,
    created: r.created,
    createdBy: r.created_by,
    modified: r.modified,
    modifiedBy: r.modified_by,
  };
}

function under(path: string): Record<string, string> {
  return { p: path, lo: `${path}/`, hi: `${path}0` };
}

/**
 * A build's revision: a digest of its stored document (the ETag its GET answers). Every engine
 * stores the document as this same JSON text, so a revision means the same on each.
 */
export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}

/**
 * A query answering one number, prepared once, that every cached read asks (the artifact
 * records' freshness): its row comes back as an array where node:sqlite can, which costs a
 * quarter of building an object per call.
 */
function scalarQuery(db: DatabaseSync, sql: string): () => number {
  const stmt = db.prepare(sql) as StatementSync & { setReturnArrays?: (on: boolean) => void };
  if (stmt.setReturnArrays) {
    stmt.setReturnArrays(true);
    return () => Number((stmt.get() as unknown as unknown[])[0]);
  }
  return () => Number(Object.values(stmt.get() ?? {})[0]);
}

/** SQLite metadata store (node:sqlite, WAL). */
export class SqliteMetaStore implements MetaStore {
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  /** One process owns a SQLite file: its locks are in-process. */
  readonly #locks = new KeyedMutex();
  readonly analytics: AnalyticsStore;
  /** Repositories, security documents and tokens in memory (see metacache.ts). */
  readonly #cache: MetaCache;

  constructor(opts: { dir: string } | { memory: true }) {
    if ('dir' in opts) {
      mkdirSync(opts.dir, { recursive: true });
      this.#db = new DatabaseSync(join(opts.dir, 'metadata.db'));
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    } else {
      this.#db = new DatabaseSync(':memory:');
    }
    // temp_store: the journal each deploy's savepoint keeps (see #commitDeploys) stays in memory;
    // past 64 KiB SQLite would spill it to a temporary file, created, written and removed per
    // group commit (~6% of a small deploy's main-thread time under load, measured with perf).
    this.#db.exec(
      'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;',
    );
    this.#db.exec(SCHEMA);
    // Stores made before blob GC's grace period: add the column (0 = touched long ago).
    // gone = 1: the content was collected; the record stays for the download records naming it.
    this.#addColumns('blobs', {
      touched: 'INTEGER NOT NULL DEFAULT 0',
      gone: 'INTEGER NOT NULL DEFAULT 0',
    });
    this.#migrateTokens();
    // Analytics tables kept in step with `builds` by triggers (see analytics-store.ts).
    this.analytics = new AnalyticsStore(this.#db);
    // data_version changes when another connection (another process on this file) commits.
    this.#cache = new MetaCache(scalarQuery(this.#db, 'PRAGMA data_version'));
    this.#totalChanges = scalarQuery(this.#db, 'SELECT total_changes()');
  }

  /** `total_changes()`: rows this connection wrote, by any statement or trigger. */
  readonly #totalChanges: () => number;

  /** Adds columns that a database created by an older version lacks. */
  #addColumns(table: string, columns: Record<string, string>): void {
    const have = new Set(
      (this.#db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
        (c) => c.name,
      ),
    );
    for (const [name, type] of Object.entries(columns)) {
      if (!have.has(name)) this.#db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
    }
  }

  #stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  #all<T>(sql: string, params: Record<string, SQLInputValue> = {}): T[] {
    return this.#stmt(sql).all(params) as T[];
  }

  #get<T>(sql: string, params: Record<string, SQLInputValue> = {}): T | undefined {
    return this.#stmt(sql).get(params) as T | undefined;
  }

  #run(sql: string, params: Record<string, SQLInputValue> = {}): number {
    return Number(this.#stmt(sql).run(params).changes);
  }

  /**
   * Runs a statement with positional parameters (`?`, `?N`): the per-row statements of deploys
   * and download records bind this way, at half the cost of binding by name.
   */
  #runAt(sql: string, ...values: SQLInputValue[]): void {
    this.#stmt(sql).run(...values);
  }

  #getAt<T>(sql: string, ...values: SQLInputValue[]): T | undefined {
    return this.#stmt(sql).get(...values) as T | undefined;
  }

  /** Runs a statement without parameters, prepared once (exec parses its SQL every time). */
  #do(sql: string): void {
    this.#stmt(sql).run();
  }

  #tx<T>(fn: () => T): T {
    this.#do('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#do('COMMIT');
      return out;
    } catch (err) {
      this.#do('ROLLBACK');
      throw err;
    }
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(key, fn);
  }

  async ping(): Promise<void> {
    this.#get('SELECT 1');
  }

  cacheStamp(): number | undefined {
    return this.#cache.stamp();
  }

  #repos(): Promise<Map<string, RepoConfig>> {
    return this.#cache.repos(() =>
      this.#all<{ config: string }>('SELECT config FROM repositories ORDER BY key').map(
        (r) => JSON.parse(r.config) as RepoConfig,
      ),
    );
  }

  async listRepos(): Promise<RepoConfig[]> {
    return [...(await this.#repos()).values()];
  }

  async getRepo(key: string): Promise<RepoConfig | undefined> {
    return (await this.#repos()).get(key);
  }

  async putRepo(cfg: RepoConfig): Promise<void> {
    this.#cache.invalidate('repos');
    this.#run(
      'INSERT INTO repositories (key, config) VALUES (:key, :config) ON CONFLICT(key) DO UPDATE SET config = excluded.config',
      { key: cfg.key, config: JSON.stringify(cfg) },
    );
  }

  async deleteRepo(key: string): Promise<string[]> {
    this.#cache.invalidate('repos');
    return this.#tx(() => {
      const digests = this.#all<{ sha256: string }>(
        'SELECT DISTINCT sha256 FROM artifacts WHERE repo = :key',
        { key },
      ).map((r) => r.sha256);
      this.#run('DELETE FROM artifacts WHERE repo = :key', { key });
      this.#run('DELETE FROM repositories WHERE key = :key', { key });
      return digests;
    });
  }

  async findBlob(by: {
    sha256?: string;
    sha1?: string;
    md5?: string;
  }): Promise<BlobRecord | undefined> {
    const [col, value] = checksumColumn(by);
    return this.#get<BlobRecord>(
      `SELECT sha256, sha1, md5, size FROM blobs WHERE ${col} = :v AND gone = 0 LIMIT 1`,
      {
        v: value,
      },
    );
  }

  async isBlobReferenced(sha256: string): Promise<boolean> {
    return !!this.#get('SELECT 1 FROM artifacts WHERE sha256 = :sha256 LIMIT 1', { sha256 });
  }

  async deleteBlob(sha256: string): Promise<void> {
    this.#run('DELETE FROM blobs WHERE sha256 = :sha256', { sha256 });
  }

  #touch(blob: BlobRecord, now: number): void {
    this.#runAt(
      `INSERT INTO blobs (sha256, sha1, md5, size, created, touched) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
       ON CONFLICT(sha256) DO UPDATE SET touched = excluded.touched, gone = 0`,
      blob.sha256,
      blob.sha1,
      blob.md5,
      blob.size,
      now,
    );
  }

  async touchBlob(blob: BlobRecord): Promise<void> {
    this.#touch(blob, Date.now());
  }

  async listUnreferencedBlobs(touchedBefore: number): Promise<string[]> {
    return this.#all<{ sha256: string }>(
      `SELECT b.sha256 FROM blobs b WHERE b.gone = 0 AND b.touched <= :t
         AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256) ORDER BY b.sha256`,
      { t: touchedBefore },
    ).map((r) => r.sha256);
  }

  async releaseBlob(sha256: string, touchedBefore: number): Promise<boolean> {
    return this.#tx(() => {
      const claimable = this.#get(
        `SELECT 1 FROM blobs b WHERE b.sha256 = :sha256 AND b.gone = 0 AND b.touched <= :t
           AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)`,
        { sha256, t: touchedBefore },
      );
      if (!claimable) return false;
      if (this.#get('SELECT 1 FROM downloads WHERE sha256 = :sha256 LIMIT 1', { sha256 }))
        this.#run('UPDATE blobs SET gone = 1 WHERE sha256 = :sha256', { sha256 });
      else this.#run('DELETE FROM blobs WHERE sha256 = :sha256', { sha256 });
      return true;
    });
  }

  async getArtifact(repo: string, path: string): Promise<ArtifactRecord | undefined> {
    const cached = this.#artifactsFresh();
    const key = `${repo}\0${path}`;
    if (cached) {
      const hit = this.#artifacts.get(key);
      if (hit !== undefined) return hit === null ? undefined : { ...hit };
    }
    const r = this.#get<ArtifactRow>(
      `SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE a.repo = :repo AND a.path = :path`,
      { repo, path },
    );
    const record = r ? toArtifact(r) : undefined;
    if (cached) this.#artifacts.set(key, record ? { ...record } : null, 1);
    return record;
  }

  /**
   * Artifact records (null: nothing there) by repo and path, for the lookup every download
   * makes: under load a cold SQLite read cost ~35 µs of a cached packument's ~300. Nothing stale
   * answers: any change this connection made since the last lookup (`total_changes()`, which
   * counts every row written, by any statement or trigger, committed or rolled back, and costs
   * no lock) empties it, and so does a commit by another connection (the MetaCache's stamp,
   * from `PRAGMA data_version`). Inside a transaction it is not used.
   */
  readonly #artifacts = new SizedLru<ArtifactRecord | null>(MAX_CACHED_ARTIFACTS);
  #artifactStamp: number | undefined;
  #artifactChanges = -1;

  /** Whether #artifacts may answer now (emptied first when anything may have changed). */
  #artifactsFresh(): boolean {
    if (this.#db.isTransaction) return false;
    const stamp = this.#cache.stamp();
    const changes = this.#totalChanges();
    if (stamp === undefined || stamp !== this.#artifactStamp || changes !== this.#artifactChanges) {
      this.#artifacts.clear();
      this.#artifactStamp = stamp;
      this.#artifactChanges = changes;
    }
    return stamp !== undefined;
  }

  deployArtifact(a: DeployRequest): Promise<ArtifactRecord & { replaced?: string }> {
    // Group commit: the deploys asked for in one turn of the event loop share a transaction
    // (each in a savepoint of its own, so one that fails fails alone); each caller's promise
    // settles once the transaction holding its row has committed.
    return new Promise((resolve, reject) => this.#deploys.add({ a, resolve, reject }));
  }

  readonly #deploys = new TurnBatch<PendingDeploy>(MAX_DEPLOY_BATCH, (batch) =>
    this.#commitDeploys(batch),
  );

  #commitDeploys(batch: PendingDeploy[]): void {
    const now = Date.now();
    const out: ({ ok: ArtifactRecord & { replaced?: string } } | { err: unknown })[] = [];
    try {
      this.#tx(() => {
        if (batch.length === 1) {
          out.push({ ok: this.#deployOne(batch[0]!.a, now) });
          return;
        }
        for (const { a } of batch) {
          this.#do('SAVEPOINT deploy');
          try {
            out.push({ ok: this.#deployOne(a, now) });
            this.#do('RELEASE deploy');
          } catch (err) {
            this.#do('ROLLBACK TO deploy');
            this.#do('RELEASE deploy');
            out.push({ err });
          }
        }
      });
    } catch (err) {
      for (const [i, d] of batch.entries()) d.reject(out[i] && 'err' in out[i] ? out[i].err : err);
      return;
    }
    batch.forEach((d, i) => {
      const r = out[i]!;
      if ('ok' in r) d.resolve(r.ok);
      else d.reject(r.err);
    });
  }

  #deployOne(a: DeployRequest, now: number): ArtifactRecord & { replaced?: string } {
    this.#touch(a.blob, now);
    const old = this.#getAt<{ sha256: string }>(
      'SELECT sha256 FROM artifacts WHERE repo = ?1 AND path = ?2',
      a.repo,
      a.path,
    );
    const row = this.#getAt<{ id: number; created: number; created_by: string }>(
      `INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
       VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)
       ON CONFLICT(repo, path) DO UPDATE SET sha256 = excluded.sha256, modified = excluded.modified,
         modified_by = excluded.modified_by
       RETURNING id, created, created_by`,
      a.repo,
      a.path,
      a.blob.sha256,
      now,
      a.user,
    );
    if (!row) throw new Error('artifact row vanished inside its own transaction');
    if (old) this.#run('DELETE FROM properties WHERE artifact_id = :id', { id: row.id });
    this.#insertProps(row.id, a.properties);
    if (a.audit) this.#appendAudit(a.audit);
    return deployedRecord(a, row, now, old?.sha256);
  }

  #insertProps(id: number, props: Properties): void {
    for (const [key, values] of Object.entries(props)) {
      for (const value of values) {
        this.#runAt(
          'INSERT OR IGNORE INTO properties (artifact_id, key, value) VALUES (?1, ?2, ?3)',
          id,
          key,
          value,
        );
      }
    }
  }

  async deleteArtifacts(repo: string, path: string): Promise<string[]> {
    return this.#tx(() => {
      const params = { repo, ...under(path) };
      const digests = this.#all<{ sha256: string }>(
        `SELECT DISTINCT a.sha256 FROM artifacts a WHERE a.repo = :repo AND ${UNDER}`,
        params,
      ).map((r) => r.sha256);
      this.#run(`DELETE FROM artifacts AS a WHERE a.repo = :repo AND ${UNDER}`, params);
      return digests;
    });
  }

  async listFiles(repo: string, folder: string): Promise<ArtifactRecord[]> {
    const where =
      folder === '' ? 'a.repo = :repo' : 'a.repo = :repo AND a.path >= :lo AND a.path < :hi';
    const params: Record<string, string> = { repo };
    if (folder !== '') Object.assign(params, { lo: `${folder}/`, hi: `${folder}0` });
    return this.#all<ArtifactRow>(
      `SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE ${where} ORDER BY a.path`,
      params,
    ).map(toArtifact);
  }

  async folderExists(repo: string, path: string): Promise<boolean> {
    if (path === '') return true;
    return !!this.#get(
      'SELECT 1 FROM artifacts a WHERE a.repo = :repo AND a.path >= :lo AND a.path < :hi LIMIT 1',
      {
        repo,
        lo: `${path}/`,
        hi: `${path}0`,
      },
    );
  }

  async getProperties(artifactId: number): Promise<Properties> {
    const out: Properties = {};
    for (const r of this.#all<{ key: string; value: string }>(
      'SELECT key, value FROM properties WHERE artifact_id = :id ORDER BY key, value',
      { id: artifactId },
    )) {
      (out[r.key] ??= []).push(r.value);
    }
    return out;
  }

  #idsUnder(repo: string, path: string): number[] {
    return this.#all<{ id: number }>(
      `SELECT a.id FROM artifacts a WHERE a.repo = :repo AND ${UNDER}`,
      {
        repo,
        ...under(path),
      },
    ).map((r) => r.id);
  }

  async setProperties(repo: string, path: string, props: Properties): Promise<number> {
    return this.#tx(() => {
      const ids = this.#idsUnder(repo, path);
      for (const id of ids) {
        for (const key of Object.keys(props)) {
          this.#run('DELETE FROM properties WHERE artifact_id = :id AND key = :key', { id, key });
        }
        this.#insertProps(id, props);
      }
      return ids.length;
    });
  }

  async deleteProperties(repo: string, path: string, keys: string[]): Promise<number> {
    return this.#tx(() => {
      const ids = this.#idsUnder(repo, path);
      for (const id of ids) {
        for (const key of keys)
          this.#run('DELETE FROM properties WHERE artifact_id = :id AND key = :key', { id, key });
      }
      return ids.length;
    });
  }

  async findByProperties(props: Record<string, string>, repo?: string): Promise<ArtifactRecord[]> {
    const entries = Object.entries(props);
    const params: Record<string, string> = {};
    const joins = entries
      .map(([k, v], i) => {
        params[`k${i}`] = k;
        params[`v${i}`] = v;
        return `JOIN properties p${i} ON p${i}.artifact_id = a.id AND p${i}.key = :k${i} AND p${i}.value = :v${i}`;
      })
      .join(' ');
    let where = '';
    if (repo !== undefined) {
      where = 'WHERE a.repo = :repo';
      params.repo = repo;
    }
    return this.#all<ArtifactRow>(
      `SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} ${joins} ${where} ORDER BY a.repo, a.path`,
      params,
    ).map(toArtifact);
  }

  async findByChecksum(
    by: { sha256?: string; sha1?: string; md5?: string },
    repo?: string,
  ): Promise<ArtifactRecord[]> {
    const [col, v] = checksumColumn(by);
    const params: Record<string, string> = { v };
    let where = `b.${col} = :v`;
    if (repo !== undefined) {
      where += ' AND a.repo = :repo';
      params.repo = repo;
    }
    return this.#all<ArtifactRow>(
      `SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE ${where} ORDER BY a.repo, a.path`,
      params,
    ).map(toArtifact);
  }

  async putBuild(doc: BuildInfo, startedMs: number): Promise<void> {
    this.#writeBuild(doc, startedMs);
  }

  async getBuild(name: string, number: string): Promise<BuildInfo | undefined> {
    const r = this.#get<{ doc: string }>(
      'SELECT doc FROM builds WHERE name = :name AND number = :number',
      {
        name,
        number,
      },
    );
    return r ? (JSON.parse(r.doc) as BuildInfo) : undefined;
  }

  async listBuilds(): Promise<{ name: string; lastStarted: string }[]> {
    return this.#all<{ name: string; started: string }>(
      `SELECT name, started FROM builds b WHERE started_ms = (SELECT MAX(started_ms) FROM builds WHERE name = b.name)
       GROUP BY name ORDER BY name`,
    ).map((r) => ({ name: r.name, lastStarted: r.started }));
  }

  async listBuildNumbers(name: string): Promise<BuildSummary[]> {
    return this.#all<{
      name: string;
      number: string;
      started: string;
      started_ms: number;
      created: number;
    }>(
      'SELECT name, number, started, started_ms, created FROM builds WHERE name = :name ORDER BY started_ms DESC, created DESC',
      { name },
    ).map((r) => ({
      name: r.name,
      number: r.number,
      started: r.started,
      startedMs: r.started_ms,
      created: r.created,
    }));
  }

  async deleteBuild(name: string, number: string): Promise<boolean> {
    this.#run('DELETE FROM build_parts WHERE name = :name AND number = :number', { name, number });
    return (
      this.#run('DELETE FROM builds WHERE name = :name AND number = :number', { name, number }) > 0
    );
  }

  #buildDoc(name: string, number: string): string | undefined {
    return this.#get<{ doc: string }>(
      'SELECT doc FROM builds WHERE name = :name AND number = :number',
      { name, number },
    )?.doc;
  }

  #writeBuild(doc: BuildInfo, startedMs: number): string {
    const text = JSON.stringify(doc);
    this.#run(
      `INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES (:name, :number, :started, :ms, :now, :doc)
       ON CONFLICT(name, number) DO UPDATE SET started = excluded.started, started_ms = excluded.started_ms, doc = excluded.doc`,
      {
        name: doc.name,
        number: doc.number,
        started: doc.started,
        ms: startedMs,
        now: Date.now(),
        doc: text,
      },
    );
    return revisionOf(text);
  }

  async getBuildRevision(name: string, number: string): Promise<string | undefined> {
    const text = this.#buildDoc(name, number);
    return text === undefined ? undefined : revisionOf(text);
  }

  async putBuildIf(
    doc: BuildInfo,
    startedMs: number,
    expected: string | null,
  ): Promise<string | undefined> {
    return this.#tx(() => {
      const text = this.#buildDoc(doc.name, doc.number);
      const current = text === undefined ? null : revisionOf(text);
      if (current !== expected) return undefined;
      return this.#writeBuild(doc, startedMs);
    });
  }

  async putBuildPart(
    name: string,
    number: string,
    part: string,
    doc: Partial<BuildInfo>,
  ): Promise<void> {
    this.#run(
      `INSERT INTO build_parts (name, number, part, updated, doc) VALUES (:name, :number, :part, :now, :doc)
       ON CONFLICT(name, number, part) DO UPDATE SET updated = excluded.updated, doc = excluded.doc`,
      { name, number, part, now: Date.now(), doc: JSON.stringify(doc) },
    );
  }

  #parts(name: string, number: string): { part: string; doc: string; updated: number }[] {
    return this.#all<{ part: string; doc: string; updated: number }>(
      'SELECT part, doc, updated FROM build_parts WHERE name = :name AND number = :number ORDER BY updated, rowid',
      { name, number },
    );
  }

  async listBuildParts(
    name: string,
    number: string,
  ): Promise<{ part: string; doc: Partial<BuildInfo>; updated: number }[]> {
    return this.#parts(name, number).map((r) => ({
      part: r.part,
      updated: r.updated,
      doc: JSON.parse(r.doc) as Partial<BuildInfo>,
    }));
  }

  async publishBuildParts(
    name: string,
    number: string,
    merge: (
      existing: BuildInfo | undefined,
      parts: Partial<BuildInfo>[],
    ) => { doc: BuildInfo; startedMs: number },
  ): Promise<{ doc: BuildInfo; parts: number; revision: string }> {
    return this.#tx(() => {
      const text = this.#buildDoc(name, number);
      const parts = this.#parts(name, number).map((r) => JSON.parse(r.doc) as Partial<BuildInfo>);
      const { doc, startedMs } = merge(
        text === undefined ? undefined : (JSON.parse(text) as BuildInfo),
        parts,
      );
      const revision = this.#writeBuild(doc, startedMs);
      this.#run('DELETE FROM build_parts WHERE name = :name AND number = :number', {
        name,
        number,
      });
      return { doc, parts: parts.length, revision };
    });
  }

  async applyPromotion(p: {
    ops: PromotionOp[];
    properties: Properties;
    build: BuildInfo;
    user: string;
  }): Promise<void> {
    const now = Date.now();
    this.#tx(() => {
      for (const op of p.ops) {
        const src = this.#get<{ sha256: string }>('SELECT sha256 FROM artifacts WHERE id = :id', {
          id: op.artifactId,
        });
        if (!src) throw new Error(`artifact ${op.artifactId} disappeared during promotion`);
        const existing = this.#get<{ id: number; sha256: string }>(
          'SELECT id, sha256 FROM artifacts WHERE repo = :repo AND path = :path',
          { repo: op.toRepo, path: op.toPath },
        );
        let targetId: number;
        if (existing && existing.id === op.artifactId) {
          targetId = existing.id;
        } else if (existing) {
          if (existing.sha256 !== src.sha256) {
            throw new PromotionConflict(
              `${op.toRepo}/${op.toPath} already exists with different content`,
            );
          }
          targetId = existing.id;
          this.#copyProps(op.artifactId, targetId);
          if (op.move) this.#run('DELETE FROM artifacts WHERE id = :id', { id: op.artifactId });
        } else if (op.move) {
          this.#run(
            'UPDATE artifacts SET repo = :repo, path = :path, modified = :now, modified_by = :user WHERE id = :id',
            { repo: op.toRepo, path: op.toPath, now, user: p.user, id: op.artifactId },
          );
          targetId = op.artifactId;
        } else {
          this.#run(
            `INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
             VALUES (:repo, :path, :sha256, :now, :user, :now, :user)`,
            { repo: op.toRepo, path: op.toPath, sha256: src.sha256, now, user: p.user },
          );
          const row = this.#get<{ id: number }>(
            'SELECT id FROM artifacts WHERE repo = :repo AND path = :path',
            {
              repo: op.toRepo,
              path: op.toPath,
            },
          );
          if (!row) throw new Error('copied artifact row vanished');
          targetId = row.id;
          this.#copyProps(op.artifactId, targetId);
        }
        for (const key of Object.keys(p.properties)) {
          this.#run('DELETE FROM properties WHERE artifact_id = :id AND key = :key', {
            id: targetId,
            key,
          });
        }
        this.#insertProps(targetId, p.properties);
      }
      const started = p.build.started;
      this.#run(
        'UPDATE builds SET doc = :doc WHERE name = :name AND number = :number AND started = :started',
        {
          doc: JSON.stringify(p.build),
          name: p.build.name,
          number: p.build.number,
          started,
        },
      );
    });
  }

  #copyProps(fromId: number, toId: number): void {
    this.#run(
      'INSERT OR IGNORE INTO properties (artifact_id, key, value) SELECT :to, key, value FROM properties WHERE artifact_id = :from',
      { to: toId, from: fromId },
    );
  }

  /** Tokens made before ids, descriptions and scopes existed gain those columns. */
  #migrateTokens(): void {
    const cols = new Set(
      (this.#db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[]).map(
        (c) => c.name,
      ),
    );
    for (const [col, type] of [
      ['id', 'TEXT'],
      ['description', 'TEXT'],
      ['scopes', 'TEXT'],
      ['service', 'INTEGER NOT NULL DEFAULT 0'],
      ['last_used', 'INTEGER'],
    ] as const) {
      if (!cols.has(col)) this.#db.exec(`ALTER TABLE tokens ADD COLUMN ${col} ${type}`);
    }
    this.#db.exec(`UPDATE tokens SET id = substr(hash, 1, 16) WHERE id IS NULL;
      CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id);`);
  }

  async putToken(t: TokenRecord): Promise<void> {
    this.#cache.invalidate('tokens');
    this.#run(
      `INSERT INTO tokens (id, hash, user, admin, build_name, build_number, created, expires, description, scopes, service)
       VALUES (:id, :hash, :user, :admin, :bn, :bnum, :created, :expires, :description, :scopes, :service)`,
      {
        id: t.id,
        hash: t.hash,
        user: t.user,
        admin: t.admin ? 1 : 0,
        bn: t.build?.name ?? null,
        bnum: t.build?.number ?? null,
        created: t.created,
        expires: t.expires ?? null,
        description: t.description ?? null,
        scopes: t.scopes ? JSON.stringify(t.scopes) : null,
        service: t.service ? 1 : 0,
      },
    );
  }

  findToken(hash: string): Promise<TokenRecord | undefined> | TokenRecord | undefined {
    return this.#cache.token(hash, () => {
      const r = this.#get<TokenRow>('SELECT * FROM tokens WHERE hash = :hash', { hash });
      return r ? toToken(r) : undefined;
    });
  }

  async listTokens(filter: { user?: string } = {}): Promise<TokenRecord[]> {
    const rows =
      filter.user === undefined
        ? this.#all<TokenRow>('SELECT * FROM tokens ORDER BY created DESC, id')
        : this.#all<TokenRow>('SELECT * FROM tokens WHERE user = :user ORDER BY created DESC, id', {
            user: filter.user,
          });
    return rows.map(toToken);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const r = this.#get<TokenRow>('SELECT * FROM tokens WHERE id = :id', { id });
    return r ? toToken(r) : undefined;
  }

  async deleteToken(id: string): Promise<boolean> {
    this.#cache.invalidate('tokens');
    return this.#run('DELETE FROM tokens WHERE id = :id', { id }) > 0;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.#cache.invalidate('tokens');
    this.#run('UPDATE tokens SET last_used = :at WHERE id = :id', { id, at });
  }

  #listDocs<T>(kind: string): Promise<T[]> {
    return this.#cache.list(kind, () =>
      this.#all<{ doc: string }>('SELECT doc FROM security WHERE kind = :kind ORDER BY name', {
        kind,
      }).map((r) => JSON.parse(r.doc) as T),
    );
  }

  #getDoc<T>(kind: string, name: string): T | undefined {
    const r = this.#get<{ doc: string }>(
      'SELECT doc FROM security WHERE kind = :kind AND name = :name',
      { kind, name },
    );
    return r ? (JSON.parse(r.doc) as T) : undefined;
  }

  #putDoc(kind: string, name: string, doc: unknown): void {
    this.#cache.invalidate('security');
    this.#run(
      `INSERT INTO security (kind, name, doc) VALUES (:kind, :name, :doc)
       ON CONFLICT(kind, name) DO UPDATE SET doc = excluded.doc`,
      { kind, name, doc: JSON.stringify(doc) },
    );
  }

  #deleteDoc(kind: string, name: string): boolean {
    this.#cache.invalidate('security');
    return (
      this.#run('DELETE FROM security WHERE kind = :kind AND name = :name', { kind, name }) > 0
    );
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#listDocs('user');
  }
  async getUser(name: string): Promise<UserRecord | undefined> {
    return this.#getDoc('user', name);
  }
  async putUser(u: UserRecord): Promise<void> {
    this.#putDoc('user', u.name, u);
  }
  async deleteUser(name: string): Promise<boolean> {
    return this.#deleteDoc('user', name);
  }
  async listGroups(): Promise<GroupRecord[]> {
    return this.#listDocs('group');
  }
  async getGroup(name: string): Promise<GroupRecord | undefined> {
    return this.#getDoc('group', name);
  }
  async putGroup(g: GroupRecord): Promise<void> {
    this.#putDoc('group', g.name, g);
  }
  async deleteGroup(name: string): Promise<boolean> {
    return this.#deleteDoc('group', name);
  }
  async listPermissionTargets(): Promise<PermissionTarget[]> {
    return this.#listDocs('permission');
  }
  async getPermissionTarget(name: string): Promise<PermissionTarget | undefined> {
    return this.#getDoc('permission', name);
  }
  async putPermissionTarget(t: PermissionTarget): Promise<void> {
    this.#putDoc('permission', t.name, t);
  }
  async deletePermissionTarget(name: string): Promise<boolean> {
    return this.#deleteDoc('permission', name);
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    this.#appendAudit(e);
  }

  #appendAudit(e: AuditEntry): void {
    this.#runAt(
      `INSERT INTO audit (ts, user, token_id, ip, action, repo, path, build_name, build_number, details)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
      e.ts,
      e.user,
      e.tokenId ?? null,
      e.ip,
      e.action,
      e.repo ?? null,
      e.path ?? null,
      e.buildName ?? null,
      e.buildNumber ?? null,
      e.details ? JSON.stringify(e.details) : null,
    );
  }

  async listAudit(f: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: Record<string, SQLInputValue> = {};
    const eq = (col: string, key: string, v: string | undefined): void => {
      if (v === undefined) return;
      where.push(`${col} = :${key}`);
      params[key] = v;
    };
    eq('user', 'user', f.user);
    eq('repo', 'repo', f.repo);
    eq('build_name', 'bn', f.buildName);
    eq('build_number', 'bnum', f.buildNumber);
    if (f.action !== undefined) {
      if (f.action.endsWith('*') || f.action.endsWith('.')) {
        const prefix = f.action.replace(/\*$/, '');
        where.push('substr(action, 1, length(:prefix)) = :prefix');
        params.prefix = prefix;
      } else eq('action', 'action', f.action);
    }
    if (f.since !== undefined) {
      where.push('ts >= :since');
      params.since = f.since;
    }
    if (f.until !== undefined) {
      where.push('ts <= :until');
      params.until = f.until;
    }
    params.limit = f.limit ?? 1000;
    const rows = this.#all<AuditRow>(
      `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT :limit`,
      params,
    );
    return rows.map((r) => {
      const e: AuditEntry = { id: r.id, ts: r.ts, user: r.user, ip: r.ip, action: r.action };
      if (r.token_id !== null) e.tokenId = r.token_id;
      if (r.repo !== null) e.repo = r.repo;
      if (r.path !== null) e.path = r.path;
      if (r.build_name !== null) e.buildName = r.build_name;
      if (r.build_number !== null) e.buildNumber = r.build_number;
      if (r.details !== null) e.details = JSON.parse(r.details) as Record<string, unknown>;
      return e;
    });
  }

  async useNonce(scope: string, nonce: string, expires: number): Promise<boolean> {
    this.#run('DELETE FROM nonces WHERE expires <= :now', { now: Date.now() });
    const inserted = this.#run(
      'INSERT OR IGNORE INTO nonces (scope, nonce, expires) VALUES (:scope, :nonce, :expires)',
      { scope, nonce, expires },
    );
    return inserted === 1;
  }

  async getCacheEntry(repo: string, path: string): Promise<CacheEntry | undefined> {
    const r = this.#get<{ fetched: number; etag: string | null; last_modified: string | null }>(
      'SELECT fetched, etag, last_modified FROM remote_cache WHERE repo = :repo AND path = :path',
      { repo, path },
    );
    if (!r) return undefined;
    const e: CacheEntry = { repo, path, fetched: r.fetched };
    if (r.etag) e.etag = r.etag;
    if (r.last_modified) e.lastModified = r.last_modified;
    return e;
  }

  async putCacheEntry(e: CacheEntry): Promise<void> {
    this.#run(
      `INSERT INTO remote_cache (repo, path, fetched, etag, last_modified) VALUES (:repo, :path, :fetched, :etag, :lm)
       ON CONFLICT(repo, path) DO UPDATE SET fetched = excluded.fetched, etag = excluded.etag, last_modified = excluded.last_modified`,
      {
        repo: e.repo,
        path: e.path,
        fetched: e.fetched,
        etag: e.etag ?? null,
        lm: e.lastModified ?? null,
      },
    );
  }

  async recordDownloads(ds: DownloadRecord[]): Promise<void> {
    if (ds.length === 0) return;
    const now = Date.now();
    const insert = (d: DownloadRecord): void => {
      this.#runAt(
        `INSERT INTO downloads (ts, repo, path, sha256, user, build_name, build_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
        d.ts ?? now,
        d.repo,
        d.path,
        d.sha256,
        d.user,
        d.buildName ?? null,
        d.buildNumber ?? null,
      );
    };
    if (ds.length === 1) insert(ds[0]!);
    else this.#tx(() => ds.forEach(insert));
  }

  async listBuildDownloads(
    buildName: string,
    buildNumber: string,
  ): Promise<
    { repo: string; path: string; sha1: string; sha256: string; md5: string; size: number }[]
  > {
    return this.#all(
      `SELECT d.repo, d.path, d.sha256, b.sha1, b.md5, b.size FROM downloads d JOIN blobs b ON b.sha256 = d.sha256
       WHERE d.build_name = :name AND d.build_number = :number GROUP BY d.repo, d.path, d.sha256 ORDER BY d.repo, d.path`,
      { name: buildName, number: buildNumber },
    );
  }

  async putUpload(u: UploadRecord): Promise<void> {
    this.#run(
      `INSERT INTO uploads (uuid, repo, image, staging, size, started, touched)
       VALUES (:uuid, :repo, :image, :staging, :size, :started, :touched)
       ON CONFLICT(uuid) DO UPDATE SET size = excluded.size, touched = excluded.touched`,
      { ...u },
    );
  }

  async getUpload(uuid: string): Promise<UploadRecord | undefined> {
    const r = this.#get<UploadRecord>('SELECT * FROM uploads WHERE uuid = :uuid', { uuid });
    return r ? { ...r } : undefined;
  }

  async deleteUpload(uuid: string): Promise<boolean> {
    return this.#run('DELETE FROM uploads WHERE uuid = :uuid', { uuid }) > 0;
  }

  async listUploads(before: number): Promise<UploadRecord[]> {
    return this.#all<UploadRecord>(
      'SELECT * FROM uploads WHERE touched < :before ORDER BY touched',
      { before },
    ).map((r) => ({ ...r }));
  }

  async close(): Promise<void> {
    // Deploys asked for in this turn are written, not lost.
    this.#deploys.flush();
    this.#stmts.clear();
    this.#db.close();
  }
}

interface TokenRow {
  id: string;
  hash: string;
  user: string;
  admin: number;
  build_name: string | null;
  build_number: string | null;
  created: number;
  expires: number | null;
  description: string | null;
  scopes: string | null;
  service: number;
  last_used: number | null;
}

function toToken(r: TokenRow): TokenRecord {
  const t: TokenRecord = {
    id: r.id,
    hash: r.hash,
    user: r.user,
    admin: r.admin === 1,
    created: r.created,
  };
  if (r.build_name !== null && r.build_number !== null)
    t.build = { name: r.build_name, number: r.build_number };
  if (r.expires !== null) t.expires = r.expires;
  if (r.description !== null) t.description = r.description;
  if (r.scopes !== null) t.scopes = JSON.parse(r.scopes) as string[];
  if (r.service === 1) t.service = true;
  if (r.last_used !== null) t.lastUsed = r.last_used;
  return t;
}

interface AuditRow {
  id: number;
  ts: number;
  user: string;
  token_id: string | null;
  ip: string;
  action: string;
  repo: string | null;
  path: string | null;
  build_name: string | null;
  build_number: string | null;
  details: string | null;
}

export class PromotionConflict extends Error {
  override name = 'PromotionConflict';
}

function checksumColumn(by: {
  sha256?: string;
  sha1?: string;
  md5?: string;
}): ['sha256' | 'sha1' | 'md5', string] {
  if (by.sha256) return ['sha256', by.sha256.toLowerCase()];
  if (by.sha1) return ['sha1', by.sha1.toLowerCase()];
  if (by.md5) return ['md5', by.md5.toLowerCase()];
  throw new Error('a checksum is required');
}
