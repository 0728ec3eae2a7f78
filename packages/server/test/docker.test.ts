/**
 * The Docker/OCI registry through app.inject(): login, blobs (monolithic, chunked, ranges,
 * mount, cancel, abandoned sessions), manifests and indexes by tag and digest, tags pagination,
 * referrers, deletes, the layer view, every bad input the spec names, and remote/virtual
 * repositories whose upstream is a second Stowage (anonymous read off, so the remote goes
 * through the registry token flow).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AUTH, TOKEN, downloadForBuild, makeApp, sums, type TestApp } from './helpers.ts';
import { uploadsOf } from '../src/formats/docker/routes.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const CONFIG = 'application/vnd.oci.image.config.v1+json';

const digestOf = (b: string | Buffer): string => `sha256:${sums(b).sha256}`;

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

async function req(
  t: TestApp,
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : AUTH) };
  if (opts.body !== undefined) headers['content-type'] = 'application/octet-stream';
  Object.assign(headers, opts.headers);
  return (await t.app.inject({
    method,
    url,
    headers,
    ...(opts.body !== undefined ? { payload: opts.body } : {}),
  })) as unknown as Res;
}

async function pushBlob(t: TestApp, name: string, data: string | Buffer): Promise<string> {
  const d = digestOf(data);
  const res = await req(t, 'POST', `/v2/${name}/blobs/uploads/?digest=${d}`, { body: data });
  assert.equal(res.statusCode, 201, res.body);
  return d;
}

function imageManifest(
  config: string,
  layers: { digest: string; size: number }[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: CONFIG, digest: digestOf(config), size: Buffer.byteLength(config) },
    layers: layers.map((l) => ({ mediaType: LAYER, ...l })),
    ...extra,
  };
}

async function pushManifest(
  t: TestApp,
  name: string,
  ref: string,
  doc: unknown,
  type = OCI_MANIFEST,
): Promise<Res> {
  return req(t, 'PUT', `/v2/${name}/manifests/${ref}`, {
    body: JSON.stringify(doc),
    headers: { 'content-type': type },
  });
}

/** Pushes an image of the given layer contents; returns its manifest digest and body. */
async function pushImage(
  t: TestApp,
  name: string,
  tag: string,
  layers: string[],
  extra: Record<string, unknown> = {},
): Promise<{ digest: string; body: string; config: string }> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', layers });
  await pushBlob(t, name, config);
  const ls = [];
  for (const l of layers)
    ls.push({ digest: await pushBlob(t, name, l), size: Buffer.byteLength(l) });
  const doc = imageManifest(config, ls, extra);
  const res = await pushManifest(t, name, tag, doc);
  assert.equal(res.statusCode, 201, res.body);
  const body = JSON.stringify(doc);
  return { digest: digestOf(body), body, config };
}

async function tmpFiles(t: TestApp): Promise<string[]> {
  return readdir(join(t.dir, 'tmp'));
}

const STAGES = [{ name: 'staged', repo: 'generic-local' }];
let t: TestApp;

