import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import type Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { HttpError } from '../errors.ts';
import type { RepoConfig } from './metastore.ts';

let undiciModule: Promise<typeof Undici> | undefined;

/**
 * undici, loaded by the first upstream request: a server whose remotes are not asked (local
 * repositories only, or not yet) does not keep it in memory (~10 MiB resident).
 */
function loadUndici(): Promise<typeof Undici> {
  // Its CommonJS exports: the `default` of the namespace, in Node as in the CLI's bundle.
  undiciModule ??= import('undici').then((m) => m.default);
  return undiciModule;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** Where the answer came from after redirects. */
  url: string;
}

/** How long a remote waits for its upstream; every value can be set per remote. */
export interface UpstreamTimeouts {
  /** Opening one TCP/TLS connection. Default 5 s. */
  connectTimeoutMs: number;
  /**
   * Everything until the response headers arrive: connects, retries and their backoff share
   * this one budget, so a hung upstream costs at most this long. Default 15 s.
   */
  firstByteTimeoutMs: number;
  /** The longest pause between two body chunks. Default 30 s. */
  idleTimeoutMs: number;
  /**
   * A body must bring at least this many bytes per second, measured over each idle-timeout
   * window; a trickling upstream is cut off. 0 turns the check off. Default 1024.
   */
  minBytesPerSec: number;
  /** Extra attempts after a connection failure or a 5xx, within the first-byte budget. Default 2. */
  retries: number;
  /** Redirects followed (each one checked like the first URL). Default 5. */
  maxRedirects: number;
}

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = {
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  minBytesPerSec: 1024,
  retries: 2,
  maxRedirects: 5,
};

export const TIMEOUT_KEYS = Object.keys(DEFAULT_TIMEOUTS) as (keyof UpstreamTimeouts)[];

export interface UpstreamOptions extends Partial<UpstreamTimeouts> {
  /** Sets the connect, first-byte and idle timeouts at once (each key above wins over it). */
  timeoutMs?: number;
  /** After an upstream fails (retries spent), skip it for this long. Default 30 s. */
  cooldownMs?: number;
  /** First backoff delay, doubled per attempt. Default 200 ms. */
  retryDelayMs?: number;
  /** Where `${VAR}` references in remote credentials are looked up (the server's environment). */
  env?: Record<string, string | undefined>;
}

/**
 * What one remote may reach and with which credentials: the request policy the client applies
 * to every URL it fetches for that remote, and to every redirect on the way.
 */
export interface RemoteAccess {
  /** The remote's key, for messages. */
  key: string;
  /** The remote's configured URL (without credentials): its origin is always allowed. */
  url: string;
  /** Other origins (`https://cdn.example.com`) or hosts (`cdn.example.com`, `*.example.com`). */
  allowedHosts: string[];
  /** Allow loopback, link-local and private addresses on hosts other than the remote's own. */
  allowPrivateAddresses: boolean;
  /** The Authorization header value for the remote's own origin, when it has credentials. */
  authorization?: string;
  /** Values never to appear in a message (password, token, the encoded basic credentials). */
  secrets: string[];
  timeouts: UpstreamTimeouts;
}

export interface GetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The remote the request is made for; its policy decides where the request may go. */
  access: RemoteAccess;
  /**
   * Where the remote's credentials go: `origin` (default) only to the remote's own origin;
   * `allowed` also to its allow-listed hosts (a registry's token realm); `none` never.
   */
  credentials?: 'origin' | 'allowed' | 'none';
  /**
   * Also go to origins outside the remote's allow-list (a registry's token realm elsewhere),
   * without credentials and never to non-public addresses.
   */
  anyOrigin?: boolean;
}

/**
 * Public upstreams whose files (or registry tokens) live on another host of the same operator:
 * those hosts are allow-listed without configuration. Like any allow-listed host they get the
 * remote's credentials only as a registry token realm, never for files or after a redirect.
 */
export const WELL_KNOWN_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'pypi.org': ['files.pythonhosted.org'],
  'registry-1.docker.io': ['auth.docker.io', 'production.cloudflare.docker.com'],
  'index.docker.io': ['auth.docker.io', 'production.cloudflare.docker.com'],
  'ghcr.io': ['pkg-containers.githubusercontent.com'],
  'quay.io': ['cdn.quay.io', 'cdn01.quay.io', 'cdn02.quay.io', 'cdn03.quay.io'],
};

