// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  ANALYTICS_SCHEMA,
  PgAnalytics,
  esm_default,
  indexBuild
} from "./stowage-chunk-HDSQKMJX.mjs";
import {
  KeyedMutex,
  MetaCache,
  PromotionConflict,
  deployedRecord,
  revisionOf
} from "./stowage-chunk-PGOFE4MX.mjs";
import {
  MetaStoreError
} from "./stowage-chunk-PHX72IPM.mjs";
import "./stowage-chunk-JQF566ZO.mjs";
import "./stowage-chunk-QDYDZI7D.mjs";
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/metastore-pg.js
init_define_STOWAGE_UI_ASSETS();
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
var CHANGES_CHANNEL = "stowage_meta_changes";
var LISTEN_RETRY_MS = { first: 500, max: 3e4 };
var MIGRATIONS = [
  {
    version: 1,
    name: "metadata and analytics tables",
    sql: `
CREATE TABLE repositories (
  key TEXT COLLATE "C" PRIMARY KEY,
  config TEXT NOT NULL
);
CREATE TABLE blobs (
  sha256 TEXT COLLATE "C" PRIMARY KEY,
  sha1 TEXT COLLATE "C" NOT NULL,
  md5 TEXT COLLATE "C" NOT NULL,
  size BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX blobs_sha1 ON blobs(sha1);
CREATE INDEX blobs_md5 ON blobs(md5);
CREATE TABLE artifacts (
  id BIGSERIAL PRIMARY KEY,
  repo TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" NOT NULL REFERENCES blobs(sha256),
  created BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  modified BIGINT NOT NULL,
  modified_by TEXT NOT NULL,
  UNIQUE (repo, path)
);
CREATE INDEX artifacts_sha256 ON artifacts(sha256);
CREATE TABLE properties (
  artifact_id BIGINT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (artifact_id, key, value)
);
CREATE INDEX properties_kv ON properties(key, value);
CREATE TABLE builds (
  id BIGSERIAL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  number TEXT COLLATE "C" NOT NULL,
  started TEXT NOT NULL,
  started_ms BIGINT NOT NULL,
  created BIGINT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (name, number)
);
CREATE INDEX builds_started ON builds(name, started_ms);
CREATE TABLE downloads (
  id BIGSERIAL PRIMARY KEY,
  ts BIGINT NOT NULL,
  repo TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" NOT NULL,
  "user" TEXT NOT NULL,
  build_name TEXT COLLATE "C",
  build_number TEXT COLLATE "C"
);
CREATE INDEX downloads_build ON downloads(build_name, build_number);
CREATE TABLE tokens (
  hash TEXT COLLATE "C" PRIMARY KEY,
  "user" TEXT NOT NULL,
  admin BOOLEAN NOT NULL,
  build_name TEXT,
  build_number TEXT,
  created BIGINT NOT NULL,
  expires BIGINT
);
CREATE TABLE remote_cache (
  repo TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  fetched BIGINT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  PRIMARY KEY (repo, path)
);
CREATE TABLE uploads (
  uuid TEXT COLLATE "C" PRIMARY KEY,
  repo TEXT COLLATE "C" NOT NULL,
  image TEXT COLLATE "C" NOT NULL,
  staging TEXT NOT NULL,
  size BIGINT NOT NULL,
  started BIGINT NOT NULL,
  touched BIGINT NOT NULL
);
CREATE INDEX uploads_touched ON uploads(touched);
${ANALYTICS_SCHEMA}`
  },
  {
    version: 2,
    name: "blob grace and release, token ids and scopes, users/groups/permissions, audit, nonces",
    sql: `
ALTER TABLE blobs ADD COLUMN touched BIGINT NOT NULL DEFAULT 0;
ALTER TABLE blobs ADD COLUMN gone BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX blobs_touched ON blobs(touched);
CREATE INDEX downloads_sha256 ON downloads(sha256);
ALTER TABLE tokens ADD COLUMN id TEXT COLLATE "C";
ALTER TABLE tokens ADD COLUMN description TEXT;
ALTER TABLE tokens ADD COLUMN scopes TEXT;
ALTER TABLE tokens ADD COLUMN service BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE tokens ADD COLUMN last_used BIGINT;
UPDATE tokens SET id = substr(hash, 1, 16) WHERE id IS NULL;
ALTER TABLE tokens ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX tokens_id ON tokens(id);
CREATE INDEX tokens_user ON tokens("user", created);
CREATE TABLE security (
  kind TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, name)
);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  ts BIGINT NOT NULL,
  "user" TEXT COLLATE "C" NOT NULL,
  token_id TEXT COLLATE "C",
  ip TEXT NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  repo TEXT COLLATE "C",
  path TEXT COLLATE "C",
  build_name TEXT COLLATE "C",
  build_number TEXT COLLATE "C",
  details TEXT
);
CREATE INDEX audit_ts ON audit(ts);
CREATE INDEX audit_build ON audit(build_name, build_number);
CREATE TABLE nonces (
  scope TEXT COLLATE "C" NOT NULL,
  nonce TEXT COLLATE "C" NOT NULL,
  expires BIGINT NOT NULL,
  PRIMARY KEY (scope, nonce)
);
CREATE INDEX nonces_expires ON nonces(expires);`
  },
  {
    version: 3,
    name: "build parts (build-info recorded in pieces until the build is published)",
    sql: `
CREATE TABLE build_parts (
  id BIGSERIAL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  number TEXT COLLATE "C" NOT NULL,
  part TEXT COLLATE "C" NOT NULL,
  updated BIGINT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (name, number, part)
);`
  },
  {
    version: 4,
    name: "change notifications for the in-memory caches of repositories, security and tokens",
    sql: `
CREATE FUNCTION stowage_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${CHANGES_CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END $$;
CREATE TRIGGER repositories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON repositories
  FOR EACH STATEMENT EXECUTE FUNCTION stowage_notify_change();
CREATE TRIGGER security_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON security
  FOR EACH STATEMENT EXECUTE FUNCTION stowage_notify_change();
-- A token's last use is bookkeeping: it changes nothing a cache answers.
CREATE TRIGGER tokens_changed AFTER INSERT OR DELETE OR TRUNCATE ON tokens
  FOR EACH STATEMENT EXECUTE FUNCTION stowage_notify_change();
CREATE TRIGGER tokens_updated AFTER UPDATE OF id, hash, "user", admin, build_name, build_number,
  created, expires, description, scopes, service ON tokens
  FOR EACH STATEMENT EXECUTE FUNCTION stowage_notify_change();`
  }
];
var SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
var TYPES = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 1700)
      return (v) => Number(v);
    return esm_default.types.getTypeParser(oid, format);
  }
};
function lockId(key) {
  return createHash("sha256").update(key).digest().readBigInt64BE(0).toString();
}
var ARTIFACT_COLUMNS = `a.id, a.repo, a.path, a.sha256, b.sha1, b.md5, b.size, a.created, a.created_by, a.modified, a.modified_by`;
var FROM_ARTIFACTS = `FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256`;
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
function under(first) {
  const p = `$${first}`;
  return `(a.path = ${p} OR (a.path >= ${p} || '/' AND a.path < ${p} || '0') OR ${p} = '')`;
}
function checksumColumn(by) {
  if (by.sha256)
    return ["sha256", by.sha256.toLowerCase()];
  if (by.sha1)
    return ["sha1", by.sha1.toLowerCase()];
  if (by.md5)
    return ["md5", by.md5.toLowerCase()];
  throw new Error("a checksum is required");
}
function propArrays(props) {
  const keys = [];
  const values = [];
  for (const [k, vs] of Object.entries(props)) {
    for (const v of vs) {
      keys.push(k);
      values.push(v);
    }
  }
  return [keys, values];
}
var PgMetaStore = class _PgMetaStore {
  #pool;
  #lockPool;
  /** Keeps nested calls that share a connection apart (see withLock). */
  #local = new KeyedMutex();
  #held = new AsyncLocalStorage();
  analytics;
  /** Repositories, security documents and tokens in memory, kept coherent by NOTIFY. */
  #cache;
  #listenConfig;
  #listener;
  /** Bumped by every change notification; undefined while no listener is connected. */
  #changes;
  #changeCount = 0;
  #listenRetry;
  #closed = false;
  /**
   * Told about connection failures no caller sees: an idle connection dropped, or the
   * connection holding a lock lost while its holder runs (the lock is then released on the
   * server). startServer points it at the server's log.
   */
  onConnectionError = () => void 0;
  constructor(opts) {
    const size = opts.poolSize ?? 10;
    const base = { connectionString: opts.url, types: TYPES, keepAlive: true };
    if (opts.schema !== void 0)
      base.options = `-c search_path=${opts.schema}`;
    this.#pool = new esm_default.Pool({
      ...base,
      max: size,
      connectionTimeoutMillis: 15e3,
      application_name: "stowage"
    });
    this.#lockPool = new esm_default.Pool({ ...base, max: 2 * size, application_name: "stowage-locks" });
    this.#pool.on("error", (err) => this.onConnectionError(err, "an idle connection failed"));
    this.#lockPool.on("error", (err) => this.onConnectionError(err, "an idle lock connection failed"));
    this.analytics = new PgAnalytics(this.#pool);
    this.#listenConfig = { ...base, application_name: "stowage-changes" };
    this.#cache = new MetaCache(() => this.#changes, () => this.#held.getStore()?.open === true);
  }
  /**
   * Listens for changes to repositories, security documents and tokens (made by any replica:
   * the triggers of migration 4 notify). While no listener is connected the caches are off.
   */
  async #listen(delay = LISTEN_RETRY_MS.first) {
    if (this.#closed)
      return;
    const client = new esm_default.Client(this.#listenConfig);
    const lost = (err) => {
      if (this.#listener !== client)
        return;
      this.#listener = void 0;
      this.#changes = void 0;
      if (err)
        this.onConnectionError(err, "the change listener connection failed");
      client.end().catch(() => void 0);
      if (this.#closed)
        return;
      this.#listenRetry = setTimeout(() => {
        this.#listen().catch(() => void 0);
      }, LISTEN_RETRY_MS.first);
      this.#listenRetry.unref();
    };
    client.on("error", (err) => lost(err));
    client.on("end", () => lost());
    client.on("notification", () => {
      if (this.#changes !== void 0)
        this.#changes = ++this.#changeCount;
    });
    this.#listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.#listener !== client)
        return;
      this.#changes = ++this.#changeCount;
    } catch (err) {
      if (this.#listener !== client)
        return;
      this.#listener = void 0;
      client.end().catch(() => void 0);
      if (this.#closed)
        return;
      if (delay === LISTEN_RETRY_MS.first)
        this.onConnectionError(err, "the change listener could not connect");
      this.#listenRetry = setTimeout(() => {
        this.#listen(Math.min(delay * 2, LISTEN_RETRY_MS.max)).catch(() => void 0);
      }, delay);
      this.#listenRetry.unref();
    }
  }
  /** Connects, applies the migrations this database lacks and returns the store. */
  static async open(opts) {
    if (opts.schema !== void 0 && !SCHEMA_NAME.test(opts.schema)) {
      throw new MetaStoreError(`schema "${opts.schema}" is not a plain lower-case SQL name; use letters, digits and _`);
    }
    const store = new _PgMetaStore(opts);
    try {
      await store.#migrate(opts.schema);
      await store.#listen();
    } catch (err) {
      await store.close();
      if (err instanceof MetaStoreError)
        throw err;
      throw new MetaStoreError(`cannot open the PostgreSQL metadata store at ${redact(opts.url)}: ${err.message}`, { cause: err });
    }
    return store;
  }
  async #migrate(schema) {
    const c = await this.#pool.connect();
    let broken = false;
    try {
      await c.query("SELECT pg_advisory_lock($1)", [lockId(`stowage-migrations\0${schema ?? ""}`)]);
      try {
        if (schema !== void 0)
          await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c.query(`CREATE TABLE IF NOT EXISTS stowage_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`);
        const r = await c.query("SELECT max(version) AS v FROM stowage_migrations");
        const current = r.rows[0]?.v ?? 0;
        const known = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
        if (current > known) {
          throw new MetaStoreError(`the metadata database is at schema version ${current}, newer than this server knows (${known}); run the newer Stowage version on every replica`);
        }
        for (const m of MIGRATIONS) {
          if (m.version <= current)
            continue;
          await c.query("BEGIN");
          try {
            await c.query(m.sql);
            await c.query("INSERT INTO stowage_migrations (version, name, applied) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
            await c.query("COMMIT");
          } catch (err) {
            await c.query("ROLLBACK").catch(() => broken = true);
            throw err;
          }
        }
      } finally {
        await c.query("SELECT pg_advisory_unlock_all()").catch(() => broken = true);
      }
    } finally {
      c.release(broken);
    }
  }
  /** The schema version the database is at (for tests and operations). */
  async schemaVersion() {
    const r = await this.#pool.query("SELECT max(version) AS v FROM stowage_migrations");
    return r.rows[0]?.v ?? 0;
  }
  async #tx(fn) {
    const c = await this.#pool.connect();
    let broken = false;
    try {
      await c.query("BEGIN");
      try {
        const out = await fn(c);
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => broken = true);
        throw err;
      }
    } finally {
      c.release(broken);
    }
  }
  async #rows(sql, params = []) {
    return (await this.#pool.query(sql, params)).rows;
  }
  /**
   * Order matters, so that no wait can close a cycle: a top-level call first takes a lock
   * connection (holding nothing while it waits for one), then the in-process mutex of `key`,
   * then the advisory lock. Whoever holds an in-process mutex therefore already has its
   * connection, and a nested call never needs a second one: it locks on the connection of the
   * outermost call. The in-process mutex is what keeps two nested calls on one connection
   * apart (advisory locks are re-entrant within a session).
   */
  async withLock(key, fn) {
    const id = lockId(key);
    const outer = this.#held.getStore();
    if (outer?.open) {
      const client2 = outer.client;
      return this.#local.run(key, async () => {
        await client2.query("SELECT pg_advisory_lock($1)", [id]);
        try {
          return await fn();
        } finally {
          await client2.query("SELECT pg_advisory_unlock($1)", [id]);
        }
      });
    }
    const client = await this.#lockPool.connect();
    const lost = (err) => this.onConnectionError(err, `the connection holding lock ${JSON.stringify(key)} broke`);
    client.on("error", lost);
    let broken = false;
    try {
      return await this.#local.run(key, async () => {
        try {
          await client.query("SELECT pg_advisory_lock($1)", [id]);
        } catch (err) {
          broken = true;
          throw err;
        }
        const held = { client, open: true };
        try {
          return await this.#held.run(held, fn);
        } finally {
          held.open = false;
          try {
            await client.query("SELECT pg_advisory_unlock($1)", [id]);
          } catch {
            broken = true;
          }
        }
      });
    } finally {
      client.off("error", lost);
      client.release(broken);
    }
  }
  async ping() {
    await this.#pool.query("SELECT 1");
  }
  cacheStamp() {
    return this.#cache.stamp();
  }
  #repos() {
    return this.#cache.repos(async () => (await this.#rows("SELECT config FROM repositories ORDER BY key")).map((r) => JSON.parse(r.config)));
  }
  /** Runs a write of `topic`, forgetting what the cache held of it before and after. */
  async #changing(topic, write) {
    this.#cache.invalidate(topic);
    try {
      return await write();
    } finally {
      this.#cache.invalidate(topic);
    }
  }
  async listRepos() {
    return [...(await this.#repos()).values()];
  }
  async getRepo(key) {
    return (await this.#repos()).get(key);
  }
  async putRepo(cfg) {
    await this.#changing("repos", () => this.#pool.query(`INSERT INTO repositories (key, config) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET config = excluded.config`, [cfg.key, JSON.stringify(cfg)]));
  }
  async deleteRepo(key) {
    return this.#changing("repos", () => this.#tx(async (c) => {
      const r = await c.query("DELETE FROM artifacts WHERE repo = $1 RETURNING sha256", [key]);
      await c.query("DELETE FROM repositories WHERE key = $1", [key]);
      return [...new Set(r.rows.map((x) => x.sha256))];
    }));
  }
  async findBlob(by) {
    const [col, value] = checksumColumn(by);
    const r = await this.#rows(`SELECT sha256, sha1, md5, size FROM blobs WHERE ${col} = $1 AND NOT gone LIMIT 1`, [value]);
    return r[0];
  }
  async isBlobReferenced(sha256) {
    return (await this.#rows("SELECT 1 FROM artifacts WHERE sha256 = $1 LIMIT 1", [sha256])).length > 0;
  }
  async deleteBlob(sha256) {
    await this.#pool.query("DELETE FROM blobs WHERE sha256 = $1", [sha256]);
  }
  async touchBlob(blob) {
    await touch(this.#pool, blob, Date.now());
  }
  async listUnreferencedBlobs(touchedBefore) {
    return (await this.#rows(`SELECT b.sha256 FROM blobs b WHERE NOT b.gone AND b.touched <= $1
           AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256) ORDER BY b.sha256`, [touchedBefore])).map((r) => r.sha256);
  }
  async releaseBlob(sha256, touchedBefore) {
    return this.#tx(async (c) => {
      const claim = await c.query(`SELECT 1 FROM blobs b WHERE b.sha256 = $1 AND NOT b.gone AND b.touched <= $2
           AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256) FOR UPDATE`, [sha256, touchedBefore]);
      if (claim.rowCount === 0)
        return false;
      const ref = await c.query("SELECT 1 FROM artifacts WHERE sha256 = $1 LIMIT 1", [sha256]);
      if ((ref.rowCount ?? 0) > 0)
        return false;
      const dl = await c.query("SELECT 1 FROM downloads WHERE sha256 = $1 LIMIT 1", [sha256]);
      if ((dl.rowCount ?? 0) > 0)
        await c.query("UPDATE blobs SET gone = true WHERE sha256 = $1", [sha256]);
      else
        await c.query("DELETE FROM blobs WHERE sha256 = $1", [sha256]);
      return true;
    });
  }
  async getArtifact(repo, path) {
    const r = await this.#rows(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE a.repo = $1 AND a.path = $2`, [repo, path]);
    return r[0] ? toArtifact(r[0]) : void 0;
  }
  async deployArtifact(a) {
    const now = Date.now();
    return this.#tx(async (c) => {
      await touch(c, a.blob, now);
      const old = await c.query("SELECT sha256 FROM artifacts WHERE repo = $1 AND path = $2 FOR UPDATE", [a.repo, a.path]);
      const r = await c.query(`INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
         VALUES ($1, $2, $3, $4, $5, $4, $5)
         ON CONFLICT (repo, path) DO UPDATE SET sha256 = excluded.sha256, modified = excluded.modified,
           modified_by = excluded.modified_by
         RETURNING id, created, created_by`, [a.repo, a.path, a.blob.sha256, now, a.user]);
      const row = r.rows[0];
      if (row === void 0)
        throw new Error("artifact row vanished inside its own transaction");
      if (old.rows[0])
        await c.query("DELETE FROM properties WHERE artifact_id = $1", [row.id]);
      await insertProps(c, [row.id], a.properties);
      if (a.audit)
        await appendAudit(c, a.audit);
      return deployedRecord(a, row, now, old.rows[0]?.sha256);
    });
  }
  async deleteArtifacts(repo, path) {
    const r = await this.#rows(`DELETE FROM artifacts AS a WHERE a.repo = $1 AND ${under(2)} RETURNING a.sha256`, [repo, path]);
    return [...new Set(r.map((x) => x.sha256))];
  }
  async listFiles(repo, folder) {
    const rows = folder === "" ? await this.#rows(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE a.repo = $1 ORDER BY a.path`, [repo]) : await this.#rows(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS}
             WHERE a.repo = $1 AND a.path >= $2 AND a.path < $3 ORDER BY a.path`, [repo, `${folder}/`, `${folder}0`]);
    return rows.map(toArtifact);
  }
  async folderExists(repo, path) {
    if (path === "")
      return true;
    return (await this.#rows("SELECT 1 FROM artifacts a WHERE a.repo = $1 AND a.path >= $2 AND a.path < $3 LIMIT 1", [repo, `${path}/`, `${path}0`])).length > 0;
  }
  async getProperties(artifactId) {
    const out = {};
    for (const r of await this.#rows("SELECT key, value FROM properties WHERE artifact_id = $1 ORDER BY key, value", [artifactId])) {
      (out[r.key] ??= []).push(r.value);
    }
    return out;
  }
  async #idsUnder(c, repo, path) {
    const r = await c.query(`SELECT a.id FROM artifacts a WHERE a.repo = $1 AND ${under(2)} ORDER BY a.id FOR UPDATE`, [repo, path]);
    return r.rows.map((x) => x.id);
  }
  async setProperties(repo, path, props) {
    return this.#tx(async (c) => {
      const ids = await this.#idsUnder(c, repo, path);
      if (ids.length) {
        await c.query("DELETE FROM properties WHERE artifact_id = ANY($1) AND key = ANY($2)", [
          ids,
          Object.keys(props)
        ]);
        await insertProps(c, ids, props);
      }
      return ids.length;
    });
  }
  async deleteProperties(repo, path, keys) {
    return this.#tx(async (c) => {
      const ids = await this.#idsUnder(c, repo, path);
      if (ids.length)
        await c.query("DELETE FROM properties WHERE artifact_id = ANY($1) AND key = ANY($2)", [
          ids,
          keys
        ]);
      return ids.length;
    });
  }
  async findByProperties(props, repo) {
    const params = [];
    const joins = Object.entries(props).map(([k, v], i) => {
      params.push(k, v);
      return `JOIN properties p${i} ON p${i}.artifact_id = a.id AND p${i}.key = $${2 * i + 1} AND p${i}.value = $${2 * i + 2}`;
    }).join(" ");
    let where = "";
    if (repo !== void 0) {
      params.push(repo);
      where = `WHERE a.repo = $${params.length}`;
    }
    return (await this.#rows(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} ${joins} ${where} ORDER BY a.repo, a.path`, params)).map(toArtifact);
  }
  async findByChecksum(by, repo) {
    const [col, v] = checksumColumn(by);
    const params = [v];
    let where = `b.${col} = $1`;
    if (repo !== void 0) {
      where += " AND a.repo = $2";
      params.push(repo);
    }
    return (await this.#rows(`SELECT ${ARTIFACT_COLUMNS} ${FROM_ARTIFACTS} WHERE ${where} ORDER BY a.repo, a.path`, params)).map(toArtifact);
  }
  /**
   * Serialises the writers of one build across replicas until the transaction ends: putBuild,
   * putBuildIf, putBuildPart, publishBuildParts and deleteBuild of the same build take it, so a
   * conditional write or a publish sees no change between its read and its write.
   */
  async #lockBuild(c, name, number) {
    await c.query("SELECT pg_advisory_xact_lock($1)", [lockId(`build\0${name}\0${number}`)]);
  }
  /** The stored document text of a build, its row locked until the transaction ends. */
  async #buildDoc(c, name, number) {
    const r = await c.query("SELECT doc FROM builds WHERE name = $1 AND number = $2 FOR UPDATE", [name, number]);
    return r.rows[0]?.doc;
  }
  /** Writes a build and its analytics rows (inside the caller's transaction); its revision. */
  async #writeBuild(c, doc, startedMs) {
    const text = JSON.stringify(doc);
    const r = await c.query(`INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name, number) DO UPDATE SET started = excluded.started,
         started_ms = excluded.started_ms, doc = excluded.doc
       RETURNING id`, [doc.name, doc.number, doc.started, startedMs, Date.now(), text]);
    const id = r.rows[0]?.id;
    if (id === void 0)
      throw new Error("build row vanished inside its own transaction");
    await indexBuild(c, id, doc);
    return revisionOf(text);
  }
  async putBuild(doc, startedMs) {
    await this.#tx(async (c) => {
      await this.#lockBuild(c, doc.name, doc.number);
      await this.#writeBuild(c, doc, startedMs);
    });
  }
  async getBuildRevision(name, number) {
    const r = await this.#rows("SELECT doc FROM builds WHERE name = $1 AND number = $2", [name, number]);
    return r[0] ? revisionOf(r[0].doc) : void 0;
  }
  async putBuildIf(doc, startedMs, expected) {
    return this.#tx(async (c) => {
      await this.#lockBuild(c, doc.name, doc.number);
      const text = await this.#buildDoc(c, doc.name, doc.number);
      const current = text === void 0 ? null : revisionOf(text);
      if (current !== expected)
        return void 0;
      return this.#writeBuild(c, doc, startedMs);
    });
  }
  async putBuildPart(name, number, part, doc) {
    await this.#tx(async (c) => {
      await this.#lockBuild(c, name, number);
      await c.query(`INSERT INTO build_parts (name, number, part, updated, doc) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name, number, part) DO UPDATE SET updated = excluded.updated, doc = excluded.doc`, [name, number, part, Date.now(), JSON.stringify(doc)]);
    });
  }
  async listBuildParts(name, number) {
    return (await this.#rows("SELECT part, doc, updated FROM build_parts WHERE name = $1 AND number = $2 ORDER BY updated, id", [name, number])).map((r) => ({
      part: r.part,
      updated: r.updated,
      doc: JSON.parse(r.doc)
    }));
  }
  async publishBuildParts(name, number, merge) {
    return this.#tx(async (c) => {
      await this.#lockBuild(c, name, number);
      const text = await this.#buildDoc(c, name, number);
      const rows = await c.query("SELECT id, doc FROM build_parts WHERE name = $1 AND number = $2 ORDER BY updated, id FOR UPDATE", [name, number]);
      const parts = rows.rows.map((r) => JSON.parse(r.doc));
      const { doc, startedMs } = merge(text === void 0 ? void 0 : JSON.parse(text), parts);
      const revision = await this.#writeBuild(c, doc, startedMs);
      await c.query("DELETE FROM build_parts WHERE id = ANY($1)", [rows.rows.map((r) => r.id)]);
      return { doc, parts: parts.length, revision };
    });
  }
  async getBuild(name, number) {
    const r = await this.#rows("SELECT doc FROM builds WHERE name = $1 AND number = $2", [name, number]);
    return r[0] ? JSON.parse(r[0].doc) : void 0;
  }
  async listBuilds() {
    return (await this.#rows(`SELECT DISTINCT ON (name) name, started FROM builds ORDER BY name, started_ms DESC, created DESC`)).map((r) => ({ name: r.name, lastStarted: r.started }));
  }
  async listBuildNumbers(name) {
    return (await this.#rows("SELECT name, number, started, started_ms, created FROM builds WHERE name = $1 ORDER BY started_ms DESC, created DESC", [name])).map((r) => ({
      name: r.name,
      number: r.number,
      started: r.started,
      startedMs: r.started_ms,
      created: r.created
    }));
  }
  async deleteBuild(name, number) {
    return this.#tx(async (c) => {
      await this.#lockBuild(c, name, number);
      await c.query("DELETE FROM build_parts WHERE name = $1 AND number = $2", [name, number]);
      const r = await c.query("DELETE FROM builds WHERE name = $1 AND number = $2", [name, number]);
      return (r.rowCount ?? 0) > 0;
    });
  }
  async applyPromotion(p) {
    const now = Date.now();
    try {
      await this.#tx(async (c) => {
        for (const repo of [...new Set(p.ops.map((o) => o.toRepo))].sort())
          await c.query("SELECT pg_advisory_xact_lock($1)", [lockId(`promotion\0${repo}`)]);
        const sources = [...new Set(p.ops.map((o) => o.artifactId))].sort((x, y) => x - y);
        const srcRows = await c.query("SELECT id, sha256 FROM artifacts WHERE id = ANY($1) ORDER BY id FOR UPDATE", [sources]);
        const shaOf = new Map(srcRows.rows.map((r) => [r.id, r.sha256]));
        for (const op of p.ops) {
          const sha256 = shaOf.get(op.artifactId);
          if (sha256 === void 0)
            throw new Error(`artifact ${op.artifactId} disappeared during promotion`);
          const ex = await c.query("SELECT id, sha256 FROM artifacts WHERE repo = $1 AND path = $2 FOR UPDATE", [op.toRepo, op.toPath]);
          const existing = ex.rows[0];
          let targetId;
          if (existing && existing.id === op.artifactId) {
            targetId = existing.id;
          } else if (existing) {
            if (existing.sha256 !== sha256) {
              throw new PromotionConflict(`${op.toRepo}/${op.toPath} already exists with different content`);
            }
            targetId = existing.id;
            await copyProps(c, op.artifactId, targetId);
            if (op.move)
              await c.query("DELETE FROM artifacts WHERE id = $1", [op.artifactId]);
          } else if (op.move) {
            await c.query("UPDATE artifacts SET repo = $1, path = $2, modified = $3, modified_by = $4 WHERE id = $5", [op.toRepo, op.toPath, now, p.user, op.artifactId]);
            targetId = op.artifactId;
          } else {
            const r = await c.query(`INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
               VALUES ($1, $2, $3, $4, $5, $4, $5) RETURNING id`, [op.toRepo, op.toPath, sha256, now, p.user]);
            const id2 = r.rows[0]?.id;
            if (id2 === void 0)
              throw new Error("copied artifact row vanished");
            targetId = id2;
            await copyProps(c, op.artifactId, targetId);
          }
          const keys = Object.keys(p.properties);
          if (keys.length) {
            await c.query("DELETE FROM properties WHERE artifact_id = $1 AND key = ANY($2)", [
              targetId,
              keys
            ]);
            await insertProps(c, [targetId], p.properties);
          }
        }
        const b = await c.query("UPDATE builds SET doc = $1 WHERE name = $2 AND number = $3 AND started = $4 RETURNING id", [JSON.stringify(p.build), p.build.name, p.build.number, p.build.started]);
        const id = b.rows[0]?.id;
        if (id !== void 0)
          await indexBuild(c, id, p.build);
      });
    } catch (err) {
      if (err.code === "23505")
        throw new PromotionConflict("a target path was taken by a concurrent change; retry", {
          cause: err
        });
      throw err;
    }
  }
  async putToken(t) {
    await this.#changing("tokens", () => this.#insertToken(t));
  }
  async #insertToken(t) {
    await this.#pool.query(`INSERT INTO tokens (id, hash, "user", admin, build_name, build_number, created, expires,
         description, scopes, service)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      t.id,
      t.hash,
      t.user,
      t.admin,
      t.build?.name ?? null,
      t.build?.number ?? null,
      t.created,
      t.expires ?? null,
      t.description ?? null,
      t.scopes ? JSON.stringify(t.scopes) : null,
      t.service ?? false
    ]);
  }
  async findToken(hash) {
    return this.#cache.token(hash, async () => {
      const r = (await this.#rows("SELECT * FROM tokens WHERE hash = $1", [hash]))[0];
      return r ? toToken(r) : void 0;
    });
  }
  async listTokens(filter = {}) {
    const rows = filter.user === void 0 ? await this.#rows("SELECT * FROM tokens ORDER BY created DESC, id") : await this.#rows('SELECT * FROM tokens WHERE "user" = $1 ORDER BY created DESC, id', [filter.user]);
    return rows.map(toToken);
  }
  async getToken(id) {
    const r = (await this.#rows("SELECT * FROM tokens WHERE id = $1", [id]))[0];
    return r ? toToken(r) : void 0;
  }
  async deleteToken(id) {
    const r = await this.#changing("tokens", () => this.#pool.query("DELETE FROM tokens WHERE id = $1", [id]));
    return (r.rowCount ?? 0) > 0;
  }
  async touchToken(id, at) {
    await this.#changing("tokens", () => this.#pool.query("UPDATE tokens SET last_used = $1 WHERE id = $2", [at, id]));
  }
  async #listDocs(kind) {
    return this.#cache.list(kind, async () => (await this.#rows("SELECT doc FROM security WHERE kind = $1 ORDER BY name", [kind])).map((r) => JSON.parse(r.doc)));
  }
  async #getDoc(kind, name) {
    const r = (await this.#rows("SELECT doc FROM security WHERE kind = $1 AND name = $2", [
      kind,
      name
    ]))[0];
    return r ? JSON.parse(r.doc) : void 0;
  }
  async #putDoc(kind, name, doc) {
    await this.#changing("security", () => this.#pool.query(`INSERT INTO security (kind, name, doc) VALUES ($1, $2, $3)
         ON CONFLICT (kind, name) DO UPDATE SET doc = excluded.doc`, [kind, name, JSON.stringify(doc)]));
  }
  async #deleteDoc(kind, name) {
    const r = await this.#changing("security", () => this.#pool.query("DELETE FROM security WHERE kind = $1 AND name = $2", [kind, name]));
    return (r.rowCount ?? 0) > 0;
  }
  async listUsers() {
    return this.#listDocs("user");
  }
  async getUser(name) {
    return this.#getDoc("user", name);
  }
  async putUser(u) {
    await this.#putDoc("user", u.name, u);
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
    await this.#putDoc("group", g.name, g);
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
    await this.#putDoc("permission", t.name, t);
  }
  async deletePermissionTarget(name) {
    return this.#deleteDoc("permission", name);
  }
  async appendAudit(e) {
    await appendAudit(this.#pool, e);
  }
  async listAudit(f) {
    const where = [];
    const params = [];
    const cond = (sql, v) => {
      params.push(v);
      where.push(sql(`$${params.length}`));
    };
    if (f.user !== void 0)
      cond((p) => `"user" = ${p}`, f.user);
    if (f.repo !== void 0)
      cond((p) => `repo = ${p}`, f.repo);
    if (f.buildName !== void 0)
      cond((p) => `build_name = ${p}`, f.buildName);
    if (f.buildNumber !== void 0)
      cond((p) => `build_number = ${p}`, f.buildNumber);
    if (f.action !== void 0) {
      if (f.action.endsWith("*") || f.action.endsWith("."))
        cond((p) => `left(action, length(${p}::text)) = ${p}`, f.action.replace(/\*$/, ""));
      else
        cond((p) => `action = ${p}`, f.action);
    }
    if (f.since !== void 0)
      cond((p) => `ts >= ${p}`, f.since);
    if (f.until !== void 0)
      cond((p) => `ts <= ${p}`, f.until);
    params.push(f.limit ?? 1e3);
    const rows = await this.#rows(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY ts DESC, id DESC LIMIT $${params.length}`, params);
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
    const now = Date.now();
    await this.#pool.query("DELETE FROM nonces WHERE expires <= $1", [now]);
    const r = await this.#pool.query(`INSERT INTO nonces (scope, nonce, expires) VALUES ($1, $2, $3)
       ON CONFLICT (scope, nonce) DO UPDATE SET expires = excluded.expires
         WHERE nonces.expires <= $4`, [scope, nonce, expires, now]);
    return r.rowCount === 1;
  }
  async getCacheEntry(repo, path) {
    const r = (await this.#rows("SELECT fetched, etag, last_modified FROM remote_cache WHERE repo = $1 AND path = $2", [repo, path]))[0];
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
    await this.#pool.query(`INSERT INTO remote_cache (repo, path, fetched, etag, last_modified) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (repo, path) DO UPDATE SET fetched = excluded.fetched, etag = excluded.etag,
         last_modified = excluded.last_modified`, [e.repo, e.path, e.fetched, e.etag ?? null, e.lastModified ?? null]);
  }
  async recordDownloads(ds) {
    if (ds.length === 0)
      return;
    const now = Date.now();
    for (let i = 0; i < ds.length; i += 1e3) {
      const slice = ds.slice(i, i + 1e3);
      const values = [];
      const rows = slice.map((d, j) => {
        values.push(d.ts ?? now, d.repo, d.path, d.sha256, d.user);
        values.push(d.buildName ?? null, d.buildNumber ?? null);
        const n = j * 7;
        return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7})`;
      });
      await this.#pool.query(`INSERT INTO downloads (ts, repo, path, sha256, "user", build_name, build_number)
         VALUES ${rows.join(", ")}`, values);
    }
  }
  async listBuildDownloads(buildName, buildNumber) {
    return this.#rows(`SELECT d.repo, d.path, d.sha256, b.sha1, b.md5, b.size FROM downloads d JOIN blobs b ON b.sha256 = d.sha256
       WHERE d.build_name = $1 AND d.build_number = $2
       GROUP BY d.repo, d.path, d.sha256, b.sha1, b.md5, b.size ORDER BY d.repo, d.path`, [buildName, buildNumber]);
  }
  async putUpload(u) {
    await this.#pool.query(`INSERT INTO uploads (uuid, repo, image, staging, size, started, touched)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (uuid) DO UPDATE SET size = excluded.size, touched = excluded.touched`, [u.uuid, u.repo, u.image, u.staging, u.size, u.started, u.touched]);
  }
  async getUpload(uuid) {
    return (await this.#rows("SELECT * FROM uploads WHERE uuid = $1", [uuid]))[0];
  }
  async deleteUpload(uuid) {
    const r = await this.#pool.query("DELETE FROM uploads WHERE uuid = $1", [uuid]);
    return (r.rowCount ?? 0) > 0;
  }
  async listUploads(before) {
    return this.#rows("SELECT * FROM uploads WHERE touched < $1 ORDER BY touched", [
      before
    ]);
  }
  /**
   * The query pool's connections (the lock pool apart): open, idle, and requests waiting for
   * one. /metrics reports them.
   */
  poolStats() {
    return {
      total: this.#pool.totalCount,
      idle: this.#pool.idleCount,
      waiting: this.#pool.waitingCount
    };
  }
  async close() {
    this.#closed = true;
    clearTimeout(this.#listenRetry);
    const listener = this.#listener;
    this.#listener = void 0;
    this.#changes = void 0;
    await Promise.all([
      this.#pool.end(),
      this.#lockPool.end(),
      listener?.end().catch(() => void 0)
    ]);
  }
};
async function appendAudit(q, e) {
  await q.query(`INSERT INTO audit (ts, "user", token_id, ip, action, repo, path, build_name, build_number, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
    e.ts,
    e.user,
    e.tokenId ?? null,
    e.ip,
    e.action,
    e.repo ?? null,
    e.path ?? null,
    e.buildName ?? null,
    e.buildNumber ?? null,
    e.details ? JSON.stringify(e.details) : null
  ]);
}
async function touch(q, blob, now) {
  await q.query(`INSERT INTO blobs (sha256, sha1, md5, size, created, touched) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (sha256) DO UPDATE SET touched = excluded.touched, gone = false`, [blob.sha256, blob.sha1, blob.md5, blob.size, now]);
}
function toToken(r) {
  const t = {
    id: r.id,
    hash: r.hash,
    user: r.user,
    admin: r.admin,
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
  if (r.service)
    t.service = true;
  if (r.last_used !== null)
    t.lastUsed = r.last_used;
  return t;
}
async function insertProps(c, ids, props) {
  const [keys, values] = propArrays(props);
  if (keys.length === 0 || ids.length === 0)
    return;
  await c.query(`INSERT INTO properties (artifact_id, key, value)
     SELECT i.id, kv.key, kv.value FROM unnest($1::bigint[]) AS i(id)
       CROSS JOIN unnest($2::text[], $3::text[]) AS kv(key, value)
     ON CONFLICT DO NOTHING`, [ids, keys, values]);
}
async function copyProps(c, fromId, toId) {
  await c.query(`INSERT INTO properties (artifact_id, key, value)
     SELECT $1, key, value FROM properties WHERE artifact_id = $2 ON CONFLICT DO NOTHING`, [toId, fromId]);
}
function redact(url) {
  try {
    const u = new URL(url);
    if (u.password)
      u.password = "***";
    return u.toString();
  } catch {
    return "(an unparseable URL)";
  }
}
export {
  MIGRATIONS,
  MetaStoreError,
  PgMetaStore,
  lockId,
  redact
};
