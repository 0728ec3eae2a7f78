import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SizedLru } from './lru.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Bodies smaller than this go out as they are: compressing them costs more than it saves. */
export const MIN_COMPRESS = 1024;

export type Encoding = 'br' | 'gzip';

/**
 * A rendered metadata answer (a packument, an index) kept as the UTF-8 bytes that go on the
 * wire, with its compressed variants made once, on the first request that asks for them, and
 * kept beside it. Caching the bytes rather than the string spares the encode on every request.
 */
export class RenderedEntry {
  readonly body: Buffer;
  /** The entity tag of the body (the same as sendComputed's), so conditional requests get 304. */
  readonly etag: string;
  readonly #variants = new Map<Encoding, Promise<Buffer>>();
  readonly #grew: (bytes: number) => void;

  constructor(body: Buffer, grew: (bytes: number) => void) {
    this.body = body;
    this.etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`;
    this.#grew = grew;
  }

  /** The body compressed with `enc` (computed once, off the main thread by zlib's pool). */
  variant(enc: Encoding): Promise<Buffer> {
    let v = this.#variants.get(enc);
    if (!v) {
      v =
        enc === 'br'
          ? brotliAsync(this.body, {
              params: {
                // Quality 5: most of brotli's gain at a small fraction of 11's time, which
                // matters for a multi-megabyte packument rendered after every publish.
                [zlib.BROTLI_PARAM_QUALITY]: 5,
                [zlib.BROTLI_PARAM_SIZE_HINT]: this.body.length,
                [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
              },
            })
          : gzipAsync(this.body, { level: 6 });
      v.then(
        (b) => this.#grew(b.length),
        () => this.#variants.delete(enc),
      );
      this.#variants.set(enc, v);
    }
    return v;
  }
}

/**
 * Rendered answers by key, bounded by their total size (bodies and variants), least recently
 * used first out. Only derived metadata goes here, never artifact content; the key must name
 * everything the answer depends on (source digests, URL base, view).
 */
export class RenderedCache {
  readonly #lru: SizedLru<RenderedEntry>;

  constructor(maxBytes: number) {
    this.#lru = new SizedLru<RenderedEntry>(maxBytes);
  }

  get(key: string): RenderedEntry | undefined {
    return this.#lru.get(key);
  }

  set(key: string, text: string): RenderedEntry {
    const body = Buffer.from(text, 'utf8');
    let size = body.length;
    const entry = new RenderedEntry(body, (bytes) => {
      // Re-accounted under the same key, if it is still cached.
      if (this.#lru.peek(key) !== entry) return;
      size += bytes;
      this.#lru.set(key, entry, size);
    });
    this.#lru.set(key, entry, size);
    return entry;
  }
}

/**
 * The encoding to answer with for the request's Accept-Encoding: brotli, else gzip, each only
 * when asked for with a non-zero q (RFC 9110 §12.5.3); `*` counts as both.
 */
export function pickEncoding(header: string | string[] | undefined): Encoding | undefined {
  if (!header) return undefined;
  if (typeof header !== 'string' || header.length > 256) return parseEncoding(String(header));
  // Clients send the same few headers over and over: each is parsed once (64 kept at most).
  let enc = picked.get(header);
  if (enc === undefined) {
    enc = parseEncoding(header) ?? null;
    if (picked.size >= 64) picked.clear();
    picked.set(header, enc);
  }
  return enc ?? undefined;
}

const picked = new Map<string, Encoding | null>();

function parseEncoding(header: string): Encoding | undefined {
  const accepted = new Set<string>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((x) => x.trim());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(name);
  }
  if (accepted.has('br') || accepted.has('*')) return 'br';
  if (accepted.has('gzip') || accepted.has('x-gzip')) return 'gzip';
  return undefined;
}

/**
 * Sends a rendered entry as `type`, compressed when the client asks for it and the body is
 * worth it. Always varies by Accept-Encoding, so a shared cache never hands one client another's
 * encoding.
 */
export function sendRendered(
  req: FastifyRequest,
  reply: FastifyReply,
  entry: RenderedEntry,
  type: string,
): FastifyReply | Promise<FastifyReply> {
  reply.type(type).header('vary', 'accept-encoding');
  const enc =
    entry.body.length >= MIN_COMPRESS ? pickEncoding(req.headers['accept-encoding']) : undefined;
  // Uncompressed, it answers at once (no promise of its own: the common case of a cached GET).
  if (!enc)
    return reply
      .header('etag', entry.etag)
      .header('content-length', entry.body.length)
      .send(entry.body);
  return entry.variant(enc).then((bytes) =>
    // The same entity, another encoding: a weak tag (If-None-Match compares weakly).
    reply
      .header('etag', `W/${entry.etag}`)
      .header('content-encoding', enc)
      .header('content-length', bytes.length)
      .send(bytes),
  );
}
