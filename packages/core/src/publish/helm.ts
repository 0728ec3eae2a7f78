/**
 * Pushes a Helm chart: a chart directory is packaged the way `helm package` does it (every file
 * under `{name}/`, `.helmignore` honoured, `{name}-{version}.tgz`), then the archive is uploaded
 * with ChartMuseum's `POST {url}/api/helm/{repo}/api/charts`; the server reads and checks its
 * Chart.yaml and regenerates the repository's index.yaml.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { hashFile, type ChecksumsWithSize } from '../checksums.ts';
import { parseChartYaml } from '../helm/chart.ts';
import { RepositoryClient } from '../client.ts';
import { StowageError } from '../errors.ts';
import { tarStream, type TarFile } from '../internal/tar.ts';

export interface HelmPushOptions {
  /** Server base URL. */
  url: string;
  token?: string;
  user?: string;
  /** Local (or virtual with a default deployment) Helm repository. */
  repo: string;
  /** A chart archive (.tgz) or a chart directory (holding Chart.yaml). */
  chart: string;
  /** Stamps the pushed chart with the build. */
  build?: { name: string; number: string };
}

export interface HelmPushResult extends ChecksumsWithSize {
  name: string;
  version: string;
  repo: string;
  /** Where the chart is in the repository, e.g. `charts/mychart-1.0.0.tgz`. */
  path: string;
  /** The archive's file name. */
  file: string;
  /** True when the directory was packaged here. */
  packaged: boolean;
  /** False when the same chart version (byte-identical) was already there. */
  created: boolean;
}

const fail = (message: string, hint?: string): StowageError =>
  new StowageError('ERR_HELM_CHART', message, hint ? { hint } : {});

