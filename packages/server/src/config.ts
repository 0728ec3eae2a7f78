import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RepoConfig } from './internal/metastore.ts';
import { REPO_KEY, RESERVED_KEYS } from './internal/paths.ts';
import { FORMATS } from './formats/index.ts';

/** A promotion stage: a name people use (`qa`) and the repository that holds its builds. */
export interface Stage {
  name: string;
  repo: string;
}

export interface RetentionConfig {
  /** Keep at most this many builds of each build name (oldest go first). */
  maxBuilds?: number;
  /** Discard builds that started more than this many days ago. */
  maxDays?: number;
  /** Also delete the artifacts of discarded builds. */
  deleteArtifacts?: boolean;
}

/** Where metadata lives: SQLite in the data directory (default), or a shared PostgreSQL. */
export type MetadataStorage =
  | { type: 'sqlite' }
  | {
      type: 'postgres';
      /** `postgres://user@host:port/db`; a password comes from PGPASSWORD, not the file. */
      url: string;
      /** A schema of its own instead of the connection's default one. */
      schema?: string;
      /** Connections for queries per replica (as many again may wait for locks). */
      poolSize?: number;
    };

/** Where blobs live: the data directory (default), or S3-compatible object storage. */
export type BlobStorage =
  | { type: 'fs' }
  | {
      type: 's3';
      bucket: string;
      endpoint?: string;
      region?: string;
      forcePathStyle?: boolean;
      /** Key prefix inside the bucket, e.g. `blobs/`. */
      prefix?: string;
    };

/**
 * The storage backends. Several replicas share one PostgreSQL and one blob store (S3, or one
 * file system they all mount as the data directory). S3 credentials come from the AWS SDK's
 * default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, …), never from this file.
 */
export interface StorageConfig {
  metadata: MetadataStorage;
  blobs: BlobStorage;
}

export interface ServerConfig {
  storage: StorageConfig;
  auth: {
    /** Allow reads (downloads, storage info, build-info) without a token. */
    anonymousRead: boolean;
  };
  repositories: RepoConfig[];
  /** Ordered promotion stages; the first one is where builds are published. */
  stages: Stage[];
  /** Applied to a build name each time one of its builds is published. */
  retention?: RetentionConfig;
  /** Prometheus metrics at /metrics. */
  metrics: MetricsConfig;
}

export interface MetricsConfig {
  /** Serve /metrics at all (default true). */
  enabled: boolean;
  /**
   * Let anyone scrape /metrics (default false: an admin token is needed, which Prometheus
   * sends with `authorization: { credentials_file: … }`).
   */
  anonymous: boolean;
}

export const DEFAULT_CONFIG: ServerConfig = {
  storage: { metadata: { type: 'sqlite' }, blobs: { type: 'fs' } },
  auth: { anonymousRead: false },
  metrics: { enabled: true, anonymous: false },
  repositories: [
    {
      key: 'generic-staging',
      rclass: 'local',
      packageType: 'generic',
      description: 'Builds as published (stage: staged)',
    },
    {
      key: 'generic-qa',
      rclass: 'local',
      packageType: 'generic',
      description: 'Builds promoted to QA',
    },
    {
      key: 'generic-release',
      rclass: 'local',
      packageType: 'generic',
      description: 'Released builds',
    },
  ],
  stages: [
    { name: 'staged', repo: 'generic-staging' },
    { name: 'qa', repo: 'generic-qa' },
    { name: 'release', repo: 'generic-release' },
  ],
};

const RCLASSES = new Set(['local', 'remote', 'virtual']);
const PACKAGE_TYPES = new Set(FORMATS.map((f) => f.type));

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'ERR_CONFIG_INVALID';
}

