/**
 * Writes an upload to a file while its sha1, sha256 and md5 are computed over exactly the bytes
 * written. A small body is held until it ends, then hashed here and written with one call. A
 * larger one is copied into slices of shared memory: each full slice goes to the hashing threads,
 * one of which also writes it to the file at its offset (hash-threads.ts), and the slice is
 * reused once all are done with it. A few slices per upload bound the memory; when they are all
 * busy the body is not read further (backpressure).
 */
import { close, open, read, write, writev } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import { MultiHash, type Checksums } from '@stowage/core';
import { ThreadedHash } from './hash-threads.ts';

/** Bodies up to this size are hashed on the main thread: a thread round trip costs more. */
export const INLINE_BYTES = 64 * 1024;
/**
 * Bytes handed to the hashing threads at once. Each hand-off wakes threads (a message to each
 * hashing thread, an answer from each), but 2 MiB slices saved only ~20 ms of CPU per 256 MiB
 * PUT on the 2-core development machine (within noise), and 1 MiB ones reach the file sooner.
 */
export const SLICE_BYTES = 1024 * 1024;
/**
 * Slices one upload may have: one filling while the others are written and hashed. Eight made
 * a 256 MiB PUT ~8% faster than four on the 2-core development machine.
 */
const SLICES = 8;
/**
 * Every upload may always have one slice; its others come from this many shared by all uploads,
 * so memory stays bounded however many upload at once, and no upload waits on another.
 */
const SHARED_SLICES = 32;
let sharedInUse = 0;
/** Idle slices kept for the next upload (a new one is zero-filled memory). */
const SPARE_SLICES = 4;
const spare: SharedArrayBuffer[] = [];

function giveBack(slices: SharedArrayBuffer[]): void {
  for (const s of slices) if (spare.length < SPARE_SLICES) spare.push(s);
}

/** A running hash: on this thread, or on the hashing threads. */
export type RunningHash = MultiHash | ThreadedHash;

export interface HashedWriteOptions {
  path: string;
  /** 'wx' for a new file, 'r+' to write into an existing one at `start`. */
  flags: 'wx' | 'r+';
  mode?: number;
  start?: number;
  /**
   * The hash to continue (an upload in pieces); without one the writer picks one by the body's
   * size. `null`: write without hashing (the caller re-reads).
   */
  hash?: RunningHash | null;
  /**
   * Asked of each chunk once it is copied into shared memory: true when nothing but this writer
   * holds it (see `soleReader`); its memory is then freed at once instead of at V8's next
   * collection.
   */
  release?: () => boolean;
}

/**
 * The `release` for a body whose chunks the writer may free once copied: a request body (Node's
 * HTTP parser hands out each piece in a buffer of its own) that nothing but the writer reads or
 * has read (a chunk read and put back with unshift may still be held). Call it before the
 * writer is attached; a reader that joins later, or the writer being joined by a second one,
 * turns it off from then on. Undefined for any other stream: its chunks may be views of memory
 * that someone else still uses.
 */
export function soleReader(body: Readable): (() => boolean) | undefined {
  if (!(body instanceof IncomingMessage) || body.readableDidRead) return undefined;
  if (body.listenerCount('data') > 0 || body.listenerCount('readable') > 0) return undefined;
  let readers = 0;
  const joined = (event: string | symbol): void => {
    if (event === 'data') readers++;
    else if (event === 'readable') readers += 2;
    if (readers > 1) body.off('newListener', joined);
  };
  body.on('newListener', joined);
  return () => readers <= 1;
}

/** A file Writable that hashes what it writes; see the module comment. */
export class HashedFileWriter extends Writable {
  readonly #opts: HashedWriteOptions;
  #fd: number | undefined;
  #pos: number;
  #size = 0;
  #hash: RunningHash | null | undefined;
  /** Chunks held while the body may still turn out small (no hash picked yet). */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** Slices this writer owns that are free, the one being filled and how full it is. */
  #idle: SharedArrayBuffer[] = [];
  #owned = 0;
  #slice: SharedArrayBuffer | undefined;
  /** A Buffer over #slice, to copy into. */
  #view: Buffer | undefined;
  #fill = 0;
  /** How much of the chunk being copied is in slices, while waiting for a slice. */
  #copied = 0;
  /** Slices being written and hashed. */
  #busy = 0;
  /** Waiting for a slice to come back (a write, the end, the descriptor's close). */
  #waiters: (() => void)[] = [];
  #finished = false;
  #failed: Error | undefined;

