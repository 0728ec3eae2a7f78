/**
 * Normalized build tables for analytics, kept in step with the `builds` JSON documents by
 * SQLite triggers: whatever writes `builds` (publish, promotion, delete, retention, another
 * process) updates `build_index`, `build_artifacts`, `build_deps` and `build_statuses` in the
 * same transaction. Builds stored before these tables existed are indexed at startup.
 *
 * Queries here return rows; the shapes the API answers with are assembled in analytics.ts.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/** Bump when the indexed columns or their derivation change: every build is re-indexed. */
const INDEX_VERSION = '1';

/** `id` → (package, version) exactly as core's splitDependencyId: last `@` (not first char), else last `:`. */
const SPLIT = (id: string): { name: string; version: string } => {
  const at = `rtrim(${id}, replace(${id}, '@', ''))`;
  const colon = `rtrim(${id}, replace(${id}, ':', ''))`;
  return {
    name: `CASE WHEN length(${at}) > 1 THEN substr(${at}, 1, length(${at}) - 1)
      WHEN length(${colon}) > 1 THEN substr(${colon}, 1, length(${colon}) - 1) ELSE ${id} END`,
    version: `CASE WHEN length(${at}) > 1 THEN substr(${id}, length(${at}) + 1)
      WHEN length(${colon}) > 1 THEN substr(${id}, length(${colon}) + 1) ELSE NULL END`,
  };
};

/** A build-info timestamp (`…SSS+0000`, `…Z`, `…+00:00`) as epoch ms; NULL when unparseable. */
const STATUS_TS = (t: string): string =>
  `CAST(round(unixepoch(CASE WHEN ${t} LIKE '%Z' OR substr(${t}, -3, 1) = ':' THEN ${t}
     ELSE substr(${t}, 1, length(${t}) - 2) || ':' || substr(${t}, -2) END, 'subsec') * 1000) AS INTEGER)`;

const DEP = SPLIT(`d.value ->> 'id'`);

/**
 * The modules of NEW with one list each, read once per module: `LIMIT -1` keeps SQLite from
 * flattening the subquery, which would re-parse the whole module for every row of the list.
 */
const MODULES = (list: 'artifacts' | 'dependencies'): string =>
  `(SELECT m.value ->> 'id' AS id, lower(m.value ->> 'type') AS type, m.value -> '$.${list}' AS list
    FROM json_each(new.doc, '$.modules') m WHERE m.value -> '$.${list}' IS NOT NULL LIMIT -1)`;