/** Checks one repository definition; returns it normalised or throws a message that names the fix. */
export function validateRepoConfig(input: unknown, where: string): RepoConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(
      `${where}: a repository must be an object with key, rclass and packageType`,
    );
  }
  const o = input as Record<string, unknown>;
  const key = o.key;
  if (typeof key !== 'string' || !REPO_KEY.test(key)) {
    throw new ConfigError(
      `${where}: repository key ${JSON.stringify(key)} is invalid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (RESERVED_KEYS.has(key.toLowerCase())) {
    throw new ConfigError(
      `${where}: repository key "${key}" is reserved by the server; choose another`,
    );
  }
  const rclass = String(o.rclass ?? o.type ?? 'local').toLowerCase();
  if (!RCLASSES.has(rclass)) {
    throw new ConfigError(
      `${where}: rclass "${rclass}" of "${key}" is not one of local, remote, virtual`,
    );
  }
  const packageType = String(o.packageType ?? 'generic').toLowerCase();
  if (!PACKAGE_TYPES.has(packageType)) {
    throw new ConfigError(
      `${where}: packageType "${packageType}" of "${key}" is not supported yet; supported: ${[...PACKAGE_TYPES].join(', ')}`,
    );
  }
  const out: RepoConfig = { key, rclass: rclass as RepoConfig['rclass'], packageType };
  if (typeof o.description === 'string') out.description = o.description;
  for (const k of ['includesPattern', 'excludesPattern'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string')
      throw new ConfigError(
        `${where}: ${k} of "${key}" must be a comma-separated list of patterns`,
      );
    out[k] = o[k];
  }
  if (o.downloadRedirect !== undefined) {
    if (typeof o.downloadRedirect !== 'boolean')
      throw new ConfigError(`${where}: downloadRedirect of "${key}" must be true or false`);
    out.downloadRedirect = o.downloadRedirect;
  }
  if (rclass === 'remote') {
    if (typeof o.url !== 'string' || !/^https?:\/\/[^/]/.test(o.url)) {
      throw new ConfigError(
        `${where}: remote repository "${key}" needs url: the upstream's http(s) URL`,
      );
    }
    out.url = o.url;
    if (o.metadataMaxAgeSec !== undefined) {
      if (typeof o.metadataMaxAgeSec !== 'number' || o.metadataMaxAgeSec < 0) {
        throw new ConfigError(
          `${where}: metadataMaxAgeSec of "${key}" must be a number of seconds >= 0`,
        );
      }
      out.metadataMaxAgeSec = o.metadataMaxAgeSec;
    }
  }
  if (rclass === 'virtual') {
    const members = o.repositories;
    if (!Array.isArray(members) || members.some((m) => typeof m !== 'string')) {
      throw new ConfigError(
        `${where}: virtual repository "${key}" needs repositories: an ordered list of member keys`,
      );
    }
    if (members.includes(key))
      throw new ConfigError(`${where}: virtual repository "${key}" cannot contain itself`);
    out.repositories = members as string[];
    if (o.defaultDeploymentRepo !== undefined) {
      if (
        typeof o.defaultDeploymentRepo !== 'string' ||
        !members.includes(o.defaultDeploymentRepo)
      ) {
        throw new ConfigError(
          `${where}: defaultDeploymentRepo of "${key}" must be one of its repositories`,
        );
      }
      out.defaultDeploymentRepo = o.defaultDeploymentRepo;
    }
  }
  return out;
}

