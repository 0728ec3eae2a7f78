import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FsBlobStore } from '../src/server.ts';

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
