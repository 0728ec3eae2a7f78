/**
 * Build analytics on PostgreSQL: the same normalized tables as SQLite's (analytics-store.ts),
 * written by PgMetaStore in the transaction that writes the build (publish, promotion; a
 * deleted build's rows go by ON DELETE CASCADE), and the same queries. The rows are derived
 * from the build-info document here exactly as SQLite's triggers derive them in SQL, so both
 * engines give the same answers on the same history (test/metastore-conformance.test.ts
 * replays the analytics histories against both).
 */
import type { Pool, PoolClient } from 'pg';
import type { BuildInfo } from '@stowage/core';
import {
  dependencyVariations,
  type Analytics,
  type ArtifactSizeRow,
  type DepRow,
  type DepVariationRow,
  type IndexedBuild,
  type RedFlagRow,
  type RepoStorageRow,
  type StatusRow,
} from './analytics-store.ts';

/** The analytics tables (part of the first migration in metastore-pg.ts). */
export const ANALYTICS_SCHEMA = `
CREATE TABLE build_artifacts (
  build_id BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  module TEXT COLLATE "C" NOT NULL,
  module_type TEXT COLLATE "C",
  name TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C",
  sha1 TEXT COLLATE "C",
  sha256 TEXT COLLATE "C",
  md5 TEXT COLLATE "C",
  size BIGINT,
  PRIMARY KEY (build_id, seq)
);
CREATE TABLE build_deps (
  build_id BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  module TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  version TEXT COLLATE "C",
  checksum TEXT COLLATE "C",
  PRIMARY KEY (build_id, seq)
);
CREATE TABLE build_statuses (
  build_id BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  repo TEXT COLLATE "C",
  ts BIGINT,
  PRIMARY KEY (build_id, seq)
);
`;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** SQLite's `->>` of a JSON value: text as is, numbers and booleans as their text, else null. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return null;
}

/** SQLite's `CAST(x AS INTEGER)`: a leading integer of text (else 0), a number truncated. */
function sqliteInt(v: unknown): number | null {
  if (v === null || v === undefined || typeof v === 'object') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const m = /^\s*([+-]?\d+)/.exec(String(v));
  return m?.[1] ? Number(m[1]) : 0;
}

const lower = (v: string | null): string | null => (v === null ? null : v.toLowerCase());

/** core's splitDependencyId, as SQLite's SPLIT: last `@` (not first char), else last `:`. */
function splitId(id: string): { name: string; version: string | null } {
  const at = id.lastIndexOf('@');
  if (at > 0) return { name: id.slice(0, at), version: id.slice(at + 1) };
  const colon = id.lastIndexOf(':');
  if (colon > 0) return { name: id.slice(0, colon), version: id.slice(colon + 1) };
  return { name: id, version: null };
}

const SQLITE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * A build-info timestamp (`…SSS+0000`, `…Z`, `…+00:00`) as epoch ms, as SQLite's STATUS_TS
 * reads it (`+0000` becomes `+00:00`, then unixepoch(…, 'subsec')); null when unparseable.
 */
