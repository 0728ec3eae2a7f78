/**
 * The Helm format through app.inject(): uploads (Chart.yaml read from the archive and checked,
 * immutable versions, identical re-uploads accepted), index.yaml in Helm's documented shape
 * regenerated on upload and delete, the chart query API, a remote proxying a plain HTTP chart
 * repository whose index names its archives by relative, parent-relative and absolute urls, a
 * virtual merging both without letting the remote shadow a chart its local member holds, and the
 * cached index served when the upstream is down.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { parse as parseYaml, stringify } from 'yaml';
import { AUTH, downloadForBuild, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { tarGz } from './archives.ts';

interface Entry {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  urls: string[];
  created: string;
  digest: string;
  dependencies?: { name: string; version?: string; repository?: string }[];
  maintainers?: { name: string; email?: string }[];
  keywords?: string[];
  home?: string;
  sources?: string[];
  icon?: string;
}
interface Index {
  apiVersion: string;
  entries: Record<string, Entry[]>;
  generated: string;
}

function chart(name: string, version: string, extra: Record<string, unknown> = {}): Buffer {
  const meta = { apiVersion: 'v2', name, version, ...extra };
  return tarGz({
    [`${name}/Chart.yaml`]: stringify(meta),
    [`${name}/values.yaml`]: 'replicas: 1\n',
    [`${name}/templates/cm.yaml`]: 'kind: ConfigMap\n',
  });
}

const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
const ALPHA = chart('alpha', '1.0.0', {
  appVersion: '2.3',
  description: 'The alpha chart',
  type: 'application',
  keywords: ['etl', 'batch'],
  home: 'https://example.com/alpha',
  sources: ['https://example.com/alpha.git'],
  icon: 'https://example.com/alpha.png',
  maintainers: [{ name: 'Data Team', email: 'data@example.com' }],
  dependencies: [{ name: 'redis', version: '~17.0.0', repository: 'https://charts.example.com' }],
});
/** What the upstream chart repository serves, by path. */
const UPSTREAM: Record<string, Buffer> = {
  '/repo/charts/uplift-0.1.0.tgz': chart('uplift', '0.1.0'),
  '/files/uplift-0.2.0-rc.1.tgz': chart('uplift', '0.2.0-rc.1'),
  '/elsewhere/shared-9.9.9.tgz': chart('shared', '9.9.9'),
};

let upstream: Server;
let upstreamHits = 0;
let t: TestApp;

