import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { crc32 } from 'node:zlib';
import { AUTH, downloadForBuild, errorCode, makeApp, sums, type TestApp } from './helpers.ts';

/** A stored (uncompressed) zip: enough of a wheel for the server to read METADATA from. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt32LE(crc32(data), 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt32LE(crc32(data), 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(h, n, data);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const METADATA = 'Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nRequires-Python: >=3.8\n';
const WHEEL = zip({
  'demo_pkg/__init__.py': 'X = 1\n',
  'demo_pkg-1.0.dist-info/METADATA': METADATA,
  'demo_pkg-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\n',
});

function multipart(
  fields: Record<string, string>,
  file?: { name: string; data: Buffer },
): { payload: Buffer; headers: Record<string, string> } {
  const b = 'xXxStowageBoundaryxXx';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="content"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${b}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { ...AUTH, 'content-type': `multipart/form-data; boundary=${b}` },
  };
}

function uploadFields(name: string, version: string, data: Buffer): Record<string, string> {
  const s = sums(data);
  return {
    ':action': 'file_upload',
    protocol_version: '1',
    name,
    version,
    filetype: 'bdist_wheel',
    requires_python: '>=3.8',
    sha256_digest: s.sha256,
    md5_digest: s.md5,
  };
}

let t: TestApp;
let upstream: Server;
let upstreamMode: 'ok' | 'broken' | 'down' = 'ok';
const upstreamHits = new Map<string, number>();
const REMOTE_FILE = Buffer.from('remote wheel bytes');
const REMOTE_SHA = sums(REMOTE_FILE).sha256;

before(async () => {
  upstream = createServer((req, res) => {
    const url = req.url ?? '/';
    upstreamHits.set(url, (upstreamHits.get(url) ?? 0) + 1);
    if (upstreamMode === 'down') return void res.writeHead(503).end();
    if (url === '/simple/remote-lib/') {
      if (upstreamMode === 'broken') return void res.writeHead(200).end('<p>not an index');
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!DOCTYPE html><html><body><a href="/files/ab/remote_lib-2.0-py3-none-any.whl#sha256=${REMOTE_SHA}" data-requires-python="&gt;=3.9">remote_lib-2.0-py3-none-any.whl</a></body></html>`,
        );
    }
    if (url === '/simple/demo-pkg/') {
      return void res
        .writeHead(200)
        .end(
          '<!DOCTYPE html><html><body><a href="/files/evil/demo_pkg-9.9.tar.gz">demo_pkg-9.9.tar.gz</a></body></html>',
        );
    }
    if (url === '/simple/') {
      return void res
        .writeHead(200)
        .end(
          '<!DOCTYPE html><html><body><a href="/simple/remote-lib/">remote-lib</a></body></html>',
        );
    }
    if (url === '/files/ab/remote_lib-2.0-py3-none-any.whl')
      return void res.writeHead(200).end(REMOTE_FILE);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const addr = upstream.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  t = await makeApp(
    {
      repositories: [
        { key: 'py-local', packageType: 'pypi', rclass: 'local' },
        {
          key: 'py-remote',
          packageType: 'pypi',
          rclass: 'remote',
          url: `http://127.0.0.1:${port}/simple`,
          metadataMaxAgeSec: 0,
        },
        {
          key: 'py',
          packageType: 'pypi',
          rclass: 'virtual',
          repositories: ['py-local', 'py-remote'],
          defaultDeploymentRepo: 'py-local',
        },
        { key: 'plain', rclass: 'local' },
        { key: 'generic-staging' },
      ],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    { upstream: { retries: 0, retryDelayMs: 10, cooldownMs: 0, timeoutMs: 1000 } },
  );
});
after(async () => {
  await t?.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

test('twine-style upload stores the wheel and its METADATA; the index lists both with hashes', async () => {
  const up = multipart(uploadFields('Demo_Pkg', '1.0', WHEEL), {
    name: 'demo_pkg-1.0-py3-none-any.whl',
    data: WHEEL,
  });
  const res = await t.app.inject({ method: 'POST', url: '/api/pypi/py/', ...up });
  assert.equal(res.statusCode, 200, res.body);
  const stored = await t.app.inject({
    url: '/api/storage/py-local/demo-pkg/demo_pkg-1.0-py3-none-any.whl',
    headers: AUTH,
  });
  assert.equal(stored.statusCode, 200, 'the file is an artifact of the local repository');

  const html = await t.app.inject({ url: '/api/pypi/py-local/simple/demo-pkg/', headers: AUTH });
  assert.equal(html.statusCode, 200);
  assert.match(String(html.headers['content-type']), /text\/html/);
  const metaSha = sums(METADATA).sha256;
  assert.ok(
    html.body.includes(
      `href="../../packages/demo-pkg/demo_pkg-1.0-py3-none-any.whl#sha256=${sums(WHEEL).sha256}"`,
    ),
    html.body,
  );
  assert.ok(html.body.includes(`data-core-metadata="sha256=${metaSha}"`));
  assert.ok(html.body.includes('data-requires-python="&#62;=3.8"'));

  const json = await t.app.inject({
    url: '/api/pypi/py-local/simple/demo-pkg/',
    headers: {
      ...AUTH,
      accept:
        'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01',
    },
  });
  assert.match(String(json.headers['content-type']), /^application\/vnd\.pypi\.simple\.v1\+json/);
  const doc = json.json() as {
    name: string;
    files: { filename: string; hashes: { sha256: string }; 'core-metadata': unknown }[];
  };
  assert.equal(doc.name, 'demo-pkg');
  assert.equal(doc.files[0]?.hashes.sha256, sums(WHEEL).sha256);
  assert.deepEqual(doc.files[0]?.['core-metadata'], { sha256: metaSha });
  // PEP 714: pip 22.3-23.1 crash on an object under the old JSON key, so it is not sent.
  assert.equal(json.body.includes('dist-info-metadata'), false);
  assert.ok(html.body.includes(`data-dist-info-metadata="sha256=${metaSha}"`));
  assert.equal(doc.files.length, 1, 'the .metadata file is not listed as a distribution');

  const meta = await t.app.inject({
    url: '/api/pypi/py/packages/demo-pkg/demo_pkg-1.0-py3-none-any.whl.metadata',
    headers: AUTH,
  });
  assert.equal(meta.body, METADATA);
  const file = await t.app.inject({
    url: '/api/pypi/py/packages/demo-pkg/demo_pkg-1.0-py3-none-any.whl',
    headers: AUTH,
  });
  assert.equal(file.statusCode, 200);
  assert.deepEqual(file.rawPayload, WHEEL);

  const root = await t.app.inject({
    url: '/api/pypi/py-local/simple/',
    headers: { ...AUTH, accept: 'application/vnd.pypi.simple.v1+json' },
  });
  assert.deepEqual(root.json(), {
    meta: { 'api-version': '1.0' },
    projects: [{ name: 'demo-pkg' }],
  });
});

test('the same file cannot be uploaded twice', async () => {
  const up = multipart(uploadFields('demo-pkg', '1.0', WHEEL), {
    name: 'demo_pkg-1.0-py3-none-any.whl',
    data: WHEEL,
  });
  const res = await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...up });
  assert.equal(res.statusCode, 409);
  assert.equal(errorCode(res), 'ERR_PYPI_FILE_EXISTS');
  assert.match(res.body, /File already exists/);
});

test('uploads are validated: digests, action, names, auth, body type', async () => {
  const data = Buffer.from('sdist bytes');
  const fields = uploadFields('other', '1.0', data);
  const bad = multipart(
    { ...fields, sha256_digest: sums('x').sha256 },
    { name: 'other-1.0.tar.gz', data },
  );
  const mismatch = await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...bad });
  assert.equal(mismatch.statusCode, 409);
  assert.equal(errorCode(mismatch), 'ERR_CHECKSUM_MISMATCH');
  const noDigest = multipart(
    { ':action': 'file_upload', name: 'other', version: '1.0' },
    { name: 'other-1.0.tar.gz', data },
  );
  assert.equal(
    errorCode(await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...noDigest })),
    'ERR_CHECKSUM_INVALID',
  );
  const action = multipart(
    { ...fields, ':action': 'doc_upload' },
    { name: 'other-1.0.tar.gz', data },
  );
  assert.equal(
    (await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...action })).statusCode,
    400,
  );
  const traversal = multipart(fields, { name: '../other-1.0.tar.gz', data });
  const tr = await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...traversal });
  assert.equal(tr.statusCode, 400);
  const wrongName = multipart(fields, { name: 'someone_else-1.0.tar.gz', data });
  assert.equal(
    (await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...wrongName })).statusCode,
    400,
  );
  const noFile = multipart(fields);
  assert.equal(
    (await t.app.inject({ method: 'POST', url: '/api/pypi/py-local/', ...noFile })).statusCode,
    400,
  );
  const anon = multipart(fields, { name: 'other-1.0.tar.gz', data });
  const unauth = await t.app.inject({
    method: 'POST',
    url: '/api/pypi/py-local/',
    payload: anon.payload,
    headers: { 'content-type': String(anon.headers['content-type']) },
  });
  assert.equal(unauth.statusCode, 401);
  const json = await t.app.inject({
    method: 'POST',
    url: '/api/pypi/py-local/',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: '{}',
  });
  assert.equal(json.statusCode, 400);
  const toRemote = await t.app.inject({
    method: 'POST',
    url: '/api/pypi/py-remote/',
    ...multipart(fields, { name: 'other-1.0.tar.gz', data }),
  });
  assert.equal(errorCode(toRemote), 'ERR_REPO_NOT_DEPLOYABLE');
  const ok = await t.app.inject({
    method: 'POST',
    url: '/api/pypi/py-local',
    ...multipart(fields, { name: 'other-1.0.tar.gz', data }),
  });
  assert.equal(ok.statusCode, 200, 'nothing was left behind by the refused attempts');
});

test('project names are normalized by redirect; path tricks and wrong formats are refused', async () => {
  const redirect = await t.app.inject({
    url: '/api/pypi/py-local/simple/Demo_Pkg/',
    headers: AUTH,
  });
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.headers.location, '/api/pypi/py-local/simple/demo-pkg/');
  const slash = await t.app.inject({ url: '/api/pypi/py-local/simple/demo-pkg', headers: AUTH });
  assert.equal(slash.statusCode, 301);
  assert.equal(slash.headers.location, '/api/pypi/py-local/simple/demo-pkg/');
  for (const url of [
    '/api/pypi/py-local/simple/%2e%2e/',
    '/api/pypi/py-local/simple/..%2f..%2fetc/',
    '/api/pypi/py-local/packages/demo-pkg/..%2f..%2fsecret.whl',
    '/api/pypi/py-local/packages/demo-pkg/notes.txt',
  ]) {
    const res = await t.app.inject({ url, headers: AUTH });
    assert.ok([400, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
    assert.notEqual(res.statusCode, 200);
  }
  const missing = await t.app.inject({
    url: '/api/pypi/py-local/simple/nothing-here/',
    headers: AUTH,
  });
  assert.equal(missing.statusCode, 404);
  const generic = await t.app.inject({ url: '/api/pypi/plain/simple/', headers: AUTH });
  assert.equal(errorCode(generic), 'ERR_REPO_INVALID');
  const anon = await t.app.inject({ url: '/api/pypi/py-local/simple/' });
  assert.equal(anon.statusCode, 401);
});

test('a remote proxies pages (rewriting file URLs), caches files, and a virtual merges members', async () => {
  upstreamMode = 'broken';
  const broken = await t.app.inject({
    url: '/api/pypi/py-remote/simple/remote-lib/',
    headers: AUTH,
  });
  assert.equal(broken.statusCode, 502, 'a malformed upstream page is refused');
  upstreamMode = 'ok';
  const page = await t.app.inject({ url: '/api/pypi/py/simple/remote-lib/', headers: AUTH });
  assert.equal(page.statusCode, 200, 'the malformed page was not cached');
  assert.ok(
    page.body.includes(
      `href="../../packages/remote-lib/remote_lib-2.0-py3-none-any.whl#sha256=${REMOTE_SHA}"`,
    ),
    page.body,
  );
  assert.ok(page.body.includes('data-requires-python="&#62;=3.9"'));
  // The first download is a cache miss: streamed while cached, and recorded for the build.
  const { res: file, downloads } = await downloadForBuild(
    t.app,
    '/api/pypi/py/packages/remote-lib/remote_lib-2.0-py3-none-any.whl',
    { name: 'py-cold', number: '1' },
  );
  assert.equal(file.rawPayload.toString(), REMOTE_FILE.toString());
  assert.equal(file.headers['x-stowage-cache'], 'miss');
  assert.deepEqual(
    downloads.map((d) => [d.repo, d.path, d.sha256]),
    [['py', 'remote-lib/remote_lib-2.0-py3-none-any.whl', REMOTE_SHA]],
  );
  const again = await t.app.inject({
    url: '/api/pypi/py/packages/remote-lib/remote_lib-2.0-py3-none-any.whl',
    headers: AUTH,
  });
  assert.equal(again.headers['x-checksum-sha256'], REMOTE_SHA);
  assert.equal(
    upstreamHits.get('/files/ab/remote_lib-2.0-py3-none-any.whl'),
    1,
    'files are cached for good',
  );

  // A project a local member holds is never taken from a remote.
  const demo = await t.app.inject({ url: '/api/pypi/py/simple/demo-pkg/', headers: AUTH });
  assert.ok(!demo.body.includes('9.9'), demo.body);
  assert.equal(upstreamHits.get('/simple/demo-pkg/'), undefined);

  const root = await t.app.inject({ url: '/api/pypi/py/simple/', headers: AUTH });
  for (const p of ['demo-pkg', 'other', 'remote-lib'])
    assert.ok(root.body.includes(`>${p}</a>`), root.body);

  // With the upstream down the cached page (max-age 0, so revalidated) is served stale.
  upstreamMode = 'down';
  const stale = await t.app.inject({ url: '/api/pypi/py/simple/remote-lib/', headers: AUTH });
  assert.equal(stale.statusCode, 200);
  assert.ok(stale.body.includes('remote_lib-2.0'));
  const cached = await t.app.inject({
    url: '/api/pypi/py/packages/remote-lib/remote_lib-2.0-py3-none-any.whl',
    headers: AUTH,
  });
  assert.equal(cached.statusCode, 200);
  upstreamMode = 'ok';
});
