import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RepoConfig } from './internal/metastore.ts';
import { REPO_KEY, RESERVED_KEYS } from './internal/paths.ts';
import {
  GrantError,
  validateGroup,
  validateTarget,
  validateUser,
  type GroupRecord,
  type PermissionTarget,
  type UserRecord,
} from './internal/permissions.ts';
import { OidcConfigError, validateOidcConfig, type OidcConfig } from './internal/oidc.ts';
import { parseSumdb } from './formats/go/sumdb.ts';
import { DEFAULT_ARCHIVE_CAPS, type ArchiveCaps } from './internal/archive.ts';
import { PACKAGE_TYPES as TYPES } from './formats/types.ts';

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
  | {
      type: 'fs';
      /**
       * Large uploads written past the page cache (O_DIRECT) where the file system takes it
       * (default true; see internal/hashed-write.ts DIRECT_AFTER). false: every write goes
       * through the page cache.
       */
      directWrites?: boolean;
      /**
       * Small bodies (deploys of at most 64 KiB) committed into one SQLite file, `blobs/pack.db`,
       * instead of a file each (see internal/blob-pack.ts). Default: true with SQLite metadata
       * (one process owns the data directory), false with PostgreSQL (replicas may share the
       * directory, where SQLite's locks are not safe); true with PostgreSQL is refused.
       */
      packSmall?: boolean;
    }
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

/** What one request may cost the server (`limits:` in the config file). */
export interface LimitsConfig {
  /** Largest build-info body (`PUT /api/build`). */
  buildInfoBytes: number;
  /** Largest body of every other JSON API call (repositories, tokens, promotion, retention). */
  jsonBytes: number;
  /** Deepest nesting of objects and arrays a JSON body may have. */
  jsonDepth: number;
  /** Largest `npm publish` body (the tarball travels base64-encoded inside it). */
  npmPublishBytes: number;
  /** Caps on reading metadata out of uploaded archives. */
  archive: ArchiveCaps;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  buildInfoBytes: 16 * 1024 ** 2,
  jsonBytes: 1024 ** 2,
  jsonDepth: 64,
  npmPublishBytes: 256 * 1024 ** 2,
  archive: { ...DEFAULT_ARCHIVE_CAPS },
};

export interface ServerConfig {
  storage: StorageConfig;
  auth: {
    /** Anonymous (and so everyone) reads every repository and build: a grant like any other. */
    anonymousRead: boolean;
  };
  /** Users (tokens act for them) with their groups; more can be added through the REST API. */
  users?: UserRecord[];
  groups?: GroupRecord[];
  /** Permission targets: repository and build grants to users and groups. */
  permissions?: PermissionTarget[];
  repositories: RepoConfig[];
  /** Ordered promotion stages; the first one is where builds are published. */
  stages: Stage[];
  /** Applied to a build name each time one of its builds is published. */
  retention?: RetentionConfig;
  /** Prometheus metrics at /metrics. */
  metrics: MetricsConfig;
  limits: LimitsConfig;
  /** CI identity providers (GitHub Actions OIDC, …) and the mappings from their claims to scopes. */
  oidc?: OidcConfig;
  /** Blob garbage collection (see Services.collectGarbage). */
  gc: GcConfig;
  /** Small stored files kept in memory for serving (see internal/blobcache.ts). */
  memoryCache: MemoryCacheConfig;
  /**
   * Resident memory (bytes) past which the server has V8 give back what it keeps unused (a
   * memory-reducing collection, at most every 5 s; see internal/memory-watch.ts); 0 turns that
   * off. Default 192 MiB: the server at rest is 100-130 MiB, a memoryCache of 32 MiB on top,
   * and a large upload's buffers fit under 256. Raise it with a larger memoryCache; 0 where
   * requests per second matter more than memory (each collection costs CPU for a while after).
   */
  rssTarget: number;
}

export interface MemoryCacheConfig {
  /** The most memory the content of small files takes, in bytes; 0 turns the cache off. Default 32 MiB. */
  bytes: number;
  /** Only files at most this large are kept. Default 256 KiB. */
  fileMaxBytes: number;
}

