/**
 * @stowage/core — the library every Stowage front end shares: the repository client, the
 * build-info model and its collectors, and the local build-info store.
 */
export { StowageError, isStowageError, ErrorCodes } from './errors.ts';
export type { StowageErrorOptions, ErrorCode } from './errors.ts';

export { MultiHash, hashStream, hashFile } from './checksums.ts';
export type { Checksums, ChecksumsWithSize } from './checksums.ts';

export {
  BUILD_INFO_VERSION,
  STARTED_PATTERN,
  formatStarted,
  parseStarted,
  newBuildInfo,
  mergeBuildInfo,
  validateBuildInfo,
} from './buildinfo.ts';
export type {
  BuildInfo,
  Module,
  Artifact,
  Dependency,
  Vcs,
  BuildStatus,
  Agent,
  NewBuildInfoOptions,
} from './buildinfo.ts';

export {
  collectEnv,
  collectEnvDetailed,
  collectGit,
  detectCi,
  looksLikeSecret,
  stripCredentials,
  DEFAULT_ENV_EXCLUDE,
  SECRET_VALUE_PATTERNS,
} from './collectors.ts';
export type { CollectEnvOptions, CollectedEnv, CollectGitOptions, CiInfo } from './collectors.ts';

export { BuildStore } from './store.ts';
export type { BuildStoreOptions } from './store.ts';

export { RepositoryClient } from './client.ts';
export type {
  RepositoryClientOptions,
  RetryInfo,
  UploadOptions,
  UploadResult,
  DownloadOptions,
  StorageInfo,
  FileListEntry,
  PromotionRequest,
  PromotionResult,
  DeleteBuildsOptions,
  RetentionOptions,
  RepositorySummary,
  RegistryManifest,
  ImageLayersView,
  IssuedToken,
  TokenInfo,
  AuditQuery,
  AuditRecord,
} from './client.ts';

export { SETUP_WRITERS, setupTool, setupTools } from './setup/index.ts';
export type { SetupOptions, SetupResult, SetupWriter } from './setup/index.ts';
export { tokenForBuild } from './setup/token.ts';

export { DEPS_COLLECTORS, collectDependencies, mergeWithDownloads } from './deps/index.ts';
export { DOWNLOAD_IDS, type DownloadId } from './deps/downloads.ts';
export type { DepsOptions, DepsCollector, RecordedDownload } from './deps/index.ts';
export { publishGoModule, type GoPublishOptions, type GoPublishResult } from './publish/go.ts';
export {
  pushHelmChart,
  pushHelmChartOci,
  pullHelmChartOci,
  packageChart,
  HELM_OCI_MEDIA,
  type ChartMetadata,
  type HelmOciPushOptions,
  type HelmOciPushResult,
  type HelmPushOptions,
  type HelmPushResult,
} from './publish/helm.ts';

export {
  parseImageRef,
  moduleIdOf,
  skopeoLocation,
  registryLocation,
  skopeoCopy,
  readRemoteImage,
  dockerModule,
  blobArtifactName,
  type ImageRef,
  type ImageBlob,
  type ImagePlatform,
  type RemoteImage,
  type SkopeoCopyOptions,
  type SkopeoCopyResult,
} from './publish/docker.ts';
export { registryHost, mergeAuths } from './setup/docker.ts';

export { publishMerged, mergePublished, diffBuilds, splitDependencyId } from './builds.ts';

export type { BuildPair, OidcTokenResponse } from './client.ts';
export type {
  ArtifactChange,
  BuildDiff,
  DependencyChange,
  BuildDiffReport,
  BuildFunnel,
  BuildRefWithTime,
  BuildSize,
  ChecksumRedFlag,
  DependencyDiffReport,
  DependencyVariation,
  DependencyVariationReport,
  DurationStats,
  FunnelReport,
  FunnelStage,
  ImageDiff,
  ImageDiffReport,
  ImageLayer,
  ImageReport,
  ImageRun,
  LayerSet,
  RepositoryStorage,
  SizeGrowth,
  SizeReport,
  StorageReport,
} from './analytics.ts';
export {
  CHART_INVALID,
  CHART_NAME,
  SEMVER,
  chartEntry,
  parseChartYaml,
  readChart,
  type ChartEntry,
} from './helm/chart.ts';
export { extractTarMember, walkTar, type TarWalkLimits } from './internal/tar.ts';
export {
  MISSING,
  formatBytes,
  formatBytesChange,
  formatDuration,
  formatLeadTime,
  type LeadTimeStats,
} from './format.ts';