/** The statements that index NEW (a `builds` row) — the body of both triggers. */
const INDEX_NEW = `
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
    FROM ${MODULES('artifacts')} m, json_each(m.list) a;
  INSERT INTO build_deps (build_id, module, dep_id, dep_name, dep_version, checksum, scopes)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      m.id, d.value ->> 'id', ${DEP.name}, ${DEP.version},
      lower(coalesce(d.value ->> 'sha256', d.value ->> 'sha1', d.value ->> 'md5')),
      d.value ->> 'scopes'
    FROM ${MODULES('dependencies')} m, json_each(m.list) d;
  INSERT INTO build_statuses (build_id, status, repo, ts)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      s.value ->> 'status', s.value ->> 'repository',
      coalesce(CAST(s.value ->> 'timestampDate' AS INTEGER), ${STATUS_TS(`(s.value ->> 'timestamp')`)})
    FROM json_each(new.doc, '$.statuses') s;
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS analytics_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS build_deps (
  build_id INTEGER NOT NULL REFERENCES build_index(id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  dep_id TEXT NOT NULL,
  dep_name TEXT NOT NULL,
  dep_version TEXT,
  checksum TEXT,
  scopes TEXT
);
CREATE INDEX IF NOT EXISTS build_deps_build ON build_deps(build_id);
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

export interface IndexedBuild {
  id: number;
  name: string;
  number: string;
  started: number;
}

export interface StatusRow {
  id: number;
  name: string;
  number: string;
  started: number;
  status: string | null;
  repo: string | null;
  ts: number | null;
}

export interface ArtifactSizeRow {
  id: number;
  module: string;
  moduleType: string | null;
  name: string;
  sha256: string | null;
  size: number | null;
}

export interface DepVariationRow {
  name: string;
  versions: number;
  checksums: number;
  versionChanges: number;
  checksumChanges: number;
  builds: number;
  latestVersion: string | null;
}

export interface RedFlagRow {
  name: string;
  version: string;
  checksums: string[];
  /** Build ids, in the order given. */
  ids: number[];
}

export interface RepoStorageRow {
  repo: string;
  files: number;
  logicalBytes: number;
  physicalBytes: number;
  blobs: number;
}

/** The size of a build artifact: its own `size`, else the stored blob's by sha256, sha1, md5. */
const SIZE = `coalesce(ba.size,
  (SELECT b.size FROM blobs b WHERE b.sha256 = ba.sha256),
  (SELECT b.size FROM blobs b WHERE b.sha1 = ba.sha1 LIMIT 1),
  (SELECT b.size FROM blobs b WHERE b.md5 = ba.md5 LIMIT 1))`;

/** The analytics tables over the metadata database (receives SqliteMetaStore's connection). */
export class AnalyticsStore {
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#backfill();
  }

  #all<T>(sql: string, params: Record<string, SQLInputValue> = {}): T[] {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s.all(params) as T[];
  }

  /** Indexes builds stored before the tables existed (or under an older INDEX_VERSION). */
  #backfill(): void {
    const row = this.#db
      .prepare(`SELECT value FROM analytics_meta WHERE key = 'index_version'`)
      .get() as { value: string } | undefined;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      if (row?.value !== INDEX_VERSION) this.#db.exec('DELETE FROM build_index');
      // Touching a row fires the update trigger, which indexes it.
      this.#db.exec(`UPDATE builds SET doc = doc WHERE NOT EXISTS
        (SELECT 1 FROM build_index i WHERE i.name = builds.name AND i.number = builds.number)`);
      this.#db
        .prepare(
          `INSERT INTO analytics_meta (key, value) VALUES ('index_version', :v)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        )
        .run({ v: INDEX_VERSION });
      this.#db.exec('COMMIT');
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Build names, or one name, with builds started in [from, to). */
  statuses(name: string | undefined, from: number, to: number): StatusRow[] {
    return this.#all<StatusRow>(
      `SELECT i.id, i.name, i.number, i.started_ms AS started, s.status, s.repo, s.ts
       FROM build_index i LEFT JOIN build_statuses s ON s.build_id = i.id
       WHERE (:name IS NULL OR i.name = :name) AND i.started_ms >= :from AND i.started_ms < :to
       ORDER BY i.name, i.started_ms, i.id, s.rowid`,
      { name: name ?? null, from, to },
    );
  }

  /** The newest `last` builds of a name, oldest first. */
  recent(name: string, last: number): IndexedBuild[] {
    return this.#all<IndexedBuild>(
      `SELECT id, name, number, started_ms AS started FROM
         (SELECT id, name, number, started_ms FROM build_index WHERE name = :name
          ORDER BY started_ms DESC, id DESC LIMIT :last)
       ORDER BY started_ms, id`,
      { name, last },
    );
  }

  find(name: string, number: string): IndexedBuild | undefined {
    return this.#all<IndexedBuild>(
      `SELECT id, name, number, started_ms AS started FROM build_index WHERE name = :name AND number = :number`,
      { name, number },
    )[0];
  }

  /** Artifacts of the given builds with their resolved sizes, in build-info order. */
  artifacts(ids: number[], dockerOnly = false): ArtifactSizeRow[] {
    if (ids.length === 0) return [];
    return this.#all<ArtifactSizeRow>(
      `SELECT ba.build_id AS id, ba.module, ba.module_type AS moduleType, ba.name, ba.sha256, ${SIZE} AS size
       FROM build_artifacts ba
       WHERE ba.build_id IN (SELECT value FROM json_each(:ids)) ${dockerOnly ? `AND ba.module_type = 'docker'` : ''}
       ORDER BY ba.build_id, ba.rowid`,
      { ids: JSON.stringify(ids) },
    );
  }

  /**
   * Per-package variation across the given builds (`ids` oldest first): distinct versions and
   * checksums, changes between consecutive builds (per module), and versions seen with more
   * than one checksum. Aggregated here rather than in SQL: window functions and DISTINCT over
   * text keys sort every row, which is several times slower than one pass over indexed rows.
   */
  depVariations(ids: number[], limit: number): { deps: DepVariationRow[]; flags: RedFlagRow[] } {
    let stmt = this.#stmts.get('depRows');
    if (!stmt) {
      stmt = this.#db.prepare(
        'SELECT module, dep_name, dep_version, checksum FROM build_deps WHERE build_id = ?',
      );
      stmt.setReturnArrays(true);
      this.#stmts.set('depRows', stmt);
    }
    interface Acc {
      row: DepVariationRow;
      versions: Set<string | null>;
      checksums: Set<string | null>;
      lastBuild: number;
    }
    const acc = new Map<string, Acc>();
    const prev = new Map<string, [string | null, string | null]>();
    const sums = new Map<
      string,
      { name: string; version: string; sums: Set<string>; ids: number[] }
    >();
    for (const id of ids) {
      for (const r of stmt.iterate(id) as Iterable<
        [string, string, string | null, string | null]
      >) {
        const [module, name, version, checksum] = r;
        let a = acc.get(name);
        if (!a) {
          a = {
            row: {
              name,
              versions: 0,
              checksums: 0,
              versionChanges: 0,
              checksumChanges: 0,
              builds: 0,
              latestVersion: null,
            },
            versions: new Set(),
            checksums: new Set(),
            lastBuild: -1,
          };
          acc.set(name, a);
        }
        a.versions.add(version);
        a.checksums.add(checksum);
        if (a.lastBuild !== id) a.row.builds++;
        a.lastBuild = id;
        a.row.latestVersion = version;
        const key = `${module}\0${name}`;
        const p = prev.get(key);
        if (p) {
          if (p[0] !== version) a.row.versionChanges++;
          else if (p[1] !== checksum) a.row.checksumChanges++;
        }
        prev.set(key, [version, checksum]);
        if (version !== null && checksum !== null) {
          const vk = `${name}\0${version}`;
          let f = sums.get(vk);
          if (!f) sums.set(vk, (f = { name, version, sums: new Set(), ids: [] }));
          f.sums.add(checksum);
          if (f.ids[f.ids.length - 1] !== id) f.ids.push(id);
        }
      }
    }
    const deps = [...acc.values()].map((a) => ({
      ...a.row,
      versions: [...a.versions].filter((v) => v !== null).length,
      checksums: [...a.checksums].filter((c) => c !== null).length,
    }));
    deps.sort(
      (x, y) =>
        y.versionChanges + y.checksumChanges - (x.versionChanges + x.checksumChanges) ||
        y.versions - x.versions ||
        y.checksums - x.checksums ||
        (x.name < y.name ? -1 : x.name > y.name ? 1 : 0),
    );
    const flags = [...sums.values()]
      .filter((f) => f.sums.size > 1)
      .map((f) => ({ name: f.name, version: f.version, checksums: [...f.sums].sort(), ids: f.ids }))
      .sort((x, y) =>
        x.name < y.name ? -1 : x.name > y.name ? 1 : x.version < y.version ? -1 : 1,
      );
    return { deps: deps.slice(0, limit), flags };
  }

  /** Files, logical and physical (distinct blob) bytes per repository. */
  storage(): { repos: RepoStorageRow[]; physicalBytes: number; blobs: number } {
    const repos = this.#all<RepoStorageRow>(
      `SELECT repo, SUM(files) AS files, SUM(logical) AS logicalBytes, SUM(size) AS physicalBytes,
         COUNT(*) AS blobs
       FROM (SELECT a.repo, a.sha256, b.size, COUNT(*) AS files, COUNT(*) * b.size AS logical
             FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256 GROUP BY a.repo, a.sha256)
       GROUP BY repo ORDER BY repo`,
    );
    const total = this.#all<{ bytes: number | null; blobs: number }>(
      `SELECT SUM(b.size) AS bytes, COUNT(*) AS blobs FROM blobs b
       WHERE EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)`,
    )[0];
    return { repos, physicalBytes: total?.bytes ?? 0, blobs: total?.blobs ?? 0 };
  }
}
