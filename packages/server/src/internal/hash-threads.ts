/**
 * SHA-1, SHA-256 and MD5 computed on worker threads, the digests split over two threads, so a
 * large upload is hashed at the speed of the slowest digest (MD5) rather than of the three in a
 * row, and the main thread only receives. The bytes are handed over in shared memory (a
 * SharedArrayBuffer the sender owns): nothing is copied per thread, and the sender reuses the
 * memory once every thread has acknowledged it. The thread with the lighter digests can also
 * write the bytes to a file (see WriteTo), so the file holds exactly what was hashed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Checksums } from '@stowage/core';

type Alg = keyof Checksums;

/**
 * Digests per thread. MD5 (~0.65 GB/s with OpenSSL) takes about as long as SHA-1 and SHA-256
 * (~1.6 GB/s each with SHA-NI) together, so two threads share the work evenly. On one core, one
 * thread computes all three: there is nothing to run them beside.
 */
const GROUPS: readonly (readonly Alg[])[] =
  availableParallelism() > 1 ? [['sha1', 'sha256'], ['md5']] : [['sha1', 'sha256', 'md5']];

/**
 * Where a thread also writes the bytes it hashes. Through the page cache it writes WRITE_PIECE at
 * a time: on the development machine (Linux 6.18) write(2)s of 1 MiB into new page cache cost
 * about ten times the system time of 16-32 KiB ones once a few hundred MiB stay cached (0.8-1 s
 * against 0.07-0.15 s per 256 MiB; large page-cache folios, presumably). nginx, too, writes
 * request bodies in small pieces. 256 KiB pieces measured ~40 ms less per 256 MiB alone, but in
 * the server some PUTs then took 0.5-1 s more system time.
 *
 * With `direct` (a descriptor of the same file opened with O_DIRECT; see hashed-write.ts) it
 * writes the whole slice with that one call, past the page cache, and falls back to `fd` for
 * whatever the direct call refuses (EINVAL: memory, position or length not aligned as the file
 * system wants), so the bytes always land.
 */
export interface WriteTo {
  fd: number;
  position: number;
  direct?: number;
}
export const WRITE_PIECE = 32 * 1024;

export type ToHashThread =
  | { job: number; data: SharedArrayBuffer; offset: number; length: number; write?: WriteTo }
  | { job: number; end: true }
  | { job: number; drop: true };
export type FromHashThread =
  | { job: number; acked: true; direct?: number }
  | { job: number; failed: { message: string; code?: string; errno?: number; syscall?: string } }
  | { job: number; digests: string[] };

/**
 * The thread's program, self-contained (no import of ours) so that it runs from a string: the
 * CLI's bundle (`stowage serve`) has no worker file beside it. It takes Node's modules through
 * process.getBuiltinModule, neither require nor import: an evaluated worker is CommonJS, or an
 * ES module when the process runs with --input-type=module (its flags pass to the worker).
 */
