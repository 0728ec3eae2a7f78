/**
 * The BlobStore contract, run against every driver (as distribution's storage driver
 * testsuites): the file system and S3 (OpenStack Swift's s3api, started by .ci/services.sh).
 * Two store objects over the same backing storage stand for two replicas.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FsBlobStore, type BlobStore } from '../src/server.ts';
import { SMALL_BODY_BYTES } from '../src/internal/blobstore.ts';
import { SKIP_S3, newBucket, openS3Store, keysIn } from './s3.ts';
import type { S3BlobStore } from '../src/internal/blobstore-s3.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Driver {
  /** Two stores over one backing storage (two replicas). */
  open(): Promise<{ a: BlobStore; b: BlobStore; leftovers(): Promise<string[]> }>;
  close(): Promise<void>;
}

function sums(data: Buffer): { sha256: string; sha1: string; md5: string } {
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    sha1: createHash('sha1').update(data).digest('hex'),
    md5: createHash('md5').update(data).digest('hex'),
  };
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A body that sends `data` and then breaks off. */
function brokenBody(data: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield data;
      await new Promise((r) => setImmediate(r));
      throw new Error('connection reset by the client');
    })(),
  );
}

function conformance(name: string, driver: Driver, skip: string | false): void {
  describe(`BlobStore contract: ${name}`, { skip }, () => {
    let a: BlobStore;
    let b: BlobStore;
    let leftovers: () => Promise<string[]>;
    before(async () => {
      ({ a, b, leftovers } = await driver.open());
    });
    after(() => driver.close());

    test('stage hashes in one pass; nothing is addressable until commit; the other replica sees it after', async () => {
      const data = randomBytes(200_000);
      const staged = await a.stage(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
      assert.deepEqual(
        { sha256: staged.sha256, sha1: staged.sha1, md5: staged.md5, size: staged.size },
        { ...sums(data), size: data.length },
      );
      assert.equal(await b.has(staged.sha256), false, 'staged content is not addressable');
      assert.deepEqual(await readAll(staged.read()), data, 'staged content reads back');
      await staged.commit();
      await staged.commit(); // idempotent
      assert.equal(await b.has(staged.sha256), true);
      assert.equal(await b.size(staged.sha256), data.length);
      assert.deepEqual(await readAll(b.open(staged.sha256)), data);
      assert.deepEqual(await leftovers(), [], 'the staging area is empty after commit');
    });

    test('identical content committed twice (from two replicas) is stored once', async () => {
      const data = Buffer.from(`dedupe ${randomBytes(8).toString('hex')}`);
      const one = await a.stage(Readable.from([data]));
      const two = await b.stage(Readable.from([data]));
      await one.commit();
      await two.commit();
      const listed: string[] = [];
      for await (const x of a.list()) if (x.sha256 === one.sha256) listed.push(x.sha256);
      assert.deepEqual(listed, [one.sha256]);
      assert.deepEqual(await readAll(a.open(one.sha256)), data);
      assert.deepEqual(await leftovers(), []);
    });

    test('stageBytes: a small body in memory, hashed at once, written only by commit, whole', async () => {
      const data = randomBytes(SMALL_BODY_BYTES);
      const staged = a.stageBytes(data);
      assert.deepEqual(
        { sha256: staged.sha256, sha1: staged.sha1, md5: staged.md5, size: staged.size },
        { ...sums(data), size: data.length },
      );
      assert.equal(await b.has(staged.sha256), false, 'nothing is stored before commit');
      assert.deepEqual(await readAll(staged.read()), data, 'staged content reads back');
      assert.deepEqual(await leftovers(), [], 'nothing is staged in storage');
      await staged.commit();
      await staged.commit(); // idempotent
      assert.deepEqual(await readAll(b.open(staged.sha256)), data);
      assert.equal(await b.size(staged.sha256), data.length);
      // The same bytes from the other replica, and the empty body.
      await b.stageBytes(Buffer.from(data)).commit();
      assert.deepEqual(await readAll(a.open(staged.sha256)), data);
      const empty = b.stageBytes(Buffer.alloc(0));
      await empty.commit();
      assert.equal(await a.size(empty.sha256), 0);
      // Discarded: nothing written, then or later.
      const dropped = a.stageBytes(randomBytes(100));
      await dropped.discard();
      await dropped.commit();
      assert.equal(await b.has(dropped.sha256), false);
      assert.throws(() => a.stageBytes(Buffer.alloc(SMALL_BODY_BYTES + 1)), /at most/);
      assert.deepEqual(await leftovers(), [], 'no temporary data left');
    });

    test('discard, and a body that breaks off, leave nothing behind', async () => {
      const staged = await a.stage(Readable.from([randomBytes(5000)]));
      await staged.discard();
      assert.equal(await a.has(staged.sha256), false);
      await assert.rejects(a.stage(brokenBody(randomBytes(70_000))), /connection reset/);
      const gone = new AbortController();
      gone.abort();
      await assert.rejects(a.stage(Readable.from([randomBytes(10)]), { signal: gone.signal }));
      assert.deepEqual(await leftovers(), [], 'no staged data left');
      assert.equal(await a.cleanup({ olderThanMs: 0 }), 0, 'nothing for cleanup to remove');
    });

    test('ranged reads return exactly the bytes asked for; a missing blob errors ENOENT', async () => {
      const data = randomBytes(100_000);
      const staged = await a.stage(Readable.from([data]));
      await staged.commit();
      assert.deepEqual(
        await readAll(b.open(staged.sha256, { start: 0, end: 0 })),
        data.subarray(0, 1),
      );
      assert.deepEqual(
        await readAll(b.open(staged.sha256, { start: 12_345, end: 54_320 })),
        data.subarray(12_345, 54_321),
      );
      assert.deepEqual(
        await readAll(b.open(staged.sha256, { start: 99_990, end: 99_999 })),
        data.subarray(99_990),
      );
      const missing = 'f'.repeat(64);
      assert.equal(await b.has(missing), false);
      assert.equal(await b.size(missing), undefined);
      await assert.rejects(readAll(b.open(missing)), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'ENOENT');
        return true;
      });
      // A reader that stops early does not leave anything failing behind, even when the blob
      // goes away before its open completes (a client gone while GC deletes): no 'error' that
      // nobody listens for, which would be an uncaught exception in the server.
      const errors: Error[] = [];
      const s = b.open(staged.sha256);
      s.on('error', (e) => errors.push(e));
      const closed = once(s, 'close');
      s.destroy();
      await b.delete(staged.sha256);
      const gone = b.open(missing);
      gone.on('error', (e) => errors.push(e));
      gone.destroy();
      await Promise.all([closed, once(gone, 'close')]);
      assert.deepEqual(errors, [], 'a stopped reader reports nothing');
      await b.delete(staged.sha256); // deleting what is gone is fine
      assert.equal(await a.has(staged.sha256), false);
    });

    test('a 128 MiB blob streams in and out without being held in memory', async () => {
      const MiB = 1024 * 1024;
      const chunk = randomBytes(MiB);
      const hash = createHash('sha256');
      // 128 different 1 MiB chunks (the counter in the first bytes) from one buffer.
      const body = Readable.from(
        (function* () {
          for (let i = 0; i < 128; i++) {
            const c = Buffer.from(chunk);
            c.writeUInt32BE(i, 0);
            hash.update(c);
            yield c;
          }
        })(),
      );
      // Memory still reachable (after a collection) is what a store holds on to; garbage
      // chunks not yet collected are not.
      gc();
      const base = process.memoryUsage().rss;
      let peak = base;
      const probe = setInterval(() => {
        gc();
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 100);
      try {
        const staged = await a.stage(body);
        assert.equal(staged.size, 128 * MiB);
        assert.equal(staged.sha256, hash.digest('hex'));
        await staged.commit();
        const back = createHash('sha256');
        let n = 0;
        for await (const c of b.open(staged.sha256)) {
          back.update(c as Buffer);
          n += (c as Buffer).length;
        }
        assert.equal(n, 128 * MiB);
        assert.equal(back.digest('hex'), staged.sha256);
        await b.delete(staged.sha256);
      } finally {
        clearInterval(probe);
      }
      // Half the blob: a store that held it whole would grow by 128 MiB or more.
      assert.ok(
        peak - base < 64 * MiB,
        `memory grew by ${Math.round((peak - base) / MiB)} MiB for a 128 MiB blob`,
      );
    });

    test('an upload in pieces continues on the other replica; a piece cut off is rolled back', async () => {
      const p1 = randomBytes(3000);
      const p2 = randomBytes(70_000);
      const p3 = randomBytes(12);
      const up = await a.openUpload();
      assert.equal(up.size, 0);
      assert.equal(await up.append(Readable.from([p1])), p1.length);
      await assert.rejects(up.append(brokenBody(randomBytes(40_000))), /connection reset/);
      assert.equal(up.size, p1.length, 'the broken piece is not counted');
      assert.equal(await up.append(Readable.from([p2])), p1.length + p2.length);
      // Replica B continues with the size the metadata store recorded.
      assert.equal(await b.resumeUpload(up.id, p1.length + p2.length + 1), undefined);
      assert.equal(await b.resumeUpload('../../etc/passwd', 0), undefined);
      const onB = await b.resumeUpload(up.id, p1.length + p2.length);
      assert.ok(onB, 'resumable on the other replica');
      assert.equal(onB.size, p1.length + p2.length);
      await onB.append(Readable.from([p3]));
      // A cleanup with the replicas' cut-off leaves an upload in progress alone.
      assert.equal(await a.cleanup({ olderThanMs: 60 * 60 * 1000 }), 0);
      const staged = await onB.finish();
      const whole = Buffer.concat([p1, p2, p3]);
      assert.equal(staged.size, whole.length);
      assert.equal(staged.sha256, sums(whole).sha256);
      assert.equal(staged.md5, sums(whole).md5);
      await staged.commit();
      assert.deepEqual(await readAll(a.open(staged.sha256)), whole);
      assert.equal(await a.resumeUpload(up.id, 0), undefined, 'a finished upload is gone');
      assert.deepEqual(await leftovers(), []);
    });

    test('an upload resumed from an earlier size drops the bytes past it; discard removes it', async () => {
      const p1 = randomBytes(1000);
      const up = await a.openUpload();
      await up.append(Readable.from([p1]));
      await up.append(Readable.from([randomBytes(500)])); // its replica died before recording
      const again = await b.resumeUpload(up.id, p1.length);
      assert.ok(again);
      const p2 = randomBytes(20);
      await again.append(Readable.from([p2]));
      const staged = await again.finish();
      assert.equal(staged.sha256, sums(Buffer.concat([p1, p2])).sha256);
      await staged.discard();
      const other = await a.openUpload();
      await other.append(Readable.from([randomBytes(100)]));
      await other.discard();
      assert.equal(await b.resumeUpload(other.id, 100), undefined);
      const empty = await a.openUpload();
      assert.ok(await b.resumeUpload(empty.id, 0), 'an empty upload is resumable too');
      const zero = await (await b.resumeUpload(empty.id, 0))!.finish();
      assert.equal(zero.sha256, sums(Buffer.alloc(0)).sha256);
      await zero.discard();
      assert.deepEqual(await leftovers(), []);
    });

    test('cleanup removes temporary data only past its cut-off', async () => {
      const up = await a.openUpload();
      await up.append(Readable.from([randomBytes(10)]));
      const staged = await a.stage(Readable.from([randomBytes(10)]));
      assert.equal(await b.cleanup({ olderThanMs: 60 * 60 * 1000 }), 0);
      assert.ok(await b.resumeUpload(up.id, 10));
      // Past a cut-off of 0 everything temporary is stale (a crash left it). An object store's
      // listing may lag its writes (Swift updates container listings asynchronously): ask
      // again, a bounded number of times, until both are seen.
      let removed = 0;
      for (let i = 0; i < 50 && removed < 2; i++) {
        await new Promise((r) => setTimeout(r, i === 0 ? 10 : 200));
        removed += await b.cleanup({ olderThanMs: 0 });
      }
      assert.ok(removed >= 2, `removed ${removed} temporary objects`);
      assert.equal(await b.resumeUpload(up.id, 10), undefined);
      assert.deepEqual(await leftovers(), []);
      await staged.discard(); // already gone: no error
    });

    test('list reports every committed blob with its write time (GC grace period) and nothing staged', async () => {
      const t0 = Date.now();
      const data = randomBytes(64);
      const staged = await a.stage(Readable.from([data]));
      const pending = await a.stage(Readable.from([randomBytes(64)]));
      const up = await a.openUpload();
      await staged.commit();
      const t1 = Date.now();
      const seen = new Map<string, number>();
      for await (const x of b.list()) seen.set(x.sha256, x.modified);
      const modified = seen.get(staged.sha256);
      assert.ok(modified !== undefined, 'the committed blob is listed');
      // Object stores keep second precision: a two-second allowance either side.
      assert.ok(
        modified >= t0 - 2000 && modified <= t1 + 2000,
        `modified ${modified} is when it was written (${t0}..${t1})`,
      );
      assert.equal(seen.has(pending.sha256), false, 'staged content is not a blob yet');
      for (const sha of seen.keys()) assert.match(sha, /^[0-9a-f]{64}$/);
      await pending.discard();
      await up.discard();
      await b.delete(staged.sha256);
      for await (const x of a.list()) assert.notEqual(x.sha256, staged.sha256);
    });
  });
}

