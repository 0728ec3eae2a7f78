/**
 * The NuGet format through app.inject(): pushes of real .nupkg files built here with yazl (the
 * .nuspec read from the zip, checksums, immutable versions, broken packages refused), every v3
 * resource in the shapes of the published NuGet Server API, the v2 OData feeds NuGet 2.x reads,
 * a remote proxying a second Stowage's v3 feed on 127.0.0.1, and a virtual that merges both
 * without letting the remote shadow an id its local member holds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ZipFile } from 'yazl';
import {
  AUTH,
  TOKEN,
  downloadForBuild,
  errorCode,
  makeApp,
  sums,
  type TestApp,
} from './helpers.ts';
import { compareVersions, normalizeVersion } from '../src/formats/nuget/model.ts';

async function zip(files: Record<string, string>): Promise<Buffer> {
  const z = new ZipFile();
  for (const [name, data] of Object.entries(files)) z.addBuffer(Buffer.from(data), name);
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const nuspec = (id: string, version: string, deps = ''): string =>
  `<?xml version="1.0"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>${id}</id><version>${version}</version><authors>A, B</authors>
    <description>The ${id} package &amp; more</description><tags>tiny test</tags>
    ${deps}
  </metadata>
</package>`;

const nupkg = (id: string, version: string, deps = ''): Promise<Buffer> =>
  zip({
    [`${id}.nuspec`]: nuspec(id, version, deps),
    'lib/net8.0/x.dll': 'MZ',
    '[Content_Types].xml': '<Types/>',
  });

/** A multipart body as `dotnet nuget push` sends it. */
function multipart(pkg: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const b = '----stowage-test-boundary';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="package"; filename="package.nupkg"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      pkg,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
  };
}

const push = async (
  app: TestApp,
  url: string,
  pkg: Buffer,
  headers: Record<string, string> = { 'x-nuget-apikey': TOKEN },
): Promise<{ statusCode: number; body: string; json: () => unknown }> => {
  const m = multipart(pkg);
  return app.app.inject({
    method: 'PUT',
    url,
    payload: m.payload,
    headers: { ...m.headers, ...headers },
  });
};

const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
let up: TestApp;
let t: TestApp;

before(async () => {
  up = await makeApp({
    auth: { anonymousRead: true },
    stages: STAGES,
    repositories: [{ key: 'generic-staging' }, { key: 'nuget-up', packageType: 'nuget' }],
  });
  await up.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = up.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  t = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'nuget-local', packageType: 'nuget' },
        {
          key: 'nuget-remote',
          rclass: 'remote',
          packageType: 'nuget',
          url: `http://127.0.0.1:${port}/api/nuget/v3/nuget-up/index.json`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'nuget',
          rclass: 'virtual',
          packageType: 'nuget',
          repositories: ['nuget-local', 'nuget-remote'],
          defaultDeploymentRepo: 'nuget-local',
        },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 2000 } },
  );
  for (const [id, v, deps] of [
    ['Up.Lib', '1.0.0', ''],
    ['Up.Lib', '1.2.0-beta.1', ''],
    [
      'Up.App',
      '2.0',
      '<dependencies><group targetFramework="net8.0"><dependency id="Up.Lib" version="1.0.0" /></group></dependencies>',
    ],
    ['Shared', '9.0.0', ''],
  ] as const) {
    const res = await push(up, '/api/nuget/v3/nuget-up/package', await nupkg(id, v, deps));
    assert.equal(res.statusCode, 201, res.body);
  }
});

after(async () => {
  await t?.close();
  await up?.close().catch(() => {});
});

