/**
 * sha512 digests in the OCI registry (the distribution spec allows `sha512:<128 hex>` for blobs
 * and manifests): monolithic and chunked pushes verified by sha512, pulls, mounts, manifests
 * referencing sha512 blobs and children, manifests pushed, pulled and deleted by a sha512
 * digest, wrong and malformed digests, and remotes passing sha512 through and verifying it
 * (against a second Stowage, and against an upstream that sends other bytes).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AUTH, TOKEN, makeApp, type TestApp } from './helpers.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

const sha512 = (b: string | Buffer): string =>
  `sha512:${createHash('sha512').update(b).digest('hex')}`;
const sha256 = (b: string | Buffer): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Res {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  rawPayload: Buffer;
  json: () => unknown;
}

function code(res: Res): string | undefined {
  return (res.json() as { errors?: { code?: string }[] }).errors?.[0]?.code;
}

async function call(
  t: TestApp,
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

async function pushBlob512(t: TestApp, name: string, data: string): Promise<string> {
  const d = sha512(data);
  const res = await call(t, 'POST', `/v2/${name}/blobs/uploads/?digest=${d}`, data);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.headers['docker-content-digest'], d);
  return d;
}

function manifestOf(config: string, layers: string[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: CONFIG, digest: sha512(config), size: Buffer.byteLength(config) },
    layers: layers.map((l) => ({
      mediaType: LAYER,
      digest: sha512(l),
      size: Buffer.byteLength(l),
    })),
  });
}

const putManifest = (t: TestApp, name: string, ref: string, body: string): Promise<Res> =>
  call(t, 'PUT', `/v2/${name}/manifests/${ref}`, body, { 'content-type': OCI_MANIFEST });

/** The test config needs a promotion stage; a generic repository holds it. */
const STAGES = [{ name: 'staged', repo: 'generic-local' }];
let t: TestApp;

before(async () => {
  t = await makeApp({
    stages: STAGES,
    repositories: [
      { key: 'generic-local' },
      { key: 'docker-local', packageType: 'docker' },
      { key: 'docker-other', packageType: 'docker' },
    ],
  });
});
after(async () => t.close());

