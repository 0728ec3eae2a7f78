/**
 * The client's artifacts part: deploy (checksum deploy first, then a streamed body with its
 * checksums), verified streaming download, storage info and listings, and item properties —
 * Artifactory's `/{repo}/{path}` and `/api/storage/…` calls.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MultiHash, hashFile, type Checksums, type ChecksumsWithSize } from '../checksums.ts';
import { ErrorCodes, StowageError } from '../errors.ts';
import { fileError } from '../internal/files.ts';
import { encodePath, encodeProperties, httpError, readText } from '../internal/http.ts';
import { fileBody, type Transport } from './transport.ts';

export interface UploadOptions {
  repo: string;
  path: string;
  /** Local file to upload; streamed, and re-opened on each attempt. */
  file: string;
  /** Stored as matrix parameters (`;k=v1,v2`), e.g. `build.name`, `build.number`. */
  properties?: Record<string, string | string[]>;
  /** Try a checksum deploy (no body) first. Default true. */
  checksumDeploy?: boolean;
  onProgress?(sent: number, total: number): void;
}

export interface UploadResult extends Checksums {
  repo: string;
  path: string;
  size: number;
  downloadUri: string;
  /** True when the server already had the content and no body was sent. */
  deployedByChecksum: boolean;
}

export interface DownloadOptions {
  repo: string;
  path: string;
  /** Destination file; written as `dest.part` and renamed when complete and verified. */
  dest: string;
  /** `total` is -1 when the server sends no Content-Length. */
  onProgress?(received: number, total: number): void;
}

export interface StorageInfo {
  repo: string;
  path: string;
  uri: string;
  created?: string;
  createdBy?: string;
  lastModified?: string;
  modifiedBy?: string;
  lastUpdated?: string;
  downloadUri?: string;
  mimeType?: string;
  /** Artifactory sends the size as a string. */
  size?: string | number;
  checksums?: Partial<Checksums>;
  originalChecksums?: Partial<Checksums>;
  /** Present for folders. */
  children?: { uri: string; folder: boolean }[];
}

export interface FileListEntry {
  uri: string;
  size: number;
  lastModified: string;
  folder: boolean;
  sha1?: string;
  sha2?: string;
}