export function statusTimestamp(t: string | null): number | null {
  if (t === null) return null;
  const norm = t.endsWith('Z') || t.slice(-3, -2) === ':' ? t : `${t.slice(0, -2)}:${t.slice(-2)}`;
  const m = SQLITE_TIME.exec(norm);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  ms += Math.round(Number(`0.${frac || '0'}`) * 1000);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

/** Replaces the analytics rows of build `id` with those derived from `doc`. */
export async function indexBuild(c: PoolClient, id: number, doc: BuildInfo): Promise<void> {
  await c.query('DELETE FROM build_artifacts WHERE build_id = $1', [id]);
  await c.query('DELETE FROM build_deps WHERE build_id = $1', [id]);
  await c.query('DELETE FROM build_statuses WHERE build_id = $1', [id]);
  const d = doc as unknown as Json;
  const modules = Array.isArray(d.modules) ? d.modules.filter(isObject) : [];

  const art = { module: [] as string[], type: [] as (string | null)[], name: [] as string[] };
  const artRest = {
    path: [] as (string | null)[],
    sha1: [] as (string | null)[],
    sha256: [] as (string | null)[],
    md5: [] as (string | null)[],
    size: [] as (number | null)[],
  };
  const dep = {
    module: [] as string[],
    name: [] as string[],
    version: [] as (string | null)[],
    checksum: [] as (string | null)[],
  };
  for (const m of modules) {
    const moduleId = text(m.id) ?? '';
    const type = lower(text(m.type));
    if (Array.isArray(m.artifacts)) {
      for (const a of m.artifacts) {
        const o = isObject(a) ? a : {};
        art.module.push(moduleId);
        art.type.push(type);
        art.name.push(text(o.name) ?? '');
        artRest.path.push(text(o.path));
        artRest.sha1.push(lower(text(o.sha1)));
        artRest.sha256.push(lower(text(o.sha256)));
        artRest.md5.push(lower(text(o.md5)));
        artRest.size.push(sqliteInt(o.size));
      }
    }
    if (Array.isArray(m.dependencies)) {
      for (const x of m.dependencies) {
        const o = isObject(x) ? x : {};
        const split = splitId(text(o.id) ?? '');
        dep.module.push(moduleId);
        dep.name.push(split.name);
        dep.version.push(split.version);
        dep.checksum.push(lower(text(o.sha256) ?? text(o.sha1) ?? text(o.md5)));
      }
    }
  }
  if (art.name.length) {
    await c.query(
      `INSERT INTO build_artifacts (build_id, seq, module, module_type, name, path, sha1, sha256, md5, size)
       SELECT $1, t.ord, t.module, t.type, t.name, t.path, t.sha1, t.sha256, t.md5, t.size
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
         WITH ORDINALITY AS t(module, type, name, path, sha1, sha256, md5, size, ord)`,
      [
        id,
        art.module,
        art.type,
        art.name,
        artRest.path,
        artRest.sha1,
        artRest.sha256,
        artRest.md5,
        artRest.size,
      ],
    );
  }
  if (dep.name.length) {
    await c.query(
      `INSERT INTO build_deps (build_id, seq, module, name, version, checksum)
       SELECT $1, t.ord, t.module, t.name, t.version, t.checksum
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(module, name, version, checksum, ord)`,
      [id, dep.module, dep.name, dep.version, dep.checksum],
    );
  }
  const statuses = Array.isArray(d.statuses) ? d.statuses : [];
  if (statuses.length) {
    const st = {
      status: [] as string[],
      repo: [] as (string | null)[],
      ts: [] as (number | null)[],
    };
    for (const s of statuses) {
      const o = isObject(s) ? s : {};
      st.status.push(text(o.status) ?? '');
      st.repo.push(text(o.repository));
      st.ts.push(sqliteInt(o.timestampDate) ?? statusTimestamp(text(o.timestamp)));
    }
    await c.query(
      `INSERT INTO build_statuses (build_id, seq, status, repo, ts)
       SELECT $1, t.ord, t.status, t.repo, t.ts
       FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t(status, repo, ts, ord)`,
      [id, st.status, st.repo, st.ts],
    );
  }
}

/** The size of a build artifact: its own `size`, else the stored blob's by sha256, sha1, md5. */
const SIZE = `coalesce(ba.size,
  (SELECT b.size FROM blobs b WHERE b.sha256 = ba.sha256),
  (SELECT b.size FROM blobs b WHERE b.sha1 = ba.sha1 LIMIT 1),
  (SELECT b.size FROM blobs b WHERE b.md5 = ba.md5 LIMIT 1))`;

/** The analytics queries over PgMetaStore's pool. */
export class PgAnalytics implements Analytics {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async statuses(name: string | undefined, from: number, to: number): Promise<StatusRow[]> {
    const r = await this.#pool.query<StatusRow>(
      `SELECT b.id, b.name, b.number, b.started_ms AS started, s.status, s.repo, s.ts
       FROM builds b LEFT JOIN build_statuses s ON s.build_id = b.id
       WHERE ($1::text IS NULL OR b.name = $1) AND b.started_ms >= $2 AND b.started_ms < $3
       ORDER BY b.name, b.started_ms, b.id, s.seq`,
      [name ?? null, from, to],
    );
    return r.rows;
  }

  async recent(name: string, last: number): Promise<IndexedBuild[]> {
    const r = await this.#pool.query<IndexedBuild>(
      `SELECT id, name, number, started FROM
         (SELECT id, name, number, started_ms AS started FROM builds WHERE name = $1
          ORDER BY started_ms DESC, id DESC LIMIT $2) AS newest
       ORDER BY started, id`,
      [name, last],
    );
    return r.rows;
  }

  async find(name: string, number: string): Promise<IndexedBuild | undefined> {
    const r = await this.#pool.query<IndexedBuild>(
      'SELECT id, name, number, started_ms AS started FROM builds WHERE name = $1 AND number = $2',
      [name, number],
    );
    return r.rows[0];
  }

  async artifacts(ids: number[], dockerOnly = false): Promise<ArtifactSizeRow[]> {
    if (ids.length === 0) return [];
    const r = await this.#pool.query<ArtifactSizeRow>(
      `SELECT ba.build_id AS id, ba.module, ba.module_type AS "moduleType", ba.name, ba.sha256, ${SIZE} AS size
       FROM build_artifacts ba
       WHERE ba.build_id = ANY($1::bigint[]) ${dockerOnly ? `AND ba.module_type = 'docker'` : ''}
       ORDER BY ba.build_id, ba.seq`,
      [ids],
    );
    return r.rows;
  }

  async depVariations(
    ids: number[],
    limit: number,
  ): Promise<{ deps: DepVariationRow[]; flags: RedFlagRow[] }> {
    const byBuild = new Map<number, DepRow<string>[]>();
    if (ids.length) {
      const r = await this.#pool.query<[number, string, string, string | null, string | null]>({
        text: `SELECT build_id, module, name, version, checksum FROM build_deps
               WHERE build_id = ANY($1::bigint[]) ORDER BY build_id, seq`,
        values: [ids],
        rowMode: 'array',
      });
      for (const [id, module, name, version, checksum] of r.rows) {
        let list = byBuild.get(id);
        if (!list) byBuild.set(id, (list = []));
        list.push([module, name, version, checksum]);
      }
    }
    return dependencyVariations<string>(
      ids,
      (id) => byBuild.get(id) ?? [],
      (wanted) => new Map([...wanted].map((s) => [s, s])),
      limit,
    );
  }

  async storage(): Promise<{ repos: RepoStorageRow[]; physicalBytes: number; blobs: number }> {
    const repos = await this.#pool.query<RepoStorageRow>(
      `SELECT repo, SUM(files)::bigint AS files, SUM(logical)::bigint AS "logicalBytes",
         SUM(size)::bigint AS "physicalBytes", COUNT(*)::bigint AS blobs
       FROM (SELECT a.repo, a.sha256, b.size, COUNT(*) AS files, COUNT(*) * b.size AS logical
             FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256 GROUP BY a.repo, a.sha256, b.size) AS per_blob
       GROUP BY repo ORDER BY repo`,
    );
    const total = await this.#pool.query<{ bytes: number | null; blobs: number }>(
      `SELECT SUM(b.size)::bigint AS bytes, COUNT(*)::bigint AS blobs FROM blobs b
       WHERE EXISTS (SELECT 1 FROM artifacts a WHERE a.sha256 = b.sha256)`,
    );
    const t = total.rows[0];
    return { repos: repos.rows, physicalBytes: t?.bytes ?? 0, blobs: t?.blobs ?? 0 };
  }
}
