/**
 * Helm charts as OCI artifacts in docker repositories (what `helm push chart.tgz oci://…` sends),
 * through app.inject(): the manifest (Helm's config media type, the chart layer, a provenance
 * layer) is built here; the chart metadata is then answered by the chart query API for the docker
 * repository (and a virtual over it), the layer view lists the chart's layers, and a config that
 * is not chart metadata or a manifest without its chart layer is refused with MANIFEST_INVALID.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { tarGz } from './archives.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CHART = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const HELM_PROV = 'application/vnd.cncf.helm.chart.provenance.v1.prov';

const digestOf = (b: string | Buffer): string => `sha256:${sums(b).sha256}`;

interface Entry {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  urls: string[];
  digest: string;
  manifestDigest: string;
  created: string;
  dependencies?: { name: string; version?: string; repository?: string }[];
  maintainers?: { name: string; email?: string }[];
}

interface Chart {
  meta: Record<string, unknown>;
  config: string;
  tgz: Buffer;
}

function chart(name: string, version: string, extra: Record<string, unknown> = {}): Chart {
  const meta = { apiVersion: 'v2', name, version, ...extra };
  return {
    meta,
    config: JSON.stringify(meta),
    tgz: tarGz({ [`${name}/Chart.yaml`]: JSON.stringify(meta), [`${name}/values.yaml`]: 'a: 1\n' }),
  };
}

let t: TestApp;

async function pushBlob(name: string, data: string | Buffer): Promise<string> {
  const d = digestOf(data);
  const res = await t.app.inject({
    method: 'POST',
    url: `/v2/${name}/blobs/uploads/?digest=${d}`,
    headers: { ...AUTH, 'content-type': 'application/octet-stream' },
    payload: data,
  });
  assert.equal(res.statusCode, 201, res.body);
  return d;
}

/** Pushes config and layers, then the manifest Helm would write; returns the manifest's bytes. */
async function pushChart(
  name: string,
  tag: string,
  c: { config: string; layers: { mediaType: string; data: string | Buffer }[] },
): Promise<{ status: number; body: string; manifest: string; code: string | undefined }> {
  await pushBlob(name, c.config);
  const layers = [];
  for (const l of c.layers) {
    layers.push({
      mediaType: l.mediaType,
      digest: await pushBlob(name, l.data),
      size: Buffer.byteLength(l.data),
    });
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: HELM_CONFIG,
      digest: digestOf(c.config),
      size: Buffer.byteLength(c.config),
    },
    layers,
    annotations: { 'org.opencontainers.image.title': name.split('/').pop() ?? '' },
  });
  const res = await t.app.inject({
    method: 'PUT',
    url: `/v2/${name}/manifests/${tag}`,
    headers: { ...AUTH, 'content-type': OCI_MANIFEST },
    payload: manifest,
  });
  const code = res.statusCode >= 400 ? errorsCode(res.json()) : undefined;
  return { status: res.statusCode, body: res.body, manifest, code };
}

function errorsCode(body: unknown): string | undefined {
  return (body as { errors?: { code?: string }[] }).errors?.[0]?.code;
}

