/**
 * What each tool's dependency looked like on the server: maps the repository path of a
 * recorded download to the dependency id that tool's collector uses, so that
 * `mergeWithDownloads` can pair a lockfile entry with the file actually served even when the
 * lockfile's hash is one the server does not keep (npm's sha512, go.sum's h1, renv's hash).
 * Metadata files (packuments, indexes, maven-metadata.xml, checksum files) map to undefined
 * and are not dependencies.
 */
export type DownloadId = (path: string) => string | undefined;

const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** npm: `{name}/-/{base}-{version}.tgz` → `name:version` (scoped names keep their scope). */
export function npmDownloadId(path: string): string | undefined {
  const at = path.lastIndexOf('/-/');
  if (at < 0 || !path.endsWith('.tgz')) return undefined;
  const name = path.slice(0, at);
  const short = name.slice(name.lastIndexOf('/') + 1);
  const file = path.slice(at + 3, -'.tgz'.length);
  return file.startsWith(`${short}-`) ? `${name}:${file.slice(short.length + 1)}` : undefined;
}

/** PyPI: `{project}/{dist}-{version}(-…).whl|.tar.gz|.zip` → `normalized-name:version`. */
export function pipDownloadId(path: string): string | undefined {
  const file = base(path);
  const wheel = /^([^-]+)-([^-]+)-.*\.whl$/.exec(file);
  const sdist = /^(.+)-([^-]+)\.(?:tar\.gz|zip)$/.exec(file);
  const m = wheel ?? sdist;
  if (!m) return undefined;
  return `${(m[1] ?? '').replace(/[-_.]+/g, '-').toLowerCase()}:${m[2] ?? ''}`;
}

/** Go: `{escaped module}/@v/{escaped version}.zip` → `module:version` (`!x` is `X`). */
export function goDownloadId(path: string): string | undefined {
  const m = /^(.+)\/@v\/([^/]+)\.zip$/.exec(path);
  if (!m) return undefined;
  const unescape = (s: string): string => s.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
  return `${unescape(m[1] ?? '')}:${unescape(m[2] ?? '')}`;
}

/** Maven: `g/r/o/u/p/artifact/version/artifact-version[-classifier].ext` → `group:artifact:version[:classifier]` (not poms or metadata). */
export function mavenDownloadId(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.length < 4) return undefined;
  const file = parts[parts.length - 1] ?? '';
  const version = parts[parts.length - 2] ?? '';
  const artifact = parts[parts.length - 3] ?? '';
  const group = parts.slice(0, -3).join('.');
  if (!file.startsWith(`${artifact}-`) || /\.(pom|sha1|sha256|sha512|md5|asc|xml)$/.test(file))
    return undefined;
  const rest = file.slice(artifact.length + 1);
  const snapshotBase = version.endsWith('-SNAPSHOT')
    ? version.slice(0, -'SNAPSHOT'.length)
    : undefined;
  let tail: string;
  if (rest.startsWith(`${version}`)) tail = rest.slice(version.length);
  else if (snapshotBase && rest.startsWith(snapshotBase))
    tail = rest.slice(rest.indexOf('-', snapshotBase.length) + 1).replace(/^\d+/, '');
  else return undefined;
  const classifier = /^-([^.]+)\./.exec(tail)?.[1];
  return `${group}:${artifact}:${version}${classifier ? `:${classifier}` : ''}`;
}

/** CRAN: `…/{pkg}_{version}.tar.gz|.zip|.tgz` → `pkg:version`. */
export function rDownloadId(path: string): string | undefined {
  const m = /^([A-Za-z0-9.]+)_([0-9][0-9.-]*)\.(?:tar\.gz|tgz|zip)$/.exec(base(path));
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** Conda: `{subdir}/{name}-{version}-{build}.conda|.tar.bz2` → `name:version:build`. */
export function condaDownloadId(path: string): string | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:conda|tar\.bz2)$/.exec(base(path));
  return m ? `${m[1]}:${m[2]}:${m[3]}` : undefined;
}

/** NuGet: `{id}/{version}/{id}.{version}.nupkg` (stored lower-case) → `id:version`. */
export function nugetDownloadId(path: string): string | undefined {
  const m = /^([^/]+)\/([^/]+)\/([^/]+)\.nupkg$/.exec(path);
  if (!m || m[3] !== `${m[1]}.${m[2]}`) return undefined;
  return `${m[1]}:${m[2]}`;
}

/** Download-path mappers by tool name (the keys of DEPS_COLLECTORS). */
export const DOWNLOAD_IDS: Record<string, DownloadId> = {
  npm: npmDownloadId,
  pip: pipDownloadId,
  go: goDownloadId,
  maven: mavenDownloadId,
  r: rDownloadId,
  conda: condaDownloadId,
  nuget: nugetDownloadId,
};
