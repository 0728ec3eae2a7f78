/**
 * `stowage migrate`: copies an installation on SQLite + a blob store (the data directory's
 * files, usually) to PostgreSQL + another blob store (S3, usually): every blob (re-hashed on
 * the way and checked against its record), repository, artifact with its properties and
 * timestamps, build (with its promotions, which live in the build-info's statuses, and its
 * analytics rows), download record, token and remote-cache entry. Idempotent: a second run
 * copies only what is missing and changes nothing else; the target is then verified against
 * the source. OCI uploads in progress are not carried over (clients restart them).
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import type { BlobStore } from './blobstore.ts';
import { indexBuild } from './analytics-pg.ts';
import { MigrationError } from './storage-errors.ts';
import type { BuildInfo } from '@stowage/core';

export { MigrationError } from './storage-errors.ts';

export interface MigrationReport {
  blobs: { copied: number; present: number; bytes: number };
  repositories: number;
  artifacts: number;
  properties: number;
  builds: number;
  downloads: number;
  tokens: number;
  /** Users, groups and permission targets defined through the API. */
  security: number;
  /** Audit entries copied (a re-run copies none again). */
  audit: number;
  remoteCache: number;
  /** Every source artifact found at its path with its digest, every blob with its size. */
  verified: { artifacts: number; blobs: number };
}

export interface MigrateOptions {
  /** The source data directory (its metadata.db). */
  fromDir: string;
  fromBlobs: BlobStore;
  /** The target PostgreSQL (its schema already migrated, e.g. by PgMetaStore.open). */
  toUrl: string;
  toSchema?: string;
  toBlobs: BlobStore;
  /** Progress lines (the CLI prints them). */
  progress?: (line: string) => void;
}

