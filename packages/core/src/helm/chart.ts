/**
 * Helm's Chart.yaml, read and checked the way Helm checks it (name, SemVer 2 version, apiVersion
 * v1/v2, field types) — the one reader the server (on upload) and the CLI (packaging a chart,
 * pushing one as an OCI artifact) share. A chart archive's Chart.yaml is read from the stream
 * without unpacking it.
 */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { StowageError } from '../errors.ts';
import { extractTarMember } from '../internal/tar.ts';

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

/** SemVer 2.0.0, as semver.org gives it. */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** A chart name: one path segment, no dots at the start (Helm refuses names that are paths). */
export const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,249}$/;

/** What a Chart.yaml that Helm would refuse throws: a StowageError with this code. */
export const CHART_INVALID = 'ERR_HELM_CHART_INVALID';

const invalid = (message: string, cause?: unknown): StowageError =>
  new StowageError(CHART_INVALID, message, {
    hint: 'fix Chart.yaml as `helm lint` would ask',
    ...(cause === undefined ? {} : { cause }),
  });

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
export async function readChart(archive: Readable): Promise<ChartEntry> {
  let member: { name: string; data: Buffer } | undefined;
  try {
    const gunzip = createGunzip();
    archive.once('error', (err) => gunzip.destroy(err));
    member = await extractTarMember(archive.pipe(gunzip), (n) => /^[^/]+\/Chart\.yaml$/.test(n));
  } catch (err) {
    throw invalid(`the chart archive cannot be read as a .tgz (${(err as Error).message})`, err);
  }
  if (!member) throw invalid('the archive has no {chart}/Chart.yaml');
  return parseChartYaml(member.data.toString('utf8'));
}

/** Parses and checks the text of a Chart.yaml. */
export function parseChartYaml(text: string): ChartEntry {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    throw invalid(`Chart.yaml is not YAML (${(err as Error).message})`, err);
  }
  return chartEntry(doc);
}
