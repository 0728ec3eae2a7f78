import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FsBlobStore } from '../src/server.ts';
import { DIRECT_AFTER } from '../src/internal/hashed-write.ts';

test('a staged read that is dropped before commit never surfaces as an uncaught error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-blobstore-'));
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    for (let i = 0; i < 50; i++) {
      const staged = await blobs.stage(Readable.from([Buffer.from(`content ${i}`)]));
      staged.read().destroy(); // a validator that decides not to read
      await staged.commit(); // renames the temp file, possibly before the read's open ran
    }
    // A client gone (signal aborted) while the server shuts down and its data dir is removed:
    // the temp file's late open failure must not be uncaught either.
    const gone = new AbortController();
    gone.abort();
    await rm(join(dir, 'tmp'), { recursive: true, force: true });
    await assert.rejects(
      blobs.stage(Readable.from([Buffer.from('late')]), { signal: gone.signal }),
    );
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(uncaught, []);
    await blobs.init();
    const staged = await blobs.stage(Readable.from([Buffer.from('read me')]));
    const chunks: Buffer[] = [];
    for await (const c of staged.read()) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'read me', 'a reader still gets the content');
    await staged.discard();
  } finally {
    process.off('uncaughtException', onUncaught);
    await rm(dir, { recursive: true, force: true });
  }
});

test('blob reads return exactly the stored bytes, whole or by range, whatever the size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-blobstore-'));
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    const readAll = async (r: Readable): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const c of r) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    // Empty, tiny (pooled buffer), a small tarball, exactly the read size, one byte past it.
    for (const size of [0, 10, 58 * 1024, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 7]) {
      const content = randomBytes(size);
      const staged = await blobs.stage(Readable.from([content]));
      await staged.commit();
      const sha = createHash('sha256').update(content).digest('hex');
      assert.equal(staged.sha256, sha);
      assert.equal(staged.sha1, createHash('sha1').update(content).digest('hex'));
      assert.equal(staged.md5, createHash('md5').update(content).digest('hex'));
      assert.equal(staged.size, size);
      const whole = await readAll(blobs.open(sha));
      assert.ok(whole.equals(content), `whole blob of ${size} bytes`);
      if (size > 0) {
        const start = Math.floor(size / 3);
        const end = size - 1 - Math.floor(size / 5);
        const part = await readAll(blobs.open(sha, { start, end }));
        assert.ok(part.equals(content.subarray(start, end + 1)), `range of ${size} bytes`);
        // A range past the end stops at the end, as fs streams do.
        const tail = await readAll(blobs.open(sha, { start: size - 1, end: size + 100 }));
        assert.ok(tail.equals(content.subarray(size - 1)));
      }
    }
    // The same content again: committed once, the fan-out folder already there.
    const again = await blobs.stage(Readable.from([Buffer.from('twice')]));
    await again.commit();
    const twice = await blobs.stage(Readable.from([Buffer.from('twice')]));
    await twice.commit();
    assert.equal((await readAll(blobs.open(twice.sha256))).toString(), 'twice');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a blob read stopped half way releases its file, and a missing blob is an error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-blobstore-'));
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    const content = randomBytes(4 * 1024 * 1024);
    const staged = await blobs.stage(Readable.from([content]));
    await staged.commit();
    const fds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const before = await fds();
    for (let i = 0; i < 20; i++) {
      const r = blobs.open(staged.sha256);
      for await (const c of r) {
        assert.ok((c as Buffer).length > 0);
        break; // destroys the stream after the first chunk
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await fds()) <= before, 'no descriptor left open by stopped reads');
    // The fan-out folder removed behind the store's back: the next commit recreates it.
    await rm(join(dir, 'blobs', staged.sha256.slice(0, 2)), { recursive: true });
    const back = await blobs.stage(Readable.from([content]));
    await back.commit();
    assert.ok(await blobs.has(staged.sha256));
    await assert.rejects(
      (async () => {
        for await (const _ of blobs.open('0'.repeat(64))) void _;
      })(),
      { code: 'ENOENT' },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a staged body's temporary file is never taken for an upload to resume", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-blobstore-'));
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    const streamed = await blobs.stage(Readable.from([Buffer.from('streamed body')]));
    const upload = await blobs.openUpload();
    const names = await readdir(join(dir, 'tmp'));
    assert.equal(names.length, 2);
    for (const name of names.filter((n) => n !== upload.id)) {
      assert.equal(await blobs.resumeUpload(name, 'streamed body'.length), undefined, name);
      assert.equal(await blobs.resumeUpload(name, 0), undefined, name);
    }
    assert.ok(await blobs.resumeUpload(upload.id, 0), 'the upload itself resumes');
    await streamed.discard();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the same content committed again: a large file already stored stays (with its page cache), a small one is replaced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-blobstore-'));
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    for (const [what, size, kept] of [
      ['large', DIRECT_AFTER + 1024 * 1024 + 3, true],
      ['small', 100 * 1024, false],
    ] as const) {
      const data = randomBytes(size);
      const first = await blobs.stage(Readable.from([data]));
      await first.commit();
      const path = blobs.pathOf(first.sha256);
      const before = await stat(path);
      const again = await blobs.stage(Readable.from([data]));
      await again.commit();
      const after = await stat(path);
      assert.equal(
        after.ino === before.ino,
        kept,
        `${what}: the stored file ${kept ? 'stays' : 'is replaced'}`,
      );
      assert.ok((await readFile(path)).equals(data), `${what}: its bytes`);
      assert.deepEqual(await readdir(join(dir, 'tmp')), [], `${what}: no temporary file is left`);
      // Into a fan-out folder that went away meanwhile, too.
      await rm(join(path, '..'), { recursive: true });
      const third = await blobs.stage(Readable.from([data]));
      await third.commit();
      assert.ok((await readFile(path)).equals(data), `${what}: made again in a new folder`);
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
