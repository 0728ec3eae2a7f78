/**
 * The write+hash path of the file-system blob store: bodies of every size (around the inline
 * threshold and the slice size) cut into chunks of every shape are stored and hashed exactly;
 * bodies cut off leave nothing; many at once stay correct; a hashing thread that stops or a
 * write that fails is an error, never a hang; large ones go past the page cache (O_DIRECT) where
 * the file system takes it, and land exactly either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FsBlobStore } from '../src/server.ts';
import {
  HashThreadError,
  ThreadedHash,
  leastBehind,
  stopHashThreads,
} from '../src/internal/hash-threads.ts';
import {
  DIRECT_AFTER,
  HashedFileWriter,
  INLINE_BYTES,
  SLICE_BYTES,
} from '../src/internal/hashed-write.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

function sums(data: Buffer): { sha1: string; sha256: string; md5: string } {
  return {
    sha1: createHash('sha1').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
    md5: createHash('md5').update(data).digest('hex'),
  };
}

/** `data` cut into chunks of the sizes `next()` picks. */
function chunked(data: Buffer, next: () => number): Readable {
  return Readable.from(
    (function* () {
      for (let off = 0; off < data.length;) {
        const n = Math.max(1, Math.min(next(), data.length - off));
        yield data.subarray(off, off + n);
        off += n;
      }
    })(),
  );
}

/** Sends `data`, then breaks off. */
function cutOff(data: Buffer, chunk = 64 * KiB): Readable {
  return Readable.from(
    (async function* () {
      for (let off = 0; off < data.length; off += chunk) yield data.subarray(off, off + chunk);
      await new Promise((r) => setImmediate(r));
      throw new Error('connection reset by the client');
    })(),
  );
}

