/**
 * Helm chart repositories under `/api/helm/{repo}/`: what `helm repo add` and `helm pull` read —
 * `index.yaml` and the chart archives it names (`charts/{name}-{version}.tgz`; a bare
 * `{name}-{version}.tgz` is the same file) — and ChartMuseum's API for pushing and deleting.
 *
 * Local repositories keep each chart version at `charts/{name}-{version}.tgz` with its Chart.yaml
 * fields as properties, and regenerate `index.yaml` after every upload and delete. Remote ones
 * proxy a chart repository through the shared Resolver: its index.yaml is metadata (revalidated
 * after max-age, served stale when the upstream is down), archives are immutable, and every
 * url the upstream index names (relative or absolute, on any host) is rewritten to this
 * repository's `charts/` path, which fetches from where the upstream said. Virtual ones merge
 * their members' indexes (first member wins a version) and never take a chart name from a
 * remote when a local member holds it.
 *
 * Upload: `POST /api/helm/{repo}/api/charts` (the .tgz as the body, or multipart field `chart`),
 * or `PUT /api/helm/{repo}/[charts/]{file}.tgz`; delete: `DELETE /api/helm/{repo}/api/charts/{name}/{version}`.
 * Query: `GET /api/stowage/v1/helm/{repo}/charts[/{name}[/{version}]]` (also at ChartMuseum's
 * `GET /api/helm/{repo}/api/charts…`).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import { declaredChecksums, rawUrl } from '../../internal/http.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import { parseMatrix, validateRelativePath } from '../../internal/paths.ts';
import { cleanDigests, type ResolveOptions, type UpstreamSource } from '../../internal/resolver.ts';
import {
  BUILD_NAME_PROP,
  BUILD_NUMBER_PROP,
  normalizeChecksums,
  verifyChecksums,
  type Services,
} from '../../internal/services.ts';
import { receiveMultipart } from '../../internal/multipart.ts';
import { buildIdentity, sendArtifact, sendComputed, serveFile } from '../../internal/serve.ts';
import {
  CHART_NAME,
  SEMVER,
  chartFile,
  parseIndex,
  readChart,
  renderIndex,
  sortEntries,
  type ChartEntry,
} from './chart.ts';
import { HELM_OCI_PROP, ociTagOf } from './oci.ts';

const READ = { permission: 'repo:read' } as const;
const DEPLOY = { permission: 'repo:deploy' } as const;
const DELETE = { permission: 'repo:delete' } as const;

const PREFIX = '/api/helm/';
const QUERY_PREFIX = '/api/stowage/v1/helm/';
export const INDEX = 'index.yaml';
const CHARTS = 'charts';
const MAX_INDEX_BYTES = 128 * 1024 * 1024;
const YAML_TYPE = 'application/x-yaml';
/** Property holding a stored chart version's Chart.yaml fields (JSON). */
const ENTRY_PROP = 'helm.chart';

type Entries = Record<string, ChartEntry[]>;

/** `charts/{file}.tgz` for a chart archive path (with or without `charts/`), else undefined. */
export function chartPathOf(path: string): string | undefined {
  const m = /^(?:charts\/)?([^/]+\.tgz)$/.exec(path);
  return m ? `${CHARTS}/${m[1] ?? ''}` : undefined;
}

/** The chart names a file name `{name}-{version}.tgz` may stand for (names may hold dashes). */
function candidateNames(path: string): string[] {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(/\.tgz$/, '');
  const out: string[] = [];
  for (let i = file.indexOf('-'); i > 0; i = file.indexOf('-', i + 1)) {
    if (SEMVER.test(file.slice(i + 1)) && CHART_NAME.test(file.slice(0, i)))
      out.push(file.slice(0, i));
  }
  return out;
}

function parseRequest(
  raw: string,
  prefix: string,
): { repo: string; matrix: Properties; path: string } {
  const after = raw.slice(prefix.length);
  const slash = after.indexOf('/');
  const head = slash < 0 ? after : after.slice(0, slash);
  const semi = head.indexOf(';');
  let repo: string;
  let path = slash < 0 ? '' : after.slice(slash + 1);
  try {
    repo = decodeURIComponent(semi < 0 ? head : head.slice(0, semi));
    path = decodeURIComponent(path);
  } catch {
    throw new HttpError('ERR_PATH_INVALID', `"${raw}" has an invalid percent-encoding`);
  }
  const matrix = semi < 0 ? {} : parseMatrix(head.slice(semi + 1));
  if (path !== '') path = validateRelativePath(path);
  return { repo, matrix, path };
}

