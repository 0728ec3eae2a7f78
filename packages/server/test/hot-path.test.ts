/**
 * What the request hot path keeps in memory, and what it must still get right: small files
 * served from memory (bounded, never stale, never a short read), downloads of no build written
 * together but never lost on close, a build's downloads written before the response, tokens
 * known at once but never past their revocation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { Readable } from 'node:stream';
import { BlobCache } from '../src/internal/blobcache.ts';
import { ANONYMOUS, Authenticator } from '../src/internal/auth.ts';
import { SqliteMetaStore } from '../src/internal/metastore.ts';
import { AUTH, makeApp, sums } from './helpers.ts';

test('BlobCache: holds only small files, reads each once, bounded in total', async () => {
  const cache = new BlobCache({ bytes: 10, fileMaxBytes: 4 });
  assert.equal(cache.holds(4), true);
  assert.equal(cache.holds(5), false);
  let opened = 0;
  const open = (data: string) => () => {
    opened++;
    return Readable.from([Buffer.from(data)]);
  };
  // Concurrent misses of one blob share one read.
  const [a, b] = await Promise.all([
    cache.get('a', 4, open('aaaa')),
    cache.get('a', 4, open('aaaa')),
  ]);
  assert.equal(a.toString(), 'aaaa');
  assert.equal(b, a);
  assert.equal(opened, 1);
  assert.equal((await cache.get('a', 4, open('xxxx'))).toString(), 'aaaa');
  assert.equal(opened, 1);
  await cache.get('b', 4, open('bbbb'));
  await cache.get('c', 4, open('cccc'));
  assert.ok(cache.size <= 10, `held ${cache.size} bytes`);
  // Off when either bound is 0.
  assert.equal(new BlobCache({ bytes: 0, fileMaxBytes: 4 }).holds(1), false);
  assert.equal(new BlobCache({ bytes: 10, fileMaxBytes: 0 }).holds(1), false);
});

test('BlobCache: a read that is short or long fails and keeps nothing', async () => {
  const cache = new BlobCache({ bytes: 100, fileMaxBytes: 50 });
  await assert.rejects(
    cache.get('s', 4, () => Readable.from([Buffer.from('abc')])),
    /holds 3 bytes, not 4/,
  );
  await assert.rejects(
    cache.get('s', 4, () => Readable.from([Buffer.from('abcde')])),
    /holds more bytes, not 4/,
  );
  await assert.rejects(
    cache.get('s', 4, () =>
      Readable.from(
        (async function* () {
          yield Buffer.from('ab');
          throw new Error('disk error');
        })(),
      ),
    ),
    /disk error/,
  );
  assert.equal(cache.size, 0);
  assert.equal(
    (await cache.get('s', 4, () => Readable.from([Buffer.from('abcd')]))).toString(),
    'abcd',
  );
});

test('small files from memory: same bytes and headers as streamed ones; Range, HEAD, 304 and overwrite still right', async () => {
  const t = await makeApp({
    repositories: [{ key: 'libs' }],
    stages: [{ name: 'staged', repo: 'libs' }],
    memoryCache: { bytes: 1024 * 1024, fileMaxBytes: 64 * 1024 },
  });
  try {
    const small = randomBytes(10_000);
    const large = randomBytes(100_000);
    for (const [name, body] of [
      ['small.bin', small],
      ['large.bin', large],
    ] as const) {
      const put = await t.app.inject({
        method: 'PUT',
        url: `/libs/${name}`,
        headers: AUTH,
        payload: body,
      });
      assert.equal(put.statusCode, 201, put.body);
    }
    for (const [name, body] of [
      ['small.bin', small],
      ['large.bin', large],
    ] as const) {
      for (let i = 0; i < 2; i++) {
        const r = await t.app.inject({ url: `/libs/${name}`, headers: AUTH });
        assert.equal(r.statusCode, 200);
        assert.ok(r.rawPayload.equals(body), `${name} round ${i}`);
        assert.equal(r.headers['content-length'], String(body.length));
        assert.equal(r.headers['x-checksum-sha256'], sums(body).sha256);
        assert.equal(r.headers['etag'], `"${sums(body).sha1}"`);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
      }
    }
    const range = await t.app.inject({
      url: '/libs/small.bin',
      headers: { ...AUTH, range: 'bytes=10-19' },
    });
    assert.equal(range.statusCode, 206);
    assert.ok(range.rawPayload.equals(small.subarray(10, 20)));
    const head = await t.app.inject({ method: 'HEAD', url: '/libs/small.bin', headers: AUTH });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], String(small.length));
    assert.equal(head.rawPayload.length, 0);
    const cond = await t.app.inject({
      url: '/libs/small.bin',
      headers: { ...AUTH, 'if-none-match': `"${sums(small).sha1}"` },
    });
    assert.equal(cond.statusCode, 304);
    // Overwritten: the path now names other content, served at once.
    const next = randomBytes(5_000);
    await t.app.inject({ method: 'PUT', url: '/libs/small.bin', headers: AUTH, payload: next });
    const after = await t.app.inject({ url: '/libs/small.bin', headers: AUTH });
    assert.ok(after.rawPayload.equals(next));
    assert.ok(t.app.stowage.smallFiles.size > 0);
    assert.ok(t.app.stowage.smallFiles.size <= 1024 * 1024);
  } finally {
    await t.close();
  }
});

test('downloads: each is written before its answer; those of one moment share one transaction', async () => {
  const t = await makeApp({
    repositories: [{ key: 'libs' }],
    stages: [{ name: 'staged', repo: 'libs' }],
  });
  try {
    const body = randomBytes(2_000);
    await t.app.inject({ method: 'PUT', url: '/libs/a.bin', headers: AUTH, payload: body });
    const r = await t.app.inject({
      url: '/libs/a.bin',
      headers: { ...AUTH, 'x-stowage-build-name': 'app', 'x-stowage-build-number': '7' },
    });
    assert.equal(r.statusCode, 200);
    // No waiting: the build's download is in the store the moment the answer is complete.
    assert.deepEqual(
      (await t.meta.listBuildDownloads('app', '7')).map((d) => d.path),
      ['a.bin'],
    );
    // 50 at once: batched into few writes, and all of them written once the answers are in.
    const writes: number[] = [];
    const record = t.meta.recordDownloads.bind(t.meta);
    t.meta.recordDownloads = async (ds) => {
      writes.push(ds.length);
      await record(ds);
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.app.inject({
          url: '/libs/a.bin',
          headers: {
            ...AUTH,
            'x-stowage-build-name': 'app',
            'x-stowage-build-number': String(100 + (i % 2)),
          },
        }),
      ),
    );
    assert.ok(answers.every((a) => a.statusCode === 200));
    assert.equal(
      writes.reduce((a, b) => a + b, 0),
      50,
    );
    assert.ok(writes.length < 50, `50 downloads took ${writes.length} writes`);
    assert.equal((await t.meta.listBuildDownloads('app', '100')).length, 1);
    assert.equal((await t.meta.listBuildDownloads('app', '101')).length, 1);
    // A failed write fails the requests that waited for it (nothing claims to be recorded).
    t.meta.recordDownloads = async () => {
      throw new Error('the metadata store is gone');
    };
    const failed = await t.app.inject({ url: '/libs/a.bin', headers: AUTH });
    assert.equal(failed.statusCode, 500);
  } finally {
    await t.close();
  }
});

test('large files pumped past Fastify: exact bytes and ranges, keep-alive reuse, a client gone mid-way leaks nothing', async () => {
  const t = await makeApp({
    repositories: [{ key: 'libs' }],
    stages: [{ name: 'staged', repo: 'libs' }],
  });
  try {
    const big = randomBytes(9 * 1024 * 1024 + 123);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/libs/big.bin',
      headers: AUTH,
      payload: big,
    });
    assert.equal(put.statusCode, 201, put.body);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const agent = new Agent({ connections: 1 });
    try {
      // Twice over one connection: the pumped answer leaves it usable.
      for (let i = 0; i < 2; i++) {
        const r = await request(`${base}/libs/big.bin`, { headers: AUTH, dispatcher: agent });
        assert.equal(r.statusCode, 200);
        assert.equal(r.headers['content-length'], String(big.length));
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['x-checksum-sha256'], sums(big).sha256);
        assert.ok(Buffer.from(await r.body.arrayBuffer()).equals(big));
      }
      const ranged = await request(`${base}/libs/big.bin`, {
        headers: { ...AUTH, range: 'bytes=1048570-5242885' },
        dispatcher: agent,
      });
      assert.equal(ranged.statusCode, 206);
      assert.ok(
        Buffer.from(await ranged.body.arrayBuffer()).equals(big.subarray(1048570, 5242886)),
      );
      // A small answer on the same connection after them.
      const ping = await request(`${base}/api/system/ping`, { dispatcher: agent });
      assert.equal(await ping.body.text(), 'OK');
    } finally {
      await agent.close();
    }
    // A client that reads 64 KiB and goes away: the file is closed, the server goes on.
    const fds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const before = await fds();
    for (let i = 0; i < 5; i++) {
      const cut = await request(`${base}/libs/big.bin`, { headers: AUTH });
      for await (const chunk of cut.body) {
        if ((chunk as Buffer).length > 0) break;
      }
      cut.body.destroy();
    }
    let after = await fds();
    for (let i = 0; i < 100 && after > before; i++) {
      await delay(20);
      after = await fds();
    }
    assert.ok(after <= before, `descriptors: ${before} before, ${after} after`);
    const again = await request(`${base}/libs/big.bin`, { headers: AUTH });
    assert.ok(Buffer.from(await again.body.arrayBuffer()).equals(big));
    // A blob missing from the disk is an ordinary error answer, not a cut one.
    await rm(join(t.dir, 'blobs', sums(big).sha256.slice(0, 2)), { recursive: true, force: true });
    const missing = await request(`${base}/libs/big.bin`, { headers: AUTH });
    assert.equal(missing.statusCode, 500);
    assert.match(await missing.body.text(), /ERR_INTERNAL/);
  } finally {
    await t.close();
  }
});

test('authentication: anonymous, the administrator and a known token answer at once; a revoked or unknown token never passes', async () => {
  const meta = new SqliteMetaStore({ memory: true });
  const auth = new Authenticator('the-admin-token', meta);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  assert.equal(auth.authenticate({}), ANONYMOUS);
  assert.deepEqual(auth.authenticate(bearer('the-admin-token')), {
    user: 'admin',
    authenticated: true,
    admin: true,
  });
  const { token, id } = await auth.issue({ user: 'alice', scopes: ['repo:*:read'] });
  // The first use looks the record up (and records the use); then it is in memory.
  const first = await auth.authenticate(bearer(token));
  assert.equal(first.user, 'alice');
  const again = auth.authenticate(bearer(token));
  assert.ok(!(again instanceof Promise), 'a known token is answered without a promise');
  assert.equal(again.user, 'alice');
  assert.equal(again.tokenId, id);
  // Revoked: the very next request is refused, however it was answered before.
  assert.equal(await meta.deleteToken(id), true);
  await assert.rejects(async () => auth.authenticate(bearer(token)), { code: 'ERR_AUTH_INVALID' });
  await assert.rejects(async () => auth.authenticate(bearer('never-issued')), {
    code: 'ERR_AUTH_INVALID',
  });
});
