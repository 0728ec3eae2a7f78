import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MultiHash, type Checksums } from '@stowage/core';

export type ToHashWorker = { job: number; chunk?: Uint8Array; end?: true };
export type FromHashWorker = { job: number; acked: number; sums?: Checksums };

/** Bodies up to this size are hashed on the main thread: a worker round trip costs more. */
export const INLINE_HASH_BYTES = 1024 * 1024;
/** Bytes gathered before a batch is posted (fewer, larger messages). */
const BATCH_BYTES = 1024 * 1024;
/** Bytes posted and not yet hashed before the sender waits: memory stays flat. */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;

function workerFile(): string | undefined {
  const here = import.meta.url;
  const url = new URL(here.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js', here);
  if (url.protocol !== 'file:') return undefined;
  const file = fileURLToPath(url);
  // A single-file bundle (the CLI's stowage.mjs) has no worker file beside it: hash in-thread.
  return existsSync(file) ? file : undefined;
}

interface Job {
  onAck(bytes: number): void;
  onDone(sums: Checksums): void;
  onError(err: Error): void;
}

/**
 * A few worker threads (one per core beyond the first, at most 4) that compute the sha1, sha256
 * and md5 of uploads, so the main thread only moves bytes. Jobs are spread round-robin; the
 * workers are unref'd and started on first use.
 */
class HashPool {
  readonly #file = workerFile();
  readonly #size = Math.max(1, Math.min(4, availableParallelism() - 1));
  readonly #workers: Worker[] = [];
  readonly #jobs = new Map<number, { job: Job; worker: Worker }>();
  #next = 0;
  #id = 0;

  get available(): boolean {
    return this.#file !== undefined;
  }

  #worker(): Worker {
    const i = this.#next++ % this.#size;
    let w = this.#workers[i];
    if (!w) {
      w = new Worker(this.#file!);
      w.on('message', (msg: FromHashWorker) => {
        const j = this.#jobs.get(msg.job);
        if (!j) return;
        if (msg.acked) j.job.onAck(msg.acked);
        if (msg.sums) {
          this.#jobs.delete(msg.job);
          j.job.onDone(msg.sums);
        }
      });
      const fail = (err: Error): void => {
        if (this.#workers[i] === w) this.#workers[i] = undefined as unknown as Worker;
        for (const [id, j] of this.#jobs)
          if (j.worker === w) {
            this.#jobs.delete(id);
            j.job.onError(err);
          }
      };
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`the hashing worker exited (code ${code})`)));
      // After the listeners: adding a 'message' listener refs the worker again.
      w.unref();
      this.#workers[i] = w;
    }
    return w;
  }

  /** Starts a job; the function returned posts to it, handing the chunk's memory over. */
  start(job: Job): (msg: Omit<ToHashWorker, 'job'>) => void {
    const worker = this.#worker();
    const id = ++this.#id;
    this.#jobs.set(id, { job, worker });
    return (msg) =>
      worker.postMessage({ job: id, ...msg }, msg.chunk ? [msg.chunk.buffer as ArrayBuffer] : []);
  }
}

const pool = new HashPool();

/**
 * sha1/sha256/md5 of a stream fed chunk by chunk: the first INLINE_HASH_BYTES are kept (not
 * copied) and hashed here if the body ends there; a larger body moves to a worker thread, its
 * kept chunks first. `update` resolves when the caller may send more (the worker has fallen no
 * further behind than MAX_IN_FLIGHT).
 */
export class StreamHasher {
  #held: Buffer[] = [];
  #heldBytes = 0;
  #batch: Buffer[] = [];
  #batchBytes = 0;
  #post: ((msg: Omit<ToHashWorker, 'job'>) => void) | undefined;
  #inFlight = 0;
  #resume: (() => void) | undefined;
  #failed: Error | undefined;
  #done: Promise<Checksums> | undefined;
  #resolve!: (sums: Checksums) => void;
  #reject!: (err: Error) => void;

  /** Feeds `chunk`; the promise, when there is one, resolves when more may be fed. */
  update(chunk: Buffer): Promise<void> | undefined {
    if (this.#failed) throw this.#failed;
    if (!this.#post) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes <= INLINE_HASH_BYTES || !pool.available) return undefined;
      this.#startWorker();
      for (const c of this.#held) this.#add(c);
      this.#held = [];
    } else this.#add(chunk);
    if (this.#inFlight <= MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((r) => (this.#resume = r));
  }

  /** The digests of everything fed. */
  async digest(): Promise<Checksums> {
    if (this.#failed) throw this.#failed;
    if (!this.#post) {
      const h = new MultiHash();
      for (const c of this.#held) h.update(c);
      this.#held = [];
      return h.digest();
    }
    this.#flush(true);
    return this.#done!;
  }

  #startWorker(): void {
    this.#done = new Promise<Checksums>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#done.catch(() => undefined);
    this.#post = pool.start({
      onAck: (bytes) => {
        this.#inFlight -= bytes;
        if (this.#inFlight <= MAX_IN_FLIGHT && this.#resume) {
          const r = this.#resume;
          this.#resume = undefined;
          r();
        }
      },
      onDone: (sums) => this.#resolve(sums),
      onError: (err) => {
        this.#failed = err;
        this.#reject(err);
        this.#resume?.();
      },
    });
  }

  #add(chunk: Buffer): void {
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    if (this.#batchBytes >= BATCH_BYTES) this.#flush(false);
  }

  #flush(end: boolean): void {
    // One copy into memory of its own (the received chunks may share Buffer's pool), which is
    // then handed over to the worker rather than copied again.
    const chunk = this.#batchBytes > 0 ? Buffer.concat(this.#batch, this.#batchBytes) : undefined;
    const ab =
      chunk && chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length
        ? new Uint8Array(chunk.buffer)
        : chunk && new Uint8Array(chunk);
    this.#inFlight += ab?.byteLength ?? 0;
    this.#batch = [];
    this.#batchBytes = 0;
    // `ab` owns its whole ArrayBuffer (never Buffer's shared pool), so it can be transferred.
    if (ab) this.#post!({ chunk: ab, ...(end ? { end: true as const } : {}) });
    else if (end) this.#post!({ end: true });
  }
}
