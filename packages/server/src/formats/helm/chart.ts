/**
 * Helm chart metadata: `Chart.yaml` read out of a chart archive and checked the way Helm checks
 * it (name, SemVer 2 version, apiVersion v1/v2, field types), the chart repository `index.yaml`
 * (Helm's documented format: apiVersion v1, entries by name, newest version first, generated),
 * and SemVer 2 ordering.
 */
import type { Readable } from 'node:stream';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { HttpError } from '../../errors.ts';
import {
  ArchiveLimitError,
  DEFAULT_ARCHIVE_CAPS,
  archiveLimitHttpError,
  findTarMember,
  type ArchiveCaps,
} from '../../internal/archive.ts';

/** One chart version as `index.yaml` lists it (Chart.yaml's fields plus urls, created, digest). */
export interface ChartEntry {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  kubeVersion?: string;
  home?: string;
  icon?: string;
  sources?: string[];
  keywords?: string[];
  maintainers?: { name: string; email?: string; url?: string }[];
  dependencies?: Record<string, unknown>[];
  annotations?: Record<string, string>;
  deprecated?: boolean;
  condition?: string;
  tags?: string;
  urls?: string[];
  created?: string;
  digest?: string;
  [extra: string]: unknown;
}

export interface ChartIndex {
  apiVersion: 'v1';
  entries: Record<string, ChartEntry[]>;
  generated: string;
}

/** SemVer 2.0.0, as semver.org gives it. */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** A chart name: one path segment, no dots at the start (Helm refuses names that are paths). */
export const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,249}$/;

const invalid = (message: string): HttpError => new HttpError('ERR_HELM_CHART_INVALID', message);

const STRING_FIELDS = [
  'description',
  'type',
  'kubeVersion',
  'home',
  'icon',
  'condition',
  'tags',
] as const;
const LIST_FIELDS = ['sources', 'keywords'] as const;

/** Compares SemVer 2 versions by precedence (build metadata ignored); invalid ones sort first. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : a.localeCompare(b);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const ra = pa[4];
  const rb = pb[4];
  if (ra === undefined || rb === undefined) return ra === rb ? 0 : ra === undefined ? 1 : -1;
  const xa = ra.split('.');
  const xb = rb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const ia = xa[i];
    const ib = xb[i];
    if (ia === undefined) return -1;
    if (ib === undefined) return 1;
    const na = /^\d+$/.test(ia);
    const nb = /^\d+$/.test(ib);
    if (na && nb) {
      const d = Number(ia) - Number(ib);
      if (d !== 0) return Math.sign(d);
    } else if (na !== nb) return na ? -1 : 1;
    else if (ia !== ib) return ia < ib ? -1 : 1;
  }
  return 0;
}

/** The archive name Helm gives a chart version. */
export function chartFile(name: string, version: string): string {
  return `${name}-${version}.tgz`;
}

/**
 * Checks a parsed Chart.yaml and returns its index fields. Throws ERR_HELM_CHART_INVALID with
 * what is wrong (what `helm lint` would say) otherwise.
 */
