/**
 * Names, references and storage paths of the OCI distribution API under `/v2/`. A request names
 * `{repo}/{image…}`: `{repo}` is a Stowage repository (packageType docker), `{image…}` an image
 * name that may contain slashes. Inside the repository an image keeps
 *
 *   {image}/_blobs/sha256/{hex}       layers and configs
 *   {image}/_manifests/sha256/{hex}   manifests and indexes, by digest
 *   {image}/_tags/{tag}               the tagged manifest's bytes (same stored blob)
 *
 * The `_` prefix cannot start an image name component, so one image's files never collide with
 * a nested image's (`app/_tags/x` is always a tag of `app`).
 */
import { OciError } from './errors.ts';

/** The spec's `<name>` component and path grammar. */
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
export const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_DIGEST = /^sha256:([a-f0-9]{64})$/;
const REPO_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Clients limit `<registry>/<name>` to 255 characters. */
const MAX_NAME = 255;

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;
export const MANIFEST_TYPES: readonly string[] = Object.values(MEDIA);
export const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];

export type OciRoute =
  | { kind: 'blob'; digest: string }
  | { kind: 'upload'; uuid: string }
  | { kind: 'manifest'; reference: string }
  | { kind: 'tags' }
  | { kind: 'referrers'; digest: string };

export interface OciRequest {
  /** `{repo}/{image}` as the client wrote it. */
  name: string;
  repo: string;
  image: string;
  route: OciRoute;
}

const ROUTES: [RegExp, (m: string) => OciRoute][] = [
  [/^(.+)\/blobs\/uploads\/([^/]*)$/, (m) => ({ kind: 'upload', uuid: m })],
  [/^(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', digest: m })],
  [/^(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', reference: m })],
  [/^(.+)\/tags\/list()$/, () => ({ kind: 'tags' })],
  [/^(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', digest: m })],
];

/** Parses the raw path after `/v2/`; undefined when it is none of the API's endpoints. */
export function parseOciPath(rest: string): OciRequest | undefined {
  for (const [re, make] of ROUTES) {
    const m = re.exec(rest);
    if (!m) continue;
    const name = decode(m[1] ?? '');
    const route = make(decode(m[2] ?? ''));
    const { repo, image } = splitName(name);
    if (route.kind === 'blob' || route.kind === 'referrers') checkDigest(route.digest);
    if (route.kind === 'manifest') checkReference(route.reference);
    return { name, repo, image, route };
  }
  return undefined;
}

/** Splits and validates `{repo}/{image…}`. */
export function splitName(name: string): { repo: string; image: string } {
  const slash = name.indexOf('/');
  const repo = slash < 0 ? name : name.slice(0, slash);
  const image = slash < 0 ? '' : name.slice(slash + 1);
  if (!REPO_KEY.test(repo)) {
    throw new OciError('NAME_INVALID', `"${repo}" is not a repository key`, { detail: { name } });
  }
  if (image === '' || name.length > MAX_NAME || !image.split('/').every((c) => COMPONENT.test(c))) {
    throw new OciError(
      'NAME_INVALID',
      `"${name}" is not {repository}/{image}: image name components are lowercase letters and digits separated by ".", "_", "__" or "-", and the name is at most ${MAX_NAME} characters`,
      { detail: { name } },
    );
  }
  return { repo, image };
}

export function checkDigest(digest: string): void {
  if (!DIGEST.test(digest)) {
    throw new OciError('DIGEST_INVALID', `"${digest}" is not a digest (algorithm:hex)`, {
      detail: { digest },
    });
  }
}

function checkReference(ref: string): void {
  if (ref.includes(':')) checkDigest(ref);
  else if (!TAG.test(ref)) {
    throw new OciError(
      'TAG_INVALID',
      `"${ref}" is not a tag: up to 128 of [a-zA-Z0-9._-], not starting with "." or "-"`,
      { status: 400, detail: { tag: ref } },
    );
  }
}

/** The hex of a sha256 digest; other algorithms are refused (nothing here stores them). */
export function sha256Hex(digest: string): string {
  const m = SHA256_DIGEST.exec(digest);
  if (!m?.[1]) {
    throw new OciError('DIGEST_INVALID', `digest "${digest}" is not sha256:<64 hex digits>`, {
      status: 400,
      detail: { digest, supported: ['sha256'] },
    });
  }
  return m[1];
}

export const isDigest = (ref: string): boolean => ref.includes(':');

export const blobPath = (image: string, hex: string): string => `${image}/_blobs/sha256/${hex}`;
export const manifestPath = (image: string, hex: string): string =>
  `${image}/_manifests/sha256/${hex}`;
export const tagPath = (image: string, tag: string): string => `${image}/_tags/${tag}`;
export const tagsFolder = (image: string): string => `${image}/_tags`;
/** A remote's cached copy of the upstream's tag list. */
export const tagListPath = (image: string): string => `${image}/_taglist.json`;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new OciError('NAME_INVALID', `"${s}" has an invalid percent-encoding`);
  }
}
