/**
 * Prometheus metrics (prom-client), one registry per app so that several apps in one process
 * (tests, two replicas) never mix their counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetaStore } from './metastore.ts';

/** A metadata store that can say how its connection pool is doing (PostgreSQL). */
interface PooledStore {
  poolStats(): { total: number; idle: number; waiting: number };
}

/** Requests of one series counted before they are handed to prom-client regardless. */
const FLUSH_AT = 1024;

interface RequestSeries {
  requests: { inc(v?: number): void };
  duration: { observe(v: number): void };
  bytesIn: { inc(v: number): void };
  bytesOut: { inc(v: number): void };
  /** Counted and not yet handed over: each request's duration, and the bytes. */
  pending: { seconds: number[]; bytesIn: number; bytesOut: number };
}

function flushSeries(s: RequestSeries): void {
  const p = s.pending;
  if (p.seconds.length === 0) return;
  s.requests.inc(p.seconds.length);
  for (const v of p.seconds) s.duration.observe(v);
  if (p.bytesIn > 0) s.bytesIn.inc(p.bytesIn);
  if (p.bytesOut > 0) s.bytesOut.inc(p.bytesOut);
  p.seconds.length = 0;
  p.bytesIn = 0;
  p.bytesOut = 0;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route'>;
  readonly bytesIn: Counter<'route'>;
  readonly bytesOut: Counter<'route'>;
  readonly upstream: Counter<'repo' | 'outcome'>;
  readonly cache: Counter<'repo' | 'result'>;
  readonly lockWait: Histogram;

  constructor(meta?: MetaStore) {
    const registers = [this.registry];
    // The request metrics are counted in plain numbers per series and handed to prom-client
    // when it is read (see observeRequest).
    const flush = (): void => this.#flushAll();
    collectDefaultMetrics({ register: this.registry, prefix: 'stowage_' });
    this.requests = new Counter({
      name: 'stowage_http_requests_total',
      collect: flush,
      help: 'HTTP requests by method, route (the route pattern, not the URL) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'stowage_http_request_duration_seconds',
      collect: flush,
      help: 'Time to answer an HTTP request, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.bytesIn = new Counter({
      name: 'stowage_http_received_bytes_total',
      collect: flush,
      help: 'Bytes received (request lines, headers and bodies), by route',
      labelNames: ['route'],
      registers,
    });
    this.bytesOut = new Counter({
      name: 'stowage_http_sent_bytes_total',
      collect: flush,
      help: 'Bytes sent (status lines, headers and bodies), by route',
      labelNames: ['route'],
      registers,
    });
    this.upstream = new Counter({
      name: 'stowage_upstream_fetches_total',
      help: 'Requests to remote repositories upstreams, by repository and outcome (fetched, not-modified, not-found, error)',
      labelNames: ['repo', 'outcome'],
      registers,
    });
    this.cache = new Counter({
      name: 'stowage_remote_cache_lookups_total',
      help: 'Remote repository lookups answered from the cache (hit) or sent upstream (miss)',
      labelNames: ['repo', 'result'],
      registers,
    });
    this.lockWait = new Histogram({
      name: 'stowage_lock_wait_seconds',
      // Waits are kept in plain numbers too (every deploy takes a lock), handed over when read.
      collect: () => this.#flushLockWaits(),
      help: 'Time spent waiting for a metadata lock (withLock) before holding it',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    const pooled = meta as Partial<PooledStore> | undefined;
    if (pooled && typeof pooled.poolStats === 'function') {
      const stats = (): { total: number; idle: number; waiting: number } =>
        (pooled as PooledStore).poolStats();
      new Gauge({
        name: 'stowage_db_pool_connections',
        help: 'Metadata database connections, by state (total, idle, waiting clients)',
        labelNames: ['state'],
        registers,
        collect() {
          const s = stats();
          this.set({ state: 'total' }, s.total);
          this.set({ state: 'idle' }, s.idle);
          this.set({ state: 'waiting' }, s.waiting);
        },
      });
    }
  }

  /** The labelled series of one (method, route, status), and what it counted since handed over. */
  readonly #series = new Map<string, RequestSeries>();

  /**
   * Counts one answered request. prom-client hashes the labels on every call, which cost ~4 µs
   * hot and ~12 µs under load (a cached packument's answer takes ~200): the counts are kept
   * here in plain numbers and handed to prom-client when /metrics is read, or after FLUSH_AT
   * requests of one series (so what is pending stays small).
   */
  observeRequest(
    method: string,
    route: string,
    status: number,
    seconds: number,
    bytes?: { bytesIn: number; bytesOut: number },
  ): void {
    const key = `${method} ${status} ${route}`;
    let s = this.#series.get(key);
    if (!s) {
      s = {
        requests: this.requests.labels(method, route, String(status)),
        duration: this.duration.labels(method, route),
        bytesIn: this.bytesIn.labels(route),
        bytesOut: this.bytesOut.labels(route),
        pending: { seconds: [], bytesIn: 0, bytesOut: 0 },
      };
      this.#series.set(key, s);
    }
    const p = s.pending;
    p.seconds.push(seconds);
    if (bytes) {
      p.bytesIn += bytes.bytesIn;
      p.bytesOut += bytes.bytesOut;
    }
    if (p.seconds.length >= FLUSH_AT) flushSeries(s);
  }

  #flushAll(): void {
    for (const s of this.#series.values()) flushSeries(s);
  }

  /** Lock waits (seconds) not yet handed to prom-client (like the request metrics). */
  readonly #lockWaits: number[] = [];

  #flushLockWaits(): void {
    for (const v of this.#lockWaits) this.lockWait.observe(v);
    this.#lockWaits.length = 0;
  }

  /**
   * The metadata store with its withLock timed: the wait until `fn` starts is observed. Every
   * other member is the store's own.
   */
  timeLocks(meta: MetaStore): MetaStore {
    const waits = this.#lockWaits;
    const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const asked = performance.now();
      return meta.withLock(key, () => {
        waits.push((performance.now() - asked) / 1000);
        if (waits.length >= FLUSH_AT) this.#flushLockWaits();
        return fn();
      });
    };
    // Methods bound once (a bind per call showed in profiles), rebound if one is replaced.
    const bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
    return new Proxy(meta, {
      get(target, prop) {
        if (prop === 'withLock') return withLock;
        const v: unknown = Reflect.get(target, prop, target);
        if (typeof v !== 'function') return v;
        const have = bound.get(prop);
        if (have?.fn === v) return have.bound;
        const b = (v as (...a: unknown[]) => unknown).bind(target);
        bound.set(prop, { fn: v, bound: b });
        return b;
      },
    });
  }
}