const THREAD_SOURCE = `'use strict';
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

/** What a job is waiting for from one thread: acknowledgements in order, then its digests. */
interface Pending {
  /** Each resolves with the bytes of that piece written with O_DIRECT. */
  acks: { resolve: (direct: number) => void; reject: (err: Error) => void }[];
  digests?: { resolve: (d: string[]) => void; reject: (err: Error) => void };
}

class HashThread {
  readonly algs: readonly Alg[];
  #worker: Worker | undefined;
  /** Counts the workers started: a job's running hash lives only in the one it began on. */
  #generation = 0;
  /** Jobs with something in flight on this thread; the worker keeps the process alive then. */
  readonly #pending = new Map<number, Pending>();
  /** Pieces of data posted and not yet acknowledged, over every job: how far behind it is. */
  #backlog = 0;

  constructor(algs: readonly Alg[]) {
    this.algs = algs;
  }

  /** Posts to the current worker (starting one if none runs); returns that worker's number. */
  post(msg: ToHashThread): number {
    this.#start().postMessage(msg);
    if ('data' in msg) this.#backlog++;
    return this.#generation;
  }

  get backlog(): number {
    return this.#backlog;
  }

  /** Forgets `job` (a thread that is not running holds nothing to forget). */
  drop(job: number): void {
    this.#worker?.postMessage({ job, drop: true } satisfies ToHashThread);
  }

  /**
   * Resolves when the thread has hashed the bytes `post` just sent for `job`, with how many of
   * them it wrote with O_DIRECT.
   */
  ack(job: number): Promise<number> {
    return new Promise((resolve, reject) => this.#entry(job).acks.push({ resolve, reject }));
  }

  digests(job: number): Promise<string[]> {
    return new Promise((resolve, reject) => (this.#entry(job).digests = { resolve, reject }));
  }

  #entry(job: number): Pending {
    let p = this.#pending.get(job);
    if (!p) {
      this.#pending.set(job, (p = { acks: [] }));
      if (this.#pending.size === 1) this.#worker?.ref();
    }
    return p;
  }

  #settled(job: number, p: Pending): void {
    if (p.acks.length > 0 || p.digests) return;
    this.#pending.delete(job);
    if (this.#pending.size === 0) this.#worker?.unref();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    this.#generation++;
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { algs: this.algs, piece: WRITE_PIECE },
      // It keeps a few hash contexts per job and allocates nothing else of note.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    worker.on('message', (msg: FromHashThread) => {
      // Counted before anything else: every piece posted is answered once, whoever still waits.
      if (!('digests' in msg)) this.#backlog--;
      const p = this.#pending.get(msg.job);
      if (!p) return;
      if ('acked' in msg) p.acks.shift()?.resolve(msg.direct ?? 0);
      else if ('failed' in msg) p.acks.shift()?.reject(writeError(msg.failed));
      else {
        const d = p.digests;
        p.digests = undefined;
        d?.resolve(msg.digests);
      }
      this.#settled(msg.job, p);
    });
    const fail = (err: Error): void => {
      if (this.#worker !== worker) return;
      // The next job starts a new thread; the jobs this one held fail (their callers re-read).
      this.#worker = undefined;
      this.#backlog = 0;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) {
        for (const a of p.acks) a.reject(err);
        p.digests?.reject(err);
      }
    };
    worker.on('error', (err) =>
      fail(new HashThreadError(`a hashing thread failed: ${err.message}`, err)),
    );
    worker.on('exit', (code) =>
      fail(new HashThreadError(`a hashing thread stopped (exit code ${code})`)),
    );
    // Adding a 'message' listener refs the worker: unref after, ref again while jobs wait.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Stops the thread (tests: a thread that dies must fail its jobs, not hang them). */
  async stop(): Promise<void> {
    await this.#worker?.terminate();
  }
}

/** A write error as the thread saw it, with its code (ENOSPC is a full disk). */
function writeError(f: {
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
}): Error {
  return Object.assign(new Error(f.message), {
    ...(f.code !== undefined && { code: f.code }),
    ...(f.errno !== undefined && { errno: f.errno }),
    ...(f.syscall !== undefined && { syscall: f.syscall }),
  });
}

export class HashThreadError extends Error {
  override readonly name = 'HashThreadError';
  readonly code = 'ERR_HASH_THREAD';
}

const threads = GROUPS.map((algs) => new HashThread(algs));
let lastJob = 0;

/** Which thread writes next: the one with the fewest pieces waiting (the first on a tie). */
export function leastBehind(backlogs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < backlogs.length; i++) if (backlogs[i]! < backlogs[best]!) best = i;
  return best;
}

/** Jobs nobody ends (an upload session abandoned) are dropped when their handle is collected. */
const abandoned = new FinalizationRegistry<number>((job) => {
  for (const t of threads) t.drop(job);
});

/**
 * One running sha1/sha256/md5 on the hashing threads. Feed it in order; each `update` resolves
 * once every thread has hashed the bytes (the caller may then reuse that memory).
 */
export class ThreadedHash {
  readonly #job = ++lastJob;
  /** Per thread, the worker that holds this job's state (see HashThread.post). */
  readonly #workers: (number | undefined)[] = [];
  #ended = false;
  #failed: Error | undefined;

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
  async update(
    data: SharedArrayBuffer,
    offset: number,
    length: number,
    write?: WriteTo,
  ): Promise<number> {
    this.#check();
    const writer = write ? leastBehind(threads.map((t) => t.backlog)) : -1;
    const acks = threads.map((t, i) => {
      const msg: ToHashThread = { job: this.#job, data, offset, length };
      if (write && i === writer) msg.write = write;
      this.#posted(i, t.post(msg));
      return t.ack(this.#job);
    });
    const direct = await this.#watch(Promise.all(acks));
    return direct.reduce((a, b) => a + b, 0);
  }

  async digest(): Promise<Checksums> {
    this.#check();
    this.#ended = true;
    abandoned.unregister(this);
    const all = threads.map((t, i) => {
      this.#posted(i, t.post({ job: this.#job, end: true }));
      return t.digests(this.#job);
    });
    const digests = await this.#watch(Promise.all(all));
    const out: Partial<Checksums> = {};
    threads.forEach((t, i) => t.algs.forEach((alg, j) => (out[alg] = digests[i]![j]!)));
    return out as Checksums;
  }

  /** Forgets the job (an upload thrown away). */
  drop(): void {
    if (this.#ended) return;
    this.#ended = true;
    abandoned.unregister(this);
    for (const t of threads) t.drop(this.#job);
  }

  /**
   * A thread that stopped after acknowledging this job's bytes took its running hash along; a
   * new one would start from nothing and answer the digest of the tail only.
   */
  #posted(thread: number, worker: number): void {
    const first = (this.#workers[thread] ??= worker);
    if (first !== worker)
      this.#failed ??= new HashThreadError('a hashing thread stopped during this upload');
  }

  #check(): void {
    if (this.#failed) throw this.#failed;
    if (this.#ended) throw new Error('the hash has ended');
  }

  async #watch<T>(p: Promise<T>): Promise<T> {
    if (this.#failed) {
      p.catch(() => undefined);
      throw this.#failed;
    }
    try {
      return await p;
    } catch (err) {
      this.#failed ??= err as Error;
      throw err;
    }
  }
}

/** Stops the hashing threads; the next job starts new ones. For tests of a thread's failure. */
export async function stopHashThreads(): Promise<void> {
  await Promise.all(threads.map((t) => t.stop()));
}
