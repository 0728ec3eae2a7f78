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

/** The statements that index NEW (a `builds` row) — the body of both triggers. */
const INDEX_NEW = `
  INSERT INTO build_index (name, number, started_ms) VALUES (new.name, new.number, new.started_ms)
    ON CONFLICT (name, number) DO UPDATE SET started_ms = excluded.started_ms;
  DELETE FROM build_artifacts WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  DELETE FROM build_deps WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  DELETE FROM build_statuses WHERE build_id = (SELECT id FROM build_index WHERE name = new.name AND number = new.number);
  INSERT INTO build_artifacts (build_id, module, module_type, name, path, sha1, sha256, md5, size)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      m.value ->> 'id', lower(m.value ->> 'type'), a.value ->> 'name', a.value ->> 'path',
      lower(a.value ->> 'sha1'), lower(a.value ->> 'sha256'), lower(a.value ->> 'md5'),
      CAST(a.value ->> 'size' AS INTEGER)
    FROM json_each(new.doc, '$.modules') m, json_each(m.value, '$.artifacts') a;
  INSERT INTO build_deps (build_id, module, dep_id, dep_name, dep_version, checksum, scopes)
    SELECT (SELECT id FROM build_index WHERE name = new.name AND number = new.number),
      m.value ->> 'id', d.value ->> 'id', ${DEP.name}, ${DEP.version},
      lower(coalesce(d.value ->> 'sha256', d.value ->> 'sha1', d.value ->> 'md5')),
      d.value ->> 'scopes'
    FROM json_each(new.doc, '$.modules') m, json_each(m.value, '$.dependencies') d;
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
  checksums: string;
  ids: string;
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

  /** Per-package variation across the given builds (ordered oldest first by `ids`). */
  depVariations(ids: number[], limit: number): DepVariationRow[] {
    if (ids.length === 0) return [];
    return this.#all<DepVariationRow>(
      `SELECT dep_name AS name, COUNT(DISTINCT dep_version) AS versions,
         COUNT(DISTINCT checksum) AS checksums,
         SUM(prev_v IS NOT NULL AND prev_v IS NOT dep_version) AS versionChanges,
         SUM(prev_v IS NOT NULL AND prev_v IS dep_version AND prev_c IS NOT checksum) AS checksumChanges,
         COUNT(DISTINCT build_id) AS builds,
         MAX(last_v) AS latestVersion
       FROM (
         SELECT d.dep_name, d.dep_version, d.checksum, d.build_id,
           LAST_VALUE(d.dep_version) OVER (PARTITION BY d.dep_name ORDER BY o.key
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_v,
           LAG(d.dep_version) OVER w AS prev_v,
           LAG(d.checksum) OVER w AS prev_c
         FROM json_each(:ids) o JOIN build_deps d ON d.build_id = o.value
         WINDOW w AS (PARTITION BY d.module, d.dep_name ORDER BY o.key)
       )
       GROUP BY dep_name
       ORDER BY versionChanges + checksumChanges DESC, versions DESC, checksums DESC, dep_name
       LIMIT :limit`,
      { ids: JSON.stringify(ids), limit },
    );
  }

  /** Versions seen with more than one checksum across the given builds. */
  redFlags(ids: number[]): RedFlagRow[] {
    if (ids.length === 0) return [];
    return this.#all<RedFlagRow>(
      `SELECT d.dep_name AS name, d.dep_version AS version,
         json_group_array(DISTINCT d.checksum) AS checksums, json_group_array(DISTINCT d.build_id) AS ids
       FROM build_deps d WHERE d.build_id IN (SELECT value FROM json_each(:ids))
         AND d.dep_version IS NOT NULL AND d.checksum IS NOT NULL
       GROUP BY d.dep_name, d.dep_version HAVING COUNT(DISTINCT d.checksum) > 1
       ORDER BY d.dep_name, d.dep_version`,
      { ids: JSON.stringify(ids) },
    );
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
