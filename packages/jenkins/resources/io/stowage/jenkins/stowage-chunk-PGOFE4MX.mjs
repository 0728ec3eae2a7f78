// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  AnalyticsStore
} from "./stowage-chunk-PHX72IPM.mjs";
import {
  TurnBatch
} from "./stowage-chunk-JQF566ZO.mjs";
import {
  DatabaseSync,
  init_node_sqlite
} from "./stowage-chunk-QDYDZI7D.mjs";
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/metacache.js
init_define_STOWAGE_UI_ASSETS();

// ../server/dist/internal/lru.js
init_define_STOWAGE_UI_ASSETS();
var SizedLru = class {
  #max;
  #entries = /* @__PURE__ */ new Map();
  #size = 0;
  constructor(maxBytes) {
    this.#max = maxBytes;
  }
  get(key) {
    const e = this.#entries.get(key);
    if (!e)
      return void 0;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }
  /** The value under `key` without making it the most recently used. */
  peek(key) {
    return this.#entries.get(key)?.value;
  }
  set(key, value, size) {
    if (size > this.#max)
      return;
    const old = this.#entries.get(key);
    if (old) {
      this.#size -= old.size;
      this.#entries.delete(key);
    }
    this.#entries.set(key, { value, size });
    this.#size += size;
    for (const [k, e] of this.#entries) {
      if (this.#size <= this.#max)
        break;
      this.#entries.delete(k);
      this.#size -= e.size;
    }
  }
  clear() {
    this.#entries.clear();
    this.#size = 0;
  }
  get size() {
    return this.#size;
  }
};

// ../server/dist/internal/metacache.js
var MAX_TOKENS = 1e4;
var MetaCache = class {
  #version;
  #seen;
  #lastRead;
  #readThisTurn = false;
  /** Bumped by every local write: a load that started before it is not kept. */
  #gen = 0;
  #repos;
  #security = /* @__PURE__ */ new Map();
  #tokens = new SizedLru(MAX_TOKENS);
  #bypass;
  /**
   * `bypass` tells when a read must go to the store whatever memory holds: inside a
   * cross-process lock (PostgreSQL's withLock), a read-modify-write must see the last write of
   * the previous holder, which may be on another replica whose notification is still on its way.
   */
  constructor(version, bypass = () => false) {
    this.#version = version;
    this.#bypass = bypass;
  }
  /** The store's change version, read at most once per turn of the event loop. */
  #read() {
    if (this.#readThisTurn)
      return this.#lastRead;
    this.#lastRead = this.#version();
    this.#readThisTurn = true;
    setImmediate(() => {
      this.#readThisTurn = false;
    });
    return this.#lastRead;
  }
  /** True when memory may answer; clears everything when another writer may have been at work. */
  #fresh() {
    if (this.#bypass())
      return false;
    const v = this.#read();
    if (v === void 0) {
      this.#clearAll();
      this.#seen = void 0;
      return false;
    }
    if (v !== this.#seen) {
      this.#clearAll();
      this.#seen = v;
    }
    return true;
  }
  #clearAll() {
    this.#gen++;
    this.#repos = void 0;
    this.#security.clear();
    this.#tokens.clear();
  }
  /**
   * Whether a value loaded when the generation was `gen` may be kept: no write since, and
   * memory may still answer (#fresh clears, and so bumps the generation, on another's write).
   */
  #keeps(gen) {
    return this.#fresh() && gen === this.#gen;
  }
  /**
   * A number that stays the same while what memory holds may still answer, and undefined while
   * nothing may be answered from memory (see `version`): a store keeping a cache of its own
   * (SQLite's artifact records) empties it whenever this changes.
   */
  stamp() {
    return this.#fresh() ? this.#gen : void 0;
  }
  /** A local write changed `topic`: forget it (and any load still running). */
  invalidate(topic) {
    this.#gen++;
    if (topic === "repos")
      this.#repos = void 0;
    else if (topic === "security")
      this.#security.clear();
    else
      this.#tokens.clear();
  }
  /** Every repository config by key, loaded with `load` (ordered by key) when not in memory. */
  async repos(load) {
    if (!this.#fresh())
      return byKey(await load());
    if (this.#repos)
      return this.#repos;
    const gen = this.#gen;
    const map = byKey((await load()).map(deepFreeze));
    if (this.#keeps(gen))
      this.#repos = map;
    return map;
  }
  /** A list of security documents of one kind (users, groups, permission targets). */
  async list(kind, load) {
    if (!this.#fresh())
      return load();
    const have = this.#security.get(kind);
    if (have)
      return have;
    const gen = this.#gen;
    const list = deepFreeze(await load());
    if (this.#keeps(gen))
      this.#security.set(kind, list);
    return list;
  }
  /**
   * A token record by the hash of its secret (undefined: no such token): at once when in memory
   * (every request with a token asks), else as `load` answers it.
   */
  token(hash, load) {
    if (!this.#fresh())
      return load();
    const have = this.#tokens.get(hash);
    if (have)
      return have.value;
    const gen = this.#gen;
    const keep = (value) => {
      const frozen = value === void 0 ? void 0 : deepFreeze(value);
      if (this.#keeps(gen))
        this.#tokens.set(hash, { value: frozen }, 1);
      return frozen;
    };
    const got = load();
    return got instanceof Promise ? got.then(keep) : keep(got);
  }
};
function byKey(list) {
  return new Map(list.map((r) => [r.key, r]));
}
function deepFreeze(v) {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v))
      deepFreeze(x);
  }
  return v;
}

// ../server/dist/internal/mutex.js
init_define_STOWAGE_UI_ASSETS();
var KeyedMutex = class {
  #tails = /* @__PURE__ */ new Map();
  async run(key, fn) {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    let release;
    const mine = new Promise((resolve) => release = resolve);
    const tail = prev.then(() => mine);
    this.#tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(key) === tail)
        this.#tails.delete(key);
    }
  }
};

// ../server/dist/internal/metastore.js
init_define_STOWAGE_UI_ASSETS();
init_node_sqlite();
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
var SCHEMA = `
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
var MAX_CACHED_ARTIFACTS = 2e4;
var ARTIFACT_COLUMNS = `a.id, a.repo, a.path, a.sha256, b.sha1, b.md5, b.size, a.created, a.created_by, a.modified, a.modified_by`;
var FROM_ARTIFACTS = `FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256`;
var UNDER = `(a.path = :p OR (a.path >= :lo AND a.path < :hi) OR :p = '')`;
var MAX_DEPLOY_BATCH = 256;
function deployedRecord(a, row, now, replaced) {
  const out = {
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
    modifiedBy: a.user
  };
  if (replaced !== void 0)
    out.replaced = replaced;
  return out;
}
function toArtifact(r) {
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
    modifiedBy: r.modified_by
  };
}
function under(path) {
  return { p: path, lo: `${path}/`, hi: `${path}0` };
}
function revisionOf(text) {
  return createHash("sha256").update(text).digest("base64url").slice(0, 27);
}
function scalarQuery(db, sql) {
  const stmt = db.prepare(sql);
  if (stmt.setReturnArrays) {
    stmt.setReturnArrays(true);
    return () => Number(stmt.get()[0]);
  }
  return () => Number(Object.values(stmt.get() ?? {})[0]);
}
var SqliteMetaStore = class {
  #db;
  #stmts = /* @__PURE__ */ new Map();
  /** One process owns a SQLite file: its locks are in-process. */
  #locks = new KeyedMutex();
  analytics;
  /** Repositories, security documents and tokens in memory (see metacache.ts). */
  #cache;
  constructor(opts) {
    if ("dir" in opts) {
      mkdirSync(opts.dir, { recursive: true });
      this.#db = new DatabaseSync(join(opts.dir, "metadata.db"));
      this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    } else {
      this.#db = new DatabaseSync(":memory:");
    }
    this.#db.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;");
    this.#db.exec(SCHEMA);
    this.#addColumns("blobs", {
      touched: "INTEGER NOT NULL DEFAULT 0",
      gone: "INTEGER NOT NULL DEFAULT 0"
    });
    this.#migrateTokens();
    this.analytics = new AnalyticsStore(this.#db);
    this.#cache = new MetaCache(scalarQuery(this.#db, "PRAGMA data_version"));
    this.#totalChanges = scalarQuery(this.#db, "SELECT total_changes()");
  }
  /** `total_changes()`: rows this connection wrote, by any statement or trigger. */
  #totalChanges;
  /** Adds columns that a database created by an older version lacks. */
  #addColumns(table, columns) {
    const have = new Set(this.#db.prepare(`PRAGMA table_info(${table})`).all().map((c) => c.name));
    for (const [name, type] of Object.entries(columns)) {
      if (!have.has(name))
        this.#db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
    }
  }
  #stmt(sql) {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }
  #all(sql, params = {}) {
    return this.#stmt(sql).all(params);
  }
  #get(sql, params = {}) {
    return this.#stmt(sql).get(params);
  }
  #run(sql, params = {}) {
    return Number(this.#stmt(sql).run(params).changes);
  }
  /**
   * Runs a statement with positional parameters (`?`, `?N`): the per-row statements of deploys
   * and download records bind this way, at half the cost of binding by name.
   */
  #runAt(sql, ...values) {
    this.#stmt(sql).run(...values);
  }
  #getAt(sql, ...values) {
    return this.#stmt(sql).get(...values);
  }
  /** Runs a statement without parameters, prepared once (exec parses its SQL every time). */
  #do(sql) {
    this.#stmt(sql).run();
  }
  #tx(fn) {
    this.#do("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.#do("COMMIT");
      return out;
    } catch (err) {
      this.#do("ROLLBACK");
      throw err;
    }
  }
  withLock(key, fn) {
    return this.#locks.run(key, fn);
  }
  async ping() {
    this.#get("SELECT 1");
  }
  cacheStamp() {
    return this.#cache.stamp();
  }
  #repos() {
    return this.#cache.repos(() => this.#all("SELECT config FROM repositories ORDER BY key").map((r) => JSON.parse(r.config)));
  }
  async listRepos() {
    return [...(await this.#repos()).values()];
  }
  async getRepo(key) {
    return (await this.#repos()).get(key);
  }
  async putRepo(cfg) {
    this.#cache.invalidate("repos");
    this.#run("INSERT INTO repositories (key, config) VALUES (:key, :config) ON CONFLICT(key) DO UPDATE SET config = excluded.config", { key: cfg.key, config: JSON.stringify(cfg) });
  }
  async deleteRepo(key) {
    this.#cache.invalidate("repos");
    return this.#tx(() => {
      const digests = this.#all("SELECT DISTINCT sha256 FROM artifacts WHERE repo = :key", { key }).map((r) => r.sha256);
      this.#run("DELETE FROM artifacts WHERE repo = :key", { key });
      this.#run("DELETE FROM repositories WHERE key = :key", { key });
      return digests;
    });
  }
  async findBlob(by) {
    const [col, value] = checksumColumn(by);
    return this.#get(`SELECT sha256, sha1, md5, size FROM blobs WHERE ${col} = :v AND gone = 0 LIMIT 1`, {
      v: value
    });
  }
  async isBlobReferenced(sha256) {
    return !!this.#get("SELECT 1 FROM artifacts WHERE sha256 = :sha256 LIMIT 1", { sha256 });
  }
  async deleteBlob(sha256) {
    this.#run("DELETE FROM blobs WHERE sha256 = :sha256", { sha256 });
  }
  #touch(blob, now) {
    this.#runAt(`INSERT INTO blobs (sha256, sha1, md5, size, created, touched) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
       ON CONFLICT(sha256) DO UPDATE SET touched = excluded.touched, gone = 0`, blob.sha256, blob.sha1, blob.md5, blob.size, now);
  }
  async touchBlob(blob) {
    this.#touch(blob, Date.now());
  }
  async listUnreferencedBlobs(touchedBefore) {
    return this.#all(`SELECT b.sha256 FROM blobs b WHERE b.gone = 0 AND b.touched <= :t
         AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256) ORDER BY b.sha256`, { t: touchedBefore }).map((r) => r.sha256);
  }
  async releaseBlob(sha256, touchedBefore) {
    return this.#tx(() => {
      const claimable = this.#get(`SELECT 1 FROM blobs b WHERE b.sha256 = :sha256 AND b.gone = 0 AND b.touched <= :t
           AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)`, { sha256, t: touchedBefore });
      if (!claimable)
        return false;
      if (this.#get("SELECT 1 FROM downloads WHERE sha256 = :sha256 LIMIT 1", { sha256 }))
        this.#run("UPDATE blobs SET gone = 1 WHERE sha256 = :sha256", { sha256 });
      else
        this.#run("DELETE FROM blobs WHERE sha256 = :sha256", { sha256 });
      return true;
    });
  }
  async getArtifact(repo, path) {
    const cached = this.#artifactsFresh();
    const key = `${repo}\0${path}`;
    if (cached) {
      const hit = this.#artifacts.get(key);
      if (hit !== void 0)
        return hit === null ? void 0 : { ...hit };
    }
    const r = this.#get(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE a.repo = :repo AND a.path = :path`, { repo, path });
    const record = r ? toArtifact(r) : void 0;
    if (cached)
      this.#artifacts.set(key, record ? { ...record } : null, 1);
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
  #artifacts = new SizedLru(MAX_CACHED_ARTIFACTS);
  #artifactStamp;
  #artifactChanges = -1;
  /** Whether #artifacts may answer now (emptied first when anything may have changed). */
  #artifactsFresh() {
    if (this.#db.isTransaction)
      return false;
    const stamp = this.#cache.stamp();
    const changes = this.#totalChanges();
    if (stamp === void 0 || stamp !== this.#artifactStamp || changes !== this.#artifactChanges) {
      this.#artifacts.clear();
      this.#artifactStamp = stamp;
      this.#artifactChanges = changes;
    }
    return stamp !== void 0;
  }
  deployArtifact(a) {
    return new Promise((resolve, reject) => this.#deploys.add({ a, resolve, reject }));
  }
  #deploys = new TurnBatch(MAX_DEPLOY_BATCH, (batch) => this.#commitDeploys(batch));
  #commitDeploys(batch) {
    const now = Date.now();
    const out = [];
    try {
      this.#tx(() => {
        if (batch.length === 1) {
          out.push({ ok: this.#deployOne(batch[0].a, now) });
          return;
        }
        for (const { a } of batch) {
          this.#do("SAVEPOINT deploy");
          try {
            out.push({ ok: this.#deployOne(a, now) });
            this.#do("RELEASE deploy");
          } catch (err) {
            this.#do("ROLLBACK TO deploy");
            this.#do("RELEASE deploy");
            out.push({ err });
          }
        }
      });
    } catch (err) {
      for (const [i, d] of batch.entries())
        d.reject(out[i] && "err" in out[i] ? out[i].err : err);
      return;
    }
    batch.forEach((d, i) => {
      const r = out[i];
      if ("ok" in r)
        d.resolve(r.ok);
      else
        d.reject(r.err);
    });
  }
  #deployOne(a, now) {
    this.#touch(a.blob, now);
    const old = this.#getAt("SELECT sha256 FROM artifacts WHERE repo = ?1 AND path = ?2", a.repo, a.path);
    const row = this.#getAt(`INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
       VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)
       ON CONFLICT(repo, path) DO UPDATE SET sha256 = excluded.sha256, modified = excluded.modified,
         modified_by = excluded.modified_by
       RETURNING id, created, created_by`, a.repo, a.path, a.blob.sha256, now, a.user);
    if (!row)
      throw new Error("artifact row vanished inside its own transaction");
    if (old)
      this.#run("DELETE FROM properties WHERE artifact_id = :id", { id: row.id });
    this.#insertProps(row.id, a.properties);
    if (a.audit)
      this.#appendAudit(a.audit);
    return deployedRecord(a, row, now, old?.sha256);
  }
  #insertProps(id, props) {
    for (const [key, values] of Object.entries(props)) {
      for (const value of values) {
        this.#runAt("INSERT OR IGNORE INTO properties (artifact_id, key, value) VALUES (?1, ?2, ?3)", id, key, value);
      }
    }
  }
  async deleteArtifacts(repo, path) {
    return this.#tx(() => {
      const params = { repo, ...under(path) };
      const digests = this.#all(`SELECT DISTINCT a.sha256 FROM artifacts a WHERE a.repo = :repo AND ${UNDER}`, params).map((r) => r.sha256);
      this.#run(`DELETE FROM artifacts AS a WHERE a.repo = :repo AND ${UNDER}`, params);
      return digests;
    });
  }
  async listFiles(repo, folder) {
    const where = folder === "" ? "a.repo = :repo" : "a.repo = :repo AND a.path >= :lo AND a.path < :hi";
    const params = { repo };
    if (folder !== "")
      Object.assign(params, { lo: `${folder}/`, hi: `${folder}0` });
    return this.#all(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE ${where} ORDER BY a.path`, params).map(toArtifact);
  }
  async folderExists(repo, path) {
    if (path === "")
      return true;
    return !!this.#get("SELECT 1 FROM artifacts a WHERE a.repo = :repo AND a.path >= :lo AND a.path < :hi LIMIT 1", {
      repo,
      lo: `${path}/`,
      hi: `${path}0`
    });
  }
  async getProperties(artifactId) {
    const out = {};
    for (const r of this.#all("SELECT key, value FROM properties WHERE artifact_id = :id ORDER BY key, value", { id: artifactId })) {
      (out[r.key] ??= []).push(r.value);
    }
    return out;
  }
  #idsUnder(repo, path) {
    return this.#all(`SELECT a.id FROM artifacts a WHERE a.repo = :repo AND ${UNDER}`, {
      repo,
      ...under(path)
    }).map((r) => r.id);
  }
  async setProperties(repo, path, props) {
    return this.#tx(() => {
      const ids = this.#idsUnder(repo, path);
      for (const id of ids) {
        for (const key of Object.keys(props)) {
          this.#run("DELETE FROM properties WHERE artifact_id = :id AND key = :key", { id, key });
        }
        this.#insertProps(id, props);
      }
      return ids.length;
    });
  }
  async deleteProperties(repo, path, keys) {
    return this.#tx(() => {
      const ids = this.#idsUnder(repo, path);
      for (const id of ids) {
        for (const key of keys)
          this.#run("DELETE FROM properties WHERE artifact_id = :id AND key = :key", { id, key });
      }
      return ids.length;
    });
  }
  async findByProperties(props, repo) {
    const entries = Object.entries(props);
    const params = {};
    const joins = entries.map(([k, v], i) => {
      params[`k${i}`] = k;
      params[`v${i}`] = v;
      return `JOIN properties p${i} ON p${i}.artifact_id = a.id AND p${i}.key = :k${i} AND p${i}.value = :v${i}`;
    }).join(" ");
    let where = "";
    if (repo !== void 0) {
      where = "WHERE a.repo = :repo";
      params.repo = repo;
    }
    return this.#all(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} ${joins} ${where} ORDER BY a.repo, a.path`, params).map(toArtifact);
  }
  async findByChecksum(by, repo) {
    const [col, v] = checksumColumn(by);
    const params = { v };
    let where = `b.${col} = :v`;
    if (repo !== void 0) {
      where += " AND a.repo = :repo";
      params.repo = repo;
    }
    return this.#all(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE ${where} ORDER BY a.repo, a.path`, params).map(toArtifact);
  }
  async putBuild(doc, startedMs) {
    this.#writeBuild(doc, startedMs);
  }
  async getBuild(name, number) {
    const r = this.#get("SELECT doc FROM builds WHERE name = :name AND number = :number", {
      name,
      number
    });
    return r ? JSON.parse(r.doc) : void 0;
  }
  async listBuilds() {
    return this.#all(`SELECT name, started FROM builds b WHERE started_ms = (SELECT MAX(started_ms) FROM builds WHERE name = b.name)
       GROUP BY name ORDER BY name`).map((r) => ({ name: r.name, lastStarted: r.started }));
  }
  async listBuildNumbers(name) {
    return this.#all("SELECT name, number, started, started_ms, created FROM builds WHERE name = :name ORDER BY started_ms DESC, created DESC", { name }).map((r) => ({
      name: r.name,
      number: r.number,
      started: r.started,
      startedMs: r.started_ms,
      created: r.created
    }));
  }
  async deleteBuild(name, number) {
    this.#run("DELETE FROM build_parts WHERE name = :name AND number = :number", { name, number });
    return this.#run("DELETE FROM builds WHERE name = :name AND number = :number", { name, number }) > 0;
  }
  #buildDoc(name, number) {
    return this.#get("SELECT doc FROM builds WHERE name = :name AND number = :number", { name, number })?.doc;
  }
  #writeBuild(doc, startedMs) {
    const text = JSON.stringify(doc);
    this.#run(`INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES (:name, :number, :started, :ms, :now, :doc)
       ON CONFLICT(name, number) DO UPDATE SET started = excluded.started, started_ms = excluded.started_ms, doc = excluded.doc`, {
      name: doc.name,
      number: doc.number,
      started: doc.started,
      ms: startedMs,
      now: Date.now(),
      doc: text
    });
    return revisionOf(text);
  }
  async getBuildRevision(name, number) {
    const text = this.#buildDoc(name, number);
    return text === void 0 ? void 0 : revisionOf(text);
  }
  async putBuildIf(doc, startedMs, expected) {
    return this.#tx(() => {
      const text = this.#buildDoc(doc.name, doc.number);
      const current = text === void 0 ? null : revisionOf(text);
      if (current !== expected)
        return void 0;
      return this.#writeBuild(doc, startedMs);
    });
  }
  async putBuildPart(name, number, part, doc) {
    this.#run(`INSERT INTO build_parts (name, number, part, updated, doc) VALUES (:name, :number, :part, :now, :doc)
       ON CONFLICT(name, number, part) DO UPDATE SET updated = excluded.updated, doc = excluded.doc`, { name, number, part, now: Date.now(), doc: JSON.stringify(doc) });
  }
  #parts(name, number) {
    return this.#all("SELECT part, doc, updated FROM build_parts WHERE name = :name AND number = :number ORDER BY updated, rowid", { name, number });
  }
  async listBuildParts(name, number) {
    return this.#parts(name, number).map((r) => ({
      part: r.part,
      updated: r.updated,
      doc: JSON.parse(r.doc)
    }));
  }
  async publishBuildParts(name, number, merge) {
    return this.#tx(() => {
      const text = this.#buildDoc(name, number);
      const parts = this.#parts(name, number).map((r) => JSON.parse(r.doc));
      const { doc, startedMs } = merge(text === void 0 ? void 0 : JSON.parse(text), parts);
      const revision = this.#writeBuild(doc, startedMs);
      this.#run("DELETE FROM build_parts WHERE name = :name AND number = :number", {
        name,
        number
      });
      return { doc, parts: parts.length, revision };
    });
  }
  async applyPromotion(p) {
    const now = Date.now();
    this.#tx(() => {
      for (const op of p.ops) {
        const src = this.#get("SELECT sha256 FROM artifacts WHERE id = :id", {
          id: op.artifactId
        });
        if (!src)
          throw new Error(`artifact ${op.artifactId} disappeared during promotion`);
        const existing = this.#get("SELECT id, sha256 FROM artifacts WHERE repo = :repo AND path = :path", { repo: op.toRepo, path: op.toPath });
        let targetId;
        if (existing && existing.id === op.artifactId) {
          targetId = existing.id;
        } else if (existing) {
          if (existing.sha256 !== src.sha256) {
            throw new PromotionConflict(`${op.toRepo}/${op.toPath} already exists with different content`);
          }
          targetId = existing.id;
          this.#copyProps(op.artifactId, targetId);
          if (op.move)
            this.#run("DELETE FROM artifacts WHERE id = :id", { id: op.artifactId });
        } else if (op.move) {
          this.#run("UPDATE artifacts SET repo = :repo, path = :path, modified = :now, modified_by = :user WHERE id = :id", { repo: op.toRepo, path: op.toPath, now, user: p.user, id: op.artifactId });
          targetId = op.artifactId;
        } else {
          this.#run(`INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
             VALUES (:repo, :path, :sha256, :now, :user, :now, :user)`, { repo: op.toRepo, path: op.toPath, sha256: src.sha256, now, user: p.user });
          const row = this.#get("SELECT id FROM artifacts WHERE repo = :repo AND path = :path", {
            repo: op.toRepo,
            path: op.toPath
          });
          if (!row)
            throw new Error("copied artifact row vanished");
          targetId = row.id;
          this.#copyProps(op.artifactId, targetId);
        }
        for (const key of Object.keys(p.properties)) {
          this.#run("DELETE FROM properties WHERE artifact_id = :id AND key = :key", {
            id: targetId,
            key
          });
        }
        this.#insertProps(targetId, p.properties);
      }
      const started = p.build.started;
      this.#run("UPDATE builds SET doc = :doc WHERE name = :name AND number = :number AND started = :started", {
        doc: JSON.stringify(p.build),
        name: p.build.name,
        number: p.build.number,
        started
      });
    });
  }
  #copyProps(fromId, toId) {
    this.#run("INSERT OR IGNORE INTO properties (artifact_id, key, value) SELECT :to, key, value FROM properties WHERE artifact_id = :from", { to: toId, from: fromId });
  }
  /** Tokens made before ids, descriptions and scopes existed gain those columns. */
  #migrateTokens() {
    const cols = new Set(this.#db.prepare("PRAGMA table_info(tokens)").all().map((c) => c.name));
    for (const [col, type] of [
      ["id", "TEXT"],
      ["description", "TEXT"],
      ["scopes", "TEXT"],
      ["service", "INTEGER NOT NULL DEFAULT 0"],
      ["last_used", "INTEGER"]
    ]) {
      if (!cols.has(col))
        this.#db.exec(`ALTER TABLE tokens ADD COLUMN ${col} ${type}`);
    }
    this.#db.exec(`UPDATE tokens SET id = substr(hash, 1, 16) WHERE id IS NULL;
      CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id);`);
  }
  async putToken(t) {
    this.#cache.invalidate("tokens");
    this.#run(`INSERT INTO tokens (id, hash, user, admin, build_name, build_number, created, expires, description, scopes, service)
       VALUES (:id, :hash, :user, :admin, :bn, :bnum, :created, :expires, :description, :scopes, :service)`, {
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
      service: t.service ? 1 : 0
    });
  }
  findToken(hash) {
    return this.#cache.token(hash, () => {
      const r = this.#get("SELECT * FROM tokens WHERE hash = :hash", { hash });
      return r ? toToken(r) : void 0;
    });
  }
  async listTokens(filter = {}) {
    const rows = filter.user === void 0 ? this.#all("SELECT * FROM tokens ORDER BY created DESC, id") : this.#all("SELECT * FROM tokens WHERE user = :user ORDER BY created DESC, id", {
      user: filter.user
    });
    return rows.map(toToken);
  }
  async getToken(id) {
    const r = this.#get("SELECT * FROM tokens WHERE id = :id", { id });
    return r ? toToken(r) : void 0;
  }
  async deleteToken(id) {
    this.#cache.invalidate("tokens");
    return this.#run("DELETE FROM tokens WHERE id = :id", { id }) > 0;
  }
  async touchToken(id, at) {
    this.#cache.invalidate("tokens");
    this.#run("UPDATE tokens SET last_used = :at WHERE id = :id", { id, at });
  }
  #listDocs(kind) {
    return this.#cache.list(kind, () => this.#all("SELECT doc FROM security WHERE kind = :kind ORDER BY name", {
      kind
    }).map((r) => JSON.parse(r.doc)));
  }
  #getDoc(kind, name) {
    const r = this.#get("SELECT doc FROM security WHERE kind = :kind AND name = :name", { kind, name });
    return r ? JSON.parse(r.doc) : void 0;
  }
  #putDoc(kind, name, doc) {
    this.#cache.invalidate("security");
    this.#run(`INSERT INTO security (kind, name, doc) VALUES (:kind, :name, :doc)
       ON CONFLICT(kind, name) DO UPDATE SET doc = excluded.doc`, { kind, name, doc: JSON.stringify(doc) });
  }
  #deleteDoc(kind, name) {
    this.#cache.invalidate("security");
    return this.#run("DELETE FROM security WHERE kind = :kind AND name = :name", { kind, name }) > 0;
  }
  async listUsers() {
    return this.#listDocs("user");
  }
  async getUser(name) {
    return this.#getDoc("user", name);
  }
  async putUser(u) {
    this.#putDoc("user", u.name, u);
  }
  async deleteUser(name) {
    return this.#deleteDoc("user", name);
  }
  async listGroups() {
    return this.#listDocs("group");
  }
  async getGroup(name) {
    return this.#getDoc("group", name);
  }
  async putGroup(g) {
    this.#putDoc("group", g.name, g);
  }
  async deleteGroup(name) {
    return this.#deleteDoc("group", name);
  }
  async listPermissionTargets() {
    return this.#listDocs("permission");
  }
  async getPermissionTarget(name) {
    return this.#getDoc("permission", name);
  }
  async putPermissionTarget(t) {
    this.#putDoc("permission", t.name, t);
  }
  async deletePermissionTarget(name) {
    return this.#deleteDoc("permission", name);
  }
  async appendAudit(e) {
    this.#appendAudit(e);
  }
  #appendAudit(e) {
    this.#runAt(`INSERT INTO audit (ts, user, token_id, ip, action, repo, path, build_name, build_number, details)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`, e.ts, e.user, e.tokenId ?? null, e.ip, e.action, e.repo ?? null, e.path ?? null, e.buildName ?? null, e.buildNumber ?? null, e.details ? JSON.stringify(e.details) : null);
  }
  async listAudit(f) {
    const where = [];
    const params = {};
    const eq = (col, key, v) => {
      if (v === void 0)
        return;
      where.push(`${col} = :${key}`);
      params[key] = v;
    };
    eq("user", "user", f.user);
    eq("repo", "repo", f.repo);
    eq("build_name", "bn", f.buildName);
    eq("build_number", "bnum", f.buildNumber);
    if (f.action !== void 0) {
      if (f.action.endsWith("*") || f.action.endsWith(".")) {
        const prefix = f.action.replace(/\*$/, "");
        where.push("substr(action, 1, length(:prefix)) = :prefix");
        params.prefix = prefix;
      } else
        eq("action", "action", f.action);
    }
    if (f.since !== void 0) {
      where.push("ts >= :since");
      params.since = f.since;
    }
    if (f.until !== void 0) {
      where.push("ts <= :until");
      params.until = f.until;
    }
    params.limit = f.limit ?? 1e3;
    const rows = this.#all(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ts DESC, id DESC LIMIT :limit`, params);
    return rows.map((r) => {
      const e = { id: r.id, ts: r.ts, user: r.user, ip: r.ip, action: r.action };
      if (r.token_id !== null)
        e.tokenId = r.token_id;
      if (r.repo !== null)
        e.repo = r.repo;
      if (r.path !== null)
        e.path = r.path;
      if (r.build_name !== null)
        e.buildName = r.build_name;
      if (r.build_number !== null)
        e.buildNumber = r.build_number;
      if (r.details !== null)
        e.details = JSON.parse(r.details);
      return e;
    });
  }
  async useNonce(scope, nonce, expires) {
    this.#run("DELETE FROM nonces WHERE expires <= :now", { now: Date.now() });
    const inserted = this.#run("INSERT OR IGNORE INTO nonces (scope, nonce, expires) VALUES (:scope, :nonce, :expires)", { scope, nonce, expires });
    return inserted === 1;
  }
  async getCacheEntry(repo, path) {
    const r = this.#get("SELECT fetched, etag, last_modified FROM remote_cache WHERE repo = :repo AND path = :path", { repo, path });
    if (!r)
      return void 0;
    const e = { repo, path, fetched: r.fetched };
    if (r.etag)
      e.etag = r.etag;
    if (r.last_modified)
      e.lastModified = r.last_modified;
    return e;
  }
  async putCacheEntry(e) {
    this.#run(`INSERT INTO remote_cache (repo, path, fetched, etag, last_modified) VALUES (:repo, :path, :fetched, :etag, :lm)
       ON CONFLICT(repo, path) DO UPDATE SET fetched = excluded.fetched, etag = excluded.etag, last_modified = excluded.last_modified`, {
      repo: e.repo,
      path: e.path,
      fetched: e.fetched,
      etag: e.etag ?? null,
      lm: e.lastModified ?? null
    });
  }
  async recordDownloads(ds) {
    if (ds.length === 0)
      return;
    const now = Date.now();
    const insert = (d) => {
      this.#runAt(`INSERT INTO downloads (ts, repo, path, sha256, user, build_name, build_number)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`, d.ts ?? now, d.repo, d.path, d.sha256, d.user, d.buildName ?? null, d.buildNumber ?? null);
    };
    if (ds.length === 1)
      insert(ds[0]);
    else
      this.#tx(() => ds.forEach(insert));
  }
  async listBuildDownloads(buildName, buildNumber) {
    return this.#all(`SELECT d.repo, d.path, d.sha256, b.sha1, b.md5, b.size FROM downloads d JOIN blobs b ON b.sha256 = d.sha256
       WHERE d.build_name = :name AND d.build_number = :number GROUP BY d.repo, d.path, d.sha256 ORDER BY d.repo, d.path`, { name: buildName, number: buildNumber });
  }
  async putUpload(u) {
    this.#run(`INSERT INTO uploads (uuid, repo, image, staging, size, started, touched)
       VALUES (:uuid, :repo, :image, :staging, :size, :started, :touched)
       ON CONFLICT(uuid) DO UPDATE SET size = excluded.size, touched = excluded.touched`, { ...u });
  }
  async getUpload(uuid) {
    const r = this.#get("SELECT * FROM uploads WHERE uuid = :uuid", { uuid });
    return r ? { ...r } : void 0;
  }
  async deleteUpload(uuid) {
    return this.#run("DELETE FROM uploads WHERE uuid = :uuid", { uuid }) > 0;
  }
  async listUploads(before) {
    return this.#all("SELECT * FROM uploads WHERE touched < :before ORDER BY touched", { before }).map((r) => ({ ...r }));
  }
  async close() {
    this.#deploys.flush();
    this.#stmts.clear();
    this.#db.close();
  }
};
function toToken(r) {
  const t = {
    id: r.id,
    hash: r.hash,
    user: r.user,
    admin: r.admin === 1,
    created: r.created
  };
  if (r.build_name !== null && r.build_number !== null)
    t.build = { name: r.build_name, number: r.build_number };
  if (r.expires !== null)
    t.expires = r.expires;
  if (r.description !== null)
    t.description = r.description;
  if (r.scopes !== null)
    t.scopes = JSON.parse(r.scopes);
  if (r.service === 1)
    t.service = true;
  if (r.last_used !== null)
    t.lastUsed = r.last_used;
  return t;
}
var PromotionConflict = class extends Error {
  name = "PromotionConflict";
};
function checksumColumn(by) {
  if (by.sha256)
    return ["sha256", by.sha256.toLowerCase()];
  if (by.sha1)
    return ["sha1", by.sha1.toLowerCase()];
  if (by.md5)
    return ["md5", by.md5.toLowerCase()];
  throw new Error("a checksum is required");
}

export {
  SizedLru,
  MetaCache,
  KeyedMutex,
  deployedRecord,
  revisionOf,
  SqliteMetaStore,
  PromotionConflict
};
