// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/storage-errors.js
init_define_STOWAGE_UI_ASSETS();
var MetaStoreError = class extends Error {
  name = "MetaStoreError";
  code = "ERR_METADATA_STORE";
};
var MigrationError = class extends Error {
  name = "MigrationError";
  code = "ERR_MIGRATION";
};

// ../server/dist/internal/analytics-store.js
init_define_STOWAGE_UI_ASSETS();
var INDEX_VERSION = "2";
var SPLIT = (id) => {
  const at = `rtrim(${id}, replace(${id}, '@', ''))`;
  const colon = `rtrim(${id}, replace(${id}, ':', ''))`;
  return {
    name: `CASE WHEN length(${at}) > 1 THEN substr(${at}, 1, length(${at}) - 1)
      WHEN length(${colon}) > 1 THEN substr(${colon}, 1, length(${colon}) - 1) ELSE ${id} END`,
    version: `CASE WHEN length(${at}) > 1 THEN substr(${id}, length(${at}) + 1)
      WHEN length(${colon}) > 1 THEN substr(${id}, length(${colon}) + 1) ELSE NULL END`
  };
};
var STATUS_TS = (t) => `CAST(round(unixepoch(CASE WHEN ${t} LIKE '%Z' OR substr(${t}, -3, 1) = ':' THEN ${t}
     ELSE substr(${t}, 1, length(${t}) - 2) || ':' || substr(${t}, -2) END, 'subsec') * 1000) AS INTEGER)`;
var DEP = SPLIT(`d.value ->> 'id'`);
var MODULES = (list) => `(SELECT m.id AS pos, m.value ->> 'id' AS id, lower(m.value ->> 'type') AS type, m.value -> '$.${list}' AS list
    FROM json_each(new.doc, '$.modules') m WHERE m.value -> '$.${list}' IS NOT NULL LIMIT -1)`;
var DEPS = `(SELECT m.pos * 4294967296 + d.id AS seq, CAST(m.id AS TEXT) AS module,
    CAST(${DEP.name} AS TEXT) AS name, CAST(${DEP.version} AS TEXT) AS version,
    lower(coalesce(d.value ->> 'sha256', d.value ->> 'sha1', d.value ->> 'md5')) AS checksum
  FROM ${MODULES("dependencies")} m, json_each(m.list) d LIMIT -1)`;
