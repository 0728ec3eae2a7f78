/**
 * NuGet package identity and metadata: ids, normalized versions and their order, the .nuspec
 * read from a package, and the one record (`NugetVersion`) that every v3 and v2 document is
 * rendered from — whether it came from a local push, a remote's registration or a virtual's merge.
 */
import type { XMLParser } from 'fast-xml-parser';
import { HttpError } from '../../errors.ts';

/** NuGet's package id rule (letters, digits, `_`, separated by `.` or `-`), at most 100 characters. */
const ID = /^\w+(?:[.-]\w+)*$/;
const VERSION =
  /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function validId(id: string): boolean {
  return id.length <= 100 && ID.test(id);
}

/**
 * NuGet's normalized version: three parts (a fourth only when not zero), no leading zeros,
 * build metadata dropped. Undefined when `v` is not a NuGet version.
 */
export function normalizeVersion(v: string): string | undefined {
  const m = VERSION.exec(v.trim());
  if (!m) return undefined;
  const nums = [m[1], m[2], m[3], m[4]].map((p) => (p === undefined ? 0 : Number(p)));
  if (nums.some((n) => !Number.isSafeInteger(n))) return undefined;
  const core = nums[3] === 0 ? nums.slice(0, 3) : nums;
  return core.join('.') + (m[5] ? `-${m[5]}` : '');
}

export function isPrerelease(v: string): boolean {
  return /^[^+]*-/.test(v);
}

/** Orders normalized versions as NuGet does (SemVer 2, labels compared case-insensitively). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string): { nums: number[]; label: string[] } => {
    const [core = '', ...rest] = v.split('+')[0]?.split('-') ?? [];
    const label = rest.join('-');
    return { nums: core.split('.').map(Number), label: label ? label.split('.') : [] };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 4; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (x.label.length === 0 || y.label.length === 0) return y.label.length - x.label.length;
  for (let i = 0; i < Math.max(x.label.length, y.label.length); i++) {
    const p = x.label[i];
    const q = y.label[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d !== 0) return d < 0 ? -1 : 1;
    } else if (pn !== qn) return pn ? -1 : 1;
    else {
      const c = p.toLowerCase().localeCompare(q.toLowerCase());
      if (c !== 0) return c;
    }
  }
  return 0;
}

export interface Dependency {
  id: string;
  range: string;
}
export interface DependencyGroup {
  targetFramework?: string;
  dependencies: Dependency[];
}

/** What a repository knows about one version of a package. */
export interface NugetVersion {
  /** The id as its author spelled it. */
  id: string;
  /** The normalized version (original case). */
  version: string;
  listed: boolean;
  published?: string;
  description: string;
  authors: string;
  title?: string;
  summary?: string;
  tags?: string;
  projectUrl?: string;
  licenseUrl?: string;
  iconUrl?: string;
  requireLicenseAcceptance?: boolean;
  dependencyGroups: DependencyGroup[];
  /** Known once the package file is stored here (local or cached). */
  size?: number;
  sha512?: string;
}

let nuspecParser: Promise<XMLParser> | undefined;

/**
 * The .nuspec parser, made by the first package read: fast-xml-parser is loaded then, so that a
 * server without NuGet traffic does not keep it in memory.
 */
function xmlParser(): Promise<XMLParser> {
  nuspecParser ??= import('fast-xml-parser').then(
    ({ XMLParser }) =>
      new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        removeNSPrefix: true,
        parseTagValue: false,
        parseAttributeValue: false,
        trimValues: true,
        processEntities: true,
        isArray: (name) => name === 'group' || name === 'dependency',
      }),
  );
  return nuspecParser;
}

type Node = Record<string, unknown>;
const text = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string')
    return (v as Node)['#text'] as string;
  return undefined;
};

function deps(list: unknown): Dependency[] {
  if (!Array.isArray(list)) return [];
  const out: Dependency[] = [];
  for (const d of list as Node[]) {
    const id = typeof d['@_id'] === 'string' ? d['@_id'] : '';
    if (!validId(id)) throw invalid(`a dependency id "${id}" is not a NuGet package id`);
    out.push({ id, range: typeof d['@_version'] === 'string' ? d['@_version'] : '' });
  }
  return out;
}

function invalid(message: string): HttpError {
  return new HttpError('ERR_NUGET_PACKAGE_INVALID', message);
}

