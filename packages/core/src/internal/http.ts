/** HTTP plumbing for the repository client: error mapping, retry policy, URL encoding. */
import { ErrorCodes, StowageError } from '../errors.ts';

function errnoCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a network-level failure (no HTTP answer) to a StowageError that says what to do. */
export function networkError(
  err: unknown,
  base: string,
  what: string,
  timeoutMs: number,
): StowageError {
  const code = errnoCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (code === 'ECONNREFUSED') {
    return new StowageError(
      ErrorCodes.CLIENT_UNREACHABLE,
      `cannot reach Stowage at ${base}: connection refused (${what}) — is the server running? start one with \`stowage serve\``,
      { hint: 'start the server with `stowage serve`, or check the URL and port', cause: err },
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StowageError(
      ErrorCodes.CLIENT_UNREACHABLE,
      `cannot reach Stowage at ${base}: host name not found (${what}) — check the URL`,
      { hint: 'check the host name in the Stowage URL', cause: err },
    );
  }
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return new StowageError(
      ErrorCodes.CLIENT_UNREACHABLE,
      `cannot reach Stowage at ${base}: network unreachable (${what}) — check the network and any proxy or firewall`,
      { hint: 'check the network path to the server', cause: err },
    );
  }
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return new StowageError(
      ErrorCodes.CLIENT_TIMEOUT,
      `Stowage at ${base} did not answer within ${timeoutMs} ms (${what}) — the server is overloaded or unreachable; retry later or raise the timeout`,
      { hint: 'retry later, or raise timeoutMs', cause: err },
    );
  }
  return new StowageError(
    ErrorCodes.CLIENT_NETWORK,
    `connection to Stowage at ${base} failed (${what}): ${reason} — check the network and retry`,
    { hint: 'check the network and retry', cause: err },
  );
}

/** True for failures worth another attempt on an idempotent request. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof StowageError)) return false;
  if (err.status !== undefined) return err.status >= 500 || err.status === 429;
  const network: string[] = [
    ErrorCodes.CLIENT_UNREACHABLE,
    ErrorCodes.CLIENT_TIMEOUT,
    ErrorCodes.CLIENT_NETWORK,
  ];
  // A host name that does not resolve will not resolve on the next attempt either.
  return network.includes(err.code) && errnoCode(err.cause) !== 'ENOTFOUND';
}

const STATUS_CODES: Record<number, { code: string; hint: string }> = {
  400: { code: ErrorCodes.CLIENT_BAD_REQUEST, hint: 'check the arguments of the request' },
  401: {
    code: ErrorCodes.CLIENT_UNAUTHORIZED,
    hint: 'configure a valid access token (and user name, for basic authentication)',
  },
  403: {
    code: ErrorCodes.CLIENT_FORBIDDEN,
    hint: 'use a token whose user has permission for this repository or action',
  },
  404: { code: ErrorCodes.CLIENT_NOT_FOUND, hint: 'check the repository key, path or build name' },
  409: {
    code: ErrorCodes.CLIENT_CONFLICT,
    hint: 'the item changed or already exists; check and retry',
  },
};

/**
 * Maps an HTTP error answer to a StowageError. A body in Artifactory's error shape
 * (`{ errors: [{ status, message, code? }] }`) supplies the message and, when present, the code.
 */
export function httpError(
  status: number,
  bodyText: string,
  base: string,
  what: string,
): StowageError {
  let serverMessage: string | undefined;
  let serverCode: string | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const first = (parsed as { errors?: unknown } | null)?.errors;
    if (Array.isArray(first) && first.length > 0) {
      const e = first[0] as { message?: unknown; code?: unknown };
      if (typeof e.message === 'string') serverMessage = e.message;
      if (typeof e.code === 'string' && e.code !== '') serverCode = e.code;
    } else if (typeof (parsed as { message?: unknown } | null)?.message === 'string') {
      serverMessage = (parsed as { message: string }).message;
    }
  } catch {
    const text = bodyText.trim();
    if (text !== '' && text.length < 500 && !text.startsWith('<')) serverMessage = text;
  }
  const known = STATUS_CODES[status];
  const code =
    serverCode ??
    known?.code ??
    (status >= 500
      ? ErrorCodes.CLIENT_SERVER
      : status === 429
        ? ErrorCodes.CLIENT_SERVER
        : ErrorCodes.CLIENT_HTTP);
  const hint =
    known?.hint ??
    (status >= 500 || status === 429
      ? 'the server failed; retry later and check its log'
      : 'check the request and the server log');
  // A server message already says what to do (Stowage's do); otherwise add the generic hint.
  const message = serverMessage
    ? `Stowage at ${base} answered ${status} to ${what}: ${serverMessage}`
    : `Stowage at ${base} answered ${status} to ${what} — ${hint}`;
  return new StowageError(code, message, { status, hint });
}

/** Exponential backoff with jitter: base·2^attempt, capped, scaled by a random factor in [0.5, 1). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exp * (0.5 + Math.random() * 0.5));
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds, if present. */
export function retryAfterMs(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `a/b c/d` → `a/b%20c/d`: each path segment encoded, slashes kept, leading slashes dropped. */
export function encodePath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function encodeValue(value: string): string {
  return encodeURIComponent(value.replace(/,/g, '\\,'));
}

/** `{ a: ['1', '2'], b: 'x' }` → `a=1,2;b=x` (or with `|` between properties for the query form). */
export function encodeProperties(
  props: Record<string, string | string[]>,
  separator: ';' | '|' = ';',
): string {
  return Object.entries(props)
    .map(([key, value]) => {
      const values = Array.isArray(value) ? value : [value];
      return `${encodeURIComponent(key)}=${values.map(encodeValue).join(',')}`;
    })
    .join(separator);
}

/** Reads at most `limit` bytes of a body as text and discards the rest. */
export async function readText(
  body: AsyncIterable<Uint8Array>,
  limit = 64 * 1024,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) {
      const buf = Buffer.from(chunk);
      chunks.push(buf.subarray(0, limit - size));
      size += buf.length;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