let fsDir = '';
conformance(
  'fs',
  {
    async open() {
      fsDir = await mkdtemp(join(tmpdir(), 'stowage-conformance-'));
      const a = new FsBlobStore({ dir: fsDir });
      const b = new FsBlobStore({ dir: fsDir });
      await a.init();
      return { a, b, leftovers: async () => (await readdir(join(fsDir, 'tmp'))).sort() };
    },
    async close() {
      await rm(fsDir, { recursive: true, force: true });
    },
  },
  false,
);

// The default with SQLite metadata: small bodies (stageBytes) go into blobs/pack.db.
let packDir = '';
const packStores: FsBlobStore[] = [];
conformance(
  'fs with small blobs packed',
  {
    async open() {
      packDir = await mkdtemp(join(tmpdir(), 'stowage-conformance-pack-'));
      const a = new FsBlobStore({ dir: packDir, packSmall: true });
      const b = new FsBlobStore({ dir: packDir, packSmall: true });
      await a.init();
      await b.init();
      packStores.push(a, b);
      return { a, b, leftovers: async () => (await readdir(join(packDir, 'tmp'))).sort() };
    },
    async close() {
      for (const s of packStores) s.close();
      await rm(packDir, { recursive: true, force: true });
    },
  },
  false,
);

let s3Drop: (() => Promise<void>) | undefined;
const s3Stores: S3BlobStore[] = [];
conformance(
  's3',
  {
    async open() {
      const { bucket, drop } = await newBucket();
      s3Drop = drop;
      const a = await openS3Store(bucket);
      const b = await openS3Store(bucket);
      s3Stores.push(a, b);
      return {
        a,
        b,
        leftovers: async () => (await keysIn(a)).filter((k) => !k.startsWith('blobs/sha256/')),
      };
    },
    async close() {
      await s3Drop?.();
      for (const s of s3Stores) s.close();
    },
  },
  SKIP_S3,
);
