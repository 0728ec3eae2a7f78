import {
  close as fsClose,
  createReadStream,
  fstat,
  link as fsLink,
  mkdir as fsMkdir,
  open as fsOpen,
  read as fsRead,
  rename as fsRename,
  unlink as fsUnlink,
  write as fsWrite,
} from 'node:fs';
import {
  mkdir,
  open as openFile,
  rm,
  stat,
  truncate,
  readdir,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { hash, randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiHash, type Checksums } from '@stowage/core';
import { BlobPack } from './blob-pack.ts';
import { ThreadedHash } from './hash-threads.ts';
import {
  DIRECT_AFTER,
  HashedFileWriter,
  hashFilePrefix,
  soleReader,
  type HashedWriteOptions,
  type RunningHash,
} from './hashed-write.ts';

/** Content received and hashed but not yet visible under its digest. */
export interface StagedBlob extends Checksums {
  size: number;
  /**
   * The local file that holds the staged bytes, where the store keeps one (the file-system
   * store), for readers that need random access (a zip's central directory). Read it only.
   */
  readonly file?: string;
  /** Reads the staged content back (e.g. to validate metadata before it is committed). */
  read(): Readable;
  /** Makes the content addressable by its sha256 (idempotent when it already is). */
  commit(): Promise<void>;
  /** Throws the staged content away. */
  discard(): Promise<void>;
}

/**
 * Content that arrives in pieces (an OCI chunked upload): appended in order to one temporary
 * file and hashed as it goes. Nothing is addressable until `finish()` stages it.
 */
export interface UploadSession {
  /** Names the session's data in the staging area, for resumeUpload (on any replica). */
  readonly id: string;
  /** Bytes received so far. */
  readonly size: number;
  /** Appends `body`; a body cut off half way is rolled back (size stays where it was). */
  append(body: Readable, opts?: { signal?: AbortSignal }): Promise<number>;
  /** Ends the session: its content becomes a staged blob (commit or discard it). */
  finish(): Promise<StagedBlob>;
  /** Throws the received content away. */
  discard(): Promise<void>;
}

/** Content-addressed blob storage (SHA-256). The file-system one is the default. */
export interface BlobStore {
  /** Streams `body` to a temporary place while computing sha1/sha256/md5 in one pass. */
  stage(body: Readable, opts?: { signal?: AbortSignal }): Promise<StagedBlob>;
  /**
   * Stages a small body already in memory (at most SMALL_BODY_BYTES): hashed at once, nothing
   * written until commit, which puts it under its digest atomically; discard only forgets it.
   */
  stageBytes(data: Buffer): StagedBlob;
  /** Starts an upload that arrives in pieces, kept in the temporary area. */
  openUpload(): Promise<UploadSession>;
  /**
   * Continues the upload `id` (opened here or by another replica sharing the staging area)
   * whose first `size` bytes were received; bytes past them (a chunk cut off with its replica)
   * are dropped. Undefined when its data is gone.
   */
  resumeUpload(id: string, size: number): Promise<UploadSession | undefined>;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number | undefined>;
  /** A read stream over [start, end] (inclusive), or the whole blob. */
  open(sha256: string, range?: { start: number; end: number }): Readable;
  delete(sha256: string): Promise<void>;
  /** Every stored blob with when it was last written (for garbage collection of orphans). */
  list(): AsyncIterable<{ sha256: string; modified: number }>;
  /**
   * A URL a client may fetch the blob from directly (a presigned object-store URL), for
   * repositories with `downloadRedirect`; absent on stores that cannot hand one out.
   */
  urlFor?(
    sha256: string,
    opts?: { expiresInSec?: number; filename?: string; contentType?: string },
  ): Promise<string>;
  /** Gives space that deleted blobs held back to the disk, where the store keeps it (the pack). */
  vacuum?(): void;
  /**
   * For the health check, beyond a staged write: the other parts of the store a commit needs
   * answer (the file-system store's pack).
   */
  check?(): Promise<void>;
  /** Releases what the store holds open (the S3 client's sockets, the file system's pack). */
  close?(): void;
  /**
   * Removes temporary files left by an upload cut off by a crash. With `olderThanMs`, only
   * those untouched for that long: other replicas may be writing the newer ones.
   */
  cleanup(opts?: { olderThanMs?: number }): Promise<number>;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** The pack's file in the blobs folder (see blob-pack.ts). */
const PACK_FILE = 'pack.db';
/**
 * The largest body a deploy reads into memory instead of streaming (stageBytes): below it a
 * stream's machinery and a temporary file written piecemeal cost more than the bytes.
 */
export const SMALL_BODY_BYTES = 64 * 1024;

/** The digests of bytes in memory, each in one call. */
export function checksumsOf(data: Buffer): Checksums {
  if (data.length > SMALL_BODY_BYTES)
    throw new Error(`stageBytes takes at most ${SMALL_BODY_BYTES} bytes, not ${data.length}`);
  return {
    sha1: hash('sha1', data),
    sha256: hash('sha256', data),
    md5: hash('md5', data),
  };
}

/** A regular file takes fewer bytes than it was given only when the disk is full. */
function shortWrite(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`no space left writing ${path} (short write)`);
  err.code = 'ENOSPC';
  return err;
}

/** A staged blob held in memory; `put` writes it under its digest. */
export function stagedBytes(
  data: Buffer,
  put: (sums: Checksums, data: Buffer) => Promise<void>,
): StagedBlob {
  const sums = checksumsOf(data);
  let done = false;
  return {
    ...sums,
    size: data.length,
    read: () => Readable.from([data]),
    commit: async () => {
      if (done) return;
      await put(sums, data);
      done = true;
    },
    discard: async () => {
      done = true;
    },
  };
}

/** The names #tmpName() gives (upload ids); #scratchName()'s never match. */
const UPLOAD_ID = /^\d+-[0-9a-f]{16}\.part$/;

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;
  /** Fan-out folders known to exist (they are never removed), so a commit skips `mkdir -p`. */
  readonly #dirs = new Set<string>();

  /** Whether large uploads may be written past the page cache (see DIRECT_AFTER). */
  readonly directWrites: boolean;
  /** Whether small bodies (stageBytes) are committed into the pack (see blob-pack.ts). */
  readonly packSmall: boolean;
  /**
   * The pack: open when packSmall, or when an earlier run packed blobs here (its blobs stay
   * readable, and deletable, whatever the setting now).
   */
  #pack: BlobPack | undefined;

  constructor(opts: { dir: string; directWrites?: boolean; packSmall?: boolean }) {
    this.#root = join(opts.dir, 'blobs');
    this.#tmp = join(opts.dir, 'tmp');
    this.directWrites = opts.directWrites ?? true;
    this.packSmall = opts.packSmall ?? false;
  }

  async init(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    await mkdir(this.#tmp, { recursive: true });
    const packFile = join(this.#root, PACK_FILE);
    if (!this.#pack && (this.packSmall || (await exists(packFile))))
      this.#pack = new BlobPack(packFile);
  }

  async check(): Promise<void> {
    this.#pack?.check();
  }

  /** Closes the pack (committing what was put in this turn). */
  close(): void {
    this.#pack?.close();
  }

  /** Where a blob is: the pack, a file, or nowhere (`has`, and tests and diagnostics). */
  async whereIs(sha256: string): Promise<'pack' | 'file' | undefined> {
    if (this.#pack?.size(sha256) !== undefined) return 'pack';
    return (await exists(this.pathOf(sha256))) ? 'file' : undefined;
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async stage(body: Readable, opts: { signal?: AbortSignal } = {}): Promise<StagedBlob> {
    const tmpPath = this.#scratchName();
    const release = soleReader(body);
    const out = sink({
      path: tmpPath,
      flags: 'wx',
      mode: 0o600,
      direct: this.directWrites,
      ...(release && { release }),
    });
    let sums: Checksums;
    try {
      await pipeline(body, out, { signal: opts.signal });
      sums = await out.hash!.digest();
    } catch (err) {
      await closed(out);
      await rm(tmpPath, { force: true });
      throw err;
    }
    return this.#staged(tmpPath, sums, out.size);
  }

  stageBytes(data: Buffer): StagedBlob {
    const pack = this.packSmall ? this.#pack : undefined;
    if (pack) return stagedBytes(data, (sums, bytes) => pack.put(sums.sha256, bytes));
    // Written whole to a temporary file and renamed under the digest: never seen half-written.
    // Plain callbacks, one promise: for a small file the promise API's per-call machinery
    // (a FileHandle, a promise per step) costs more main-thread time than the bytes.
    return stagedBytes(
      data,
      (sums, bytes) =>
        new Promise<void>((resolve, reject) => {
          const tmpPath = this.#scratchName();
          const failed = (err: Error): void => fsUnlink(tmpPath, () => reject(err));
          fsOpen(tmpPath, 'wx', 0o600, (err, fd) => {
            if (err) return reject(err);
            fsWrite(fd, bytes, 0, bytes.length, 0, (werr, written) => {
              fsClose(fd, (cerr) => {
                const e = werr ?? cerr ?? (written === bytes.length ? null : shortWrite(tmpPath));
                if (e) return failed(e);
                this.#renameInto(tmpPath, this.pathOf(sums.sha256), (rerr) =>
                  rerr ? failed(rerr) : resolve(),
                );
              });
            });
          });
        }),
    );
  }

  async openUpload(): Promise<UploadSession> {
    const file = this.#tmpName();
    await writeFile(file, '', { flag: 'wx', mode: 0o600 });
    return this.#session(file, 0, undefined);
  }

  async resumeUpload(id: string, size: number): Promise<UploadSession | undefined> {
    if (!UPLOAD_ID.test(id) || !Number.isSafeInteger(size) || size < 0) return undefined;
    const file = join(this.#tmp, id);
    let have: number;
    try {
      have = (await stat(file)).size;
    } catch {
      return undefined;
    }
    if (have < size) return undefined;
    // Bytes past `size` (a chunk cut off with its replica) are overwritten by the next append
    // and never read. The running hash stayed with the process that received the bytes:
    // finish() re-reads.
    return this.#session(file, size, null);
  }

  /**
   * `started`: undefined before the first byte (the first append picks a hash by its size),
   * null when the running hash is lost (finish() re-reads the file).
   */
  #session(file: string, received: number, started: RunningHash | null | undefined): UploadSession {
    let size = received;
    // Hashed as it goes; a chunk cut off half way poisons it and finish() re-reads the file.
    let hash = started;
    const poison = (): void => {
      if (hash instanceof ThreadedHash) hash.drop();
      hash = null;
    };
    let ended = false;
    const open = (): void => {
      if (ended) throw new Error('the upload session has ended');
    };
    return {
      id: basename(file),
      get size() {
        return size;
      },
      append: async (body, opts = {}) => {
        open();
        // At `size`, not at the end of the file: see resumeUpload.
        const release = soleReader(body);
        const out = sink({
          path: file,
          flags: 'r+',
          start: size,
          hash,
          ...(release && { release }),
        });
        try {
          await pipeline(body, out, { signal: opts.signal });
          await truncate(file, size + out.size);
        } catch (err) {
          await closed(out);
          if (out.size > 0) poison();
          await truncate(file, size).catch(() => undefined);
          throw err;
        }
        if (out.size > 0) hash = out.hash;
        size += out.size;
        return size;
      },
      finish: async () => {
        open();
        ended = true;
        let sums: Checksums | undefined;
        if (hash === undefined) sums = new MultiHash().digest();
        else if (hash) sums = await Promise.resolve(hash.digest()).catch(() => undefined);
        // Lost (resumed here, a piece cut off, a hashing thread gone): read the bytes again.
        sums ??= await hashFilePrefix(file, size);
        return this.#staged(file, sums, size);
      },
      discard: async () => {
        ended = true;
        poison();
        await rm(file, { force: true });
      },
    };
  }

  /** An upload's temporary file: its name is the upload's id, which a client holds, so random. */
  #tmpName(): string {
    return join(this.#tmp, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
  }

  /**
   * A temporary file nobody outside this process names (a staged body): a random start and a
   * counter (random bytes per file cost ~2% of a small deploy's CPU under load; `wx` refuses a
   * name taken anyway). The `s` keeps it out of UPLOAD_ID's shape: no upload can be resumed
   * into it.
   */
  #scratchName(): string {
    this.#scratch = (this.#scratch + 1n) & 0xffffffffffffffffn;
    return join(this.#tmp, `${Date.now()}-s${this.#scratch.toString(16).padStart(16, '0')}.part`);
  }

  #scratch = BigInt(`0x${randomBytes(8).toString('hex')}`);

  #staged(tmpPath: string, sums: Checksums, size: number): StagedBlob {
    let done = false;
    return {
      ...sums,
      size,
      file: tmpPath,
      read: () => {
        // A ReadStream opens its file at once. A reader that stops early (destroy) can see the
        // temp file renamed by commit() before that open completes: the ENOENT must not become
        // an uncaught 'error'. Readers still get errors through their own listeners.
        const stream = createReadStream(tmpPath);
        stream.on('error', () => {});
        return stream;
      },
      commit: async () => {
        if (done) return;
        // Content-addressed: a file already there holds these very bytes, and rename(2) over
        // it is atomic — one system call instead of a stat first. A large one is kept instead
        // (its page cache with it: the new copy was written past it, see DIRECT_AFTER).
        const place = size > DIRECT_AFTER ? this.#linkInto : this.#renameInto;
        await new Promise<void>((resolve, reject) =>
          place.call(this, tmpPath, this.pathOf(sums.sha256), (err) =>
            err ? reject(err) : resolve(),
          ),
        );
        done = true;
      },
      discard: async () => {
        if (done) return;
        await rm(tmpPath, { force: true });
        done = true;
      },
    };
  }

  /**
   * Runs `place` (a rename or a link of a file to `dest`) in dest's fan-out folder, creating the
   * folder the first time (or if removed meanwhile). Callbacks, not promises: a small deploy's
   * commit chains it after its own write.
   */
  #inFanOut(
    dest: string,
    place: (cb: (err: NodeJS.ErrnoException | null) => void) => void,
    done: (err: NodeJS.ErrnoException | null) => void,
  ): void {
    const dir = join(dest, '..');
    const makeDirThenPlace = (): void =>
      fsMkdir(dir, { recursive: true }, (err) => {
        if (err) return done(err);
        place((e) => {
          if (!e) this.#dirs.add(dir);
          done(e);
        });
      });
    if (!this.#dirs.has(dir)) return makeDirThenPlace();
    place((err) => {
      if (err?.code !== 'ENOENT') return done(err);
      // The fan-out folder went away since it was seen: make it again.
      this.#dirs.delete(dir);
      makeDirThenPlace();
    });
  }

  /** rename(2) into the fan-out folder (see #inFanOut). */
  #renameInto(tmpPath: string, dest: string, done: (err: Error | null) => void): void {
    this.#inFanOut(dest, (cb) => fsRename(tmpPath, dest, cb), done);
  }

  /**
   * Puts the file at `dest` unless one is there already (link(2) fails then, and the existing
   * one, with these very bytes, stays), and removes `tmpPath` either way. Where the file system
   * has no hard links, it is #renameInto.
   */
  #linkInto(tmpPath: string, dest: string, done: (err: Error | null) => void): void {
    this.#inFanOut(
      dest,
      (cb) => fsLink(tmpPath, dest, (err) => cb(err?.code === 'EEXIST' ? null : err)),
      (err) => {
        if (!err) return fsUnlink(tmpPath, (e) => done(e));
        if (err.code === 'EPERM' || err.code === 'ENOTSUP' || err.code === 'EOPNOTSUPP')
          return this.#renameInto(tmpPath, dest, done);
        done(err);
      },
    );
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.whereIs(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    const packed = this.#pack?.size(sha256);
    if (packed !== undefined) return packed;
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  open(sha256: string, range?: { start: number; end: number }): Readable {
    const packed = this.#pack?.get(sha256);
    if (packed) {
      const bytes = range ? packed.subarray(range.start, range.end + 1) : packed;
      return Readable.from([bytes], { objectMode: false });
    }
    return new BlobReadStream(this.pathOf(sha256), range);
  }

  /**
   * The blob's file opened for reading (serve.ts sends large ones without a stream; the pack
   * holds none of those).
   */
  openFile(sha256: string): Promise<FileHandle> {
    return openFile(this.pathOf(sha256), 'r');
  }

  async delete(sha256: string): Promise<void> {
    // Both: a blob packed now may have been a file written before the pack was turned on.
    this.#pack?.delete(sha256);
    await rm(this.pathOf(sha256), { force: true });
  }

  /** After garbage collection: the pages of the pack's deleted blobs go back to the disk. */
  vacuum(): void {
    this.#pack?.vacuum();
  }

  async *list(): AsyncIterable<{ sha256: string; modified: number }> {
    const dirs = async (d: string): Promise<string[]> =>
      (await readdir(d, { withFileTypes: true }).catch(() => []))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    for (const a of await dirs(this.#root)) {
      for (const b of await dirs(join(this.#root, a))) {
        const names = await readdir(join(this.#root, a, b)).catch(() => [] as string[]);
        for (const name of names.sort()) {
          if (!SHA256.test(name) || name.slice(0, 2) !== a || name.slice(2, 4) !== b) continue;
          const st = await stat(join(this.#root, a, b, name)).catch(() => undefined);
          if (st?.isFile()) yield { sha256: name, modified: st.mtimeMs };
        }
      }
    }
    if (this.#pack) yield* this.#pack.list();
  }

  async cleanup(opts: { olderThanMs?: number } = {}): Promise<number> {
    const names = await readdir(this.#tmp).catch(() => [] as string[]);
    const cutoff = Date.now() - (opts.olderThanMs ?? 0);
    let removed = 0;
    await Promise.all(
      names.map(async (n) => {
        const path = join(this.#tmp, n);
        if (opts.olderThanMs !== undefined) {
          const st = await stat(path).catch(() => undefined);
          if (!st || st.mtimeMs > cutoff) return;
        }
        await rm(path, { force: true });
        removed++;
      }),
    );
    return removed;
  }
}

/** The largest read of a blob: big enough for few system calls, small enough to stay flat. */
const MAX_READ = 1024 * 1024;
/** The smallest read of a large blob, however many are being read at once. */
const MIN_READ = 64 * 1024;
/**
 * What the reads of all blobs being served at once may hold together: each read is at most
 * this divided by the streams open (between MIN_READ and MAX_READ), so 64 parallel downloads
 * take 256 KiB reads where one takes 1 MiB reads, and memory stays flat as parallelism grows.
 */
const READ_BUDGET = 16 * 1024 * 1024;
/** Blob read streams not yet destroyed. */
let openReads = 0;

/**
 * A read of a blob that is not a stream (serve.ts pumps large files itself): counted with the
 * streams, its chunk is its share of the read budget.
 */
export function beginBlobRead(): { chunk: number; done(): void } {
  openReads++;
  let ended = false;
  return {
    chunk: readShare(openReads),
    done: () => {
      if (!ended) openReads--;
      ended = true;
    },
  };
}

function readShare(streams: number): number {
  return Math.max(MIN_READ, Math.min(MAX_READ, Math.floor(READ_BUDGET / Math.max(1, streams))));
}

/**
 * Reads a blob with buffers sized to what is left of it: min(remaining, 1 MiB). fs.ReadStream
 * allocates a full highWaterMark for every read whatever the file's size (1 MiB for a 58 KB
 * tarball, then a second one to find the end), which made GC a quarter of a small GET. This one
 * learns the size once (fstat on the open descriptor, so a concurrent rename cannot mix files)
 * and never issues the read that only finds the end.
 */
class BlobReadStream extends Readable {
  readonly #path: string;
  readonly #range: { start: number; end: number } | undefined;
  #fd: number | undefined;
  /** A read in flight: closing the descriptor waits for it (its number could be reused). */
  #reading = false;
  #closeAfterRead: (() => void) | undefined;
  #pos = 0;
  /** Inclusive. */
  #end = -1;

  constructor(path: string, range?: { start: number; end: number }) {
    // Two reads ahead of the client at most (one being sent, one ready).
    super({ highWaterMark: 2 * readShare(openReads + 1) });
    openReads++;
    this.#path = path;
    this.#range = range;
  }

  override _construct(cb: (err?: Error | null) => void): void {
    fsOpen(this.#path, 'r', (err, fd) => {
      // A reader that stopped before the open completed (a client gone) wants no answer: the
      // blob may have been deleted meanwhile, and its ENOENT must not become an 'error' nobody
      // listens for (an uncaught exception).
      if (err) return cb(this.destroyed ? null : err);
      this.#fd = fd;
      if (this.destroyed) return cb();
      fstat(fd, (err2, st) => {
        if (err2) return cb(this.destroyed ? null : err2);
        this.#pos = this.#range?.start ?? 0;
        this.#end = Math.min(this.#range?.end ?? Infinity, st.size - 1);
        cb();
      });
    });
  }

  override _read(): void {
    const n = Math.min(this.#end - this.#pos + 1, readShare(openReads));
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buf = n < 4096 ? Buffer.allocUnsafe(n) : Buffer.allocUnsafeSlow(n);
    this.#reading = true;
    fsRead(this.#fd!, buf, 0, n, this.#pos, (err, got) => {
      this.#reading = false;
      if (this.#closeAfterRead) return this.#closeAfterRead();
      if (err) return this.destroy(err);
      if (got === 0) {
        // The file shrank under us: content-addressed blobs never do, so this is damage.
        this.destroy(
          new Error(`blob ${this.#path} ended ${this.#end - this.#pos + 1} bytes early`),
        );
        return;
      }
      this.#pos += got;
      this.push(got === n ? buf : buf.subarray(0, got));
    });
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    openReads--;
    if (this.#fd === undefined) return cb(err);
    const fd = this.#fd;
    this.#fd = undefined;
    if (this.#reading) this.#closeAfterRead = () => fsClose(fd, () => cb(err));
    else fsClose(fd, () => cb(err));
  }
}

/**
 * A hashing file writer for a pipeline. The pipeline reports its errors; once it has been torn
 * down (a client gone, the server closing) a late failure of the file's open — its folder
 * removed meanwhile — must not surface as an uncaught 'error'.
 */
function sink(opts: HashedWriteOptions): HashedFileWriter {
  const out = new HashedFileWriter(opts);
  out.on('error', () => {});
  return out;
}

/** Resolves once `out` has let go of its file (no write of it still in flight). */
async function closed(out: HashedFileWriter): Promise<void> {
  if (!out.closed) await once(out, 'close');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
