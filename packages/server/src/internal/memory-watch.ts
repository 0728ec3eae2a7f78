/**
 * Gives back to the system the memory V8 keeps without using it, once the process's resident
 * memory has grown past a target.
 *
 * Why it is needed: under load V8 grows the young generation (to 2 × 64 MiB on a 64-bit Node 24
 * without pointer compression) and the old one; when the heap shrinks again, V8 keeps the freed
 * pages resident in its page pool for reuse. Only a memory-reducing collection releases them, and
 * in Node none comes by itself: V8's memory reducer, which would run one once the process is
 * idle, judges the allocation rate from the last collections, so with no collection while idle
 * it keeps finding it "high" and waits forever (`--trace-memory-reducer`). Measured with
 * bench/rss-phases.ts: after 3,000 small deploys and 9 s of cached GETs the server held 300 MiB
 * with 30 MiB of live heap, a full collection released nothing, a memory-reducing one brought it
 * to 147 MiB. Nothing here is artifact content or a cache: the collection only frees garbage and
 * unused pages.
 *
 * The watch samples RSS every second (cheap: one read of the process's statistics) and, above
 * the target, once no request has arrived for `quietMs` (10 s), runs V8's memory-reducing
 * ("last resort") collection: a pause of about 70-150 ms with this server's heap. Only when quiet:
 * run every 5 s through sustained load, it made each cached GET cost 25-35% more server CPU in
 * interleaved runs, and after a single quiet second still 15-25% through the next few seconds
 * (the young generation, shrunk, grows back); after 10 s of quiet that start-up cost is paid once
 * per busy spell. A long transfer is quiet too (one request), so a 5 GiB upload is covered.
 * At most one every `minGapMs`; a collection that frees little means
 * the memory is live (a large memoryCache, many connections), and the gap then doubles up to
 * `maxGapMs`, so a process that simply needs more than the target is not collected over and
 * over. Config `rssTarget: 0` turns the watch off.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemoryWatchOptions {
  /** Resident memory above which a memory-reducing collection runs, in bytes. */
  targetBytes: number;
  /** Least time between two collections (default 5 s). */
  minGapMs?: number;
  /** Most time between two collections while they free little (default 5 min). */
  maxGapMs?: number;
  /** A collection that frees less than this counts as freeing little (default 16 MiB). */
  worthBytes?: number;
  /** How often RSS is sampled (default 1 s). */
  intervalMs?: number;
  /**
   * A count that grows with the work the process takes on (requests received). A collection
   * runs only once it has not grown for `quietMs`: not in the middle of sustained load, where
   * the young generation would only grow back (and every request would pay for it).
   */
  activity?: () => number;
  /** How long `activity` must stand still before a collection (default 10 s). */
  quietMs?: number;
  /** Told of each collection: RSS before and after, and how long it took. */
  onReduce?: (r: { beforeBytes: number; afterBytes: number; ms: number }) => void;
  /** For tests: the process's RSS, the collection, the clock. */
  rss?: () => number;
  reduce?: () => void;
  now?: () => number;
}

const MiB = 1024 * 1024;

export class MemoryWatch {
  readonly #target: number;
  readonly #minGap: number;
  readonly #maxGap: number;
  readonly #worth: number;
  readonly #interval: number;
  readonly #onReduce: MemoryWatchOptions['onReduce'];
  readonly #rss: () => number;
  readonly #reduce: () => void;
  readonly #now: () => number;
  readonly #activity: (() => number) | undefined;
  readonly #quiet: number;
  #seen: number | undefined;
  #busyAt = -Infinity;
  #gap: number;
  #last = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: MemoryWatchOptions) {
    this.#target = opts.targetBytes;
    this.#minGap = opts.minGapMs ?? 5_000;
    this.#maxGap = Math.max(opts.maxGapMs ?? 300_000, this.#minGap);
    this.#worth = opts.worthBytes ?? 16 * MiB;
    this.#interval = opts.intervalMs ?? 1_000;
    this.#onReduce = opts.onReduce;
    this.#rss = opts.rss ?? (() => process.memoryUsage.rss());
    this.#reduce = opts.reduce ?? reduceHeap;
    this.#now = opts.now ?? (() => performance.now());
    this.#activity = opts.activity;
    this.#quiet = opts.quietMs ?? 10_000;
    this.#gap = this.#minGap;
  }

  /** The time the next collection must wait for after the last one, in ms. */
  get gapMs(): number {
    return this.#gap;
  }

  /**
   * One sample: collects if RSS is above the target (0: never), the gap has passed and the
   * process has been quiet for `quietMs`.
   */
  check(): boolean {
    if (this.#target <= 0) return false;
    const seen = this.#activity?.();
    if (seen !== this.#seen) {
      this.#seen = seen;
      this.#busyAt = this.#now();
      return false;
    }
    if (this.#activity && this.#now() - this.#busyAt < this.#quiet) return false;
    const before = this.#rss();
    if (before <= this.#target) return false;
    const start = this.#now();
    if (start - this.#last < this.#gap) return false;
    this.#reduce();
    const after = this.#rss();
    this.#last = this.#now();
    this.#gap = before - after < this.#worth ? Math.min(this.#gap * 2, this.#maxGap) : this.#minGap;
    this.#onReduce?.({ beforeBytes: before, afterBytes: after, ms: this.#last - start });
    return true;
  }

  /** Samples every `intervalMs` until stop(); the timer never keeps the process alive. */
  start(): this {
    if (!this.#timer && this.#target > 0) {
      this.#timer = setInterval(() => this.check(), this.#interval);
      this.#timer.unref();
    }
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

type Gc = (o: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
let gc: Gc | undefined;

/**
 * V8's memory-reducing collection (what it runs under memory pressure): it collects everything
 * it can, shrinks the young generation and releases its pooled pages. Node offers it only as
 * the `gc` of --expose-gc; a process started without the flag gets that function in a context of
 * its own, and the flag is turned off again so no other context sees `gc`.
 */
export function reduceHeap(): void {
  if (!gc) {
    const global = (globalThis as { gc?: Gc }).gc;
    if (global) gc = global;
    else {
      setFlagsFromString('--expose-gc');
      try {
        gc = runInNewContext('gc') as Gc;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
  }
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
