/**
 * Container images through Stowage's OCI registry (`/v2/{repo}/{image}`): `skopeo copy` in or
 * out with the Stowage token, then the pushed (or pulled) manifest read back from the registry
 * and turned into a build-info module of type `docker` — the manifest digest, tag and platforms
 * as module properties, each layer and config blob as an artifact named `sha256__{hex}`
 * (JFrog's convention) with its sha256 and size, or, for a pull, as dependencies.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact, Dependency, Module } from '../buildinfo.ts';
import type { RepositoryClient } from '../client.ts';
import { StowageError } from '../errors.ts';
import { authEntry, registryHost } from '../setup/docker.ts';

export interface ImageRef {
  /** Stowage repository (packageType docker). */
  repo: string;
  /** Image name inside the repository; may hold slashes. */
  image: string;
  /** A tag, or a `sha256:` digest. */
  reference: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `{repo}/{image}:{tag}` or `{repo}/{image}@sha256:…`; the tag defaults to `latest`. */
export function parseImageRef(text: string): ImageRef {
  const bad = (why: string): StowageError =>
    new StowageError('ERR_DOCKER_REFERENCE', `"${text}" is not {repo}/{image}:{tag}: ${why}`, {
      hint: 'write the Stowage repository, the image and the tag, e.g. docker-local/etl:42',
    });
  let name = text;
  let reference = 'latest';
  const at = text.indexOf('@');
  if (at >= 0) {
    name = text.slice(0, at);
    reference = text.slice(at + 1);
    if (!DIGEST.test(reference)) throw bad(`"${reference}" is not a sha256 digest`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon > text.lastIndexOf('/')) {
      name = text.slice(0, colon);
      reference = text.slice(colon + 1);
      if (!TAG.test(reference)) throw bad(`"${reference}" is not a tag`);
    }
  }
  const slash = name.indexOf('/');
  if (slash <= 0) throw bad('the repository is missing');
  const repo = name.slice(0, slash);
  const image = name.slice(slash + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(repo))
    throw bad(`"${repo}" is not a repository key`);
  if (image === '' || !image.split('/').every((c) => COMPONENT.test(c)))
    throw bad('image name components are lowercase letters and digits separated by . _ __ or -');
  return { repo, image, reference };
}

export const isDigestRef = (ref: ImageRef): boolean => ref.reference.startsWith('sha256:');

/** `image:tag` or `image@sha256:…`, the module id (without the repository, as JFrog's). */
export function moduleIdOf(ref: ImageRef): string {
  return `${ref.image}${isDigestRef(ref) ? '@' : ':'}${ref.reference}`;
}

const TRANSPORTS = [
  'oci:',
  'oci-archive:',
  'docker://',
  'docker-archive:',
  'docker-daemon:',
  'dir:',
  'containers-storage:',
];

/**
 * A source or destination in skopeo's transport syntax: kept when it names a transport
 * (`oci:layout:tag`, `docker-archive:x.tar`, `docker-daemon:img:tag`, …), else an OCI layout
 * path (`oci:` is added).
 */
export function skopeoLocation(text: string): string {
  return TRANSPORTS.some((t) => text.startsWith(t)) ? text : `oci:${text}`;
}

/** `docker://host:port/{repo}/{image}:{tag}` for the Stowage at `url`. */
export function registryLocation(url: string, ref: ImageRef): string {
  const sep = isDigestRef(ref) ? '@' : ':';
  return `docker://${registryHost(url)}/${ref.repo}/${ref.image}${sep}${ref.reference}`;
}

export interface SkopeoCopyOptions {
  /** Stowage URL (its host is the registry). */
  url: string;
  token?: string;
  user?: string;
  /** `push`: `source` → Stowage `ref`; `pull`: Stowage `ref` → `dest`. */
  direction: 'push' | 'pull';
  /** The other end, in skopeo syntax (see `skopeoLocation`). */
  location: string;
  ref: ImageRef;
  /** Copy every platform of an index (`--multi-arch all`); default: the system's platform. */
  all?: boolean;
  /** Pass `--insecure-policy` (when no containers policy.json exists). */
  insecurePolicy?: boolean;
  /** More skopeo copy arguments, placed before source and destination. */
  args?: string[];
  /** The skopeo program (default `skopeo` on PATH). */
  skopeo?: string;
  /** Environment for skopeo (default: inherited). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface SkopeoCopyResult {
  /** The digest skopeo wrote (`--digestfile`) for the copied manifest. */
  digest: string | undefined;
  /** The command line, credentials left out. */
  command: string[];
}

