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
import {
  CHART_INVALID,
  CHART_NAME,
  SEMVER,
  chartEntry as coreChartEntry,
  isStowageError,
  parseChartYaml,
  type ChartEntry,
} from '@stowage/core';

export { CHART_NAME, SEMVER, type ChartEntry };

export interface ChartIndex {
  apiVersion: 'v1';
  entries: Record<string, ChartEntry[]>;
  generated: string;
}

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
 * Checks a parsed Chart.yaml and returns its index fields (core's reader); what Helm would refuse
 * becomes ERR_HELM_CHART_INVALID (400).
 */
export function chartEntry(doc: unknown): ChartEntry {
  try {
    return coreChartEntry(doc);
  } catch (err) {
    throw asHttp(err);
  }
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
  if (!member)
    throw new HttpError('ERR_HELM_CHART_INVALID', 'the archive has no {chart}/Chart.yaml');
  try {
    return parseChartYaml(member.data.toString('utf8'));
  } catch (err) {
    throw asHttp(err);
  }
}

function asHttp(err: unknown): unknown {
  return isStowageError(err) && err.code === CHART_INVALID
    ? new HttpError('ERR_HELM_CHART_INVALID', err.message, { cause: err })
    : err;
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