/** Merges a parsed config document over the defaults, validating every part. */
export function resolveConfig(doc: unknown, where = 'config'): ServerConfig {
  if (doc === undefined || doc === null) return structuredClone(DEFAULT_CONFIG);
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`${where}: the top level must be a mapping`);
  const o = doc as Record<string, unknown>;
  const cfg = structuredClone(DEFAULT_CONFIG);
  if (o.storage !== undefined) cfg.storage = resolveStorage(o.storage, where);
  if (o.auth !== undefined) {
    const auth = o.auth as Record<string, unknown>;
    if (auth.anonymousRead !== undefined) {
      if (typeof auth.anonymousRead !== 'boolean')
        throw new ConfigError(`${where}: auth.anonymousRead must be true or false`);
      cfg.auth.anonymousRead = auth.anonymousRead;
    }
  }
  if (o.metrics !== undefined) {
    const m = mapping(o.metrics, `${where}: metrics`);
    only(m, ['enabled', 'anonymous'], `${where}: metrics`);
    for (const k of ['enabled', 'anonymous'] as const) {
      if (m[k] === undefined) continue;
      if (typeof m[k] !== 'boolean')
        throw new ConfigError(`${where}: metrics.${k} must be true or false`);
      cfg.metrics[k] = m[k];
    }
  }
  if (o.repositories !== undefined) {
    if (!Array.isArray(o.repositories))
      throw new ConfigError(`${where}: repositories must be a list`);
    cfg.repositories = o.repositories.map((r, i) =>
      validateRepoConfig(r, `${where}: repositories[${i}]`),
    );
  }
  if (o.stages !== undefined) {
    if (!Array.isArray(o.stages) || o.stages.length === 0)
      throw new ConfigError(`${where}: stages must be a non-empty list`);
    cfg.stages = o.stages.map((s, i) => {
      const st = s as Record<string, unknown>;
      if (typeof st?.name !== 'string' || typeof st.repo !== 'string') {
        throw new ConfigError(`${where}: stages[${i}] needs a name and a repo`);
      }
      return { name: st.name, repo: st.repo };
    });
  }
  const keys = new Set(cfg.repositories.map((r) => r.key));
  const byKey = new Map(cfg.repositories.map((r) => [r.key, r]));
  for (const r of cfg.repositories) {
    for (const m of r.repositories ?? []) {
      const member = byKey.get(m);
      if (!member)
        throw new ConfigError(
          `${where}: virtual repository "${r.key}" lists "${m}", which the config does not define`,
        );
      if (member.packageType !== r.packageType) {
        throw new ConfigError(
          `${where}: virtual repository "${r.key}" (${r.packageType}) cannot contain "${m}" (${member.packageType})`,
        );
      }
    }
  }
  for (const s of cfg.stages) {
    if (!keys.has(s.repo)) {
      throw new ConfigError(
        `${where}: stage "${s.name}" names repository "${s.repo}", which the config does not define`,
      );
    }
  }
  if (o.retention !== undefined) {
    const r = o.retention as Record<string, unknown>;
    const ret: RetentionConfig = {};
    for (const k of ['maxBuilds', 'maxDays'] as const) {
      if (r[k] !== undefined) {
        if (typeof r[k] !== 'number' || !(r[k] > 0))
          throw new ConfigError(`${where}: retention.${k} must be a positive number`);
        ret[k] = r[k];
      }
    }
    if (r.deleteArtifacts !== undefined) ret.deleteArtifacts = r.deleteArtifacts === true;
    cfg.retention = ret;
  }
  return cfg;
}

function mapping(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ConfigError(`${what} must be a mapping`);
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new ConfigError(`${what}: unknown setting "${k}"; known: ${keys.join(', ')}`);
  }
}

const CREDENTIAL_KEYS = /^(accessKeyId|secretAccessKey|sessionToken|password|credentials)$/i;

/** Checks the `storage:` section (see StorageConfig). */
export function resolveStorage(input: unknown, where = 'config'): StorageConfig {
  const o = mapping(input, `${where}: storage`);
  only(o, ['metadata', 'blobs'], `${where}: storage`);
  const out: StorageConfig = structuredClone(DEFAULT_CONFIG.storage);
  if (o.metadata !== undefined) {
    const what = `${where}: storage.metadata`;
    const m = mapping(o.metadata, what);
    const type = m.type ?? 'sqlite';
    if (type === 'sqlite') {
      only(m, ['type'], what);
      out.metadata = { type: 'sqlite' };
    } else if (type === 'postgres' || type === 'postgresql') {
      only(m, ['type', 'url', 'schema', 'poolSize'], what);
      if (typeof m.url !== 'string' || !/^postgres(ql)?:\/\/[^/]/.test(m.url))
        throw new ConfigError(
          `${what}: url must be a postgres://user@host:port/database URL (or set STOWAGE_METADATA_URL)`,
        );
      if (/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(m.url))
        throw new ConfigError(
          `${what}: the url carries a password; give it in the PGPASSWORD environment variable instead of the config file`,
        );
      const meta: MetadataStorage = { type: 'postgres', url: m.url };
      if (m.schema !== undefined) {
        if (typeof m.schema !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(m.schema))
          throw new ConfigError(
            `${what}: schema must be a lower-case SQL name (letters, digits, _)`,
          );
        meta.schema = m.schema;
      }
      if (m.poolSize !== undefined) {
        if (
          !Number.isInteger(m.poolSize) ||
          (m.poolSize as number) < 1 ||
          (m.poolSize as number) > 100
        )
          throw new ConfigError(`${what}: poolSize must be a whole number from 1 to 100`);
        meta.poolSize = m.poolSize as number;
      }
      out.metadata = meta;
    } else {
      throw new ConfigError(`${what}: type "${String(type)}" is not one of sqlite, postgres`);
    }
  }
  if (o.blobs !== undefined) {
    const what = `${where}: storage.blobs`;
    const b = mapping(o.blobs, what);
    const type = b.type ?? 'fs';
    for (const k of Object.keys(b)) {
      if (CREDENTIAL_KEYS.test(k))
        throw new ConfigError(
          `${what}: credentials do not belong in the config file; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or another AWS SDK credential source)`,
        );
    }
    if (type === 'fs') {
      only(b, ['type'], what);
      out.blobs = { type: 'fs' };
    } else if (type === 's3') {
      only(b, ['type', 'bucket', 'endpoint', 'region', 'forcePathStyle', 'prefix'], what);
      if (typeof b.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b.bucket))
        throw new ConfigError(
          `${what}: bucket must be an S3 bucket name (3-63 lower-case letters, digits, ".", "-")`,
        );
      const blobs: BlobStorage = { type: 's3', bucket: b.bucket };
      if (b.endpoint !== undefined) {
        if (typeof b.endpoint !== 'string' || !/^https?:\/\/[^/]/.test(b.endpoint))
          throw new ConfigError(`${what}: endpoint must be an http(s) URL`);
        blobs.endpoint = b.endpoint;
      }
      if (b.region !== undefined) {
        if (typeof b.region !== 'string' || b.region === '')
          throw new ConfigError(`${what}: region must be a region name such as us-east-1`);
        blobs.region = b.region;
      }
      if (b.forcePathStyle !== undefined) {
        if (typeof b.forcePathStyle !== 'boolean')
          throw new ConfigError(`${what}: forcePathStyle must be true or false`);
        blobs.forcePathStyle = b.forcePathStyle;
      }
      if (b.prefix !== undefined) {
        if (typeof b.prefix !== 'string' || b.prefix.startsWith('/') || b.prefix.includes('..'))
          throw new ConfigError(`${what}: prefix must be a relative key prefix such as blobs/`);
        blobs.prefix = b.prefix;
      }
      out.blobs = blobs;
    } else {
      throw new ConfigError(`${what}: type "${String(type)}" is not one of fs, s3`);
    }
  }
  return out;
}

