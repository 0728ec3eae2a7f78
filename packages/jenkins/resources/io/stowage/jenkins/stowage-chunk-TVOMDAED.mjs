// stowage 0.1.0: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt
import { createRequire as __stowageCreateRequire } from 'node:module';
const require = __stowageCreateRequire(import.meta.url);
import {
  MultiHash
} from "./stowage-chunk-TPUZXTG7.mjs";
import {
  TurnBatch
} from "./stowage-chunk-JQF566ZO.mjs";
import {
  DatabaseSync,
  init_node_sqlite
} from "./stowage-chunk-QDYDZI7D.mjs";
import {
  init_define_STOWAGE_UI_ASSETS
} from "./stowage-chunk-PAFHW2OS.mjs";

// ../server/dist/internal/blobstore.js
init_define_STOWAGE_UI_ASSETS();
import { close as fsClose, createReadStream, fstat, link as fsLink, mkdir as fsMkdir, open as fsOpen, read as fsRead, rename as fsRename, unlink as fsUnlink, write as fsWrite } from "node:fs";
import { mkdir, open as openFile, rm, stat, truncate, readdir, writeFile } from "node:fs/promises";
import { hash, randomBytes } from "node:crypto";
import { basename, join } from "node:path";
import { once } from "node:events";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

// ../server/dist/internal/blob-pack.js
init_define_STOWAGE_UI_ASSETS();
init_node_sqlite();
var BlobPack = class {
  #db;
  #get;
  #size;
  #put;
  #delete;
  #page;
  #check;
  #batch = new TurnBatch(MAX_BATCH, (puts) => this.#commit(puts));
  #closed = false;
  constructor(file) {
    this.#db = new DatabaseSync(file);
    try {
      this.#db.exec(`PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;
        CREATE TABLE IF NOT EXISTS blobs (
          sha256 TEXT PRIMARY KEY,
          modified INTEGER NOT NULL,
          data BLOB NOT NULL
        );`);
      this.#get = this.#db.prepare("SELECT data FROM blobs WHERE sha256 = ?");
      this.#size = this.#db.prepare("SELECT length(data) AS n FROM blobs WHERE sha256 = ?");
      this.#put = this.#db.prepare(`INSERT INTO blobs (sha256, modified, data) VALUES (?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET modified = excluded.modified`);
      this.#delete = this.#db.prepare("DELETE FROM blobs WHERE sha256 = ?");
      this.#check = this.#db.prepare("SELECT count(*) FROM (SELECT 1 FROM blobs LIMIT 1)");
      this.#page = this.#db.prepare("SELECT sha256, modified FROM blobs WHERE sha256 > ? ORDER BY sha256 LIMIT ?");
    } catch (err) {
      this.#db.close();
      throw new Error(`the blob pack ${file} cannot be opened (${err.message}): restore it from a backup, or move it away to start without the small blobs it holds`, { cause: err });
    }
  }
  /** The blob's bytes, or undefined when the pack does not hold it. */
  get(sha256) {
    const row = this.#get.get(sha256);
    if (!row)
      return void 0;
    const d = row.data;
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }
  size(sha256) {
    const row = this.#size.get(sha256);
    return row?.n;
  }
  /**
   * Stores `data` under `sha256` (the caller computed the digest from these very bytes). Settles
   * once the transaction holding it has committed: the puts of one turn of the event loop share
   * one, at most MAX_BATCH of them.
   */
  put(sha256, data) {
    if (this.#closed)
      return Promise.reject(new Error("the blob pack is closed"));
    return new Promise((resolve, reject) => this.#batch.add({ sha256, data, resolve, reject }));
  }
  #commit(batch) {
    const now = Date.now();
    try {
      if (this.#db.isTransaction)
        this.#db.exec("ROLLBACK");
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const b of batch)
          this.#put.run(b.sha256, now, b.data);
        this.#db.exec("COMMIT");
      } catch (err) {
        if (this.#db.isTransaction)
          this.#db.exec("ROLLBACK");
        throw err;
      }
    } catch (err) {
      for (const b of batch)
        b.reject(err);
      return;
    }
    for (const b of batch)
      b.resolve();
  }
  /** True when the pack held it. */
  delete(sha256) {
    return Number(this.#delete.run(sha256).changes) > 0;
  }
  /** Every blob with when it was last put, in digest order, read a page at a time. */
  *list() {
    let after = "";
    for (; ; ) {
      const rows = this.#page.all(after, PAGE);
      for (const r of rows)
        yield { sha256: r.sha256, modified: r.modified };
      if (rows.length < PAGE)
        return;
      after = rows[rows.length - 1].sha256;
    }
  }
  /**
   * Throws unless the pack is open and its table answers (the health check; it does not wait
   * for the write lock, which would hold up the event loop).
   */
  check() {
    if (this.#closed)
      throw new Error("the blob pack is closed");
    this.#check.get();
  }
  /** Gives the pages deleted blobs freed back to the file system. */
  vacuum() {
    this.#db.exec("PRAGMA incremental_vacuum");
  }
  /** Commits what was put in this turn, then closes the file. */
  close() {
    if (this.#closed)
      return;
    this.#batch.flush();
    this.#closed = true;
    this.#db.close();
  }
};
var MAX_BATCH = 256;
var PAGE = 1e3;

// ../server/dist/internal/hash-threads.js
init_define_STOWAGE_UI_ASSETS();
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
var GROUPS = availableParallelism() > 1 ? [["sha1", "sha256"], ["md5"]] : [["sha1", "sha256", "md5"]];
var WRITE_PIECE = 32 * 1024;
var THREAD_SOURCE = `'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { createHash } = process.getBuiltinModule('node:crypto');
const { writeSync } = process.getBuiltinModule('node:fs');
const algs = workerData.algs;
const piece = workerData.piece;
const jobs = new Map();
parentPort.on('message', (msg) => {
  if (msg.drop) {
    jobs.delete(msg.job);
    return;
  }
  let hashes = jobs.get(msg.job);
  if (!hashes) jobs.set(msg.job, (hashes = algs.map((a) => createHash(a))));
  if (msg.end) {
    jobs.delete(msg.job);
    parentPort.postMessage({ job: msg.job, digests: hashes.map((h) => h.digest('hex')) });
    return;
  }
  const view = new Uint8Array(msg.data, msg.offset, msg.length);
  let direct = 0;
  if (msg.write) {
    const w = msg.write;
    try {
      if (w.direct !== undefined) {
        try {
          while (direct < msg.length) {
            const n = writeSync(w.direct, view, direct, msg.length - direct, w.position + direct);
            if (n === 0) break;
            direct += n;
          }
        } catch (err) {
          if (err.code !== 'EINVAL') throw err;
        }
      }
      for (let done = direct; done < msg.length; ) {
        const n = Math.min(piece, msg.length - done);
        done += writeSync(w.fd, view, done, n, w.position + done);
      }
    } catch (err) {
      const { message, code, errno, syscall } = err;
      parentPort.postMessage({ job: msg.job, failed: { message, code, errno, syscall } });
      return;
    }
  }
  for (const h of hashes) h.update(view);
  parentPort.postMessage({ job: msg.job, acked: true, direct });
});
`;
var HashThread = class {
  algs;
  #worker;
  /** Counts the workers started: a job's running hash lives only in the one it began on. */
  #generation = 0;
  /** Jobs with something in flight on this thread; the worker keeps the process alive then. */
  #pending = /* @__PURE__ */ new Map();
  /** Pieces of data posted and not yet acknowledged, over every job: how far behind it is. */
  #backlog = 0;
  constructor(algs) {
    this.algs = algs;
  }
  /** Posts to the current worker (starting one if none runs); returns that worker's number. */
  post(msg) {
    this.#start().postMessage(msg);
    if ("data" in msg)
      this.#backlog++;
    return this.#generation;
  }
  get backlog() {
    return this.#backlog;
  }
  /** Forgets `job` (a thread that is not running holds nothing to forget). */
  drop(job) {
    this.#worker?.postMessage({ job, drop: true });
  }
  /**
   * Resolves when the thread has hashed the bytes `post` just sent for `job`, with how many of
   * them it wrote with O_DIRECT.
   */
  ack(job) {
    return new Promise((resolve, reject) => this.#entry(job).acks.push({ resolve, reject }));
  }
  digests(job) {
    return new Promise((resolve, reject) => this.#entry(job).digests = { resolve, reject });
  }
  #entry(job) {
    let p = this.#pending.get(job);
    if (!p) {
      this.#pending.set(job, p = { acks: [] });
      if (this.#pending.size === 1)
        this.#worker?.ref();
    }
    return p;
  }
  #settled(job, p) {
    if (p.acks.length > 0 || p.digests)
      return;
    this.#pending.delete(job);
    if (this.#pending.size === 0)
      this.#worker?.unref();
  }
  #start() {
    if (this.#worker)
      return this.#worker;
    this.#generation++;
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { algs: this.algs, piece: WRITE_PIECE },
      // It keeps a few hash contexts per job and allocates nothing else of note.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      stdout: false,
      stderr: false
    });
    worker.on("message", (msg) => {
      if (!("digests" in msg))
        this.#backlog--;
      const p = this.#pending.get(msg.job);
      if (!p)
        return;
      if ("acked" in msg)
        p.acks.shift()?.resolve(msg.direct ?? 0);
      else if ("failed" in msg)
        p.acks.shift()?.reject(writeError(msg.failed));
      else {
        const d = p.digests;
        p.digests = void 0;
        d?.resolve(msg.digests);
      }
      this.#settled(msg.job, p);
    });
    const fail = (err) => {
      if (this.#worker !== worker)
        return;
      this.#worker = void 0;
      this.#backlog = 0;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) {
        for (const a of p.acks)
          a.reject(err);
        p.digests?.reject(err);
      }
    };
    worker.on("error", (err) => fail(new HashThreadError(`a hashing thread failed: ${err.message}`, err)));
    worker.on("exit", (code) => fail(new HashThreadError(`a hashing thread stopped (exit code ${code})`)));
    worker.unref();
    this.#worker = worker;
    return worker;
  }
  /** Stops the thread (tests: a thread that dies must fail its jobs, not hang them). */
  async stop() {
    await this.#worker?.terminate();
  }
};
function writeError(f) {
  return Object.assign(new Error(f.message), {
    ...f.code !== void 0 && { code: f.code },
    ...f.errno !== void 0 && { errno: f.errno },
    ...f.syscall !== void 0 && { syscall: f.syscall }
  });
}
var HashThreadError = class extends Error {
  name = "HashThreadError";
  code = "ERR_HASH_THREAD";
};
var threads = GROUPS.map((algs) => new HashThread(algs));
var lastJob = 0;
function leastBehind(backlogs) {
  let best = 0;
  for (let i = 1; i < backlogs.length; i++)
    if (backlogs[i] < backlogs[best])
      best = i;
  return best;
}
var abandoned = new FinalizationRegistry((job) => {
  for (const t of threads)
    t.drop(job);
});
var ThreadedHash = class {
  #job = ++lastJob;
  /** Per thread, the worker that holds this job's state (see HashThread.post). */
  #workers = [];
  #ended = false;
  #failed;
  constructor() {
    abandoned.register(this, this.#job, this);
  }
  /**
   * Hashes `length` bytes of `data` from `offset`; do not change them before this resolves.
   * With `write`, one of the threads also writes them to that file at that position, in small
   * pieces (see WRITE_PIECE), before it hashes them: the one least behind (fewest pieces not yet
   * acknowledged; on a tie the first, which has the lighter digests). Writing into the page cache
   * can cost more than the digests (on the development machine's disk ~3.6 s per GiB of system
   * time, against 1.3 s for SHA-1 and SHA-256 and 1.7 s for MD5): left on one thread it made that
   * thread the bottleneck of every large PUT; shared this way, both threads stay busy.
   * Resolves with how many of the bytes were written with O_DIRECT (`write.direct`).
   */
  async update(data, offset, length, write2) {
    this.#check();
    const writer = write2 ? leastBehind(threads.map((t) => t.backlog)) : -1;
    const acks = threads.map((t, i) => {
      const msg = { job: this.#job, data, offset, length };
      if (write2 && i === writer)
        msg.write = write2;
      this.#posted(i, t.post(msg));
      return t.ack(this.#job);
    });
    const direct = await this.#watch(Promise.all(acks));
    return direct.reduce((a, b) => a + b, 0);
  }
  async digest() {
    this.#check();
    this.#ended = true;
    abandoned.unregister(this);
    const all = threads.map((t, i) => {
      this.#posted(i, t.post({ job: this.#job, end: true }));
      return t.digests(this.#job);
    });
    const digests = await this.#watch(Promise.all(all));
    const out = {};
    threads.forEach((t, i) => t.algs.forEach((alg, j) => out[alg] = digests[i][j]));
    return out;
  }
  /** Forgets the job (an upload thrown away). */
  drop() {
    if (this.#ended)
      return;
    this.#ended = true;
    abandoned.unregister(this);
    for (const t of threads)
      t.drop(this.#job);
  }
  /**
   * A thread that stopped after acknowledging this job's bytes took its running hash along; a
   * new one would start from nothing and answer the digest of the tail only.
   */
  #posted(thread, worker) {
    const first = this.#workers[thread] ??= worker;
    if (first !== worker)
      this.#failed ??= new HashThreadError("a hashing thread stopped during this upload");
  }
  #check() {
    if (this.#failed)
      throw this.#failed;
    if (this.#ended)
      throw new Error("the hash has ended");
  }
  async #watch(p) {
    if (this.#failed) {
      p.catch(() => void 0);
      throw this.#failed;
    }
    try {
      return await p;
    } catch (err) {
      this.#failed ??= err;
      throw err;
    }
  }
};

// ../server/dist/internal/hashed-write.js
init_define_STOWAGE_UI_ASSETS();
import { close, constants, ftruncate, open, openSync, read, write, writeSync, writev } from "node:fs";
import { IncomingMessage } from "node:http";
import { Writable } from "node:stream";
var INLINE_BYTES = 64 * 1024;
var SLICE_BYTES = 1024 * 1024;
var SLICES = 8;
var SHARED_SLICES = 32;
var sharedInUse = 0;
var SPARE_SLICES = 4;
var spare = [];
var DIRECT_AFTER = 8 * 1024 * 1024;
var DIRECT_ALIGN = 4096;
var alignedStarts = /* @__PURE__ */ new WeakMap();
function newSlice() {
  return new SharedArrayBuffer(SLICE_BYTES + DIRECT_ALIGN);
}
function alignedStart(fd, slice, position) {
  for (let at = 0; at < DIRECT_ALIGN; at += 16) {
    try {
      writeSync(fd, new Uint8Array(slice, at, DIRECT_ALIGN), 0, DIRECT_ALIGN, position);
      return at;
    } catch (err) {
      if (err.code !== "EINVAL")
        return void 0;
    }
  }
  return void 0;
}
function giveBack(slices) {
  for (const s of slices)
    if (spare.length < SPARE_SLICES)
      spare.push(s);
}
function soleReader(body) {
  if (!(body instanceof IncomingMessage) || body.readableDidRead)
    return void 0;
  if (body.listenerCount("data") > 0 || body.listenerCount("readable") > 0)
    return void 0;
  let readers = 0;
  const joined = (event) => {
    if (event === "data")
      readers++;
    else if (event === "readable")
      readers += 2;
    if (readers > 1)
      body.off("newListener", joined);
  };
  body.on("newListener", joined);
  return () => readers <= 1;
}
var HashedFileWriter = class extends Writable {
  #opts;
  #fd;
  #pos;
  #size = 0;
  #hash;
  /** Chunks held while the body may still turn out small (no hash picked yet). */
  #held = [];
  #heldBytes = 0;
  /** Slices this writer owns that are free, the one being filled and how full it is. */
  #idle = [];
  #owned = 0;
  #slice;
  /** A Buffer over #slice from #sliceStart, to copy into. */
  #view;
  #sliceStart = 0;
  /** Whether #slice, once full, is written with O_DIRECT (decided when it was taken). */
  #sliceDirect = false;
  /** The file opened with O_DIRECT: undefined until wanted, null when not to be had. */
  #direct;
  #directBytes = 0;
  /** How far into the file alignedStart wrote (its bytes may lie past the end of the upload). */
  #probedTo = 0;
  #fill = 0;
  /** How much of the chunk being copied is in slices, while waiting for a slice. */
  #copied = 0;
  /** Slices being written and hashed. */
  #busy = 0;
  /** Waiting for a slice to come back (a write, the end, the descriptor's close). */
  #waiters = [];
  #finished = false;
  #failed;
  constructor(opts) {
    super({ highWaterMark: 256 * 1024 });
    this.#opts = opts;
    this.#pos = opts.start ?? 0;
    this.#hash = opts.hash;
  }
  /** Bytes received. */
  get size() {
    return this.#size;
  }
  /** Bytes written with O_DIRECT (see DIRECT_AFTER). */
  get directBytes() {
    return this.#directBytes;
  }
  /** The hash of everything written (after 'finish'); continue it or digest it. */
  get hash() {
    if (!this.#finished || this.#hash === void 0)
      throw new Error("the write has not finished");
    return this.#hash;
  }
  _construct(cb) {
    open(this.#opts.path, this.#opts.flags, this.#opts.mode ?? 384, (err, fd) => {
      if (err)
        return cb(err);
      this.#fd = fd;
      cb();
    });
  }
  _write(chunk, _enc, cb) {
    this.#size += chunk.length;
    if (this.#hash === void 0) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes <= INLINE_BYTES)
        return cb();
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
    this.#hash?.update(chunk);
    const at = this.#pos;
    this.#pos += chunk.length;
    writeAll(this.#fd, [chunk], at).then(() => cb(), cb);
  }
  _final(cb) {
    this.#finish().then(() => cb(), cb);
  }
  async #finish() {
    if (this.#hash === void 0) {
      const hash2 = new MultiHash();
      for (const c of this.#held)
        hash2.update(c);
      if (this.#heldBytes > 0)
        await writeAll(this.#fd, this.#held, this.#pos);
      this.#pos += this.#heldBytes;
      this.#held = [];
      this.#hash = hash2;
      this.#finished = true;
      return;
    }
    if (this.#fill > 0)
      this.#dispatch();
    while (this.#busy > 0)
      await this.#slotFreed();
    if (this.#failed)
      throw this.#failed;
    if (this.#probedTo > this.#pos) {
      const [fd, end] = [this.#fd, this.#pos];
      await new Promise((res, rej) => ftruncate(fd, end, (e) => e ? rej(e) : res()));
    }
    this.#finished = true;
  }
  #slotFreed() {
    return new Promise((r) => this.#waiters.push(r));
  }
  #wakeAll() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters)
      w();
  }
  _destroy(err, cb) {
    this.#failed ??= err ?? new Error("the write was stopped");
    this.#wakeAll();
    if (!this.#finished && this.#opts.hash === void 0 && this.#hash instanceof ThreadedHash)
      this.#hash.drop();
    void (async () => {
      while (this.#busy > 0)
        await this.#slotFreed();
      giveBack(this.#slice ? [...this.#idle, this.#slice] : this.#idle);
      this.#idle = [];
      this.#slice = void 0;
      this.#view = void 0;
      if (this.#owned > 1)
        sharedInUse -= this.#owned - 1;
      this.#owned = 0;
      this.#noDirect();
      const fd = this.#fd;
      this.#fd = void 0;
      if (fd !== void 0)
        close(fd, (e) => cb(err ?? e));
      else
        cb(err);
    })();
  }
  /**
   * Copies `chunks[i..]` into slices, handing each full one over, then calls `cb`: at once when
   * no slice has to be waited for (most chunks), else once one is free.
   */
  #copyAll(chunks, i, cb) {
    for (; i < chunks.length; i++) {
      const chunk = chunks[i];
      let off = this.#copied;
      while (off < chunk.length) {
        if (this.#failed)
          return cb(this.#failed);
        if (!this.#slice && !this.#take()) {
          this.#copied = off;
          this.#waiters.push(() => this.#copyAll(chunks, i, cb));
          return;
        }
        const n = Math.min(SLICE_BYTES - this.#fill, chunk.length - off);
        const piece = n === chunk.length ? chunk : chunk.subarray(off, off + n);
        this.#view.fill(piece, this.#fill, this.#fill + n);
        this.#fill += n;
        off += n;
        if (this.#fill === SLICE_BYTES)
          this.#dispatch();
      }
      this.#copied = 0;
      if (this.#opts.release?.())
        free(chunk);
    }
    cb();
  }
  /** Makes a slice the one being filled, if this writer may have one now. */
  #take() {
    let s = this.#idle.pop();
    if (!s && (this.#owned === 0 || this.#owned < SLICES && sharedInUse < SHARED_SLICES)) {
      if (this.#owned > 0)
        sharedInUse++;
      this.#owned++;
      s = spare.pop() ?? newSlice();
    }
    if (!s)
      return false;
    const direct = this.#wantsDirect();
    let start = alignedStarts.get(s);
    if (direct && start === void 0) {
      start = alignedStart(this.#direct, s, this.#pos);
      this.#probedTo = Math.max(this.#probedTo, this.#pos + DIRECT_ALIGN);
      if (start === void 0)
        this.#noDirect();
      else
        alignedStarts.set(s, start);
    }
    this.#slice = s;
    this.#sliceStart = start ?? 0;
    this.#sliceDirect = direct && start !== void 0;
    this.#view = Buffer.from(s, this.#sliceStart, SLICE_BYTES);
    this.#fill = 0;
    return true;
  }
  /**
   * Whether the slice about to be filled (it goes at #pos: slices are handed over in order)
   * should be written with O_DIRECT, opening the file that way the first time.
   */
  #wantsDirect() {
    if (this.#opts.direct === false || this.#opts.flags !== "wx" || this.#pos < DIRECT_AFTER || this.#pos % DIRECT_ALIGN !== 0)
      return false;
    if (this.#direct === void 0) {
      const flag = constants.O_DIRECT;
      try {
        this.#direct = flag ? openSync(this.#opts.path, constants.O_WRONLY | flag) : null;
      } catch {
        this.#direct = null;
      }
    }
    return this.#direct !== null;
  }
  #noDirect() {
    const direct = this.#direct;
    this.#direct = null;
    if (typeof direct === "number")
      close(direct, () => void 0);
  }
  /** Hands the current slice over: a hashing thread writes it at its offset, all hash it. */
  #dispatch() {
    const slice = this.#slice;
    const start = this.#sliceStart;
    const length = this.#fill;
    const position = this.#pos;
    const direct = this.#sliceDirect && typeof this.#direct === "number" && length === SLICE_BYTES ? this.#direct : void 0;
    this.#slice = void 0;
    this.#view = void 0;
    this.#fill = 0;
    this.#pos += length;
    this.#busy++;
    const hash2 = this.#hash;
    const done = (err) => {
      if (err)
        this.#failed ??= err;
      this.#idle.push(slice);
      this.#busy--;
      this.#wakeAll();
    };
    const write2 = { fd: this.#fd, position, ...direct !== void 0 && { direct } };
    hash2.update(slice, start, length, write2).then((d) => {
      this.#directBytes += d;
      done();
    }, done);
  }
};
function free(chunk) {
  const ab = chunk.buffer;
  if (!(ab instanceof ArrayBuffer) || chunk.byteOffset !== 0 || chunk.byteLength !== ab.byteLength)
    return;
  try {
    ab.transfer(0);
  } catch {
  }
}
async function writeAll(fd, bufs, position) {
  let pos = position;
  let rest = bufs;
  while (rest.length > 0) {
    const n = await new Promise((resolve, reject) => {
      const done = (err, written) => err ? reject(err) : resolve(written);
      if (rest.length === 1)
        write(fd, rest[0], 0, rest[0].length, pos, done);
      else
        writev(fd, rest, pos, done);
    });
    pos += n;
    let skip = n;
    const next = [];
    for (const b of rest) {
      if (skip >= b.length)
        skip -= b.length;
      else {
        next.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = next;
  }
}
async function hashFilePrefix(path, size) {
  if (size <= INLINE_BYTES) {
    const hash3 = new MultiHash();
    if (size > 0) {
      const buf = Buffer.alloc(size);
      await withFd(path, (fd) => readAll(fd, buf, 0, size, 0));
      hash3.update(buf);
    }
    return hash3.digest();
  }
  const hash2 = new ThreadedHash();
  const slices = [spare.pop() ?? newSlice()];
  if (size > SLICE_BYTES)
    slices.push(spare.pop() ?? newSlice());
  try {
    await withFd(path, async (fd) => {
      let pending;
      for (let pos = 0, i = 0; pos < size; pos += SLICE_BYTES, i++) {
        const slice = slices[i % slices.length];
        const n = Math.min(SLICE_BYTES, size - pos);
        await readAll(fd, Buffer.from(slice, 0, n), 0, n, pos);
        await pending;
        pending = hash2.update(slice, 0, n);
        pending.catch(() => void 0);
      }
      await pending;
    });
    return await hash2.digest();
  } catch (err) {
    hash2.drop();
    throw err;
  } finally {
    giveBack(slices);
  }
}
async function withFd(path, fn) {
  const fd = await new Promise((resolve, reject) => open(path, "r", (err, fd2) => err ? reject(err) : resolve(fd2)));
  try {
    return await fn(fd);
  } finally {
    await new Promise((resolve) => close(fd, () => resolve()));
  }
}
async function readAll(fd, buf, offset, length, position) {
  let got = 0;
  while (got < length) {
    const n = await new Promise((resolve, reject) => read(fd, buf, offset + got, length - got, position + got, (err, n2) => err ? reject(err) : resolve(n2)));
    if (n === 0)
      throw new Error(`the file ended ${length - got} bytes early`);
    got += n;
  }
}

// ../server/dist/internal/blobstore.js
var SHA256 = /^[0-9a-f]{64}$/;
var PACK_FILE = "pack.db";
var SMALL_BODY_BYTES = 64 * 1024;
function checksumsOf(data) {
  if (data.length > SMALL_BODY_BYTES)
    throw new Error(`stageBytes takes at most ${SMALL_BODY_BYTES} bytes, not ${data.length}`);
  return {
    sha1: hash("sha1", data),
    sha256: hash("sha256", data),
    md5: hash("md5", data)
  };
}
function shortWrite(path) {
  const err = new Error(`no space left writing ${path} (short write)`);
  err.code = "ENOSPC";
  return err;
}
function stagedBytes(data, put) {
  const sums = checksumsOf(data);
  let done = false;
  return {
    ...sums,
    size: data.length,
    read: () => Readable.from([data]),
    commit: async () => {
      if (done)
        return;
      await put(sums, data);
      done = true;
    },
    discard: async () => {
      done = true;
    }
  };
}
var UPLOAD_ID = /^\d+-[0-9a-f]{16}\.part$/;
var FsBlobStore = class {
  #root;
  #tmp;
  /** Fan-out folders known to exist (they are never removed), so a commit skips `mkdir -p`. */
  #dirs = /* @__PURE__ */ new Set();
  /** Whether large uploads may be written past the page cache (see DIRECT_AFTER). */
  directWrites;
  /** Whether small bodies (stageBytes) are committed into the pack (see blob-pack.ts). */
  packSmall;
  /**
   * The pack: open when packSmall, or when an earlier run packed blobs here (its blobs stay
   * readable, and deletable, whatever the setting now).
   */
  #pack;
  constructor(opts) {
    this.#root = join(opts.dir, "blobs");
    this.#tmp = join(opts.dir, "tmp");
    this.directWrites = opts.directWrites ?? true;
    this.packSmall = opts.packSmall ?? false;
  }
  async init() {
    await mkdir(this.#root, { recursive: true });
    await mkdir(this.#tmp, { recursive: true });
    const packFile = join(this.#root, PACK_FILE);
    if (!this.#pack && (this.packSmall || await exists(packFile)))
      this.#pack = new BlobPack(packFile);
  }
  async check() {
    this.#pack?.check();
  }
  /** Closes the pack (committing what was put in this turn). */
  close() {
    this.#pack?.close();
  }
  /** Where a blob is: the pack, a file, or nowhere (`has`, and tests and diagnostics). */
  async whereIs(sha256) {
    if (this.#pack?.size(sha256) !== void 0)
      return "pack";
    return await exists(this.pathOf(sha256)) ? "file" : void 0;
  }
  pathOf(sha256) {
    if (!SHA256.test(sha256))
      throw new Error(`not a sha256 digest: ${sha256}`);
    return join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
  async stage(body, opts = {}) {
    const tmpPath = this.#scratchName();
    const release = soleReader(body);
    const out = sink({
      path: tmpPath,
      flags: "wx",
      mode: 384,
      direct: this.directWrites,
      ...release && { release }
    });
    let sums;
    try {
      await pipeline(body, out, { signal: opts.signal });
      sums = await out.hash.digest();
    } catch (err) {
      await closed(out);
      await rm(tmpPath, { force: true });
      throw err;
    }
    return this.#staged(tmpPath, sums, out.size);
  }
  stageBytes(data) {
    const pack = this.packSmall ? this.#pack : void 0;
    if (pack)
      return stagedBytes(data, (sums, bytes) => pack.put(sums.sha256, bytes));
    return stagedBytes(data, (sums, bytes) => new Promise((resolve, reject) => {
      const tmpPath = this.#scratchName();
      const failed = (err) => fsUnlink(tmpPath, () => reject(err));
      fsOpen(tmpPath, "wx", 384, (err, fd) => {
        if (err)
          return reject(err);
        fsWrite(fd, bytes, 0, bytes.length, 0, (werr, written) => {
          fsClose(fd, (cerr) => {
            const e = werr ?? cerr ?? (written === bytes.length ? null : shortWrite(tmpPath));
            if (e)
              return failed(e);
            this.#renameInto(tmpPath, this.pathOf(sums.sha256), (rerr) => rerr ? failed(rerr) : resolve());
          });
        });
      });
    }));
  }
  async openUpload() {
    const file = this.#tmpName();
    await writeFile(file, "", { flag: "wx", mode: 384 });
    return this.#session(file, 0, void 0);
  }
  async resumeUpload(id, size) {
    if (!UPLOAD_ID.test(id) || !Number.isSafeInteger(size) || size < 0)
      return void 0;
    const file = join(this.#tmp, id);
    let have;
    try {
      have = (await stat(file)).size;
    } catch {
      return void 0;
    }
    if (have < size)
      return void 0;
    return this.#session(file, size, null);
  }
  /**
   * `started`: undefined before the first byte (the first append picks a hash by its size),
   * null when the running hash is lost (finish() re-reads the file).
   */
  #session(file, received, started) {
    let size = received;
    let hash2 = started;
    const poison = () => {
      if (hash2 instanceof ThreadedHash)
        hash2.drop();
      hash2 = null;
    };
    let ended = false;
    const open2 = () => {
      if (ended)
        throw new Error("the upload session has ended");
    };
    return {
      id: basename(file),
      get size() {
        return size;
      },
      append: async (body, opts = {}) => {
        open2();
        const release = soleReader(body);
        const out = sink({
          path: file,
          flags: "r+",
          start: size,
          hash: hash2,
          ...release && { release }
        });
        try {
          await pipeline(body, out, { signal: opts.signal });
          await truncate(file, size + out.size);
        } catch (err) {
          await closed(out);
          if (out.size > 0)
            poison();
          await truncate(file, size).catch(() => void 0);
          throw err;
        }
        if (out.size > 0)
          hash2 = out.hash;
        size += out.size;
        return size;
      },
      finish: async () => {
        open2();
        ended = true;
        let sums;
        if (hash2 === void 0)
          sums = new MultiHash().digest();
        else if (hash2)
          sums = await Promise.resolve(hash2.digest()).catch(() => void 0);
        sums ??= await hashFilePrefix(file, size);
        return this.#staged(file, sums, size);
      },
      discard: async () => {
        ended = true;
        poison();
        await rm(file, { force: true });
      }
    };
  }
  /** An upload's temporary file: its name is the upload's id, which a client holds, so random. */
  #tmpName() {
    return join(this.#tmp, `${Date.now()}-${randomBytes(8).toString("hex")}.part`);
  }
  /**
   * A temporary file nobody outside this process names (a staged body): a random start and a
   * counter (random bytes per file cost ~2% of a small deploy's CPU under load; `wx` refuses a
   * name taken anyway). The `s` keeps it out of UPLOAD_ID's shape: no upload can be resumed
   * into it.
   */
  #scratchName() {
    this.#scratch = this.#scratch + 1n & 0xffffffffffffffffn;
    return join(this.#tmp, `${Date.now()}-s${this.#scratch.toString(16).padStart(16, "0")}.part`);
  }
  #scratch = BigInt(`0x${randomBytes(8).toString("hex")}`);
  #staged(tmpPath, sums, size) {
    let done = false;
    return {
      ...sums,
      size,
      file: tmpPath,
      read: () => {
        const stream = createReadStream(tmpPath);
        stream.on("error", () => {
        });
        return stream;
      },
      commit: async () => {
        if (done)
          return;
        const place = size > DIRECT_AFTER ? this.#linkInto : this.#renameInto;
        await new Promise((resolve, reject) => place.call(this, tmpPath, this.pathOf(sums.sha256), (err) => err ? reject(err) : resolve()));
        done = true;
      },
      discard: async () => {
        if (done)
          return;
        await rm(tmpPath, { force: true });
        done = true;
      }
    };
  }
  /**
   * Runs `place` (a rename or a link of a file to `dest`) in dest's fan-out folder, creating the
   * folder the first time (or if removed meanwhile). Callbacks, not promises: a small deploy's
   * commit chains it after its own write.
   */
  #inFanOut(dest, place, done) {
    const dir = join(dest, "..");
    const makeDirThenPlace = () => fsMkdir(dir, { recursive: true }, (err) => {
      if (err)
        return done(err);
      place((e) => {
        if (!e)
          this.#dirs.add(dir);
        done(e);
      });
    });
    if (!this.#dirs.has(dir))
      return makeDirThenPlace();
    place((err) => {
      if (err?.code !== "ENOENT")
        return done(err);
      this.#dirs.delete(dir);
      makeDirThenPlace();
    });
  }
  /** rename(2) into the fan-out folder (see #inFanOut). */
  #renameInto(tmpPath, dest, done) {
    this.#inFanOut(dest, (cb) => fsRename(tmpPath, dest, cb), done);
  }
  /**
   * Puts the file at `dest` unless one is there already (link(2) fails then, and the existing
   * one, with these very bytes, stays), and removes `tmpPath` either way. Where the file system
   * has no hard links, it is #renameInto.
   */
  #linkInto(tmpPath, dest, done) {
    this.#inFanOut(dest, (cb) => fsLink(tmpPath, dest, (err) => cb(err?.code === "EEXIST" ? null : err)), (err) => {
      if (!err)
        return fsUnlink(tmpPath, (e) => done(e));
      if (err.code === "EPERM" || err.code === "ENOTSUP" || err.code === "EOPNOTSUPP")
        return this.#renameInto(tmpPath, dest, done);
      done(err);
    });
  }
  async has(sha256) {
    return await this.whereIs(sha256) !== void 0;
  }
  async size(sha256) {
    const packed = this.#pack?.size(sha256);
    if (packed !== void 0)
      return packed;
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return void 0;
    }
  }
  open(sha256, range) {
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
  openFile(sha256) {
    return openFile(this.pathOf(sha256), "r");
  }
  async delete(sha256) {
    this.#pack?.delete(sha256);
    await rm(this.pathOf(sha256), { force: true });
  }
  /** After garbage collection: the pages of the pack's deleted blobs go back to the disk. */
  vacuum() {
    this.#pack?.vacuum();
  }
  async *list() {
    const dirs = async (d) => (await readdir(d, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const a of await dirs(this.#root)) {
      for (const b of await dirs(join(this.#root, a))) {
        const names = await readdir(join(this.#root, a, b)).catch(() => []);
        for (const name of names.sort()) {
          if (!SHA256.test(name) || name.slice(0, 2) !== a || name.slice(2, 4) !== b)
            continue;
          const st = await stat(join(this.#root, a, b, name)).catch(() => void 0);
          if (st?.isFile())
            yield { sha256: name, modified: st.mtimeMs };
        }
      }
    }
    if (this.#pack)
      yield* this.#pack.list();
  }
  async cleanup(opts = {}) {
    const names = await readdir(this.#tmp).catch(() => []);
    const cutoff = Date.now() - (opts.olderThanMs ?? 0);
    let removed = 0;
    await Promise.all(names.map(async (n) => {
      const path = join(this.#tmp, n);
      if (opts.olderThanMs !== void 0) {
        const st = await stat(path).catch(() => void 0);
        if (!st || st.mtimeMs > cutoff)
          return;
      }
      await rm(path, { force: true });
      removed++;
    }));
    return removed;
  }
};
var MAX_READ = 1024 * 1024;
var MIN_READ = 64 * 1024;
var READ_BUDGET = 16 * 1024 * 1024;
var openReads = 0;
function beginBlobRead() {
  openReads++;
  let ended = false;
  return {
    chunk: readShare(openReads),
    done: () => {
      if (!ended)
        openReads--;
      ended = true;
    }
  };
}
function readShare(streams) {
  return Math.max(MIN_READ, Math.min(MAX_READ, Math.floor(READ_BUDGET / Math.max(1, streams))));
}
var BlobReadStream = class extends Readable {
  #path;
  #range;
  #fd;
  /** A read in flight: closing the descriptor waits for it (its number could be reused). */
  #reading = false;
  #closeAfterRead;
  #pos = 0;
  /** Inclusive. */
  #end = -1;
  constructor(path, range) {
    super({ highWaterMark: 2 * readShare(openReads + 1) });
    openReads++;
    this.#path = path;
    this.#range = range;
  }
  _construct(cb) {
    fsOpen(this.#path, "r", (err, fd) => {
      if (err)
        return cb(this.destroyed ? null : err);
      this.#fd = fd;
      if (this.destroyed)
        return cb();
      fstat(fd, (err2, st) => {
        if (err2)
          return cb(this.destroyed ? null : err2);
        this.#pos = this.#range?.start ?? 0;
        this.#end = Math.min(this.#range?.end ?? Infinity, st.size - 1);
        cb();
      });
    });
  }
  _read() {
    const n = Math.min(this.#end - this.#pos + 1, readShare(openReads));
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buf = n < 4096 ? Buffer.allocUnsafe(n) : Buffer.allocUnsafeSlow(n);
    this.#reading = true;
    fsRead(this.#fd, buf, 0, n, this.#pos, (err, got) => {
      this.#reading = false;
      if (this.#closeAfterRead)
        return this.#closeAfterRead();
      if (err)
        return this.destroy(err);
      if (got === 0) {
        this.destroy(new Error(`blob ${this.#path} ended ${this.#end - this.#pos + 1} bytes early`));
        return;
      }
      this.#pos += got;
      this.push(got === n ? buf : buf.subarray(0, got));
    });
  }
  _destroy(err, cb) {
    openReads--;
    if (this.#fd === void 0)
      return cb(err);
    const fd = this.#fd;
    this.#fd = void 0;
    if (this.#reading)
      this.#closeAfterRead = () => fsClose(fd, () => cb(err));
    else
      fsClose(fd, () => cb(err));
  }
};
function sink(opts) {
  const out = new HashedFileWriter(opts);
  out.on("error", () => {
  });
  return out;
}
async function closed(out) {
  if (!out.closed)
    await once(out, "close");
}
async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export {
  SMALL_BODY_BYTES,
  stagedBytes,
  FsBlobStore,
  beginBlobRead
};