/**
 * Runs `skopeo copy` between `location` and Stowage. The credentials go in a temporary auth
 * file (mode 0600, removed afterwards), never on the command line; a plain-http Stowage gets
 * `--{src,dest}-tls-verify=false`.
 */
export async function skopeoCopy(opts: SkopeoCopyOptions): Promise<SkopeoCopyResult> {
  const side = opts.direction === 'push' ? 'dest' : 'src';
  const registry = registryLocation(opts.url, opts.ref);
  const tmp = await mkdtemp(join(tmpdir(), 'stowage-skopeo-'));
  try {
    const args = ['copy'];
    const global: string[] = opts.insecurePolicy ? ['--insecure-policy'] : [];
    if (opts.token) {
      const auth = join(tmp, 'auth.json');
      const host = registryHost(opts.url);
      const doc = { auths: { [host]: authEntry(opts.user ?? 'token', opts.token) } };
      await writeFile(auth, JSON.stringify(doc), { mode: 0o600 });
      args.push(`--${side}-authfile`, auth);
    }
    if (new URL(opts.url).protocol === 'http:') args.push(`--${side}-tls-verify=false`);
    if (opts.all) args.push('--multi-arch', 'all');
    const digestFile = join(tmp, 'digest');
    args.push('--digestfile', digestFile, ...(opts.args ?? []));
    args.push(
      ...(opts.direction === 'push' ? [opts.location, registry] : [registry, opts.location]),
    );
    const command = [opts.skopeo ?? 'skopeo', ...global, ...args];
    await new Promise<void>((resolve, reject) => {
      execFile(
        command[0] ?? 'skopeo',
        command.slice(1),
        {
          maxBuffer: 16 * 1024 * 1024,
          timeout: opts.timeoutMs ?? 30 * 60_000,
          ...(opts.env ? { env: opts.env } : {}),
        },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
          reject(
            new StowageError(
              missing ? 'ERR_DOCKER_SKOPEO_MISSING' : 'ERR_DOCKER_COPY',
              missing
                ? `${command[0]} is not installed (or not on PATH)`
                : `skopeo copy ${opts.direction === 'push' ? `${opts.location} → ${registry}` : `${registry} → ${opts.location}`} failed: ${String(stderr).trim() || err.message}`,
              {
                hint: missing
                  ? 'install skopeo (apt-get install -y skopeo, dnf install skopeo, brew install skopeo)'
                  : 'check the source/destination (skopeo transport syntax, e.g. oci:dir:tag, docker-archive:file.tar) and the token',
                cause: err,
              },
            ),
          );
        },
      );
    });
    const digest = (await readFile(digestFile, 'utf8').catch(() => '')).trim() || undefined;
    return {
      digest,
      command: command.map((a) => (a.startsWith(tmp) ? '<temporary auth file>' : a)),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface ImageBlob {
  digest: string;
  size: number;
  mediaType: string;
  type: 'layer' | 'config';
}

export interface ImagePlatform {
  /** `os/architecture[/variant]`, or undefined when neither index nor config says. */
  platform: string | undefined;
  /** The image manifest's digest. */
  digest: string;
  config: ImageBlob;
  layers: ImageBlob[];
}

export interface RemoteImage {
  ref: ImageRef;
  /** The tagged manifest (or index) digest. */
  digest: string;
  mediaType: string;
  index: boolean;
  /** One per image manifest: one for a plain image, one per platform for an index. */
  platforms: ImagePlatform[];
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
}

/**
 * Reads `ref` back from the registry: the manifest (or index and each platform manifest it
 * lists) with the Accept headers of OCI and Docker clients, and for a plain image its config
 * (for the platform).
 */
export async function readRemoteImage(
  client: RepositoryClient,
  ref: ImageRef,
): Promise<RemoteImage> {
  const name = `${ref.repo}/${ref.image}`;
  const top = await client.registryManifest(name, ref.reference);
  const doc = parseJson(top.body, `manifest ${name}:${ref.reference}`);
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : top.mediaType;
  const index = Array.isArray(doc.manifests);
  const out: RemoteImage = { ref, digest: top.digest, mediaType, index, platforms: [] };
  if (!index) {
    out.platforms.push(await platformOf(client, name, top.digest, doc, undefined));
    return out;
  }
  for (const d of (doc.manifests as unknown[]).map((m) => descriptor(m, name))) {
    if (d.platform?.os === 'unknown' || d.platform?.architecture === 'unknown') continue; // attestations
    const child = await client.registryManifest(name, d.digest).catch((err: unknown) => {
      // `skopeo copy` without --all leaves the other platforms out: they are not in the repository.
      if (err instanceof StowageError && err.status === 404) return undefined;
      throw err;
    });
    if (!child) continue;
    const cdoc = parseJson(child.body, `manifest ${name}@${d.digest}`);
    if (Array.isArray(cdoc.manifests)) continue; // nested indexes are not images
    out.platforms.push(
      await platformOf(client, name, child.digest, cdoc, platformText(d.platform)),
    );
  }
  return out;
}

async function platformOf(
  client: RepositoryClient,
  name: string,
  digest: string,
  doc: Record<string, unknown>,
  platform: string | undefined,
): Promise<ImagePlatform> {
  const config = descriptor(doc.config, name);
  const layers = Array.isArray(doc.layers) ? doc.layers.map((l) => descriptor(l, name)) : [];
  if (platform === undefined && /image\.config|container\.image/.test(config.mediaType)) {
    const cfg = parseJson(await client.registryBlob(name, config.digest), `config ${name}`);
    platform = platformText(cfg);
  }
  return {
    platform,
    digest,
    config: {
      digest: config.digest,
      size: config.size,
      mediaType: config.mediaType,
      type: 'config',
    },
    layers: layers.map((l) => ({
      digest: l.digest,
      size: l.size,
      mediaType: l.mediaType,
      type: 'layer',
    })),
  };
}

/** `sha256__{hex}`: JFrog's artifact name for a layer or config blob. */
export const blobArtifactName = (digest: string): string => digest.replace(':', '__');

/**
 * The build-info module for an image: id `{image}:{tag}`, type `docker`; properties
 * `docker.image.digest`, `docker.image.tag`, `docker.image.platform` (comma-separated for an
 * index), `docker.repo`; every config and layer blob once (an index's platforms share layers)
 * — as artifacts for a push, as dependencies for a pull.
 */
export function dockerModule(img: RemoteImage, as: 'push' | 'pull', id?: string): Module {
  const properties: Record<string, string> = {
    'docker.image.digest': img.digest,
    'docker.repo': img.ref.repo,
    'docker.image.mediaType': img.mediaType,
  };
  if (!isDigestRef(img.ref)) properties['docker.image.tag'] = img.ref.reference;
  const platforms = img.platforms.map((p) => p.platform).filter((p): p is string => !!p);
  if (platforms.length) properties['docker.image.platform'] = platforms.join(',');
  if (img.index) {
    properties['docker.image.manifests'] = img.platforms
      .map((p) => `${p.platform ?? '?'}=${p.digest}`)
      .join(',');
  }
  const seen = new Set<string>();
  const blobs: ImageBlob[] = [];
  for (const p of img.platforms) {
    for (const b of [p.config, ...p.layers]) {
      if (seen.has(b.digest)) continue;
      seen.add(b.digest);
      blobs.push(b);
    }
  }
  const hex = (d: string): string => d.slice(d.indexOf(':') + 1);
  const module: Module = { id: id ?? moduleIdOf(img.ref), type: 'docker', properties };
  if (as === 'push') {
    module.artifacts = blobs.map((b): Artifact => ({
      name: blobArtifactName(b.digest),
      type: b.type,
      path: `${img.ref.repo}/${img.ref.image}/_blobs/sha256/${hex(b.digest)}`,
      sha256: hex(b.digest),
      size: b.size,
    }));
  } else {
    module.dependencies = blobs.map((b): Dependency => ({
      id: blobArtifactName(b.digest),
      type: b.type,
      sha256: hex(b.digest),
    }));
  }
  return module;
}

function platformText(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return undefined;
  const { os, architecture, variant } = p as Record<string, unknown>;
  if (typeof os !== 'string' || typeof architecture !== 'string') return undefined;
  return [os, architecture, ...(typeof variant === 'string' && variant ? [variant] : [])].join('/');
}

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new StowageError('ERR_DOCKER_MANIFEST', `${what} is not JSON`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new StowageError('ERR_DOCKER_MANIFEST', `${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

function descriptor(d: unknown, name: string): Descriptor {
  const o = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
  if (
    typeof o.digest !== 'string' ||
    typeof o.size !== 'number' ||
    typeof o.mediaType !== 'string'
  ) {
    throw new StowageError(
      'ERR_DOCKER_MANIFEST',
      `a manifest of ${name} has a descriptor without digest, size or mediaType`,
    );
  }
  const out: Descriptor = { digest: o.digest, size: o.size, mediaType: o.mediaType };
  if (typeof o.platform === 'object' && o.platform !== null)
    out.platform = o.platform as Descriptor['platform'] & object;
  return out;
}