/** Turns a .helmignore glob into a test on a relative path (or on a base name). */
function ignoreRule(line: string): ((rel: string, isDir: boolean) => boolean) | undefined {
  let p = line.trim();
  if (p === '' || p.startsWith('#') || p.startsWith('!')) return undefined;
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '').replace(/^\/+/, '');
  const source = p
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`);
  const byPath = p.includes('/');
  return (rel, isDir) => {
    if (dirOnly && !isDir) return false;
    return re.test(byPath ? rel : rel.slice(rel.lastIndexOf('/') + 1));
  };
}

/** The files of a chart directory, relative with "/" separators, sorted; `.helmignore` applied. */
export async function chartFiles(dir: string): Promise<string[]> {
  const ignore = ((await readFile(join(dir, '.helmignore'), 'utf8').catch(() => '')) || '')
    .split('\n')
    .map(ignoreRule)
    .filter((r): r is (rel: string, isDir: boolean) => boolean => r !== undefined);
  const skip = (rel: string, isDir: boolean): boolean =>
    (isDir && rel.split('/').pop() === '.git') || ignore.some((r) => r(rel, isDir));
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      const rel = relative(dir, full).split(sep).join('/');
      if (e.isDirectory()) {
        if (!skip(rel, true)) await walk(full);
      } else if (e.isFile() && !skip(rel, false)) out.push(rel);
      // Symbolic links and other irregular files are left out.
    }
  };
  await walk(dir);
  return out.sort();
}

/** Packages a chart directory into `{outDir}/{name}-{version}.tgz`, as `helm package` does. */
export async function packageChart(
  dir: string,
  outDir: string,
): Promise<{ file: string; name: string; version: string }> {
  let yaml: string;
  try {
    yaml = await readFile(join(dir, 'Chart.yaml'), 'utf8');
  } catch {
    throw fail(`${dir} has no Chart.yaml`, 'pass a chart directory or a packaged .tgz');
  }
  // The same checks the server makes (core's one Chart.yaml reader), before anything is packed.
  const { name, version } = parseChartYaml(yaml);
  const files: TarFile[] = [];
  for (const rel of await chartFiles(dir)) {
    const source = join(dir, ...rel.split('/'));
    const st = await stat(source);
    files.push({ name: `${name}/${rel}`, source, size: st.size, mode: 0o644, mtime: st.mtime });
  }
  const file = join(outDir, `${name}-${version}.tgz`);
  await pipeline(tarStream(files), createGzip(), createWriteStream(file));
  return { file, name, version };
}

/** Packages (when given a directory) and uploads a chart. */
export async function pushHelmChart(opts: HelmPushOptions): Promise<HelmPushResult> {
  const st = await stat(opts.chart).catch(() => undefined);
  if (!st) throw fail(`${opts.chart} does not exist`);
  const tmp = st.isDirectory() ? await mkdtemp(join(tmpdir(), 'stowage-helm-')) : undefined;
  try {
    const file = tmp ? (await packageChart(opts.chart, tmp)).file : opts.chart;
    const sums = await hashFile(file);
    const shown = file.slice(file.lastIndexOf(sep) + 1);
    const client = new RepositoryClient({
      url: opts.url,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.user !== undefined ? { user: opts.user } : {}),
      ...(opts.build ? { build: opts.build } : {}),
    });
    let res;
    try {
      res = await client.sendFile({
        method: 'POST',
        path: `/api/helm/${encodeURIComponent(opts.repo)}/api/charts`,
        file,
        headers: {
          'content-type': 'application/gzip',
          'content-length': String(sums.size),
          'x-checksum-sha256': sums.sha256,
          'x-checksum-sha1': sums.sha1,
        },
        what: `push of ${shown}`,
      });
    } finally {
      await client.close();
    }
    const body = (res.body ?? {}) as {
      repo?: string;
      path?: string;
      name?: string;
      version?: string;
    };
    return {
      name: body.name ?? '',
      version: body.version ?? '',
      repo: body.repo ?? opts.repo,
      path: body.path ?? '',
      file: body.path ? body.path.slice(body.path.lastIndexOf('/') + 1) : shown,
      packaged: tmp !== undefined,
      created: res.status === 201,
      ...sums,
    };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Helm's OCI media types (helm.sh/helm/v3/pkg/registry/constants.go). */
export const HELM_OCI_MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  provenance: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
} as const;

/** Chart.yaml's fields, as the caller read and checked them. */
export type ChartMetadata = { name: string; version: string } & Record<string, unknown>;

export interface HelmOciPushOptions {
  client: RepositoryClient;
  /** `{repo}[/{path}]`: the chart becomes the image `{repo}/{path}/{name}`, tag its version. */
  target: string;
  /** A chart archive (.tgz) or a chart directory (holding Chart.yaml). */
  chart: string;
  /** Reads and checks `{chart}/Chart.yaml` from the archive; the fields become the OCI config. */
  readMetadata: (archive: string) => Promise<ChartMetadata>;
}

export interface HelmOciPushResult extends ChecksumsWithSize {
  name: string;
  version: string;
  /** `{repo}/{path}/{name}` */
  image: string;
  /** The version with `+` as `_` (OCI tags cannot hold `+`), as Helm tags it. */
  tag: string;
  /** `{image}:{tag}` */
  reference: string;
  manifestDigest: string;
  configDigest: string;
  /** The archive's file name. */
  file: string;
  packaged: boolean;
}

/**
 * Pushes a chart as an OCI artifact, as `helm push chart.tgz oci://host/{target}` does: the
 * Chart.yaml fields as the config blob (Helm's config media type), the .tgz as the one chart
 * layer (streamed from the file), and an OCI image manifest tagged with the version.
 */
export async function pushHelmChartOci(opts: HelmOciPushOptions): Promise<HelmOciPushResult> {
  const st = await stat(opts.chart).catch(() => undefined);
  if (!st) throw fail(`${opts.chart} does not exist`);
  const target = opts.target.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  if (target === '' || target.startsWith('/'))
    throw fail(`"${opts.target}" is not {repo}[/{path}]`, 'e.g. --oci docker-local/charts');
  const tmp = st.isDirectory() ? await mkdtemp(join(tmpdir(), 'stowage-helm-')) : undefined;
  try {
    const file = tmp ? (await packageChart(opts.chart, tmp)).file : opts.chart;
    const meta = await opts.readMetadata(file);
    const sums = await hashFile(file);
    const config = Buffer.from(JSON.stringify(meta));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const chartDigest = `sha256:${sums.sha256}`;
    const image = `${target}/${meta.name}`;
    const tag = meta.version.replaceAll('+', '_');
    await opts.client.registryPushBlob(image, {
      digest: configDigest,
      size: config.length,
      data: config,
    });
    await opts.client.registryPushBlob(image, { digest: chartDigest, size: sums.size, file });
    const annotations: Record<string, string> = {
      'org.opencontainers.image.title': meta.name,
      'org.opencontainers.image.version': meta.version,
    };
    if (typeof meta.description === 'string')
      annotations['org.opencontainers.image.description'] = meta.description;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: HELM_OCI_MEDIA.manifest,
        config: { mediaType: HELM_OCI_MEDIA.config, digest: configDigest, size: config.length },
        layers: [{ mediaType: HELM_OCI_MEDIA.chart, digest: chartDigest, size: sums.size }],
        annotations,
      }),
    );
    const manifestDigest = await opts.client.registryPutManifest(
      image,
      tag,
      HELM_OCI_MEDIA.manifest,
      manifest,
    );
    return {
      name: meta.name,
      version: meta.version,
      image,
      tag,
      reference: `${image}:${tag}`,
      manifestDigest,
      configDigest,
      file: file.slice(file.lastIndexOf(sep) + 1),
      packaged: tmp !== undefined,
      ...sums,
    };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Pulls a chart pushed as an OCI artifact (`{repo}/{path}/{name}:{version}` or `…@sha256:…`)
 * to `dest`: the manifest's chart layer, streamed and checked against its digest.
 */