describe('blobs by sha512', () => {
  test('a monolithic push by sha512 is verified, then HEAD and GET answer by that digest', async () => {
    const data = 'a layer addressed by sha512';
    const d = sha512(data);
    const res = await call(t, 'POST', `/v2/docker-local/app/blobs/uploads/?digest=${d}`, data);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, `/v2/docker-local/app/blobs/${d}`);
    assert.equal(res.headers['docker-content-digest'], d);
    const head = await call(t, 'HEAD', `/v2/docker-local/app/blobs/${d}`);
    assert.equal(head.statusCode, 200);
    assert.equal(Number(head.headers['content-length']), Buffer.byteLength(data));
    assert.equal(head.headers['docker-content-digest'], d);
    const get = await call(t, 'GET', `/v2/docker-local/app/blobs/${d}`);
    assert.equal(get.statusCode, 200);
    assert.equal(get.body, data);
    assert.equal(get.headers['docker-content-digest'], d);
    // Stored once, content-addressed by sha256: the storage API shows the alias record's checksums.
    const info = await t.app.inject({
      method: 'GET',
      url: `/api/storage/docker-local/app/_blobs/sha512/${d.slice(7)}`,
      headers: AUTH,
    });
    assert.equal(info.statusCode, 200, info.body);
    assert.equal(
      (info.json() as { checksums: { sha256: string } }).checksums.sha256,
      sha256(data).slice(7),
    );
  });

  test('a wrong sha512 on a monolithic push is DIGEST_INVALID and nothing is visible', async () => {
    const wrong = sha512('something else');
    const staging = await readdir(join(t.dir, 'tmp'));
    const res = await call(
      t,
      'POST',
      `/v2/docker-local/app/blobs/uploads/?digest=${wrong}`,
      'the real content',
    );
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(code(res), 'DIGEST_INVALID');
    assert.match(res.body, new RegExp(sha512('the real content')));
    // The staged bytes were discarded.
    assert.deepEqual(await readdir(join(t.dir, 'tmp')), staging);
    for (const d of [wrong, sha512('the real content')]) {
      const head = await call(t, 'HEAD', `/v2/docker-local/app/blobs/${d}`);
      assert.equal(head.statusCode, 404);
    }
  });

  test('a chunked push finished with ?digest=sha512 is verified over every chunk', async () => {
    const parts = ['first chunk / ', 'second chunk / ', 'last chunk'];
    const data = parts.join('');
    const d = sha512(data);
    const open = await call(t, 'POST', '/v2/docker-local/app/blobs/uploads/');
    assert.equal(open.statusCode, 202);
    let loc = String(open.headers.location);
    let at = 0;
    for (const p of parts.slice(0, -1)) {
      const res = await call(t, 'PATCH', loc, p, {
        'content-range': `${at}-${at + p.length - 1}`,
      });
      assert.equal(res.statusCode, 202, res.body);
      at += p.length;
      loc = String(res.headers.location);
    }
    const close = await call(t, 'PUT', `${loc}?digest=${d}`, parts.at(-1));
    assert.equal(close.statusCode, 201, close.body);
    assert.equal(close.headers['docker-content-digest'], d);
    const get = await call(t, 'GET', `/v2/docker-local/app/blobs/${d}`);
    assert.equal(get.statusCode, 200);
    assert.equal(get.body, data);
  });

  test('a chunked push with a wrong sha512 is refused, nothing visible, the session ended', async () => {
    const open = await call(t, 'POST', '/v2/docker-local/app/blobs/uploads/');
    const loc = String(open.headers.location);
    assert.equal((await call(t, 'PATCH', loc, 'chunked content')).statusCode, 202);
    const wrong = sha512('not what was sent');
    const close = await call(t, 'PUT', `${loc}?digest=${wrong}`);
    assert.equal(close.statusCode, 400, close.body);
    assert.equal(code(close), 'DIGEST_INVALID');
    assert.equal((await call(t, 'HEAD', `/v2/docker-local/app/blobs/${wrong}`)).statusCode, 404);
    assert.equal(
      (await call(t, 'HEAD', `/v2/docker-local/app/blobs/${sha512('chunked content')}`)).statusCode,
      404,
    );
    const status = await call(t, 'GET', loc);
    assert.equal(status.statusCode, 404);
    assert.equal(code(status), 'BLOB_UPLOAD_UNKNOWN');
  });

  test('a sha512 blob mounts from another image and repository', async () => {
    const d = await pushBlob512(t, 'docker-local/base', 'a shared base layer');
    const res = await call(
      t,
      'POST',
      `/v2/docker-other/derived/blobs/uploads/?mount=${d}&from=docker-local/base`,
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['docker-content-digest'], d);
    assert.equal(res.headers.location, `/v2/docker-other/derived/blobs/${d}`);
    const get = await call(t, 'GET', `/v2/docker-other/derived/blobs/${d}`);
    assert.equal(get.statusCode, 200);
    assert.equal(get.body, 'a shared base layer');
    // Not in the source: the spec's fallback, an upload session.
    const none = await call(
      t,
      'POST',
      `/v2/docker-other/derived/blobs/uploads/?mount=${sha512('never pushed')}&from=docker-local/base`,
    );
    assert.equal(none.statusCode, 202);
  });

  test('a sha512 blob is deleted by its digest', async () => {
    const d = await pushBlob512(t, 'docker-local/gone', 'to be deleted');
    const del = await call(t, 'DELETE', `/v2/docker-local/gone/blobs/${d}`);
    assert.equal(del.statusCode, 202);
    assert.equal((await call(t, 'HEAD', `/v2/docker-local/gone/blobs/${d}`)).statusCode, 404);
  });

  test('malformed digests: 404 on GET and HEAD, 400 DIGEST_INVALID on push', async () => {
    const short = `sha512:${'a'.repeat(64)}`;
    const upper = `sha512:${'A'.repeat(128)}`;
    for (const d of [short, upper, 'sha512:xyz', `sha384:${'a'.repeat(96)}`]) {
      const get = await call(t, 'GET', `/v2/docker-local/app/blobs/${d}`);
      assert.equal(get.statusCode, 404, d);
      assert.equal(code(get), 'BLOB_UNKNOWN');
      assert.equal((await call(t, 'HEAD', `/v2/docker-local/app/manifests/${d}`)).statusCode, 404);
      const push = await call(t, 'POST', `/v2/docker-local/app/blobs/uploads/?digest=${d}`, 'x');
      assert.equal(push.statusCode, 400, d);
      assert.equal(code(push), 'DIGEST_INVALID');
      const man = await putManifest(t, 'docker-local/app', d, '{}');
      assert.equal(man.statusCode, 400, d);
      assert.equal(code(man), 'DIGEST_INVALID');
    }
  });
});