/**
 * Addresses a remote never connects to on a host other than its own (unless
 * `allowPrivateAddresses`): unspecified, loopback, link-local, private, shared (CGNAT),
 * multicast and reserved ranges.
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** True for an address a remote may reach on a foreign host. IPv4-mapped IPv6 is judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return isPublicAddress(mapped[1]);
    return !NON_PUBLIC.check(address, 'ipv6');
  }
  return !NON_PUBLIC.check(address, 'ipv4');
}

/** A DNS lookup that fails when a name resolves to any non-public address (checked at connect time). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || addresses.length === 0) {
      const e = new Error(
        `${hostname} resolves to ${bad?.address ?? 'no address'}, a loopback, link-local or private address`,
      ) as NodeJS.ErrnoException;
      e.code = 'ERR_STOWAGE_PRIVATE_ADDRESS';
      return callback(e, '', 0);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/** `https://user:pw@host/x` → `https://host/x` (any URL that goes into a message or a log). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@\s]*@/g, '//');
  }
}

/** Replaces every secret, and any URL userinfo, in a text with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s"']+@/g, '$1***@');
  for (const s of secrets) {
    if (s.length < 3) continue;
    out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('***');
  }
  return out;
}

/** Resolves `${VAR}` references in a configured credential from the server's environment. */
export function expandEnv(
  value: string,
  env: Record<string, string | undefined>,
  what: string,
): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) {
      throw new HttpError(
        'ERR_UPSTREAM_CREDENTIALS',
        `${what} refers to \${${name}}, which is not set in the server's environment`,
        { hint: `set ${name} where the server runs, or configure the credential another way` },
      );
    }
    return v;
  });
}

/** True when `url` is on an allow-listed host of `access` (an origin, a host[:port] or `*.suffix`). */
function allowListed(u: URL, allowed: readonly string[]): boolean {
  for (const raw of allowed) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (/^https?:\/\//.test(entry)) {
      try {
        if (new URL(entry).origin === u.origin) return true;
      } catch {
        /* a malformed entry matches nothing; config validation reports it */
      }
      continue;
    }
    const host = u.host.toLowerCase();
    const name = u.hostname.toLowerCase();
    if (entry.startsWith('*.')) {
      const suffix = entry.slice(1);
      if (name.endsWith(suffix) || host.endsWith(suffix)) return true;
    } else if (entry === host || entry === name) {
      return true;
    }
  }
  return false;
}

/** Where a URL stands for a remote: its own origin, allow-listed, or refused. */
export function placeOf(url: string, access: RemoteAccess): 'origin' | 'allowed' | 'refused' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'refused';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'refused';
  if (u.origin === new URL(access.url).origin) return 'origin';
  return allowListed(u, access.allowedHosts) ? 'allowed' : 'refused';
}

/**
 * The one way the server talks to upstream repositories: undici with separate connect,
 * first-byte and idle timeouts, a minimum transfer rate, bounded retries within one budget,
 * redirects followed only where the remote may go, connections to non-public addresses
 * refused on hosts other than the remote's own (checked on the resolved address), credentials
 * sent only to the remote's origin, and a per-origin cool-down so that a dead upstream costs
 * one timeout, not one per request. Failures become HttpError ERR_UPSTREAM_*, with secrets
 * scrubbed from their messages.
 */
export class UpstreamClient {
  readonly #agents = new Map<string, Agent>();
  readonly #defaults: UpstreamTimeouts;
  readonly #cooldownMs: number;
  readonly #retryDelayMs: number;
  readonly #env: Record<string, string | undefined>;
  readonly #downUntil = new Map<string, number>();
  readonly #downWhy = new Map<string, string>();
  /** Transfers in progress, so that a shutdown can cut them off. */
  readonly #live = new Set<AbortController>();
  #closing = false;

  constructor(opts: UpstreamOptions = {}) {
    const t = opts.timeoutMs;
    const d: UpstreamTimeouts = { ...DEFAULT_TIMEOUTS };
    if (t !== undefined) {
      d.connectTimeoutMs = t;
      d.firstByteTimeoutMs = t;
      d.idleTimeoutMs = t;
    }
    for (const k of TIMEOUT_KEYS) {
      const v = opts[k];
      if (v !== undefined) d[k] = v;
    }
    this.#defaults = d;
    this.#cooldownMs = opts.cooldownMs ?? 30_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 200;
    this.#env = opts.env ?? {};
  }