export async function pullHelmChartOci(opts: {
  client: RepositoryClient;
  reference: string;
  dest: string;
}): Promise<{ image: string; manifestDigest: string; chartDigest: string; size: number }> {
  const ref = opts.reference.replace(/^oci:\/\//, '');
  const m = /^(.+?)(?:@(sha256:[a-f0-9]{64})|:([^:/@]+))$/.exec(ref);
  if (!m?.[1] || !m[1].includes('/'))
    throw fail(
      `"${opts.reference}" is not {repo}/{name}:{version}`,
      'e.g. docker-local/charts/app:1.2.0',
    );
  const image = m[1];
  const reference = m[2] ?? (m[3] ?? '').replaceAll('+', '_');
  const got = await opts.client.registryManifest(image, reference);
  let doc: { config?: { mediaType?: unknown }; layers?: unknown };
  try {
    doc = JSON.parse(got.body.toString('utf8')) as typeof doc;
  } catch {
    throw fail(`${ref} is not an OCI manifest`);
  }
  if (doc.config?.mediaType !== HELM_OCI_MEDIA.config)
    throw fail(`${ref} is not a Helm chart (its config is not ${HELM_OCI_MEDIA.config})`);
  const layer = (Array.isArray(doc.layers) ? (doc.layers as unknown[]) : []).find(
    (l): l is { digest: string; size: number } =>
      typeof l === 'object' &&
      l !== null &&
      (l as { mediaType?: unknown }).mediaType === HELM_OCI_MEDIA.chart &&
      typeof (l as { digest?: unknown }).digest === 'string',
  );
  if (!layer) throw fail(`${ref} has no chart layer`);
  await opts.client.registryDownloadBlob(image, layer.digest, opts.dest);
  return { image, manifestDigest: got.digest, chartDigest: layer.digest, size: layer.size };
}
