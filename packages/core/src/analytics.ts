/**
 * Build analytics: the response shapes of the server's `/api/stowage/v1/analytics/…` endpoints
 * (shared by the server that computes them, the client that reads them, the CLI and the web UI).
 * Sizes are bytes, times epoch milliseconds.
 */

export interface DependencyChange {
  id: string;
  module: string;
  /** The version part of `group:name:version` ids (or `name@version`), when there is one. */
  from?: string;
  to?: string;
  fromSha256?: string;
  toSha256?: string;
}

export interface ArtifactChange {
  module: string;
  path: string;
  fromSize?: number;
  toSize?: number;
  fromSha256?: string;
  toSha256?: string;
}

/** What changed between two builds (`diffBuilds`, and the server's `analytics/diff`). */
export interface BuildDiff {
  from: { name: string; number: string };
  to: { name: string; number: string };
  dependencies: {
    added: DependencyChange[];
    removed: DependencyChange[];
    /** Same package, another version. */
    versionChanged: DependencyChange[];
    /** Same id and version, other content. */
    checksumChanged: DependencyChange[];
  };
  /** Artifacts are matched by module and name (not path, which often holds the number). */
  artifacts: {
    added: ArtifactChange[];
    removed: ArtifactChange[];
    /** Same name, other content. */
    changed: ArtifactChange[];
  };
}

export interface BuildRefWithTime {
  name: string;
  number: string;
  /** Epoch ms of the build's `started`. */
  started: number;
}

/** Min / median / p90 of a set of durations (nearest-rank p90; median averages the two middles). */
export interface DurationStats {
  count: number;
  min: number | null;
  median: number | null;
  p90: number | null;
}

export interface FunnelStage {
  stage: string;
  repo: string;
  /** Builds with at least one status naming this stage (by status or repository). */
  promoted: number;
  /** Builds whose furthest stage is this one or a later one (the first stage: every build). */
  reached: number;
}

export interface BuildFunnel {
  name: string;
  /** Builds started inside the window. */
  published: number;
  stages: FunnelStage[];
  /** Builds with at least one rollback (a `rolled-back`/`rollback` status, or a status for an earlier stage). */
  rolledBack: number;
  /** Rollback events in all. */
  rollbacks: number;
  /** Builds that reached the last stage. */
  released: number;
  /** From `started` to the first status reaching the last stage. */
  leadTimeMs: DurationStats;
}

export interface FunnelReport {
  from: number | null;
  to: number | null;
  stages: { name: string; repo: string }[];
  funnels: BuildFunnel[];
}

export interface DependencyVariation {
  /** The package part of the id (`group:artifact`, `name`). */
  name: string;
  /** Distinct versions seen across the builds. */
  versions: number;
  /** Distinct checksums seen across the builds. */
  checksums: number;
  /** Times the version differed from the same module's previous build. */
  versionChanges: number;
  /** Times the checksum differed while the version stayed the same (a red flag). */
  checksumChanges: number;
  /** Builds that used it. */
  builds: number;
  /** The version in the newest build that used it. */
  latestVersion: string | null;
}

/** One version of a dependency seen with more than one checksum. */
export interface ChecksumRedFlag {
  name: string;
  version: string;
  checksums: string[];
  /** Build numbers that used it, oldest first. */
  numbers: string[];
}

export interface DependencyVariationReport {
  name: string;
  /** The builds looked at, oldest first. */
  numbers: string[];
  dependencies: DependencyVariation[];
  redFlags: ChecksumRedFlag[];
}

export interface DependencyDiffReport {
  from: { name: string; number: string };
  to: { name: string; number: string };
  added: BuildDiff['dependencies']['added'];
  removed: BuildDiff['dependencies']['removed'];
  versionChanged: BuildDiff['dependencies']['versionChanged'];
  /** Same id and version, other content: a red flag. */
  checksumChanged: BuildDiff['dependencies']['checksumChanged'];
  unchanged: number;
}

export interface BuildSize {
  number: string;
  started: number;
  artifacts: number;
  /** Sum of artifact sizes (build-info `size`, else the stored file's size by checksum). */
  bytes: number;
  /** Artifacts whose size is unknown (no `size` and not stored here). */
  unknown: number;
  /** Against the previous build in the list; null for the first. */
  delta: number | null;
}

export interface SizeGrowth {
  module: string;
  /** Artifact name; absent for module rows. */
  artifact?: string;
  firstBytes: number;
  lastBytes: number;
  growth: number;
}

export interface SizeReport {
  name: string;
  /** Oldest first. */
  builds: BuildSize[];
  /** The builds with the largest positive delta, largest first. */
  topBuilds: BuildSize[];
  /** Size in the newest build minus size in the oldest (0 where absent), largest first. */
  topModules: SizeGrowth[];
  topArtifacts: SizeGrowth[];
}

export interface RepositoryStorage {
  repo: string;
  files: number;
  /** Sum of every file's size. */
  logicalBytes: number;
  /** Sum of the distinct blobs' sizes. */
  physicalBytes: number;
  blobs: number;
}

export interface StorageReport {
  repositories: RepositoryStorage[];
  total: {
    files: number;
    logicalBytes: number;
    /** Distinct blobs across every repository (a blob shared by two repositories counts once). */
    physicalBytes: number;
    blobs: number;
    /** logicalBytes − physicalBytes. */
    savedBytes: number;
  };
}

export interface ImageLayer {
  digest: string;
  size: number | null;
  /** Not in the previous run's same image. */
  new: boolean;
}

export interface ImageRun {
  /** The build-info module id (`image:tag`). */
  module: string;
  image: string;
  tag: string | null;
  size: number;
  layers: ImageLayer[];
  newLayers: number;
  newBytes: number;
}

export interface ImageReport {
  name: string;
  /** Oldest first; only builds with docker modules. */
  runs: { number: string; started: number; images: ImageRun[] }[];
}

export interface LayerSet {
  count: number;
  bytes: number;
  layers: { digest: string; size: number | null }[];
}

export interface ImageDiff {
  image: string;
  from: string | null;
  to: string | null;
  shared: LayerSet;
  new: LayerSet;
  removed: LayerSet;
}

export interface ImageDiffReport {
  from: { name: string; number: string };
  to: { name: string; number: string };
  images: ImageDiff[];
}

export type BuildDiffReport = BuildDiff;
