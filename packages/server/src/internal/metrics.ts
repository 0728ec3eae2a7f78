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
    collectDefaultMetrics({ register: this.registry, prefix: 'stowage_' });
    this.requests = new Counter({
      name: 'stowage_http_requests_total',
      help: 'HTTP requests by method, route (the route pattern, not the URL) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'stowage_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.bytesIn = new Counter({
      name: 'stowage_http_received_bytes_total',
      help: 'Bytes received (request lines, headers and bodies), by route',
      labelNames: ['route'],
      registers,
    });
    this.bytesOut = new Counter({
      name: 'stowage_http_sent_bytes_total',
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

  /** The labelled series of one (method, route, status), looked up once. */
  readonly #series = new Map<
    string,
    {
      requests: { inc(): void };
      duration: { observe(v: number): void };
      bytesIn: { inc(v: number): void };
      bytesOut: { inc(v: number): void };
    }
  >();

  /** Counts one answered request (prom-client hashes labels on every call: the series are kept). */
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
      };
      this.#series.set(key, s);
    }
    s.requests.inc();
    s.duration.observe(seconds);
    if (bytes) {
      s.bytesIn.inc(bytes.bytesIn);
      s.bytesOut.inc(bytes.bytesOut);
    }
  }

  /**
   * The metadata store with its withLock timed: the wait until `fn` starts is observed. Every
   * other member is the store's own.
   */
  timeLocks(meta: MetaStore): MetaStore {
    const wait = this.lockWait;
    const withLock = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const stop = wait.startTimer();
      return meta.withLock(key, () => {
        stop();
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