var STR = (v) => `(SELECT s.id FROM dep_strings s WHERE s.value = ${v})`;
var INDEX_NEW = `
  INSERT INTO build_index (name, number, started_ms) VALUES (new.name, new.number, new.started_ms)
    ON CONFLICT (name, number) DO UPDATE SET started_ms = excluded.started_ms;
  DELETE FROM build_artifacts WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  DELETE FROM build_deps WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  DELETE FROM build_statuses WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  INSERT INTO build_artifacts (build_id, module, module_type, name, path, sha1, sha256, md5, size)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      m.id, m.type, a.value ->> 'name', a.value ->> 'path',
      lower(a.value ->> 'sha1'), lower(a.value ->> 'sha256'), lower(a.value ->> 'md5'),
      CAST(a.value ->> 'size' AS INTEGER)
    FROM ${MODULES("artifacts")} m, json_each(m.list) a;
  DELETE FROM dep_scratch;
  INSERT INTO dep_scratch (seq, module, name, version, checksum) SELECT * FROM ${DEPS};
  INSERT INTO dep_strings (value) SELECT DISTINCT d.module FROM dep_scratch d
    WHERE d.module IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dep_strings s WHERE s.value = d.module);
  INSERT INTO dep_strings (value) SELECT DISTINCT d.name FROM dep_scratch d
    WHERE d.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dep_strings s WHERE s.value = d.name);
  INSERT INTO dep_strings (value) SELECT DISTINCT d.version FROM dep_scratch d
    WHERE d.version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dep_strings s WHERE s.value = d.version);
  INSERT INTO dep_strings (value) SELECT DISTINCT d.checksum FROM dep_scratch d
    WHERE d.checksum IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dep_strings s WHERE s.value = d.checksum);
  INSERT INTO build_deps (build_id, seq, module, name, version, checksum)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      d.seq, ${STR("d.module")}, ${STR("d.name")}, ${STR("d.version")}, ${STR("d.checksum")}
    FROM dep_scratch d;
  DELETE FROM dep_scratch;
  INSERT INTO build_statuses (build_id, status, repo, ts)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      s.value ->> 'status', s.value ->> 'repository',
      coalesce(CAST(s.value ->> 'timestampDate' AS INTEGER), ${STATUS_TS(`(s.value ->> 'timestamp')`)})
    FROM json_each(new.doc, '$.statuses') s;
`;
var META = `CREATE TABLE IF NOT EXISTS analytics_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`;
var RESHAPED = `
DROP TRIGGER IF EXISTS builds_analytics_insert;
DROP TRIGGER IF EXISTS builds_analytics_update;
DROP TRIGGER IF EXISTS builds_analytics_delete;
DROP TABLE IF EXISTS build_deps;
DROP TABLE IF EXISTS dep_strings;
DROP TABLE IF EXISTS dep_scratch;
`;
var SCHEMA = `
CREATE TABLE IF NOT EXISTS build_index (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  number TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  UNIQUE (name, number)
);
CREATE INDEX IF NOT EXISTS build_index_started ON build_index(name, started_ms);
CREATE TABLE IF NOT EXISTS build_artifacts (
  build_id INTEGER NOT NULL REFERENCES build_index(id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  module_type TEXT,
  name TEXT NOT NULL,
  path TEXT,
  sha1 TEXT,
  sha256 TEXT,
  md5 TEXT,
  size INTEGER
);
CREATE INDEX IF NOT EXISTS build_artifacts_build ON build_artifacts(build_id);
-- Module ids, package names, versions and checksums of dependencies, interned: build_deps rows
-- are a few integers, stored in build order (the dependency variation query reads them by build).
-- Strings stay when the builds using them go (a few hundred bytes per new version or checksum).
CREATE TABLE IF NOT EXISTS dep_strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
-- The dependencies of the build being indexed, parsed once per trigger; empty between statements.
CREATE TABLE IF NOT EXISTS dep_scratch (seq INTEGER PRIMARY KEY, module TEXT, name TEXT, version TEXT, checksum TEXT);
CREATE TABLE IF NOT EXISTS build_deps (
  build_id INTEGER NOT NULL REFERENCES build_index(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  module INTEGER NOT NULL,
  name INTEGER NOT NULL,
  version INTEGER,
  checksum INTEGER,
  PRIMARY KEY (build_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS build_statuses (
  build_id INTEGER NOT NULL REFERENCES build_index(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  repo TEXT,
  ts INTEGER
);
CREATE INDEX IF NOT EXISTS build_statuses_build ON build_statuses(build_id);
DROP TRIGGER IF EXISTS builds_analytics_insert;
DROP TRIGGER IF EXISTS builds_analytics_update;
DROP TRIGGER IF EXISTS builds_analytics_delete;
CREATE TRIGGER builds_analytics_insert AFTER INSERT ON builds BEGIN ${INDEX_NEW} END;
CREATE TRIGGER builds_analytics_update AFTER UPDATE ON builds BEGIN
  DELETE FROM build_index WHERE (name <> new.name OR number <> new.number) AND name = old.name AND number = old.number;
  ${INDEX_NEW}
END;
CREATE TRIGGER builds_analytics_delete AFTER DELETE ON builds BEGIN
  DELETE FROM build_index WHERE name = old.name AND number = old.number;
END;
`;
function dependencyVariations(ids, rowsOf, texts, limit) {
  const acc = /* @__PURE__ */ new Map();
  const prev = /* @__PURE__ */ new Map();
  let prevModule;
  let prevOfModule = /* @__PURE__ */ new Map();
  for (const id of ids) {
    for (const [module, name, version, checksum] of rowsOf(id)) {
      if (module !== prevModule) {
        let m = prev.get(module);
        if (!m)
          prev.set(module, m = /* @__PURE__ */ new Map());
        prevModule = module;
        prevOfModule = m;
      }
      const p = prevOfModule.get(name);
      let a;
      let flag;
      if (p && p.version === version && p.checksum === checksum) {
        a = p.a;
        flag = p.flag;
      } else {
        const found = acc.get(name);
        if (found)
          a = found;
        else {
          a = {
            name,
            versions: /* @__PURE__ */ new Set(),
            checksums: /* @__PURE__ */ new Set(),
            versionChanges: 0,
            checksumChanges: 0,
            builds: 0,
            latestVersion: null,
            lastBuild: -1,
            flags: /* @__PURE__ */ new Map()
          };
          acc.set(name, a);
        }
        if (version !== null)
          a.versions.add(version);
        if (checksum !== null)
          a.checksums.add(checksum);
        if (version !== null && checksum !== null) {
          flag = a.flags.get(version);
          if (!flag)
            a.flags.set(version, flag = { sums: /* @__PURE__ */ new Set(), ids: [] });
          flag.sums.add(checksum);
        }
        if (p) {
          if (p.version !== version)
            a.versionChanges++;
          else
            a.checksumChanges++;
          p.version = version;
          p.checksum = checksum;
          p.flag = flag;
        } else
          prevOfModule.set(name, { a, version, checksum, flag });
      }
      if (a.lastBuild !== id)
        a.builds++;
      a.lastBuild = id;
      a.latestVersion = version;
      if (flag && flag.ids[flag.ids.length - 1] !== id)
        flag.ids.push(id);
    }
  }
  const wanted = /* @__PURE__ */ new Set();
  const flagged = [];
  for (const a of acc.values()) {
    wanted.add(a.name);
    if (a.latestVersion !== null)
      wanted.add(a.latestVersion);
    for (const [version, f] of a.flags) {
      if (f.sums.size < 2)
        continue;
      flagged.push({ a, version, f });
      wanted.add(version);
      for (const c of f.sums)
        wanted.add(c);
    }
  }
  const str = texts(wanted);
  const text = (id) => str.get(id) ?? "";
  const deps = [...acc.values()].map((a) => ({
    name: text(a.name),
    versions: a.versions.size,
    checksums: a.checksums.size,
    versionChanges: a.versionChanges,
    checksumChanges: a.checksumChanges,
    builds: a.builds,
    latestVersion: a.latestVersion === null ? null : text(a.latestVersion)
  }));
  deps.sort((x, y) => y.versionChanges + y.checksumChanges - (x.versionChanges + x.checksumChanges) || y.versions - x.versions || y.checksums - x.checksums || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const flags = flagged.map(({ a, version, f }) => ({
    name: text(a.name),
    version: text(version),
    checksums: [...f.sums].map(text).sort(),
    ids: f.ids
  })).sort((x, y) => x.name < y.name ? -1 : x.name > y.name ? 1 : x.version < y.version ? -1 : 1);
  return { deps: deps.slice(0, limit), flags };
}
var SIZE = `coalesce(ba.size,
  (SELECT b.size FROM blobs b WHERE b.sha256 = ba.sha256),
  (SELECT b.size FROM blobs b WHERE b.sha1 = ba.sha1 LIMIT 1),
  (SELECT b.size FROM blobs b WHERE b.md5 = ba.md5 LIMIT 1))`;
var AnalyticsStore = class {
  #db;
  #stmts = /* @__PURE__ */ new Map();
  constructor(db) {
    this.#db = db;
    this.#migrate();
  }
  #all(sql, params = {}) {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s.all(params);
  }
  /**
   * Creates the tables and triggers, and indexes builds stored before the tables existed (or
   * under an older INDEX_VERSION: then the reshaped tables are re-created and every build is
   * re-indexed).
   */
  #migrate() {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      this.#db.exec(META);
      const row = this.#db.prepare(`SELECT value FROM analytics_meta WHERE key = 'index_version'`).get();
      const stale = row?.value !== INDEX_VERSION;
      if (stale)
        this.#db.exec(RESHAPED);
      this.#db.exec(SCHEMA);
      if (stale)
        this.#db.exec("DELETE FROM build_index");
      this.#db.exec(`UPDATE builds SET doc = doc WHERE NOT EXISTS
        (SELECT 1 FROM build_index i WHERE i.name = builds.name AND i.number = builds.number)`);
      this.#db.prepare(`INSERT INTO analytics_meta (key, value) VALUES ('index_version', :v)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run({ v: INDEX_VERSION });
      this.#db.exec("COMMIT");
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }
  /** Build names, or one name, with builds started in [from, to). */
  async statuses(name, from, to) {
    return this.#all(`SELECT i.id, i.name, i.number, i.started_ms AS started, s.status, s.repo, s.ts
       FROM build_index i LEFT JOIN build_statuses s ON s.build_id = i.id
       WHERE (:name IS NULL OR i.name = :name) AND i.started_ms >= :from AND i.started_ms < :to
       ORDER BY i.name, i.started_ms, i.id, s.rowid`, { name: name ?? null, from, to });
  }
  /** The newest `last` builds of a name, oldest first. */
  async recent(name, last) {
    return this.#all(`SELECT id, name, number, started_ms AS started FROM
         (SELECT id, name, number, started_ms FROM build_index WHERE name = :name
          ORDER BY started_ms DESC, id DESC LIMIT :last)
       ORDER BY started_ms, id`, { name, last });
  }
  async find(name, number) {
    return this.#all(`SELECT id, name, number, started_ms AS started FROM build_index WHERE name = :name AND number = :number`, { name, number })[0];
  }
  /** Artifacts of the given builds with their resolved sizes, in build-info order. */
  async artifacts(ids, dockerOnly = false) {
    if (ids.length === 0)
      return [];
    return this.#all(`SELECT ba.build_id AS id, ba.module, ba.module_type AS moduleType, ba.name, ba.sha256, ${SIZE} AS size
       FROM build_artifacts ba
       WHERE ba.build_id IN (SELECT value FROM json_each(:ids)) ${dockerOnly ? `AND ba.module_type = 'docker'` : ""}
       ORDER BY ba.build_id, ba.rowid`, { ids: JSON.stringify(ids) });
  }
  /** See dependencyVariations; the rows here are interned integers (`dep_strings`). */
  async depVariations(ids, limit) {
    let stmt = this.#stmts.get("depRows");
    if (!stmt) {
      stmt = this.#db.prepare("SELECT module, name, version, checksum FROM build_deps WHERE build_id = ? ORDER BY seq");
      stmt.setReturnArrays(true);
      this.#stmts.set("depRows", stmt);
    }
    const rows = stmt;
    return dependencyVariations(
      ids,
      // .all() per build: materializing 500 rows at once is about twice as fast as .iterate().
      (id) => rows.all(id),
      (wanted) => {
        const str = /* @__PURE__ */ new Map();
        for (const { id, value } of this.#all("SELECT id, value FROM dep_strings WHERE id IN (SELECT value FROM json_each(:ids))", { ids: JSON.stringify([...wanted]) }))
          str.set(id, value);
        return str;
      },
      limit
    );
  }
  /** Files, logical and physical (distinct blob) bytes per repository. */
  async storage() {
    const repos = this.#all(`SELECT repo, SUM(files) AS files, SUM(logical) AS logicalBytes, SUM(size) AS physicalBytes,
         COUNT(*) AS blobs
       FROM (SELECT a.repo, a.sha256, b.size, COUNT(*) AS files, COUNT(*) * b.size AS logical
             FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256 GROUP BY a.repo, a.sha256)
       GROUP BY repo ORDER BY repo`);
    const total = this.#all(`SELECT SUM(b.size) AS bytes, COUNT(*) AS blobs FROM blobs b
       WHERE EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)`)[0];
    return { repos, physicalBytes: total?.bytes ?? 0, blobs: total?.blobs ?? 0 };
  }
};

export {
  dependencyVariations,
  AnalyticsStore,
  MetaStoreError,
  MigrationError
};
