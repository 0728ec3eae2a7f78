import type { XMLParser, XMLValidator } from 'fast-xml-parser';
import { compareVersions, isSnapshotVersion } from './layout.ts';

/** A `maven-metadata.xml` (group level: plugins; artifact level: versions; version level: snapshot). */
export interface MavenMetadata {
  groupId?: string;
  artifactId?: string;
  version?: string;
  versioning?: Versioning;
  plugins?: PluginEntry[];
}

export interface Versioning {
  latest?: string;
  release?: string;
  versions: string[];
  lastUpdated?: string;
  snapshot?: { timestamp?: string; buildNumber?: number; localCopy?: boolean };
  snapshotVersions: SnapshotVersion[];
}

export interface SnapshotVersion {
  classifier?: string;
  extension: string;
  value: string;
  updated: string;
}

export interface PluginEntry {
  name?: string;
  prefix: string;
  artifactId: string;
}

export class MetadataError extends Error {
  override name = 'MetadataError';
}

let xml: Promise<{ parser: XMLParser; validator: typeof XMLValidator }> | undefined;

/**
 * The XML parser, made by the first metadata read: fast-xml-parser is loaded then, so that a
 * server without Maven traffic does not keep it in memory.
 */
function xmlParser(): Promise<{ parser: XMLParser; validator: typeof XMLValidator }> {
  xml ??= import('fast-xml-parser').then(({ XMLParser, XMLValidator }) => ({
    parser: new XMLParser({
      ignoreAttributes: true,
      parseTagValue: false,
      trimValues: true,
      isArray: (_name, jpath) =>
        [
          'metadata.versioning.versions.version',
          'metadata.versioning.snapshotVersions.snapshotVersion',
          'metadata.plugins.plugin',
        ].includes(String(jpath)),
    }),
    validator: XMLValidator,
  }));
  return xml;
}

type Node = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  return undefined;
}

