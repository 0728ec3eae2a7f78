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
}

export const DEFAULT_CONFIG: ServerConfig = {
  auth: { anonymousRead: false },
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
  return cfg;
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