/**
 * The storage settings container deployments give as environment variables, over those of
 * the config file: STOWAGE_METADATA_URL (a postgres:// URL: PostgreSQL metadata),
 * STOWAGE_METADATA_SCHEMA, STOWAGE_METADATA_POOL_SIZE; STOWAGE_BLOBS_TYPE (fs|s3),
 * STOWAGE_S3_BUCKET, STOWAGE_S3_ENDPOINT, STOWAGE_S3_REGION, STOWAGE_S3_FORCE_PATH_STYLE,
 * STOWAGE_S3_PREFIX. The caller passes its environment (library code never reads it).
 */
export function storageFromEnv(
  base: StorageConfig,
  env: Record<string, string | undefined>,
): StorageConfig {
  const v = (k: string): string | undefined => (env[k] === '' ? undefined : env[k]);
  const doc: Record<string, unknown> = {
    metadata: { ...base.metadata },
    blobs: { ...base.blobs },
  };
  const metadata = doc.metadata as Record<string, unknown>;
  const url = v('STOWAGE_METADATA_URL');
  if (url !== undefined) {
    metadata.type = 'postgres';
    metadata.url = url;
  }
  if (v('STOWAGE_METADATA_SCHEMA') !== undefined) metadata.schema = v('STOWAGE_METADATA_SCHEMA');
  const pool = v('STOWAGE_METADATA_POOL_SIZE');
  if (pool !== undefined) metadata.poolSize = /^\d+$/.test(pool) ? Number(pool) : pool;
  let blobs = doc.blobs as Record<string, unknown>;
  const type = v('STOWAGE_BLOBS_TYPE');
  if (type !== undefined && type !== blobs.type) doc.blobs = blobs = { type };
  const s3: [string, string][] = [
    ['STOWAGE_S3_BUCKET', 'bucket'],
    ['STOWAGE_S3_ENDPOINT', 'endpoint'],
    ['STOWAGE_S3_REGION', 'region'],
    ['STOWAGE_S3_PREFIX', 'prefix'],
  ];
  for (const [k, key] of s3) if (v(k) !== undefined) blobs[key] = v(k);
  const fps = v('STOWAGE_S3_FORCE_PATH_STYLE');
  if (fps !== undefined) blobs.forcePathStyle = fps === 'true' || fps === '1';
  return resolveStorage(doc, 'environment');
}

/** Reads a YAML (.yml/.yaml) or JSON config file. */
export async function loadConfigFile(file: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `config file ${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  return resolveConfig(doc, file);
}