async function readAll(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > max) {
      body.destroy();
      throw new HttpError('ERR_UPSTREAM_INVALID', `index.yaml is larger than ${max} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Entries rewritten to point at this repository's `charts/` path (relative to the repo URL). */
function localUrls(entries: Entries): Entries {
  const out: Entries = {};
  for (const [name, list] of Object.entries(entries)) {
    out[name] = list.map((e) => ({ ...e, urls: [`${CHARTS}/${chartFile(e.name, e.version)}`] }));
  }
  return out;
}

/** Chart repositories of each class: their entries, their index.yaml, uploads and deletes. */
export class HelmRepos {
  readonly #svc: Services;
  /** Parsed upstream indexes by blob digest (a large upstream index is parsed once). */
  readonly #parsed = new Map<string, Entries>();

  constructor(svc: Services) {
    this.#svc = svc;
  }

  /** A local repository's chart versions, from the properties stored with each archive. */
  async #localEntries(repo: RepoConfig, name?: string): Promise<Entries> {
    const out: Entries = {};
    const arts = name
      ? await this.#svc.meta.findByProperties({ 'helm.name': name }, repo.key)
      : await this.#svc.meta.listFiles(repo.key, CHARTS);
    for (const a of arts) {
      const fields = (await this.#svc.meta.getProperties(a.id))[ENTRY_PROP]?.[0];
      if (!fields) continue;
      const e = JSON.parse(fields) as ChartEntry;
      (out[e.name] ??= []).push({
        ...e,
        urls: [a.path],
        created: new Date(a.created).toISOString(),
        digest: a.sha256,
      });
    }
    return out;
  }

  /**
   * The charts pushed as OCI artifacts to a docker repository, from the properties the registry
   * recorded on each manifest. `urls` hold the OCI reference (`{repo}/{image}:{tag}`) and `digest`
   * the chart layer's sha256, as in a chart repository's index.
   */
  async #ociEntries(repo: RepoConfig): Promise<Entries> {
    const out: Entries = {};
    const found = await this.#svc.meta.findByProperties(
      { [HELM_OCI_PROP.marker]: 'chart' },
      repo.key,
    );
    for (const a of found) {
      const m = /^(.+)\/_manifests\/sha256\/([a-f0-9]{64})$/.exec(a.path);
      if (!m) continue;
      const props = await this.#svc.meta.getProperties(a.id);
      const fields = props[HELM_OCI_PROP.entry]?.[0];
      if (!fields) continue;
      const e = JSON.parse(fields) as ChartEntry;
      const layer = props[HELM_OCI_PROP.chartDigest]?.[0] ?? '';
      (out[e.name] ??= []).push({
        ...e,
        urls: [`oci://${repo.key}/${m[1] ?? ''}:${ociTagOf(e.version)}`],
        created: new Date(a.created).toISOString(),
        digest: layer.replace(/^sha256:/, ''),
        manifestDigest: `sha256:${m[2] ?? ''}`,
      });
    }
    return out;
  }

  /** A remote's upstream index (revalidated after max-age), as the upstream wrote it. */
  async upstreamIndex(repo: RepoConfig): Promise<{ entries: Entries; stale: boolean } | undefined> {
    const found = await this.#svc.resolver.resolve(repo, INDEX, {
      metadata: true,
      // An index that is not one is never cached.
      validate: async (body) => {
        parseIndex((await readAll(body, MAX_INDEX_BYTES)).toString('utf8'));
      },
    });
    if (!found) return undefined;
    return { entries: await this.#parse(found.art), stale: found.stale };
  }

  async #parse(art: ArtifactRecord): Promise<Entries> {
    const hit = this.#parsed.get(art.sha256);
    if (hit) return hit;
    const entries = parseIndex(
      (await readAll(this.#svc.blobs.open(art.sha256), MAX_INDEX_BYTES)).toString('utf8'),
    );
    this.#parsed.clear();
    this.#parsed.set(art.sha256, entries);
    return entries;
  }

  /** Where a remote fetches a chart archive: the url its upstream index names for it, and its `digest`. */
  async upstreamUrl(remote: RepoConfig, path: string): Promise<UpstreamSource | undefined> {
    const file = path.slice(path.lastIndexOf('/') + 1);
    const idx = await this.upstreamIndex(remote).catch((err: unknown) => {
      this.#svc.log.warn({ repo: remote.key, err }, 'upstream index unavailable');
      return undefined;
    });
    const base = `${(remote.url ?? '').replace(/\/+$/, '')}/`;
    for (const list of Object.values(idx?.entries ?? {})) {
      for (const e of list) {
        const url = e.urls?.[0];
        if (chartFile(e.name, e.version) !== file || typeof url !== 'string') continue;
        let abs: string;
        try {
          abs = new URL(url, base).toString();
        } catch {
          break;
        }
        return { url: abs, expect: cleanDigests({ sha256: e.digest }) };
      }
    }
    return undefined;
  }

  /** Dependency-confusion guard: a local repository holds the chart a path names. */
  async ownedBy(local: RepoConfig, path: string): Promise<boolean> {
    for (const name of candidateNames(path)) {
      if ((await this.#svc.meta.findByProperties({ 'helm.name': name }, local.key)).length > 0)
        return true;
    }
    return false;
  }

  resolveOptions(): ResolveOptions {
    return {
      ownedBy: (local, path) => this.ownedBy(local, path),
      upstreamUrl: (remote, path) => this.upstreamUrl(remote, path),
    };
  }

  /** A repository's chart versions; a virtual merges its members in order. */
  async entries(
    repo: RepoConfig,
    seen = new Set<string>(),
  ): Promise<{ entries: Entries; stale: boolean } | undefined> {
    const oci = repo.packageType === 'docker';
    // Docker repositories: charts pushed as OCI artifacts (a remote's are the cached ones).
    if (oci && repo.rclass !== 'virtual')
      return { entries: await this.#ociEntries(repo), stale: false };
    if (repo.rclass === 'local') return { entries: await this.#localEntries(repo), stale: false };
    if (repo.rclass === 'remote') {
      const idx = await this.upstreamIndex(repo);
      return idx && { entries: localUrls(idx.entries), stale: idx.stale };
    }
    const perMember = await this.#svc.resolver.fromMembers(repo, { seen }, (m) =>
      this.entries(m, seen),
    );
    const localNames = new Set<string>();
    for (const { member, value } of perMember) {
      if (member.rclass === 'local') for (const n of Object.keys(value.entries)) localNames.add(n);
    }
    const merged: Entries = {};
    for (const { member, value } of perMember) {
      for (const [name, list] of Object.entries(value.entries)) {
        // A chart name a local member holds is never taken from a remote (dependency confusion).
        if (member.rclass !== 'local' && localNames.has(name)) continue;
        const have = (merged[name] ??= []);
        for (const e of list) if (!have.some((h) => h.version === e.version)) have.push(e);
      }
    }
    return {
      // OCI references name the image, not this repository's charts/ path.
      entries: oci ? merged : localUrls(merged),
      stale: perMember.some((p) => p.value.stale),
    };
  }

  /** The index.yaml a repository serves: stored for locals, rewritten for remotes, merged for virtuals. */
  async index(repo: RepoConfig): Promise<{ art?: ArtifactRecord; body?: Buffer; stale: boolean }> {
    if (repo.rclass === 'local') {
      const art = await this.#svc.meta.getArtifact(repo.key, INDEX);
      return art ? { art, stale: false } : { body: renderIndex({}), stale: false };
    }
    const got = await this.entries(repo);
    if (!got) throw new HttpError('ERR_NOT_FOUND', `${repo.key} has no ${INDEX} upstream`);
    return { body: renderIndex(got.entries), stale: got.stale };
  }

  /** Rewrites a local repository's index.yaml from the charts it holds. */
  async #regenerate(repo: RepoConfig, user: string): Promise<void> {
    const entries = await this.#localEntries(repo);
    await this.#svc.deploy({
      repo: repo.key,
      path: INDEX,
      body: Readable.from([renderIndex(localUrls(entries))]),
      expected: {},
      properties: {},
      user,
    });
  }

  /**
   * Stores an uploaded chart (its Chart.yaml already checked) and regenerates index.yaml. An
   * existing version is refused unless the upload is byte-identical (then nothing changes).
   */
  async store(
    repo: RepoConfig,
    staged: StagedBlob,
    chart: ChartEntry,
    user: string,
    properties: Properties,
  ): Promise<{ art: ArtifactRecord; created: boolean }> {
    return this.#svc.meta.withLock(`helm\0${repo.key}`, async () => {
      const path = `${CHARTS}/${chartFile(chart.name, chart.version)}`;
      const existing = await this.#svc.meta.getArtifact(repo.key, path);
      if (existing) {
        await staged.discard();
        if (existing.sha256 === staged.sha256) return { art: existing, created: false };
        throw new HttpError(
          'ERR_HELM_VERSION_EXISTS',
          `${chart.name} ${chart.version} is already in ${repo.key} with other content (sha256 ${existing.sha256})`,
        );
      }
      const art = await this.#svc.commitStaged({
        repo: repo.key,
        path,
        staged,
        user,
        properties: {
          ...properties,
          'helm.name': [chart.name],
          'helm.version': [chart.version],
          ...(chart.appVersion !== undefined && { 'helm.appVersion': [chart.appVersion] }),
          [ENTRY_PROP]: [JSON.stringify(chart)],
        },
      });
      await this.#regenerate(repo, user);
      return { art, created: true };
    });
  }

  /** Deletes a chart version (or every version of a chart) and regenerates index.yaml. */
  async remove(
    repo: RepoConfig,
    name: string,
    version: string | undefined,
    user: string,
  ): Promise<number> {
    return this.#svc.meta.withLock(`helm\0${repo.key}`, async () => {
      let removed = 0;
      for (const a of await this.#svc.meta.findByProperties({ 'helm.name': name }, repo.key)) {
        const v = (await this.#svc.meta.getProperties(a.id))['helm.version']?.[0];
        if (version !== undefined && v !== version) continue;
        removed += await this.#svc.deletePath(repo.key, a.path);
      }
      if (removed > 0) await this.#regenerate(repo, user);
      return removed;
    });
  }
}