export interface GcConfig {
  /**
   * A blob no artifact references is deleted only once it has been untouched this long, so a
   * deploy of the same content that is committing right now (on this or another replica)
   * never loses it. Default 600 (10 minutes).
   */
  graceSec: number;
  /** How often the server runs a whole GC by itself; 0 turns that off. Default 3600 (hourly). */
  intervalSec: number;
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
  limits: structuredClone(DEFAULT_LIMITS),
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
  gc: { graceSec: 600, intervalSec: 3600 },
  memoryCache: { bytes: 32 * 1024 * 1024, fileMaxBytes: 256 * 1024 },
  rssTarget: 192 * 1024 * 1024,
};

/** The public registry each format's default remote proxies. */
export const PUBLIC_UPSTREAMS: Readonly<Record<string, string>> = {
  npm: 'https://registry.npmjs.org',
  pypi: 'https://pypi.org',
  maven: 'https://repo.maven.apache.org/maven2',
  go: 'https://proxy.golang.org',
  nuget: 'https://api.nuget.org/v3/index.json',
  docker: 'https://registry-1.docker.io',
  helm: 'https://charts.helm.sh/stable',
  conda: 'https://conda.anaconda.org/conda-forge',
  cran: 'https://cloud.r-project.org',
};

/**
 * The configuration of a server started without one: the generic stage repositories and
 * stages of DEFAULT_CONFIG plus, for each package format, `{format}-local` (what builds
 * publish), `{format}-remote` (a caching proxy of the format's public registry, or of
 * `upstreams[format]` when given) and the virtual `{format}` over both (what tools resolve
 * through, deploying to the local one). So `stowage setup npm --repo npm` works as written.
 */
export function defaultServerConfig(upstreams: Record<string, string> = {}): ServerConfig {
  const unknown = Object.keys(upstreams).filter((f) => !(f in PUBLIC_UPSTREAMS));
  if (unknown.length) {
    throw new ConfigError(
      `no default remote for ${unknown.join(', ')}: upstreams can be set for ${Object.keys(PUBLIC_UPSTREAMS).join(', ')}`,
    );
  }
  const cfg = structuredClone(DEFAULT_CONFIG);
  for (const [format, publicUrl] of Object.entries(PUBLIC_UPSTREAMS)) {
    const url = upstreams[format] ?? publicUrl;
    cfg.repositories.push(
      validateRepoConfig(
        {
          key: `${format}-local`,
          rclass: 'local',
          packageType: format,
          description: `${format} packages the builds publish`,
        },
        'default config',
      ),
      validateRepoConfig(
        {
          key: `${format}-remote`,
          rclass: 'remote',
          packageType: format,
          url,
          description: `cache of ${url}`,
        },
        'default config',
      ),
      validateRepoConfig(
        {
          key: format,
          rclass: 'virtual',
          packageType: format,
          repositories: [`${format}-local`, `${format}-remote`],
          defaultDeploymentRepo: `${format}-local`,
          description: `resolve ${format} packages here: ${format}-local, then ${format}-remote`,
        },
        'default config',
      ),
    );
  }
  return cfg;
}

