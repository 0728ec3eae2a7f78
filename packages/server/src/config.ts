import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RepoConfig } from './internal/metastore.ts';
import { REPO_KEY, RESERVED_KEYS } from './internal/paths.ts';
import { FORMATS } from './formats/index.ts';
import { DEFAULT_ARCHIVE_CAPS, type ArchiveCaps } from './internal/archive.ts';

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
  auth: {
    /** Allow reads (downloads, storage info, build-info) without a token. */
    anonymousRead: boolean;
  };
  repositories: RepoConfig[];
  /** Ordered promotion stages; the first one is where builds are published. */
  stages: Stage[];
  /** Applied to a build name each time one of its builds is published. */
  retention?: RetentionConfig;
  limits: LimitsConfig;
}

export const DEFAULT_CONFIG: ServerConfig = {
  auth: { anonymousRead: false },
  limits: structuredClone(DEFAULT_LIMITS),
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
  if (o.auth !== undefined) {
    const auth = o.auth as Record<string, unknown>;
    if (auth.anonymousRead !== undefined) {
      if (typeof auth.anonymousRead !== 'boolean')
        throw new ConfigError(`${where}: auth.anonymousRead must be true or false`);
      cfg.auth.anonymousRead = auth.anonymousRead;
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
  if (o.limits !== undefined) cfg.limits = resolveLimits(o.limits, where);
  return cfg;
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