export async function helmRoutes(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const repos = new HelmRepos(app.stowage);

  const helmRepo = (key: string): Promise<RepoConfig> => app.stowage.repo(key, 'helm');

  /** ChartMuseum's shapes: all charts by name, one chart's versions, or one version. */
  const query = async (repo: RepoConfig, segs: string[]): Promise<unknown> => {
    const [name, version, ...rest] = segs;
    if (rest.length > 0)
      throw new HttpError('ERR_NOT_FOUND', `no chart query for ${segs.join('/')}`);
    const all = sortEntries((await repos.entries(repo))?.entries ?? {});
    if (name === undefined) return all;
    const list = all[name];
    if (!list) throw new HttpError('ERR_NOT_FOUND', `chart ${name} is not in ${repo.key}`);
    if (version === undefined) return list;
    const one = list.find((e) => e.version === version);
    if (!one)
      throw new HttpError('ERR_NOT_FOUND', `chart ${name} ${version} is not in ${repo.key}`);
    return one;
  };

  const get = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const r = parseRequest(rawUrl(req).path, PREFIX);
    await req.authorize('repo:read', r.repo);
    const repo = await helmRepo(r.repo);
    const segs = r.path.split('/');
    if (segs[0] === 'api' && segs[1] === 'charts') {
      return reply.send(
        await query(
          repo,
          segs.slice(2).filter((s) => s !== ''),
        ),
      );
    }
    if (r.path === INDEX || r.path === '') {
      const idx = await repos.index(repo);
      if (idx.stale) reply.header('x-stowage-cache', 'stale');
      if (idx.art) {
        return sendArtifact(req, reply, idx.art, {
          repo: repo.key,
          contentType: YAML_TYPE,
          record: false,
        });
      }
      return sendComputed(req, reply, idx.body ?? Buffer.alloc(0), YAML_TYPE);
    }
    const path = chartPathOf(r.path);
    if (!path) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
    const served = await serveFile(req, reply, {
      repo,
      path,
      resolve: repos.resolveOptions(),
      contentType: 'application/gzip',
      matrix: r.matrix,
    });
    if (!served) throw new HttpError('ERR_NOT_FOUND', `${repo.key}/${r.path} does not exist`);
    return reply;
  };

  app.get(`${PREFIX}*`, { config: READ, exposeHeadRoute: false }, (req, reply) => get(req, reply));
  app.head(`${PREFIX}*`, { config: READ }, (req, reply) => get(req, reply));

  app.get(`${QUERY_PREFIX}*`, { config: READ }, async (req, reply) => {
    const r = parseRequest(rawUrl(req).path, QUERY_PREFIX);
    await req.authorize('repo:read', r.repo);
    const segs = r.path.split('/').filter((s) => s !== '');
    if (segs[0] !== 'charts')
      throw new HttpError('ERR_NOT_FOUND', `no route for GET ${rawUrl(req).path}`, {
        hint: 'query GET /api/stowage/v1/helm/{repo}/charts[/{name}[/{version}]]',
      });
    // Charts pushed as OCI artifacts to a docker repository are queried the same way.
    const repo = await app.stowage.repo(r.repo);
    return reply.send(
      await query(repo.packageType === 'docker' ? repo : await helmRepo(r.repo), segs.slice(1)),
    );
  });

  const upload = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path, PREFIX);
    const who = await req.authorize('repo:deploy', r.repo);
    const pushApi = /^api\/charts\/?$/.test(r.path) && req.method === 'POST';
    if (!pushApi && !chartPathOf(r.path)) {
      req.raw.resume();
      throw new HttpError('ERR_PATH_INVALID', `cannot upload to ${r.path || '/'}`, {
        hint: 'POST the chart .tgz to /api/helm/{repo}/api/charts, or PUT it to /api/helm/{repo}/{name}-{version}.tgz',
      });
    }
    const target = await svc.deployableRepo(r.repo);
    if (target.key !== r.repo) await req.authorize('repo:deploy', target.key);
    if (target.packageType !== 'helm') {
      req.raw.resume();
      await helmRepo(target.key);
    }
    const expected = normalizeChecksums(declaredChecksums(req));
    let staged: StagedBlob | undefined;
    try {
      const ct = String(req.headers['content-type'] ?? '').toLowerCase();
      staged = ct.startsWith('multipart/form-data')
        ? await receiveChartPart(svc, req)
        : await svc.stageUpload((req.body as Readable | undefined) ?? req.raw);
      verifyChecksums(staged, expected, 'chart');
      const chart = await readChart(staged.read(), svc.config.limits.archive);
      const properties: Properties = { ...r.matrix };
      const build = buildIdentity(req);
      if (build.buildName && build.buildNumber) {
        properties[BUILD_NAME_PROP] = [build.buildName];
        properties[BUILD_NUMBER_PROP] = [build.buildNumber];
      }
      const s = staged;
      staged = undefined;
      const { art, created } = await repos.store(target, s, chart, who.user, properties);
      req.log.info(
        { repo: target.key, path: art.path, size: art.size, created },
        created ? 'helm chart uploaded' : 'helm chart upload identical to the stored one',
      );
      return reply.code(created ? 201 : 200).send({
        saved: true,
        repo: target.key,
        path: art.path,
        name: chart.name,
        version: chart.version,
        size: art.size,
        digest: art.sha256,
        checksums: { sha1: art.sha1, sha256: art.sha256, md5: art.md5 },
      });
    } finally {
      if (staged) await staged.discard();
    }
  };
  app.put(`${PREFIX}*`, { config: DEPLOY }, upload);
  app.post(`${PREFIX}*`, { config: DEPLOY }, upload);

  app.delete(`${PREFIX}*`, { config: DELETE }, async (req, reply) => {
    const svc = app.stowage;
    const r = parseRequest(rawUrl(req).path, PREFIX);
    const who = await req.authorize('repo:delete', r.repo);
    const target = await svc.deployableRepo(r.repo);
    if (target.key !== r.repo) await req.authorize('repo:delete', target.key);
    if (target.packageType !== 'helm') await helmRepo(target.key);
    const m = /^api\/charts\/([^/]+)(?:\/([^/]+))?$/.exec(r.path);
    if (!m) {
      throw new HttpError('ERR_PATH_INVALID', `cannot delete ${r.path || '/'}`, {
        hint: 'DELETE /api/helm/{repo}/api/charts/{name}/{version}',
      });
    }
    const name = m[1] ?? '';
    const removed = await repos.remove(target, name, m[2], who.user);
    if (removed === 0) {
      throw new HttpError(
        'ERR_NOT_FOUND',
        `chart ${name}${m[2] ? ` ${m[2]}` : ''} is not in ${target.key}`,
      );
    }
    req.log.info({ repo: target.key, name, version: m[2], removed }, 'helm chart deleted');
    return reply.send({ deleted: true });
  });
}

/** ChartMuseum's multipart push: the archive is the `chart` file part (a `prov` part is ignored). */
async function receiveChartPart(svc: Services, req: FastifyRequest): Promise<StagedBlob> {
  const upload = await receiveMultipart(svc, req, {
    take: (field) => field === 'chart',
    limits: { files: 2, fields: 20 },
  });
  if (!upload.file)
    throw new HttpError('ERR_BODY_INVALID', 'the multipart upload has no "chart" file part', {
      hint: 'send the archive as form field "chart" (curl -F chart=@mychart-1.0.0.tgz)',
    });
  return upload.file.staged;
}
