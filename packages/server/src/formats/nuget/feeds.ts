/**
 * The documents NuGet clients read, rendered from NugetVersion records: the v3 service index,
 * flat-container version lists, registration index/pages/leaves and search results (shapes of
 * the published NuGet Server API), and the v2 OData Atom feed, service document and $metadata
 * that NuGet 2.x (`nuget.exe` on mono) reads.
 */
import { isPrerelease, type NugetVersion } from './model.ts';

/** Where a repository's v3 and v2 endpoints live, absolute. */
export interface Bases {
  /** `{server}/api/nuget/v3/{repo}` */
  v3: string;
  /** `{server}/api/nuget/{repo}` */
  v2: string;
  /** The registration hive documents link within (default `registration`). */
  hive?: Hive;
}

/**
 * The three registration hives, as nuget.org has them: the plain one and the gzip'd 3.4.0 one
 * leave SemVer 2.0.0 versions out (older clients cannot parse them); 3.6.0 has every version.
 */
export const HIVES = {
  registration: { gzip: false, semver2: false },
  'registration-gz': { gzip: true, semver2: false },
  'registration-gz-semver2': { gzip: true, semver2: true },
} as const;
export type Hive = keyof typeof HIVES;

const hiveOf = (b: Bases): string => `${b.v3}/${b.hive ?? 'registration'}`;

const UNLISTED = '1900-01-01T00:00:00.000Z';
const EPOCH = '2000-01-01T00:00:00.000Z';

export function serviceIndex(b: Bases): unknown {
  const r = (id: string, type: string, comment: string): Record<string, string> => ({
    '@id': `${b.v3}/${id}`,
    '@type': type,
    comment,
  });
  return {
    version: '3.0.0',
    resources: [
      r('flatcontainer/', 'PackageBaseAddress/3.0.0', 'package versions and content'),
      r('registration/', 'RegistrationsBaseUrl', 'package metadata (SemVer 1)'),
      r('registration-gz/', 'RegistrationsBaseUrl/3.4.0', 'package metadata, gzip (SemVer 1)'),
      r(
        'registration-gz-semver2/',
        'RegistrationsBaseUrl/3.6.0',
        'package metadata, gzip (SemVer 2)',
      ),
      r('query', 'SearchQueryService', 'search'),
      r('query', 'SearchQueryService/3.0.0-beta', 'search'),
      r('query', 'SearchQueryService/3.0.0-rc', 'search'),
      r('query', 'SearchQueryService/3.5.0', 'search'),
      r('autocomplete', 'SearchAutocompleteService', 'id and version autocomplete'),
      r('autocomplete', 'SearchAutocompleteService/3.5.0', 'id and version autocomplete'),
      r('package', 'PackagePublish/2.0.0', 'push (PUT) and unlist (DELETE)'),
    ],
  };
}

const lower = (s: string): string => s.toLowerCase();
export const contentUrl = (b: Bases, v: NugetVersion): string =>
  `${b.v3}/flatcontainer/${lower(v.id)}/${lower(v.version)}/${lower(v.id)}.${lower(v.version)}.nupkg`;
const regIndex = (b: Bases, id: string): string => `${hiveOf(b)}/${lower(id)}/index.json`;
const leafUrl = (b: Bases, v: NugetVersion): string =>
  `${hiveOf(b)}/${lower(v.id)}/${lower(v.version)}.json`;

