import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { RenderedCache, pickEncoding } from '../src/internal/rendered.ts';

test('Accept-Encoding picks brotli, then gzip, honouring q=0 and *', () => {
  assert.equal(pickEncoding(undefined), undefined);
  assert.equal(pickEncoding(''), undefined);
  assert.equal(pickEncoding('identity'), undefined);
  assert.equal(pickEncoding('gzip, deflate'), 'gzip'); // npm
  assert.equal(pickEncoding('gzip, deflate, br'), 'br'); // pnpm, yarn
  assert.equal(pickEncoding('GZIP;q=0.5, BR;q=1'), 'br');
  assert.equal(pickEncoding('br;q=0, gzip'), 'gzip');
  assert.equal(pickEncoding('br;q=0, gzip;q=0.0'), undefined);
  assert.equal(pickEncoding('*'), 'br');
  assert.equal(pickEncoding('x-gzip'), 'gzip');
  assert.equal(pickEncoding('br;q=abc'), undefined, 'an unreadable q is not a yes');
});

test('a cached rendering keeps its bytes and its variants, and the bound counts both', async () => {
  const cache = new RenderedCache(64 * 1024);
  const text = JSON.stringify({ name: 'ü-package', versions: 'x'.repeat(20_000) });
  const e = cache.set('k', text);
  assert.ok(e.body.equals(Buffer.from(text, 'utf8')));
  const gz = await e.variant('gzip');
  assert.equal(gunzipSync(gz).toString('utf8'), text);
  assert.equal(await e.variant('gzip'), gz, 'made once');
  assert.equal(cache.get('k'), e);
  // Enough other renderings to pass the bound push the oldest out.
  for (let i = 0; i < 4; i++) cache.set(`other${i}`, 'y'.repeat(15_000));
  assert.equal(cache.get('k'), undefined);
});
