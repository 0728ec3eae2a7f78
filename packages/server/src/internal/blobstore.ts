import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, unlink, readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiHash, type Checksums } from '@stowage/core';

/** Content received and hashed but not yet visible under its digest. */
export interface StagedBlob extends Checksums {
  size: number;
  /** Reads the staged content back (e.g. to validate metadata before it is committed). */
  read(): Readable;
  /** Makes the content addressable by its sha256 (idempotent when it already is). */
  commit(): Promise<void>;
  /** Throws the staged content away. */
  discard(): Promise<void>;
}

/** Content-addressed blob storage (SHA-256). The file-system one is the default. */
export interface BlobStore {
  /** Streams `body` to a temporary place while computing sha1/sha256/md5 in one pass. */
  stage(body: Readable, opts?: { signal?: AbortSignal }): Promise<StagedBlob>;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number | undefined>;
  /** A read stream over [start, end] (inclusive), or the whole blob. */
  open(sha256: string, range?: { start: number; end: number }): Readable;
  delete(sha256: string): Promise<void>;
  /** Removes temporary files left by a previous process (an upload cut off by a crash). */
  cleanup(): Promise<number>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;

  constructor(opts: { dir: string }) {
    this.#root = join(opts.dir, 'blobs');
    this.#tmp = join(opts.dir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    await mkdir(this.#tmp, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return join(this.#root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async stage(body: Readable, opts: { signal?: AbortSignal } = {}): Promise<StagedBlob> {
    const tmpPath = join(this.#tmp, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    const hash = new MultiHash();
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }), {
        signal: opts.signal,
      });
    } catch (err) {
      await rm(tmpPath, { force: true });
      throw err;
    }
    const sums = hash.digest();
    let done = false;
    return {
      ...sums,
      size,
      read: () => createReadStream(tmpPath),
      commit: async () => {
        if (done) return;
        const dest = this.pathOf(sums.sha256);
        if (await exists(dest)) {
          await unlink(tmpPath);
        } else {
          await mkdir(join(dest, '..'), { recursive: true });
          await rename(tmpPath, dest);
        }
        done = true;
      },
      discard: async () => {
        if (done) return;
        await rm(tmpPath, { force: true });
        done = true;
      },
    };
  }

  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return undefined;
    }
  }

  open(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), { ...(range ?? {}), highWaterMark: 1024 * 1024 });
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async cleanup(): Promise<number> {
    const names = await readdir(this.#tmp).catch(() => [] as string[]);
    await Promise.all(names.map((n) => rm(join(this.#tmp, n), { force: true })));
    return names.length;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