const inject = (
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
  url: string,
  payload?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> =>
  t.app.inject({
    method,
    url,
    ...(payload !== undefined && { payload }),
    headers: {
      ...AUTH,
      ...(payload !== undefined && { 'content-type': 'application/gzip' }),
      ...headers,
    },
  });

async function index(repo: string): Promise<{ doc: Index; headers: Record<string, unknown> }> {
  const res = await inject('GET', `/api/helm/${repo}/index.yaml`);
  assert.equal(res.statusCode, 200, res.body);
  return { doc: parseYaml(res.body) as Index, headers: res.headers };
}

/** Fetches an index url the way Helm does: relative to the repository URL with a slash. */
async function fetchUrl(repo: string, url: string): Promise<{ statusCode: number; raw: Buffer }> {
  const base = new URL(`http://localhost/api/helm/${repo}/`);
  const u = new URL(url, base);
  assert.equal(u.host, 'localhost', `${url} stays on the Stowage host`);
  const res = await inject('GET', u.pathname);
  return { statusCode: res.statusCode, raw: res.rawPayload };
}

before(async () => {
  upstream = createServer((req, res) => {
    upstreamHits++;
    const port = (upstream.address() as AddressInfo).port;
    if (req.url === '/repo/index.yaml') {
      const entry = (name: string, version: string, url: string): Record<string, unknown> => ({
        apiVersion: 'v2',
        name,
        version,
        urls: [url],
        created: '2026-01-02T03:04:05Z',
        digest: sums(UPSTREAM[new URL(url, `http://127.0.0.1:${port}/repo/`).pathname] ?? '')
          .sha256,
      });
      res.setHeader('content-type', 'application/x-yaml');
      return res.end(
        stringify({
          apiVersion: 'v1',
          entries: {
            uplift: [
              entry('uplift', '0.1.0', 'charts/uplift-0.1.0.tgz'),
              entry('uplift', '0.2.0-rc.1', '../files/uplift-0.2.0-rc.1.tgz'),
            ],
            shared: [
              entry('shared', '9.9.9', `http://127.0.0.1:${port}/elsewhere/shared-9.9.9.tgz`),
            ],
          },
          generated: '2026-01-02T03:04:05Z',
        }),
      );
    }
    const body = UPSTREAM[req.url ?? ''];
    if (!body) {
      res.statusCode = 404;
      return res.end('not found');
    }
    res.setHeader('content-length', body.length);
    return res.end(body);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  t = await makeApp(
    {
      stages: STAGES,
      repositories: [
        { key: 'generic-staging' },
        { key: 'helm-local', packageType: 'helm' },
        {
          key: 'helm-remote',
          rclass: 'remote',
          packageType: 'helm',
          url: `http://127.0.0.1:${port}/repo`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'helm',
          rclass: 'virtual',
          packageType: 'helm',
          repositories: ['helm-local', 'helm-remote'],
          defaultDeploymentRepo: 'helm-local',
        },
      ],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 2000 } },
  );
});

after(async () => {
  await t?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

test('an empty local repository serves an empty index.yaml', async () => {
  const { doc } = await index('helm-local');
  assert.equal(doc.apiVersion, 'v1');
  assert.deepEqual(doc.entries, {});
  assert.ok(!Number.isNaN(Date.parse(doc.generated)));
});

test('a pushed chart is listed in index.yaml in Helm’s format, with a resolvable url and its digest', async () => {
  const res = await inject('POST', '/api/helm/helm/api/charts', ALPHA);
  assert.equal(res.statusCode, 201, res.body);
  const saved = res.json() as { saved: boolean; repo: string; path: string; digest: string };
  assert.equal(saved.saved, true);
  assert.equal(saved.repo, 'helm-local', 'the virtual deploys to its default repository');
  assert.equal(saved.path, 'charts/alpha-1.0.0.tgz');
  const { doc, headers } = await index('helm-local');
  assert.match(String(headers['content-type']), /yaml/);
  assert.deepEqual(Object.keys(doc).sort(), ['apiVersion', 'entries', 'generated']);
  const [e] = doc.entries.alpha ?? [];
  assert.ok(e);
  assert.equal(e.apiVersion, 'v2');
  assert.equal(e.name, 'alpha');
  assert.equal(e.version, '1.0.0');
  assert.equal(e.appVersion, '2.3');
  assert.equal(e.description, 'The alpha chart');
  assert.equal(e.type, 'application');
  assert.deepEqual(e.keywords, ['etl', 'batch']);
  assert.equal(e.home, 'https://example.com/alpha');
  assert.deepEqual(e.sources, ['https://example.com/alpha.git']);
  assert.equal(e.icon, 'https://example.com/alpha.png');
  assert.deepEqual(e.maintainers, [{ name: 'Data Team', email: 'data@example.com' }]);
  assert.deepEqual(e.dependencies, [
    { name: 'redis', version: '~17.0.0', repository: 'https://charts.example.com' },
  ]);
  assert.equal(typeof e.created, 'string');
  assert.ok(!Number.isNaN(Date.parse(e.created)), 'created is an RFC 3339 time');
  assert.equal(e.digest, sums(ALPHA).sha256, 'digest is the sha256 of the .tgz');
  assert.ok(Array.isArray(e.urls) && e.urls.length === 1);
  const got = await fetchUrl('helm-local', e.urls[0] ?? '');
  assert.equal(got.statusCode, 200);
  assert.ok(got.raw.equals(ALPHA), 'the url serves the pushed bytes');
  const bare = await inject('GET', '/api/helm/helm-local/alpha-1.0.0.tgz');
  assert.equal(bare.statusCode, 200, 'the archive is also served without charts/');
  assert.equal(bare.headers['x-checksum-sha256'], sums(ALPHA).sha256);
});

test('PUT {file}.tgz and multipart "chart" uploads; versions sort newest first', async () => {
  const b1 = chart('beta', '0.2.0');
  const put = await inject('PUT', '/api/helm/helm-local/beta-0.2.0.tgz', b1, {
    'x-checksum-sha256': sums(b1).sha256,
  });
  assert.equal(put.statusCode, 201, put.body);
  const b2 = chart('beta', '0.10.0');
  const boundary = '----stowage-helm-test';
  const form = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="chart"; filename="beta-0.10.0.tgz"\r\nContent-Type: application/gzip\r\n\r\n`,
    ),
    b2,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const mp = await inject('POST', '/api/helm/helm-local/api/charts', form, {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  });
  assert.equal(mp.statusCode, 201, mp.body);
  const { doc } = await index('helm-local');
  assert.deepEqual(
    doc.entries.beta?.map((e) => e.version),
    ['0.10.0', '0.2.0'],
  );
  const noPart = await inject(
    'POST',
    '/api/helm/helm-local/api/charts',
    Buffer.from(`--${boundary}--\r\n`),
    { 'content-type': `multipart/form-data; boundary=${boundary}` },
  );
  assert.equal(errorCode(noPart), 'ERR_BODY_INVALID');
});

test('an existing version is refused unless the upload is identical', async () => {
  const same = await inject('POST', '/api/helm/helm-local/api/charts', ALPHA);
  assert.equal(same.statusCode, 200, 'an identical re-upload is accepted');
  const other = chart('alpha', '1.0.0', { description: 'changed' });
  const res = await inject('POST', '/api/helm/helm-local/api/charts', other);
  assert.equal(res.statusCode, 409);
  assert.equal(errorCode(res), 'ERR_HELM_VERSION_EXISTS');
  const { doc } = await index('helm-local');
  assert.equal(doc.entries.alpha?.[0]?.digest, sums(ALPHA).sha256, 'the stored chart is unchanged');
});

test('invalid charts are refused and nothing is stored', async () => {
  const cases: [string, Buffer][] = [
    ['no name', tarGz({ 'x/Chart.yaml': 'apiVersion: v2\nversion: 1.0.0\n' })],
    ['version not SemVer 2', chart('gamma', '1.0')],
    ['version with a v', chart('gamma', 'v1.0.0')],
    ['apiVersion v3', chart('gamma', '1.0.0', { apiVersion: 'v3' })],
    ['no apiVersion', tarGz({ 'gamma/Chart.yaml': 'name: gamma\nversion: 1.0.0\n' })],
    ['name that is a path', chart('gamma', '1.0.0', { name: '../../etc' })],
    ['name with a slash', chart('gamma', '1.0.0', { name: 'a/b' })],
    ['unknown type', chart('gamma', '1.0.0', { type: 'service' })],
    ['maintainer without name', chart('gamma', '1.0.0', { maintainers: [{ email: 'x@y' }] })],
    ['dependencies not a list', chart('gamma', '1.0.0', { dependencies: 'redis' })],
    ['not YAML', tarGz({ 'gamma/Chart.yaml': 'name: [unclosed\n' })],
    ['no Chart.yaml', tarGz({ 'gamma/values.yaml': 'a: 1\n' })],
    ['Chart.yaml not at the top', tarGz({ 'gamma/sub/Chart.yaml': 'name: gamma\n' })],
    ['not a tarball', Buffer.from('this is not a chart')],
  ];
  for (const [what, body] of cases) {
    const res = await inject('POST', '/api/helm/helm-local/api/charts', body);
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.equal(errorCode(res), 'ERR_HELM_CHART_INVALID', what);
  }
  const bad = await inject('POST', '/api/helm/helm-local/api/charts', chart('gamma', '1.0.0'), {
    'x-checksum-sha256': '0'.repeat(64),
  });
  assert.equal(errorCode(bad), 'ERR_CHECKSUM_MISMATCH');
  const anon = await t.app.inject({
    method: 'POST',
    url: '/api/helm/helm-local/api/charts',
    payload: chart('gamma', '1.0.0'),
    headers: { 'content-type': 'application/gzip' },
  });
  assert.equal(anon.statusCode, 401);
  const { doc } = await index('helm-local');
  assert.deepEqual(Object.keys(doc.entries).sort(), ['alpha', 'beta']);
});

test('path tricks are refused', async () => {
  for (const url of [
    '/api/helm/helm-local/charts/%2e%2e%2f%2e%2e%2findex.yaml',
    '/api/helm/helm-local/charts/..%2f..%2fsecret.tgz',
    '/api/helm/helm-local/charts/a%5cb.tgz',
  ]) {
    const res = await inject('GET', url);
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(errorCode(res), 'ERR_PATH_INVALID');
  }
  const up = await inject('PUT', '/api/helm/helm-local/%2e%2e%2fevil.tgz', chart('evil', '1.0.0'));
  assert.equal(errorCode(up), 'ERR_PATH_INVALID');
  const idx = await inject('PUT', '/api/helm/helm-local/index.yaml', Buffer.from('apiVersion: v1'));
  assert.equal(errorCode(idx), 'ERR_PATH_INVALID', 'index.yaml cannot be uploaded');
  const deep = await inject('GET', '/api/helm/helm-local/charts/x/alpha-1.0.0.tgz');
  assert.equal(deep.statusCode, 404);
  const other = await inject('GET', '/api/helm/generic-staging/index.yaml');
  assert.equal(errorCode(other), 'ERR_REPO_INVALID');
  const remote = await inject('POST', '/api/helm/helm-remote/api/charts', chart('x', '1.0.0'));
  assert.equal(errorCode(remote), 'ERR_REPO_NOT_DEPLOYABLE');
});

test('chart metadata is queryable by repository, name and version', async () => {
  const all = await inject('GET', '/api/stowage/v1/helm/helm-local/charts');
  assert.equal(all.statusCode, 200, all.body);
  const byName = all.json() as Record<string, Entry[]>;
  assert.deepEqual(Object.keys(byName), ['alpha', 'beta']);
  const one = await inject('GET', '/api/stowage/v1/helm/helm-local/charts/alpha/1.0.0');
  const e = one.json() as Entry;
  assert.equal(e.appVersion, '2.3');
  assert.equal(e.dependencies?.[0]?.name, 'redis');
  assert.equal(e.maintainers?.[0]?.name, 'Data Team');
  assert.equal(e.digest, sums(ALPHA).sha256);
  const versions = await inject('GET', '/api/stowage/v1/helm/helm-local/charts/beta');
  assert.deepEqual(
    (versions.json() as Entry[]).map((v) => v.version),
    ['0.10.0', '0.2.0'],
  );
  const cm = await inject('GET', '/api/helm/helm-local/api/charts/beta/0.2.0');
  assert.equal((cm.json() as Entry).version, '0.2.0', 'ChartMuseum’s GET /api/charts works too');
  const none = await inject('GET', '/api/stowage/v1/helm/helm-local/charts/nothing');
  assert.equal(none.statusCode, 404);
});

test('deleting a version regenerates index.yaml', async () => {
  const res = await inject('DELETE', '/api/helm/helm-local/api/charts/beta/0.2.0');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { deleted: true });
  const { doc } = await index('helm-local');
  assert.deepEqual(
    doc.entries.beta?.map((e) => e.version),
    ['0.10.0'],
  );
  const gone = await inject('GET', '/api/helm/helm-local/charts/beta-0.2.0.tgz');
  assert.equal(gone.statusCode, 404);
  const again = await inject('DELETE', '/api/helm/helm-local/api/charts/beta/0.2.0');
  assert.equal(again.statusCode, 404);
  const all = await inject('DELETE', '/api/helm/helm-local/api/charts/beta');
  assert.equal(all.statusCode, 200);
  assert.equal((await index('helm-local')).doc.entries.beta, undefined);
});

test('a cache-miss chart through a remote is recorded for the build (build token)', async () => {
  const { doc } = await index('helm-remote');
  const e = doc.entries.uplift?.find((x) => x.version === '0.1.0');
  assert.equal(e?.urls[0], 'charts/uplift-0.1.0.tgz');
  const { res, downloads } = await downloadForBuild(
    t.app,
    '/api/helm/helm-remote/charts/uplift-0.1.0.tgz',
    { name: 'helm-cold', number: '1' },
    'token',
  );
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['helm-remote', 'charts/uplift-0.1.0.tgz', e?.digest]],
  );
});

test('a remote rewrites relative, parent-relative and absolute urls to itself and serves the archives', async () => {
  const { doc } = await index('helm-remote');
  assert.deepEqual(Object.keys(doc.entries), ['shared', 'uplift']);
  const all = Object.values(doc.entries).flat();
  assert.equal(all.length, 3);
  for (const e of all) {
    assert.equal(e.urls[0], `charts/${e.name}-${e.version}.tgz`, 'rewritten to this repository');
    const got = await fetchUrl('helm-remote', e.urls[0] ?? '');
    assert.equal(got.statusCode, 200, e.urls[0]);
    assert.equal(sums(got.raw).sha256, e.digest, `${e.name} ${e.version} matches its digest`);
  }
  assert.equal(doc.entries.uplift?.[0]?.version, '0.2.0-rc.1', 'newest first');
});

test('a virtual merges its members; a chart its local member holds is never taken from the remote', async () => {
  const own = chart('shared', '0.1.0');
  assert.equal((await inject('POST', '/api/helm/helm-local/api/charts', own)).statusCode, 201);
  const { doc } = await index('helm');
  assert.deepEqual(Object.keys(doc.entries), ['alpha', 'shared', 'uplift']);
  assert.deepEqual(
    doc.entries.shared?.map((e) => e.version),
    ['0.1.0'],
    'the remote’s shared 9.9.9 is not listed',
  );
  assert.equal(doc.entries.uplift?.length, 2);
  for (const e of Object.values(doc.entries).flat()) {
    const got = await fetchUrl('helm', e.urls[0] ?? '');
    assert.equal(got.statusCode, 200, e.urls[0]);
    assert.equal(sums(got.raw).sha256, e.digest);
  }
  const shadowed = await inject('GET', '/api/helm/helm/charts/shared-9.9.9.tgz');
  assert.equal(shadowed.statusCode, 404, 'the remote copy is not served through the virtual');
  const q = await inject('GET', '/api/stowage/v1/helm/helm/charts/uplift');
  assert.equal((q.json() as Entry[]).length, 2, 'the query API reads the merged index');
});

test('with the upstream down, the cached index and archives are still served', async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  const hits = upstreamHits;
  const { doc, headers } = await index('helm-remote');
  assert.equal(headers['x-stowage-cache'], 'stale');
  assert.equal(doc.entries.uplift?.length, 2);
  const file = await inject('GET', '/api/helm/helm/charts/uplift-0.1.0.tgz');
  assert.equal(file.statusCode, 200);
  const merged = await index('helm');
  assert.equal(merged.doc.entries.uplift?.length, 2, 'the virtual still lists the remote’s charts');
  assert.equal(upstreamHits, hits);
});
