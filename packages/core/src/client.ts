/**
 * RepositoryClient: talks to Stowage (or Artifactory) over its public REST dialect. One object
 * for the front ends, composed of a transport and four parts, each in `client/`:
 *
 * - `transport.ts` — undici, base URL, auth and build headers, timeouts, retries with backoff
 *   for idempotent calls, guarded JSON parsing, failures mapped to StowageError;
 * - `artifacts.ts` — upload, download, storage info, listings, properties;
 * - `builds.ts` — build-info publish and read, builds in progress (parts), promotion, deletion,
 *   retention, recorded downloads;
 * - `analytics.ts` — the analytics reports;
 * - `registry.ts` — ping and version, repositories and stages, tokens, OIDC, audit, OCI registry.
 *
 * Every method here hands its call to the part that owns it; the documentation of each is there.
 * Artifacts are streamed (never a whole file in memory) and every failure is a StowageError.
 */
import type { BuildInfo } from './buildinfo.ts';
import type { ChecksumsWithSize } from './checksums.ts';
import type { RecordedDownload } from './deps/index.ts';
import type {
  BuildDiff,
  DependencyDiffReport,
  DependencyVariationReport,
  FunnelReport,
  ImageDiffReport,
  ImageReport,
  SizeReport,
  StorageReport,
} from './analytics.ts';
import { AnalyticsClient, type BuildPair } from './client/analytics.ts';
import {
  ArtifactsClient,
  type DownloadOptions,
  type FileListEntry,
  type StorageInfo,
  type UploadOptions,
  type UploadResult,
} from './client/artifacts.ts';
import {
  BuildsClient,
  type DeleteBuildsOptions,
  type PromotionRequest,
  type PromotionResult,
  type RetentionOptions,
} from './client/builds.ts';
import {
  RegistryClient,
  type AuditQuery,
  type AuditRecord,
  type ImageLayersView,
  type IssuedToken,
  type OidcTokenResponse,
  type RegistryManifest,
  type RepositorySummary,
  type TokenInfo,
} from './client/registry.ts';
import { Transport, type RepositoryClientOptions } from './client/transport.ts';

export type { RepositoryClientOptions, RetryInfo } from './client/transport.ts';
export type {
  DownloadOptions,
  FileListEntry,
  StorageInfo,
  UploadOptions,
  UploadResult,
} from './client/artifacts.ts';
export type {
  DeleteBuildsOptions,
  PromotionRequest,
  PromotionResult,
  RetentionOptions,
} from './client/builds.ts';
export type { BuildPair } from './client/analytics.ts';
export type {
  AuditQuery,
  AuditRecord,
  ImageLayersView,
  IssuedToken,
  OidcTokenResponse,
  RegistryManifest,
  RepositorySummary,
  TokenInfo,
} from './client/registry.ts';

export class RepositoryClient {
  /** The server's base URL, without a trailing slash. */
  readonly url: string;
  readonly #transport: Transport;
  readonly #artifacts: ArtifactsClient;
  readonly #builds: BuildsClient;
  readonly #analytics: AnalyticsClient;
  readonly #registry: RegistryClient;

  /** Throws ERR_CLIENT_URL for a URL that is not http(s) or that carries credentials. */
  constructor(opts: RepositoryClientOptions) {
    this.#transport = new Transport(opts);
    this.url = this.#transport.url;
    this.#artifacts = new ArtifactsClient(this.#transport);
    this.#builds = new BuildsClient(this.#transport);
    this.#analytics = new AnalyticsClient(this.#transport);
    this.#registry = new RegistryClient(this.#transport);
  }

  /** Closes pooled connections. The client cannot be used afterwards. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** A file sent to any path of the server, under the transport's policy (Go and Helm publishers). */
  sendFile(o: Parameters<Transport['sendFile']>[0]): Promise<{ status: number; body: unknown }> {
    return this.#transport.sendFile(o);
  }

  // -------------------------------------------------------------------------------------------
  // Artifacts (client/artifacts.ts)

  upload(opts: UploadOptions): Promise<UploadResult> {
    return this.#artifacts.upload(opts);
  }

  download(opts: DownloadOptions): Promise<ChecksumsWithSize> {
    return this.#artifacts.download(opts);
  }

  storage(repo: string, path: string): Promise<StorageInfo> {
    return this.#artifacts.storage(repo, path);
  }

  list(
    repo: string,
    path: string,
    opts: { deep?: boolean } = {},
  ): Promise<{ files: FileListEntry[] }> {
    return this.#artifacts.list(repo, path, opts);
  }

  getProperties(repo: string, path: string): Promise<Record<string, string[]>> {
    return this.#artifacts.getProperties(repo, path);
  }

  setProperties(
    repo: string,
    path: string,
    props: Record<string, string | string[]>,
    opts: { recursive?: boolean } = {},
  ): Promise<void> {
    return this.#artifacts.setProperties(repo, path, props, opts);
  }

  deleteProperties(
    repo: string,
    path: string,
    keys: string[],
    opts: { recursive?: boolean } = {},
  ): Promise<void> {
    return this.#artifacts.deleteProperties(repo, path, keys, opts);
  }

  // -------------------------------------------------------------------------------------------
  // Builds (client/builds.ts)

