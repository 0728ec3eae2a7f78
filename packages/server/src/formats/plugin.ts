import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { ArtifactRecord, RepoConfig } from '../internal/metastore.ts';
import type { IncomingBlob, Services } from '../internal/services.ts';
import type { PackageType } from './types.ts';

/** A response a format computes rather than stores (a checksum file, a virtual's merged metadata). */
export interface DerivedFile {
  body: Buffer;
  contentType: string;
}

/**
 * A package format. Formats share one storage, one remote/virtual mechanism (Resolver) and
 * one error catalogue; a format only adds what is its own: its routes, which of its paths
 * are metadata, which package a path belongs to, and what to regenerate after a deploy.
 */
export interface FormatPlugin {
  /** The `packageType` of repositories of this format. */
  type: PackageType;
  /**
   * How this format's repositories are written (named in the error a generic `PUT`/`DELETE
   * /{repo}/{path}` gets). A format with `writeApi` is written only through its own API, which
   * validates packages, keeps released versions immutable and derives the index from what it
   * stored; a format without one (generic, Maven's layout) takes generic writes, checked by
   * `beforeDeploy`.
   */
  writeApi?: string;
  /** Its own routes (e.g. under `/api/npm/{repo}/`), registered in their own encapsulated scope. */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Paths served through `/{repo}/{path}` (Maven's layout) that are metadata: revalidated after max-age. */
  isMetadata?: (path: string) => boolean;
  /** Dependency-confusion guard: the folder owning the package a path belongs to. */
  packageOf?: (path: string) => string | undefined;
  /** Called after a file was deployed through `PUT /{repo}/{path}` (e.g. to rewrite maven-metadata.xml). */
  afterDeploy?: (svc: Services, repo: RepoConfig, art: ArtifactRecord) => Promise<void>;
  /** Called after `DELETE /{repo}/{path}` removed files (e.g. to rewrite maven-metadata.xml). */
  afterDelete?: (svc: Services, repo: RepoConfig, path: string) => Promise<void>;
  /** Called before a `PUT /{repo}/{path}` body becomes visible; throw to refuse it (e.g. an existing release). */
  beforeDeploy?: (
    svc: Services,
    repo: RepoConfig,
    path: string,
    incoming: IncomingBlob,
  ) => Promise<void>;
  /** Checks upstream content fetched through `/{repo}/{path}` before it is cached; throw to refuse it. */
  validate?: (path: string, body: Readable) => Promise<void>;
  /** Answers a `GET|HEAD /{repo}/{path}` the format computes; undefined serves the stored file. */
  serveDerived?: (
    svc: Services,
    repo: RepoConfig,
    path: string,
  ) => Promise<DerivedFile | undefined>;
}