/** Parses a .nuspec; throws ERR_NUGET_PACKAGE_INVALID when it names no valid id and version. */
export async function parseNuspec(xml: string): Promise<NugetVersion> {
  const parser = await xmlParser();
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw invalid(`the .nuspec is not XML (${(err as Error).message})`);
  }
  const md = (doc.package as Node | undefined)?.metadata as Node | undefined;
  if (!md || typeof md !== 'object') throw invalid('the .nuspec has no <package><metadata>');
  const id = text(md.id) ?? '';
  const raw = text(md.version) ?? '';
  if (!validId(id)) throw invalid(`the .nuspec id "${id}" is not a NuGet package id`);
  const version = normalizeVersion(raw);
  if (!version) throw invalid(`the .nuspec version "${raw}" is not a NuGet version`);
  const dnode = md.dependencies as Node | undefined;
  const groups: DependencyGroup[] = [];
  if (dnode && typeof dnode === 'object') {
    if (Array.isArray(dnode.group)) {
      for (const g of dnode.group as Node[]) {
        const tf = g['@_targetFramework'];
        groups.push({
          ...(typeof tf === 'string' && tf !== '' && { targetFramework: tf }),
          dependencies: deps(g.dependency),
        });
      }
    }
    const flat = deps(dnode.dependency);
    if (flat.length) groups.push({ dependencies: flat });
  }
  const v: NugetVersion = {
    id,
    version,
    listed: true,
    description: text(md.description) ?? '',
    authors: text(md.authors) ?? '',
    dependencyGroups: groups,
  };
  for (const k of ['title', 'summary', 'tags', 'projectUrl', 'licenseUrl', 'iconUrl'] as const) {
    const s = text(md[k]);
    if (s) v[k] = s;
  }
  if (text(md.requireLicenseAcceptance) === 'true') v.requireLicenseAcceptance = true;
  return v;
}

/** A v3 catalog entry (from a registration page) as a NugetVersion; undefined when it is not one. */
export function fromCatalogEntry(e: unknown): NugetVersion | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const c = e as Node;
  const id = typeof c.id === 'string' ? c.id : '';
  const version = typeof c.version === 'string' ? normalizeVersion(c.version) : undefined;
  if (!validId(id) || !version) return undefined;
  const str = (k: string): string | undefined => {
    const s = c[k];
    if (typeof s === 'string' && s !== '') return s;
    if (Array.isArray(s)) return s.filter((x) => typeof x === 'string').join(', ') || undefined;
    return undefined;
  };
  const groups: DependencyGroup[] = [];
  for (const g of Array.isArray(c.dependencyGroups) ? (c.dependencyGroups as Node[]) : []) {
    const list: Dependency[] = [];
    for (const d of Array.isArray(g.dependencies) ? (g.dependencies as Node[]) : []) {
      if (typeof d.id === 'string' && validId(d.id))
        list.push({ id: d.id, range: typeof d.range === 'string' ? d.range : '' });
    }
    groups.push({
      ...(typeof g.targetFramework === 'string' &&
        g.targetFramework !== '' && { targetFramework: g.targetFramework }),
      dependencies: list,
    });
  }
  const v: NugetVersion = {
    id,
    version,
    listed: c.listed !== false,
    description: str('description') ?? '',
    authors: str('authors') ?? '',
    dependencyGroups: groups,
  };
  if (typeof c.published === 'string') v.published = c.published;
  const tags = str('tags');
  if (tags) v.tags = tags;
  for (const k of ['title', 'summary', 'projectUrl', 'licenseUrl', 'iconUrl'] as const) {
    const s = str(k);
    if (s) v[k] = s;
  }
  if (c.requireLicenseAcceptance === true) v.requireLicenseAcceptance = true;
  // Catalog entries (and some registrations) declare the package's hash: checked when fetched.
  const alg = typeof c.packageHashAlgorithm === 'string' ? c.packageHashAlgorithm : 'SHA512';
  if (typeof c.packageHash === 'string' && alg.toUpperCase() === 'SHA512') v.sha512 = c.packageHash;
  return v;
}

/** Versions sorted ascending, one per normalized version (the first seen wins). */
export function uniqueSorted(list: NugetVersion[]): NugetVersion[] {
  const seen = new Map<string, NugetVersion>();
  for (const v of list) {
    const k = v.version.toLowerCase();
    if (!seen.has(k)) seen.set(k, v);
  }
  return [...seen.values()].sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * A SemVer 2.0.0 version (nuget.org's rule): a dotted pre-release label (`1.0.0-rc.1`) or build
 * metadata (`1.0.0+abc`). NuGet 2.x and the SemVer 1 feeds never see these.
 */
export function isSemVer2(version: string): boolean {
  const plus = version.indexOf('+');
  if (plus >= 0) return true;
  const dash = version.indexOf('-');
  return dash >= 0 && version.slice(dash + 1).includes('.');
}

/** Whether a request's `semVerLevel` asks for SemVer 2.0.0 versions too. */
export function wantsSemVer2(semVerLevel: string | undefined): boolean {
  const major = Number((semVerLevel ?? '').split('.')[0]);
  return Number.isFinite(major) && major >= 2;
}