function catalogEntry(b: Bases, v: NugetVersion): Record<string, unknown> {
  const leaf = leafUrl(b, v);
  const e: Record<string, unknown> = {
    '@id': leaf,
    '@type': 'PackageDetails',
    id: v.id,
    version: v.version,
    authors: v.authors,
    description: v.description,
    listed: v.listed,
    published: v.listed ? (v.published ?? EPOCH) : UNLISTED,
    packageContent: contentUrl(b, v),
    requireLicenseAcceptance: v.requireLicenseAcceptance === true,
    tags: v.tags ? v.tags.split(/[\s,]+/).filter(Boolean) : [],
    dependencyGroups: v.dependencyGroups.map((g, gi) => ({
      '@id': `${leaf}#dependencygroup/${gi}`,
      '@type': 'PackageDependencyGroup',
      ...(g.targetFramework !== undefined && { targetFramework: g.targetFramework }),
      dependencies: g.dependencies.map((d) => ({
        '@id': `${leaf}#dependencygroup/${gi}/${lower(d.id)}`,
        '@type': 'PackageDependency',
        id: d.id,
        range: d.range === '' ? '(, )' : d.range,
        registration: regIndex(b, d.id),
      })),
    })),
  };
  for (const k of ['title', 'summary', 'projectUrl', 'licenseUrl', 'iconUrl'] as const) {
    if (v[k]) e[k] = v[k];
  }
  return e;
}

/** The registration index of a package with every version inline in one page. */
export function registrationIndex(b: Bases, versions: NugetVersion[]): unknown {
  const first = versions[0];
  const last = versions[versions.length - 1];
  if (!first || !last) return { count: 0, items: [] };
  const index = regIndex(b, first.id);
  return {
    '@id': index,
    '@type': ['catalog:CatalogRoot', 'PackageRegistration', 'catalog:Permalink'],
    count: 1,
    items: [registrationPage(b, versions, index)],
  };
}

export function registrationPage(b: Bases, versions: NugetVersion[], index?: string): unknown {
  const first = versions[0];
  const last = versions[versions.length - 1];
  if (!first || !last) return { count: 0, items: [] };
  const parent = index ?? regIndex(b, first.id);
  const lo = lower(first.version);
  const hi = lower(last.version);
  return {
    '@id': `${hiveOf(b)}/${lower(first.id)}/page/${lo}/${hi}.json`,
    '@type': 'catalog:CatalogPage',
    count: versions.length,
    lower: first.version,
    upper: last.version,
    parent,
    items: versions.map((v) => ({
      '@id': leafUrl(b, v),
      '@type': 'Package',
      catalogEntry: catalogEntry(b, v),
      packageContent: contentUrl(b, v),
      registration: parent,
    })),
  };
}

export function registrationLeaf(b: Bases, v: NugetVersion): unknown {
  return {
    '@id': leafUrl(b, v),
    '@type': ['Package', 'http://schema.nuget.org/catalog#Permalink'],
    catalogEntry: `${leafUrl(b, v)}#catalogentry`,
    listed: v.listed,
    packageContent: contentUrl(b, v),
    published: v.listed ? (v.published ?? EPOCH) : UNLISTED,
    registration: regIndex(b, v.id),
  };
}

/** One search hit: the package (its newest matching version) with its versions. */
export function searchHit(b: Bases, versions: NugetVersion[]): unknown {
  const latest = versions[versions.length - 1] as NugetVersion;
  return {
    '@id': regIndex(b, latest.id),
    '@type': 'Package',
    registration: regIndex(b, latest.id),
    id: latest.id,
    version: latest.version,
    description: latest.description,
    summary: latest.summary ?? '',
    title: latest.title ?? latest.id,
    authors: latest.authors ? latest.authors.split(/\s*,\s*/) : [],
    tags: latest.tags ? latest.tags.split(/[\s,]+/).filter(Boolean) : [],
    ...(latest.projectUrl && { projectUrl: latest.projectUrl }),
    ...(latest.iconUrl && { iconUrl: latest.iconUrl }),
    totalDownloads: 0,
    verified: false,
    packageTypes: [{ name: 'Dependency' }],
    versions: versions.map((v) => ({ version: v.version, downloads: 0, '@id': leafUrl(b, v) })),
  };
}

// ---- v2 OData (Atom) ----

const NS =
  'xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"';

