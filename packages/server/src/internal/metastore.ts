import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildInfo } from '@stowage/core';
import { AnalyticsStore, type Analytics } from './analytics-store.ts';
import { KeyedMutex } from './mutex.ts';

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
  hash: string;
  user: string;
  admin: boolean;
  /** A build-scoped token: every download made with it is recorded for this build. */
  build?: { name: string; number: string };
  created: number;
  /** Epoch ms; undefined never expires. */
  expires?: number;
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

  listRepos(): Promise<RepoConfig[]>;
  getRepo(key: string): Promise<RepoConfig | undefined>;
  putRepo(cfg: RepoConfig): Promise<void>;
  /** Deletes the repository and its artifacts; returns the digests they referenced. */
  deleteRepo(key: string): Promise<string[]>;

  findBlob(by: { sha256?: string; sha1?: string; md5?: string }): Promise<BlobRecord | undefined>;
  isBlobReferenced(sha256: string): Promise<boolean>;
  deleteBlob(sha256: string): Promise<void>;

  getArtifact(repo: string, path: string): Promise<ArtifactRecord | undefined>;
  /** Creates or replaces the artifact at repo/path; its properties become `properties`. */
  deployArtifact(a: {
    repo: string;
    path: string;
    blob: BlobRecord;
    user: string;
    properties: Properties;
  }): Promise<ArtifactRecord>;
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
  findToken(hash: string): Promise<TokenRecord | undefined>;

  /** When a remote repository last fetched or revalidated a path, and the validators it got. */
  getCacheEntry(repo: string, path: string): Promise<CacheEntry | undefined>;
  putCacheEntry(e: CacheEntry): Promise<void>;

  recordDownload(d: {
    repo: string;
    path: string;
    sha256: string;
    user: string;
    buildName?: string;
    buildNumber?: string;
  }): Promise<void>;

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

const ARTIFACT_COLUMNS = `a.id, a.repo, a.path, a.sha256, b.sha1, b.md5, b.size, a.created, a.created_by, a.modified, a.modified_by`;
const FROM_ARTIFACTS = `FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256`;
/** Matches a file or everything under a folder: path = ? OR path in [p/, p0). */
const UNDER = `(a.path = :p OR (a.path >= :lo AND a.path < :hi) OR :p = '')`;

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

/** SQLite metadata store (node:sqlite, WAL). */
export class SqliteMetaStore implements MetaStore {
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  /** One process owns a SQLite file: its locks are in-process. */
  readonly #locks = new KeyedMutex();
  readonly analytics: AnalyticsStore;

  constructor(opts: { dir: string } | { memory: true }) {
    if ('dir' in opts) {
      mkdirSync(opts.dir, { recursive: true });
      this.#db = new DatabaseSync(join(opts.dir, 'metadata.db'));
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    } else {
      this.#db = new DatabaseSync(':memory:');
    }
    this.#db.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
    // Analytics tables kept in step with `builds` by triggers (see analytics-store.ts).
    this.analytics = new AnalyticsStore(this.#db);
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

  #tx<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(key, fn);
  }

  async ping(): Promise<void> {
    this.#get('SELECT 1');
  }

  async listRepos(): Promise<RepoConfig[]> {
    return this.#all<{ config: string }>('SELECT config FROM repositories ORDER BY key').map(
      (r) => JSON.parse(r.config) as RepoConfig,
    );
  }

