import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileError } from './internal/files.ts';

/** Lower-case hex digests of one piece of content. */
export interface Checksums {
  sha1: string;
  sha256: string;
  md5: string;
}

/** Checksums plus the number of bytes hashed. */
export type ChecksumsWithSize = Checksums & { size: number };

/** Computes SHA-1, SHA-256 and MD5 in one pass; feed it chunks, then call `digest()` once. */
export class MultiHash {
  #sha1: Hash = createHash('sha1');
  #sha256: Hash = createHash('sha256');
  #md5: Hash = createHash('md5');
  #size = 0;

  update(chunk: Uint8Array | string): this {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#sha1.update(buf);
    this.#sha256.update(buf);
    this.#md5.update(buf);
    this.#size += buf.byteLength;
    return this;
  }

  /** Bytes fed so far. */
  get size(): number {
    return this.#size;
  }

  digest(): Checksums {
    return {
      sha1: this.#sha1.digest('hex'),
      sha256: this.#sha256.digest('hex'),
      md5: this.#md5.digest('hex'),
    };
  }
}

/** Hashes everything a stream yields, chunk by chunk. */
export async function hashStream(
  readable: AsyncIterable<Uint8Array | string>,
): Promise<ChecksumsWithSize> {
  const hash = new MultiHash();
  for await (const chunk of readable) hash.update(chunk);
  return { ...hash.digest(), size: hash.size };
}

/** Hashes a file by streaming it; never reads it whole. */
export async function hashFile(path: string): Promise<ChecksumsWithSize> {
  try {
    return await hashStream(createReadStream(path));
  } catch (err) {
    throw fileError(err, path, 'hash');
  }
}