export function xml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** The v2 `Dependencies` string: `id:range:framework|…` (`::framework` for an empty group). */
export function v2Dependencies(v: NugetVersion): string {
  const parts: string[] = [];
  for (const g of v.dependencyGroups) {
    const tf = g.targetFramework ?? '';
    if (g.dependencies.length === 0) {
      if (tf) parts.push(`::${tf}`);
      continue;
    }
    for (const d of g.dependencies) parts.push(`${d.id}:${d.range}:${tf}`);
  }
  return parts.join('|');
}

/** A v2 entry; `latest`/`absoluteLatest` say whether it is the newest (stable / any) version. */
export function v2Entry(
  b: Bases,
  v: NugetVersion,
  flags: { latest: boolean; absoluteLatest: boolean },
  root = false,
): string {
  const key = `Packages(Id='${xml(v.id)}',Version='${xml(v.version)}')`;
  const published = v.listed ? (v.published ?? EPOCH) : UNLISTED;
  const p = (name: string, value: string | undefined, type?: string): string =>
    value === undefined
      ? `<d:${name} m:null="true"/>`
      : `<d:${name}${type ? ` m:type="${type}"` : ''}>${xml(value)}</d:${name}>`;
  const date = (s: string): string => new Date(s).toISOString().replace(/Z$/, '');
  return [
    `<entry${root ? ` xml:base="${xml(b.v2)}/" ${NS}` : ''}>`,
    `<id>${xml(b.v2)}/${key}</id>`,
    '<category term="NuGetGallery.V2FeedPackage" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>',
    `<link rel="edit" title="V2FeedPackage" href="${key}"/>`,
    `<link rel="edit-media" title="V2FeedPackage" href="${key}/$value"/>`,
    `<title type="text">${xml(v.id)}</title>`,
    `<summary type="text">${xml(v.summary ?? '')}</summary>`,
    `<updated>${new Date(v.published ?? EPOCH).toISOString()}</updated>`,
    `<author><name>${xml(v.authors)}</name></author>`,
    `<content type="application/zip" src="${xml(b.v2)}/package/${encodeURIComponent(v.id)}/${encodeURIComponent(v.version)}"/>`,
    '<m:properties>',
    p('Version', v.version),
    p('NormalizedVersion', v.version),
    p('Title', v.title ?? v.id),
    p('Description', v.description),
    p('Copyright', undefined),
    p('Created', date(published), 'Edm.DateTime'),
    p('Dependencies', v2Dependencies(v)),
    p('DownloadCount', '0', 'Edm.Int32'),
    p('VersionDownloadCount', '0', 'Edm.Int32'),
    p('IconUrl', v.iconUrl),
    p('LicenseUrl', v.licenseUrl),
    p('ProjectUrl', v.projectUrl),
    p('IsLatestVersion', String(flags.latest), 'Edm.Boolean'),
    p('IsAbsoluteLatestVersion', String(flags.absoluteLatest), 'Edm.Boolean'),
    p('IsPrerelease', String(isPrerelease(v.version)), 'Edm.Boolean'),
    p('Listed', String(v.listed), 'Edm.Boolean'),
    p('Published', date(published), 'Edm.DateTime'),
    p('PackageHash', v.sha512 ?? ''),
    p('PackageHashAlgorithm', 'SHA512'),
    p('PackageSize', String(v.size ?? 0), 'Edm.Int64'),
    p('RequireLicenseAcceptance', String(v.requireLicenseAcceptance === true), 'Edm.Boolean'),
    p('Tags', v.tags ?? ''),
    p('ReleaseNotes', undefined),
    p('Language', undefined),
    p('MinClientVersion', undefined),
    '</m:properties>',
    '</entry>',
  ].join('');
}

export function v2Feed(b: Bases, title: string, entries: string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    `<feed xml:base="${xml(b.v2)}/" ${NS}>`,
    `<id>${xml(b.v2)}/${xml(title)}</id>`,
    `<title type="text">${xml(title)}</title>`,
    `<updated>${new Date().toISOString()}</updated>`,
    `<link rel="self" title="${xml(title)}" href="${xml(title)}"/>`,
    ...entries,
    '</feed>',
  ].join('\n');
}