describe('manifests and sha512', () => {
  test('a manifest referencing sha512 config and layers is accepted once they are pushed', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', n: 1 });
    const layers = ['sha512 layer one', 'sha512 layer two'];
    await pushBlob512(t, 'docker-local/img', config);
    await pushBlob512(t, 'docker-local/img', layers[0] ?? '');
    const body = manifestOf(config, layers);
    // One layer missing: refused, and only that one is named.
    const refused = await putManifest(t, 'docker-local/img', 'v1', body);
    assert.equal(refused.statusCode, 404, refused.body);
    assert.equal(code(refused), 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual(
      (refused.json() as { errors: { detail: { missing: string[] } }[] }).errors[0]?.detail.missing,
      [sha512(layers[1] ?? '')],
    );
    await pushBlob512(t, 'docker-local/img', layers[1] ?? '');
    const ok = await putManifest(t, 'docker-local/img', 'v1', body);
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.headers['docker-content-digest'], sha256(body));
    const view = await t.app.inject({
      method: 'GET',
      url: '/api/stowage/v1/docker/docker-local/img/manifests/v1/layers',
      headers: AUTH,
    });
    assert.equal(view.statusCode, 200, view.body);
    const v = view.json() as { layers: { digest: string }[]; totalSize: number };
    assert.deepEqual(
      v.layers.map((l) => l.digest),
      layers.map((l) => sha512(l)),
    );
  });

  test('a manifest is pushed, pulled, HEAD-ed and deleted by a sha512 digest', async () => {
    const config = JSON.stringify({ architecture: 'arm64', os: 'linux' });
    await pushBlob512(t, 'docker-local/bydigest', config);
    await pushBlob512(t, 'docker-local/bydigest', 'its only layer');
    const body = manifestOf(config, ['its only layer']);
    const d = sha512(body);
    const put = await putManifest(t, 'docker-local/bydigest', d, body);
    assert.equal(put.statusCode, 201, put.body);
    assert.equal(put.headers['docker-content-digest'], d);
    assert.equal(put.headers.location, `/v2/docker-local/bydigest/manifests/${d}`);
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await call(t, method, `/v2/docker-local/bydigest/manifests/${d}`, undefined, {
        accept: OCI_MANIFEST,
      });
      assert.equal(res.statusCode, 200, `${method} ${res.body}`);
      assert.equal(res.headers['docker-content-digest'], d);
      assert.equal(res.headers['content-type'], OCI_MANIFEST);
      assert.equal(Number(res.headers['content-length']), Buffer.byteLength(body));
      if (method === 'GET') assert.equal(res.body, body);
    }
    // The same content by its sha256, the canonical record.
    const by256 = await call(t, 'GET', `/v2/docker-local/bydigest/manifests/${sha256(body)}`);
    assert.equal(by256.statusCode, 200);
    assert.equal(by256.headers['docker-content-digest'], sha256(body));
    // Tagged too, then deleted by sha512: the manifest, its sha256 record and its tag go.
    assert.equal((await putManifest(t, 'docker-local/bydigest', 'latest', body)).statusCode, 201);
    const del = await call(t, 'DELETE', `/v2/docker-local/bydigest/manifests/${d}`);
    assert.equal(del.statusCode, 202, del.body);
    for (const ref of [d, sha256(body), 'latest']) {
      const res = await call(t, 'GET', `/v2/docker-local/bydigest/manifests/${ref}`);
      assert.equal(res.statusCode, 404, ref);
      assert.equal(code(res), 'MANIFEST_UNKNOWN');
    }
    const again = await call(t, 'DELETE', `/v2/docker-local/bydigest/manifests/${d}`);
    assert.equal(again.statusCode, 404);
  });

  test('deleting by sha256 removes the sha512 alias of the same manifest', async () => {
    const config = JSON.stringify({ os: 'linux', variant: 'alias' });
    await pushBlob512(t, 'docker-local/alias', config);
    const body = manifestOf(config, []);
    assert.equal((await putManifest(t, 'docker-local/alias', sha512(body), body)).statusCode, 201);
    const del = await call(t, 'DELETE', `/v2/docker-local/alias/manifests/${sha256(body)}`);
    assert.equal(del.statusCode, 202);
    const res = await call(t, 'GET', `/v2/docker-local/alias/manifests/${sha512(body)}`);
    assert.equal(res.statusCode, 404);
  });

  test('a wrong sha512 in the manifest URL is DIGEST_INVALID and nothing is stored', async () => {
    const config = JSON.stringify({ os: 'linux', wrong: true });
    await pushBlob512(t, 'docker-local/wrong', config);
    const body = manifestOf(config, []);
    const wrong = sha512(`${body} `);
    const put = await putManifest(t, 'docker-local/wrong', wrong, body);
    assert.equal(put.statusCode, 400, put.body);
    assert.equal(code(put), 'DIGEST_INVALID');
    assert.match(put.body, new RegExp(sha512(body)));
    for (const ref of [wrong, sha512(body), sha256(body)]) {
      assert.equal(
        (await call(t, 'HEAD', `/v2/docker-local/wrong/manifests/${ref}`)).statusCode,
        404,
      );
    }
  });

  test('an index references child manifests by sha512; referrers of a sha512 subject', async () => {
    const config = JSON.stringify({ os: 'linux', architecture: 'riscv64' });
    await pushBlob512(t, 'docker-local/multi', config);
    const child = manifestOf(config, []);
    assert.equal(
      (await putManifest(t, 'docker-local/multi', sha512(child), child)).statusCode,
      201,
    );
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: sha512(child),
          size: Buffer.byteLength(child),
          platform: { os: 'linux', architecture: 'riscv64' },
        },
      ],
    });
    const put = await call(t, 'PUT', '/v2/docker-local/multi/manifests/v1', index, {
      'content-type': OCI_INDEX,
    });
    assert.equal(put.statusCode, 201, put.body);
    const missingChild = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: sha512('no such manifest'), size: 3 }],
    });
    const refused = await call(t, 'PUT', '/v2/docker-local/multi/manifests/v2', missingChild, {
      'content-type': OCI_INDEX,
    });
    assert.equal(refused.statusCode, 404);
    assert.equal(code(refused), 'MANIFEST_BLOB_UNKNOWN');
    // A signature-like artifact whose subject is the child, named by sha512.
    const sig = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: CONFIG, digest: sha512(config), size: Buffer.byteLength(config) },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: sha512(child), size: Buffer.byteLength(child) },
    });
    const ps = await putManifest(t, 'docker-local/multi', sha256(sig), sig);
    assert.equal(ps.statusCode, 201, ps.body);
    assert.equal(ps.headers['oci-subject'], sha512(child));
    const refs = await call(t, 'GET', `/v2/docker-local/multi/referrers/${sha512(child)}`);
    assert.equal(refs.statusCode, 200);
    const list = (refs.json() as { manifests: { digest: string; artifactType?: string }[] })
      .manifests;
    assert.deepEqual(list, [
      {
        mediaType: OCI_MANIFEST,
        digest: sha256(sig),
        size: Buffer.byteLength(sig),
        artifactType: 'application/vnd.example.signature',
      },
    ]);
  });
});

