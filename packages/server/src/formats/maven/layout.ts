/** Maven's repository layout: `{group as folders}/{artifactId}/{version}/{artifactId}-{version}[-{classifier}].{ext}`. */

export const CHECKSUM_ALGS = ['sha1', 'md5', 'sha256', 'sha512'] as const;
export type ChecksumAlg = (typeof CHECKSUM_ALGS)[number];

export const METADATA_FILE = 'maven-metadata.xml';

const SNAPSHOT = '-SNAPSHOT';
/** `1.0-20240102.030405-7`: the timestamped form of `1.0-SNAPSHOT` in a file name. */
const TIMESTAMPED = /^(.*)-(\d{8}\.\d{6})-(\d+)$/;

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The checksum algorithm a path's extension names, and the path it is the checksum of. */
export function checksumTarget(path: string): { alg: ChecksumAlg; target: string } | undefined {
  for (const alg of CHECKSUM_ALGS) {
    if (path.endsWith(`.${alg}`) && path.length > alg.length + 1 && !path.endsWith(`/.${alg}`))
      return { alg, target: path.slice(0, -alg.length - 1) };
  }
  return undefined;
}

export function isMetadataPath(path: string): boolean {
  return baseName(path) === METADATA_FILE;
}

export function isSnapshotVersion(version: string): boolean {
  return version.endsWith(SNAPSHOT);
}

/** One file of one version of one artifact. */
export interface MavenFile {
  /** `org/example` (group as folders). */
  groupPath: string;
  artifactId: string;
  /** The folder version, e.g. `1.0` or `1.0-SNAPSHOT`. */
  version: string;
  /** For a uniquely versioned snapshot file: `20240102.030405` and its build number. */
  timestamp?: string;
  buildNumber?: number;
  classifier?: string;
  extension: string;
}

/** Parses a file path in Maven's layout (not a checksum or metadata file); undefined when it does not fit. */
export function parseFile(path: string): MavenFile | undefined {
  const parts = path.split('/');
  if (parts.length < 4) return undefined;
  const name = parts[parts.length - 1] as string;
  const version = parts[parts.length - 2] as string;
  const artifactId = parts[parts.length - 3] as string;
  const groupPath = parts.slice(0, -3).join('/');
  if (name === METADATA_FILE || checksumTarget(name)) return undefined;
  if (!name.startsWith(`${artifactId}-`)) return undefined;
  const rest = name.slice(artifactId.length + 1);
  let fileVersion = version;
  const out: MavenFile = { groupPath, artifactId, version, extension: '' };
  if (!rest.startsWith(version) && isSnapshotVersion(version)) {
    const base = version.slice(0, -SNAPSHOT.length);
    const m = new RegExp(`^${escapeRe(base)}-(\\d{8}\\.\\d{6})-(\\d+)`).exec(rest);
    if (!m) return undefined;
    fileVersion = m[0];
    out.timestamp = m[1] as string;
    out.buildNumber = Number(m[2]);
  } else if (!rest.startsWith(version)) {
    return undefined;
  }
  const tail = rest.slice(fileVersion.length);
  if (tail.startsWith('.')) {
    out.extension = tail.slice(1);
  } else if (tail.startsWith('-')) {
    const dot = tail.indexOf('.');
    if (dot < 2) return undefined;
    out.classifier = tail.slice(1, dot);
    out.extension = tail.slice(dot + 1);
  } else {
    return undefined;
  }
  return out.extension === '' ? undefined : out;
}

/** The timestamped version a snapshot file carries (`1.0-20240102.030405-7`), if any. */
export function timestampedVersion(f: MavenFile): string | undefined {
  if (f.timestamp === undefined || f.buildNumber === undefined) return undefined;
  return `${f.version.slice(0, -SNAPSHOT.length)}-${f.timestamp}-${f.buildNumber}`;
}

export function isTimestamped(version: string): boolean {
  return TIMESTAMPED.test(version);
}

/**
 * The `group/artifact` folder a path belongs to (dependency-confusion guard): a file under
 * `g/a/v/`, a version-level `g/a/v-SNAPSHOT/maven-metadata.xml`, or an artifact-level
 * `g/a/maven-metadata.xml`, and their checksum files.
 */
export function packageOf(path: string): string | undefined {
  const target = checksumTarget(path)?.target ?? path;
  const parts = target.split('/');
  if (baseName(target) === METADATA_FILE) {
    const dirs = parts.slice(0, -1);
    const last = dirs[dirs.length - 1];
    if (last !== undefined && isSnapshotVersion(last)) dirs.pop();
    return dirs.length >= 2 ? dirs.join('/') : undefined;
  }
  return parts.length >= 4 ? parts.slice(0, -2).join('/') : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- version ordering (Maven's ComparableVersion, in the common cases) ----

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = {
  a: 'alpha',
  b: 'beta',
  m: 'milestone',
  cr: 'rc',
  ga: '',
  final: '',
  release: '',
};

type Item = number | string;

function items(v: string): Item[] {
  const out: Item[] = [];
  for (const m of v.toLowerCase().matchAll(/\d+|[a-z]+/g)) {
    const s = m[0];
    out.push(/^\d/.test(s) ? Number(s) : (ALIASES[s] ?? s));
  }
  while (out.length > 1 && (out[out.length - 1] === 0 || out[out.length - 1] === '')) out.pop();
  return out;
}

function qualifierRank(q: string): [number, string] {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? [i, ''] : [QUALIFIERS.length, q];
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) a = typeof b === 'number' ? 0 : '';
  if (b === undefined) b = typeof a === 'number' ? 0 : '';
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return 1; // a number outranks any qualifier
  if (typeof b === 'number') return -1;
  const [ra, sa] = qualifierRank(a);
  const [rb, sb] = qualifierRank(b);
  return ra !== rb ? ra - rb : sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Orders versions as Maven does in the usual cases (1.9 < 1.10, 1.0-rc1 < 1.0 < 1.0-sp1). */
export function compareVersions(a: string, b: string): number {
  const ia = items(a);
  const ib = items(b);
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const c = compareItem(ia[i], ib[i]);
    if (c !== 0) return c;
  }
  return 0;
}
