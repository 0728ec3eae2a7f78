import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MultiHash, type Checksums } from '@stowage/core';
import { stagedBytes, type BlobStore, type StagedBlob, type UploadSession } from './blobstore.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, Swift's s3api, Ceph RGW…); AWS's own when absent. */
  endpoint?: string;
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket (e.g. `blobs/`). */
  prefix?: string;
  /**
   * Explicit credentials (the server passes AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the
   * environment it was given); without them the AWS SDK's default chain is used.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size for streamed uploads (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Parts in flight per upload (default 2): memory per upload is about partSize × (queueSize + 1). */
  queueSize?: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** The ids #newId() gives. */
const ID = /^\d+-[0-9a-f]{16}$/;
/** CopyObject copies up to 5 GiB in one request; bigger objects are copied in parts. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3;
const COPY_PART = 1024 ** 3;

/** An error from the S3 client that means "no such object". */
function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Content-addressed blobs in an S3-compatible bucket:
 *
 * - `<prefix>sha256/<ab>/<sha256>`: committed blobs, written once (by a server-side copy);
 * - `<prefix>_staging/<id>`: content streamed in (multipart, hashed on the way) and not yet
 *   committed; commit copies it to its digest's key (or drops it when that exists) and deletes it;
 * - `<prefix>_uploads/<id>/<offset>`: the pieces of an upload that arrives in pieces (OCI
 *   chunked uploads), one object per piece named by its start offset (16 digits), plus an empty
 *   `<prefix>_uploads/<id>/open` marker. Any replica sharing the bucket continues the upload
 *   from the size the metadata store recorded.
 *
 * Nothing is held in memory beyond the multipart buffers (partSize × queueSize).
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly #partSize: number;
  readonly #queueSize: number;

  constructor(opts: S3BlobStoreOptions) {
    const cfg: S3ClientConfig = {
      region: opts.region ?? 'us-east-1',
      forcePathStyle: opts.forcePathStyle ?? false,
      // S3-compatible servers (Swift's s3api among them) refuse aws-chunked bodies with
      // trailing checksums (501): checksums only where the API demands them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (opts.endpoint) cfg.endpoint = opts.endpoint;
    if (opts.credentials) cfg.credentials = opts.credentials;
    this.client = new S3Client(cfg);
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? '';
    this.#partSize = Math.max(5 * 1024 * 1024, opts.partSize ?? 8 * 1024 * 1024);
    this.#queueSize = Math.max(1, opts.queueSize ?? 2);
  }

  /** Checks that the bucket is reachable with the credentials at hand. */
  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (err as Error).name;
      const why =
        name === 'CredentialsProviderError'
          ? 'no credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or another AWS SDK credential source)'
          : status === 404
            ? 'it does not exist; create it first'
            : status === 403
              ? 'access denied; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY'
              : (err as Error).message;
      throw new Error(`S3 bucket "${this.bucket}" is not usable: ${why}`, { cause: err });
    }
  }

  close(): void {
    this.client.destroy();
  }

  keyOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`);
    return `${this.prefix}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  #newId(): string {
    return `${Date.now()}-${randomBytes(8).toString('hex')}`;
  }

  #partKey(id: string, offset: number): string {
    return `${this.prefix}_uploads/${id}/${String(offset).padStart(16, '0')}`;
  }

  /** Streams `body` to `key` (multipart when large), returning what went through. */
  async #put(
    key: string,
    body: Readable,
    opts: { signal?: AbortSignal; hash?: MultiHash } = {},
  ): Promise<number> {
    let size = 0;
    const hash = opts.hash;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash?.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: tap },
      partSize: this.#partSize,
      queueSize: this.#queueSize,
    });
    const onAbort = (): void => void upload.abort().catch(() => undefined);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all([
        pipeline(body, tap, opts.signal ? { signal: opts.signal } : {}),
        upload.done(),
      ]);
    } catch (err) {
      await upload.abort().catch(() => undefined);
      // A small body goes up in one PutObject that may have landed before the failure.
      await this.#del(key);
      throw err;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    return size;
  }

  async #del(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #head(key: string): Promise<{ size: number; modified: number } | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: r.ContentLength ?? 0, modified: r.LastModified?.getTime() ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** A lazily opened read stream over `key`; destroying it aborts the request. */
  #read(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    const abort = new AbortController();
    out.on('close', () => abort.abort());
    const get = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
    });
    this.client
      .send(get, { abortSignal: abort.signal })
      .then((r) => pipeline(r.Body as Readable, out))
      .catch((err: unknown) => {
        if (out.destroyed) return;
        if (isNotFound(err)) {
          const e = new Error(`blob ${key} is not in the bucket`) as NodeJS.ErrnoException;
          e.code = 'ENOENT';
          out.destroy(e);
        } else out.destroy(err as Error);
      });
    return out;
  }

  async stage(body: Readable, opts: { signal?: AbortSignal } = {}): Promise<StagedBlob> {
    const key = `${this.prefix}_staging/${this.#newId()}`;
    const hash = new MultiHash();
    const size = await this.#put(key, body, { ...opts, hash });
    return this.#staged(key, hash.digest(), size);
  }

  stageBytes(data: Buffer): StagedBlob {
    // Its digest is known before anything is sent: one PutObject straight to the blob's key (an
    // object appears whole or not at all), skipped when that key already holds these bytes.
    return stagedBytes(data, async (sums, bytes) => {
      const dest = this.keyOf(sums.sha256);
      if (await this.#head(dest)) return;
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: dest,
          Body: bytes,
          ContentLength: bytes.length,
        }),
      );
    });
  }

  #staged(key: string, sums: Checksums, size: number): StagedBlob {
    let done = false;
    return {
      ...sums,
      size,
      read: () => {
        const s = this.#read(key);
        // As the fs store: a reader that stops early must not turn a late error into a crash.
        s.on('error', () => {});
        return s;
      },
      commit: async () => {
        if (done) return;
        const dest = this.keyOf(sums.sha256);
        if (!(await this.#head(dest))) await this.#copy(key, dest, size);
        await this.#del(key);
        done = true;
      },
      discard: async () => {
        if (done) return;
        await this.#del(key);
        done = true;
      },
    };
  }

  /** A server-side copy (in parts above 5 GiB): the content never passes through this process. */
  async #copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= MAX_SINGLE_COPY) {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source }),
      );
      return;
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }),
    );
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += COPY_PART, n++) {
        const end = Math.min(size, start + COPY_PART) - 1;
        const r = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: to,
            UploadId,
            PartNumber: n,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ ETag: r.CopyPartResult?.ETag ?? '', PartNumber: n });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: to,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId }))
        .catch(() => undefined);
      throw err;
    }
  }

  async openUpload(): Promise<UploadSession> {
    const id = this.#newId();
    await this.#put(`${this.prefix}_uploads/${id}/open`, Readable.from([]));
    return this.#session(id, []);
  }

  async resumeUpload(id: string, size: number): Promise<UploadSession | undefined> {
    if (!ID.test(id) || !Number.isSafeInteger(size) || size < 0) return undefined;
    const objects = await this.#listAll(`${this.prefix}_uploads/${id}/`);
    const byOffset = new Map<number, number>();
    let open = false;
    for (const o of objects) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      if (name === 'open') open = true;
      else if (/^\d{16}$/.test(name)) byOffset.set(Number(name), o.size);
    }
    if (!open) return undefined;
    // The pieces from 0 up to `size`, end to end. Pieces past it (a chunk whose replica died
    // before the metadata store learnt of it) are ignored, and overwritten by the next append.
    const parts: { offset: number; size: number }[] = [];
    let at = 0;
    while (at < size) {
      const len = byOffset.get(at);
      if (len === undefined || len === 0) return undefined;
      parts.push({ offset: at, size: len });
      at += len;
    }
    if (at !== size) return undefined;
    return this.#session(id, parts);
  }

  /** finish() streams the pieces into one staged object, hashing them there. */
  #session(id: string, parts: { offset: number; size: number }[]): UploadSession {
    let size = parts.reduce((n, p) => n + p.size, 0);
    let ended = false;
    const open = (): void => {
      if (ended) throw new Error('the upload session has ended');
    };
    return {
      id,
      get size() {
        return size;
      },
      append: async (body, opts = {}) => {
        open();
        // One object per piece: a body cut off half way is removed by #put, which leaves the
        // session as it was.
        const key = this.#partKey(id, size);
        const added = await this.#put(key, body, opts);
        if (added === 0) {
          await this.#del(key);
          return size;
        }
        parts.push({ offset: size, size: added });
        size += added;
        return size;
      },
      finish: async () => {
        open();
        ended = true;
        const keys = parts.map((p) => this.#partKey(id, p.offset));
        // The pieces, end to end, streamed into one staged object and hashed on the way.
        const read = this.#read.bind(this);
        const whole = Readable.from(
          (async function* () {
            for (const k of keys) yield* read(k);
          })(),
        );
        const staged = await this.stage(whole);
        if (staged.size !== size) {
          await staged.discard();
          throw new Error(`upload ${id}: read back ${staged.size} bytes of ${size}`);
        }
        await this.#dropUpload(id);
        return staged;
      },
      discard: async () => {
        ended = true;
        await this.#dropUpload(id);
      },
    };
  }

  async #dropUpload(id: string): Promise<void> {
    for (const o of await this.#listAll(`${this.prefix}_uploads/${id}/`)) await this.#del(o.key);
  }

  async #listAll(prefix: string): Promise<{ key: string; size: number; modified: number }[]> {
    const out: { key: string; size: number; modified: number }[] = [];
    for await (const o of this.#list(prefix)) out.push(o);
    return out;
  }

  async *#list(prefix: string): AsyncIterable<{ key: string; size: number; modified: number }> {
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of r.Contents ?? [])
        if (o.Key)
          yield { key: o.Key, size: o.Size ?? 0, modified: o.LastModified?.getTime() ?? 0 };
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.#head(this.keyOf(sha256))) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    return (await this.#head(this.keyOf(sha256)))?.size;
  }

  open(sha256: string, range?: { start: number; end: number }): Readable {
    return this.#read(this.keyOf(sha256), range);
  }

  async delete(sha256: string): Promise<void> {
    await this.#del(this.keyOf(sha256));
  }

  async *list(): AsyncIterable<{ sha256: string; modified: number }> {
    for await (const o of this.#list(`${this.prefix}sha256/`)) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      if (SHA256.test(name)) yield { sha256: name, modified: o.modified };
    }
  }

  /**
   * A presigned GET for the blob (downloadRedirect), valid `expiresInSec`; with `filename` the
   * response is sent as an attachment with that name.
   */
  async urlFor(
    sha256: string,
    opts: { expiresInSec?: number; filename?: string; contentType?: string } = {},
  ): Promise<string> {
    const cmd = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.keyOf(sha256),
      ...(opts.filename
        ? {
            ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(opts.filename)}`,
          }
        : {}),
      ...(opts.contentType ? { ResponseContentType: opts.contentType } : {}),
    });
    return getSignedUrl(this.client, cmd, { expiresIn: opts.expiresInSec ?? 300 });
  }

  async cleanup(opts: { olderThanMs?: number } = {}): Promise<number> {
    const cutoff = Date.now() - (opts.olderThanMs ?? 0);
    let removed = 0;
    for (const o of await this.#listAll(`${this.prefix}_staging/`)) {
      if (o.modified > cutoff) continue;
      await this.#del(o.key);
      removed++;
    }
    // An upload goes when its newest piece is older than the cut-off.
    const uploads = new Map<string, { keys: string[]; newest: number }>();
    for (const o of await this.#listAll(`${this.prefix}_uploads/`)) {
      const id = o.key.slice(`${this.prefix}_uploads/`.length).split('/')[0] ?? '';
      const u = uploads.get(id) ?? { keys: [], newest: 0 };
      u.keys.push(o.key);
      u.newest = Math.max(u.newest, o.modified);
      uploads.set(id, u);
    }
    for (const u of uploads.values()) {
      if (u.newest > cutoff) continue;
      for (const k of u.keys) await this.#del(k);
      removed++;
    }
    // Multipart uploads a killed process never completed nor aborted.
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (;;) {
      const r = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(idMarker ? { UploadIdMarker: idMarker } : {}),
        }),
      );
      for (const u of r.Uploads ?? []) {
        if (!u.Key || !u.UploadId || (u.Initiated?.getTime() ?? 0) > cutoff) continue;
        await this.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: this.bucket,
              Key: u.Key,
              UploadId: u.UploadId,
            }),
          )
          .catch(() => undefined);
        removed++;
      }
      if (!r.IsTruncated) break;
      keyMarker = r.NextKeyMarker;
      idMarker = r.NextUploadIdMarker;
    }
    return removed;
  }
}
