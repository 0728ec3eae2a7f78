/**
 * What a NuGet repository holds, per class, as NugetVersion records:
 *
 * - local: `{id}/{version}/{id}.{version}.nupkg` (lowercase) with the package's metadata in
 *   properties, and the `.nuspec` beside it;
 * - remote: an upstream NuGet v3 feed (its `url` is the service index). The service index, the
 *   registration (pages fetched when not inline) and flat-container version lists are
 *   metadata, cached under `.nuget/…` and `{id}/index.json` and revalidated; `.nupkg` and
 *   `.nuspec` files are immutable. Every document is re-rendered with Stowage's URLs;
 * - virtual: its members merged through the shared Resolver (first member wins per version;
 *   remotes are not asked about an id a local member holds).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { HttpError } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import type { ArtifactRecord, Properties, RepoConfig } from '../../internal/metastore.ts';
import {
  digestsFromSri,
  type Digests,
  type ResolveOptions,
  type Resolved,
} from '../../internal/resolver.ts';
import type { Services } from '../../internal/services.ts';
import {
  ArchiveLimitError,
  archiveLimitHttpError,
  findZipMember,
  sliceStream,
  type ArchiveCaps,
} from '../../internal/archive.ts';
import {
  fromCatalogEntry,
  isPrerelease,
  normalizeVersion,
  parseNuspec,
  uniqueSorted,
  type NugetVersion,
} from './model.ts';

const MAX_DOC = 64 * 1024 * 1024;

export const nupkgPath = (id: string, version: string): string => {
  const i = id.toLowerCase();
  const v = version.toLowerCase();
  return `${i}/${v}/${i}.${v}.nupkg`;
};
export const nuspecPath = (id: string, version: string): string =>
  `${id.toLowerCase()}/${version.toLowerCase()}/${id.toLowerCase()}.nuspec`;

/** The package folder a stored path belongs to (its lowercase id). */
export function packageOf(path: string): string | undefined {
  const first = path.split('/')[0];
  return first && !first.startsWith('.') ? first : undefined;
}

async function readAll(body: Readable, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > MAX_DOC) throw new HttpError('ERR_UPSTREAM_INVALID', `${what} is too large`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Upstream JSON (registration blobs may come gzipped whatever was asked). */
function parseDoc(buf: Buffer, what: string): Record<string, unknown> {
  try {
    const text = (
      buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf, { maxOutputLength: MAX_DOC }) : buf
    ).toString('utf8');
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `${what} is not a JSON document (${(err as Error).message})`,
    );
  }
}