before(async () => {
  t = await makeApp({
    stages: STAGES,
    repositories: [
      { key: 'docker-local', packageType: 'docker' },
      { key: 'docker-other', packageType: 'docker' },
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

describe('login', () => {
  test('GET /v2/ challenges without a token and answers 200 with one', async () => {
    const anon = await req(t, 'GET', '/v2/', { auth: false });
    assert.equal(anon.statusCode, 401);
    assert.equal(code(anon), 'UNAUTHORIZED');
    assert.match(
      String(anon.headers['www-authenticate']),
      /^Bearer realm="http:\/\/localhost(:\d+)?\/v2\/token",service="stowage"$/,
    );
    assert.equal(anon.headers['docker-distribution-api-version'], 'registry/2.0');
    const ok = await req(t, 'GET', '/v2/');
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), {});
  });

  test('the token endpoint trades basic auth for a bearer the registry accepts', async () => {
    const basic = `Basic ${Buffer.from(`ci:${TOKEN}`).toString('base64')}`;
    const res = await req(
      t,
      'GET',
      '/v2/token?service=stowage&scope=repository:docker-local/app:pull,push',
      {
        auth: false,
        headers: { authorization: basic },
      },
    );
    assert.equal(res.statusCode, 200, res.body);
    const doc = res.json() as { token: string; access_token: string; expires_in: number };
    assert.equal(doc.token, doc.access_token);
    assert.ok(doc.expires_in > 0);
    const v = await req(t, 'GET', '/v2/', {
      auth: false,
      headers: { authorization: `Bearer ${doc.token}` },
    });
    assert.equal(v.statusCode, 200);
    const none = await req(t, 'GET', '/v2/token', { auth: false });
    assert.equal(none.statusCode, 401);
    const wrong = await req(t, 'GET', '/v2/token', {
      auth: false,
      headers: { authorization: `Basic ${Buffer.from('ci:nope').toString('base64')}` },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(code(wrong), 'UNAUTHORIZED');
  });

  test('reads and writes need a token (OCI error body, Bearer challenge)', async () => {
    const r = await req(t, 'GET', '/v2/docker-local/app/tags/list', { auth: false });
    assert.equal(r.statusCode, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm=/);
    const w = await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/', { auth: false });
    assert.equal(w.statusCode, 401);
    assert.equal(code(w), 'UNAUTHORIZED');
  });
});

describe('login with anonymous read on', () => {
  test('clients are still challenged, get an anonymous pull-only token, and push with credentials', async () => {
    const open = await makeApp({
      auth: { anonymousRead: true },
      stages: STAGES,
      repositories: [{ key: 'docker-local', packageType: 'docker' }, { key: 'generic-local' }],
    });
    try {
      const ping = await req(open, 'GET', '/v2/', { auth: false });
      assert.equal(
        ping.statusCode,
        401,
        'a challenge, so registry clients fetch a token (and can log in)',
      );
      assert.match(String(ping.headers['www-authenticate']), /^Bearer realm=/);
      const tok = await req(
        open,
        'GET',
        '/v2/token?service=stowage&scope=repository:docker-local/app:pull',
        { auth: false },
      );
      assert.equal(tok.statusCode, 200);
      const anon = (tok.json() as { token: string }).token;
      const bearer = { authorization: `Bearer ${anon}` };
      assert.equal((await open.app.inject({ url: '/v2/', headers: bearer })).statusCode, 200);
      const tags = await open.app.inject({
        url: '/v2/docker-local/app/tags/list',
        headers: bearer,
      });
      assert.equal(tags.statusCode, 404, 'reads go through (the image does not exist yet)');
      const push = await open.app.inject({
        method: 'POST',
        url: '/v2/docker-local/app/blobs/uploads/',
        headers: bearer,
      });
      assert.equal(push.statusCode, 401, 'the anonymous token cannot push');
      const withCreds = await req(open, 'POST', '/v2/docker-local/app/blobs/uploads/');
      assert.equal(withCreds.statusCode, 202, 'the Stowage token can');
    } finally {
      await open.close();
    }
  });

  test('without anonymous read the token endpoint wants credentials and the anonymous bearer opens nothing', async () => {
    const tok = await req(t, 'GET', '/v2/token', { auth: false });
    assert.equal(tok.statusCode, 401);
    const ping = await t.app.inject({
      url: '/v2/',
      headers: { authorization: 'Bearer stowage-anonymous' },
    });
    assert.equal(ping.statusCode, 401);
  });
});

describe('blobs', () => {
  test('monolithic POST ?digest= stores a blob; GET/HEAD/range serve it', async () => {
    const data = 'layer-data-0123456789';
    const d = digestOf(data);
    const res = await req(t, 'POST', `/v2/docker-local/app/blobs/uploads/?digest=${d}`, {
      body: data,
    });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, `/v2/docker-local/app/blobs/${d}`);
    assert.equal(res.headers['docker-content-digest'], d);
    const head = await req(t, 'HEAD', `/v2/docker-local/app/blobs/${d}`);
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], String(data.length));
    assert.equal(head.headers['docker-content-digest'], d);
    const get = await req(t, 'GET', `/v2/docker-local/app/blobs/${d}`);
    assert.equal(get.body, data);
    const part = await req(t, 'GET', `/v2/docker-local/app/blobs/${d}`, {
      headers: { range: 'bytes=6-9' },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.body, 'data');
    assert.equal(part.headers['content-range'], `bytes 6-9/${data.length}`);
    const bad = await req(t, 'GET', `/v2/docker-local/app/blobs/${d}`, {
      headers: { range: 'bytes=100-200' },
    });
    assert.equal(bad.statusCode, 416);
    // Stored as an artifact of the repository, visible to the storage API.
    const info = await req(t, 'GET', `/api/storage/docker-local/app/_blobs/sha256/${d.slice(7)}`);
    assert.equal(info.statusCode, 200);
  });

  test('a digest mismatch is refused with DIGEST_INVALID and stores nothing', async () => {
    const wrong = digestOf('something else');
    const res = await req(t, 'POST', `/v2/docker-local/app/blobs/uploads/?digest=${wrong}`, {
      body: 'actual body',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(code(res), 'DIGEST_INVALID');
    assert.equal((await req(t, 'HEAD', `/v2/docker-local/app/blobs/${wrong}`)).statusCode, 404);
    assert.equal(
      (await req(t, 'HEAD', `/v2/docker-local/app/blobs/${digestOf('actual body')}`)).statusCode,
      404,
    );
    assert.deepEqual(await tmpFiles(t), []);
    const unsupported = await req(
      t,
      'POST',
      `/v2/docker-local/app/blobs/uploads/?digest=sha512:abcd`,
      {
        body: 'x',
      },
    );
    assert.equal(code(unsupported), 'DIGEST_INVALID');
    // A pull by a malformed digest names nothing stored: 404 (the spec's pull workflow).
    const garbage = await req(t, 'GET', '/v2/docker-local/app/blobs/not-a-digest');
    assert.equal(garbage.statusCode, 404);
    assert.equal(code(garbage), 'BLOB_UNKNOWN');
  });

  test('chunked upload: POST, PATCH with Content-Range, status, PUT ?digest=', async () => {
    const start = await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/');
    assert.equal(start.statusCode, 202);
    const loc = String(start.headers.location);
    assert.match(loc, /^\/v2\/docker-local\/app\/blobs\/uploads\/[0-9a-f-]{36}$/);
    assert.equal(start.headers.range, '0-0');
    assert.ok(start.headers['docker-upload-uuid']);
    const c1 = await req(t, 'PATCH', loc, { body: 'hello ', headers: { 'content-range': '0-5' } });
    assert.equal(c1.statusCode, 202, c1.body);
    assert.equal(c1.headers.range, '0-5');
    // Resumed at the wrong offset: 416 with where it really is.
    const wrong = await req(t, 'PATCH', loc, { body: 'XXX', headers: { 'content-range': '3-5' } });
    assert.equal(wrong.statusCode, 416);
    assert.equal(code(wrong), 'RANGE_INVALID');
    assert.equal(wrong.headers.range, '0-5');
    const status = await req(t, 'GET', loc);
    assert.equal(status.statusCode, 204);
    assert.equal(status.headers.range, '0-5');
    const c2 = await req(t, 'PATCH', loc, { body: 'world', headers: { 'content-range': '6-10' } });
    assert.equal(c2.statusCode, 202);
    // A chunk whose length does not match its range is refused.
    const d = digestOf('hello world!');
    const fin = await req(t, 'PUT', `${loc}?digest=${d}`, {
      body: '!',
      headers: { 'content-range': '11-11' },
    });
    assert.equal(fin.statusCode, 201, fin.body);
    assert.equal(fin.headers['docker-content-digest'], d);
    assert.equal((await req(t, 'GET', `/v2/docker-local/app/blobs/${d}`)).body, 'hello world!');
    // The session is gone once finished.
    assert.equal(code(await req(t, 'GET', loc)), 'BLOB_UPLOAD_UNKNOWN');
    assert.deepEqual(await tmpFiles(t), []);
  });

  test('a streamed PATCH without Content-Range then an empty PUT (skopeo style)', async () => {
    const data = Buffer.alloc(300_000, 7);
    const start = await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/');
    const loc = String(start.headers.location);
    const p = await req(t, 'PATCH', loc, { body: data });
    assert.equal(p.statusCode, 202);
    assert.equal(p.headers.range, `0-${data.length - 1}`);
    const fin = await req(t, 'PUT', `${loc}?digest=${digestOf(data)}`);
    assert.equal(fin.statusCode, 201);
  });

  test('a chunk whose length differs from its Content-Range is refused', async () => {
    const loc = String(
      (await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/')).headers.location,
    );
    const p = await req(t, 'PATCH', loc, { body: 'abc', headers: { 'content-range': '0-9' } });
    assert.equal(p.statusCode, 416);
    assert.equal(code(p), 'SIZE_INVALID');
    await req(t, 'DELETE', loc);
  });

  test('digest mismatch at the end of a chunked upload stores nothing and ends the session', async () => {
    const loc = String(
      (await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/')).headers.location,
    );
    await req(t, 'PATCH', loc, { body: 'some bytes' });
    const fin = await req(t, 'PUT', `${loc}?digest=${digestOf('other bytes')}`);
    assert.equal(fin.statusCode, 400);
    assert.equal(code(fin), 'DIGEST_INVALID');
    assert.equal(
      (await req(t, 'HEAD', `/v2/docker-local/app/blobs/${digestOf('some bytes')}`)).statusCode,
      404,
    );
    assert.equal(code(await req(t, 'GET', loc)), 'BLOB_UPLOAD_UNKNOWN');
    assert.deepEqual(await tmpFiles(t), []);
    const noDigest = await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/');
    const r = await req(t, 'PUT', String(noDigest.headers.location));
    assert.equal(code(r), 'DIGEST_INVALID');
    await req(t, 'DELETE', String(noDigest.headers.location));
  });

  test('DELETE cancels an upload; an abandoned one is swept and never visible', async () => {
    const loc = String(
      (await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/')).headers.location,
    );
    await req(t, 'PATCH', loc, { body: 'partial' });
    assert.equal((await tmpFiles(t)).length, 1);
    assert.equal((await req(t, 'DELETE', loc)).statusCode, 204);
    assert.deepEqual(await tmpFiles(t), []);
    assert.equal(code(await req(t, 'PATCH', loc, { body: 'more' })), 'BLOB_UPLOAD_UNKNOWN');
    assert.equal(code(await req(t, 'DELETE', loc)), 'BLOB_UPLOAD_UNKNOWN');

    const abandoned = String(
      (await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/')).headers.location,
    );
    await req(t, 'PATCH', abandoned, { body: 'never finished' });
    assert.equal(
      (await req(t, 'HEAD', `/v2/docker-local/app/blobs/${digestOf('never finished')}`)).statusCode,
      404,
    );
    const uploads = uploadsOf(t.app.stowage);
    assert.ok(uploads);
    assert.equal(await uploads.sweep(0), 1);
    assert.deepEqual(await tmpFiles(t), []);
    assert.equal(code(await req(t, 'GET', abandoned)), 'BLOB_UPLOAD_UNKNOWN');
    // A session belongs to its repository and image.
    const mine = String(
      (await req(t, 'POST', '/v2/docker-local/app/blobs/uploads/')).headers.location,
    );
    const uuid = mine.split('/').at(-1) ?? '';
    assert.equal(
      code(await req(t, 'GET', `/v2/docker-local/other/blobs/uploads/${uuid}`)),
      'BLOB_UPLOAD_UNKNOWN',
    );
    await req(t, 'DELETE', mine);
  });

  test('cross-repository mount links an existing blob; an unknown one falls back to an upload', async () => {
    const d = await pushBlob(t, 'docker-other/base', 'shared layer');
    const m = await req(
      t,
      'POST',
      `/v2/docker-local/derived/blobs/uploads/?mount=${d}&from=docker-other/base`,
    );
    assert.equal(m.statusCode, 201);
    assert.equal(m.headers.location, `/v2/docker-local/derived/blobs/${d}`);
    assert.equal((await req(t, 'GET', `/v2/docker-local/derived/blobs/${d}`)).body, 'shared layer');
    const missing = digestOf('not there');
    const f = await req(
      t,
      'POST',
      `/v2/docker-local/derived/blobs/uploads/?mount=${missing}&from=docker-other/base`,
    );
    assert.equal(f.statusCode, 202);
    await req(t, 'DELETE', String(f.headers.location));
  });

  test('DELETE removes a blob', async () => {
    const d = await pushBlob(t, 'docker-local/gone', 'to be deleted');
    assert.equal((await req(t, 'DELETE', `/v2/docker-local/gone/blobs/${d}`)).statusCode, 202);
    assert.equal(code(await req(t, 'GET', `/v2/docker-local/gone/blobs/${d}`)), 'BLOB_UNKNOWN');
    assert.equal(code(await req(t, 'DELETE', `/v2/docker-local/gone/blobs/${d}`)), 'BLOB_UNKNOWN');
  });
});

describe('manifests', () => {
  test('PUT by tag, GET/HEAD by tag and digest with the pushed media type', async () => {
    const img = await pushImage(t, 'docker-local/team/app', 'v1', ['layer one', 'layer two!']);
    for (const ref of ['v1', img.digest]) {
      const get = await req(t, 'GET', `/v2/docker-local/team/app/manifests/${ref}`);
      assert.equal(get.statusCode, 200);
      assert.equal(get.headers['content-type'], OCI_MANIFEST);
      assert.equal(get.headers['docker-content-digest'], img.digest);
      assert.equal(get.body, img.body);
      const head = await req(t, 'HEAD', `/v2/docker-local/team/app/manifests/${ref}`);
      assert.equal(head.statusCode, 200);
      assert.equal(head.headers['content-length'], String(Buffer.byteLength(img.body)));
    }
    // Through the virtual repository too.
    const v = await req(t, 'GET', '/v2/docker/team/app/manifests/v1');
    assert.equal(v.headers['docker-content-digest'], img.digest);
  });

  test('Docker v2 schema 2 manifests and PUT by digest', async () => {
    const config = '{"os":"linux"}';
    await pushBlob(t, 'docker-local/dockerfmt', config);
    const layer = await pushBlob(t, 'docker-local/dockerfmt', 'docker layer');
    const doc = {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: digestOf(config),
      },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          size: 12,
          digest: layer,
        },
      ],
    };
    const d = digestOf(JSON.stringify(doc));
    const res = await pushManifest(t, 'docker-local/dockerfmt', d, doc, DOCKER_MANIFEST);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, `/v2/docker-local/dockerfmt/manifests/${d}`);
    const get = await req(t, 'GET', `/v2/docker-local/dockerfmt/manifests/${d}`);
    assert.equal(get.headers['content-type'], DOCKER_MANIFEST);
    // By digest, the digest must match the body.
    const wrong = await pushManifest(
      t,
      'docker-local/dockerfmt',
      digestOf('x'),
      doc,
      DOCKER_MANIFEST,
    );
    assert.equal(code(wrong), 'DIGEST_INVALID');
  });

  test('a manifest referencing blobs that were not pushed is refused (MANIFEST_BLOB_UNKNOWN)', async () => {
    const config = '{"a":1}';
    await pushBlob(t, 'docker-local/partial', config);
    const doc = imageManifest(config, [{ digest: digestOf('never pushed'), size: 12 }]);
    const res = await pushManifest(t, 'docker-local/partial', 'v1', doc);
    assert.equal(res.statusCode, 404);
    assert.equal(code(res), 'MANIFEST_BLOB_UNKNOWN');
    assert.deepEqual((res.json() as { errors: { detail: unknown }[] }).errors[0]?.detail, {
      missing: [digestOf('never pushed')],
    });
    assert.equal(
      code(await req(t, 'GET', '/v2/docker-local/partial/manifests/v1')),
      'MANIFEST_UNKNOWN',
    );
    // A blob in another image of the same repository does not count.
    const other = await pushBlob(t, 'docker-local/elsewhere', 'elsewhere layer');
    const doc2 = imageManifest(config, [{ digest: other, size: 15 }]);
    assert.equal(
      code(await pushManifest(t, 'docker-local/partial', 'v1', doc2)),
      'MANIFEST_BLOB_UNKNOWN',
    );
  });

  test('bad manifests: oversized, not JSON, wrong media type, mismatched mediaType', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    const res = await req(t, 'PUT', '/v2/docker-local/app/manifests/big', {
      body: big,
      headers: { 'content-type': OCI_MANIFEST },
    });
    assert.equal(res.statusCode, 413);
    assert.equal(code(res), 'SIZE_INVALID');
    const notJson = await req(t, 'PUT', '/v2/docker-local/app/manifests/x', {
      body: '{nope',
      headers: { 'content-type': OCI_MANIFEST },
    });
    assert.equal(code(notJson), 'MANIFEST_INVALID');
    const schema1 = await pushManifest(
      t,
      'docker-local/app',
      'x',
      { schemaVersion: 1 },
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    );
    assert.equal(code(schema1), 'MANIFEST_INVALID');
    const mismatch = await pushManifest(t, 'docker-local/app', 'x', {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [],
    });
    assert.equal(code(mismatch), 'MANIFEST_INVALID');
    const noLayers = await pushManifest(t, 'docker-local/app', 'x', {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: CONFIG, digest: 'bad', size: 1 },
      layers: [],
    });
    assert.equal(code(noLayers), 'MANIFEST_INVALID');
  });

  test('invalid names, tags and references', async () => {
    for (const url of [
      '/v2/docker-local/App/tags/list',
      '/v2/docker-local/app-/tags/list',
      '/v2/docker-local/a..b/manifests/v1',
      '/v2/docker-local/tags/list',
      `/v2/docker-local/${'a/'.repeat(130)}b/tags/list`,
    ]) {
      const res = await req(t, 'GET', url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(code(res), 'NAME_INVALID', url);
    }
    const tag = await req(t, 'GET', '/v2/docker-local/app/manifests/-bad');
    assert.equal(code(tag), 'TAG_INVALID');
    const longTag = await req(t, 'GET', `/v2/docker-local/app/manifests/${'t'.repeat(129)}`);
    assert.equal(code(longTag), 'TAG_INVALID');
    assert.equal(code(await req(t, 'GET', '/v2/nope/app/tags/list')), 'NAME_UNKNOWN');
    assert.equal(code(await req(t, 'GET', '/v2/generic-local/app/tags/list')), 'NAME_UNKNOWN');
    assert.equal((await req(t, 'GET', '/v2/docker-local/app/whatever')).statusCode, 404);
    assert.equal(
      code(await req(t, 'PATCH', '/v2/docker-local/app/manifests/v1', { body: 'x' })),
      'UNSUPPORTED',
    );
  });

  test('an index of two platform manifests; the layer view sums them', async () => {
    const amd = await pushImage(t, 'docker-local/multi', 'amd64', ['amd layer a', 'amd layer b']);
    const arm = await pushImage(t, 'docker-local/multi', 'arm64', ['arm layer']);
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.digest,
          size: Buffer.byteLength(amd.body),
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.digest,
          size: Buffer.byteLength(arm.body),
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    };
    const res = await pushManifest(t, 'docker-local/multi', 'latest', index, OCI_INDEX);
    assert.equal(res.statusCode, 201, res.body);
    const get = await req(t, 'GET', '/v2/docker-local/multi/manifests/latest');
    assert.equal(get.headers['content-type'], OCI_INDEX);
    const layers = await req(
      t,
      'GET',
      '/api/stowage/v1/docker/docker-local/multi/manifests/amd64/layers',
    );
    assert.equal(layers.statusCode, 200, layers.body);
    const one = layers.json() as {
      layers: { size: number }[];
      totalSize: number;
      tags: string[];
      layerCount: number;
    };
    assert.equal(one.layerCount, 2);
    assert.deepEqual(
      one.layers.map((l) => l.size),
      [11, 11],
    );
    assert.equal(one.totalSize, 22 + Buffer.byteLength(amd.config));
    assert.deepEqual(one.tags, ['amd64']);
    const all = (
      await req(t, 'GET', '/api/stowage/v1/docker/docker-local/multi/manifests/latest/layers')
    ).json() as {
      manifests: { totalSize: number; layerCount: number }[];
      totalSize: number;
    };
    assert.equal(all.manifests.length, 2);
    assert.equal(
      all.totalSize,
      one.totalSize +
        Buffer.byteLength(amd.body) +
        (all.manifests[1]?.totalSize ?? 0) +
        Buffer.byteLength(arm.body),
    );
    // The record is also on the manifest's properties.
    const props = await req(
      t,
      'GET',
      `/api/storage/docker-local/multi/_manifests/sha256/${amd.digest.slice(7)}?properties`,
    );
    const p = (props.json() as { properties: Record<string, string[]> }).properties;
    assert.deepEqual(p['docker.size'], [String(one.totalSize)]);
    assert.equal(p['docker.layer']?.length, 2);
    assert.deepEqual(p['docker.repoName'], ['multi']);
    const missingChild = await pushManifest(
      t,
      'docker-local/multi',
      'broken',
      { ...index, manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf('nope'), size: 4 }] },
      OCI_INDEX,
    );
    assert.equal(code(missingChild), 'MANIFEST_BLOB_UNKNOWN');
    const unknown = await req(
      t,
      'GET',
      '/api/stowage/v1/docker/docker-local/multi/manifests/none/layers',
    );
    assert.equal(unknown.statusCode, 404);
  });

  test('tags list with pagination and a Link header', async () => {
    const img = await pushImage(t, 'docker-local/paged', 'a', ['paged layer']);
    for (const tag of ['b', 'c', 'd', 'e']) {
      assert.equal(
        (await pushManifest(t, 'docker-local/paged', tag, JSON.parse(img.body))).statusCode,
        201,
      );
    }
    const all = await req(t, 'GET', '/v2/docker-local/paged/tags/list');
    assert.deepEqual(all.json(), { name: 'docker-local/paged', tags: ['a', 'b', 'c', 'd', 'e'] });
    assert.equal(all.headers.link, undefined);
    const p1 = await req(t, 'GET', '/v2/docker-local/paged/tags/list?n=2');
    assert.deepEqual((p1.json() as { tags: string[] }).tags, ['a', 'b']);
    assert.equal(p1.headers.link, '</v2/docker-local/paged/tags/list?n=2&last=b>; rel="next"');
    const p2 = await req(t, 'GET', '/v2/docker-local/paged/tags/list?n=2&last=b');
    assert.deepEqual((p2.json() as { tags: string[] }).tags, ['c', 'd']);
    const p3 = await req(t, 'GET', '/v2/docker-local/paged/tags/list?n=2&last=d');
    assert.deepEqual((p3.json() as { tags: string[] }).tags, ['e']);
    assert.equal(p3.headers.link, undefined);
    const zero = await req(t, 'GET', '/v2/docker-local/paged/tags/list?n=0');
    assert.deepEqual((zero.json() as { tags: string[] }).tags, []);
    assert.equal(code(await req(t, 'GET', '/v2/docker-local/paged/tags/list?n=-1')), 'UNSUPPORTED');
    assert.equal(code(await req(t, 'GET', '/v2/docker-local/never/tags/list')), 'NAME_UNKNOWN');
    // A nested image's tags are not the parent's.
    await pushImage(t, 'docker-local/paged/sub', 'z', ['sub layer']);
    assert.deepEqual(
      ((await req(t, 'GET', '/v2/docker-local/paged/tags/list')).json() as { tags: string[] }).tags,
      ['a', 'b', 'c', 'd', 'e'],
    );
  });

  test('DELETE by tag removes the tag; by digest removes the manifest and its tags', async () => {
    const img = await pushImage(t, 'docker-local/del', 'one', ['del layer']);
    await pushManifest(t, 'docker-local/del', 'two', JSON.parse(img.body));
    await pushManifest(t, 'docker-local/del', 'three', JSON.parse(img.body));
    assert.equal((await req(t, 'DELETE', '/v2/docker-local/del/manifests/one')).statusCode, 202);
    assert.equal(
      code(await req(t, 'GET', '/v2/docker-local/del/manifests/one')),
      'MANIFEST_UNKNOWN',
    );
    assert.equal(
      (await req(t, 'GET', `/v2/docker-local/del/manifests/${img.digest}`)).statusCode,
      200,
    );
    assert.equal(
      (await req(t, 'DELETE', `/v2/docker-local/del/manifests/${img.digest}`)).statusCode,
      202,
    );
    assert.equal(
      code(await req(t, 'GET', `/v2/docker-local/del/manifests/${img.digest}`)),
      'MANIFEST_UNKNOWN',
    );
    assert.equal(
      code(await req(t, 'GET', '/v2/docker-local/del/manifests/two')),
      'MANIFEST_UNKNOWN',
    );
    assert.deepEqual((await req(t, 'GET', '/v2/docker-local/del/tags/list')).json(), {
      name: 'docker-local/del',
      tags: [],
    });
    assert.equal(
      code(await req(t, 'DELETE', '/v2/docker-local/del/manifests/one')),
      'MANIFEST_UNKNOWN',
    );
  });

  test('referrers: manifests with a subject, filtered by artifactType', async () => {
    const subject = await pushImage(t, 'docker-local/signed', 'v1', ['signed layer']);
    const sdesc = {
      mediaType: OCI_MANIFEST,
      digest: subject.digest,
      size: Buffer.byteLength(subject.body),
    };
    const empty = '{}';
    await pushBlob(t, 'docker-local/signed', empty);
    const sig = await pushBlob(t, 'docker-local/signed', 'signature bytes');
    const sbom = await pushBlob(t, 'docker-local/signed', 'sbom bytes');
    const refDoc = (
      artifactType: string,
      layer: string,
      size: number,
    ): Record<string, unknown> => ({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(empty), size: 2 },
      layers: [{ mediaType: 'application/octet-stream', digest: layer, size }],
      subject: sdesc,
      annotations: { 'org.example.kind': artifactType },
    });
    const sigDoc = refDoc('application/vnd.example.signature', sig, 15);
    const r1 = await pushManifest(
      t,
      'docker-local/signed',
      digestOf(JSON.stringify(sigDoc)),
      sigDoc,
    );
    assert.equal(r1.statusCode, 201, r1.body);
    assert.equal(r1.headers['oci-subject'], subject.digest);
    const sbomDoc = refDoc('application/spdx+json', sbom, 10);
    await pushManifest(t, 'docker-local/signed', digestOf(JSON.stringify(sbomDoc)), sbomDoc);
    const all = await req(t, 'GET', `/v2/docker-local/signed/referrers/${subject.digest}`);
    assert.equal(all.statusCode, 200);
    assert.equal(all.headers['content-type'], OCI_INDEX);
    const idx = all.json() as {
      manifests: { artifactType: string; digest: string; annotations: Record<string, string> }[];
    };
    assert.deepEqual(idx.manifests.map((m) => m.artifactType).sort(), [
      'application/spdx+json',
      'application/vnd.example.signature',
    ]);
    assert.equal(
      idx.manifests.find((m) => m.artifactType === 'application/spdx+json')?.annotations[
        'org.example.kind'
      ],
      'application/spdx+json',
    );
    const filtered = await req(
      t,
      'GET',
      `/v2/docker-local/signed/referrers/${subject.digest}?artifactType=application/spdx%2Bjson`,
    );
    assert.equal(filtered.headers['oci-filters-applied'], 'artifactType');
    const f = filtered.json() as { manifests: { digest: string }[] };
    assert.deepEqual(
      f.manifests.map((m) => m.digest),
      [digestOf(JSON.stringify(sbomDoc))],
    );
    const none = await req(t, 'GET', `/v2/docker-local/signed/referrers/${digestOf('no subject')}`);
    assert.deepEqual((none.json() as { manifests: unknown[] }).manifests, []);
  });

  test('pushing through a virtual repository lands in its default deployment repository', async () => {
    const img = await pushImage(t, 'docker/viavirtual', 'v1', ['virtual layer']);
    const get = await req(t, 'GET', `/v2/docker-local/viavirtual/manifests/v1`);
    assert.equal(get.headers['docker-content-digest'], img.digest);
    assert.deepEqual(
      ((await req(t, 'GET', '/v2/docker/viavirtual/tags/list')).json() as { tags: string[] }).tags,
      ['v1'],
    );
  });
});

