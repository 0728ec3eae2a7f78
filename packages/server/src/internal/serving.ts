/**
 * The headers every response leaves with, set in one place (an onSend hook in buildApp) rather
 * than by each format: whatever a repository serves can never run script on the server's
 * origin, and no header ever carries a raw non-ASCII name.
 *
 * - `X-Content-Type-Options: nosniff` on every response, so a browser never guesses HTML out of
 *   bytes served as something else;
 * - `Content-Security-Policy: default-src 'none'; sandbox` on every response that did not set
 *   its own policy (only the web UI does), so even a document a browser renders runs no script,
 *   loads nothing and gets an opaque origin (no cookies, no storage of the UI's origin);
 * - `Content-Disposition: attachment` for active types (HTML, XHTML, SVG, XML, JavaScript, …)
 *   unless the response is a page the server generated itself (a folder listing, a PyPI
 *   simple index) or the repository opted in to inline rendering (`serveActiveContentInline`);
 * - names in headers are encoded: `filename*=UTF-8''…` (RFC 5987/6266) beside an ASCII
 *   fallback, and any other header value with characters outside printable ASCII is
 *   percent-encoded instead of failing the response.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The policy of everything but the UI: nothing loads, nothing runs, an opaque origin. */
export const CONTENT_CSP = "default-src 'none'; sandbox";

const INLINE = Symbol('stowage.inline');
type Marked = FastifyReply & { [INLINE]?: boolean };

/**
 * Lets an active type through inline: for pages the server generates (escaped, no user
 * script) and for repositories that opted in to inline rendering. The sandbox CSP stays.
 */
export function allowInline(reply: FastifyReply): FastifyReply {
  (reply as Marked)[INLINE] = true;
  return reply;
}

/** Media types a browser may execute or render as a document (and so run script in). */
export function isActiveType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const t = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (t === '') return true;
  if (t === 'text/html' || t === 'application/xhtml+xml' || t === 'image/svg+xml') return true;
  if (t === 'text/xml' || t === 'application/xml' || t.endsWith('+xml')) return true;
  if (t.includes('javascript') || t.includes('ecmascript')) return true;
  if (t === 'text/xsl' || t === 'application/xslt+xml' || t === 'text/vtt') return true;
  if (t === 'application/pdf' || t === 'text/cache-manifest') return true;
  if (t === 'multipart/x-mixed-replace') return true;
  return false;
}

/** `token`-safe ASCII stand-in for a file name (RFC 6266 `filename=` fallback). */
export function asciiFallback(name: string): string {
  const out = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_')
    .trim();
  return out === '' ? 'download' : out;
}

/** RFC 5987 `ext-value`: UTF-8, percent-encoded outside attr-char. */
export function rfc5987(value: string): string {
  return `UTF-8''${encodeURIComponent(value.toWellFormed()).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )}`;
}

/** `attachment; filename="…"; filename*=UTF-8''…` (or `inline; …`) for any name. */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  return `${kind}; filename="${asciiFallback(name)}"; filename*=${rfc5987(name)}`;
}

/** A header value that Node can send: characters outside printable ASCII percent-encoded. */
export function headerSafe(value: string): string {
  if (!/[^\x20-\x7e]/.test(value)) return value;
  let out = '';
  // A lone surrogate has no UTF-8 form: it becomes U+FFFD rather than an exception.
  for (const ch of value.toWellFormed()) {
    const code = ch.codePointAt(0)!;
    out += code >= 0x20 && code <= 0x7e ? ch : encodeURIComponent(ch);
  }
  return out;
}

function decodeOr(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The last segment of the request path, decoded, without matrix parameters. */
function nameFromUrl(url: string): string {
  const path = url.split('?', 1)[0]!;
  return decodeOr(path.slice(path.lastIndexOf('/') + 1).split(';', 1)[0]!);
}

/** Sets the headers of the module comment on an answer (buildApp's onSend hook; serve.ts's pump). */
export function setServingHeaders(req: FastifyRequest, reply: FastifyReply): void {
  // One snapshot of what the route set (each getHeader/hasHeader call looks up and merges
  // again); the headers added here are ASCII already.
  const headers = reply.getHeaders();
  reply.header('x-content-type-options', 'nosniff');
  const policy = headers['content-security-policy'];
  if (policy === undefined) reply.header('content-security-policy', CONTENT_CSP);
  const ownsPolicy = policy !== undefined && policy !== CONTENT_CSP;
  const type = headers['content-type'];
  const status = reply.statusCode;
  const document = status !== 204 && (status < 300 || status === 304 || status >= 400);
  if (
    document &&
    !ownsPolicy &&
    !(reply as Marked)[INLINE] &&
    isActiveType(typeof type === 'string' ? type : undefined)
  ) {
    // Set whatever a route (or an upstream) put there: an active type is never inline here.
    const named = headers['x-artifactory-filename'];
    const name = typeof named === 'string' && named !== '' ? decodeOr(named) : nameFromUrl(req.url);
    reply.header('content-disposition', contentDisposition('attachment', name));
  }
  for (const key in headers) {
    const value = headers[key];
    if (typeof value === 'string') {
      const safe = headerSafe(value);
      if (safe !== value) reply.header(key, safe);
    } else if (Array.isArray(value)) {
      const safe = value.map((v) => headerSafe(String(v)));
      if (safe.some((v, i) => v !== value[i])) reply.header(key, safe);
    }
  }
}