async function query(path: string): Promise<{ status: number; json: unknown; body: string }> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/stowage/v1/helm/${path}`,
    headers: AUTH,
  });
  return { status: res.statusCode, json: res.json(), body: res.body };
}

const ALPHA = chart('alpha', '1.2.0+build.7', {
  appVersion: '2026.11',
  description: 'The alpha chart',
  type: 'application',
  maintainers: [{ name: 'Data Team', email: 'data@example.com' }],
  dependencies: [{ name: 'redis', version: '17.x.x', repository: 'https://charts.example.com' }],
});
const ALPHA_OLD = chart('alpha', '1.1.0');
const PROV = '-----BEGIN PGP SIGNED MESSAGE-----\nname: alpha\n';

before(async () => {
  t = await makeApp({
    stages: [{ name: 'staged', repo: 'generic-local' }],
    repositories: [
      { key: 'docker-local', packageType: 'docker' },
      { key: 'helm-local', packageType: 'helm' },
      { key: 'generic-local' },
      {
        key: 'docker',
        rclass: 'virtual',
        packageType: 'docker',
        repositories: ['docker-local'],
        defaultDeploymentRepo: 'docker-local',
      },
    ],
  });
});
after(async () => t.close());

describe('helm charts pushed as OCI artifacts', () => {
  let alphaManifest = '';

  test('a chart manifest is stored and its metadata answered by the chart query API', async () => {
    const pushed = await pushChart('docker-local/charts/alpha', '1.2.0_build.7', {
      config: ALPHA.config,
      layers: [
        { mediaType: HELM_CHART, data: ALPHA.tgz },
        { mediaType: HELM_PROV, data: PROV },
      ],
    });
    assert.equal(pushed.status, 201, pushed.body);
    alphaManifest = pushed.manifest;
    const old = await pushChart('docker-local/charts/alpha', '1.1.0', {
      config: ALPHA_OLD.config,
      layers: [{ mediaType: HELM_CHART, data: ALPHA_OLD.tgz }],
    });
    assert.equal(old.status, 201, old.body);

    const one = await query('docker-local/charts/alpha/1.2.0+build.7');
    assert.equal(one.status, 200, one.body);
    const e = one.json as Entry;
    assert.equal(e.name, 'alpha');
    assert.equal(e.version, '1.2.0+build.7');
    assert.equal(e.appVersion, '2026.11');
    assert.equal(e.description, 'The alpha chart');
    assert.equal(e.type, 'application');
    assert.deepEqual(e.maintainers, [{ name: 'Data Team', email: 'data@example.com' }]);
    assert.deepEqual(e.dependencies, [
      { name: 'redis', version: '17.x.x', repository: 'https://charts.example.com' },
    ]);
    assert.deepEqual(e.urls, ['oci://docker-local/charts/alpha:1.2.0_build.7']);
    assert.equal(e.digest, sums(ALPHA.tgz).sha256, 'digest is the chart archive sha256');
    assert.equal(e.manifestDigest, digestOf(pushed.manifest));
    assert.ok(!Number.isNaN(Date.parse(e.created)));

    const versions = (await query('docker-local/charts/alpha')).json as Entry[];
    assert.deepEqual(
      versions.map((v) => v.version),
      ['1.2.0+build.7', '1.1.0'],
      'newest first',
    );
    const all = (await query('docker-local/charts')).json as Record<string, Entry[]>;
    assert.deepEqual(Object.keys(all), ['alpha']);
  });

  test('the virtual over the docker repository answers the same charts', async () => {
    const all = (await query('docker/charts')).json as Record<string, Entry[]>;
    assert.deepEqual(
      all.alpha?.map((v) => [v.version, v.urls[0]]),
      [
        ['1.2.0+build.7', 'oci://docker-local/charts/alpha:1.2.0_build.7'],
        ['1.1.0', 'oci://docker-local/charts/alpha:1.1.0'],
      ],
    );
  });

  test('the manifest comes back unchanged and the layer view lists the chart layers', async () => {
    const got = await t.app.inject({
      method: 'GET',
      url: '/v2/docker-local/charts/alpha/manifests/1.2.0_build.7',
      headers: { ...AUTH, accept: OCI_MANIFEST },
    });
    assert.equal(got.statusCode, 200);
    assert.equal(got.body, alphaManifest);
    assert.equal(got.headers['docker-content-digest'], digestOf(alphaManifest));
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/stowage/v1/docker/docker-local/charts/alpha/manifests/1.2.0_build.7/layers',
      headers: AUTH,
    });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json() as {
      config: { mediaType: string };
      layers: { mediaType: string; size: number; digest: string }[];
      totalSize: number;
    };
    assert.equal(view.config.mediaType, HELM_CONFIG);
    assert.deepEqual(
      view.layers.map((l) => [l.mediaType, l.digest, l.size]),
      [
        [HELM_CHART, digestOf(ALPHA.tgz), ALPHA.tgz.length],
        [HELM_PROV, digestOf(PROV), Buffer.byteLength(PROV)],
      ],
    );
    assert.equal(
      view.totalSize,
      Buffer.byteLength(ALPHA.config) + ALPHA.tgz.length + Buffer.byteLength(PROV),
    );
  });

  test('plain images are not charts; helm repositories are still queried as before', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux' });
    const cfg = await pushBlob('docker-local/app', config);
    const layer = await pushBlob('docker-local/app', 'layer');
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v2/docker-local/app/manifests/1',
      headers: { ...AUTH, 'content-type': OCI_MANIFEST },
      payload: JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: cfg,
          size: config.length,
        },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 5 }],
      }),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(Object.keys((await query('docker-local/charts')).json as object), ['alpha']);
    assert.deepEqual((await query('helm-local/charts')).json, {});
    const generic = await query('generic-local/charts');
    assert.equal(generic.status, 400);
    assert.equal(errorCode({ json: () => generic.json }), 'ERR_REPO_INVALID');
    const missing = await query('docker-local/charts/beta');
    assert.equal(missing.status, 404);
  });

  test('refused with MANIFEST_INVALID: a config that is not chart metadata', async () => {
    const notJson = await pushChart('docker-local/charts/bad', '1.0.0', {
      config: 'not json {',
      layers: [{ mediaType: HELM_CHART, data: ALPHA.tgz }],
    });
    assert.equal(notJson.status, 400, notJson.body);
    assert.equal(notJson.code, 'MANIFEST_INVALID');
    assert.match(notJson.body, /not JSON/);

    const badVersion = await pushChart('docker-local/charts/bad', '1.0.0', {
      config: JSON.stringify({ apiVersion: 'v2', name: 'bad', version: 'banana' }),
      layers: [{ mediaType: HELM_CHART, data: ALPHA.tgz }],
    });
    assert.equal(badVersion.status, 400, badVersion.body);
    assert.equal(badVersion.code, 'MANIFEST_INVALID');
    assert.match(badVersion.body, /SemVer/);
    assert.match(badVersion.body, /ERR_HELM_CHART_INVALID/, 'the Stowage code rides in detail');

    const badType = await pushChart('docker-local/charts/bad', '1.0.0', {
      config: JSON.stringify({ apiVersion: 'v2', name: 'bad', version: '1.0.0', type: 'plugin' }),
      layers: [{ mediaType: HELM_CHART, data: ALPHA.tgz }],
    });
    assert.equal(badType.code, 'MANIFEST_INVALID');
  });

  test('refused with MANIFEST_INVALID: no chart layer, or two', async () => {
    const none = await pushChart('docker-local/charts/bad', '1.0.0', {
      config: chart('bad', '1.0.0').config,
      layers: [{ mediaType: HELM_PROV, data: PROV }],
    });
    assert.equal(none.status, 400, none.body);
    assert.equal(none.code, 'MANIFEST_INVALID');
    assert.match(none.body, /exactly one .*chart\.content.* layer; this one has 0/);
    const two = await pushChart('docker-local/charts/bad', '1.0.0', {
      config: chart('bad', '1.0.0').config,
      layers: [
        { mediaType: HELM_CHART, data: ALPHA.tgz },
        { mediaType: HELM_CHART, data: ALPHA_OLD.tgz },
      ],
    });
    assert.equal(two.code, 'MANIFEST_INVALID');
    // Nothing was stored for the refused pushes.
    const got = await t.app.inject({
      method: 'GET',
      url: '/v2/docker-local/charts/bad/manifests/1.0.0',
      headers: AUTH,
    });
    assert.equal(got.statusCode, 404);
    assert.equal(errorsCode(got.json()), 'MANIFEST_UNKNOWN');
    assert.equal((await query('docker-local/charts/bad')).status, 404);
  });

  test('deleting the manifest removes the chart version from the query', async () => {
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v2/docker-local/charts/alpha/manifests/${digestOf(alphaManifest)}`,
      headers: AUTH,
    });
    assert.equal(del.statusCode, 202, del.body);
    const versions = (await query('docker-local/charts/alpha')).json as Entry[];
    assert.deepEqual(
      versions.map((v) => v.version),
      ['1.1.0'],
    );
  });
});
