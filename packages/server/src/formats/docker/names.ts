/**
 * Names, references and storage paths of the OCI distribution API under `/v2/`. A request names
 * `{repo}/{image…}`: `{repo}` is a Stowage repository (packageType docker), `{image…}` an image
 * name that may contain slashes. Inside the repository an image keeps
 *
 *   {image}/_blobs/sha256/{hex}       layers and configs
 *   {image}/_manifests/sha256/{hex}   manifests and indexes, by digest
 *   {image}/_tags/{tag}               the tagged manifest's bytes (same stored blob)
 *   {image}/_blobs/sha512/{hex}       a blob pushed (or pulled) by a sha512 digest
 *   {image}/_manifests/sha512/{hex}   a manifest pushed (or pulled) by a sha512 digest
 *
 * Content is stored once, by its sha256, in the blob store; a `sha512` path is an alias record
 * of the same content, written only after the registry (or the resolver, for a remote) verified
 * the content's sha512 against the digest it names.
 *
 * The `_` prefix cannot start an image name component, so one image's files never collide with
 * a nested image's (`app/_tags/x` is always a tag of `app`).
 */
import { OciError } from './errors.ts';

/** The spec's `<name>` component and path grammar. */
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
export const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SUPPORTED_DIGEST = /^(?:(sha256):([a-f0-9]{64})|(sha512):([a-f0-9]{128}))$/;
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

/** The digest algorithms the registry stores content under. */
export type DigestAlg = 'sha256' | 'sha512';
export const DIGEST_ALGS: readonly DigestAlg[] = ['sha256', 'sha512'];

export interface OciDigest {
  alg: DigestAlg;
  /** Lowercase hex: 64 digits for sha256, 128 for sha512. */
  hex: string;
  /** `alg:hex` */
  digest: string;
}

/** A supported digest, or undefined (another algorithm, or malformed). */
export function tryDigest(digest: string): OciDigest | undefined {
  const m = SUPPORTED_DIGEST.exec(digest);
  if (!m) return undefined;
  const alg = (m[1] ?? m[3]) as DigestAlg;
  const hex = (m[2] ?? m[4]) as string;
  return { alg, hex, digest: `${alg}:${hex}` };
}

/** A supported digest; anything else is DIGEST_INVALID (400; GET and HEAD turn it into 404). */
export function parseDigest(digest: string): OciDigest {
  const d = tryDigest(digest);
  if (!d) {
    throw new OciError(
      'DIGEST_INVALID',
      `digest "${digest}" is neither sha256:<64 hex digits> nor sha512:<128 hex digits>`,
      { status: 400, detail: { digest, supported: DIGEST_ALGS } },
    );
  }
  return d;
}

export const isDigest = (ref: string): boolean => ref.includes(':');

export const blobPath = (image: string, hex: string): string => `${image}/_blobs/sha256/${hex}`;
export const manifestPath = (image: string, hex: string): string =>
  `${image}/_manifests/sha256/${hex}`;
/** Where a blob or manifest named by a digest of any supported algorithm is recorded. */
export const blobPathOf = (image: string, d: OciDigest): string =>
  `${image}/_blobs/${d.alg}/${d.hex}`;
export const manifestPathOf = (image: string, d: OciDigest): string =>
  `${image}/_manifests/${d.alg}/${d.hex}`;
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
