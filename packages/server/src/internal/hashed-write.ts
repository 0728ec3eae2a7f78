/**
 * Writes an upload to a file while its sha1, sha256 and md5 are computed over exactly the bytes
 * written. A small body is held until it ends, then hashed here and written with one call. A
 * larger one is copied into slices of shared memory: each full slice goes to the hashing threads,
 * one of which also writes it to the file at its offset (hash-threads.ts), and the slice is
 * reused once all are done with it. A few slices per upload bound the memory; when they are all
 * busy the body is not read further (backpressure).
 */
import {
  close,
  constants,
  ftruncate,
  open,
  openSync,
  read,
  write,
  writeSync,
  writev,
} from 'node:fs';
import { IncomingMessage } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import { MultiHash, type Checksums } from '@stowage/core';
import { ThreadedHash, type WriteTo } from './hash-threads.ts';

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

/**
 * Past this many bytes of an upload into a new file, each full slice is written with O_DIRECT
 * (a second descriptor of the file), past the page cache, where the file system takes it. On the
 * development machine (a VM whose free memory is handed back to its host: virtio-balloon free
 * page reporting) writing 1 GiB into new page cache cost 0.4-4.4 s of system time, however it was
 * written, against 0.1-0.4 s with O_DIRECT at the disk's 1-1.2 GB/s; a checksummed PUT is
 * CPU-bound on two cores, so that was the part of it that swung the most. It also keeps one
 * large upload from pushing what downloads use out of the page cache (MinIO writes large
 * objects the same way). The first read of those bytes then comes from the disk. Files up to
 * this size (packages, most of what is read back at once) go through the page cache as before.
 */
export const DIRECT_AFTER = 8 * 1024 * 1024;
/** The alignment asked of O_DIRECT's memory, file position and length (512 B or 4 KiB blocks). */
const DIRECT_ALIGN = 4096;
/**
 * Where in each slice's memory the bytes start so that O_DIRECT takes them: JavaScript cannot
 * see an address, so the first O_DIRECT writer to use a slice finds it by trying (alignedStart).
 */
const alignedStarts = new WeakMap<SharedArrayBuffer, number>();

/** A slice's memory, with room to start it at an aligned address. */
function newSlice(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLICE_BYTES + DIRECT_ALIGN);
}

/**
 * The first offset in `slice` (a multiple of 16: malloc's alignment) from which an O_DIRECT
 * write of DIRECT_ALIGN bytes to `fd` at `position` is taken, or undefined when none is (the
 * file system refuses O_DIRECT writes). The bytes written there are overwritten by the slice.
 */
function alignedStart(fd: number, slice: SharedArrayBuffer, position: number): number | undefined {
  for (let at = 0; at < DIRECT_ALIGN; at += 16) {
    try {
      writeSync(fd, new Uint8Array(slice, at, DIRECT_ALIGN), 0, DIRECT_ALIGN, position);
      return at;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') return undefined;
    }
  }
  return undefined;
}

function giveBack(slices: SharedArrayBuffer[]): void {
  for (const s of slices) if (spare.length < SPARE_SLICES) spare.push(s);
}

/** A running hash: on this thread, or on the hashing threads. */
export type RunningHash = MultiHash | ThreadedHash;

export interface HashedWriteOptions {
  path: string;
  /** 'wx' for a new file, 'r+' to write into an existing one at `start`. */
  flags: 'wx' | 'r+';
  /** false: never O_DIRECT (see DIRECT_AFTER; it applies to new files only). Default true. */
  direct?: boolean;
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
  /** A Buffer over #slice from #sliceStart, to copy into. */
  #view: Buffer | undefined;
  #sliceStart = 0;
  /** Whether #slice, once full, is written with O_DIRECT (decided when it was taken). */
  #sliceDirect = false;
  /** The file opened with O_DIRECT: undefined until wanted, null when not to be had. */
  #direct: number | null | undefined;
  #directBytes = 0;
  /** How far into the file alignedStart wrote (its bytes may lie past the end of the upload). */
  #probedTo = 0;
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

  /** Bytes written with O_DIRECT (see DIRECT_AFTER). */
  get directBytes(): number {
    return this.#directBytes;
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
    // A slice's alignment was found by writing where its bytes go; the upload may end sooner.
    if (this.#probedTo > this.#pos) {
      const [fd, end] = [this.#fd!, this.#pos];
      await new Promise<void>((res, rej) => ftruncate(fd, end, (e) => (e ? rej(e) : res())));
    }
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
      this.#noDirect();
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
      s = spare.pop() ?? newSlice();
    }
    if (!s) return false;
    // Asked first: a slice whose alignment another upload found still needs this file opened.
    const direct = this.#wantsDirect();
    let start = alignedStarts.get(s);
    if (direct && start === undefined) {
      start = alignedStart(this.#direct!, s, this.#pos);
      this.#probedTo = Math.max(this.#probedTo, this.#pos + DIRECT_ALIGN);
      if (start === undefined) this.#noDirect();
      else alignedStarts.set(s, start);
    }
    this.#slice = s;
    this.#sliceStart = start ?? 0;
    this.#sliceDirect = direct && start !== undefined;
    this.#view = Buffer.from(s, this.#sliceStart, SLICE_BYTES);
    this.#fill = 0;
    return true;
  }

  /**
   * Whether the slice about to be filled (it goes at #pos: slices are handed over in order)
   * should be written with O_DIRECT, opening the file that way the first time.
   */
  #wantsDirect(): boolean {
    if (
      this.#opts.direct === false ||
      this.#opts.flags !== 'wx' ||
      this.#pos < DIRECT_AFTER ||
      this.#pos % DIRECT_ALIGN !== 0
    )
      return false;
    if (this.#direct === undefined) {
      // Not every platform has it (O_DIRECT is Linux's), nor every file system.
      const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
      try {
        this.#direct = flag ? openSync(this.#opts.path, constants.O_WRONLY | flag) : null;
      } catch {
        this.#direct = null;
      }
    }
    return this.#direct !== null;
  }

  #noDirect(): void {
    const direct = this.#direct;
    this.#direct = null;
    if (typeof direct === 'number') close(direct, () => undefined);
  }

  /** Hands the current slice over: a hashing thread writes it at its offset, all hash it. */
  #dispatch(): void {
    const slice = this.#slice!;
    const start = this.#sliceStart;
    const length = this.#fill;
    const position = this.#pos;
    // Only whole slices go past the page cache (the last one of an upload may be short).
    const direct =
      this.#sliceDirect && typeof this.#direct === 'number' && length === SLICE_BYTES
        ? this.#direct
        : undefined;
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
    const write: WriteTo = { fd: this.#fd!, position, ...(direct !== undefined && { direct }) };
    hash.update(slice, start, length, write).then((d) => {
      this.#directBytes += d;
      done();
    }, done);
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
  const slices = [spare.pop() ?? newSlice()];
  if (size > SLICE_BYTES) slices.push(spare.pop() ?? newSlice());
  try {
    await withFd(path, async (fd) => {
      // One slice is read while the other is hashed.
      let pending: Promise<number> | undefined;
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