  async getRepo(key: string): Promise<RepoConfig | undefined> {
    const r = this.#get<{ config: string }>('SELECT config FROM repositories WHERE key = :key', {
      key,
    });
    return r ? (JSON.parse(r.config) as RepoConfig) : undefined;
  }

  async putRepo(cfg: RepoConfig): Promise<void> {
    this.#run(
      'INSERT INTO repositories (key, config) VALUES (:key, :config) ON CONFLICT(key) DO UPDATE SET config = excluded.config',
      { key: cfg.key, config: JSON.stringify(cfg) },
    );
  }

  async deleteRepo(key: string): Promise<string[]> {
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
      `SELECT sha256, sha1, md5, size FROM blobs WHERE ${col} = :v LIMIT 1`,
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

  async getArtifact(repo: string, path: string): Promise<ArtifactRecord | undefined> {
    const r = this.#get<ArtifactRow>(
      `SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE a.repo = :repo AND a.path = :path`,
      { repo, path },
    );
    return r ? toArtifact(r) : undefined;
  }

  async deployArtifact(a: {
    repo: string;
    path: string;
    blob: BlobRecord;
    user: string;
    properties: Properties;
  }): Promise<ArtifactRecord> {
    const now = Date.now();
    this.#tx(() => {
      this.#run(
        'INSERT OR IGNORE INTO blobs (sha256, sha1, md5, size, created) VALUES (:sha256, :sha1, :md5, :size, :now)',
        { ...a.blob, now },
      );
      this.#run(
        `INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
         VALUES (:repo, :path, :sha256, :now, :user, :now, :user)
         ON CONFLICT(repo, path) DO UPDATE SET sha256 = excluded.sha256, modified = excluded.modified,
           modified_by = excluded.modified_by`,
        { repo: a.repo, path: a.path, sha256: a.blob.sha256, now, user: a.user },
      );
      const row = this.#get<{ id: number }>(
        'SELECT id FROM artifacts WHERE repo = :repo AND path = :path',
        {
          repo: a.repo,
          path: a.path,
        },
      );
      if (!row) throw new Error('artifact row vanished inside its own transaction');
      this.#run('DELETE FROM properties WHERE artifact_id = :id', { id: row.id });
      this.#insertProps(row.id, a.properties);
    });
    const out = await this.getArtifact(a.repo, a.path);
    if (!out) throw new Error('artifact row vanished after deploy');
    return out;
  }

  #insertProps(id: number, props: Properties): void {
    for (const [key, values] of Object.entries(props)) {
      for (const value of values) {
        this.#run(
          'INSERT OR IGNORE INTO properties (artifact_id, key, value) VALUES (:id, :key, :value)',
          {
            id,
            key,
            value,
          },
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
    this.#run(
      `INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES (:name, :number, :started, :ms, :now, :doc)
       ON CONFLICT(name, number) DO UPDATE SET started = excluded.started, started_ms = excluded.started_ms, doc = excluded.doc`,
      {
        name: doc.name,
        number: doc.number,
        started: doc.started,
        ms: startedMs,
        now: Date.now(),
        doc: JSON.stringify(doc),
      },
    );
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
    return (
      this.#run('DELETE FROM builds WHERE name = :name AND number = :number', { name, number }) > 0
    );
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

  async putToken(t: TokenRecord): Promise<void> {
    this.#run(
      `INSERT INTO tokens (hash, user, admin, build_name, build_number, created, expires)
       VALUES (:hash, :user, :admin, :bn, :bnum, :created, :expires)`,
      {
        hash: t.hash,
        user: t.user,
        admin: t.admin ? 1 : 0,
        bn: t.build?.name ?? null,
        bnum: t.build?.number ?? null,
        created: t.created,
        expires: t.expires ?? null,
      },
    );
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const r = this.#get<{
      hash: string;
      user: string;
      admin: number;
      build_name: string | null;
      build_number: string | null;
      created: number;
      expires: number | null;
    }>('SELECT * FROM tokens WHERE hash = :hash', { hash });
    if (!r) return undefined;
    const t: TokenRecord = { hash: r.hash, user: r.user, admin: r.admin === 1, created: r.created };
    if (r.build_name !== null && r.build_number !== null)
      t.build = { name: r.build_name, number: r.build_number };
    if (r.expires !== null) t.expires = r.expires;
    return t;
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

  async recordDownload(d: {
    repo: string;
    path: string;
    sha256: string;
    user: string;
    buildName?: string;
    buildNumber?: string;
  }): Promise<void> {
    this.#run(
      `INSERT INTO downloads (ts, repo, path, sha256, user, build_name, build_number)
       VALUES (:ts, :repo, :path, :sha256, :user, :bn, :bnum)`,
      {
        ts: Date.now(),
        repo: d.repo,
        path: d.path,
        sha256: d.sha256,
        user: d.user,
        bn: d.buildName ?? null,
        bnum: d.buildNumber ?? null,
      },
    );
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
    this.#stmts.clear();
    this.#db.close();
  }
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