  /**
   * A remote's policy: its origin, allow-list, credentials (split from the URL, `${VAR}`
   * references expanded) and timeouts (its own, else the server's).
   */
  accessOf(remote: RepoConfig): RemoteAccess {
    const u = new URL(remote.url ?? '');
    let username = remote.username;
    let password = remote.password;
    if (u.username || u.password) {
      username ??= decodeURIComponent(u.username);
      password ??= decodeURIComponent(u.password);
      u.username = '';
      u.password = '';
    }
    const what = (field: string): string => `the ${field} of remote repository "${remote.key}"`;
    const secrets: string[] = [];
    let authorization: string | undefined;
    if (remote.token !== undefined) {
      const token = expandEnv(remote.token, this.#env, what('token'));
      secrets.push(token);
      authorization = `Bearer ${token}`;
    } else if (username !== undefined || password !== undefined) {
      const user = expandEnv(username ?? '', this.#env, what('username'));
      const pass = expandEnv(password ?? '', this.#env, what('password'));
      const basic = Buffer.from(`${user}:${pass}`).toString('base64');
      secrets.push(pass, basic);
      authorization = `Basic ${basic}`;
    }
    const timeouts = { ...this.#defaults };
    for (const k of TIMEOUT_KEYS) {
      const v = remote[k];
      if (typeof v === 'number') timeouts[k] = v;
    }
    const access: RemoteAccess = {
      key: remote.key,
      url: u.toString(),
      allowedHosts: [...(remote.allowedHosts ?? []), ...(WELL_KNOWN_HOSTS[u.host] ?? [])],
      allowPrivateAddresses: remote.allowPrivateAddresses === true,
      secrets,
      timeouts,
    };
    if (authorization) access.authorization = authorization;
    return access;
  }

  #agent(undici: typeof Undici, connectTimeoutMs: number, publicOnly: boolean): Agent {
    const key = `${connectTimeoutMs}:${publicOnly}`;
    let agent = this.#agents.get(key);
    if (!agent) {
      agent = new undici.Agent({
        connect: {
          timeout: connectTimeoutMs,
          ...(publicOnly ? { lookup: publicOnlyLookup } : {}),
        },
        // Body pauses are watched per request (idle timeout); headers by the first-byte budget.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /**
   * GET with the remote's policy. Any final status is returned (the caller maps 404/304);
   * 5xx and connection failures are retried while the first-byte budget lasts.
   */
  async get(url: string, opts: GetOptions): Promise<UpstreamResponse> {
    const access = opts.access;
    const t = access.timeouts;
    const fail = (
      code: 'ERR_UPSTREAM_UNAVAILABLE' | 'ERR_UPSTREAM_REFUSED' | 'ERR_UPSTREAM_INVALID',
      msg: string,
      cause?: unknown,
    ): HttpError =>
      new HttpError(code, scrub(msg, access.secrets), cause === undefined ? {} : { cause });
    const first = new URL(url).origin;
    this.#checkCooldown(first, access.secrets);
    const undici = await loadUndici();
    const deadline = Date.now() + t.firstByteTimeoutMs;
    let current = url;
    let headers = { ...opts.headers };
    let lastError: unknown;
    let attempt = 0;
    for (let hop = 0; ;) {
      const place = placeOf(current, access);
      if (place === 'refused' && !opts.anyOrigin) {
        throw fail(
          'ERR_UPSTREAM_REFUSED',
          `remote "${access.key}" was sent to ${redactUrl(current)}, which is neither its upstream's origin (${new URL(access.url).origin}) nor in its allowedHosts`,
        );
      }
      const target = new URL(current);
      const ownHost = target.hostname === new URL(access.url).hostname;
      const publicOnly = !ownHost && !access.allowPrivateAddresses;
      if (publicOnly && isIP(target.hostname.replace(/^\[|\]$/g, '')) !== 0) {
        if (!isPublicAddress(target.hostname.replace(/^\[|\]$/g, ''))) {
          throw fail(
            'ERR_UPSTREAM_REFUSED',
            `remote "${access.key}" was sent to ${redactUrl(current)}, a loopback, link-local or private address`,
          );
        }
      }
      const sendAuth =
        access.authorization !== undefined &&
        (place === 'origin' || (place === 'allowed' && opts.credentials === 'allowed')) &&
        opts.credentials !== 'none';
      const h: Record<string, string> = { 'user-agent': 'stowage', ...headers };
      if (sendAuth && h.authorization === undefined)
        h.authorization = access.authorization as string;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        lastError ??= new Error(`no answer within ${t.firstByteTimeoutMs} ms`);
        break;
      }
      const ctl = new AbortController();
      const onAbort = (): void => ctl.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () => ctl.abort(new Error(`no response headers within ${t.firstByteTimeoutMs} ms`)),
        remaining,
      );
      timer.unref();
      this.#live.add(ctl);
      let res: Dispatcher.ResponseData;
      try {
        res = await undici.request(current, {
          method: 'GET',
          headers: h,
          dispatcher: this.#agent(undici, t.connectTimeoutMs, publicOnly),
          signal: ctl.signal,
          bodyTimeout: t.idleTimeoutMs,
        });
      } catch (err) {
        clearTimeout(timer);
        this.#live.delete(ctl);
        opts.signal?.removeEventListener('abort', onAbort);
        if (this.#closing) throw fail('ERR_UPSTREAM_UNAVAILABLE', 'the server is shutting down');
        if (opts.signal?.aborted) throw err;
        const cause = ctl.signal.aborted ? ctl.signal.reason : err;
        if ((err as NodeJS.ErrnoException).code === 'ERR_STOWAGE_PRIVATE_ADDRESS') {
          throw fail(
            'ERR_UPSTREAM_REFUSED',
            `remote "${access.key}" was sent to ${redactUrl(current)}: ${(err as Error).message}`,
          );
        }
        const causeCode = ((err as { cause?: { code?: string } }).cause ?? {}).code;
        if (causeCode === 'ERR_STOWAGE_PRIVATE_ADDRESS') {
          throw fail(
            'ERR_UPSTREAM_REFUSED',
            `remote "${access.key}" was sent to ${redactUrl(current)}: ${(err as { cause: Error }).cause.message}`,
          );
        }
        lastError = cause;
        attempt++;
        if (ctl.signal.aborted || !(await this.#backoff(attempt - 1, deadline, t.retries))) break;
        continue;
      }
      clearTimeout(timer);
      if (res.statusCode >= 500 || (res.statusCode >= 300 && res.statusCode < 400)) {
        this.#live.delete(ctl);
      }
      if (res.statusCode >= 500) {
        opts.signal?.removeEventListener('abort', onAbort);
        discard(res.body);
        lastError = new Error(`HTTP ${res.statusCode}`);
        attempt++;
        if (!(await this.#backoff(attempt - 1, deadline, t.retries))) break;
        continue;
      }
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === 'string') {
        opts.signal?.removeEventListener('abort', onAbort);
        discard(res.body);
        if (++hop > t.maxRedirects) {
          throw fail(
            'ERR_UPSTREAM_INVALID',
            `upstream ${redactUrl(url)} redirected more than ${t.maxRedirects} times`,
          );
        }
        const next = new URL(location, current).toString();
        // A caller's own Authorization (a registry token) never follows to another origin.
        if (new URL(next).origin !== target.origin) {
          headers = Object.fromEntries(
            Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
          );
        }
        current = next;
        continue;
      }
      this.#downUntil.delete(first);
      const body = watchRate(res.body, t, ctl, () => {
        this.#live.delete(ctl);
        opts.signal?.removeEventListener('abort', onAbort);
      });
      return { status: res.statusCode, headers: res.headers, body, url: current };
    }
    const reason = (lastError as Error | undefined)?.message ?? 'no answer';
    if (this.#cooldownMs > 0) {
      this.#downUntil.set(first, Date.now() + this.#cooldownMs);
      this.#downWhy.set(first, scrub(reason, access.secrets));
    }
    const outOfTime = Date.now() >= deadline - 1;
    throw fail(
      'ERR_UPSTREAM_UNAVAILABLE',
      outOfTime
        ? `upstream ${redactUrl(current)} did not answer within ${t.firstByteTimeoutMs} ms (${attempt} attempt(s); last: ${reason})`
        : `upstream ${redactUrl(current)} failed after ${attempt} attempt(s) (${reason})`,
      lastError,
    );
  }

  /** Waits before the next attempt; false when no attempt is left or the budget would run out. */
  async #backoff(attempt: number, deadline: number, retries: number): Promise<boolean> {
    if (attempt >= retries) return false;
    const delay = this.#retryDelayMs * 2 ** attempt;
    if (Date.now() + delay >= deadline) return false;
    await new Promise((r) => setTimeout(r, delay));
    return true;
  }

  /**
   * One POST (an API call forwarded upstream, e.g. npm's audit) to the remote's own origin: no
   * retries, since the call need not be idempotent; the cool-down of a failed origin applies as
   * for GET, and so do the connect and first-byte timeouts and the address rules.
   */
  async post(
    url: string,
    opts: { access: RemoteAccess; headers?: Record<string, string>; body: string | Buffer },
  ): Promise<UpstreamResponse> {
    const access = opts.access;
    const t = access.timeouts;
    const target = new URL(url);
    if (placeOf(url, access) !== 'origin') {
      throw new HttpError(
        'ERR_UPSTREAM_REFUSED',
        `remote "${access.key}" may POST only to its upstream's origin, not ${redactUrl(url)}`,
      );
    }
    this.#checkCooldown(target.origin, access.secrets);
    const h: Record<string, string> = { 'user-agent': 'stowage', ...opts.headers };
    if (access.authorization !== undefined && h.authorization === undefined)
      h.authorization = access.authorization;
    const undici = await loadUndici();
    const ctl = new AbortController();
    const timer = setTimeout(
      () => ctl.abort(new Error(`no response headers within ${t.firstByteTimeoutMs} ms`)),
      t.firstByteTimeoutMs,
    );
    timer.unref();
    this.#live.add(ctl);
    try {
      const res = await undici.request(url, {
        method: 'POST',
        headers: h,
        body: opts.body,
        dispatcher: this.#agent(undici, t.connectTimeoutMs, false),
        signal: ctl.signal,
        bodyTimeout: t.idleTimeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    } catch (err) {
      const cause = ctl.signal.aborted ? ctl.signal.reason : err;
      throw new HttpError(
        'ERR_UPSTREAM_UNAVAILABLE',
        scrub(`upstream ${redactUrl(url)} failed (${(cause as Error).message})`, access.secrets),
        { cause },
      );
    } finally {
      clearTimeout(timer);
      this.#live.delete(ctl);
    }
  }

  /** Throws ERR_UPSTREAM_COOLDOWN (503, Retry-After) while `origin` is in its cool-down. */
  #checkCooldown(origin: string, secrets: readonly string[]): void {
    const down = this.#downUntil.get(origin);
    if (down === undefined || down <= Date.now()) return;
    const secs = Math.max(1, Math.ceil((down - Date.now()) / 1000));
    throw new HttpError(
      'ERR_UPSTREAM_COOLDOWN',
      scrub(
        `upstream ${origin} is in its cool-down for ${secs} s more after it failed (${this.#downWhy.get(origin) ?? 'unreachable'}); every remote on that origin waits`,
        secrets,
      ),
      { headers: { 'retry-after': String(secs) } },
    );
  }

  /** Cuts off every transfer in progress (a shutdown that must not wait for upstreams). */
  abortAll(reason = 'the server is shutting down'): void {
    this.#closing = true;
    for (const c of this.#live) c.abort(new Error(reason));
    this.#live.clear();
    for (const a of this.#agents.values()) void a.destroy(new Error(reason)).catch(() => {});
    this.#agents.clear();
  }

  async close(): Promise<void> {
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    await Promise.all(agents.map((a) => a.destroy()));
  }
}

/** Drops a body that is not wanted (a 5xx, a redirect) without an unhandled error. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * Passes a body through while watching its rate: fewer than `minBytesPerSec` over an
 * idle-timeout window cuts it off (undici's body timeout catches the total silence).
 */
function watchRate(
  body: Readable,
  t: UpstreamTimeouts,
  ctl: AbortController,
  done: () => void,
): Readable {
  let count = 0;
  const window = t.idleTimeoutMs;
  const floor = (t.minBytesPerSec * window) / 1000;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      count += chunk.length;
      cb(null, chunk);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  if (t.minBytesPerSec > 0 && window > 0) {
    timer = setInterval(() => {
      if (count < floor) {
        const err = new HttpError(
          'ERR_UPSTREAM_TOO_SLOW',
          `the upstream sent ${count} bytes in ${window} ms, less than the minimum of ${t.minBytesPerSec} bytes per second`,
        );
        ctl.abort(err);
        out.destroy(err);
      }
      count = 0;
    }, window);
    timer.unref();
  }
  const finish = (): void => {
    if (timer) clearInterval(timer);
    done();
  };
  out.once('close', finish);
  body.once('error', (err) => out.destroy(ctl.signal.aborted ? (ctl.signal.reason as Error) : err));
  ctl.signal.addEventListener(
    'abort',
    () => {
      discard(body);
      out.destroy(ctl.signal.reason as Error);
    },
    { once: true },
  );
  body.pipe(out);
  out.once('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return out;
}