const RCLASSES = new Set(['local', 'remote', 'virtual']);
const PACKAGE_TYPES = new Set<string>(TYPES);

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
  for (const k of ['allowRedeploy', 'serveActiveContentInline'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'boolean')
      throw new ConfigError(`${where}: ${k} of "${key}" must be true or false`);
    if (o[k]) out[k] = true;
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
    remoteAccessConfig(o, out, where);
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

/** The fields of a remote's config that hold secrets: answered as `***`, never logged. */
export const SECRET_FIELDS = ['password', 'token'] as const;
const MASK = '***';

/**
 * A repository config as the API answers it: upstream password and token as `***`, and no
 * userinfo left in the URL.
 */
export function redactRepoConfig(cfg: RepoConfig): RepoConfig {
  const out = { ...cfg };
  for (const k of SECRET_FIELDS) if (out[k] !== undefined) out[k] = MASK;
  if (out.url) {
    try {
      const u = new URL(out.url);
      if (u.username || u.password) {
        u.username = '';
        u.password = '';
        out.url = u.toString();
      }
    } catch {
      /* validated on the way in */
    }
  }
  return out;
}

/** An update that sends `***` back for a secret keeps the stored one. */
export function keepMaskedSecrets(
  body: Record<string, unknown>,
  existing: RepoConfig | undefined,
): Record<string, unknown> {
  const out = { ...body };
  for (const k of SECRET_FIELDS) {
    if (out[k] !== MASK) continue;
    if (existing?.[k] !== undefined) out[k] = existing[k];
    else delete out[k];
  }
  return out;
}

/**
 * A remote's URL (credentials in it are split off into username/password), its upstream
 * credentials, allow-list and timeouts.
 */
function remoteAccessConfig(o: Record<string, unknown>, out: RepoConfig, where: string): void {
  const key = out.key;
  let u: URL;
  try {
    u = new URL(o.url as string);
  } catch {
    throw new ConfigError(`${where}: url of remote "${key}" is not a valid URL`);
  }
  out.url = o.url as string;
  for (const k of ['username', 'password', 'token'] as const) {
    if (o[k] === undefined || o[k] === null) continue;
    if (typeof o[k] !== 'string')
      throw new ConfigError(
        `${where}: ${k} of "${key}" must be a string (a \${VAR} reference reads it from the environment)`,
      );
    out[k] = o[k];
  }
  if (u.username || u.password) {
    // Credentials never stay in the URL, where they would be shown and logged.
    if (out.username === undefined) out.username = decodeURIComponent(u.username);
    if (out.password === undefined && out.token === undefined)
      out.password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
    out.url = u.toString().replace(/\/$/, (o.url as string).endsWith('/') ? '/' : '');
  }
  if (out.token !== undefined && (out.username !== undefined || out.password !== undefined)) {
    throw new ConfigError(
      `${where}: remote "${key}" has both a token and a username/password; keep one of them`,
    );
  }
  if (o.allowedHosts !== undefined) {
    if (!Array.isArray(o.allowedHosts) || o.allowedHosts.some((h) => typeof h !== 'string'))
      throw new ConfigError(
        `${where}: allowedHosts of "${key}" must be a list of origins (https://cdn.example.com) or host names (cdn.example.com, *.example.com)`,
      );
    for (const h of o.allowedHosts as string[]) {
      const ok = /^https?:\/\//.test(h)
        ? URL.canParse(h) && new URL(h).pathname === '/' && !new URL(h).username
        : /^(\*\.)?[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:.]+\](:\d+)?$/.test(h);
      if (!ok)
        throw new ConfigError(
          `${where}: allowedHosts entry "${h}" of "${key}" is neither an origin (https://host[:port]) nor a host name (host, host:port, *.domain)`,
        );
    }
    out.allowedHosts = o.allowedHosts as string[];
  }
  if (o.sumdb !== undefined) {
    if (out.packageType !== 'go' || typeof o.sumdb !== 'string')
      throw new ConfigError(
        `${where}: sumdb of "${key}" is for Go remotes: a checksum database as GOSUMDB writes it ("<verifier key> [<url>]")`,
      );
    try {
      parseSumdb(o.sumdb);
    } catch (err) {
      throw new ConfigError(`${where}: sumdb of "${key}": ${(err as Error).message}`);
    }
    out.sumdb = o.sumdb;
  }
  if (o.allowPrivateAddresses !== undefined) {
    if (typeof o.allowPrivateAddresses !== 'boolean')
      throw new ConfigError(`${where}: allowPrivateAddresses of "${key}" must be true or false`);
    out.allowPrivateAddresses = o.allowPrivateAddresses;
  }
  for (const k of [
    'connectTimeoutMs',
    'firstByteTimeoutMs',
    'idleTimeoutMs',
    'minBytesPerSec',
    'retries',
    'maxRedirects',
  ] as const) {
    if (o[k] === undefined) continue;
    const v = o[k];
    const integer = k === 'retries' || k === 'maxRedirects';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
      throw new ConfigError(
        `${where}: ${k} of "${key}" must be ${integer ? 'a whole number' : 'a number'} >= 0`,
      );
    if (k.endsWith('TimeoutMs') && v === 0)
      throw new ConfigError(`${where}: ${k} of "${key}" must be more than 0 ms`);
    out[k] = v;
  }
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
  const security = <T>(
    key: 'users' | 'groups' | 'permissions',
    check: (x: unknown, where: string) => T,
  ): T[] | undefined => {
    if (o[key] === undefined) return undefined;
    if (!Array.isArray(o[key])) throw new ConfigError(`${where}: ${key} must be a list`);
    try {
      const list = o[key].map((x, i) => check(x, `${where}: ${key}[${i}]`));
      const names = list.map((x) => (x as { name: string }).name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) throw new GrantError(`${where}: ${key} defines "${dup}" twice`);
      return list;
    } catch (err) {
      if (err instanceof GrantError) throw new ConfigError(err.message);
      throw err;
    }
  };
  const users = security('users', validateUser);
  if (users) cfg.users = users;
  const groups = security('groups', validateGroup);
  if (groups) cfg.groups = groups;
  const permissions = security('permissions', validateTarget);
  if (permissions) cfg.permissions = permissions;
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
  if (o.gc !== undefined) {
    const g = o.gc as Record<string, unknown> | null;
    if (typeof g !== 'object' || g === null || Array.isArray(g))
      throw new ConfigError(
        `${where}: gc must be a mapping (gc: { graceSec: 600, intervalSec: 3600 })`,
      );
    for (const k of ['graceSec', 'intervalSec'] as const) {
      if (g[k] === undefined) continue;
      if (typeof g[k] !== 'number' || !(g[k] >= 0))
        throw new ConfigError(`${where}: gc.${k} must be a number of seconds >= 0`);
      cfg.gc[k] = g[k];
    }
  }
  if (o.memoryCache !== undefined) {
    const m = o.memoryCache as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw new ConfigError(
        `${where}: memoryCache must be a mapping (memoryCache: { bytes: 33554432, fileMaxBytes: 262144 })`,
      );
    for (const k of ['bytes', 'fileMaxBytes'] as const) {
      if (m[k] === undefined) continue;
      if (typeof m[k] !== 'number' || !Number.isSafeInteger(m[k]) || m[k] < 0)
        throw new ConfigError(`${where}: memoryCache.${k} must be a whole number of bytes >= 0`);
      cfg.memoryCache[k] = m[k];
    }
  }
  if (o.rssTarget !== undefined) {
    if (typeof o.rssTarget !== 'number' || !Number.isSafeInteger(o.rssTarget) || o.rssTarget < 0)
      throw new ConfigError(
        `${where}: rssTarget must be a whole number of bytes >= 0 (0 turns it off), e.g. rssTarget: 201326592`,
      );
    cfg.rssTarget = o.rssTarget;
  }
  if (o.oidc !== undefined) {
    try {
      cfg.oidc = validateOidcConfig(o.oidc, `${where}: oidc`);
    } catch (err) {
      if (err instanceof OidcConfigError) throw new ConfigError(err.message);
      throw err;
    }
  }
  if (o.limits !== undefined) cfg.limits = resolveLimits(o.limits, where);
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
      only(b, ['type', 'directWrites', 'packSmall'], what);
      out.blobs = { type: 'fs' };
      if (b.directWrites !== undefined) {
        if (typeof b.directWrites !== 'boolean')
          throw new ConfigError(
            `${what}: directWrites must be true or false (false: large uploads go through the page cache too)`,
          );
        out.blobs.directWrites = b.directWrites;
      }
      if (b.packSmall !== undefined) {
        if (typeof b.packSmall !== 'boolean')
          throw new ConfigError(
            `${what}: packSmall must be true or false (false: every blob is a file of its own)`,
          );
        out.blobs.packSmall = b.packSmall;
      }
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
  if (out.blobs.type === 'fs' && out.blobs.packSmall && out.metadata.type === 'postgres')
    throw new ConfigError(
      `${where}: storage.blobs: packSmall needs SQLite metadata (one process owning the data directory); with PostgreSQL, replicas may share the directory, where SQLite's locks are not safe: leave packSmall out`,
    );
  return out;
}