interface Row {
  [k: string]: string | number | bigint | null | Uint8Array;
}

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => String(v);
const opt = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function migrate(opts: MigrateOptions): Promise<MigrationReport> {
  const file = join(opts.fromDir, 'metadata.db');
  try {
    await stat(file);
  } catch {
    throw new MigrationError(
      `no SQLite metadata at ${file}: --from must name the data directory of a SQLite installation`,
    );
  }
  const say = opts.progress ?? (() => undefined);
  // Read-only: a running server may keep writing; what it writes after the copy is not copied.
  const src = new DatabaseSync(file, { readOnly: true });
  const all = (sql: string): Row[] => src.prepare(sql).all() as Row[];
  const report: MigrationReport = {
    blobs: { copied: 0, present: 0, bytes: 0 },
    repositories: 0,
    artifacts: 0,
    properties: 0,
    builds: 0,
    downloads: 0,
    tokens: 0,
    security: 0,
    audit: 0,
    remoteCache: 0,
    verified: { artifacts: 0, blobs: 0 },
  };
  const client = new pg.Client({
    connectionString: opts.toUrl,
    ...(opts.toSchema ? { options: `-c search_path=${opts.toSchema}` } : {}),
  });
  await client.connect();
  try {
    // 1. Blobs first: a record is never written before its content is there, checked.
    const blobs = all('SELECT sha256, sha1, md5, size, created FROM blobs ORDER BY sha256');
    for (const b of blobs) {
      const sha256 = str(b.sha256);
      const size = num(b.size);
      if ((await opts.toBlobs.size(sha256)) === size) {
        report.blobs.present++;
        continue;
      }
      if ((await opts.fromBlobs.size(sha256)) === undefined)
        throw new MigrationError(
          `blob ${sha256} is recorded in the source but its content is missing from the source blob store; restore it (or delete the artifacts that reference it) and run again`,
        );
      const staged = await opts.toBlobs.stage(opts.fromBlobs.open(sha256));
      if (
        staged.sha256 !== sha256 ||
        staged.sha1 !== str(b.sha1) ||
        staged.md5 !== str(b.md5) ||
        staged.size !== size
      ) {
        await staged.discard();
        throw new MigrationError(
          `blob ${sha256} in the source does not match its record (read back sha256 ${staged.sha256}, ${staged.size} bytes; recorded ${size} bytes): the source is damaged there; nothing of it was copied`,
        );
      }
      await staged.commit();
      report.blobs.copied++;
      report.blobs.bytes += size;
      if (report.blobs.copied % 100 === 0) say(`blobs: ${report.blobs.copied} copied`);
    }
    say(`blobs: ${report.blobs.copied} copied, ${report.blobs.present} already there`);

    // 2. Metadata in one transaction: all of it or none.
    await client.query('BEGIN');
    for (const r of all('SELECT key, config FROM repositories')) {
      await client.query(
        `INSERT INTO repositories (key, config) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET config = excluded.config`,
        [str(r.key), str(r.config)],
      );
      report.repositories++;
    }
    for (const b of blobs) {
      await client.query(
        `INSERT INTO blobs (sha256, sha1, md5, size, created) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING`,
        [str(b.sha256), str(b.sha1), str(b.md5), num(b.size), num(b.created)],
      );
    }
    const props = new Map<number, { key: string; value: string }[]>();
    for (const p of all('SELECT artifact_id, key, value FROM properties')) {
      const id = num(p.artifact_id);
      const list = props.get(id) ?? [];
      list.push({ key: str(p.key), value: str(p.value) });
      props.set(id, list);
    }
    const artifacts = all(
      'SELECT id, repo, path, sha256, created, created_by, modified, modified_by FROM artifacts ORDER BY id',
    );
    for (const a of artifacts) {
      const r = await client.query<{ id: string }>(
        `INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (repo, path) DO UPDATE SET sha256 = excluded.sha256, created = excluded.created,
           created_by = excluded.created_by, modified = excluded.modified, modified_by = excluded.modified_by
         RETURNING id`,
        [
          str(a.repo),
          str(a.path),
          str(a.sha256),
          num(a.created),
          str(a.created_by),
          num(a.modified),
          str(a.modified_by),
        ],
      );
      const id = r.rows[0]?.id;
      if (id === undefined)
        throw new MigrationError(`artifact ${str(a.repo)}/${str(a.path)} was not written`);
      await client.query('DELETE FROM properties WHERE artifact_id = $1', [id]);
      for (const p of props.get(num(a.id)) ?? []) {
        await client.query(
          'INSERT INTO properties (artifact_id, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [id, p.key, p.value],
        );
        report.properties++;
      }
      report.artifacts++;
    }
    for (const b of all('SELECT name, number, started, started_ms, created, doc FROM builds')) {
      const r = await client.query<{ id: number }>(
        `INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name, number) DO UPDATE SET started = excluded.started,
           started_ms = excluded.started_ms, created = excluded.created, doc = excluded.doc
         RETURNING id`,
        [str(b.name), str(b.number), str(b.started), num(b.started_ms), num(b.created), str(b.doc)],
      );
      const id = r.rows[0]?.id;
      if (id === undefined)
        throw new MigrationError(`build ${str(b.name)}/${str(b.number)} was not written`);
      // The analytics rows of the build (artifacts, dependencies, promotion statuses).
      await indexBuild(client as unknown as pg.PoolClient, id, JSON.parse(str(b.doc)) as BuildInfo);
      report.builds++;
    }
    // Download records have no key of their own: one already there (same time, file and
    // principal) is not written twice.
    for (const d of all(
      'SELECT ts, repo, path, sha256, user, build_name, build_number FROM downloads ORDER BY id',
    )) {
      const r = await client.query(
        `INSERT INTO downloads (ts, repo, path, sha256, "user", build_name, build_number)
         SELECT $1, $2, $3, $4, $5, $6, $7
         WHERE NOT EXISTS (SELECT 1 FROM downloads WHERE ts = $1 AND repo = $2 AND path = $3
           AND sha256 = $4 AND "user" = $5 AND build_name IS NOT DISTINCT FROM $6
           AND build_number IS NOT DISTINCT FROM $7)`,
        [
          num(d.ts),
          str(d.repo),
          str(d.path),
          str(d.sha256),
          str(d.user),
          opt(d.build_name),
          opt(d.build_number),
        ],
      );
      report.downloads += r.rowCount ?? 0;
    }
    for (const t of all(
      `SELECT hash, id, user, admin, build_name, build_number, created, expires, description,
              scopes, service, last_used FROM tokens`,
    )) {
      await client.query(
        `INSERT INTO tokens (hash, id, "user", admin, build_name, build_number, created, expires,
                             description, scopes, service, last_used)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (hash) DO NOTHING`,
        [
          str(t.hash),
          t.id === null || t.id === undefined ? str(t.hash).slice(0, 16) : str(t.id),
          str(t.user),
          num(t.admin) !== 0,
          opt(t.build_name),
          opt(t.build_number),
          num(t.created),
          t.expires === null ? null : num(t.expires),
          opt(t.description),
          opt(t.scopes),
          num(t.service ?? 0) !== 0,
          t.last_used === null || t.last_used === undefined ? null : num(t.last_used),
        ],
      );
      report.tokens++;
    }
    // Users, groups and permission targets defined through the API, and the audit trail.
    for (const d of all('SELECT kind, name, doc FROM security')) {
      await client.query(
        `INSERT INTO security (kind, name, doc) VALUES ($1, $2, $3)
         ON CONFLICT (kind, name) DO NOTHING`,
        [str(d.kind), str(d.name), str(d.doc)],
      );
      report.security++;
    }
    for (const a of all(
      `SELECT ts, user, token_id, ip, action, repo, path, build_name, build_number, details
       FROM audit ORDER BY id`,
    )) {
      const r = await client.query(
        `INSERT INTO audit (ts, "user", token_id, ip, action, repo, path, build_name, build_number, details)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE NOT EXISTS (SELECT 1 FROM audit WHERE ts = $1 AND "user" = $2 AND ip = $4
           AND action = $5 AND token_id IS NOT DISTINCT FROM $3 AND repo IS NOT DISTINCT FROM $6
           AND path IS NOT DISTINCT FROM $7 AND build_name IS NOT DISTINCT FROM $8
           AND build_number IS NOT DISTINCT FROM $9 AND details IS NOT DISTINCT FROM $10)`,
        [
          num(a.ts),
          str(a.user),
          opt(a.token_id),
          str(a.ip),
          str(a.action),
          opt(a.repo),
          opt(a.path),
          opt(a.build_name),
          opt(a.build_number),
          opt(a.details),
        ],
      );
      report.audit += r.rowCount ?? 0;
    }
    for (const c of all('SELECT repo, path, fetched, etag, last_modified FROM remote_cache')) {
      await client.query(
        `INSERT INTO remote_cache (repo, path, fetched, etag, last_modified) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (repo, path) DO NOTHING`,
        [str(c.repo), str(c.path), num(c.fetched), opt(c.etag), opt(c.last_modified)],
      );
      report.remoteCache++;
    }
    await client.query('COMMIT');
    say(
      `metadata: ${report.repositories} repositories, ${report.artifacts} artifacts, ${report.builds} builds, ${report.downloads} new download records, ${report.tokens} tokens, ${report.security} users/groups/permission targets, ${report.audit} new audit entries`,
    );

    // 3. Verification: every source artifact at its path with its digest, every blob there.
    const target = new Map<string, string>();
    for (const r of (
      await client.query<{ repo: string; path: string; sha256: string }>(
        'SELECT repo, path, sha256 FROM artifacts',
      )
    ).rows)
      target.set(`${r.repo}\0${r.path}`, r.sha256);
    for (const a of artifacts) {
      const got = target.get(`${str(a.repo)}\0${str(a.path)}`);
      if (got !== str(a.sha256))
        throw new MigrationError(
          `verification failed: ${str(a.repo)}/${str(a.path)} is ${got ?? 'missing'} in the target, ${str(a.sha256)} in the source`,
        );
      report.verified.artifacts++;
    }
    for (const b of blobs) {
      if ((await opts.toBlobs.size(str(b.sha256))) !== num(b.size))
        throw new MigrationError(
          `verification failed: blob ${str(b.sha256)} is not whole in the target`,
        );
      report.verified.blobs++;
    }
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
    src.close();
  }
}