async function withStore(fn: (blobs: FsBlobStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-hashed-write-'));
  try {
    const blobs = new FsBlobStore({ dir });
    await blobs.init();
    await fn(blobs, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('every size and chunking is stored and hashed exactly (sha1, sha256, md5, size)', async () => {
  await withStore(async (blobs) => {
    const sizes = [
      0,
      1,
      INLINE_BYTES - 1,
      INLINE_BYTES,
      INLINE_BYTES + 1,
      SLICE_BYTES - 1,
      SLICE_BYTES,
      SLICE_BYTES + 1,
      3 * MiB + 7,
      // More slices than one upload may have at once.
      11 * MiB + 5,
    ];
    let seed = 7;
    const random = (max: number) => () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % max);
    };
    const chunkings: [string, () => () => number][] = [
      ['whole', () => () => Number.MAX_SAFE_INTEGER],
      ['64 KiB', () => () => 64 * KiB],
      ['random up to 200 KiB', () => random(200 * KiB)],
      ['random up to 3 KiB', () => random(3 * KiB)],
    ];
    for (const size of sizes) {
      const data = randomBytes(size);
      const want = sums(data);
      for (const [name, pick] of chunkings) {
        const staged = await blobs.stage(chunked(data, pick()));
        const what = `${size} bytes in chunks of ${name}`;
        assert.deepEqual(
          { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5 },
          want,
          `${what}: checksums`,
        );
        assert.equal(staged.size, size, `${what}: size`);
        assert.ok((await readFile(staged.file!)).equals(data), `${what}: stored bytes`);
        await staged.discard();
      }
    }
  });
});

/** Whether `chunk`'s memory was given back (its ArrayBuffer detached). */
const detached = (chunk: Buffer): boolean => (chunk.buffer as ArrayBuffer).detached;

/**
 * A server whose handler gives each request body to `handle`; `send` PUTs `data` to it (at
 * `path`) in pieces of random sizes and answers what the handler returned. Every chunk the body emitted is
 * kept in `chunks` (through push, which adds no reader).
 */
async function withBodies(
  handle: (req: IncomingMessage) => Promise<unknown>,
  fn: (send: (data: Buffer, path?: string) => Promise<unknown>, chunks: Buffer[]) => Promise<void>,
): Promise<void> {
  const chunks: Buffer[] = [];
  const server = createServer((req, res) => {
    const push = req.push.bind(req);
    req.push = (chunk: Buffer | null) => {
      if (chunk) chunks.push(chunk);
      return push(chunk);
    };
    handle(req).then(
      (out) => res.end(JSON.stringify(out)),
      (err: Error) => res.writeHead(500).end(JSON.stringify({ error: err.message })),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let seed = 11;
  const send = async (data: Buffer, path = '/'): Promise<unknown> => {
    chunks.length = 0;
    const req = request({
      port,
      host: '127.0.0.1',
      method: 'PUT',
      path,
      headers: { 'content-length': data.length },
    });
    for (let off = 0; off < data.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = Math.min(1 + (seed % (300 * KiB)), data.length - off);
      if (!req.write(data.subarray(off, off + n))) await once(req, 'drain');
      off += n;
    }
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const parts: Buffer[] = [];
    for await (const p of res) parts.push(p as Buffer);
    return JSON.parse(Buffer.concat(parts).toString());
  };
  try {
    await fn(send, chunks);
  } finally {
    server.close();
  }
}

test('a request body read by the writer alone has each chunk freed once copied, and is stored exactly', async () => {
  await withStore(async (blobs) => {
    await withBodies(
      async (req) => {
        const staged = await blobs.stage(req);
        const stored = await readFile(staged.file!);
        await staged.discard();
        return { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5, stored: sums(stored) };
      },
      async (send, chunks) => {
        for (const size of [0, 100, INLINE_BYTES + 1, 3 * MiB + 7]) {
          const data = randomBytes(size);
          const got = (await send(data)) as { stored: unknown };
          const { stored, ...digests } = got;
          assert.deepEqual(digests, sums(data), `${size} bytes: checksums`);
          assert.deepEqual(stored, sums(data), `${size} bytes: stored bytes`);
          // Below the inline threshold nothing goes to the threads, and nothing is freed.
          const freed = chunks.filter((c) => detached(c)).length;
          if (size > INLINE_BYTES) assert.equal(freed, chunks.length, `${size} bytes: all freed`);
          else assert.equal(freed, 0, `${size} bytes: none freed`);
        }
      },
    );
  });
});

test('a request body someone else reads too keeps its chunks; upload sessions free them', async () => {
  await withStore(async (blobs) => {
    await withBodies(
      async (req) => {
        // A reader there before the upload, one that joins once it has begun, or one that read
        // the first bytes, put them back and holds on to them.
        const seen: Buffer[] = [];
        let peeked: Buffer | undefined;
        if (req.url === '/early') req.on('data', (c: Buffer) => seen.push(c));
        if (req.url === '/peek') {
          await once(req, 'readable');
          peeked = req.read() as Buffer;
          seen.push(Buffer.from(peeked));
          req.unshift(peeked);
        }
        const staging = blobs.stage(req);
        if (req.url === '/late') req.on('data', (c: Buffer) => seen.push(c));
        const staged = await staging;
        await staged.discard();
        const kept = peeked ? peeked.equals(seen[0]!) : sums(Buffer.concat(seen)).sha256;
        return { sha256: staged.sha256, kept };
      },
      async (send, chunks) => {
        for (const mode of ['early', 'late', 'peek']) {
          const data = randomBytes(2 * MiB + 3);
          const want = { sha256: sums(data).sha256, kept: mode === 'peek' || sums(data).sha256 };
          assert.deepEqual(await send(data, `/${mode}`), want, mode);
          assert.ok(chunks.length > 0 && chunks.every((c) => !detached(c)), mode);
        }
      },
    );
    const up = await blobs.openUpload();
    await withBodies(
      async (req) => up.append(req),
      async (send, chunks) => {
        const parts = [randomBytes(MiB + 1), randomBytes(2 * MiB)];
        for (const p of parts) await send(p);
        assert.ok(chunks.every((c) => detached(c)));
        const staged = await up.finish();
        assert.deepEqual(
          { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5 },
          sums(Buffer.concat(parts)),
        );
        await staged.discard();
      },
    );
  });
});

test('a body cut off half way leaves nothing, below and above the inline threshold', async () => {
  await withStore(async (blobs, dir) => {
    for (const size of [10, INLINE_BYTES + 1, 5 * MiB + 3]) {
      await assert.rejects(blobs.stage(cutOff(randomBytes(size))), /connection reset/);
      assert.deepEqual(await readdir(join(dir, 'tmp')), [], `nothing left after ${size} bytes`);
    }
    // Still good afterwards: slices were given back.
    const data = randomBytes(3 * MiB);
    const staged = await blobs.stage(Readable.from([data]));
    assert.equal(staged.sha256, sums(data).sha256);
    await staged.discard();
    const aborted = new AbortController();
    const body = Readable.from(
      (async function* () {
        yield randomBytes(2 * MiB);
        aborted.abort();
        await new Promise((r) => setImmediate(r));
        yield randomBytes(MiB);
      })(),
    );
    await assert.rejects(blobs.stage(body, { signal: aborted.signal }), { name: 'AbortError' });
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });
});

test('many uploads at once (more than the shared slices) are each hashed exactly', async () => {
  await withStore(async (blobs) => {
    const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(4 * MiB + i * 1000));
    const staged = await Promise.all(
      bodies.map((b, i) => blobs.stage(chunked(b, () => 16 * KiB + i * 100))),
    );
    staged.forEach((s, i) => {
      assert.equal(s.sha256, sums(bodies[i]!).sha256);
      assert.equal(s.md5, sums(bodies[i]!).md5);
      assert.equal(s.sha1, sums(bodies[i]!).sha1);
    });
    await Promise.all(staged.map((s) => s.discard()));
  });
});

test('the file is written by whichever thread is least behind; many large uploads at once are stored exactly', async () => {
  // The writer of each slice is chosen by the threads' backlogs: the fewest pieces waiting,
  // the first thread (lighter digests) on a tie.
  assert.equal(leastBehind([0, 0]), 0);
  assert.equal(leastBehind([2, 2]), 0);
  assert.equal(leastBehind([3, 1]), 1);
  assert.equal(leastBehind([1, 3]), 0);
  assert.equal(leastBehind([5]), 0);
  // Under load the choice moves between the threads from slice to slice: every file must still
  // hold exactly its bytes, each at its own position.
  await withStore(async (blobs) => {
    const bodies = Array.from({ length: 6 }, (_, i) => randomBytes(6 * SLICE_BYTES + i * 777));
    const staged = await Promise.all(
      bodies.map((b, i) => blobs.stage(chunked(b, () => 64 * KiB - i * 100))),
    );
    for (const [i, s] of staged.entries()) {
      assert.deepEqual(
        { sha1: s.sha1, sha256: s.sha256, md5: s.md5 },
        sums(bodies[i]!),
        `upload ${i}`,
      );
      await s.commit();
      const stored = await readFile(blobs.pathOf(s.sha256));
      assert.ok(stored.equals(bodies[i]!), `upload ${i} is stored exactly`);
    }
  });
});

test('upload sessions: pieces small and large, cut off, resumed — finish answers the right digests', async () => {
  await withStore(async (blobs) => {
    // Small first (hashed here), then large; large first (on the threads), then small.
    for (const sizes of [[100, 3 * MiB, 10], [3 * MiB + 1, 100, 2 * MiB, 0], [INLINE_BYTES + 1]]) {
      const up = await blobs.openUpload();
      const parts = sizes.map((n) => randomBytes(n));
      for (const p of parts) await up.append(chunked(p, () => 48 * KiB));
      const staged = await up.finish();
      const whole = Buffer.concat(parts);
      assert.deepEqual(
        { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5 },
        sums(whole),
        `pieces of ${sizes.join(', ')} bytes`,
      );
      assert.equal(staged.size, whole.length);
      await staged.discard();
    }
    // A large piece cut off: rolled back, and the hash is rebuilt from the file at the end.
    const up = await blobs.openUpload();
    const p1 = randomBytes(2 * MiB);
    await up.append(Readable.from([p1]));
    await assert.rejects(up.append(cutOff(randomBytes(3 * MiB))), /connection reset/);
    assert.equal(up.size, p1.length);
    const p2 = randomBytes(MiB + 5);
    await up.append(Readable.from([p2]));
    const again = await blobs.resumeUpload(up.id, up.size);
    assert.ok(again);
    const p3 = randomBytes(70 * KiB);
    await again.append(Readable.from([p3]));
    const staged = await again.finish();
    assert.deepEqual(
      { sha1: staged.sha1, sha256: staged.sha256, md5: staged.md5 },
      sums(Buffer.concat([p1, p2, p3])),
    );
    await staged.discard();
  });
});

test('a hashing thread that stops fails the upload it was hashing; the next one works', async () => {
  await withStore(async (blobs, dir) => {
    const body = Readable.from(
      (async function* () {
        yield randomBytes(4 * MiB);
        await new Promise((r) => setTimeout(r, 20));
        await stopHashThreads();
        yield randomBytes(4 * MiB);
      })(),
    );
    await assert.rejects(blobs.stage(body), HashThreadError);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    const data = randomBytes(3 * MiB);
    const staged = await blobs.stage(Readable.from([data]));
    assert.equal(staged.md5, sums(data).md5);
    await staged.discard();
    // Stopped between two pieces of a session: finish reads the bytes again.
    const up = await blobs.openUpload();
    const p1 = randomBytes(2 * MiB);
    await up.append(Readable.from([p1]));
    await stopHashThreads();
    const done = await up.finish();
    assert.deepEqual({ sha1: done.sha1, sha256: done.sha256, md5: done.md5 }, sums(p1));
    await done.discard();
  });
});

test('a write the hashing thread cannot make is an error with its code', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-hashed-write-'));
  const file = join(dir, 'read-only');
  await writeFile(file, '');
  const fd = openSync(file, 'r');
  try {
    const hash = new ThreadedHash();
    const data = new SharedArrayBuffer(64 * KiB);
    await assert.rejects(hash.update(data, 0, data.byteLength, { fd, position: 0 }), {
      code: 'EBADF',
    });
    await assert.rejects(hash.digest(), { code: 'EBADF' }, 'the hash stays failed');
  } finally {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
});

/** Whether files in `dir` can be opened with O_DIRECT (Linux, and not every file system). */
function takesDirect(dir: string): boolean {
  const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (!flag) return false;
  try {
    closeSync(openSync(join(dir, 'direct-probe'), constants.O_WRONLY | constants.O_CREAT | flag));
    return true;
  } catch {
    return false;
  }
}

test('past DIRECT_AFTER whole slices are written with O_DIRECT where the file system takes it, and every file is exact', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-hashed-write-'));
  try {
    const direct = takesDirect(dir);
    // Ends in a whole slice, a few bytes into one (the slice's alignment was found by writing
    // 4 KiB where it goes: the file must still end where the upload does), and 4 KiB + 1 in.
    const sizes = [DIRECT_AFTER + 2 * SLICE_BYTES, DIRECT_AFTER + 3 * SLICE_BYTES + 5];
    sizes.push(DIRECT_AFTER + SLICE_BYTES + 4 * KiB + 1);
    let n = 0;
    for (const size of sizes) {
      const data = randomBytes(size);
      for (const chunk of [64 * KiB, 3 * KiB + 1]) {
        const path = join(dir, `file-${n++}`);
        const out = new HashedFileWriter({ path, flags: 'wx' });
        await pipeline(
          chunked(data, () => chunk),
          out,
        );
        const what = `${size} bytes in ${chunk}-byte chunks`;
        const got = await readFile(path);
        assert.equal(got.length, size, `${what}: the file's length`);
        assert.ok(got.equals(data), `${what}: the file's bytes`);
        assert.deepEqual(await (out.hash as ThreadedHash).digest(), { ...sums(data) }, what);
        const whole = Math.floor((size - DIRECT_AFTER) / SLICE_BYTES) * SLICE_BYTES;
        if (direct) assert.equal(out.directBytes, whole, `${what}: written with O_DIRECT`);
        else assert.equal(out.directBytes, 0, `${what}: no O_DIRECT here`);
        await rm(path);
      }
    }
    // A body that arrives slowly needs few slices at once, all of them spares whose alignment
    // an earlier upload found: each upload still opens its file for O_DIRECT.
    const slowly = randomBytes(DIRECT_AFTER + 2 * SLICE_BYTES);
    for (let i = 0; i < 3; i++) {
      const path = join(dir, `slow-${i}`);
      const out = new HashedFileWriter({ path, flags: 'wx' });
      await pipeline(
        Readable.from(
          (async function* () {
            for (let off = 0; off < slowly.length; off += 256 * KiB) {
              yield slowly.subarray(off, off + 256 * KiB);
              await new Promise((r) => setTimeout(r, 1));
            }
          })(),
        ),
        out,
      );
      assert.ok((await readFile(path)).equals(slowly), `slow upload ${i}: the file's bytes`);
      assert.equal(out.directBytes, direct ? 2 * SLICE_BYTES : 0, `slow upload ${i}`);
      await (out.hash as ThreadedHash).digest();
      await rm(path);
    }
    // Turned off (storage.blobs.directWrites: false), before DIRECT_AFTER, and into an existing
    // file (upload sessions), all goes through the page cache.
    const off = new HashedFileWriter({ path: join(dir, 'off'), flags: 'wx', direct: false });
    await pipeline(
      chunked(slowly, () => 64 * KiB),
      off,
    );
    assert.equal(off.directBytes, 0, 'directWrites: false');
    await (off.hash as ThreadedHash).digest();
    assert.ok((await readFile(join(dir, 'off'))).equals(slowly));
    const small = randomBytes(DIRECT_AFTER);
    const out = new HashedFileWriter({ path: join(dir, 'small'), flags: 'wx' });
    await pipeline(
      chunked(small, () => 64 * KiB),
      out,
    );
    assert.equal(out.directBytes, 0);
    await writeFile(join(dir, 'session'), '');
    const big = randomBytes(DIRECT_AFTER + 2 * SLICE_BYTES);
    const more = new HashedFileWriter({ path: join(dir, 'session'), flags: 'r+', start: 0 });
    await pipeline(
      chunked(big, () => 64 * KiB),
      more,
    );
    assert.equal(more.directBytes, 0);
    assert.ok((await readFile(join(dir, 'session'))).equals(big));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what an O_DIRECT write refuses (memory not aligned) the hashing thread writes through the page cache', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-hashed-write-'));
  const file = join(dir, 'file');
  const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
  const fd = openSync(file, 'w');
  let direct: number | undefined;
  try {
    if (flag && takesDirect(dir)) direct = openSync(file, constants.O_WRONLY | flag);
    const data = new SharedArrayBuffer(SLICE_BYTES + 64);
    const bytes = randomBytes(SLICE_BYTES);
    // From an odd offset: no O_DIRECT write takes memory aligned to one byte.
    new Uint8Array(data, 1, SLICE_BYTES).set(bytes);
    const hash = new ThreadedHash();
    const written = await hash.update(data, 1, SLICE_BYTES, {
      fd,
      position: 0,
      ...(direct !== undefined && { direct }),
    });
    assert.equal(written, 0, 'nothing went past the page cache');
    assert.deepEqual(await hash.digest(), sums(bytes));
    assert.ok((await readFile(file)).equals(bytes), 'the bytes landed all the same');
  } finally {
    closeSync(fd);
    if (direct !== undefined) closeSync(direct);
    await rm(dir, { recursive: true, force: true });
  }
});
