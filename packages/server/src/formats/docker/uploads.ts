/**
 * Blob upload sessions (`POST /v2/{name}/blobs/uploads/` → `PATCH`… → `PUT ?digest=`). A
 * session's bytes live in the blob store's temporary area (so a restart's cleanup removes them)
 * and are never visible until the final PUT verified their digest. Sessions left idle are
 * swept, their data removed.
 */
import { randomUUID } from 'node:crypto';
import type { BlobStore, UploadSession } from '../../internal/blobstore.ts';
import { KeyedMutex } from '../../internal/mutex.ts';

export interface Upload {
  uuid: string;
  /** The local repository and image the session uploads to. */
  repo: string;
  image: string;
  session: UploadSession;
  started: number;
  touched: number;
}

/** Default idle time after which a session is abandoned. */
export const UPLOAD_IDLE_MS = 30 * 60 * 1000;

export class UploadRegistry {
  readonly #blobs: BlobStore;
  readonly #uploads = new Map<string, Upload>();
  /** One request at a time per session (chunks must land in order). */
  readonly lock = new KeyedMutex();
  readonly #timer: NodeJS.Timeout;
  idleMs: number;

  constructor(blobs: BlobStore, idleMs = UPLOAD_IDLE_MS) {
    this.#blobs = blobs;
    this.idleMs = idleMs;
    this.#timer = setInterval(() => void this.sweep(), 60_000);
    this.#timer.unref();
  }

  async start(repo: string, image: string): Promise<Upload> {
    const now = Date.now();
    const u: Upload = {
      uuid: randomUUID(),
      repo,
      image,
      session: await this.#blobs.openUpload(),
      started: now,
      touched: now,
    };
    this.#uploads.set(u.uuid, u);
    return u;
  }

  get(uuid: string): Upload | undefined {
    const u = this.#uploads.get(uuid);
    if (u) u.touched = Date.now();
    return u;
  }

  /** Forgets a session (its data was committed or is discarded by the caller). */
  end(uuid: string): void {
    this.#uploads.delete(uuid);
  }

  async cancel(uuid: string): Promise<boolean> {
    const u = this.#uploads.get(uuid);
    if (!u) return false;
    this.#uploads.delete(uuid);
    await u.session.discard();
    return true;
  }

  /** Discards sessions idle for longer than `idleMs`; returns how many. */
  async sweep(idleMs = this.idleMs): Promise<number> {
    const cutoff = Date.now() - idleMs;
    let n = 0;
    for (const u of [...this.#uploads.values()]) {
      if (u.touched > cutoff) continue;
      await this.lock.run(u.uuid, async () => {
        if (await this.cancel(u.uuid)) n++;
      });
    }
    return n;
  }

  get size(): number {
    return this.#uploads.size;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const uuid of [...this.#uploads.keys()]) await this.cancel(uuid);
  }
}
