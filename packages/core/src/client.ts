/**
 * RepositoryClient: talks to Stowage (or Artifactory) over its public REST dialect with undici.
 * Streams every artifact (never a whole file in memory), retries idempotent calls on network
 * errors and 5xx with exponential backoff and jitter, and turns every failure into a StowageError.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { validateBuildInfo, type BuildInfo } from './buildinfo.ts';
import { MultiHash, hashFile, type Checksums, type ChecksumsWithSize } from './checksums.ts';
import { ErrorCodes, StowageError } from './errors.ts';
import type { RecordedDownload } from './deps/index.ts';
import type {
  DependencyDiffReport,
  DependencyVariationReport,
  FunnelReport,
  ImageDiffReport,
  ImageReport,
  SizeReport,
  StorageReport,
} from './analytics.ts';
import type { BuildDiff } from './builds.ts';
import { fileError } from './internal/files.ts';
import {
  backoffDelay,
  encodePath,
  encodeProperties,
  httpError,
  isTransient,
  networkError,
  readText,
  retryAfterMs,
  sleep,
} from './internal/http.ts';

export interface RepositoryClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8081` (a path prefix such as `/artifactory` is kept). */
  url: string;
  /** Access token: sent as `Bearer`, or as the basic-auth password when `user` is given. */
  token?: string;
  user?: string;
  /** Extra attempts for idempotent calls (GET/HEAD/PUT/DELETE) after a network error or 5xx. Default 3. */
  retries?: number;
  /** Connect, headers and body-idle timeout in milliseconds. Default 60 000. */
  timeoutMs?: number;
  userAgent?: string;
  /** Stamps requests with `X-Stowage-Build-Name` / `X-Stowage-Build-Number`. */
  build?: { name: string; number: string };
  /** First backoff delay in milliseconds (doubled per attempt, with jitter, capped at 10 s). Default 500. */
  retryDelayMs?: number;
  /** Called before each retry, e.g. to log "retrying in 1.2 s". */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: StowageError;
}

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

/** A token as issued: the secret is shown this once. */
export interface IssuedToken {
  token: string;
  id: string;
  user: string;
  scopes: string[];
  description?: string;
  buildName?: string;
  buildNumber?: string;
  /** ISO 8601. */
  expires?: string;
}

/** A token as listed: never its secret. */
export interface TokenInfo {
  id: string;
  user: string;
  description?: string;
  scopes: string[];
  buildName?: string;
  buildNumber?: string;
  created: string;
  expires?: string;
  lastUsed?: string;
}