export class ArtifactsClient {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  /**
   * Deploys a file: hashes it (streaming), tries a checksum deploy, and on 404 streams the body
   * with its checksums so the server can verify what it received.
   */
  async upload(opts: UploadOptions): Promise<UploadResult> {
    const sums = await hashFile(opts.file);
    const target = `${opts.repo}/${opts.path.replace(/^\/+/, '')}`;
    const matrix =
      opts.properties && Object.keys(opts.properties).length > 0
        ? `;${encodeProperties(opts.properties)}`
        : '';
    const path = `/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}${matrix}`;
    const checksumHeaders = {
      'x-checksum-sha1': sums.sha1,
      'x-checksum-sha256': sums.sha256,
      'x-checksum-md5': sums.md5,
    };
    const result = (deployedByChecksum: boolean, body: unknown): UploadResult => {
      const uri = (body as { downloadUri?: unknown } | null)?.downloadUri;
      return {
        repo: opts.repo,
        path: opts.path.replace(/^\/+/, ''),
        size: sums.size,
        sha1: sums.sha1,
        sha256: sums.sha256,
        md5: sums.md5,
        downloadUri:
          typeof uri === 'string'
            ? uri
            : `${this.#t.url}/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}`,
        deployedByChecksum,
      };
    };

    if (opts.checksumDeploy !== false) {
      const deployed = await this.#t.retrying('PUT', async () => {
        const res = await this.#t.send({
          method: 'PUT',
          path,
          headers: { ...checksumHeaders, 'x-checksum-deploy': 'true', 'content-length': '0' },
          accept: [404],
          what: `checksum deploy of ${target}`,
        });
        if (res.statusCode === 404) {
          // Only "no stored content has that checksum" means "send the body"; a missing
          // repository (or anything else) fails now rather than after streaming the file.
          const text = await readText(res.body).catch(() => '');
          if (/"code"\s*:\s*"ERR_(?!CHECKSUM_DEPLOY_MISSING")[A-Z_]+"/.test(text)) {
            throw httpError(404, text, this.#t.url, `checksum deploy of ${target}`);
          }
          return undefined;
        }
        return { body: await this.#t.readJsonLenient(res) };
      });
      if (deployed) {
        opts.onProgress?.(sums.size, sums.size);
        return result(true, deployed.body);
      }
    }

    const body = await this.#t.retrying('PUT', async () => {
      const res = await this.#t.send({
        method: 'PUT',
        path,
        headers: {
          ...checksumHeaders,
          'content-length': String(sums.size),
          'content-type': 'application/octet-stream',
        },
        body: () => fileBody(opts.file, sums.size, opts.onProgress),
        what: `upload of ${target}`,
      });
      return this.#t.readJsonLenient(res);
    });
    return result(false, body);
  }

  /**
   * Streams an artifact to `dest` (via `dest.part`), hashing on the way, and checks the result
   * against the checksum headers the server sent. On mismatch nothing is left at `dest` or
   * `dest.part` and ERR_CLIENT_CHECKSUM is thrown.
   */
  async download(opts: DownloadOptions): Promise<ChecksumsWithSize> {
    const target = `${opts.repo}/${opts.path.replace(/^\/+/, '')}`;
    const part = `${opts.dest}.part`;
    try {
      await mkdir(dirname(opts.dest), { recursive: true });
    } catch (err) {
      throw fileError(err, dirname(opts.dest), 'create the directory');
    }
    const what = `download of ${target}`;
    const sums = await this.#t.retrying('GET', async () => {
      const res = await this.#t.send({
        method: 'GET',
        path: `/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}`,
        what,
      });
      const total = Number(res.headers['content-length'] ?? -1);
      const hash = new MultiHash();
      const onProgress = opts.onProgress;
      let writeFailed: unknown;
      const out = createWriteStream(part);
      out.on('error', (err) => {
        writeFailed = err;
      });
      try {
        await pipeline(
          res.body,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              onProgress?.(hash.size, Number.isFinite(total) ? total : -1);
              yield chunk;
            }
          },
          out,
        );
      } catch (err) {
        await unlink(part).catch(() => {});
        if (writeFailed !== undefined) throw fileError(writeFailed, part, 'write');
        throw this.#t.networkError(err, what);
      }
      const got: ChecksumsWithSize = { ...hash.digest(), size: hash.size };
      const problem = checkDownload(got, res.headers, total);
      if (problem) {
        await unlink(part).catch(() => {});
        throw new StowageError(
          ErrorCodes.CLIENT_CHECKSUM,
          `downloaded ${target} from ${this.#t.url} but ${problem} — the transfer was corrupted or the stored file is damaged; nothing was written to ${opts.dest}. Retry, and if it persists, re-upload the artifact`,
          { hint: 'retry the download; if it fails again, re-upload the artifact' },
        );
      }
      return got;
    });
    try {
      await rename(part, opts.dest);
    } catch (err) {
      await unlink(part).catch(() => {});
      throw fileError(err, opts.dest, 'write');
    }
    return sums;
  }

  /** File or folder information (GET /api/storage/{repo}/{path}). */
  async storage(repo: string, path: string): Promise<StorageInfo> {
    return this.#t.json<StorageInfo>({
      method: 'GET',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}`,
      what: `storage info of ${repo}/${path}`,
    });
  }

  /** Files under a folder; `deep` lists the whole subtree (files only). */
  async list(
    repo: string,
    path: string,
    opts: { deep?: boolean } = {},
  ): Promise<{ files: FileListEntry[] }> {
    const query = opts.deep ? 'list&deep=1&listFolders=0' : 'list&deep=0&listFolders=1';
    const res = await this.#t.json<{ files?: unknown }>({
      method: 'GET',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `listing of ${repo}/${path}`,
    });
    if (!Array.isArray(res?.files))
      throw this.#t.badResponse(`the listing of ${repo}/${path}`, 'a files list');
    return { files: res.files as FileListEntry[] };
  }

  /** Properties of an item; `{}` when it exists but has none. */
  async getProperties(repo: string, path: string): Promise<Record<string, string[]>> {
    const what = `properties of ${repo}/${path}`;
    const res = await this.#t.retrying('GET', async () => {
      const r = await this.#t.send({
        method: 'GET',
        path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?properties`,
        accept: [404],
        what,
      });
      if (r.statusCode === 404) {
        await r.body.dump().catch(() => {});
        return undefined;
      }
      return (await this.#t.readJson(r, what)) as { properties?: Record<string, string[]> };
    });
    if (res === undefined) {
      // Artifactory answers 404 both for "no such item" and "no properties": tell them apart.
      await this.storage(repo, path);
      return {};
    }
    return res.properties ?? {};
  }

  async setProperties(
    repo: string,
    path: string,
    props: Record<string, string | string[]>,
    opts: { recursive?: boolean } = {},
  ): Promise<void> {
    const query = `properties=${encodeProperties(props, '|')}&recursive=${opts.recursive ? 1 : 0}`;
    await this.#t.empty({
      method: 'PUT',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `setting properties on ${repo}/${path}`,
    });
  }

  async deleteProperties(
    repo: string,
    path: string,
    keys: string[],
    opts: { recursive?: boolean } = {},
  ): Promise<void> {
    const query = `properties=${keys.map(encodeURIComponent).join(',')}&recursive=${opts.recursive ? 1 : 0}`;
    await this.#t.empty({
      method: 'DELETE',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `deleting properties of ${repo}/${path}`,
    });
  }
}

function checkDownload(
  got: ChecksumsWithSize,
  headers: Record<string, string | string[] | undefined>,
  total: number,
): string | undefined {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return (Array.isArray(v) ? v[0] : v)?.trim().toLowerCase();
  };
  for (const [algo, name] of [
    ['sha256', 'x-checksum-sha256'],
    ['sha1', 'x-checksum-sha1'],
    ['md5', 'x-checksum-md5'],
  ] as const) {
    const expected = header(name);
    if (expected && expected !== got[algo]) {
      return `its ${algo} is ${got[algo]} while the server announced ${expected}`;
    }
  }
  if (Number.isFinite(total) && total >= 0 && total !== got.size) {
    return `it has ${got.size} bytes while the server announced ${total}`;
  }
  return undefined;
}
