import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { TurnBatch } from './turn-batch.ts';

/**
 * Small blobs in one SQLite file (`blobs/pack.db`) instead of a file each.
 *
 * A small deploy stored as a file of its own costs a file created, written, closed and renamed
 * into its fan-out folder: four trips through libuv's thread pool and an inode, a directory entry
 * and a journal commit in the kernel, per KiB stored. Measured on this project's bench machine
 * (1 KiB deploys, 16 clients), that was about as much of a deploy's cost as everything else
 * together. Here the content of the deploys asked for in one turn of the event loop is written
 * in one transaction (group commit), and read back with one indexed lookup. SQLite's write-ahead
 * log makes each transaction atomic: after a crash a blob is there whole or not at all. Nothing
 * half-written is ever visible, and a put resolves only once its transaction has committed.
 *
 * One process owns the file (as the SQLite metadata store's file): SQLite's locks are not safe
 * on a file system several replicas mount, so replicas keep every blob as a file (see
 * config.ts `packSmall`).
 */
export class BlobPack {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #size: StatementSync;
  readonly #put: StatementSync;
  readonly #delete: StatementSync;
  readonly #page: StatementSync;
  readonly #check: StatementSync;
  readonly #batch = new TurnBatch<Put>(MAX_BATCH, (puts) => this.#commit(puts));
  #closed = false;

  constructor(file: string) {
    this.#db = new DatabaseSync(file);
    try {
      // auto_vacuum takes effect only on a new file (before its first table): pages freed by
      // deletes are then given back to the file system by vacuum().
      this.#db.exec(`PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;
        CREATE TABLE IF NOT EXISTS blobs (
          sha256 TEXT PRIMARY KEY,
          modified INTEGER NOT NULL,
          data BLOB NOT NULL
        );`);
      this.#get = this.#db.prepare('SELECT data FROM blobs WHERE sha256 = ?');
      this.#size = this.#db.prepare('SELECT length(data) AS n FROM blobs WHERE sha256 = ?');
      // Content-addressed: a row already there holds these very bytes; only its time moves
      // (garbage collection's grace period for orphans counts from it, as from a file's mtime).
      this.#put = this.#db.prepare(
        `INSERT INTO blobs (sha256, modified, data) VALUES (?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET modified = excluded.modified`,
      );
      this.#delete = this.#db.prepare('DELETE FROM blobs WHERE sha256 = ?');
      this.#check = this.#db.prepare('SELECT count(*) FROM (SELECT 1 FROM blobs LIMIT 1)');
      this.#page = this.#db.prepare(
        'SELECT sha256, modified FROM blobs WHERE sha256 > ? ORDER BY sha256 LIMIT ?',
      );
    } catch (err) {
      this.#db.close();
      throw new Error(
        `the blob pack ${file} cannot be opened (${(err as Error).message}): restore it from a backup, or move it away to start without the small blobs it holds`,
        { cause: err },
      );
    }
  }

  /** The blob's bytes, or undefined when the pack does not hold it. */
  get(sha256: string): Buffer | undefined {
    const row = this.#get.get(sha256) as { data: Uint8Array } | undefined;
    if (!row) return undefined;
    const d = row.data;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }

  size(sha256: string): number | undefined {
    const row = this.#size.get(sha256) as { n: number } | undefined;
    return row?.n;
  }

  /**
   * Stores `data` under `sha256` (the caller computed the digest from these very bytes). Settles
   * once the transaction holding it has committed: the puts of one turn of the event loop share
   * one, at most MAX_BATCH of them.
   */
  put(sha256: string, data: Buffer): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the blob pack is closed'));
    return new Promise<void>((resolve, reject) =>
      this.#batch.add({ sha256, data, resolve, reject }),
    );
  }

  #commit(batch: Put[]): void {
    const now = Date.now();
    try {
      // A transaction left open by a rollback that itself failed (an I/O error) would refuse
      // every BEGIN from now on: end it first.
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        for (const b of batch) this.#put.run(b.sha256, now, b.data);
        this.#db.exec('COMMIT');
      } catch (err) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      // A full disk or an I/O error fails the whole transaction: nobody's row is there.
      for (const b of batch) b.reject(err);
      return;
    }
    for (const b of batch) b.resolve();
  }

  /** True when the pack held it. */
  delete(sha256: string): boolean {
    return Number(this.#delete.run(sha256).changes) > 0;
  }

  /** Every blob with when it was last put, in digest order, read a page at a time. */
  *list(): Iterable<{ sha256: string; modified: number }> {
    let after = '';
    for (;;) {
      const rows = this.#page.all(after, PAGE) as { sha256: string; modified: number }[];
      for (const r of rows) yield { sha256: r.sha256, modified: r.modified };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.sha256;
    }
  }

  /**
   * Throws unless the pack is open and its table answers (the health check; it does not wait
   * for the write lock, which would hold up the event loop).
   */
  check(): void {
    if (this.#closed) throw new Error('the blob pack is closed');
    this.#check.get();
  }

  /** Gives the pages deleted blobs freed back to the file system. */
  vacuum(): void {
    this.#db.exec('PRAGMA incremental_vacuum');
  }

  /** Commits what was put in this turn, then closes the file. */
  close(): void {
    if (this.#closed) return;
    this.#batch.flush();
    this.#closed = true;
    this.#db.close();
  }
}

interface Put {
  sha256: string;
  data: Buffer;
  resolve(): void;
  reject(err: unknown): void;
}

/** The most puts one transaction holds (64 KiB each at most: 16 MiB). */
const MAX_BATCH = 256;
/** Rows list() reads per query (deletes between pages are fine: it resumes after the last). */
const PAGE = 1000;
