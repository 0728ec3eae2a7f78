/**
 * The repository client's HTTP transport over undici: the base URL, the auth and build headers,
 * timeouts, the retry policy (idempotent calls retry network errors and 5xx with exponential
 * backoff and jitter, honouring Retry-After), guarded JSON parsing, and every failure mapped to a
 * StowageError that says what to do. The client's parts (artifacts, builds, analytics, registry)
 * call the server only through it.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { ErrorCodes, StowageError } from '../errors.ts';
import { fileError } from '../internal/files.ts';
import {
  backoffDelay,
  httpError,
  isTransient,
  networkError,
  readText,
  retryAfterMs,
  sleep,
} from '../internal/http.ts';

export interface RepositoryClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8081` (a path prefix such as `/artifactory` is kept). */
  url: string;
  /** Access token: sent as `Bearer`, or as the basic-auth password when `user` is given. */
  token?: string;
  user?: string;
  /** Extra attempts for idempotent calls (GET/HEAD/PUT/DELETE) after a network error or 5xx. Default 3. */
  retries?: number;
  /** Connect, headers and body-idle timeout in milliseconds. Default 60 000. */
  timeoutMs?: number;
  userAgent?: string;
  /** Stamps requests with `X-Stowage-Build-Name` / `X-Stowage-Build-Number`. */
  build?: { name: string; number: string };
  /** First backoff delay in milliseconds (doubled per attempt, with jitter, capped at 10 s). Default 500. */
  retryDelayMs?: number;
  /** Called before each retry, e.g. to log "retrying in 1.2 s". */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: StowageError;
}

export interface CallOptions {
  method: Dispatcher.HttpMethod;
  /** Path and query after the base URL, starting with `/`. */
  path: string;
  headers?: Record<string, string>;
  /** A fresh body for each attempt (streams cannot be replayed). */
  body?: () => string | Readable | undefined;
  /** Statuses returned to the caller instead of thrown (2xx always are). */
  accept?: number[];
  /** What the request does, for error messages: "upload libs/a.tgz". */
  what: string;
}

export type Response = Dispatcher.ResponseData;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_DELAY_MS = 10_000;

let undiciModule: Promise<typeof Undici> | undefined;

/**
 * undici (1.3 MB of JavaScript), loaded by the first request rather than with the library: a
 * process that imports @stowage/core for its models and never calls a server (the embedded
 * server, a command's `--help`) does not load it.
 */
function loadUndici(): Promise<typeof Undici> {
  // Its CommonJS exports: the `default` of the namespace, in Node as in the CLI's bundle.
  undiciModule ??= import('undici').then((m) => m.default);
  return undiciModule;
}

export class Transport {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  /** The connection pool, made by the first request; `closed` once close() ran. */
  #agent: Agent | 'closed' | undefined;