describe('remote and virtual repositories', () => {
  let up: TestApp;
  let down: TestApp;
  let upstreamImage: { digest: string; body: string };
  let port = 0;

  before(async () => {
    // The upstream: a Stowage with anonymous read off, so the remote logs in with the token flow.
    up = await makeApp({
      stages: [{ name: 'staged', repo: 'hub-generic' }],
      repositories: [{ key: 'hub', packageType: 'docker' }, { key: 'hub-generic' }],
    });
    await up.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = up.app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
    upstreamImage = await pushImage(up, 'hub/library/base', '1.0', [
      'upstream layer 1',
      'upstream layer 2',
    ]);
    // The remote's upstream is `hub` on the other server: its URL ends in the repository key.
    down = await makeApp(
      {
        stages: STAGES,
        repositories: [
          { key: 'generic-local' },
          { key: 'docker-local', packageType: 'docker' },
          {
            key: 'docker-remote',
            rclass: 'remote',
            packageType: 'docker',
            url: `http://ci:${TOKEN}@127.0.0.1:${port}`,
            metadataMaxAgeSec: 0,
          },
          {
            key: 'docker-virtual',
            rclass: 'virtual',
            packageType: 'docker',
            repositories: ['docker-local', 'docker-remote'],
            defaultDeploymentRepo: 'docker-local',
          },
        ],
      },
      { upstream: { retries: 0, cooldownMs: 0, timeoutMs: 5000 } },
    );
  });
  after(async () => {
    await down?.close();
    await up?.close();
  });

  test('a cache-miss manifest and blob through a remote are recorded for the build', async () => {
    const man = await downloadForBuild(
      down.app,
      '/v2/docker-virtual/hub/library/base/manifests/1.0',
      { name: 'docker-cold', number: '1' },
      'token',
    );
    assert.equal(man.res.statusCode, 200);
    assert.equal(man.res.headers['docker-content-digest'], upstreamImage.digest);
    const doc = JSON.parse(man.res.rawPayload.toString()) as { layers: { digest: string }[] };
    assert.equal(man.downloads.length, 1);
    assert.equal(man.downloads[0]?.repo, 'docker-virtual');
    assert.equal(`sha256:${man.downloads[0]?.sha256}`, upstreamImage.digest);
    const layer = doc.layers[1]?.digest ?? '';
    const blob = await downloadForBuild(
      down.app,
      `/v2/docker-virtual/hub/library/base/blobs/${layer}`,
      { name: 'docker-cold', number: '2' },
    );
    assert.equal(blob.res.statusCode, 200);
    assert.equal(blob.res.headers['x-stowage-cache'], 'miss');
    assert.equal(blob.res.rawPayload.toString(), 'upstream layer 2');
    assert.deepEqual(
      blob.downloads.map((d) => [d.repo, `sha256:${d.sha256}`]),
      [['docker-virtual', layer]],
    );
  });

  test('a remote pulls manifests and blobs through the upstream token flow and caches them', async () => {
    // The image name inside the remote is the upstream's full name: `hub/library/base`.
    const man = await req(down, 'GET', '/v2/docker-remote/hub/library/base/manifests/1.0');
    assert.equal(man.statusCode, 200, man.body);
    assert.equal(man.headers['docker-content-digest'], upstreamImage.digest);
    assert.equal(man.headers['content-type'], OCI_MANIFEST);
    const doc = JSON.parse(man.body) as { layers: { digest: string }[] };
    const blob = await req(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/blobs/${doc.layers[0]?.digest}`,
    );
    assert.equal(blob.statusCode, 200);
    assert.equal(blob.body, 'upstream layer 1');
    const viaVirtual = await req(
      down,
      'GET',
      `/v2/docker-virtual/hub/library/base/manifests/${upstreamImage.digest}`,
    );
    assert.equal(viaVirtual.statusCode, 200);
    const tags = await req(down, 'GET', '/v2/docker-virtual/hub/library/base/tags/list');
    assert.deepEqual((tags.json() as { tags: string[] }).tags, ['1.0']);
    const layers = await req(
      down,
      'GET',
      '/api/stowage/v1/docker/docker-remote/hub/library/base/manifests/1.0/layers',
    );
    assert.equal((layers.json() as { layerCount: number }).layerCount, 2);

    // Upstream gone: the tag (metadata, max-age 0) is served stale, digests from the cache.
    await up.app.close();
    const stale = await req(down, 'GET', '/v2/docker-remote/hub/library/base/manifests/1.0');
    assert.equal(stale.statusCode, 200);
    assert.equal(stale.headers['x-stowage-cache'], 'stale');
    const byDigest = await req(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/manifests/${upstreamImage.digest}`,
    );
    assert.equal(byDigest.statusCode, 200);
    const cachedBlob = await req(
      down,
      'GET',
      `/v2/docker-remote/hub/library/base/blobs/${doc.layers[0]?.digest}`,
    );
    assert.equal(cachedBlob.body, 'upstream layer 1');
    const missing = await req(down, 'GET', '/v2/docker-remote/hub/library/other/manifests/1.0');
    assert.equal(missing.statusCode, 502);
    assert.equal(code(missing), 'UNAVAILABLE');
  });

  test('a remote cannot be pushed to', async () => {
    const res = await req(down, 'POST', '/v2/docker-remote/x/blobs/uploads/');
    assert.equal(code(res), 'UNSUPPORTED');
  });
});