export function chartEntry(doc: unknown): ChartEntry {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalid('Chart.yaml is not a mapping');
  const d = doc as Record<string, unknown>;
  const name = d.name;
  if (typeof name !== 'string' || name === '') throw invalid('Chart.yaml has no name');
  if (!CHART_NAME.test(name) || name.includes('..'))
    throw invalid(`chart name "${name}" is invalid: use letters, digits, ".", "_" and "-"`);
  const version = typeof d.version === 'number' ? String(d.version) : d.version;
  if (typeof version !== 'string' || !SEMVER.test(version))
    throw invalid(`chart version "${String(version ?? '')}" is not SemVer 2 (e.g. 1.2.3)`);
  const apiVersion = d.apiVersion;
  if (apiVersion !== 'v1' && apiVersion !== 'v2')
    throw invalid(`Chart.yaml apiVersion is "${String(apiVersion ?? '')}", not v1 or v2`);
  const out: ChartEntry = { apiVersion, name, version };
  if (d.appVersion !== undefined && d.appVersion !== null) {
    if (!['string', 'number'].includes(typeof d.appVersion))
      throw invalid('Chart.yaml appVersion is not a string');
    out.appVersion = String(d.appVersion as string | number);
  }
  for (const f of STRING_FIELDS) {
    const v = d[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalid(`Chart.yaml ${f} is not a string`);
    out[f] = v;
  }
  if (out.type !== undefined && !['application', 'library'].includes(out.type))
    throw invalid(`chart type "${out.type}" is neither application nor library`);
  for (const f of LIST_FIELDS) {
    const v = d[f];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw invalid(`Chart.yaml ${f} is not a list of strings`);
    out[f] = v as string[];
  }
  if (d.maintainers !== undefined && d.maintainers !== null) {
    if (!Array.isArray(d.maintainers)) throw invalid('Chart.yaml maintainers is not a list');
    out.maintainers = d.maintainers.map((m, i) => {
      const o = m as Record<string, unknown> | null;
      if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || o.name === '')
        throw invalid(`Chart.yaml maintainers[${i}] has no name`);
      const r: { name: string; email?: string; url?: string } = { name: o.name };
      if (typeof o.email === 'string') r.email = o.email;
      if (typeof o.url === 'string') r.url = o.url;
      return r;
    });
  }
  if (d.dependencies !== undefined && d.dependencies !== null) {
    if (!Array.isArray(d.dependencies)) throw invalid('Chart.yaml dependencies is not a list');
    out.dependencies = d.dependencies.map((x, i) => {
      const o = x as Record<string, unknown> | null;
      if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || o.name === '')
        throw invalid(`Chart.yaml dependencies[${i}] has no name`);
      for (const k of ['version', 'repository', 'condition', 'alias'] as const) {
        if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string')
          throw invalid(`Chart.yaml dependencies[${i}].${k} is not a string`);
      }
      return o;
    });
  }
  if (d.annotations !== undefined && d.annotations !== null) {
    const a = d.annotations;
    if (
      typeof a !== 'object' ||
      Array.isArray(a) ||
      Object.values(a).some((v) => typeof v !== 'string')
    )
      throw invalid('Chart.yaml annotations is not a map of strings');
    out.annotations = a as Record<string, string>;
  }
  if (d.deprecated !== undefined && d.deprecated !== null) {
    if (typeof d.deprecated !== 'boolean') throw invalid('Chart.yaml deprecated is not a boolean');
    out.deprecated = d.deprecated;
  }
  return out;
}

/** Reads and checks `{chart}/Chart.yaml` from a (gzip'd tar) chart archive stream. */
export async function readChart(
  archive: Readable,
  caps: ArchiveCaps = DEFAULT_ARCHIVE_CAPS,
): Promise<ChartEntry> {
  let member: { name: string; data: Buffer } | undefined;
  try {
    member = await findTarMember(archive, {
      compression: 'gzip',
      pattern: /^[^/]+\/Chart\.yaml$/,
      caps,
    });
  } catch (err) {
    if (err instanceof ArchiveLimitError) throw archiveLimitHttpError(err, 'the chart archive');
    throw new HttpError(
      'ERR_HELM_CHART_INVALID',
      `the chart archive cannot be read as a .tgz (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!member) throw invalid('the archive has no {chart}/Chart.yaml');
  let doc: unknown;
  try {
    doc = parseYaml(member.data.toString('utf8'), { maxAliasCount: 50 });
  } catch (err) {
    throw invalid(`Chart.yaml is not YAML (${(err as Error).message})`);
  }
  return chartEntry(doc);
}

/** Sorts each name's versions newest first and the names alphabetically, as `helm repo index` does. */
export function sortEntries(entries: Record<string, ChartEntry[]>): Record<string, ChartEntry[]> {
  const out: Record<string, ChartEntry[]> = {};
  for (const name of Object.keys(entries).sort()) {
    out[name] = [...(entries[name] ?? [])].sort((a, b) => compareSemver(b.version, a.version));
  }
  return out;
}

export function renderIndex(entries: Record<string, ChartEntry[]>): Buffer {
  const doc: ChartIndex = {
    apiVersion: 'v1',
    entries: sortEntries(entries),
    generated: new Date().toISOString(),
  };
  return Buffer.from(stringifyYaml(doc, { lineWidth: 0 }));
}

/**
 * Parses an upstream `index.yaml`. Entries without a string name and version are dropped (Helm
 * skips them too); a document that is not an index at all throws ERR_UPSTREAM_INVALID.
 */
export function parseIndex(text: string): Record<string, ChartEntry[]> {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 1000 });
  } catch (err) {
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `index.yaml is not YAML (${(err as Error).message})`,
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new HttpError('ERR_UPSTREAM_INVALID', 'index.yaml is not a mapping');
  const raw = (doc as { entries?: unknown }).entries;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new HttpError('ERR_UPSTREAM_INVALID', 'index.yaml entries is not a mapping');
  const out: Record<string, ChartEntry[]> = {};
  for (const [name, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(list) || !CHART_NAME.test(name)) continue;
    const versions = list.filter(
      (e): e is ChartEntry =>
        typeof e === 'object' &&
        e !== null &&
        (e as { name?: unknown }).name === name &&
        typeof (e as { version?: unknown }).version === 'string',
    );
    if (versions.length) out[name] = versions;
  }
  return out;
}