  constructor(opts: HashedWriteOptions) {
    super({ highWaterMark: 256 * 1024 });
    this.#opts = opts;
    this.#pos = opts.start ?? 0;
    this.#hash = opts.hash;
  }

  /** Bytes received. */
  get size(): number {
    return this.#size;
  }

  /** The hash of everything written (after 'finish'); continue it or digest it. */
  get hash(): RunningHash | null {
    if (!this.#finished || this.#hash === undefined) throw new Error('the write has not finished');
    return this.#hash;
  }

  override _construct(cb: (err?: Error | null) => void): void {
    open(this.#opts.path, this.#opts.flags, this.#opts.mode ?? 0o600, (err, fd) => {
      if (err) return cb(err);
      this.#fd = fd;
      cb();
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#size += chunk.length;
    if (this.#hash === undefined) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes <= INLINE_BYTES) return cb();
      // Large: from now on the hashing threads hash it, starting with what was held.
      this.#hash = new ThreadedHash();
      const held = this.#held;
      this.#held = [];
      this.#heldBytes = 0;
      this.#copyAll(held, 0, cb);
      return;
    }
    if (this.#hash instanceof ThreadedHash) {
      this.#copyAll([chunk], 0, cb);
      return;
    }
    // On this thread (a piece of an upload that began small), or not hashed at all.
    this.#hash?.update(chunk);
    const at = this.#pos;
    this.#pos += chunk.length;
    writeAll(this.#fd!, [chunk], at).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#finish().then(() => cb(), cb);
  }

  async #finish(): Promise<void> {
    if (this.#hash === undefined) {
      // Small: hashed here, written in one call.
      const hash = new MultiHash();
      for (const c of this.#held) hash.update(c);
      if (this.#heldBytes > 0) await writeAll(this.#fd!, this.#held, this.#pos);
      this.#pos += this.#heldBytes;
      this.#held = [];
      this.#hash = hash;
      this.#finished = true;
      return;
    }
    if (this.#fill > 0) this.#dispatch();
    while (this.#busy > 0) await this.#slotFreed();
    if (this.#failed) throw this.#failed;
    this.#finished = true;
  }

  #slotFreed(): Promise<void> {
    return new Promise<void>((r) => this.#waiters.push(r));
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#failed ??= err ?? new Error('the write was stopped');
    this.#wakeAll();
    // A hash this writer started for a body that did not arrive whole is of no use to anyone.
    if (!this.#finished && this.#opts.hash === undefined && this.#hash instanceof ThreadedHash)
      this.#hash.drop();
    void (async () => {
      // The descriptor is closed, and the slices given back, only when no write uses them.
      while (this.#busy > 0) await this.#slotFreed();
      giveBack(this.#slice ? [...this.#idle, this.#slice] : this.#idle);
      this.#idle = [];
      this.#slice = undefined;
      this.#view = undefined;
      if (this.#owned > 1) sharedInUse -= this.#owned - 1;
      this.#owned = 0;
      const fd = this.#fd;
      this.#fd = undefined;
      if (fd !== undefined) close(fd, (e) => cb(err ?? e));
      else cb(err);
    })();
  }

  /**
   * Copies `chunks[i..]` into slices, handing each full one over, then calls `cb`: at once when
   * no slice has to be waited for (most chunks), else once one is free.
   */
  #copyAll(chunks: Buffer[], i: number, cb: (err?: Error | null) => void): void {
    for (; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      let off = this.#copied;
      while (off < chunk.length) {
        if (this.#failed) return cb(this.#failed);
        if (!this.#slice && !this.#take()) {
          this.#copied = off;
          this.#waiters.push(() => this.#copyAll(chunks, i, cb));
          return;
        }
        const n = Math.min(SLICE_BYTES - this.#fill, chunk.length - off);
        // Buffer#fill with a buffer as long as the range copies it with memcpy; TypedArray#set
        // into shared memory copies word by word (relaxed atomics): 55 against 18 ms of CPU per
        // 256 MiB on the development machine.
        const piece = n === chunk.length ? chunk : chunk.subarray(off, off + n);
        this.#view!.fill(piece, this.#fill, this.#fill + n);
        this.#fill += n;
        off += n;
        if (this.#fill === SLICE_BYTES) this.#dispatch();
      }
      this.#copied = 0;
      if (this.#opts.release?.()) free(chunk);
    }
    cb();
  }

  /** Makes a slice the one being filled, if this writer may have one now. */
  #take(): boolean {
    let s = this.#idle.pop();
    if (!s && (this.#owned === 0 || (this.#owned < SLICES && sharedInUse < SHARED_SLICES))) {
      if (this.#owned > 0) sharedInUse++;
      this.#owned++;
      s = spare.pop() ?? new SharedArrayBuffer(SLICE_BYTES);
    }
    if (!s) return false;
    this.#slice = s;
    this.#view = Buffer.from(s);
    this.#fill = 0;
    return true;
  }

  /** Hands the current slice over: a hashing thread writes it at its offset, all hash it. */
  #dispatch(): void {
    const slice = this.#slice!;
    const length = this.#fill;
    const position = this.#pos;
    this.#slice = undefined;
    this.#view = undefined;
    this.#fill = 0;
    this.#pos += length;
    this.#busy++;
    const hash = this.#hash as ThreadedHash;
    const done = (err?: unknown): void => {
      if (err) this.#failed ??= err as Error;
      this.#idle.push(slice);
      this.#busy--;
      this.#wakeAll();
    };
    hash.update(slice, 0, length, { fd: this.#fd!, position }).then(() => done(), done);
  }
}

/**
 * Frees the memory of `chunk` now, when it is the whole of its ArrayBuffer (detaching it: any
 * view of it reads as empty from then on). Node's HTTP parser copies each piece of a body into a
 * buffer of its own (node_http_parser.cc, on_body); left to V8, the collector frees them, and
 * their external memory (64 KiB each, hundreds of MiB a second) makes it run a full collection
 * every ~100 ms through a large upload.
 */
function free(chunk: Buffer): void {
  const ab = chunk.buffer;
  if (!(ab instanceof ArrayBuffer) || chunk.byteOffset !== 0 || chunk.byteLength !== ab.byteLength)
    return;
  try {
    ab.transfer(0);
  } catch {
    // Not detachable (memory Node or an addon owns): the collector frees it.
  }
}

/** Writes all of `bufs` at `position`, however many calls that takes. */
async function writeAll(fd: number, bufs: Buffer[], position: number): Promise<void> {
  let pos = position;
  let rest = bufs;
  while (rest.length > 0) {
    const n = await new Promise<number>((resolve, reject) => {
      const done = (err: Error | null, written: number): void =>
        err ? reject(err) : resolve(written);
      if (rest.length === 1) write(fd, rest[0]!, 0, rest[0]!.length, pos, done);
      else writev(fd, rest, pos, done);
    });
    pos += n;
    let skip = n;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        next.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = next;
  }
}

/** The checksums of a file's first `size` bytes, read again (an upload whose hash was lost). */
export async function hashFilePrefix(path: string, size: number): Promise<Checksums> {
  if (size <= INLINE_BYTES) {
    const hash = new MultiHash();
    if (size > 0) {
      const buf = Buffer.alloc(size);
      await withFd(path, (fd) => readAll(fd, buf, 0, size, 0));
      hash.update(buf);
    }
    return hash.digest();
  }
  const hash = new ThreadedHash();
  const slices = [spare.pop() ?? new SharedArrayBuffer(SLICE_BYTES)];
  if (size > SLICE_BYTES) slices.push(spare.pop() ?? new SharedArrayBuffer(SLICE_BYTES));
  try {
    await withFd(path, async (fd) => {
      // One slice is read while the other is hashed.
      let pending: Promise<void> | undefined;
      for (let pos = 0, i = 0; pos < size; pos += SLICE_BYTES, i++) {
        const slice = slices[i % slices.length]!;
        const n = Math.min(SLICE_BYTES, size - pos);
        await readAll(fd, Buffer.from(slice, 0, n), 0, n, pos);
        await pending;
        pending = hash.update(slice, 0, n);
        pending.catch(() => undefined);
      }
      await pending;
    });
    return await hash.digest();
  } catch (err) {
    hash.drop();
    throw err;
  } finally {
    giveBack(slices);
  }
}

async function withFd<T>(path: string, fn: (fd: number) => Promise<T>): Promise<T> {
  const fd = await new Promise<number>((resolve, reject) =>
    open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))),
  );
  try {
    return await fn(fd);
  } finally {
    await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}

async function readAll(
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let got = 0;
  while (got < length) {
    const n = await new Promise<number>((resolve, reject) =>
      read(fd, buf, offset + got, length - got, position + got, (err, n) =>
        err ? reject(err) : resolve(n),
      ),
    );
    if (n === 0) throw new Error(`the file ended ${length - got} bytes early`);
    got += n;
  }
}
