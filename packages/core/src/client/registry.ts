/**
 * The client's registry part: what the server is and holds beyond artifacts and builds — ping
 * and version, repositories and stages, tokens (issue, list, revoke) and the OIDC exchange, the
 * audit trail, and the OCI registry (`/v2/…` manifests and blobs, Stowage's layer view) that
 * Docker images and Helm OCI charts go through.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCodes, StowageError } from '../errors.ts';
import { fileBody, type Response, type Transport } from './transport.ts';

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

export interface RepositorySummary {
  key: string;
  type: string;
  packageType: string;
  description?: string;
  url: string;
}

/** A manifest or index as the registry served it. */
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

export interface OidcTokenResponse {
  token: string;
  /** Seconds the token is valid, when the server says. */
  expiresIn?: number;
  /** Space-separated scopes. */
  scope: string;
  username: string;
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

export class RegistryClient {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  // -------------------------------------------------------------------------------------------
  // System

  /** Resolves when the server answers its ping; throws ERR_CLIENT_UNREACHABLE etc. otherwise. */
  async ping(): Promise<void> {
    await this.#t.empty({ method: 'GET', path: '/api/system/ping', what: 'ping' });
  }

  async version(): Promise<{ version: string; revision?: string }> {
    const v = await this.#t.json<{ version?: unknown; revision?: unknown }>({
      method: 'GET',
      path: '/api/system/version',
      what: 'the version request',
    });
    if (typeof v?.version !== 'string')
      throw this.#t.badResponse('the version request', 'a version');
    return typeof v.revision === 'string'
      ? { version: v.version, revision: v.revision }
      : { version: v.version };
  }

  // -------------------------------------------------------------------------------------------
  // Repositories, stages, tokens, audit, OIDC (Stowage's own namespace)

  async listRepositories(): Promise<RepositorySummary[]> {
    const res = await this.#t.json<unknown>({
      method: 'GET',
      path: '/api/repositories',
      what: 'the repository list',
    });
    if (!Array.isArray(res)) throw this.#t.badResponse('the repository list', 'a list');
    return res as RepositorySummary[];
  }

  async stages(): Promise<{ name: string; repo: string }[]> {
    const res = await this.#t.json<unknown>({
      method: 'GET',
      path: '/api/stowage/v1/stages',
      what: 'the stage list',
    });
    const list = Array.isArray(res) ? res : (res as { stages?: unknown } | null)?.stages;
    if (!Array.isArray(list)) throw this.#t.badResponse('the stage list', 'a list of stages');
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
    const res = await this.#t.retrying('POST', async () =>
      this.#t.readJson(
        await this.#t.send({
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
    if (typeof token !== 'string') throw this.#t.badResponse('a token request', 'a token');
    return res as IssuedToken;
  }

  /** Tokens (never their secrets): an admin sees every user's (or `user`'s), others their own. */
  async listTokens(opts: { user?: string } = {}): Promise<TokenInfo[]> {
    const q = opts.user ? `?user=${encodeURIComponent(opts.user)}` : '';
    const res = await this.#t.json<{ tokens?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/tokens${q}`,
      what: 'the token list',
    });
    if (!Array.isArray(res?.tokens))
      throw this.#t.badResponse('the token list', 'a list of tokens');
    return res.tokens as TokenInfo[];
  }

  /** Revokes a token by id; it stops working at once. */
  async revokeToken(id: string): Promise<void> {
    await this.#t.empty({
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
    const res = await this.#t.json<{ entries?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/audit${q ? `?${q}` : ''}`,
      what: 'the audit trail',
    });
    if (!Array.isArray(res?.entries))
      throw this.#t.badResponse('the audit trail', 'a list of entries');
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
    const res = (await this.#t.readJson(
      await this.#t.send({
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
      throw this.#t.badResponse('the OIDC token exchange', 'an access_token');
    const out: OidcTokenResponse = {
      token,
      scope: typeof res?.scope === 'string' ? res.scope : '',
      username: typeof res?.username === 'string' ? res.username : '',
    };
    if (typeof res?.expires_in === 'number') out.expiresIn = res.expires_in;
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // OCI registry (`/v2/{repo}/{image}/…`, Stowage's server only)

  /**
   * A manifest or index by tag or digest, as the registry serves it (bytes unchanged, so their
   * sha256 is the digest). `name` is `{repo}/{image}`.
   */
  async registryManifest(name: string, reference: string): Promise<RegistryManifest> {
    const what = `manifest ${name}:${reference}`;
    return this.#t.retrying('GET', async () => {
      const res = await this.#t.send({
        method: 'GET',
        path: `/v2/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}`,
        headers: { accept: MANIFEST_ACCEPT },
        what,
      });
      const body = await this.#readSmall(res, what);
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const header = res.headers['docker-content-digest'];
      if (typeof header === 'string' && header !== digest) {
        throw this.#t.badResponse(what, `a body matching its Docker-Content-Digest ${header}`);
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
    return this.#t.retrying('GET', async () => {
      const res = await this.#t.send({
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
    const head = await this.#t.empty({
      method: 'HEAD',
      path: `${base}/${encodeURIComponent(blob.digest)}`,
      accept: [404],
      what,
    });
    if (head.statusCode === 200) return false;
    // Content-addressed: sending the same bytes again is harmless, so it retries like a PUT.
    await this.#t.retrying('PUT', async () => {
      const res = await this.#t.send({
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
    const res = await this.#t.empty({
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
    await this.#t.retrying('GET', async () => {
      const res = await this.#t.send({
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
        throw this.#t.networkError(err, what);
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
    const res = await this.#t.json<unknown>({
      method: 'GET',
      path: `/api/stowage/v1/docker/${encodeImageName(name)}/manifests/${encodeURIComponent(reference)}/layers`,
      what,
    });
    if (typeof res !== 'object' || res === null || !('digest' in res))
      throw this.#t.badResponse(what, 'a layer view');
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
          throw this.#t.badResponse(what, `a document under ${MAX_REGISTRY_DOCUMENT} bytes`);
        }
        chunks.push(b);
      }
    } catch (err) {
      if (err instanceof StowageError) throw err;
      throw this.#t.networkError(err, what);
    }
    return Buffer.concat(chunks);
  }
}