/** Filters of the audit trail; `since`/`until` are ISO dates or epoch ms, `action` may end with `.`. */
export interface AuditQuery {
  user?: string;
  action?: string;
  repo?: string;
  buildName?: string;
  buildNumber?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** One change: who (user, token), when, from where, and what. */
export interface AuditRecord {
  time: string;
  user: string;
  tokenId?: string;
  ip?: string;
  action: string;
  repo?: string;
  path?: string;
  buildName?: string;
  buildNumber?: string;
  details?: Record<string, unknown>;
}

export interface PromotionRequest {
  status?: string;
  comment?: string;
  /** Who asked for the promotion (the CI user). */
  ciUser?: string;
  /** Who approved it (Stowage's addition): a Jenkins `input` submitter, a GitHub reviewer. */
  approver?: string;
  /** Promote even when the build has nothing to move (Stowage's addition; refused otherwise). */
  allowEmpty?: boolean;
  timestamp?: string;
  dryRun?: boolean;
  sourceRepo?: string;
  targetRepo?: string;
  copy?: boolean;
  artifacts?: boolean;
  dependencies?: boolean;
  scopes?: string[];
  properties?: Record<string, string[]>;
  failFast?: boolean;
}

export interface PromotionResult {
  messages: { level: string; message: string }[];
}

export interface DeleteBuildsOptions {
  name: string;
  numbers?: string[];
  deleteAll?: boolean;
  deleteArtifacts?: boolean;
}

export interface RetentionOptions {
  count?: number;
  minimumBuildDate?: number;
  deleteBuildArtifacts?: boolean;
  buildNumbersNotToBeDiscarded?: string[];
}

export interface RepositorySummary {
  key: string;
  type: string;
  packageType: string;
  description?: string;
  url: string;
}

interface CallOptions {
  method: Dispatcher.HttpMethod;
  /** Path and query after the base URL, starting with `/`. */
  path: string;
  headers?: Record<string, string>;
  /** A fresh body for each attempt (streams cannot be replayed). */
  body?: () => string | Readable | undefined;
  /** Statuses returned to the caller instead of thrown (2xx always are). */
  accept?: number[];
  /** What the request does, for error messages: "upload libs/a.tgz". */
  what: string;
}

type Response = Dispatcher.ResponseData;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_DELAY_MS = 10_000;

/** Two builds for the analytics diffs: `number` (newer) against `other` (older). */
export interface RegistryManifest {
  /** `sha256:` of the bytes. */
  digest: string;
  /** The Content-Type the registry answered with. */
  mediaType: string;
  body: Buffer;
}

/** `GET /api/stowage/v1/docker/{repo}/{image}/manifests/{reference}/layers`. */
export interface ImageLayersView {
  repo: string;
  image: string;
  reference: string;
  digest: string;
  mediaType: string;
  storedIn: string;
  tags: string[];
  config?: { mediaType: string; digest: string; size: number };
  layers?: { digest: string; size: number; mediaType: string }[];
  layerCount?: number;
  /** Config plus layers (an image), or manifests plus their images (an index). */
  totalSize: number;
  manifests?: {
    digest: string;
    mediaType: string;
    platform?: Record<string, unknown>;
    manifestSize: number;
    layers?: { digest: string; size: number; mediaType: string }[];
    layerCount?: number;
    totalSize?: number;
    missing?: boolean;
  }[];
}

/** Manifests and indexes the registry clients here accept. */
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** The distribution spec lets registries refuse manifests above 4 MiB. */
const MAX_REGISTRY_DOCUMENT = 4 * 1024 * 1024;

const encodeImageName = (name: string): string => name.split('/').map(encodeURIComponent).join('/');

export interface BuildPair {
  name: string;
  number: string;
  other: string;
  /** The older build's name, when it differs. */
  otherName?: string;
}

/** What an OIDC token exchange answered. */
export interface OidcTokenResponse {
  token: string;
  /** Seconds the token is valid, when the server says. */
  expiresIn?: number;
  /** Space-separated scopes. */
  scope: string;
  username: string;
}

/** Stowage's own path of a build: /api/stowage/v1/builds/{name}/{number}. */
const buildPath = (name: string, number: string): string =>
  `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;

export class RepositoryClient {
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #retries: number;
  readonly #timeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #onRetry: ((info: RetryInfo) => void) | undefined;
  readonly #agent: Agent;

  constructor(opts: RepositoryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch (err) {
      throw new StowageError(ErrorCodes.CLIENT_URL, `${JSON.stringify(opts.url)} is not a URL`, {
        hint: 'pass the server URL, e.g. http://127.0.0.1:8081',
        cause: err,
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new StowageError(
        ErrorCodes.CLIENT_URL,
        `Stowage URL ${opts.url} must start with http:// or https://`,
        {
          hint: 'pass the server URL, e.g. http://127.0.0.1:8081',
        },
      );
    }
    if (parsed.username || parsed.password) {
      throw new StowageError(
        ErrorCodes.CLIENT_URL,
        'the Stowage URL must not contain credentials',
        { hint: 'pass the user and token as options instead of inside the URL' },
      );
    }
    this.url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#retryDelayMs = opts.retryDelayMs ?? 500;
    this.#onRetry = opts.onRetry;
    this.#agent = new Agent({
      connectTimeout: this.#timeoutMs,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent ?? 'stowage-core/0.1.0',
    };
    if (opts.user !== undefined) {
      const basic = Buffer.from(`${opts.user}:${opts.token ?? ''}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    } else if (opts.token !== undefined && opts.token !== '') {
      headers.authorization = `Bearer ${opts.token}`;
    }
    if (opts.build) {
      headers['x-stowage-build-name'] = encodeHeader(opts.build.name);
      headers['x-stowage-build-number'] = encodeHeader(opts.build.number);
    }
    this.#headers = headers;
  }

  /** Closes pooled connections. The client cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  /** Runs `attempt` with the retry policy: idempotent methods retry transient failures. */
  async #retrying<T>(method: string, attempt: () => Promise<T>): Promise<T> {
    const retries = IDEMPOTENT.has(method) ? this.#retries : 0;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof StowageError) || n >= retries || !isTransient(err)) throw err;
        const advised = (err as StowageError & { retryAfterMs?: number }).retryAfterMs;
        const delayMs =
          advised !== undefined
            ? Math.min(advised, MAX_DELAY_MS)
            : backoffDelay(n, this.#retryDelayMs, MAX_DELAY_MS);
        this.#onRetry?.({ attempt: n + 1, delayMs, error: err });
        await sleep(delayMs);
      }
    }
  }

  /** One request; non-accepted statuses are read and thrown as StowageError. */
  async #send(call: CallOptions): Promise<Response> {
    let res: Response;
    try {
      res = await request(`${this.url}${call.path}`, {
        method: call.method,
        headers: { ...this.#headers, ...call.headers },
        body: call.body?.() ?? null,
        dispatcher: this.#agent,
      });
    } catch (err) {
      if (err instanceof StowageError) throw err;
      const local = findLocalFileError(err);
      if (local) throw local;
      throw networkError(err, this.url, call.what, this.#timeoutMs);
    }
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (ok || call.accept?.includes(res.statusCode)) return res;
    let text = '';
    try {
      text = await readText(res.body);
    } catch {
      // The body is only used for the message; the status already says what failed.
    }
    const error = httpError(res.statusCode, text, this.url, call.what);
    const advised = retryAfterMs(res.headers['retry-after']);
    if (advised !== undefined) Object.assign(error, { retryAfterMs: advised });
    throw error;
  }

  /** `#send` under the retry policy, with the body consumed as JSON. */
  async #json<T>(call: CallOptions): Promise<T> {
    return this.#retrying(call.method, async () => {
      const res = await this.#send(call);
      return (await this.#readJson(res, call.what)) as T;
    });
  }

  /** `#send` under the retry policy, with the body discarded. */
  async #empty(call: CallOptions): Promise<Response> {
    return this.#retrying(call.method, async () => {
      const res = await this.#send(call);
      await res.body.dump().catch(() => {});
      return res;
    });
  }

  async #readJson(res: Response, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw networkError(err, this.url, what, this.#timeoutMs);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StowageError(
        ErrorCodes.CLIENT_BAD_RESPONSE,
        `Stowage at ${this.url} answered ${what} with something that is not JSON — is the URL that of a Stowage or Artifactory server (and not a web page or proxy)?`,
        { hint: 'check the server URL', cause: err },
      );
    }
  }

  #badResponse(what: string, expected: string): StowageError {
    return new StowageError(
      ErrorCodes.CLIENT_BAD_RESPONSE,
      `Stowage at ${this.url} answered ${what} without ${expected} — is the URL that of a Stowage or Artifactory server?`,
      { hint: 'check the server URL and version' },
    );
  }

  // -------------------------------------------------------------------------------------------
  // System

  /** Resolves when the server answers its ping; throws ERR_CLIENT_UNREACHABLE etc. otherwise. */
  async ping(): Promise<void> {
    await this.#empty({ method: 'GET', path: '/api/system/ping', what: 'ping' });
  }

  async version(): Promise<{ version: string; revision?: string }> {
    const v = await this.#json<{ version?: unknown; revision?: unknown }>({
      method: 'GET',
      path: '/api/system/version',
      what: 'the version request',
    });
    if (typeof v?.version !== 'string') throw this.#badResponse('the version request', 'a version');
    return typeof v.revision === 'string'
      ? { version: v.version, revision: v.revision }
      : { version: v.version };
  }

  // -------------------------------------------------------------------------------------------
  // Artifacts

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
            : `${this.url}/${encodeURIComponent(opts.repo)}/${encodePath(opts.path)}`,
        deployedByChecksum,
      };
    };

    if (opts.checksumDeploy !== false) {
      const deployed = await this.#retrying('PUT', async () => {
        const res = await this.#send({
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
            throw httpError(404, text, this.url, `checksum deploy of ${target}`);
          }
          return undefined;
        }
        return { body: await this.#readJsonLenient(res) };
      });
      if (deployed) {
        opts.onProgress?.(sums.size, sums.size);
        return result(true, deployed.body);
      }
    }

    const body = await this.#retrying('PUT', async () => {
      const res = await this.#send({
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
      return this.#readJsonLenient(res);
    });
    return result(false, body);
  }

  /** JSON when the body is JSON, undefined otherwise (deploy answers vary between servers). */
  async #readJsonLenient(res: Response): Promise<unknown> {
    const text = await res.body.text().catch(() => '');
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  /**
   * Sends a file from disk (re-opened for each attempt) to a path of the server and reads the JSON
   * it answers: the one transport the format publishers (Go modules, Helm charts) share with
   * every other call — the client's credentials and build headers, timeouts, bounded retries for
   * idempotent methods (PUT; never POST), statuses mapped to StowageError, and a JSON parse that
   * says what went wrong instead of throwing a SyntaxError.
   */
  async sendFile(o: {
    method: 'PUT' | 'POST';
    path: string;
    file: string;
    headers?: Record<string, string>;
    what: string;
  }): Promise<{ status: number; body: unknown }> {
    return this.#retrying(o.method, async () => {
      const res = await this.#send({
        method: o.method,
        path: o.path,
        ...(o.headers ? { headers: o.headers } : {}),
        body: () => createReadStream(o.file),
        what: o.what,
      });
      return { status: res.statusCode, body: await this.#readJson(res, o.what) };
    });
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
    const sums = await this.#retrying('GET', async () => {
      const res = await this.#send({
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
        throw networkError(err, this.url, what, this.#timeoutMs);
      }
      const got: ChecksumsWithSize = { ...hash.digest(), size: hash.size };
      const problem = checkDownload(got, res.headers, total);
      if (problem) {
        await unlink(part).catch(() => {});
        throw new StowageError(
          ErrorCodes.CLIENT_CHECKSUM,
          `downloaded ${target} from ${this.url} but ${problem} — the transfer was corrupted or the stored file is damaged; nothing was written to ${opts.dest}. Retry, and if it persists, re-upload the artifact`,
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
    return this.#json<StorageInfo>({
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
    const res = await this.#json<{ files?: unknown }>({
      method: 'GET',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `listing of ${repo}/${path}`,
    });
    if (!Array.isArray(res?.files))
      throw this.#badResponse(`the listing of ${repo}/${path}`, 'a files list');
    return { files: res.files as FileListEntry[] };
  }

  /** Properties of an item; `{}` when it exists but has none. */
  async getProperties(repo: string, path: string): Promise<Record<string, string[]>> {
    const what = `properties of ${repo}/${path}`;
    const res = await this.#retrying('GET', async () => {
      const r = await this.#send({
        method: 'GET',
        path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?properties`,
        accept: [404],
        what,
      });
      if (r.statusCode === 404) {
        await r.body.dump().catch(() => {});
        return undefined;
      }
      return (await this.#readJson(r, what)) as { properties?: Record<string, string[]> };
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
    await this.#empty({
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
    await this.#empty({
      method: 'DELETE',
      path: `/api/storage/${encodeURIComponent(repo)}/${encodePath(path)}?${query}`,
      what: `deleting properties of ${repo}/${path}`,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Builds

  /**
   * Validates and publishes a build-info (PUT /api/build). With `ifMatch` (a revision from
   * getBuildRevision) or `ifNoneMatch` the write is conditional: Stowage answers 412 (a
   * StowageError with status 412) when the build changed in between, or already exists.
   */
  async publishBuild(
    info: BuildInfo,
    opts: { ifMatch?: string; ifNoneMatch?: boolean } = {},
  ): Promise<void> {
    const doc = validateBuildInfo(info);
    const json = JSON.stringify(doc);
    await this.#empty({
      method: 'PUT',
      path: '/api/build',
      headers: {
        'content-type': 'application/json',
        ...(opts.ifMatch ? { 'if-match': opts.ifMatch } : {}),
        ...(opts.ifNoneMatch ? { 'if-none-match': '*' } : {}),
      },
      body: () => json,
      what: `publishing build ${doc.name} #${doc.number}`,
    });
  }

  async getBuild(name: string, number: string): Promise<BuildInfo> {
    return (await this.getBuildRevision(name, number)).info;
  }

  /**
   * The build and its revision: the ETag Stowage answers (undefined from a server without one,
   * such as Artifactory), for a conditional publishBuild.
   */
  async getBuildRevision(
    name: string,
    number: string,
  ): Promise<{ info: BuildInfo; revision?: string }> {
    const what = `build ${name} #${number}`;
    const call: CallOptions = {
      method: 'GET',
      path: `/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      what,
    };
    return this.#retrying('GET', async () => {
      const res = await this.#send(call);
      const etag = res.headers.etag;
      const body = await this.#readJson(res, what);
      const doc: unknown =
        body && typeof body === 'object' && 'buildInfo' in body ? body.buildInfo : body;
      if (typeof doc !== 'object' || doc === null) throw this.#badResponse(what, 'a build-info');
      return typeof etag === 'string'
        ? { info: doc as BuildInfo, revision: etag }
        : { info: doc as BuildInfo };
    });
  }

  /**
   * Stores one part of a build in progress on the server (Stowage's own API), under `part`
   * (replacing a part of that id): what one agent or job recorded, merged when the build is
   * published from anywhere.
   */
  async putBuildPart(
    name: string,
    number: string,
    part: string,
    doc: Partial<BuildInfo>,
  ): Promise<void> {
    const json = JSON.stringify(doc);
    await this.#empty({
      method: 'PUT',
      path: `${buildPath(name, number)}/parts/${encodeURIComponent(part)}`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `storing part ${part} of build ${name} #${number}`,
    });
  }

  /** The parts of a build in progress kept on the server, oldest first. */
  async listBuildParts(
    name: string,
    number: string,
  ): Promise<{ part: string; updated: string; doc: Partial<BuildInfo> }[]> {
    const what = `the parts of build ${name} #${number}`;
    const res = await this.#json<{ parts?: unknown }>({
      method: 'GET',
      path: `${buildPath(name, number)}/parts`,
      what,
    });
    if (!Array.isArray(res?.parts)) throw this.#badResponse(what, 'a list of parts');
    return res.parts as { part: string; updated: string; doc: Partial<BuildInfo> }[];
  }

  /**
   * Publishes a build in progress (Stowage's own API): the server merges, in one transaction,
   * the build it already has, the parts kept for it and `info` (this publisher's own part), and
   * deletes the parts. Never retried (not idempotent). 404 from a server without the API.
   */
  async publishBuildParts(
    name: string,
    number: string,
    info?: Partial<BuildInfo>,
  ): Promise<{ buildInfo: BuildInfo; parts: number }> {
    const what = `publishing build ${name} #${number}`;
    const json = JSON.stringify(info ?? {});
    const res = await this.#json<{ buildInfo?: unknown; parts?: unknown }>({
      method: 'POST',
      path: `${buildPath(name, number)}/publish`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what,
    });
    if (typeof res?.buildInfo !== 'object' || res.buildInfo === null)
      throw this.#badResponse(what, 'the published build-info');
    return { buildInfo: res.buildInfo as BuildInfo, parts: Number(res.parts ?? 0) };
  }

  async listBuilds(): Promise<{ name: string; lastStarted: string }[]> {
    const res = await this.#json<{ builds?: { uri?: string; lastStarted?: string }[] }>({
      method: 'GET',
      path: '/api/build',
      what: 'the build list',
    });
    return (res?.builds ?? []).map((b) => ({
      name: decodeUri(b.uri ?? ''),
      lastStarted: b.lastStarted ?? '',
    }));
  }

  async listBuildNumbers(name: string): Promise<{ number: string; started: string }[]> {
    type Entry = { uri?: string; started?: string };
    const res = await this.#json<{ buildsNumbers?: Entry[]; buildNumbers?: Entry[] }>({
      method: 'GET',
      path: `/api/build/${encodeURIComponent(name)}`,
      what: `the runs of build ${name}`,
    });
    return (res?.buildsNumbers ?? res?.buildNumbers ?? []).map((b) => ({
      number: decodeUri(b.uri ?? ''),
      started: b.started ?? '',
    }));
  }

  /** POST /api/build/promote/{name}/{number}; never retried (not idempotent). */
  async promote(name: string, number: string, body: PromotionRequest): Promise<PromotionResult> {
    const json = JSON.stringify(body);
    const res = await this.#json<{ messages?: unknown }>({
      method: 'POST',
      path: `/api/build/promote/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `promotion of build ${name} #${number}`,
    });
    return {
      messages: Array.isArray(res?.messages) ? (res.messages as PromotionResult['messages']) : [],
    };
  }

  async deleteBuilds(opts: DeleteBuildsOptions): Promise<void> {
    const json = JSON.stringify({
      buildName: opts.name,
      buildNumbers: opts.numbers ?? [],
      deleteArtifacts: opts.deleteArtifacts ?? false,
      deleteAll: opts.deleteAll ?? false,
    });
    await this.#empty({
      method: 'POST',
      path: '/api/build/delete',
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `deleting runs of build ${opts.name}`,
    });
  }

  /** Applies retention; returns the build numbers the server discarded (when it says). */
  async retention(name: string, opts: RetentionOptions): Promise<string[]> {
    const json = JSON.stringify(opts);
    // Artifactory answers 204 with no body; Stowage lists what it discarded.
    const res = (await this.#retrying('POST', async () =>
      this.#readJsonLenient(
        await this.#send({
          method: 'POST',
          path: `/api/build/retention/${encodeURIComponent(name)}?async=false`,
          headers: { 'content-type': 'application/json' },
          body: () => json,
          what: `retention of build ${name}`,
        }),
      ),
    )) as { discarded?: unknown } | null;
    return Array.isArray(res?.discarded) ? res.discarded.map(String) : [];
  }

  // -------------------------------------------------------------------------------------------
  // Repositories and Stowage's own namespace

  async listRepositories(): Promise<RepositorySummary[]> {
    const res = await this.#json<unknown>({
      method: 'GET',
      path: '/api/repositories',
      what: 'the repository list',
    });
    if (!Array.isArray(res)) throw this.#badResponse('the repository list', 'a list');
    return res as RepositorySummary[];
  }

  async stages(): Promise<{ name: string; repo: string }[]> {
    const res = await this.#json<unknown>({
      method: 'GET',
      path: '/api/stowage/v1/stages',
      what: 'the stage list',
    });
    const list = Array.isArray(res) ? res : (res as { stages?: unknown } | null)?.stages;
    if (!Array.isArray(list)) throw this.#badResponse('the stage list', 'a list of stages');
    return list as { name: string; repo: string }[];
  }

  /**
   * Issues a token (Stowage's own API). With `scopes` it can do no more than they say (and
   * never more than its user); with `build`, every download made with it is recorded for that
   * build — for package managers that cannot send build headers. A non-admin issues only for
   * itself.
   */
  async createToken(opts: {
    user?: string;
    build?: { name: string; number: string };
    scopes?: string[];
    description?: string;
    expiresInSec?: number;
  }): Promise<IssuedToken> {
    const body = JSON.stringify({
      ...(opts.user ? { user: opts.user } : {}),
      ...(opts.build ? { buildName: opts.build.name, buildNumber: opts.build.number } : {}),
      ...(opts.scopes?.length ? { scopes: opts.scopes } : {}),
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.expiresInSec ? { expiresInSec: opts.expiresInSec } : {}),
    });
    const res = await this.#retrying('POST', async () =>
      this.#readJson(
        await this.#send({
          method: 'POST',
          path: '/api/stowage/v1/tokens',
          headers: { 'content-type': 'application/json' },
          body: () => body,
          what: 'a token request',
        }),
        'a token request',
      ),
    );
    const token = (res as { token?: unknown } | null)?.token;
    if (typeof token !== 'string') throw this.#badResponse('a token request', 'a token');
    return res as IssuedToken;
  }

  /** Tokens (never their secrets): an admin sees every user's (or `user`'s), others their own. */
  async listTokens(opts: { user?: string } = {}): Promise<TokenInfo[]> {
    const q = opts.user ? `?user=${encodeURIComponent(opts.user)}` : '';
    const res = await this.#json<{ tokens?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/tokens${q}`,
      what: 'the token list',
    });
    if (!Array.isArray(res?.tokens)) throw this.#badResponse('the token list', 'a list of tokens');
    return res.tokens as TokenInfo[];
  }

  /** Revokes a token by id; it stops working at once. */
  async revokeToken(id: string): Promise<void> {
    await this.#empty({
      method: 'DELETE',
      path: `/api/stowage/v1/tokens/${encodeURIComponent(id)}`,
      what: `revoking token ${id}`,
    });
  }

  /** The audit trail, newest first (Stowage's own API; admin, or a build's entries for its readers). */
  async audit(filter: AuditQuery = {}): Promise<AuditRecord[]> {
    const q = Object.entries(filter)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');
    const res = await this.#json<{ entries?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/audit${q ? `?${q}` : ''}`,
      what: 'the audit trail',
    });
    if (!Array.isArray(res?.entries))
      throw this.#badResponse('the audit trail', 'a list of entries');
    return res.entries as AuditRecord[];
  }

  /**
   * Exchanges a CI job's OIDC ID token for a short-lived scoped token (JFrog's
   * `POST /access/api/v1/oidc/token`; no credentials needed). `provider` is the provider name
   * configured on the server; the GitHub fields are informational, as setup-jfrog-cli sends them.
   */
  async exchangeOidcToken(opts: {
    provider: string;
    idToken: string;
    projectKey?: string;
    ghJobId?: string;
    ghRunId?: string;
    ghRepo?: string;
  }): Promise<OidcTokenResponse> {
    const body = JSON.stringify({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      subject_token: opts.idToken,
      provider_name: opts.provider,
      ...(opts.projectKey ? { project_key: opts.projectKey } : {}),
      ...(opts.ghJobId ? { gh_job_id: opts.ghJobId } : {}),
      ...(opts.ghRunId ? { gh_run_id: opts.ghRunId } : {}),
      ...(opts.ghRepo ? { gh_repo: opts.ghRepo } : {}),
    });
    // Not retried: the server accepts each ID token once.
    const res = (await this.#readJson(
      await this.#send({
        method: 'POST',
        path: '/access/api/v1/oidc/token',
        headers: { 'content-type': 'application/json' },
        body: () => body,
        what: 'the OIDC token exchange',
      }),
      'the OIDC token exchange',
    )) as Record<string, unknown> | null;
    const token = res?.access_token;
    if (typeof token !== 'string' || token === '')
      throw this.#badResponse('the OIDC token exchange', 'an access_token');
    const out: OidcTokenResponse = {
      token,
      scope: typeof res?.scope === 'string' ? res.scope : '',
      username: typeof res?.username === 'string' ? res.username : '',
    };
    if (typeof res?.expires_in === 'number') out.expiresIn = res.expires_in;
    return out;
  }

  /** Files the server served to a build, recorded from the build headers on downloads (Stowage's own API). */
  async buildDownloads(name: string, number: string): Promise<RecordedDownload[]> {
    const res = await this.#json<{ downloads?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}/downloads`,
      what: `the downloads recorded for ${name}#${number}`,
    });
    if (!Array.isArray(res?.downloads))
      throw this.#badResponse('the download records', 'a list of downloads');
    return res.downloads as RecordedDownload[];
  }

  // -------------------------------------------------------------------------------------------
  // Analytics (Stowage's own API; see the server README). Two-build calls compare `number`
  // (newer) with `other` (older, of `otherName` or the same name).

  async #analytics<T>(
    endpoint: string,
    params: Record<string, string | number | undefined>,
    what: string,
  ): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    const res = await this.#json<unknown>({
      method: 'GET',
      path: `/api/stowage/v1/analytics/${endpoint}${qs ? `?${qs}` : ''}`,
      what,
    });
    if (typeof res !== 'object' || res === null) throw this.#badResponse(what, 'a report');
    return res as T;
  }

  /** Promotion funnel per build name; `from`/`to` are epoch ms or ISO dates (builds started in [from, to)). */
  async funnel(
    opts: { name?: string; from?: string | number; to?: string | number } = {},
  ): Promise<FunnelReport> {
    return this.#analytics('funnel', opts, 'the promotion funnel');
  }

  /** How dependencies varied across the last `last` builds of a name. */
  async dependencyVariation(opts: {
    name: string;
    last?: number;
    limit?: number;
  }): Promise<DependencyVariationReport> {
    return this.#analytics('deps', opts, `the dependency variation of ${opts.name}`);
  }

  async dependencyDiff(opts: BuildPair): Promise<DependencyDiffReport> {
    return this.#analytics('deps/diff', { ...opts }, `the dependency diff of ${opts.name}`);
  }

  /** Artifacts and dependencies added, removed and changed between two builds. */
  async buildDiff(opts: BuildPair): Promise<BuildDiff> {
    return this.#analytics('diff', { ...opts }, `the diff of ${opts.name}`);
  }

  async sizeReport(opts: { name: string; last?: number; top?: number }): Promise<SizeReport> {
    return this.#analytics('size', opts, `the sizes of ${opts.name}`);
  }

  async storageReport(): Promise<StorageReport> {
    return this.#analytics('storage', {}, 'the storage report');
  }

  async imageReport(opts: { name: string; last?: number; image?: string }): Promise<ImageReport> {
    return this.#analytics('images', opts, `the images of ${opts.name}`);
  }

  async imageDiff(opts: BuildPair): Promise<ImageDiffReport> {
    return this.#analytics('images/diff', { ...opts }, `the image diff of ${opts.name}`);
  }

  // -------------------------------------------------------------------------------------------
  // OCI registry (`/v2/{repo}/{image}/…`, Stowage's server only)

  /**
   * A manifest or index by tag or digest, as the registry serves it (bytes unchanged, so their
   * sha256 is the digest). `name` is `{repo}/{image}`.
   */
  async registryManifest(name: string, reference: string): Promise<RegistryManifest> {
    const what = `manifest ${name}:${reference}`;
    return this.#retrying('GET', async () => {
      const res = await this.#send({
        method: 'GET',
        path: `/v2/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}`,
        headers: { accept: MANIFEST_ACCEPT },
        what,
      });
      const body = await this.#readSmall(res, what);
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const header = res.headers['docker-content-digest'];
      if (typeof header === 'string' && header !== digest) {
        throw this.#badResponse(what, `a body matching its Docker-Content-Digest ${header}`);
      }
      const type = res.headers['content-type'];
      return {
        digest,
        mediaType: (typeof type === 'string' ? type : '').split(';')[0]?.trim() ?? '',
        body,
      };
    });
  }

  /** A small blob (an image config) by digest; refused above 4 MiB. */
  async registryBlob(name: string, digest: string): Promise<Buffer> {
    const what = `blob ${name}@${digest}`;
    return this.#retrying('GET', async () => {
      const res = await this.#send({
        method: 'GET',
        path: `/v2/${encodeImageName(name)}/blobs/${encodeURIComponent(digest)}`,
        what,
      });
      return this.#readSmall(res, what);
    });
  }

  /**
   * Pushes a blob unless the image already has it: HEAD, then one monolithic
   * `POST /v2/{name}/blobs/uploads/?digest=` streaming the file (or the small buffer). The
   * registry verifies the digest. Returns true when the blob was sent.
   */
  async registryPushBlob(
    name: string,
    blob: { digest: string; size: number } & ({ file: string } | { data: Buffer }),
  ): Promise<boolean> {
    const base = `/v2/${encodeImageName(name)}/blobs`;
    const what = `blob ${name}@${blob.digest}`;
    const head = await this.#empty({
      method: 'HEAD',
      path: `${base}/${encodeURIComponent(blob.digest)}`,
      accept: [404],
      what,
    });
    if (head.statusCode === 200) return false;
    // Content-addressed: sending the same bytes again is harmless, so it retries like a PUT.
    await this.#retrying('PUT', async () => {
      const res = await this.#send({
        method: 'POST',
        path: `${base}/uploads/?digest=${encodeURIComponent(blob.digest)}`,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(blob.size),
        },
        body: () => ('file' in blob ? fileBody(blob.file, blob.size) : Readable.from([blob.data])),
        what: `upload of ${what}`,
      });
      await res.body.dump().catch(() => {});
    });
    return true;
  }

  /** `PUT /v2/{name}/manifests/{reference}`; returns the digest the registry answered. */
  async registryPutManifest(
    name: string,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): Promise<string> {
    const res = await this.#empty({
      method: 'PUT',
      path: `/v2/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}`,
      headers: { 'content-type': mediaType, 'content-length': String(body.length) },
      body: () => Readable.from([body]),
      what: `manifest ${name}:${reference}`,
    });
    const digest = res.headers['docker-content-digest'];
    return typeof digest === 'string'
      ? digest
      : `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  /** Streams a blob to `dest` (via `dest.part`), checking its sha256 against the digest. */
  async registryDownloadBlob(name: string, digest: string, dest: string): Promise<void> {
    const what = `blob ${name}@${digest}`;
    const part = `${dest}.part`;
    await mkdir(dirname(dest), { recursive: true });
    await this.#retrying('GET', async () => {
      const res = await this.#send({
        method: 'GET',
        path: `/v2/${encodeImageName(name)}/blobs/${encodeURIComponent(digest)}`,
        what,
      });
      const hash = createHash('sha256');
      try {
        await pipeline(
          res.body,
          async function* (source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              hash.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(part),
        );
      } catch (err) {
        await unlink(part).catch(() => {});
        throw networkError(err, this.url, what, this.#timeoutMs);
      }
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest) {
        await unlink(part).catch(() => {});
        throw new StowageError(
          ErrorCodes.CLIENT_CHECKSUM,
          `${what} arrived with sha256 ${got}; nothing was written`,
          { hint: 'retry; if it persists the stored blob is damaged' },
        );
      }
    });
    await rename(part, dest);
  }

  /** Stowage's layer view of a manifest: layers, sizes, tags (`/api/stowage/v1/docker/…/layers`). */
  async imageLayers(name: string, reference: string): Promise<ImageLayersView> {
    const what = `the layers of ${name}:${reference}`;
    const res = await this.#json<unknown>({
      method: 'GET',
      path: `/api/stowage/v1/docker/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}/layers`,
      what,
    });
    if (typeof res !== 'object' || res === null || !('digest' in res))
      throw this.#badResponse(what, 'a layer view');
    return res as ImageLayersView;
  }

  async #readSmall(res: Response, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > MAX_REGISTRY_DOCUMENT) {
          res.body.destroy();
          throw this.#badResponse(what, `a document under ${MAX_REGISTRY_DOCUMENT} bytes`);
        }
        chunks.push(b);
      }
    } catch (err) {
      if (err instanceof StowageError) throw err;
      throw networkError(err, this.url, what, this.#timeoutMs);
    }
    return Buffer.concat(chunks);
  }
}

/** A readable over the file that reports progress; errors carry a ready StowageError. */
function fileBody(
  file: string,
  total: number,
  onProgress?: (sent: number, total: number) => void,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let sent = 0;
    try {
      for await (const chunk of createReadStream(file)) {
        const buf = chunk as Buffer;
        sent += buf.length;
        onProgress?.(sent, total);
        yield buf;
      }
    } catch (err) {
      throw Object.assign(new Error(`cannot read ${file}`), {
        localFileError: fileError(err, file, 'upload'),
      });
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** The StowageError a failing upload body left on the error undici rejected with, if any. */
function findLocalFileError(err: unknown): StowageError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const local = (e as { localFileError?: unknown }).localFileError;
    if (local instanceof StowageError) return local;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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

function decodeUri(uri: string): string {
  const s = uri.replace(/^\/+/, '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Header values must be Latin-1; non-ASCII build names are percent-encoded. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