test('versions normalize and order as NuGet does', () => {
  assert.equal(normalizeVersion('1.0'), '1.0.0');
  assert.equal(normalizeVersion('01.2.3.0'), '1.2.3');
  assert.equal(normalizeVersion('1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeVersion('1.0.0-Beta+sha.1'), '1.0.0-Beta');
  assert.equal(normalizeVersion('1.0.0.0.0'), undefined);
  assert.equal(normalizeVersion('latest'), undefined);
  const sorted = ['1.0.0', '1.0.0-beta.10', '1.0.0-beta.2', '0.9.9', '1.0.0-alpha'].sort(
    compareVersions,
  );
  assert.deepEqual(sorted, ['0.9.9', '1.0.0-alpha', '1.0.0-beta.2', '1.0.0-beta.10', '1.0.0']);
});

test('the service index lists the v3 resources with absolute URLs', async () => {
  const res = await t.app.inject({ url: '/api/nuget/v3/nuget-local/index.json', headers: AUTH });
  assert.equal(res.statusCode, 200);
  const doc = res.json() as { version: string; resources: { '@id': string; '@type': string }[] };
  assert.equal(doc.version, '3.0.0');
  const types = new Map(doc.resources.map((r) => [r['@type'], r['@id']]));
  for (const type of [
    'PackageBaseAddress/3.0.0',
    'RegistrationsBaseUrl',
    'RegistrationsBaseUrl/3.4.0',
    'RegistrationsBaseUrl/3.6.0',
    'SearchQueryService/3.0.0-beta',
    'SearchQueryService/3.5.0',
    'SearchAutocompleteService',
    'PackagePublish/2.0.0',
  ]) {
    assert.match(
      types.get(type) ?? '',
      /^http:\/\/localhost(:\d+)?\/api\/nuget\/v3\/nuget-local\//,
      type,
    );
  }
});

test('push reads the nuspec, verifies checksums and refuses duplicates and broken packages', async () => {
  const pkg = await nupkg('My.Pkg', '1.0');
  const sha256 = createHash('sha256').update(pkg).digest('hex');
  const bad = await push(t, '/api/nuget/v3/nuget-local/package', pkg, {
    ...AUTH,
    'x-checksum-sha256': '0'.repeat(64),
  });
  assert.equal(bad.statusCode, 409);
  assert.equal(errorCode(bad), 'ERR_CHECKSUM_MISMATCH');
  const ok = await push(t, '/api/nuget/v3/nuget-local/package', pkg, {
    ...AUTH,
    'x-checksum-sha256': sha256,
  });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.deepEqual(
    { ...(ok.json() as Record<string, unknown>), checksums: undefined, size: undefined },
    {
      repo: 'nuget-local',
      path: 'my.pkg/1.0.0/my.pkg.1.0.0.nupkg',
      id: 'My.Pkg',
      version: '1.0.0',
      size: undefined,
      checksums: undefined,
    },
  );
  const dup = await push(t, '/api/nuget/nuget-local/', await nupkg('my.pkg', '1.0.0'), AUTH);
  assert.equal(dup.statusCode, 409);
  assert.equal(errorCode(dup), 'ERR_NUGET_VERSION_EXISTS');

  const anonymous = await push(t, '/api/nuget/nuget-local/', pkg, {});
  assert.equal(anonymous.statusCode, 401);
  const wrongKey = await push(t, '/api/nuget/nuget-local/', pkg, { 'x-nuget-apikey': 'nope' });
  assert.equal(wrongKey.statusCode, 401);

  const cases: [string, Buffer][] = [
    ['not a zip', Buffer.from('hello')],
    ['no nuspec', await zip({ 'lib/x.dll': 'MZ' })],
    ['nuspec in a folder', await zip({ 'sub/X.nuspec': nuspec('X', '1.0.0') })],
    ['bad id', await zip({ 'x.nuspec': nuspec('../evil', '1.0.0') })],
    ['bad version', await zip({ 'x.nuspec': nuspec('X', 'one') })],
    ['not xml', await zip({ 'x.nuspec': '<package><metadata>' })],
  ];
  for (const [what, body] of cases) {
    const res = await push(t, '/api/nuget/v3/nuget-local/package', body, AUTH);
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.equal(errorCode(res), 'ERR_NUGET_PACKAGE_INVALID', what);
  }
  const elsewhere = await push(t, '/api/nuget/v3/nuget-local/../../generic-staging/x', pkg, AUTH);
  assert.ok(elsewhere.statusCode >= 400 && elsewhere.statusCode < 500);
  const remote = await push(t, '/api/nuget/v3/nuget-remote/package', pkg, AUTH);
  assert.equal(remote.statusCode, 400);
  const list = await t.app.inject({ url: '/api/storage/nuget-local/my.pkg/1.0.0', headers: AUTH });
  assert.deepEqual(
    (list.json() as { children: { uri: string }[] }).children.map((c) => c.uri).sort(),
    ['/my.pkg.1.0.0.nupkg', '/my.pkg.nuspec'],
  );
});

test('flat container, registration and search answer in the v3 shapes', async () => {
  const base = '/api/nuget/v3/nuget-local';
  for (const v of ['1.1.0', '2.0.0-rc.1']) {
    const deps =
      v === '1.1.0'
        ? '<dependencies><group targetFramework="net8.0"><dependency id="Up.Lib" version="[1.0.0, )" /></group><group targetFramework="netstandard2.0" /></dependencies>'
        : '';
    assert.equal(
      (await push(t, `${base}/package`, await nupkg('My.Pkg', v, deps), AUTH)).statusCode,
      201,
    );
  }
  const get = (
    u: string,
  ): Promise<{
    statusCode: number;
    json: () => unknown;
    body: string;
    rawPayload: Buffer;
    headers: Record<string, unknown>;
  }> => t.app.inject({ url: `${base}/${u}`, headers: AUTH });

  assert.deepEqual((await get('flatcontainer/My.Pkg/index.json')).json(), {
    versions: ['1.0.0', '1.1.0', '2.0.0-rc.1'],
  });
  const file = await get('flatcontainer/my.pkg/1.1.0/my.pkg.1.1.0.nupkg');
  assert.equal(file.statusCode, 200);
  assert.equal(file.rawPayload.readUInt32LE(0), 0x04034b50);
  const spec = await get('flatcontainer/my.pkg/1.1.0/my.pkg.nuspec');
  assert.match(spec.body, /<id>My.Pkg<\/id><version>1.1.0<\/version>/);
  assert.equal((await get('flatcontainer/my.pkg/9.9.9/my.pkg.9.9.9.nupkg')).statusCode, 404);
  assert.equal((await get('flatcontainer/my.pkg/1.1.0/other.1.1.0.nupkg')).statusCode, 404);
  assert.equal((await get('flatcontainer/..%2F..%2Fx/index.json')).statusCode, 404);

  // The plain and the 3.4.0 hives leave SemVer 2.0.0 versions out; 3.6.0 (gzip) has them all.
  const plain = (await get('registration/my.pkg/index.json')).json() as {
    items: { upper: string; count: number }[];
  };
  assert.equal(plain.items[0]?.count, 2);
  assert.equal(plain.items[0]?.upper, '1.1.0', '2.0.0-rc.1 is SemVer 2.0.0');
  const gz34 = await get('registration-gz/my.pkg/index.json');
  assert.equal(gz34.headers['content-encoding'], 'gzip');
  assert.equal(
    (JSON.parse(gunzipSync(gz34.rawPayload).toString()) as { items: { count: number }[] }).items[0]
      ?.count,
    2,
  );
  const gz36 = await get('registration-gz-semver2/my.pkg/index.json');
  assert.equal(gz36.headers['content-encoding'], 'gzip');
  const reg = JSON.parse(gunzipSync(gz36.rawPayload).toString()) as {
    count: number;
    items: {
      count: number;
      lower: string;
      upper: string;
      '@id': string;
      items: {
        '@id': string;
        packageContent: string;
        catalogEntry: {
          id: string;
          version: string;
          authors: string;
          description: string;
          listed: boolean;
          packageContent: string;
          dependencyGroups: {
            targetFramework?: string;
            dependencies: { id: string; range: string }[];
          }[];
        };
      }[];
    }[];
  };
  assert.equal(reg.count, 1);
  const page = reg.items[0];
  assert.ok(page);
  assert.equal(page.count, 3);
  assert.equal(page.lower, '1.0.0');
  assert.equal(page.upper, '2.0.0-rc.1');
  const leaf = page.items[1];
  assert.ok(leaf);
  assert.equal(leaf.catalogEntry.id, 'My.Pkg');
  assert.equal(leaf.catalogEntry.version, '1.1.0');
  assert.equal(leaf.catalogEntry.authors, 'A, B');
  assert.equal(leaf.catalogEntry.description, 'The My.Pkg package & more');
  assert.equal(leaf.catalogEntry.listed, true);
  assert.match(leaf.packageContent, /\/flatcontainer\/my\.pkg\/1\.1\.0\/my\.pkg\.1\.1\.0\.nupkg$/);
  assert.deepEqual(
    leaf.catalogEntry.dependencyGroups.map((g) => ({
      tf: g.targetFramework,
      deps: g.dependencies.map((d) => `${d.id} ${d.range}`),
    })),
    [
      { tf: 'net8.0', deps: ['Up.Lib [1.0.0, )'] },
      { tf: 'netstandard2.0', deps: [] },
    ],
  );
  const leafDoc = (await get('registration/my.pkg/1.1.0.json')).json() as Record<string, unknown>;
  assert.equal(leafDoc.listed, true);
  assert.match(String(leafDoc.registration), /\/registration\/my\.pkg\/index\.json$/);
  const pageDoc = await t.app.inject({
    url: new URL(page['@id']).pathname,
    headers: AUTH,
  });
  assert.match(page['@id'], /\/registration-gz-semver2\//, 'pages link within their hive');
  assert.equal(
    (JSON.parse(gunzipSync(pageDoc.rawPayload).toString()) as { count: number }).count,
    3,
  );

  const search = (await get('query?q=my&prerelease=false&take=10')).json() as {
    totalHits: number;
    data: { id: string; version: string; versions: { version: string }[]; authors: string[] }[];
  };
  assert.equal(search.totalHits, 1);
  assert.equal(search.data[0]?.id, 'My.Pkg');
  assert.equal(search.data[0]?.version, '1.1.0');
  assert.deepEqual(
    search.data[0]?.versions.map((v) => v.version),
    ['1.0.0', '1.1.0'],
  );
  assert.deepEqual(search.data[0]?.authors, ['A', 'B']);
  const pre = (await get('query?q=MY&prerelease=true&semVerLevel=2.0.0')).json() as {
    data: { version: string }[];
  };
  assert.equal(pre.data[0]?.version, '2.0.0-rc.1');
  const semver1 = (await get('query?q=MY&prerelease=true')).json() as {
    data: { version: string }[];
  };
  assert.equal(semver1.data[0]?.version, '1.1.0', 'no semVerLevel: SemVer 2.0.0 versions hidden');
  assert.deepEqual((await get('query?q=nothing-like-it')).json(), { totalHits: 0, data: [] });
  assert.deepEqual((await get('autocomplete?q=my')).json(), { totalHits: 1, data: ['My.Pkg'] });
  assert.deepEqual((await get('autocomplete?id=my.pkg')).json(), {
    totalHits: 2,
    data: ['1.0.0', '1.1.0'],
  });

  // Unlist (NuGet's delete): still downloadable, hidden from search, listed=false.
  const del = await t.app.inject({
    method: 'DELETE',
    url: `${base}/package/My.Pkg/1.0.0`,
    headers: AUTH,
  });
  assert.equal(del.statusCode, 204);
  assert.equal((await get('flatcontainer/my.pkg/1.0.0/my.pkg.1.0.0.nupkg')).statusCode, 200);
  const after = (await get('query?q=my')).json() as { data: { versions: { version: string }[] }[] };
  assert.deepEqual(
    after.data[0]?.versions.map((v) => v.version),
    ['1.1.0'],
  );
  assert.equal(
    ((await get('registration/my.pkg/1.0.0.json')).json() as { listed: boolean }).listed,
    false,
  );
  // Relist as nuget.org takes it: POST /api/v2/package/{id}/{version}.
  const relist = await t.app.inject({
    method: 'POST',
    url: '/api/nuget/nuget-local/api/v2/package/My.Pkg/1.0.0',
    headers: { 'x-nuget-apikey': TOKEN },
  });
  assert.equal(relist.statusCode, 200, relist.body);
  assert.equal(
    ((await get('registration/my.pkg/1.0.0.json')).json() as { listed: boolean }).listed,
    true,
  );
  const missing = await t.app.inject({
    method: 'POST',
    url: '/api/nuget/nuget-local/api/v2/package/My.Pkg/7.0.0',
    headers: { 'x-nuget-apikey': TOKEN },
  });
  assert.equal(missing.statusCode, 404);
});

test('the v2 OData feed answers what NuGet 2.x asks', async () => {
  const base = '/api/nuget/nuget-remote';
  const get = (
    u: string,
  ): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> =>
    t.app.inject({ url: `${base}/${u}`, headers: AUTH });
  const root = await get('');
  assert.match(root.body, /<collection href="Packages">/);
  const meta = await get('$metadata');
  assert.match(meta.body, /<FunctionImport Name="FindPackagesById"/);
  assert.match(meta.body, /<EntityType Name="V2FeedPackage" m:HasStream="true">/);

  const all = await get("FindPackagesById()?id='Up.Lib'");
  assert.equal(all.statusCode, 200);
  assert.match(String(all.headers['content-type']), /application\/atom\+xml/);
  // 1.2.0-beta.1 is SemVer 2.0.0: NuGet 2.x would abort on it, so only semVerLevel=2.0.0 sees it.
  assert.equal((all.body.match(/<entry>/g) ?? []).length, 1);
  assert.doesNotMatch(all.body, /1\.2\.0-beta\.1/);
  const all2 = await get("FindPackagesById()?id='Up.Lib'&semVerLevel=2.0.0");
  assert.equal((all2.body.match(/<entry>/g) ?? []).length, 2);
  const latest = await get(
    "FindPackagesById()?$filter=IsLatestVersion&$orderby=Version%20desc&$top=1&id='Up.Lib'",
  );
  assert.equal((latest.body.match(/<entry>/g) ?? []).length, 1);
  assert.match(latest.body, /<d:Version>1\.0\.0<\/d:Version>/);
  assert.match(latest.body, /<title type="text">Up\.Lib<\/title>/);
  assert.match(latest.body, /<author><name>A, B<\/name><\/author>/);
  assert.match(latest.body, /<d:IsLatestVersion m:type="Edm.Boolean">true<\/d:IsLatestVersion>/);
  assert.match(
    latest.body,
    /<content type="application\/zip" src="http:\/\/localhost(:\d+)?\/api\/nuget\/nuget-remote\/package\/Up\.Lib\/1\.0\.0"\/>/,
  );
  const abs = await get(
    "FindPackagesById()?$filter=IsAbsoluteLatestVersion&id='Up.Lib'&semVerLevel=2.0.0",
  );
  assert.match(abs.body, /<d:Version>1\.2\.0-beta\.1<\/d:Version>/);

  const one = await get('Packages(Id=%27Up.App%27,Version=%272.0.0%27)');
  assert.equal(one.statusCode, 200);
  assert.match(one.body, /^<\?xml[^>]*>\n<entry xml:base=/);
  assert.match(one.body, /<d:Dependencies>Up\.Lib:1\.0\.0:net8\.0<\/d:Dependencies>/);
  assert.equal((await get("Packages(Id='Up.App',Version='9.0.0')")).statusCode, 404);

  const dl = await t.app.inject({ url: `${base}/package/Up.App/2.0.0`, headers: AUTH });
  assert.equal(dl.statusCode, 200);
  assert.equal(dl.rawPayload.readUInt32LE(0), 0x04034b50);
  // Now cached, the feed carries the package's size (the hash is known for local pushes).
  const local = await t.app.inject({
    url: "/api/nuget/nuget-local/FindPackagesById()?id='My.Pkg'",
    headers: AUTH,
  });
  assert.match(local.body, /<d:PackageHash>[A-Za-z0-9+/]{86}==<\/d:PackageHash>/);
  assert.match(local.body, /<d:PackageHashAlgorithm>SHA512<\/d:PackageHashAlgorithm>/);

  const search = await get(
    "Search()?searchTerm='up'&targetFramework=''&includePrerelease=false&$filter=IsLatestVersion",
  );
  assert.deepEqual(
    [...search.body.matchAll(/<title type="text">([^<]+)<\/title>/g)].map((m) => m[1]).sort(),
    ['Search', 'Up.App', 'Up.Lib'],
  );
  const count = await get(
    "Search()/$count?searchTerm='up'&includePrerelease=false&$filter=IsLatestVersion",
  );
  assert.equal(count.body, '2');
});

test('a remote proxies the upstream feed; a virtual merges it behind its local member', async () => {
  const flat = await t.app.inject({
    url: '/api/nuget/v3/nuget-remote/flatcontainer/up.lib/index.json',
    headers: AUTH,
  });
  assert.deepEqual(flat.json(), { versions: ['1.0.0', '1.2.0-beta.1'] });
  const reg = await t.app.inject({
    url: '/api/nuget/v3/nuget/registration/up.app/index.json',
    headers: AUTH,
  });
  const body = reg.body;
  assert.doesNotMatch(body, /127\.0\.0\.1/, 'upstream URLs are rewritten to this server');
  assert.match(
    body,
    /"packageContent":"http:\/\/localhost(:\d+)?\/api\/nuget\/v3\/nuget\/flatcontainer\/up\.app\/2\.0\.0\/up\.app\.2\.0\.0\.nupkg"/,
  );
  const nupkgRes = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/up.lib/1.0.0/up.lib.1.0.0.nupkg',
    headers: AUTH,
  });
  assert.equal(nupkgRes.statusCode, 200);
  const stored = await t.app.inject({
    url: '/api/storage/nuget-remote/up.lib/1.0.0/up.lib.1.0.0.nupkg',
    headers: AUTH,
  });
  assert.equal(stored.statusCode, 200, 'the remote cached the package');

  // Before a local member holds "Shared" the virtual serves the remote's; after, never.
  const before = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/shared/index.json',
    headers: AUTH,
  });
  assert.deepEqual(before.json(), { versions: ['9.0.0'] });
  const res = await push(t, '/api/nuget/nuget/', await nupkg('Shared', '1.0.0'), AUTH);
  assert.equal(res.statusCode, 201, res.body);
  const merged = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/shared/index.json',
    headers: AUTH,
  });
  assert.deepEqual(merged.json(), { versions: ['1.0.0'] });
  const shadowed = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/shared/9.0.0/shared.9.0.0.nupkg',
    headers: AUTH,
  });
  assert.equal(shadowed.statusCode, 404, 'the remote copy is not served through the virtual');
  const v2 = await t.app.inject({
    url: "/api/nuget/nuget/FindPackagesById()?id='Shared'",
    headers: AUTH,
  });
  assert.equal((v2.body.match(/<entry>/g) ?? []).length, 1);
  const search = (
    await t.app.inject({ url: '/api/nuget/v3/nuget/query?q=shared', headers: AUTH })
  ).json() as { data: { id: string; version: string }[] };
  assert.deepEqual(
    search.data.map((d) => `${d.id} ${d.version}`),
    ['Shared 1.0.0'],
  );
  const both = (
    await t.app.inject({ url: '/api/nuget/v3/nuget/query?q=', headers: AUTH })
  ).json() as { data: { id: string }[] };
  assert.deepEqual(
    both.data.map((d) => d.id),
    ['My.Pkg', 'Shared', 'Up.App', 'Up.Lib'],
  );
});

