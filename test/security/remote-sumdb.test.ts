/**
 * Go remotes with a checksum database: a module's .mod and .zip from the upstream proxy are
 * checked against the go.sum lines a (local, test-keyed) checksum database signs for it. A
 * proxy that serves other bytes is a 502 naming both h1 hashes, nothing is cached; a database
 * answer signed by another key is not trusted. The real `go` client downloads through the
 * remote and computes the same h1 the database recorded.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { Upstream, startStowage, type Stowage } from './remote-helpers.ts';

const MOD = 'example.com/checked';
const NAME = 'sum.test.local';

async function moduleZip(version: string, files: Record<string, string>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files))
    z.addBuffer(Buffer.from(text), `${MOD}@${version}/${name}`, { mtime: new Date(0) });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** golang.org/x/mod/sumdb/dirhash Hash1, written out here independently of the server's. */
function h1(files: Record<string, string>): string {
  const lines = Object.keys(files)
    .sort()
    .map(
      (n) =>
        `${createHash('sha256')
          .update(files[n] ?? '')
          .digest('hex')}  ${n}\n`,
    )
    .join('');
  return `h1:${createHash('sha256').update(lines).digest('base64')}`;
}

function keyPair(): { vkey: string; sign: (text: string) => string; priv: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const data = Buffer.concat([Buffer.from([1]), raw]);
  const hash = createHash('sha256').update(`${NAME}\n`).update(data).digest().subarray(0, 4);
  return {
    vkey: `${NAME}+${hash.toString('hex')}+${data.toString('base64')}`,
    priv: privateKey,
    sign: (text) =>
      `\u2014 ${NAME} ${Buffer.concat([hash, sign(null, Buffer.from(text), privateKey)]).toString('base64')}\n`,
  };
}

const gomod = `module ${MOD}\n\ngo 1.19\n`;
const honest = {
  'go.mod': gomod,
  'hello.go': 'package checked\n\nfunc Hello() string { return "hi" }\n',
};
const tampered = {
  ...honest,
  'hello.go': 'package checked\n\nfunc Hello() string { return "pwned" }\n',
};

let proxy: Upstream;
let sumdb: Upstream;
let s: Stowage;
const db = keyPair();
const impostor = keyPair();

/** What the database answers for a version: its go.sum lines, signed by `signer`. */
function record(version: string, files: Record<string, string>, signer = db): string {
  const zipFiles = Object.fromEntries(
    Object.entries(files).map(([n, t]) => [`${MOD}@${version}/${n}`, t]),
  );
  const lines = `${MOD} ${version} ${h1(zipFiles)}\n${MOD} ${version}/go.mod ${h1({ 'go.mod': files['go.mod'] ?? '' })}\n`;
  const tree = `go.sum database tree\n7\n${Buffer.alloc(32, 9).toString('base64')}\n`;
  return `3\n${lines}\n${tree}\n${signer.sign(tree)}`;
}

before(async () => {
  proxy = await new Upstream().start();
  sumdb = await new Upstream().start();
  // v1.0.0: the proxy serves what the database recorded.
  proxy.file(`/${MOD}/@v/v1.0.0.mod`, gomod);
  proxy.file(`/${MOD}/@v/v1.0.0.zip`, await moduleZip('v1.0.0', honest));
  proxy.file(`/${MOD}/@v/v1.0.0.info`, JSON.stringify({ Version: 'v1.0.0' }));
  sumdb.file(`/lookup/${MOD}@v1.0.0`, record('v1.0.0', honest), 'text/plain');
  // v1.0.1: the proxy serves a tampered zip.
  proxy.file(`/${MOD}/@v/v1.0.1.mod`, gomod);
  proxy.file(`/${MOD}/@v/v1.0.1.zip`, await moduleZip('v1.0.1', tampered));
  sumdb.file(`/lookup/${MOD}@v1.0.1`, record('v1.0.1', honest), 'text/plain');
  // v1.0.2: the database answer is signed by another key.
  proxy.file(`/${MOD}/@v/v1.0.2.mod`, gomod);
  sumdb.file(`/lookup/${MOD}@v1.0.2`, record('v1.0.2', honest, impostor), 'text/plain');
  // v1.0.3: unknown to the database.
  proxy.file(`/${MOD}/@v/v1.0.3.mod`, gomod);
  s = await startStowage(
    [
      {
        key: 'go-remote',
        rclass: 'remote',
        packageType: 'go',
        url: proxy.url,
        sumdb: `${db.vkey} ${sumdb.url}`,
      },
    ],
    { anonymousRead: true },
  ); // the go command sends no credentials to an http:// GOPROXY
});
after(async () => {
  await s.close();
  await Promise.all([proxy.stop(), sumdb.stop()]);
});

