/** readSmallBody: which bodies a deploy reads whole, and how a short or broken one fails. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { readSmallBody } from '../src/internal/http.ts';
import { HttpError } from '../src/errors.ts';

const incomplete = (err: unknown): boolean =>
  err instanceof HttpError && err.code === 'ERR_UPLOAD_INCOMPLETE';

test('a body with a Content-Length up to the limit is read whole, in one buffer', async () => {
  const parts = [Buffer.from('hello '), Buffer.from('small '), Buffer.from('world')];
  const got = await readSmallBody(Readable.from(parts), { 'content-length': '17' }, 64);
  assert.deepEqual(got, Buffer.from('hello small world'));
  const empty = await readSmallBody(Readable.from([]), { 'content-length': '0' }, 64);
  assert.equal(empty?.length, 0);
});

test('chunked, undeclared, oversized or malformed lengths are left to the stream path', () => {
  const body = (): Readable => Readable.from([Buffer.from('x')]);
  assert.equal(readSmallBody(body(), { 'transfer-encoding': 'chunked' }, 64), undefined);
  assert.equal(readSmallBody(body(), {}, 64), undefined);
  assert.equal(readSmallBody(body(), { 'content-length': '65' }, 64), undefined);
  for (const bad of ['-1', '1.5', 'abc', '1e3', ''])
    assert.equal(readSmallBody(body(), { 'content-length': bad }, 2000), undefined, bad);
});

test('a body that ends short, runs long, breaks off or is already gone is ERR_UPLOAD_INCOMPLETE', async () => {
  await assert.rejects(
    readSmallBody(Readable.from([Buffer.from('abc')]), { 'content-length': '10' }, 64)!,
    (err) => incomplete(err) && /after 3 of its 10 bytes/.test((err as Error).message),
  );
  await assert.rejects(
    readSmallBody(Readable.from([Buffer.from('abcdef')]), { 'content-length': '3' }, 64)!,
    incomplete,
  );
  const broken = new PassThrough();
  const pending = readSmallBody(broken, { 'content-length': '10' }, 64)!;
  broken.write('abc');
  broken.destroy(new Error('connection reset'));
  await assert.rejects(pending, incomplete);
  const gone = new PassThrough();
  gone.destroy();
  await assert.rejects(readSmallBody(gone, { 'content-length': '3' }, 64)!, incomplete);
});
