import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { StagedBlob } from '../src/internal/blobstore.ts';
import { HttpError } from '../src/errors.ts';
import { readSpooledJson } from '../src/formats/npm/spool.ts';

/** A staged body read back in pieces of `size` bytes (to cross every boundary). */
function staged(body: Buffer, size: number): StagedBlob {
  return {
    sha1: '',
    sha256: '',
    md5: '',
    size: body.length,
    read: () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
        })(),
      ),
    commit: async () => {},
    discard: async () => {},
  };
}

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('attachments are found and decoded in any chunking; the rest of the document is intact', async () => {
  const a = randomBytes(2_000);
  const b = randomBytes(3);
  const doc = {
    name: '@s/p',
    description: 'quotes " and \\ and "data": "not an attachment" and {[',
    versions: {
      '1.0.0': {
        name: '@s/p',
        data: 'kept',
        nested: [{ _attachments: { x: { data: 'kept too' } } }],
      },
    },
    _attachments: {
      'p-1.0.0.tgz': {
        content_type: 'application/octet-stream',
        data: a.toString('base64'),
        length: a.length,
      },
      'p-\u00e9-2.0.0.tgz': { length: b.length, data: b.toString('base64') },
    },
  };
  const body = Buffer.from(JSON.stringify(doc));
  for (const size of [1, 2, 3, 7, 64, 65536]) {
    const s = await readSpooledJson(staged(body, size), 64);
    const want = structuredClone(doc);
    want._attachments['p-1.0.0.tgz'].data = '';
    want._attachments['p-\u00e9-2.0.0.tgz'].data = '';
    assert.deepEqual(s.doc, want, `chunks of ${size}`);
    assert.deepEqual([...s.attachments.keys()], ['p-1.0.0.tgz', 'p-\u00e9-2.0.0.tgz']);
    const ra = s.attachments.get('p-1.0.0.tgz');
    const rb = s.attachments.get('p-\u00e9-2.0.0.tgz');
    assert.ok(ra && rb);
    assert.deepEqual(await collect(s.open(ra)), a);
    assert.deepEqual(await collect(s.open(rb)), b);
  }
});

test('an escaped key still names the attachment; too deep or not JSON is ERR_BODY_INVALID', async () => {
  const data = randomBytes(100);
  const body = Buffer.from(
    `{"_attach\\u006dents":{"f.tgz":{"d\\u0061ta":"${data.toString('base64')}"}},"name":"x"}`,
  );
  const s = await readSpooledJson(staged(body, 5), 64);
  assert.deepEqual(s.doc, { _attachments: { 'f.tgz': { data: '' } }, name: 'x' });
  const r = s.attachments.get('f.tgz');
  assert.ok(r);
  assert.deepEqual(await collect(s.open(r)), data);

  for (const [text, message] of [
    ['['.repeat(70) + ']'.repeat(70), /deeper than 64 levels/],
    ['{"name": ', /not JSON/],
  ] as const) {
    await assert.rejects(readSpooledJson(staged(Buffer.from(text), 3), 64), (err: unknown) => {
      assert.ok(err instanceof HttpError);
      assert.equal(err.code, 'ERR_BODY_INVALID');
      assert.match(err.message, message);
      return true;
    });
  }
});

test('an attachment that is not base64 fails its stream with ERR_BODY_INVALID', async () => {
  const body = Buffer.from('{"_attachments":{"f.tgz":{"data":"not base64!"}}}');
  const s = await readSpooledJson(staged(body, 4), 64);
  const r = s.attachments.get('f.tgz');
  assert.ok(r);
  await assert.rejects(collect(s.open(r)), (err: unknown) => {
    assert.ok(err instanceof HttpError);
    assert.equal(err.code, 'ERR_BODY_INVALID');
    return true;
  });
});