test('a cache-miss package through a remote is recorded for the build (headers and build token)', async () => {
  const pkg = await nupkg('Cold.Lib', '3.0.0', '');
  const pushed = await push(up, '/api/nuget/v3/nuget-up/package', pkg);
  assert.equal(pushed.statusCode, 201, pushed.body);
  const { res, downloads } = await downloadForBuild(
    t.app,
    '/api/nuget/v3/nuget/flatcontainer/cold.lib/3.0.0/cold.lib.3.0.0.nupkg',
    { name: 'nuget-cold', number: '1' },
  );
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['nuget', 'cold.lib/3.0.0/cold.lib.3.0.0.nupkg', sums(pkg).sha256]],
  );
  const v2 = await downloadForBuild(
    t.app,
    '/api/nuget/nuget-remote/package/Up.Lib/1.2.0-beta.1',
    { name: 'nuget-cold', number: '2' },
    'token',
  );
  assert.equal(v2.res.statusCode, 200);
  assert.deepEqual(
    v2.downloads.map((d) => `${d.repo}/${d.path}`),
    ['nuget-remote/up.lib/1.2.0-beta.1/up.lib.1.2.0-beta.1.nupkg'],
  );
});

test('with the upstream down, cached metadata and packages are still served', async () => {
  await up.app.close();
  const flat = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/up.lib/index.json',
    headers: AUTH,
  });
  assert.deepEqual(flat.json(), { versions: ['1.0.0', '1.2.0-beta.1'] });
  const file = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/up.lib/1.0.0/up.lib.1.0.0.nupkg',
    headers: AUTH,
  });
  assert.equal(file.statusCode, 200);
  const missing = await t.app.inject({
    url: '/api/nuget/v3/nuget/flatcontainer/never.seen/index.json',
    headers: AUTH,
  });
  // It may exist upstream: not a 404 (NuGet would take "no such package" for an answer).
  assert.equal(missing.statusCode, 502);
  assert.equal(errorCode(missing), 'ERR_UPSTREAM_UNAVAILABLE');
  assert.match(missing.body, /nuget-remote/);
});