export function v2Service(b: Bases): string {
  return [
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    `<service xml:base="${xml(b.v2)}/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app" xmlns="http://www.w3.org/2007/app">`,
    '<workspace><atom:title>Default</atom:title>',
    '<collection href="Packages"><atom:title>Packages</atom:title></collection>',
    '</workspace>',
    '</service>',
  ].join('\n');
}

const PROPS: [string, string, boolean?][] = [
  ['Id', 'Edm.String'],
  ['Version', 'Edm.String'],
  ['NormalizedVersion', 'Edm.String', true],
  ['Authors', 'Edm.String', true],
  ['Copyright', 'Edm.String', true],
  ['Created', 'Edm.DateTime'],
  ['Dependencies', 'Edm.String', true],
  ['Description', 'Edm.String', true],
  ['DownloadCount', 'Edm.Int32'],
  ['IconUrl', 'Edm.String', true],
  ['IsLatestVersion', 'Edm.Boolean'],
  ['IsAbsoluteLatestVersion', 'Edm.Boolean'],
  ['IsPrerelease', 'Edm.Boolean'],
  ['Language', 'Edm.String', true],
  ['LastUpdated', 'Edm.DateTime'],
  ['Published', 'Edm.DateTime'],
  ['PackageHash', 'Edm.String', true],
  ['PackageHashAlgorithm', 'Edm.String', true],
  ['PackageSize', 'Edm.Int64'],
  ['ProjectUrl', 'Edm.String', true],
  ['ReleaseNotes', 'Edm.String', true],
  ['RequireLicenseAcceptance', 'Edm.Boolean'],
  ['Summary', 'Edm.String', true],
  ['Tags', 'Edm.String', true],
  ['Title', 'Edm.String', true],
  ['VersionDownloadCount', 'Edm.Int32'],
  ['MinClientVersion', 'Edm.String', true],
  ['LicenseUrl', 'Edm.String', true],
  ['Listed', 'Edm.Boolean'],
];

/** Where Atom carries a property instead of m:properties (as nuget.org's feed declares it). */
const MAPPED: Record<string, string> = {
  Id: 'SyndicationTitle',
  Authors: 'SyndicationAuthorName',
  LastUpdated: 'SyndicationUpdated',
  Summary: 'SyndicationSummary',
};

export function v2Metadata(): string {
  const props = PROPS.map(([name, type, nullable]) => {
    const fc = MAPPED[name];
    const mapping = fc
      ? ` m:FC_TargetPath="${fc}" m:FC_ContentKind="text" m:FC_KeepInContent="false"`
      : '';
    return `<Property Name="${name}" Type="${type}" Nullable="${nullable === true}"${mapping}/>`;
  });
  const search = [
    '<Parameter Name="searchTerm" Type="Edm.String" Mode="In"/>',
    '<Parameter Name="targetFramework" Type="Edm.String" Mode="In"/>',
    '<Parameter Name="includePrerelease" Type="Edm.Boolean" Mode="In"/>',
  ].join('');
  return [
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">',
    '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" m:DataServiceVersion="2.0">',
    '<Schema Namespace="NuGetGallery" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">',
    '<EntityType Name="V2FeedPackage" m:HasStream="true">',
    '<Key><PropertyRef Name="Id"/><PropertyRef Name="Version"/></Key>',
    ...props,
    '</EntityType>',
    '<EntityContainer Name="FeedContext_x0060_1" m:IsDefaultEntityContainer="true">',
    '<EntitySet Name="Packages" EntityType="NuGetGallery.V2FeedPackage"/>',
    `<FunctionImport Name="Search" EntitySet="Packages" ReturnType="Collection(NuGetGallery.V2FeedPackage)" m:HttpMethod="GET">${search}</FunctionImport>`,
    '<FunctionImport Name="FindPackagesById" EntitySet="Packages" ReturnType="Collection(NuGetGallery.V2FeedPackage)" m:HttpMethod="GET"><Parameter Name="id" Type="Edm.String" Mode="In"/></FunctionImport>',
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ].join('\n');
}