/** Reads the .nuspec (a top-level `*.nuspec` member) from a staged package. */
export async function readNuspec(
  staged: StagedBlob,
  caps: ArchiveCaps,
): Promise<{ version: NugetVersion; nuspec: Buffer }> {
  let found: { name: string; data: Buffer } | undefined;
  try {
    found = await findZipMember(
      (start, end) => sliceStream(staged.read(), start, end),
      staged.size,
      (n) => !n.includes('/') && n.toLowerCase().endsWith('.nuspec'),
      caps,
    );
  } catch (err) {
    if (err instanceof ArchiveLimitError) throw archiveLimitHttpError(err, 'the package');
    throw new HttpError(
      'ERR_NUGET_PACKAGE_INVALID',
      `the package cannot be read as a zip (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (!found)
    throw new HttpError(
      'ERR_NUGET_PACKAGE_INVALID',
      'the package is not a zip with a {id}.nuspec at its root',
    );
  return { version: await parseNuspec(found.data.toString('utf8')), nuspec: found.data };
}

export class NugetRepos {
  readonly #svc: Services;

  constructor(svc: Services) {
    this.#svc = svc;
  }

  // ---- remotes ----

  /** Resolver options for a repository's paths: its upstream URLs and the local-owns guard. */
  options(extra: ResolveOptions = {}): ResolveOptions {
    return {
      packageOf,
      upstreamUrl: async (remote, path) => ({
        url: `${await this.#resource(remote, 'flat')}/${path}`,
        expect: await this.#declared(remote, path),
      }),
      ...extra,
    };
  }

  /** For a `.nupkg` of a remote: the sha512 its registration's catalog entry declares (`packageHash`). */
  async #declared(remote: RepoConfig, path: string): Promise<Digests> {
    const m = /^([^/]+)\/([^/]+)\/[^/]+\.nupkg$/.exec(path);
    if (!m?.[1] || !m[2]) return {};
    const id = m[1];
    const version = m[2];
    const versions = await this.#remoteVersions(remote, id).catch((err: unknown) => {
      this.#svc.log.warn({ repo: remote.key, err }, 'upstream registration unavailable');
      return undefined;
    });
    const v = versions?.find((x) => x.version.toLowerCase() === version);
    return v?.sha512 ? digestsFromSri(`sha512-${v.sha512}`) : {};
  }

  async #doc(
    remote: RepoConfig,
    path: string,
    url: string,
  ): Promise<Record<string, unknown> | undefined> {
    // Cache paths that are not `{flat container}/{path}` (the service index, registration pages,
    // searches) carry their upstream URL with the request: nothing kept in this process's memory.
    const found = await this.#svc.resolver.resolve(
      remote,
      path,
      this.options({
        upstreamUrl: async () => url,
        metadata: true,
        validate: async (body) => void parseDoc(await readAll(body, path), `${url}`),
      }),
    );
    if (!found) return undefined;
    return parseDoc(await readAll(this.#svc.blobs.open(found.art.sha256), path), url);
  }

  /** A resource base URL from a remote's service index (no trailing slash). */
  async #resource(remote: RepoConfig, kind: 'flat' | 'registration' | 'search'): Promise<string> {
    const index = await this.#doc(remote, '.nuget/index.json', remote.url ?? '');
    const prefixes = {
      flat: ['PackageBaseAddress/3.0.0'],
      registration: [
        'RegistrationsBaseUrl/3.6.0',
        'RegistrationsBaseUrl/3.4.0',
        'RegistrationsBaseUrl',
      ],
      search: ['SearchQueryService/3.5.0', 'SearchQueryService/3.0.0-rc', 'SearchQueryService'],
    }[kind];
    const resources = Array.isArray(index?.resources) ? (index.resources as unknown[]) : [];
    for (const type of prefixes) {
      for (const r of resources) {
        const o = r as Record<string, unknown>;
        const t = Array.isArray(o['@type']) ? (o['@type'] as unknown[]) : [o['@type']];
        if (t.includes(type) && typeof o['@id'] === 'string') return o['@id'].replace(/\/+$/, '');
      }
    }
    throw new HttpError(
      'ERR_UPSTREAM_INVALID',
      `the service index of ${remote.key} (${remote.url ?? ''}) has no ${prefixes[0] ?? kind}`,
      {
        hint: 'a NuGet remote URL is the v3 service index, e.g. https://api.nuget.org/v3/index.json',
      },
    );
  }

  async #remoteVersions(remote: RepoConfig, id: string): Promise<NugetVersion[] | undefined> {
    const base = await this.#resource(remote, 'registration');
    const index = await this.#doc(
      remote,
      `.nuget/registration/${id}/index.json`,
      `${base}/${id}/index.json`,
    );
    if (!index) return undefined;
    const out: NugetVersion[] = [];
    const pages = Array.isArray(index.items) ? (index.items as Record<string, unknown>[]) : [];
    for (const [i, page] of pages.entries()) {
      let items = page.items;
      if (!Array.isArray(items) && typeof page['@id'] === 'string') {
        const doc = await this.#doc(
          remote,
          `.nuget/registration/${id}/page-${i}.json`,
          page['@id'],
        );
        items = doc?.items;
      }
      for (const leaf of Array.isArray(items) ? (items as Record<string, unknown>[]) : []) {
        const v = fromCatalogEntry(leaf.catalogEntry);
        if (!v || v.id.toLowerCase() !== id) continue;
        const cached = await this.#svc.meta.getArtifact(remote.key, nupkgPath(v.id, v.version));
        if (cached) v.size = cached.size;
        out.push(v);
      }
    }
    return uniqueSorted(out);
  }

  // ---- every class ----

  /** The versions of package `id` (lowercase) a repository serves, ascending. */
  async versions(
    repo: RepoConfig,
    id: string,
    seen = new Set<string>(),
  ): Promise<NugetVersion[] | undefined> {
    if (repo.rclass === 'local') {
      const out: NugetVersion[] = [];
      for (const a of await this.#svc.meta.listFiles(repo.key, id)) {
        const v = await this.#local(a);
        if (v) out.push(v);
      }
      return out.length ? uniqueSorted(out) : undefined;
    }
    if (repo.rclass === 'remote') return this.#remoteVersions(repo, id);
    const found = await this.#svc.resolver.fromMembers(
      repo,
      { path: `${id}/index.json`, owner: id, seen },
      (m) => this.versions(m, id, seen),
    );
    const all = found.flatMap((f) => f.value);
    return all.length ? uniqueSorted(all) : undefined;
  }

  async #local(a: ArtifactRecord): Promise<NugetVersion | undefined> {
    if (!a.path.endsWith('.nupkg')) return undefined;
    const props = await this.#svc.meta.getProperties(a.id);
    const meta = props['nuget.meta']?.[0];
    if (!meta) return undefined;
    const v = JSON.parse(meta) as NugetVersion;
    v.listed = props['nuget.listed']?.[0] !== 'false';
    v.size = a.size;
    const sha512 = props['nuget.sha512']?.[0];
    if (sha512) v.sha512 = sha512;
    v.published = new Date(a.created).toISOString();
    return v;
  }

  /** A package file (`.nupkg` or `.nuspec`) through the Resolver. */
  async file(
    repo: RepoConfig,
    path: string,
    extra: ResolveOptions = {},
  ): Promise<Resolved | undefined> {
    return this.#svc.resolver.resolve(repo, path, this.options(extra));
  }

  /**
   * Search: packages whose id, title, description or tags contain `q`, each with its versions
   * (newest last). Remotes ask their upstream's search; a virtual merges members in order and
   * drops a remote's hit for an id that a local member holds.
   */
  async search(
    repo: RepoConfig,
    q: string,
    prerelease: boolean,
    seen = new Set<string>(),
  ): Promise<Map<string, NugetVersion[]>> {
    const out = new Map<string, NugetVersion[]>();
    const needle = q.trim().toLowerCase();
    if (repo.rclass === 'local') {
      const groups = new Map<string, NugetVersion[]>();
      for (const a of await this.#svc.meta.listFiles(repo.key, '')) {
        const v = await this.#local(a);
        if (!v || !v.listed || (!prerelease && isPrerelease(v.version))) continue;
        const k = v.id.toLowerCase();
        groups.set(k, [...(groups.get(k) ?? []), v]);
      }
      for (const [k, list] of groups) {
        const latest = uniqueSorted(list);
        const l = latest[latest.length - 1] as NugetVersion;
        const hay = [l.id, l.title ?? '', l.description, l.tags ?? ''].join(' ').toLowerCase();
        if (needle === '' || hay.includes(needle)) out.set(k, latest);
      }
      return out;
    }
    if (repo.rclass === 'remote') {
      const base = await this.#resource(repo, 'search');
      const query = `q=${encodeURIComponent(q)}&skip=0&take=100&prerelease=${prerelease}&semVerLevel=2.0.0`;
      const key = createHash('sha1').update(query).digest('hex');
      const doc = await this.#doc(repo, `.nuget/search/${key}.json`, `${base}?${query}`);
      for (const hit of Array.isArray(doc?.data) ? (doc.data as Record<string, unknown>[]) : []) {
        const latest = fromCatalogEntry(hit);
        if (!latest) continue;
        const list: NugetVersion[] = [];
        for (const e of Array.isArray(hit.versions)
          ? (hit.versions as Record<string, unknown>[])
          : []) {
          const nv = typeof e.version === 'string' ? normalizeVersion(e.version) : undefined;
          if (nv) list.push({ ...latest, version: nv });
        }
        out.set(latest.id.toLowerCase(), uniqueSorted(list.length ? list : [latest]));
      }
      return out;
    }
    const members = await this.#svc.resolver.fromMembers(repo, { seen }, async (m) => ({
      m,
      hits: await this.search(m, q, prerelease, seen),
    }));
    const locals = (await this.#svc.resolver.members(repo)).filter((m) => m.rclass === 'local');
    for (const { value } of members) {
      for (const [k, list] of value.hits) {
        if (out.has(k)) continue;
        if (value.m.rclass !== 'local') {
          let owned = false;
          for (const l of locals) if (await this.#svc.meta.folderExists(l.key, k)) owned = true;
          if (owned) continue;
        }
        out.set(k, list);
      }
    }
    return out;
  }

  // ---- push / unlist ----

  /** Stores a pushed package (its nuspec beside it); refuses a version the repository has. */
  async push(
    repo: RepoConfig,
    staged: StagedBlob,
    user: string,
    matrix: Properties,
  ): Promise<{ art: ArtifactRecord; version: NugetVersion }> {
    const { version: v, nuspec } = await readNuspec(staged, this.#svc.config.limits.archive);
    const hash = createHash('sha512');
    for await (const c of staged.read()) hash.update(c as Buffer);
    const sha512 = hash.digest('base64');
    const svc = this.#svc;
    return this.#svc.meta.withLock(`nuget\0${repo.key}\0${v.id.toLowerCase()}`, async () => {
      const path = nupkgPath(v.id, v.version);
      if (await svc.meta.getArtifact(repo.key, path)) {
        throw new HttpError(
          'ERR_NUGET_VERSION_EXISTS',
          `${v.id} ${v.version} is already in ${repo.key}`,
        );
      }
      const meta: NugetVersion = { ...v };
      delete meta.size;
      const art = await svc.commitStaged({
        repo: repo.key,
        path,
        staged,
        user,
        properties: {
          ...matrix,
          'nuget.id': [v.id],
          'nuget.version': [v.version],
          'nuget.sha512': [sha512],
          'nuget.listed': ['true'],
          'nuget.meta': [JSON.stringify(meta)],
        },
      });
      await svc.deploy({
        repo: repo.key,
        path: nuspecPath(v.id, v.version),
        body: Readable.from([nuspec]),
        expected: {},
        properties: {},
        user,
      });
      return { art, version: { ...v, sha512, size: art.size } };
    });
  }

  /** Unlists (NuGet's delete): the package stays downloadable but is hidden from searches and "latest". */
  async unlist(repo: RepoConfig, id: string, version: string): Promise<boolean> {
    return this.#setListed(repo, id, version, false);
  }

  async relist(repo: RepoConfig, id: string, version: string): Promise<boolean> {
    return this.#setListed(repo, id, version, true);
  }

  async #setListed(
    repo: RepoConfig,
    id: string,
    version: string,
    listed: boolean,
  ): Promise<boolean> {
    const path = nupkgPath(id, version);
    if (!(await this.#svc.meta.getArtifact(repo.key, path))) return false;
    await this.#svc.meta.setProperties(repo.key, path, { 'nuget.listed': [String(listed)] });
    return true;
  }
}
