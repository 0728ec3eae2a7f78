import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DatabaseSync } from 'node:sqlite';
import { FsBlobStore } from '../src/server.ts';
import { BlobPack } from '../src/internal/blob-pack.ts';
import { SMALL_BODY_BYTES } from '../src/internal/blobstore.ts';
import { fileBlobs as blobFiles } from './stored-blobs.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-pack-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('packSmall: a small body is one row of blobs/pack.db, read back whole or by range, listed, deleted', () =>
  withDir(async (dir) => {
    const blobs = new FsBlobStore({ dir, packSmall: true });
    await blobs.init();
    try {
      const data = randomBytes(SMALL_BODY_BYTES);
      const t0 = Date.now();
      const staged = blobs.stageBytes(data);
      assert.equal(await blobs.has(staged.sha256), false, 'nothing is stored before commit');
      await staged.commit();
      assert.equal(await blobs.whereIs(staged.sha256), 'pack');
      assert.deepEqual(await blobFiles(dir), [], 'no file of its own');
      assert.equal(await blobs.has(staged.sha256), true);
      assert.equal(await blobs.size(staged.sha256), data.length);
      assert.deepEqual(await readAll(blobs.open(staged.sha256)), data);
      assert.deepEqual(
        await readAll(blobs.open(staged.sha256, { start: 100, end: 4195 })),
        data.subarray(100, 4196),
      );
      const listed = [];
      for await (const b of blobs.list()) listed.push(b);
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.sha256, staged.sha256);
      assert.ok(listed[0]!.modified >= t0 && listed[0]!.modified <= Date.now());
      // Empty content is content too.
      const empty = blobs.stageBytes(Buffer.alloc(0));
      await empty.commit();
      assert.equal(await blobs.size(empty.sha256), 0);
      assert.deepEqual(await readAll(blobs.open(empty.sha256)), Buffer.alloc(0));

      await blobs.delete(staged.sha256);
      assert.equal(await blobs.has(staged.sha256), false);
      assert.equal(await blobs.size(staged.sha256), undefined);
      await assert.rejects(readAll(blobs.open(staged.sha256)), { code: 'ENOENT' });
      blobs.vacuum();
      // Streamed uploads (any size) stay files: the pack takes bodies read whole only.
      const streamed = await blobs.stage(Readable.from([randomBytes(100)]));
      await streamed.commit();
      assert.equal(await blobs.whereIs(streamed.sha256), 'file');
    } finally {
      blobs.close();
    }
  }));