  publishBuild(
    info: BuildInfo,
    opts: { ifMatch?: string; ifNoneMatch?: boolean } = {},
  ): Promise<void> {
    return this.#builds.publishBuild(info, opts);
  }

  getBuild(name: string, number: string): Promise<BuildInfo> {
    return this.#builds.getBuild(name, number);
  }

  getBuildRevision(name: string, number: string): Promise<{ info: BuildInfo; revision?: string }> {
    return this.#builds.getBuildRevision(name, number);
  }

  putBuildPart(name: string, number: string, part: string, doc: Partial<BuildInfo>): Promise<void> {
    return this.#builds.putBuildPart(name, number, part, doc);
  }

  listBuildParts(
    name: string,
    number: string,
  ): Promise<{ part: string; updated: string; doc: Partial<BuildInfo> }[]> {
    return this.#builds.listBuildParts(name, number);
  }

  publishBuildParts(
    name: string,
    number: string,
    info?: Partial<BuildInfo>,
  ): Promise<{ buildInfo: BuildInfo; parts: number }> {
    return this.#builds.publishBuildParts(name, number, info);
  }

  listBuilds(): Promise<{ name: string; lastStarted: string }[]> {
    return this.#builds.listBuilds();
  }

  listBuildNumbers(name: string): Promise<{ number: string; started: string }[]> {
    return this.#builds.listBuildNumbers(name);
  }

  promote(name: string, number: string, body: PromotionRequest): Promise<PromotionResult> {
    return this.#builds.promote(name, number, body);
  }

  deleteBuilds(opts: DeleteBuildsOptions): Promise<void> {
    return this.#builds.deleteBuilds(opts);
  }

  retention(name: string, opts: RetentionOptions): Promise<string[]> {
    return this.#builds.retention(name, opts);
  }

  buildDownloads(name: string, number: string): Promise<RecordedDownload[]> {
    return this.#builds.buildDownloads(name, number);
  }

  // -------------------------------------------------------------------------------------------
  // Analytics (client/analytics.ts)

  funnel(
    opts: { name?: string; from?: string | number; to?: string | number } = {},
  ): Promise<FunnelReport> {
    return this.#analytics.funnel(opts);
  }

  dependencyVariation(opts: {
    name: string;
    last?: number;
    limit?: number;
  }): Promise<DependencyVariationReport> {
    return this.#analytics.dependencyVariation(opts);
  }

  dependencyDiff(opts: BuildPair): Promise<DependencyDiffReport> {
    return this.#analytics.dependencyDiff(opts);
  }

  buildDiff(opts: BuildPair): Promise<BuildDiff> {
    return this.#analytics.buildDiff(opts);
  }

  sizeReport(opts: { name: string; last?: number; top?: number }): Promise<SizeReport> {
    return this.#analytics.sizeReport(opts);
  }

  storageReport(): Promise<StorageReport> {
    return this.#analytics.storageReport();
  }

  imageReport(opts: { name: string; last?: number; image?: string }): Promise<ImageReport> {
    return this.#analytics.imageReport(opts);
  }

  imageDiff(opts: BuildPair): Promise<ImageDiffReport> {
    return this.#analytics.imageDiff(opts);
  }

  // -------------------------------------------------------------------------------------------
  // Server, tokens, audit and OCI registry (client/registry.ts)

  ping(): Promise<void> {
    return this.#registry.ping();
  }

  version(): Promise<{ version: string; revision?: string }> {
    return this.#registry.version();
  }

  listRepositories(): Promise<RepositorySummary[]> {
    return this.#registry.listRepositories();
  }

  stages(): Promise<{ name: string; repo: string }[]> {
    return this.#registry.stages();
  }

  createToken(opts: Parameters<RegistryClient['createToken']>[0]): Promise<IssuedToken> {
    return this.#registry.createToken(opts);
  }

  listTokens(opts: { user?: string } = {}): Promise<TokenInfo[]> {
    return this.#registry.listTokens(opts);
  }

  revokeToken(id: string): Promise<void> {
    return this.#registry.revokeToken(id);
  }

  audit(filter: AuditQuery = {}): Promise<AuditRecord[]> {
    return this.#registry.audit(filter);
  }

  exchangeOidcToken(
    opts: Parameters<RegistryClient['exchangeOidcToken']>[0],
  ): Promise<OidcTokenResponse> {
    return this.#registry.exchangeOidcToken(opts);
  }

  registryManifest(name: string, reference: string): Promise<RegistryManifest> {
    return this.#registry.registryManifest(name, reference);
  }

  registryBlob(name: string, digest: string): Promise<Buffer> {
    return this.#registry.registryBlob(name, digest);
  }

  registryPushBlob(
    name: string,
    blob: Parameters<RegistryClient['registryPushBlob']>[1],
  ): Promise<boolean> {
    return this.#registry.registryPushBlob(name, blob);
  }

  registryPutManifest(
    name: string,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): Promise<string> {
    return this.#registry.registryPutManifest(name, reference, mediaType, body);
  }

  registryDownloadBlob(name: string, digest: string, dest: string): Promise<void> {
    return this.#registry.registryDownloadBlob(name, digest, dest);
  }

  imageLayers(name: string, reference: string): Promise<ImageLayersView> {
    return this.#registry.imageLayers(name, reference);
  }
}
