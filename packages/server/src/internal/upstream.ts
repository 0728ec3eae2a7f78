import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { HttpError } from '../errors.ts';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface UpstreamOptions {
  /** Connect and header timeout, and the longest pause between body chunks. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after a network error or a 5xx. Default 2. */
  retries?: number;
  /** After an upstream fails (retries spent), skip it for this long. Default 30 s. */
  cooldownMs?: number;
  /** First backoff delay, doubled per attempt. Default 200 ms. */
  retryDelayMs?: number;
}

/**
 * The one way the server talks to upstream repositories: undici with explicit timeouts,
 * bounded retries with backoff, and a per-origin cool-down so that a dead upstream costs one
 * timeout, not one per request. Failures become HttpError ERR_UPSTREAM_*.
 */
export class UpstreamClient {
  readonly #agent: Agent;
  readonly #retries: number;
  readonly #cooldownMs: number;
  readonly #retryDelayMs: number;
  /** Per origin: until when it is skipped, and why it failed. */
  readonly #downUntil = new Map<string, number>();
  readonly #downWhy = new Map<string, string>();

  constructor(opts: UpstreamOptions = {}) {
    const timeout = opts.timeoutMs ?? 30_000;
    this.#agent = new Agent({
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    this.#retries = opts.retries ?? 2;
    this.#cooldownMs = opts.cooldownMs ?? 30_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 200;
  }

  /** GET with retries. Any status is returned (the caller maps 404/304); 5xx are retried first. */
  async get(
    url: string,
    opts: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<UpstreamResponse> {
    const origin = new URL(url).origin;
    this.#checkCooldown(origin);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0)
        await new Promise((r) => setTimeout(r, this.#retryDelayMs * 2 ** (attempt - 1)));
      try {
        const res = await request(url, {
          method: 'GET',
          headers: { 'user-agent': 'stowage', ...opts.headers },
          dispatcher: this.#agent,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        if (res.statusCode >= 500) {
          res.body.resume();
          lastError = new Error(`HTTP ${res.statusCode}`);
          continue;
        }
        this.#downUntil.delete(origin);
        return { status: res.statusCode, headers: res.headers, body: res.body };
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        lastError = err;
      }
    }
    this.#downUntil.set(origin, Date.now() + this.#cooldownMs);
    this.#downWhy.set(origin, (lastError as Error).message);
    throw new HttpError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `upstream ${url} failed after ${this.#retries + 1} attempts (${(lastError as Error).message})`,
      {
        cause: lastError,
      },
    );
  }

  /**
   * One POST (an API call forwarded upstream, e.g. npm's audit): no retries, since the call need
   * not be idempotent; the cool-down of a failed origin applies as for GET.
   */
  async post(
    url: string,
    opts: { headers?: Record<string, string>; body: string | Buffer },
  ): Promise<UpstreamResponse> {
    const origin = new URL(url).origin;
    this.#checkCooldown(origin);
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'user-agent': 'stowage', ...opts.headers },
        body: opts.body,
        dispatcher: this.#agent,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw new HttpError(
        'ERR_UPSTREAM_UNAVAILABLE',
        `upstream ${url} failed (${(err as Error).message})`,
        {
          cause: err,
        },
      );
    }
  }

  /** Throws ERR_UPSTREAM_COOLDOWN (503, Retry-After) while `origin` is in its cool-down. */
  #checkCooldown(origin: string): void {
    const down = this.#downUntil.get(origin);
    if (down === undefined || down <= Date.now()) return;
    const secs = Math.max(1, Math.ceil((down - Date.now()) / 1000));
    throw new HttpError(
      'ERR_UPSTREAM_COOLDOWN',
      `upstream ${origin} is in its cool-down for ${secs} s more after it failed (${this.#downWhy.get(origin) ?? 'unreachable'}); every remote on that origin waits`,
      { headers: { 'retry-after': String(secs) } },
    );
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
