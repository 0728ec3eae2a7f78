/**
 * Manifests and indexes (OCI image-spec and Docker v2 schema 2): validation on push, what they
 * reference, and the layer/size record kept on every stored manifest as properties, so an
 * image's total and per-layer size can be queried (and promoted, and listed by the storage API).
 */
import type { Properties } from '../../internal/metastore.ts';
import { OciError } from './errors.ts';
import { DIGEST, INDEX_TYPES, MANIFEST_TYPES, MEDIA } from './names.ts';

/** The spec lets registries refuse manifests above 4 MiB. */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Record<string, unknown>;
}

export interface ParsedManifest {
  mediaType: string;
  index: boolean;
  config?: Descriptor;
  /** Layers (image) or child manifests (index). */
  entries: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Property keys on stored manifests (Artifactory's names where it has one). */
export const PROP = {
  image: 'docker.repoName',
  tag: 'docker.manifest',
  digest: 'docker.manifest.digest',
  mediaType: 'docker.manifest.mediaType',
  kind: 'docker.manifest.type',
  config: 'docker.config',
  layer: 'docker.layer',
  layers: 'docker.layers.count',
  size: 'docker.size',
  subject: 'docker.subject',
  artifactType: 'docker.artifactType',
} as const;

/**
 * Parses and checks a manifest. `declared` is the Content-Type it came with (undefined when the
 * type should come from the document, e.g. a cached upstream copy).
 */
export function parseManifest(body: Buffer, declared: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalid(`the manifest is not JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw invalid('the manifest is not a JSON object');
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type =
    declared ?? own ?? (Array.isArray(doc.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest);
  if (!MANIFEST_TYPES.includes(type)) {
    throw invalid(`media type "${type}" is not a supported manifest type`, {
      supported: MANIFEST_TYPES,
    });
  }
  if (own !== undefined && own !== type) {
    throw invalid(`the manifest says its mediaType is "${own}" but was sent as "${type}"`);
  }
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const index = INDEX_TYPES.includes(type);
  const out: ParsedManifest = { mediaType: type, index, entries: [] };
  if (index) {
    if (!Array.isArray(doc.manifests)) throw invalid('an index needs a "manifests" array');
    out.entries = doc.manifests.map((d, i) => descriptor(d, `manifests[${i}]`));
  } else {
    out.config = descriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers)) throw invalid('an image manifest needs a "layers" array');
    out.entries = doc.layers.map((d, i) => descriptor(d, `layers[${i}]`));
  }
  if (doc.subject !== undefined) out.subject = descriptor(doc.subject, 'subject');
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  if (isObject(doc.annotations)) out.annotations = stringMap(doc.annotations);
  return out;
}

/** The artifact type the referrers API reports: `artifactType`, else the config's media type. */
export function artifactTypeOf(m: ParsedManifest): string | undefined {
  return m.artifactType ?? (m.index ? undefined : m.config?.mediaType);
}

/** Config plus layers for an image; for an index, the given sizes of its children. */
export function totalSize(m: ParsedManifest, childSizes?: Map<string, number>): number {
  if (m.index) {
    return m.entries.reduce((n, e) => n + e.size + (childSizes?.get(e.digest) ?? 0), 0);
  }
  return (m.config?.size ?? 0) + m.entries.reduce((n, e) => n + e.size, 0);
}

export function manifestProperties(
  image: string,
  digest: string,
  m: ParsedManifest,
  total: number,
): Properties {
  const p: Properties = {
    [PROP.image]: [image],
    [PROP.digest]: [digest],
    [PROP.mediaType]: [m.mediaType],
    [PROP.kind]: [m.index ? 'index' : 'image'],
    [PROP.size]: [String(total)],
    [PROP.layers]: [String(m.entries.length)],
  };
  // "position digest size": properties are sets, the position keeps the order.
  if (m.entries.length) p[PROP.layer] = m.entries.map((e, i) => `${i} ${e.digest} ${e.size}`);
  if (m.config) p[PROP.config] = [m.config.digest];
  if (m.subject) p[PROP.subject] = [m.subject.digest];
  const at = artifactTypeOf(m);
  if (at) p[PROP.artifactType] = [at];
  return p;
}

function descriptor(d: unknown, where: string): Descriptor {
  if (!isObject(d)) throw invalid(`${where} is not a descriptor object`);
  const { mediaType, digest, size } = d;
  if (typeof mediaType !== 'string' || mediaType === '')
    throw invalid(`${where}.mediaType is missing`);
  if (typeof digest !== 'string' || !DIGEST.test(digest))
    throw invalid(`${where}.digest is not a digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where}.size is not a non-negative integer`);
  const out: Descriptor = { mediaType, digest, size };
  if (typeof d.artifactType === 'string') out.artifactType = d.artifactType;
  if (isObject(d.annotations)) out.annotations = stringMap(d.annotations);
  if (isObject(d.platform)) out.platform = d.platform;
  return out;
}

function invalid(message: string, detail: unknown = null): OciError {
  return new OciError('MANIFEST_INVALID', message, { detail });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') out[k] = v;
  return out;
}