  constructor(opts: RepositoryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch (err) {
      throw new StowageError(ErrorCodes.CLIENT_URL, `${JSON.stringify(opts.url)} is not a URL`, {
        hint: 'pass the server URL, e.g. http://127.0.0.1:8081',
        cause: err,
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new StowageError(
        ErrorCodes.CLIENT_URL,
        `Stowage URL ${opts.url} must start with http:// or https://`,
        {
          hint: 'pass the server URL, e.g. http://127.0.0.1:8081',
        },
      );
    }
    if (parsed.username || parsed.password) {
      throw new StowageError(
        ErrorCodes.CLIENT_URL,
        'the Stowage URL must not contain credentials',
        { hint: 'pass the user and token as options instead of inside the URL' },
      );
    }
    this.url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 500;
    this.#onRetry = opts.onRetry;
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent ?? 'stowage-core/0.1.0',
    };
    if (opts.user !== undefined) {
      const basic = Buffer.from(`${opts.user}:${opts.token ?? ''}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    } else if (opts.token !== undefined && opts.token !== '') {
      headers.authorization = `Bearer ${opts.token}`;
    }
    if (opts.build) {
      headers['x-stowage-build-name'] = encodeHeader(opts.build.name);
      headers['x-stowage-build-number'] = encodeHeader(opts.build.number);
    }
    this.#headers = headers;
  }

  /** Closes pooled connections. The transport cannot be used afterwards. */
  async close(): Promise<void> {
    const agent = this.#agent;
    this.#agent = 'closed';
    if (agent !== undefined && agent !== 'closed') await agent.close();
  }

  /** Runs `attempt` with the retry policy: idempotent methods retry transient failures. */
  async retrying<T>(method: string, attempt: () => Promise<T>): Promise<T> {
    const retries = IDEMPOTENT.has(method) ? this.#retries : 0;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof StowageError) || n >= retries || !isTransient(err)) throw err;
        const advised = (err as StowageError & { retryAfterMs?: number }).retryAfterMs;
        const delayMs =
          advised !== undefined
            ? Math.min(advised, MAX_DELAY_MS)
            : backoffDelay(n, this.#retryDelayMs, MAX_DELAY_MS);
        this.#onRetry?.({ attempt: n + 1, delayMs, error: err });
        await sleep(delayMs);
      }
    }
  }

  /** One request, not retried; non-accepted statuses are read and thrown as StowageError. */
  async send(call: CallOptions): Promise<Response> {
    let res: Response;
    try {
      const undici = await loadUndici();
      // Mapped below as undici's own "client is closed" error would be.
      if (this.#agent === 'closed') throw new Error('the client is closed');
      this.#agent ??= new undici.Agent({
        connectTimeout: this.timeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      res = await undici.request(`${this.url}${call.path}`, {
        method: call.method,
        headers: { ...this.#headers, ...call.headers },
        body: call.body?.() ?? null,
        dispatcher: this.#agent,
      });
    } catch (err) {
      if (err instanceof StowageError) throw err;
      const local = findLocalFileError(err);
      if (local) throw local;
      throw this.networkError(err, call.what);
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (ok || call.accept?.includes(res.statusCode)) return res;
    let text = '';
    try {
      text = await readText(res.body);
    } catch {
      // The body is only used for the message; the status already says what failed.
    }
    const error = httpError(res.statusCode, text, this.url, call.what);
    const advised = retryAfterMs(res.headers['retry-after']);
    if (advised !== undefined) Object.assign(error, { retryAfterMs: advised });
    throw error;
  }

  /** `send` under the retry policy, with the body consumed as JSON. */
  async json<T>(call: CallOptions): Promise<T> {
    return this.retrying(call.method, async () => {
      const res = await this.send(call);
      return (await this.readJson(res, call.what)) as T;
    });
  }

  /** `send` under the retry policy, with the body discarded. */
  async empty(call: CallOptions): Promise<Response> {
    return this.retrying(call.method, async () => {
      const res = await this.send(call);
      await res.body.dump().catch(() => {});
      return res;
    });
  }

  /** The body as JSON; ERR_CLIENT_BAD_RESPONSE (saying what went wrong) when it is not. */
  async readJson(res: Response, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.networkError(err, what);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StowageError(
        ErrorCodes.CLIENT_BAD_RESPONSE,
        `Stowage at ${this.url} answered ${what} with something that is not JSON — is the URL that of a Stowage or Artifactory server (and not a web page or proxy)?`,
        { hint: 'check the server URL', cause: err },
      );
    }
  }

  /** JSON when the body is JSON, undefined otherwise (deploy answers vary between servers). */
  async readJsonLenient(res: Response): Promise<unknown> {
    const text = await res.body.text().catch(() => '');
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  /**
   * Sends a file from disk (re-opened for each attempt) to a path of the server and reads the JSON
   * it answers: the one transport the format publishers (Go modules, Helm charts) share with
   * every other call — the client's credentials and build headers, timeouts, bounded retries for
   * idempotent methods (PUT; never POST), statuses mapped to StowageError, and a JSON parse that
   * says what went wrong instead of throwing a SyntaxError.
   */
  async sendFile(o: {
    method: 'PUT' | 'POST';
    path: string;
    file: string;
    headers?: Record<string, string>;
    what: string;
  }): Promise<{ status: number; body: unknown }> {
    return this.retrying(o.method, async () => {
      const res = await this.send({
        method: o.method,
        path: o.path,
        ...(o.headers ? { headers: o.headers } : {}),
        body: () => createReadStream(o.file),
        what: o.what,
      });
      return { status: res.statusCode, body: await this.readJson(res, o.what) };
    });
  }

  /** A failure with no HTTP answer (refused, timed out, reset) as the StowageError that says so. */
  networkError(err: unknown, what: string): StowageError {
    return networkError(err, this.url, what, this.timeoutMs);
  }

  /** The server answered, but not with what a Stowage or Artifactory server sends. */
  badResponse(what: string, expected: string): StowageError {
    return new StowageError(
      ErrorCodes.CLIENT_BAD_RESPONSE,
      `Stowage at ${this.url} answered ${what} without ${expected} — is the URL that of a Stowage or Artifactory server?`,
      { hint: 'check the server URL and version' },
    );
  }
}

/** A readable over the file that reports progress; errors carry a ready StowageError. */
export function fileBody(
  file: string,
  total: number,
  onProgress?: (sent: number, total: number) => void,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let sent = 0;
    try {
      for await (const chunk of createReadStream(file)) {
        const buf = chunk as Buffer;
        sent += buf.length;
        onProgress?.(sent, total);
        yield buf;
      }
    } catch (err) {
      throw Object.assign(new Error(`cannot read ${file}`), {
        localFileError: fileError(err, file, 'upload'),
      });
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** The StowageError a failing upload body left on the error undici rejected with, if any. */
function findLocalFileError(err: unknown): StowageError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const local = (e as { localFileError?: unknown }).localFileError;
    if (local instanceof StowageError) return local;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Header values must be Latin-1; non-ASCII build names are percent-encoded. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
