/**
 * Blob upload sessions (`POST /v2/{name}/blobs/uploads/` → `PATCH`… → `PUT ?digest=`). A
 * session's state (repository, image, bytes received) lives in the metadata store and its
 * bytes in the blob store's staging area, so any replica sharing both can continue it: a
 * PATCH may land on one and the PUT on another. Nothing is visible until the final PUT
 * verified the digest. Sessions left idle are swept, their data removed.
 */
import { randomUUID } from 'node:crypto';
import type { BlobStore, UploadSession } from '../../internal/blobstore.ts';
import type { MetaStore, UploadRecord } from '../../internal/metastore.ts';

export interface Upload {
  uuid: string;
  /** The local repository and image the session uploads to. */
  repo: string;
  image: string;
  /** Its data; every append is recorded in the metadata store. */
  session: UploadSession;
  started: number;
  touched: number;
}

/** Default idle time after which a session is abandoned. */
export const UPLOAD_IDLE_MS = 30 * 60 * 1000;

export class UploadRegistry {
  readonly #blobs: BlobStore;
  readonly #meta: MetaStore;
  /**
   * Sessions this process opened or continued, keeping their running hash (another replica
   * resumes from the bytes instead). Used only while their size matches the shared record.
   */
  readonly #local = new Map<string, UploadSession>();
  /** One request at a time per session, on every replica (chunks must land in order). */
  readonly lock: { run<T>(uuid: string, fn: () => Promise<T>): Promise<T> };
  readonly #timer: NodeJS.Timeout;
  idleMs: number;

  constructor(blobs: BlobStore, meta: MetaStore, idleMs = UPLOAD_IDLE_MS) {
    this.#blobs = blobs;
    this.#meta = meta;
    this.idleMs = idleMs;
    this.lock = { run: (uuid, fn) => meta.withLock(`oci-upload\0${uuid}`, fn) };
    this.#timer = setInterval(() => void this.sweep().catch(() => undefined), 60_000);
    this.#timer.unref();
  }

  async start(repo: string, image: string): Promise<Upload> {
    const now = Date.now();
    const session = await this.#blobs.openUpload();
    const rec: UploadRecord = {
      uuid: randomUUID(),
      repo,
      image,
      staging: session.id,
      size: 0,
      started: now,
      touched: now,
    };
    await this.#meta.putUpload(rec);
    this.#local.set(rec.uuid, session);
    return this.#wrap(rec, session);
  }

  /**
   * The session `uuid` as the shared store has it; undefined when unknown or its data is gone.
   * Append to it only under `lock`.
   */
  async get(uuid: string): Promise<Upload | undefined> {
    const rec = await this.#meta.getUpload(uuid);
    if (!rec) {
      this.#local.delete(uuid);
      return undefined;
    }
    let session = this.#local.get(uuid);
    if (!session || session.size !== rec.size) {
      session = await this.#blobs.resumeUpload(rec.staging, rec.size);
      if (!session) {
        // Its data was removed (a cleanup after a long outage): the client starts over.
        await this.#meta.deleteUpload(uuid);
        this.#local.delete(uuid);
        return undefined;
      }
      this.#local.set(uuid, session);
    }
    // Only appends write the record (under the session's lock): a read here must never put
    // back a size another replica has moved on from.
    return this.#wrap(rec, session);
  }

  /** Records every append (size, last touched) in the shared store, whether it worked or not. */
  #wrap(rec: UploadRecord, inner: UploadSession): Upload {
    const meta = this.#meta;
    const session: UploadSession = {
      id: inner.id,
      get size() {
        return inner.size;
      },
      append: async (body, opts) => {
        try {
          return await inner.append(body, opts);
        } finally {
          await meta.putUpload({ ...rec, size: inner.size, touched: Date.now() });
        }
      },
      finish: () => inner.finish(),
      discard: () => inner.discard(),
    };
    return {
      uuid: rec.uuid,
      repo: rec.repo,
      image: rec.image,
      session,
      started: rec.started,
      touched: rec.touched,
    };
  }

  /** Forgets a session (its data was committed or is discarded by the caller). */
  async end(uuid: string): Promise<void> {
    this.#local.delete(uuid);
    await this.#meta.deleteUpload(uuid);
  }

  async cancel(uuid: string): Promise<boolean> {
    const u = await this.#meta.getUpload(uuid);
    if (!u) return false;
    await this.end(uuid);
    const session = await this.#blobs.resumeUpload(u.staging, 0);
    await session?.discard();
    return true;
  }

  /** Discards sessions (of any replica) idle for longer than `idleMs`; returns how many. */
  async sweep(idleMs = this.idleMs): Promise<number> {
    let n = 0;
    for (const u of await this.#meta.listUploads(Date.now() - idleMs + 1)) {
      await this.lock.run(u.uuid, async () => {
        // Touched by a request on some replica meanwhile: not idle after all.
        const now = await this.#meta.getUpload(u.uuid);
        if (!now || now.touched !== u.touched) return;
        if (await this.cancel(u.uuid)) n++;
      });
    }
    // Sessions another replica finished or swept: forget this process's copy of them.
    for (const uuid of [...this.#local.keys()])
      if (!(await this.#meta.getUpload(uuid))) this.#local.delete(uuid);
    return n;
  }

  /** Stops sweeping. Sessions stay in the shared store: another replica may continue them. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#local.clear();
  }
}
