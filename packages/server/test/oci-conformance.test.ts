/**
 * The OCI distribution spec's conformance workflows (opencontainers/distribution-spec,
 * conformance/: pull, push, content discovery, content management), written here from the
 * spec's endpoint table (end-1 … end-13) since the official Go suite needs Go 1.24. Each test
 * follows one workflow in the spec's order against a docker repository named `oci`; the
 * statuses asserted are the spec's success and failure codes. The last test runs the push, pull
 * and management workflows again with sha512 digests (the spec's other registered algorithm).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AUTH, makeApp, sums, type TestApp } from './helpers.ts';

const NAME = 'oci/conformance/app';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const NONDIST = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';

let t: TestApp;

interface Res {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json: () => unknown;
}

const digestOf = (b: string | Buffer): string => `sha256:${sums(b).sha256}`;
const codeOf = (r: Res): string | undefined =>
  (r.json() as { errors?: { code?: string }[] }).errors?.[0]?.code;

async function call(
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Res> {
  return (await t.app.inject({
    method,
    url,
    headers: {
      ...AUTH,
      ...(body !== undefined ? { 'content-type': 'application/octet-stream' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { payload: body } : {}),
  })) as unknown as Res;
}

const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' } });
const layerA = 'conformance layer A';
const layerB = Buffer.alloc(70_000, 7);

function manifestOf(layers: { mediaType: string; digest: string; size: number }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: digestOf(config),
      size: Buffer.byteLength(config),
    },
    layers,
  });
}

before(async () => {
  t = await makeApp({
    repositories: [{ key: 'generic-local' }, { key: 'oci', packageType: 'docker' }],
    stages: [{ name: 'staged', repo: 'generic-local' }],
  });
});
after(async () => t.close());

test('push: monolithic POST, POST+PUT, chunked PATCH uploads, cross mount, manifest PUT', async () => {
  // end-1: the API version check.
  assert.equal((await call('GET', '/v2/')).statusCode, 200);
  // end-4b: a monolithic upload in one POST with ?digest.
  const post = await call('POST', `/v2/${NAME}/blobs/uploads/?digest=${digestOf(config)}`, config);
  assert.equal(post.statusCode, 201, post.body);
  assert.ok(String(post.headers.location).length > 0, 'Location of the blob');
  // end-4a + end-6: POST opens a session, PUT with the body and ?digest closes it.
  const open = await call('POST', `/v2/${NAME}/blobs/uploads/`);
  assert.equal(open.statusCode, 202);
  const loc = String(open.headers.location);
  const sep = loc.includes('?') ? '&' : '?';
  const put = await call('PUT', `${loc}${sep}digest=${digestOf(layerA)}`, layerA);
  assert.equal(put.statusCode, 201, put.body);
  assert.equal(put.headers['docker-content-digest'], digestOf(layerA));
  // end-4a + end-5 (chunks in order, Content-Range) + end-13 (status) + end-6 (final PUT).
  const chunked = await call('POST', `/v2/${NAME}/blobs/uploads/`);
  let at = String(chunked.headers.location);
  const half = layerB.length / 2;
  const first = await call('PATCH', at, layerB.subarray(0, half), {
    'content-range': `0-${half - 1}`,
  });
  assert.equal(first.statusCode, 202, first.body);
  assert.equal(first.headers.range, `0-${half - 1}`);
  at = String(first.headers.location);
  const status = await call('GET', at);
  assert.equal(status.statusCode, 204);
  assert.equal(status.headers.range, `0-${half - 1}`);
  const outOfOrder = await call('PATCH', at, layerB.subarray(0, 10), { 'content-range': '0-9' });
  assert.equal(outOfOrder.statusCode, 416, 'a chunk that does not continue the upload');
  const second = await call('PATCH', at, layerB.subarray(half), {
    'content-range': `${half}-${layerB.length - 1}`,
  });
  assert.equal(second.statusCode, 202, second.body);
  at = String(second.headers.location);
  const close = await call('PUT', `${at}${at.includes('?') ? '&' : '?'}digest=${digestOf(layerB)}`);
  assert.equal(close.statusCode, 201, close.body);
  // A wrong digest on close is refused and nothing is stored.
  const bad = await call('POST', `/v2/${NAME}/blobs/uploads/`);
  const badLoc = String(bad.headers.location);
  const wrong = await call(
    'PUT',
    `${badLoc}${badLoc.includes('?') ? '&' : '?'}digest=${digestOf('other')}`,
    'content',
  );
  assert.equal(wrong.statusCode, 400);
  assert.equal(codeOf(wrong), 'DIGEST_INVALID');
  // end-11: mount a blob from another repository name.
  const mount = await call(
    'POST',
    `/v2/oci/conformance/other/blobs/uploads/?mount=${digestOf(layerA)}&from=${NAME}`,
  );
  assert.equal(mount.statusCode, 201, mount.body);
  // end-7: a manifest PUT by tag, its layers all pushed.
  const manifest = manifestOf([
    { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
    { mediaType: LAYER, digest: digestOf(layerB), size: layerB.length },
  ]);
  const pm = await call('PUT', `/v2/${NAME}/manifests/v1`, manifest, {
    'content-type': OCI_MANIFEST,
  });
  assert.equal(pm.statusCode, 201, pm.body);
  assert.equal(pm.headers['docker-content-digest'], digestOf(manifest));
  // A non-distributable layer is not pushed by design: the manifest is accepted without it.
  const nondist = manifestOf([
    { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
    { mediaType: NONDIST, digest: digestOf('licensed base layer'), size: 19 },
  ]);
  const pn = await call('PUT', `/v2/${NAME}/manifests/nondist`, nondist, {
    'content-type': OCI_MANIFEST,
  });
  assert.equal(pn.statusCode, 201, pn.body);
  // A manifest whose (distributable) layer is missing is refused.
  const missing = manifestOf([{ mediaType: LAYER, digest: digestOf('never pushed'), size: 12 }]);
  const pmiss = await call('PUT', `/v2/${NAME}/manifests/missing`, missing, {
    'content-type': OCI_MANIFEST,
  });
  assert.equal(codeOf(pmiss), 'MANIFEST_BLOB_UNKNOWN');
});

test('pull: blobs and manifests by digest and tag, HEAD and GET; unknown ones are 404', async () => {
  const manifest = manifestOf([
    { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
    { mediaType: LAYER, digest: digestOf(layerB), size: layerB.length },
  ]);
  for (const ref of ['v1', digestOf(manifest)]) {
    const head = await call('HEAD', `/v2/${NAME}/manifests/${ref}`, undefined, {
      accept: OCI_MANIFEST,
    });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['docker-content-digest'], digestOf(manifest));
    assert.equal(Number(head.headers['content-length']), Buffer.byteLength(manifest));
    const get = await call('GET', `/v2/${NAME}/manifests/${ref}`, undefined, {
      accept: OCI_MANIFEST,
    });
    assert.equal(get.statusCode, 200);
    assert.equal(get.body, manifest);
  }
  const blob = await call('GET', `/v2/${NAME}/blobs/${digestOf(layerA)}`);
  assert.equal(blob.statusCode, 200);
  assert.equal(blob.body, layerA);
  assert.equal(blob.headers['docker-content-digest'], digestOf(layerA));
  const headBlob = await call('HEAD', `/v2/${NAME}/blobs/${digestOf(layerB)}`);
  assert.equal(headBlob.statusCode, 200);
  assert.equal(Number(headBlob.headers['content-length']), layerB.length);
  const unknownDigest = digestOf('nothing like this');
  for (const [method, url, code] of [
    ['GET', `/v2/${NAME}/blobs/${unknownDigest}`, 'BLOB_UNKNOWN'],
    ['HEAD', `/v2/${NAME}/blobs/${unknownDigest}`, undefined],
    ['GET', `/v2/${NAME}/manifests/${unknownDigest}`, 'MANIFEST_UNKNOWN'],
    ['GET', `/v2/${NAME}/manifests/no-such-tag`, 'MANIFEST_UNKNOWN'],
    // Malformed or unsupported digests name nothing stored: 404 on pull, not 400.
    ['GET', `/v2/${NAME}/blobs/sha256:not-hex`, 'BLOB_UNKNOWN'],
    ['HEAD', `/v2/${NAME}/blobs/sha256:abc`, undefined],
    ['GET', `/v2/${NAME}/manifests/sha256:0123`, 'MANIFEST_UNKNOWN'],
  ] as const) {
    const res = await call(method, url);
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    if (code) assert.equal(codeOf(res), code, url);
  }
});

test('content discovery: tags/list with n and last, the catalog, referrers', async () => {
  for (const tag of ['v2', 'v3', 'latest']) {
    const manifest = manifestOf([
      { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
    ]);
    const res = await call('PUT', `/v2/${NAME}/manifests/${tag}`, manifest, {
      'content-type': OCI_MANIFEST,
    });
    assert.equal(res.statusCode, 201);
  }
  const all = await call('GET', `/v2/${NAME}/tags/list`);
  assert.deepEqual(all.json(), { name: NAME, tags: ['latest', 'nondist', 'v1', 'v2', 'v3'] });
  const page = await call('GET', `/v2/${NAME}/tags/list?n=2&last=nondist`);
  assert.deepEqual((page.json() as { tags: string[] }).tags, ['v1', 'v2']);
  assert.match(String(page.headers.link), /rel="next"/);
  const none = await call('GET', `/v2/${NAME}/tags/list?n=0`);
  assert.deepEqual((none.json() as { tags: string[] }).tags, []);

  const catalog = await call('GET', '/v2/_catalog');
  assert.equal(catalog.statusCode, 200);
  assert.deepEqual(catalog.json(), { repositories: [NAME] });
  // The mounted blob alone does not make an image: only names with manifests are listed.
  const mountConfig = await call(
    'POST',
    `/v2/oci/conformance/other/blobs/uploads/?mount=${digestOf(config)}&from=${NAME}`,
  );
  assert.equal(mountConfig.statusCode, 201);
  const other = await call('PUT', '/v2/oci/conformance/other/manifests/x', manifestOf([]), {
    'content-type': OCI_MANIFEST,
  });
  assert.equal(other.statusCode, 201, other.body);
  const first = await call('GET', '/v2/_catalog?n=1');
  assert.deepEqual(first.json(), { repositories: [NAME] });
  assert.equal(
    first.headers.link,
    `</v2/_catalog?n=1&last=${encodeURIComponent(NAME)}>; rel="next"`,
  );
  const next = await call('GET', `/v2/_catalog?n=1&last=${encodeURIComponent(NAME)}`);
  assert.deepEqual(next.json(), { repositories: ['oci/conformance/other'] });
  assert.equal(next.headers.link, undefined, 'the last page has no next link');
  const anon = await t.app.inject({ url: '/v2/_catalog' });
  assert.equal(anon.statusCode, 401, 'the catalog needs read access');

  const subject = manifestOf([
    { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
  ]);
  const referrers = await call('GET', `/v2/${NAME}/referrers/${digestOf(subject)}`);
  assert.equal(referrers.statusCode, 200);
  assert.equal(
    (referrers.json() as { mediaType: string }).mediaType,
    'application/vnd.oci.image.index.v1+json',
  );
});

test('content management: delete a tag, a manifest by digest, a blob', async () => {
  const tagDel = await call('DELETE', `/v2/${NAME}/manifests/v3`);
  assert.ok([202, 400, 405].includes(tagDel.statusCode), `tag delete: ${tagDel.statusCode}`);
  const manifest = manifestOf([
    { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
    { mediaType: LAYER, digest: digestOf(layerB), size: layerB.length },
  ]);
  const del = await call('DELETE', `/v2/${NAME}/manifests/${digestOf(manifest)}`);
  assert.equal(del.statusCode, 202, del.body);
  assert.equal((await call('GET', `/v2/${NAME}/manifests/${digestOf(manifest)}`)).statusCode, 404);
  const blobDel = await call('DELETE', `/v2/${NAME}/blobs/${digestOf(layerB)}`);
  assert.equal(blobDel.statusCode, 202);
  assert.equal((await call('GET', `/v2/${NAME}/blobs/${digestOf(layerB)}`)).statusCode, 404);
  const again = await call('DELETE', `/v2/${NAME}/blobs/${digestOf(layerB)}`);
  assert.equal(again.statusCode, 404);
});

test('the push, pull and management workflows with sha512 digests', async () => {
  const sha512Of = (b: string | Buffer): string =>
    `sha512:${createHash('sha512').update(b).digest('hex')}`;
  const name = 'oci/conformance/sha512';
  // end-4a + end-6: POST opens a session, PUT ?digest=sha512 closes it.
  const open = await call('POST', `/v2/${name}/blobs/uploads/`);
  assert.equal(open.statusCode, 202);
  const loc = String(open.headers.location);
  const put = await call(
    'PUT',
    `${loc}${loc.includes('?') ? '&' : '?'}digest=${sha512Of(config)}`,
    config,
  );
  assert.equal(put.statusCode, 201, put.body);
  assert.equal(put.headers['docker-content-digest'], sha512Of(config));
  // end-5 chunked, closed with sha512.
  const chunked = await call('POST', `/v2/${name}/blobs/uploads/`);
  let at = String(chunked.headers.location);
  const half = layerB.length / 2;
  for (const [i, part] of [layerB.subarray(0, half), layerB.subarray(half)].entries()) {
    const res = await call('PATCH', at, part, {
      'content-range': `${i * half}-${i * half + part.length - 1}`,
    });
    assert.equal(res.statusCode, 202, res.body);
    at = String(res.headers.location);
  }
  const close = await call('PUT', `${at}${at.includes('?') ? '&' : '?'}digest=${sha512Of(layerB)}`);
  assert.equal(close.statusCode, 201, close.body);
  // end-11: mount by sha512 into another repository name.
  const mount = await call(
    'POST',
    `/v2/oci/conformance/sha512-copy/blobs/uploads/?mount=${sha512Of(layerB)}&from=${name}`,
  );
  assert.equal(mount.statusCode, 201, mount.body);
  // end-7: a manifest PUT by its sha512 digest, referencing sha512 blobs.
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha512Of(config),
      size: Buffer.byteLength(config),
    },
    layers: [{ mediaType: LAYER, digest: sha512Of(layerB), size: layerB.length }],
  });
  const pm = await call('PUT', `/v2/${name}/manifests/${sha512Of(manifest)}`, manifest, {
    'content-type': OCI_MANIFEST,
  });
  assert.equal(pm.statusCode, 201, pm.body);
  assert.equal(pm.headers['docker-content-digest'], sha512Of(manifest));
  // end-2, end-3: pull by sha512.
  const man = await call('GET', `/v2/${name}/manifests/${sha512Of(manifest)}`);
  assert.equal(man.statusCode, 200);
  assert.equal(man.body, manifest);
  assert.equal(man.headers['docker-content-digest'], sha512Of(manifest));
  const blob = await call('HEAD', `/v2/${name}/blobs/${sha512Of(layerB)}`);
  assert.equal(blob.statusCode, 200);
  assert.equal(Number(blob.headers['content-length']), layerB.length);
  // end-9, end-10: delete by sha512.
  assert.equal(
    (await call('DELETE', `/v2/${name}/manifests/${sha512Of(manifest)}`)).statusCode,
    202,
  );
  assert.equal((await call('GET', `/v2/${name}/manifests/${sha512Of(manifest)}`)).statusCode, 404);
  assert.equal((await call('DELETE', `/v2/${name}/blobs/${sha512Of(layerB)}`)).statusCode, 202);
  assert.equal((await call('HEAD', `/v2/${name}/blobs/${sha512Of(layerB)}`)).statusCode, 404);
  // A wrong sha512 on close: DIGEST_INVALID, nothing stored.
  const bad = await call('POST', `/v2/${name}/blobs/uploads/?digest=${sha512Of('other')}`, 'x');
  assert.equal(bad.statusCode, 400);
  assert.equal(codeOf(bad), 'DIGEST_INVALID');
  assert.equal((await call('HEAD', `/v2/${name}/blobs/${sha512Of('x')}`)).statusCode, 404);
});

test('the catalog lists only the images of repositories the caller may read, on every page', async () => {
  const app = await makeApp({
    repositories: [
      { key: 'generic-local' },
      { key: 'team-a', packageType: 'docker' },
      { key: 'team-b', packageType: 'docker' },
    ],
    stages: [{ name: 'staged', repo: 'generic-local' }],
  });
  try {
    const push = async (name: string): Promise<void> => {
      for (const blob of [config, layerA]) {
        const r = await app.app.inject({
          method: 'POST',
          url: `/v2/${name}/blobs/uploads/?digest=${digestOf(blob)}`,
          headers: { ...AUTH, 'content-type': 'application/octet-stream' },
          payload: blob,
        });
        assert.equal(r.statusCode, 201, r.body);
      }
      const m = await app.app.inject({
        method: 'PUT',
        url: `/v2/${name}/manifests/v1`,
        headers: { ...AUTH, 'content-type': OCI_MANIFEST },
        payload: manifestOf([
          { mediaType: LAYER, digest: digestOf(layerA), size: Buffer.byteLength(layerA) },
        ]),
      });
      assert.equal(m.statusCode, 201, m.body);
    };
    for (const name of ['team-a/api', 'team-a/web', 'team-b/secret', 'team-b/zz']) await push(name);
    const issued = await app.app.inject({
      method: 'POST',
      url: '/api/stowage/v1/tokens',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ user: 'team-a-puller', scopes: ['repo:team-a:read'] }),
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const own = { authorization: `Bearer ${(issued.json() as { token: string }).token}` };
    const catalog = async (
      headers: Record<string, string>,
      query = '',
    ): Promise<{ status: number; repositories?: string[]; link?: string }> => {
      const r = await app.app.inject({ url: `/v2/_catalog${query}`, headers });
      return {
        status: r.statusCode,
        ...(r.statusCode === 200 && {
          repositories: (r.json() as { repositories: string[] }).repositories,
        }),
        ...(typeof r.headers.link === 'string' && { link: r.headers.link }),
      };
    };
    assert.deepEqual((await catalog(AUTH)).repositories, [
      'team-a/api',
      'team-a/web',
      'team-b/secret',
      'team-b/zz',
    ]);
    assert.deepEqual((await catalog(own)).repositories, ['team-a/api', 'team-a/web']);
    // Page by page, the other repository's names never show, nor does a next link into them.
    const first = await catalog(own, '?n=1');
    assert.deepEqual(first.repositories, ['team-a/api']);
    const second = await catalog(own, `?n=1&last=${encodeURIComponent('team-a/api')}`);
    assert.deepEqual(second.repositories, ['team-a/web']);
    const third = await catalog(own, `?n=1&last=${encodeURIComponent('team-a/web')}`);
    assert.deepEqual(third.repositories, []);
    assert.equal(third.link, undefined);
    // Its images are out of reach by name too.
    const manifest = await app.app.inject({
      url: '/v2/team-b/secret/manifests/v1',
      headers: { ...own, accept: OCI_MANIFEST },
    });
    assert.equal(manifest.statusCode, 403);
  } finally {
    await app.close();
  }
});