const path = (v: string, kind: string): string => `/api/go/go-remote/${MOD}/@v/${v}.${kind}`;

test('a module the checksum database vouches for is served and cached', async () => {
  for (const kind of ['mod', 'zip']) {
    const res = await s.get(path('v1.0.0', kind));
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
  }
  assert.ok(sumdb.hitsOf(`/lookup/${MOD}@v1.0.0`).length >= 1);
  const info = await s.get(`/api/storage/go-remote/${MOD}/@v/v1.0.0.zip`);
  assert.equal(info.status, 200);
  await info.text();
});

test('a tampered zip is a 502 naming both h1 hashes, and is never cached', async () => {
  const zipFiles = Object.fromEntries(
    Object.entries(honest).map(([n, t]) => [`${MOD}@v1.0.1/${n}`, t]),
  );
  const badFiles = Object.fromEntries(
    Object.entries(tampered).map(([n, t]) => [`${MOD}@v1.0.1/${n}`, t]),
  );
  for (const attempt of [1, 2]) {
    const res = await s.get(path('v1.0.1', 'zip'));
    const { code, message } = await s.code(res);
    assert.equal(res.status, 502, `attempt ${attempt}: ${message}`);
    assert.equal(code, 'ERR_UPSTREAM_DIGEST');
    assert.ok(message.includes(h1(zipFiles)), message);
    assert.ok(message.includes(h1(badFiles)), message);
  }
  const info = await s.get(`/api/storage/go-remote/${MOD}/@v/v1.0.1.zip`);
  assert.equal(info.status, 404);
  await info.text();
  // Its go.mod matches the record and is served.
  const mod = await s.get(path('v1.0.1', 'mod'));
  assert.equal(mod.status, 200);
  assert.equal(await mod.text(), gomod);
});

test('a database answer signed by another key, or no record at all, is refused', async () => {
  const forged = await s.get(path('v1.0.2', 'mod'));
  const f = await s.code(forged);
  assert.equal(forged.status, 502);
  assert.match(f.message, /not signed by sum\.test\.local/);
  const unknown = await s.get(path('v1.0.3', 'mod'));
  const u = await s.code(unknown);
  assert.equal(unknown.status, 502);
  assert.equal(u.code, 'ERR_UPSTREAM_DIGEST');
  assert.match(u.message, /has no record/);
});

test('the real go client downloads through the checked remote and gets the recorded h1', async (t) => {
  const gobin = await promisify(execFile)('go', ['version']).catch(() => undefined);
  if (!gobin) return t.skip('no go toolchain on this machine');
  const home = await mkdtemp(join(tmpdir(), 'stowage-sumdb-go-'));
  try {
    const proxyUrl = new URL(`${s.url}/api/go/go-remote`);
    const { stdout } = await promisify(execFile)(
      'go',
      ['mod', 'download', '-json', `${MOD}@v1.0.0`],
      {
        cwd: home,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          GOPATH: join(home, 'gopath'),
          GOMODCACHE: join(home, 'modcache'),
          GOCACHE: join(home, 'cache'),
          GOPROXY: proxyUrl.toString(),
          GOSUMDB: 'off',
          GOFLAGS: '-modcacherw',
          GO111MODULE: 'on',
        },
      },
    );
    const out = JSON.parse(stdout) as { Sum?: string; GoModSum?: string; Error?: string };
    const zipFiles = Object.fromEntries(
      Object.entries(honest).map(([n, t2]) => [`${MOD}@v1.0.0/${n}`, t2]),
    );
    assert.equal(out.Sum, h1(zipFiles), stdout);
    assert.equal(out.GoModSum, h1({ 'go.mod': gomod }), stdout);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