describe('remotes and sha512', () => {
  let up: TestApp;
  let down: TestApp;
  let liar: Server;
  const layer = 'an upstream layer by sha512';
  const config = JSON.stringify({ os: 'linux', upstream: true });
  let manifest: string;

  before(async () => {
    up = await makeApp({
      stages: STAGES,
      repositories: [{ key: 'generic-local' }, { key: 'hub', packageType: 'docker' }],
    });
    await up.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (up.app.server.address() as AddressInfo).port;
    await pushBlob512(up, 'hub/library/base', layer);
    await pushBlob512(up, 'hub/library/base', config);
    manifest = manifestOf(config, [layer]);
    assert.equal(
      (await putManifest(up, 'hub/library/base', sha512(manifest), manifest)).statusCode,
      201,
    );
    // An upstream that answers every blob and manifest with bytes other than the digest names.
    liar = createServer((req, res) => {
      if (req.url === '/v2/' || req.url === '/v2') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] });
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    const liarPort = (liar.address() as AddressInfo).port;
    down = await makeApp(
      {
        stages: STAGES,
        repositories: [
          { key: 'generic-local' },
          {
            key: 'docker-remote',
            rclass: 'remote',
            packageType: 'docker',
            url: `http://ci:${TOKEN}@127.0.0.1:${port}`,
          },
          {
            key: 'docker-liar',
            rclass: 'remote',
            packageType: 'docker',
            url: `http://127.0.0.1:${liarPort}`,
          },
        ],
      },
      { upstream: { retries: 0, cooldownMs: 0, timeoutMs: 5000 } },
    );
  });
  after(async () => {
    await down?.close();
    await up?.close();
    await new Promise((resolve) => liar?.close(resolve));
  });

  test('a remote passes sha512 blobs and manifests through, verified and cached', async () => {
    const blob = await call(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/blobs/${sha512(layer)}`,
    );
    assert.equal(blob.statusCode, 200, blob.body);
    assert.equal(blob.body, layer);
    assert.equal(blob.headers['docker-content-digest'], sha512(layer));
    const man = await call(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/manifests/${sha512(manifest)}`,
      undefined,
      { accept: OCI_MANIFEST },
    );
    assert.equal(man.statusCode, 200, man.body);
    assert.equal(man.body, manifest);
    assert.equal(man.headers['docker-content-digest'], sha512(manifest));
    // Cached: still answered with the upstream gone.
    await up.app.close();
    const again = await call(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/blobs/${sha512(layer)}`,
    );
    assert.equal(again.statusCode, 200);
    assert.equal(again.body, layer);
  });

  test('a remote refuses upstream content whose sha512 is not the digest asked for', async () => {
    const want = sha512('what the client asked for');
    for (const kind of ['blobs', 'manifests']) {
      const res = await call(down, 'GET', `/v2/docker-liar/library/x/${kind}/${want}`);
      assert.equal(res.statusCode, 502, `${kind}: ${res.body}`);
      assert.match(res.body, /sha512/);
      // Nothing was cached under the digest.
      const list = await down.app.inject({
        method: 'GET',
        url: `/api/storage/docker-liar/library/x/_${kind}/sha512/${want.slice(7)}`,
        headers: AUTH,
      });
      assert.equal(list.statusCode, 404, list.body);
    }
  });
});
