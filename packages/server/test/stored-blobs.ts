/**
 * What a data directory's blob store holds, read from the disk beside a running server: the
 * files in blobs/'s fan-out folders and the rows of blobs/pack.db (small deploys with SQLite
 * metadata, src/internal/blob-pack.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Every blob a data directory holds, as sha256 names (sorted, a name twice if stored twice): the
 * files in blobs/'s fan-out folders and the rows of blobs/pack.db, where small deploys go with
 * SQLite metadata (packages/server/src/internal/blob-pack.ts).
 */
export async function storedBlobs(data: string): Promise<string[]> {
  return [...(await fileBlobs(data)), ...packedBlobs(data).map((r) => r.sha256)].sort();
}

/** The names in blobs/'s fan-out folders: the blobs stored as files of their own (sorted). */
export async function fileBlobs(data: string): Promise<string[]> {
  const out: string[] = [];
  const root = join(data, 'blobs');
  for (const a of await readdir(root).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of await readdir(join(root, a)))
      for (const f of await readdir(join(root, a, b))) out.push(f);
  }
  return out.sort();
}

/** The rows of blobs/pack.db (none when there is no pack), read beside the running server. */
export function packedBlobs(data: string): { sha256: string; modified: number }[] {
  const file = join(data, 'blobs', 'pack.db');
  if (!existsSync(file)) return [];
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return (
      db.prepare('SELECT sha256, modified FROM blobs ORDER BY sha256').all() as {
        sha256: string;
        modified: number;
      }[]
    ).map((r) => ({ sha256: r.sha256, modified: r.modified }));
  } finally {
    db.close();
  }
}

/** Puts a row into blobs/pack.db behind the server's back (a crash between commit and record). */
export function packBlob(data: string, bytes: Buffer, modified: number): string {
  const db = new DatabaseSync(join(data, 'blobs', 'pack.db'));
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const hex = createHash('sha256').update(bytes).digest('hex');
    db.prepare('INSERT INTO blobs (sha256, modified, data) VALUES (?, ?, ?)').run(
      hex,
      modified,
      bytes,
    );
    return hex;
  } finally {
    db.close();
  }
}
