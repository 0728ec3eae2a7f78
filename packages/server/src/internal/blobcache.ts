import type { Readable } from 'node:stream';
import { SizedLru } from './lru.ts';

/**
 * The content of small stored files kept in memory, so serving a hot npm tarball, a `.pom` or a
 * checksum file costs no open/fstat/read/close and no stream: the answer is one buffer. Blobs
 * are addressed by their SHA-256, so an entry can never go stale — the same key is the same
 * bytes for as long as anything names it. Bounded twice: by the total (`bytes`) and per file
 * (`fileMaxBytes`); large files always stream from the blob store and are never held whole.
 * Concurrent misses of one blob share one read.
 */
export class BlobCache {
  readonly #lru: SizedLru<Buffer>;
  readonly #loading = new Map<string, Promise<Buffer>>();
  readonly fileMaxBytes: number;
  readonly #enabled: boolean;

  constructor(opts: { bytes: number; fileMaxBytes: number }) {
    this.#lru = new SizedLru<Buffer>(opts.bytes);
    this.fileMaxBytes = Math.min(opts.fileMaxBytes, opts.bytes);
    this.#enabled = opts.bytes > 0 && opts.fileMaxBytes > 0;
  }

  /** Whether a file of `size` bytes is served from memory. */
  holds(size: number): boolean {
    return this.#enabled && size <= this.fileMaxBytes;
  }

  /**
   * The content of blob `sha256` of `size` bytes, from memory or read whole from `open()` (and
   * kept). A read that does not give exactly `size` bytes fails and keeps nothing.
   */
  async get(sha256: string, size: number, open: () => Readable): Promise<Buffer> {
    const have = this.#lru.get(sha256);
    if (have) return have;
    let loading = this.#loading.get(sha256);
    if (!loading) {
      loading = readExactly(open(), size, sha256).finally(() => this.#loading.delete(sha256));
      this.#loading.set(sha256, loading);
      const buf = await loading;
      this.#lru.set(sha256, buf, buf.length);
      return buf;
    }
    return loading;
  }

  /** Bytes held now. */
  get size(): number {
    return this.#lru.size;
  }
}

async function readExactly(stream: Readable, size: number, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of stream) {
    got += (chunk as Buffer).length;
    if (got > size) {
      stream.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  if (got !== size)
    throw new Error(`blob ${sha256} holds ${got > size ? 'more' : got} bytes, not ${size}`);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