test('the puts of one turn share a transaction; each settles only after it committed', () =>
  withDir(async (dir) => {
    const file = join(dir, 'pack.db');
    const pack = new BlobPack(file);
    const reader = new DatabaseSync(file);
    try {
      const count = (): number =>
        (reader.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;
      const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(`body ${i}`));
      const settled: number[] = [];
      const puts = bodies.map((b, i) => pack.put(sha256(b), b).then(() => settled.push(i)));
      // Nothing is committed (so nothing settled) within the turn that asked.
      assert.equal(count(), 0);
      await Promise.resolve();
      assert.deepEqual(settled, []);
      const version = (): number =>
        (reader.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
      const before = version();
      await Promise.all(puts);
      assert.equal(count(), 40, 'every row is visible to another connection once settled');
      assert.equal(version(), before + 1, 'one commit for the 40 puts');
      // The same content again: still one row, its time moved on.
      const first = reader.prepare('SELECT modified FROM blobs WHERE sha256 = ?');
      const t = (first.get(sha256(bodies[0]!)) as { modified: number }).modified;
      await new Promise((r) => setTimeout(r, 5));
      await pack.put(sha256(bodies[0]!), bodies[0]!);
      assert.equal(count(), 40);
      assert.ok((first.get(sha256(bodies[0]!)) as { modified: number }).modified > t);
      // More than one transaction holds (256) is split, none lost.
      const many = Array.from({ length: 600 }, (_, i) => Buffer.from(`many ${i}`));
      await Promise.all(many.map((b) => pack.put(sha256(b), b)));
      assert.equal(count(), 640);
      const listed = [...pack.list()].map((r) => r.sha256);
      assert.equal(listed.length, 640, 'list pages through every row');
      assert.deepEqual(listed, [...listed].sort());
    } finally {
      reader.close();
      pack.close();
    }
  }));

test('close commits the puts of its turn; a closed pack refuses more', () =>
  withDir(async (dir) => {
    const file = join(dir, 'pack.db');
    const pack = new BlobPack(file);
    const body = Buffer.from('put just before shutdown');
    const put = pack.put(sha256(body), body);
    pack.close();
    await put;
    await assert.rejects(pack.put(sha256(body), body), /closed/);
    const again = new BlobPack(file);
    try {
      assert.deepEqual(again.get(sha256(body)), body);
    } finally {
      again.close();
    }
  }));

test('a transaction that fails rejects every put in it and leaves none of them', () =>
  withDir(async (dir) => {
    const file = join(dir, 'pack.db');
    const pack = new BlobPack(file);
    const other = new DatabaseSync(file);
    try {
      // One row the database refuses (as a full disk or an I/O error would refuse the commit):
      // the whole transaction is rolled back, so the other put of its turn fails with it.
      const bad = Buffer.from('refused');
      other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON blobs WHEN NEW.sha256 = '${sha256(bad)}'
        BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;`);
      const good = Buffer.from('fine on its own');
      const results = await Promise.allSettled([
        pack.put(sha256(good), good),
        pack.put(sha256(bad), bad),
      ]);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.match(String((r as PromiseRejectedResult).reason), /refused by the test/);
      }
      assert.equal(pack.get(sha256(good)), undefined);
      assert.equal(pack.get(sha256(bad)), undefined);
      // The next turn's transaction is not affected.
      await pack.put(sha256(good), good);
      assert.deepEqual(pack.get(sha256(good)), good);
    } finally {
      other.close();
      pack.close();
    }
  }));

test('files stored before the pack stay readable; a pack stays readable with packing turned off', () =>
  withDir(async (dir) => {
    const old = Buffer.from('a small file from before the pack');
    const files = new FsBlobStore({ dir, packSmall: false });
    await files.init();
    await files.stageBytes(old).commit();
    files.close();
    assert.equal(existsSync(join(dir, 'blobs', 'pack.db')), false, 'no pack made when off');
    assert.deepEqual(await blobFiles(dir), [sha256(old)]);

    const packed = new FsBlobStore({ dir, packSmall: true });
    await packed.init();
    const fresh = Buffer.from('a small body deployed with the pack');
    try {
      assert.equal(await packed.whereIs(sha256(old)), 'file');
      assert.deepEqual(await readAll(packed.open(sha256(old))), old);
      await packed.stageBytes(fresh).commit();
      assert.equal(await packed.whereIs(sha256(fresh)), 'pack');
      // The same content as the old file, deployed again: a row as well; delete removes both.
      await packed.stageBytes(old).commit();
      await packed.delete(sha256(old));
      assert.equal(await packed.has(sha256(old)), false);
      assert.deepEqual(await blobFiles(dir), []);
    } finally {
      packed.close();
    }

    const off = new FsBlobStore({ dir, packSmall: false });
    await off.init();
    try {
      assert.equal(await off.whereIs(sha256(fresh)), 'pack', 'packed blobs stay readable');
      assert.deepEqual(await readAll(off.open(sha256(fresh))), fresh);
      const later = Buffer.from('deployed after packing was turned off');
      await off.stageBytes(later).commit();
      assert.equal(await off.whereIs(sha256(later)), 'file');
      const all = [];
      for await (const b of off.list()) all.push(b.sha256);
      assert.deepEqual(all.sort(), [sha256(fresh), sha256(later)].sort());
      await off.delete(sha256(fresh));
      assert.equal(await off.has(sha256(fresh)), false, 'and deletable');
    } finally {
      off.close();
    }
  }));

test('a pack that is not a database stops the start with what to do', () =>
  withDir(async (dir) => {
    await mkdir(join(dir, 'blobs'), { recursive: true });
    const file = join(dir, 'blobs', 'pack.db');
    await writeFile(file, randomBytes(8192));
    const blobs = new FsBlobStore({ dir, packSmall: false });
    await assert.rejects(blobs.init(), (err: Error) => {
      assert.ok(err.message.includes(file), err.message);
      assert.match(
        err.message,
        /cannot be opened \(.*not a database.*\): restore it from a backup/,
      );
      return true;
    });
  }));
