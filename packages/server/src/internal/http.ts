import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { HttpError } from '../errors.ts';

/** The undecoded path and query of a request (Fastify's own params are decoded once already). */
export function rawUrl(req: FastifyRequest): { path: string; query: string } {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Raw (still percent-encoded) query parameters; a key without '=' maps to ''. */
export function rawQuery(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const { query } = rawUrl(req);
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}

export function decodeQueryValue(v: string): string {
  try {
    return decodeURIComponent(v.replaceAll('+', ' '));
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `query value "${v}" has an invalid percent-encoding`);
  }
}

/** Interprets Artifactory's query flags: `1`, `true` or a bare key are on. */
export function flag(q: Map<string, string>, key: string, dflt: boolean): boolean {
  const v = q.get(key);
  if (v === undefined) return dflt;
  return v === '' || v === '1' || v.toLowerCase() === 'true';
}

export function baseUrl(req: FastifyRequest): string {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost';
  const proto = req.headers['x-forwarded-proto'] ?? req.protocol;
  return `${String(proto)}://${String(host)}`;
}

/** 16 MiB, 512 kB, 100 bytes: a limit as people read it. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 2 === 0) return `${Math.round((n / 1024 ** 3) * 10) / 10} GiB`;
  if (n >= 1024 ** 2) return `${Math.round((n / 1024 ** 2) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}

/**
 * Refuses a JSON text nested deeper than `max` objects/arrays before it is parsed (JSON.parse
 * recurses, and a deep document costs memory out of proportion to its size). One pass, strings
 * skipped; text that is not JSON is left for the parser to refuse.
 */
export function checkJsonDepth(text: string, max: number): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        throw new HttpError(
          'ERR_BODY_INVALID',
          `the JSON body nests objects and arrays deeper than ${max} levels (limits.jsonDepth)`,
          { hint: 'flatten the document, or raise limits.jsonDepth in the server config' },
        );
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

/** 413 ERR_BODY_TOO_LARGE for a body over a route's limit, naming the limit and its config key. */
export function bodyTooLarge(limit: number, key: string, method: string, route: string): HttpError {
  return new HttpError(
    'ERR_BODY_TOO_LARGE',
    `the request body is larger than ${formatBytes(limit)}, the most ${method} ${route} accepts (limits.${key})`,
    { hint: `send a smaller body, or raise limits.${key} in the server config` },
  );
}

/** Parses a JSON body the API scope received as text. */
export function parseJson(
  body: unknown,
  code: 'ERR_BODY_INVALID' | 'ERR_BUILDINFO_INVALID',
  what: string,
): unknown {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new HttpError(code, `the request has no ${what} body`, { hint: `send ${what} as JSON` });
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new HttpError(code, `the ${what} body is not valid JSON (${(err as Error).message})`, {
      hint: `send ${what} as a JSON document`,
    });
  }
}

const MIME: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.xsl': 'application/xslt+xml',
  '.xml': 'application/xml',
  '.pom': 'application/xml',
  '.jar': 'application/java-archive',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

export function mimeType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && MIME[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/** Parses one `bytes=` range against a size; undefined means "send it all". Multi-ranges are answered whole. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  let start: number;
  let end: number;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0) throw unsatisfiable(size);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || end < start) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): HttpError {
  return new HttpError(
    'ERR_RANGE_NOT_SATISFIABLE',
    `the requested range is outside the file (size ${size})`,
    {
      headers: { 'content-range': `bytes */${size}` },
    },
  );
}

/** The checksums a client declared for an upload (`X-Checksum-Sha1/-Sha256/-Md5`, or `X-Checksum` for md5). */
export function declaredChecksums(req: FastifyRequest): {
  sha1?: string;
  sha256?: string;
  md5?: string;
} {
  const h = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const out: { sha1?: string; sha256?: string; md5?: string } = {};
  const sha1 = h('x-checksum-sha1');
  const sha256 = h('x-checksum-sha256');
  const md5 = h('x-checksum-md5') ?? h('x-checksum');
  if (sha1) out.sha1 = sha1;
  if (sha256) out.sha256 = sha256;
  if (md5) out.md5 = md5;
  return out;
}

/**
 * The whole body of a request that declared a Content-Length of at most `max` bytes, read into
 * memory; undefined when it declared no length (chunked) or a larger one, to be streamed instead.
 * A body that ends short or breaks off is ERR_UPLOAD_INCOMPLETE.
 */
export function readSmallBody(
  body: Readable,
  headers: IncomingHttpHeaders,
  max: number,
): Promise<Buffer> | undefined {
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !/^\d{1,15}$/.test(declared)) return undefined;
  const length = Number(declared);
  if (length > max) return undefined;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    let settled = false;
    const done = (err?: Error): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) return reject(err);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, got));
    };
    const incomplete = (cause?: Error): HttpError =>
      new HttpError(
        'ERR_UPLOAD_INCOMPLETE',
        `the upload ended after ${got} of its ${length} bytes`,
        cause ? { cause } : {},
      );
    const onData = (c: Buffer): void => {
      got += c.length;
      // The HTTP parser stops at Content-Length; a stream that says otherwise is not trusted.
      if (got > length) return done(incomplete());
      chunks.push(c);
    };
    const onEnd = (): void => done(got === length ? undefined : incomplete());
    const onError = (err: Error): void => done(incomplete(err));
    const onClose = (): void => done(incomplete());
    // Gone while the request was being checked (its 'close' came before these listeners).
    if (body.destroyed) return done(incomplete());
    body.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}