function obj(v: unknown): Node | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Parses maven-metadata.xml; throws MetadataError when it is not well-formed Maven metadata. */
export async function parseMetadata(text: string): Promise<MavenMetadata> {
  const { parser, validator } = await xmlParser();
  const valid = validator.validate(text);
  if (valid !== true) throw new MetadataError(`not well-formed XML: ${valid.err.msg}`);
  const doc = obj(parser.parse(text) as unknown);
  const root = obj(doc?.metadata) ?? (doc?.metadata === '' ? {} : undefined);
  if (!root) throw new MetadataError('the root element is not <metadata>');
  const md: MavenMetadata = {};
  const groupId = str(root.groupId);
  const artifactId = str(root.artifactId);
  const version = str(root.version);
  if (groupId) md.groupId = groupId;
  if (artifactId) md.artifactId = artifactId;
  if (version) md.version = version;
  const v = obj(root.versioning);
  if (v) {
    const versioning: Versioning = {
      versions: list(obj(v.versions)?.version)
        .map(str)
        .filter((x): x is string => !!x),
      snapshotVersions: [],
    };
    const latest = str(v.latest);
    const release = str(v.release);
    const lastUpdated = str(v.lastUpdated);
    if (latest) versioning.latest = latest;
    if (release) versioning.release = release;
    if (lastUpdated) {
      if (!/^\d{14}$/.test(lastUpdated))
        throw new MetadataError(`lastUpdated "${lastUpdated}" is not yyyyMMddHHmmss`);
      versioning.lastUpdated = lastUpdated;
    }
    const snap = obj(v.snapshot);
    if (snap) {
      const s: NonNullable<Versioning['snapshot']> = {};
      const ts = str(snap.timestamp);
      const bn = str(snap.buildNumber);
      if (ts) s.timestamp = ts;
      if (bn !== undefined) {
        if (!/^\d+$/.test(bn)) throw new MetadataError(`buildNumber "${bn}" is not a number`);
        s.buildNumber = Number(bn);
      }
      if (str(snap.localCopy) === 'true') s.localCopy = true;
      versioning.snapshot = s;
    }
    for (const raw of list(obj(v.snapshotVersions)?.snapshotVersion)) {
      const sv = obj(raw);
      const extension = str(sv?.extension);
      const value = str(sv?.value);
      if (!sv || !extension || !value)
        throw new MetadataError('a snapshotVersion lacks extension or value');
      const e: SnapshotVersion = { extension, value, updated: str(sv.updated) ?? '' };
      const classifier = str(sv.classifier);
      if (classifier) e.classifier = classifier;
      versioning.snapshotVersions.push(e);
    }
    md.versioning = versioning;
  }
  const plugins = obj(root.plugins);
  if (plugins) {
    md.plugins = [];
    for (const raw of list(plugins.plugin)) {
      const p = obj(raw);
      const prefix = str(p?.prefix);
      const pa = str(p?.artifactId);
      if (!p || !prefix || !pa) throw new MetadataError('a plugin lacks prefix or artifactId');
      const e: PluginEntry = { prefix, artifactId: pa };
      const name = str(p.name);
      if (name) e.name = name;
      md.plugins.push(e);
    }
  }
  return md;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function el(indent: string, name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `${indent}<${name}>${esc(String(value))}</${name}>\n`;
}

/** Writes maven-metadata.xml in the layout Maven itself writes. */
export function serializeMetadata(md: MavenMetadata): string {
  let x = '<?xml version="1.0" encoding="UTF-8"?>\n<metadata>\n';
  x += el('  ', 'groupId', md.groupId);
  x += el('  ', 'artifactId', md.artifactId);
  x += el('  ', 'version', md.version);
  const v = md.versioning;
  if (v) {
    x += '  <versioning>\n';
    x += el('    ', 'latest', v.latest);
    x += el('    ', 'release', v.release);
    if (v.snapshot) {
      x += '    <snapshot>\n';
      x += el('      ', 'timestamp', v.snapshot.timestamp);
      x += el('      ', 'buildNumber', v.snapshot.buildNumber);
      if (v.snapshot.localCopy) x += el('      ', 'localCopy', 'true');
      x += '    </snapshot>\n';
    }
    if (v.versions.length) {
      x += '    <versions>\n';
      for (const ver of v.versions) x += el('      ', 'version', ver);
      x += '    </versions>\n';
    }
    x += el('    ', 'lastUpdated', v.lastUpdated);
    if (v.snapshotVersions.length) {
      x += '    <snapshotVersions>\n';
      for (const sv of v.snapshotVersions) {
        x += '      <snapshotVersion>\n';
        x += el('        ', 'classifier', sv.classifier);
        x += el('        ', 'extension', sv.extension);
        x += el('        ', 'value', sv.value);
        x += el('        ', 'updated', sv.updated);
        x += '      </snapshotVersion>\n';
      }
      x += '    </snapshotVersions>\n';
    }
    x += '  </versioning>\n';
  }
  if (md.plugins?.length) {
    x += '  <plugins>\n';
    for (const p of md.plugins) {
      x += '    <plugin>\n';
      x += el('      ', 'name', p.name);
      x += el('      ', 'prefix', p.prefix);
      x += el('      ', 'artifactId', p.artifactId);
      x += '    </plugin>\n';
    }
    x += '  </plugins>\n';
  }
  return `${x}</metadata>\n`;
}

/** `yyyyMMddHHmmss` in UTC, as Maven writes lastUpdated. */
export function lastUpdatedStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Sorts versions and sets latest (highest) and release (highest non-SNAPSHOT). */
export function withVersions(
  md: MavenMetadata,
  versions: Iterable<string>,
  lastUpdated: string,
): MavenMetadata {
  const sorted = [...new Set(versions)].sort(compareVersions);
  const releases = sorted.filter((v) => !isSnapshotVersion(v));
  const versioning: Versioning = {
    ...(md.versioning ?? { snapshotVersions: [] }),
    versions: sorted,
    lastUpdated,
  };
  delete versioning.latest;
  delete versioning.release;
  const latest = sorted[sorted.length - 1];
  const release = releases[releases.length - 1];
  if (latest) versioning.latest = latest;
  if (release) versioning.release = release;
  return { ...md, versioning };
}

/**
 * Merges metadata documents of one path from several repositories (a virtual repository):
 * versions are united, plugins united by prefix, and a snapshot's newest build wins.
 */
export function mergeMetadata(docs: MavenMetadata[]): MavenMetadata | undefined {
  if (docs.length === 0) return undefined;
  if (docs.length === 1) return docs[0];
  const first = docs[0] as MavenMetadata;
  const out: MavenMetadata = {};
  const groupId = docs.find((d) => d.groupId)?.groupId;
  const artifactId = docs.find((d) => d.artifactId)?.artifactId;
  const version = docs.find((d) => d.version)?.version ?? first.version;
  if (groupId) out.groupId = groupId;
  if (artifactId) out.artifactId = artifactId;
  if (version) out.version = version;
  const withV = docs.filter((d) => d.versioning);
  if (withV.length) {
    const stamp = withV
      .map((d) => d.versioning?.lastUpdated ?? '')
      .reduce((a, b) => (b > a ? b : a), '');
    const snapshotOwner = withV
      .filter((d) => d.versioning?.snapshot)
      .sort((a, b) => snapshotKey(b).localeCompare(snapshotKey(a)))[0];
    const merged = withVersions(
      { versioning: { versions: [], snapshotVersions: [] } },
      withV.flatMap((d) => d.versioning?.versions ?? []),
      stamp,
    );
    const v = merged.versioning as Versioning;
    if (!stamp) delete v.lastUpdated;
    if (snapshotOwner?.versioning) {
      v.snapshot = snapshotOwner.versioning.snapshot as NonNullable<Versioning['snapshot']>;
      v.snapshotVersions = snapshotOwner.versioning.snapshotVersions;
    }
    out.versioning = v;
  }
  const plugins = new Map<string, PluginEntry>();
  for (const d of docs)
    for (const p of d.plugins ?? []) if (!plugins.has(p.prefix)) plugins.set(p.prefix, p);
  if (plugins.size) out.plugins = [...plugins.values()];
  return out;
}

function snapshotKey(d: MavenMetadata): string {
  const s = d.versioning?.snapshot;
  return `${s?.timestamp ?? ''}-${String(s?.buildNumber ?? 0).padStart(10, '0')}`;
}