/** Whether small blobs go into the pack: packSmall, else with SQLite metadata (see BlobStorage). */
export function packsSmallBlobs(storage: StorageConfig): boolean {
  if (storage.blobs.type !== 'fs') return false;
  return storage.blobs.packSmall ?? storage.metadata.type === 'sqlite';
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** A size in bytes: a number, or a string such as `16MiB`, `512 kB`, `2GiB`. */
export function parseSize(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
    const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
    if (m && unit !== undefined) {
      const n = Math.floor(Number(m[1]) * unit);
      if (n > 0 && Number.isSafeInteger(n)) return n;
    }
  }
  throw new ConfigError(
    `${where} must be a positive size in bytes, e.g. 16777216 or "16MiB" (got ${JSON.stringify(v)})`,
  );
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  throw new ConfigError(`${where} must be a positive whole number (got ${JSON.stringify(v)})`);
}

function resolveLimits(doc: unknown, where: string): LimitsConfig {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ConfigError(`${where}: limits must be a mapping`);
  const o = doc as Record<string, unknown>;
  const out = structuredClone(DEFAULT_LIMITS);
  const known = new Set(['buildInfoBytes', 'jsonBytes', 'jsonDepth', 'npmPublishBytes', 'archive']);
  for (const k of Object.keys(o)) {
    if (!known.has(k))
      throw new ConfigError(`${where}: limits.${k} is unknown; known: ${[...known].join(', ')}`);
  }
  for (const k of ['buildInfoBytes', 'jsonBytes', 'npmPublishBytes'] as const) {
    if (o[k] !== undefined) out[k] = parseSize(o[k], `${where}: limits.${k}`);
  }
  if (o.jsonDepth !== undefined)
    out.jsonDepth = positiveInt(o.jsonDepth, `${where}: limits.jsonDepth`);
  if (o.archive !== undefined) {
    const a = o.archive as Record<string, unknown>;
    if (typeof a !== 'object' || a === null || Array.isArray(a))
      throw new ConfigError(`${where}: limits.archive must be a mapping`);
    for (const k of Object.keys(a)) {
      if (!(k in DEFAULT_ARCHIVE_CAPS))
        throw new ConfigError(
          `${where}: limits.archive.${k} is unknown; known: ${Object.keys(DEFAULT_ARCHIVE_CAPS).join(', ')}`,
        );
    }
    for (const k of ['totalBytes', 'entryBytes'] as const) {
      if (a[k] !== undefined) out.archive[k] = parseSize(a[k], `${where}: limits.archive.${k}`);
    }
    for (const k of ['entries', 'ratio'] as const) {
      if (a[k] !== undefined) out.archive[k] = positiveInt(a[k], `${where}: limits.archive.${k}`);
    }
  }
  return out;
}

/**
 * The storage settings container deployments give as environment variables, over those of
 * the config file: STOWAGE_METADATA_URL (a postgres:// URL: PostgreSQL metadata),
 * STOWAGE_METADATA_SCHEMA, STOWAGE_METADATA_POOL_SIZE; STOWAGE_BLOBS_TYPE (fs|s3),
 * STOWAGE_S3_BUCKET, STOWAGE_S3_ENDPOINT, STOWAGE_S3_REGION, STOWAGE_S3_FORCE_PATH_STYLE,
 * STOWAGE_S3_PREFIX, STOWAGE_BLOBS_DIRECT_WRITES and STOWAGE_BLOBS_PACK_SMALL (true|false). The
 * caller passes its environment (library code never reads it).
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
  const flag = (s: string): boolean | string =>
    s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : s;
  const direct = v('STOWAGE_BLOBS_DIRECT_WRITES');
  if (direct !== undefined) blobs.directWrites = flag(direct);
  const pack = v('STOWAGE_BLOBS_PACK_SMALL');
  if (pack !== undefined) blobs.packSmall = flag(pack);
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
