import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { Busboy, type BusboyConfig, type BusboyHeaders } from '@fastify/busboy';
import { HttpError } from '../errors.ts';
import type { Services } from './services.ts';
import type { StagedBlob } from './blobstore.ts';

export interface MultipartUpload {
  /** Text fields (the first value of each name). */
  fields: Map<string, string>;
  /** The file part that was taken, staged in the blob store (not yet visible). */
  file?: { field: string; filename: string; staged: StagedBlob };
}

/**
 * Reads a multipart/form-data upload: the first file part `take` accepts streams straight into
 * the blob store (other file parts are drained), text fields are collected. A body that breaks
 * off, or a malformed one, rejects with a clear error and leaves nothing staged. Used by every
 * format whose clients upload multipart (twine, ChartMuseum clients, nuget).
 */
export async function receiveMultipart(
  svc: Services,
  req: FastifyRequest,
  opts: {
    take: (field: string) => boolean;
    /** The body to parse, when it must pass through a fix first (default: the request). */
    body?: Readable;
    limits?: BusboyConfig['limits'];
    /** Keep the client's file name as sent (so a name with folders can be refused, not trimmed). */
    preservePath?: boolean;
  },
): Promise<MultipartUpload> {
  const fields = new Map<string, string>();
  let file: MultipartUpload['file'];
  const abort = new AbortController();
  try {
    await new Promise<void>((resolve, reject) => {
      let pending: Promise<void> = Promise.resolve();
      let bb;
      try {
        bb = Busboy({
          headers: req.headers as BusboyHeaders,
          ...(opts.preservePath ? { preservePath: true } : {}),
          limits: opts.limits ?? { files: 2, fields: 50 },
        });
      } catch (err) {
        reject(
          new HttpError(
            'ERR_BODY_INVALID',
            `the multipart body cannot be read (${(err as Error).message})`,
          ),
        );
        return;
      }
      bb.on('field', (name, value) => {
        if (!fields.has(name)) fields.set(name, value);
      });
      let taken = false;
      bb.on('file', (field, stream, filename) => {
        if (taken || !opts.take(field)) return void stream.resume();
        taken = true;
        pending = svc.blobs.stage(stream, { signal: abort.signal }).then((staged) => {
          file = { field, filename, staged };
        });
        pending.catch(() => stream.resume());
      });
      bb.on('finish', () => pending.then(resolve, reject));
      bb.on('error', (err: Error) =>
        reject(
          new HttpError('ERR_BODY_INVALID', `the multipart body is malformed (${err.message})`),
        ),
      );
      req.raw.once('close', () => {
        if (!req.raw.complete) {
          abort.abort();
          reject(
            new HttpError('ERR_UPLOAD_INCOMPLETE', 'the upload ended before its body was complete'),
          );
        }
      });
      (opts.body ?? req.raw).pipe(bb);
    });
  } catch (err) {
    await file?.staged.discard();
    throw err;
  }
  return file ? { fields, file } : { fields };
}
