// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  esm_default,
  indexBuild
} from "./stowage-chunk-HDSQKMJX.mjs";
import {
  MigrationError
} from "./stowage-chunk-PHX72IPM.mjs";
import {
  DatabaseSync,
  init_node_sqlite
} from "./stowage-chunk-QDYDZI7D.mjs";
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/migrate.js
init_define_STOWAGE_UI_ASSETS();
init_node_sqlite();
import { join } from "node:path";
import { stat } from "node:fs/promises";
var num = (v) => Number(v);
var str = (v) => String(v);
var opt = (v) => v === null || v === void 0 ? null : String(v);
async function migrate(opts) {
  const file = join(opts.fromDir, "metadata.db");
  try {
    await stat(file);
  } catch {
    throw new MigrationError(`no SQLite metadata at ${file}: --from must name the data directory of a SQLite installation`);
  }
  const say = opts.progress ?? (() => void 0);
  const src = new DatabaseSync(file, { readOnly: true });
  const all = (sql) => src.prepare(sql).all();
  const report = {
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
    verified: { artifacts: 0, blobs: 0 }
  };
  const client = new esm_default.Client({
    connectionString: opts.toUrl,
    ...opts.toSchema ? { options: `-c search_path=${opts.toSchema}` } : {}
  });
  await client.connect();
  try {
    const blobs = all("SELECT sha256, sha1, md5, size, created FROM blobs ORDER BY sha256");
    for (const b of blobs) {
      const sha256 = str(b.sha256);
      const size = num(b.size);
      if (await opts.toBlobs.size(sha256) === size) {
        report.blobs.present++;
        continue;
      }
      if (await opts.fromBlobs.size(sha256) === void 0)
        throw new MigrationError(`blob ${sha256} is recorded in the source but its content is missing from the source blob store; restore it (or delete the artifacts that reference it) and run again`);
      const staged = await opts.toBlobs.stage(opts.fromBlobs.open(sha256));
      if (staged.sha256 !== sha256 || staged.sha1 !== str(b.sha1) || staged.md5 !== str(b.md5) || staged.size !== size) {
        await staged.discard();
        throw new MigrationError(`blob ${sha256} in the source does not match its record (read back sha256 ${staged.sha256}, ${staged.size} bytes; recorded ${size} bytes): the source is damaged there; nothing of it was copied`);
      }
      await staged.commit();
      report.blobs.copied++;
      report.blobs.bytes += size;
      if (report.blobs.copied % 100 === 0)
        say(`blobs: ${report.blobs.copied} copied`);
    }
    say(`blobs: ${report.blobs.copied} copied, ${report.blobs.present} already there`);
    await client.query("BEGIN");
    for (const r of all("SELECT key, config FROM repositories")) {
      await client.query(`INSERT INTO repositories (key, config) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET config = excluded.config`, [str(r.key), str(r.config)]);
      report.repositories++;
    }
    for (const b of blobs) {
      await client.query(`INSERT INTO blobs (sha256, sha1, md5, size, created) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING`, [str(b.sha256), str(b.sha1), str(b.md5), num(b.size), num(b.created)]);
    }
    const props = /* @__PURE__ */ new Map();
    for (const p of all("SELECT artifact_id, key, value FROM properties")) {
      const id = num(p.artifact_id);
      const list = props.get(id) ?? [];
      list.push({ key: str(p.key), value: str(p.value) });
      props.set(id, list);
    }
    const artifacts = all("SELECT id, repo, path, sha256, created, created_by, modified, modified_by FROM artifacts ORDER BY id");
    for (const a of artifacts) {
      const r = await client.query(`INSERT INTO artifacts (repo, path, sha256, created, created_by, modified, modified_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (repo, path) DO UPDATE SET sha256 = excluded.sha256, created = excluded.created,
           created_by = excluded.created_by, modified = excluded.modified, modified_by = excluded.modified_by
         RETURNING id`, [
        str(a.repo),
        str(a.path),
        str(a.sha256),
        num(a.created),
        str(a.created_by),
        num(a.modified),
        str(a.modified_by)
      ]);
      const id = r.rows[0]?.id;
      if (id === void 0)
        throw new MigrationError(`artifact ${str(a.repo)}/${str(a.path)} was not written`);
      await client.query("DELETE FROM properties WHERE artifact_id = $1", [id]);
      for (const p of props.get(num(a.id)) ?? []) {
        await client.query("INSERT INTO properties (artifact_id, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [id, p.key, p.value]);
        report.properties++;
      }
      report.artifacts++;
    }
    for (const b of all("SELECT name, number, started, started_ms, created, doc FROM builds")) {
      const r = await client.query(`INSERT INTO builds (name, number, started, started_ms, created, doc) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name, number) DO UPDATE SET started = excluded.started,
           started_ms = excluded.started_ms, created = excluded.created, doc = excluded.doc
         RETURNING id`, [str(b.name), str(b.number), str(b.started), num(b.started_ms), num(b.created), str(b.doc)]);
      const id = r.rows[0]?.id;
      if (id === void 0)
        throw new MigrationError(`build ${str(b.name)}/${str(b.number)} was not written`);
      await indexBuild(client, id, JSON.parse(str(b.doc)));
      report.builds++;
    }
    for (const d of all("SELECT ts, repo, path, sha256, user, build_name, build_number FROM downloads ORDER BY id")) {
      const r = await client.query(`INSERT INTO downloads (ts, repo, path, sha256, "user", build_name, build_number)
         SELECT $1, $2, $3, $4, $5, $6, $7
         WHERE NOT EXISTS (SELECT 1 FROM downloads WHERE ts = $1 AND repo = $2 AND path = $3
           AND sha256 = $4 AND "user" = $5 AND build_name IS NOT DISTINCT FROM $6
           AND build_number IS NOT DISTINCT FROM $7)`, [
        num(d.ts),
        str(d.repo),
        str(d.path),
        str(d.sha256),
        str(d.user),
        opt(d.build_name),
        opt(d.build_number)
      ]);
      report.downloads += r.rowCount ?? 0;
    }
    for (const t of all(`SELECT hash, id, user, admin, build_name, build_number, created, expires, description,
              scopes, service, last_used FROM tokens`)) {
      await client.query(`INSERT INTO tokens (hash, id, "user", admin, build_name, build_number, created, expires,
                             description, scopes, service, last_used)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (hash) DO NOTHING`, [
        str(t.hash),
        t.id === null || t.id === void 0 ? str(t.hash).slice(0, 16) : str(t.id),
        str(t.user),
        num(t.admin) !== 0,
        opt(t.build_name),
        opt(t.build_number),
        num(t.created),
        t.expires === null ? null : num(t.expires),
        opt(t.description),
        opt(t.scopes),
        num(t.service ?? 0) !== 0,
        t.last_used === null || t.last_used === void 0 ? null : num(t.last_used)
      ]);
      report.tokens++;
    }
    for (const d of all("SELECT kind, name, doc FROM security")) {
      await client.query(`INSERT INTO security (kind, name, doc) VALUES ($1, $2, $3)
         ON CONFLICT (kind, name) DO NOTHING`, [str(d.kind), str(d.name), str(d.doc)]);
      report.security++;
    }
    for (const a of all(`SELECT ts, user, token_id, ip, action, repo, path, build_name, build_number, details
       FROM audit ORDER BY id`)) {
      const r = await client.query(`INSERT INTO audit (ts, "user", token_id, ip, action, repo, path, build_name, build_number, details)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE NOT EXISTS (SELECT 1 FROM audit WHERE ts = $1 AND "user" = $2 AND ip = $4
           AND action = $5 AND token_id IS NOT DISTINCT FROM $3 AND repo IS NOT DISTINCT FROM $6
           AND path IS NOT DISTINCT FROM $7 AND build_name IS NOT DISTINCT FROM $8
           AND build_number IS NOT DISTINCT FROM $9 AND details IS NOT DISTINCT FROM $10)`, [
        num(a.ts),
        str(a.user),
        opt(a.token_id),
        str(a.ip),
        str(a.action),
        opt(a.repo),
        opt(a.path),
        opt(a.build_name),
        opt(a.build_number),
        opt(a.details)
      ]);
      report.audit += r.rowCount ?? 0;
    }
    for (const c of all("SELECT repo, path, fetched, etag, last_modified FROM remote_cache")) {
      await client.query(`INSERT INTO remote_cache (repo, path, fetched, etag, last_modified) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (repo, path) DO NOTHING`, [str(c.repo), str(c.path), num(c.fetched), opt(c.etag), opt(c.last_modified)]);
      report.remoteCache++;
    }
    await client.query("COMMIT");
    say(`metadata: ${report.repositories} repositories, ${report.artifacts} artifacts, ${report.builds} builds, ${report.downloads} new download records, ${report.tokens} tokens, ${report.security} users/groups/permission targets, ${report.audit} new audit entries`);
    const target = /* @__PURE__ */ new Map();
    for (const r of (await client.query("SELECT repo, path, sha256 FROM artifacts")).rows)
      target.set(`${r.repo}\0${r.path}`, r.sha256);
    for (const a of artifacts) {
      const got = target.get(`${str(a.repo)}\0${str(a.path)}`);
      if (got !== str(a.sha256))
        throw new MigrationError(`verification failed: ${str(a.repo)}/${str(a.path)} is ${got ?? "missing"} in the target, ${str(a.sha256)} in the source`);
      report.verified.artifacts++;
    }
    for (const b of blobs) {
      if (await opts.toBlobs.size(str(b.sha256)) !== num(b.size))
        throw new MigrationError(`verification failed: blob ${str(b.sha256)} is not whole in the target`);
      report.verified.blobs++;
    }
    return report;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => void 0);
    throw err;
  } finally {
    await client.end();
    src.close();
  }
}
export {
  MigrationError,
  migrate
};
