/**
 * Helm charts as OCI artifacts (`helm push chart.tgz oci://host/repo`): a manifest whose config
 * has Helm's media type holds the chart's Chart.yaml fields as JSON and one chart layer (the
 * .tgz), plus an optional provenance layer. The Docker registry calls `helmOciProperties` when
 * such a manifest is pushed: the config is checked with the same rules as a Chart.yaml uploaded
 * to a chart repository, and the chart metadata becomes properties of the manifest, which the
 * chart query API (`/api/stowage/v1/helm/{repo}/charts…`) answers for docker repositories.
 */
import { HttpError } from '../../errors.ts';
import type { Properties } from '../../internal/metastore.ts';
import { chartEntry, type ChartEntry } from './chart.ts';

/** Helm's OCI media types (helm.sh/helm/v3/pkg/registry/constants.go). */
export const HELM_OCI = {
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  provenance: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
} as const;

/** A chart's metadata is small; a config blob above this is not one. */
export const MAX_HELM_CONFIG = 1024 * 1024;

/** Property keys a Helm OCI manifest carries besides the registry's own. */
export const HELM_OCI_PROP = {
  /** Marks the manifest as a chart (value `chart`), so the query API can find them all. */
  marker: 'helm.oci',
  name: 'helm.name',
  version: 'helm.version',
  appVersion: 'helm.appVersion',
  /** The checked Chart.yaml fields as JSON. */
  entry: 'helm.chart',
  /** The chart layer (the .tgz): its digest and size. */
  chartDigest: 'helm.chart.digest',
  chartSize: 'helm.chart.size',
} as const;

interface Desc {
  mediaType: string;
  digest: string;
  size: number;
}

const invalid = (message: string): HttpError => new HttpError('ERR_HELM_CHART_INVALID', message);

/**
 * For a manifest whose config is Helm's: checks it (one chart layer, at most one provenance
 * layer, a config that is Chart.yaml's fields as JSON) and returns the properties to record.
 * Undefined for any other manifest. Throws ERR_HELM_CHART_INVALID (the registry answers
 * MANIFEST_INVALID).
 */
export async function helmOciProperties(
  manifest: { config?: Desc | undefined; entries: Desc[] },
  readConfig: (config: Desc) => Promise<Buffer>,
): Promise<Properties | undefined> {
  const config = manifest.config;
  if (config?.mediaType !== HELM_OCI.config) return undefined;
  const charts = manifest.entries.filter((l) => l.mediaType === HELM_OCI.chart);
  const provs = manifest.entries.filter((l) => l.mediaType === HELM_OCI.provenance);
  if (charts.length !== 1)
    throw invalid(
      `a Helm chart manifest needs exactly one ${HELM_OCI.chart} layer; this one has ${charts.length}`,
    );
  if (provs.length > 1) throw invalid('a Helm chart manifest has at most one provenance layer');
  if (config.size > MAX_HELM_CONFIG)
    throw invalid(`the Helm config is ${config.size} bytes; chart metadata is under 1 MiB`);
  let doc: unknown;
  try {
    doc = JSON.parse((await readConfig(config)).toString('utf8'));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw invalid(`the Helm config is not JSON (${(err as Error).message})`);
  }
  const entry: ChartEntry = chartEntry(doc);
  const chart = charts[0] as Desc;
  return {
    [HELM_OCI_PROP.marker]: ['chart'],
    [HELM_OCI_PROP.name]: [entry.name],
    [HELM_OCI_PROP.version]: [entry.version],
    ...(entry.appVersion !== undefined && { [HELM_OCI_PROP.appVersion]: [entry.appVersion] }),
    [HELM_OCI_PROP.entry]: [JSON.stringify(entry)],
    [HELM_OCI_PROP.chartDigest]: [chart.digest],
    [HELM_OCI_PROP.chartSize]: [String(chart.size)],
  };
}

/** The tag Helm gives a chart version (OCI tags cannot hold `+`). */
export function ociTagOf(version: string): string {
  return version.replaceAll('+', '_');
}
