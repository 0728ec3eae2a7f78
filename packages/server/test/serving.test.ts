import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asciiFallback,
  contentDisposition,
  headerSafe,
  isActiveType,
} from '../src/internal/serving.ts';

const NAMES = [
  'plain.txt',
  '报告.html',
  'émoji 😀 and \u{1F469}\u{200D}\u{1F4BB}.svg',
  'quote" and \\ backslash.xml',
  "apostrophe's (parens) *star*.js",
  '%41 already encoded.txt',
  'tab\tand\nnewline.txt',
  'lone surrogate \uD800 here',
  '',
  '   ',
];

test('Content-Disposition carries any name: ASCII fallback plus the exact RFC 5987 value', () => {
  for (const name of NAMES) {
    const cd = contentDisposition('attachment', name);
    assert.match(cd, /^[\x20-\x7e]+$/, `printable ASCII for ${JSON.stringify(name)}`);
    const m = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%!._~-]*)$/.exec(cd);
    assert.ok(m, cd);
    assert.doesNotMatch(m[1]!, /["\\]/);
    assert.notEqual(m[1], '', 'the fallback is never empty');
    assert.equal(decodeURIComponent(m[2]!), name.toWellFormed());
  }
  assert.equal(asciiFallback('résumé.pdf'), 'resume.pdf');
  assert.equal(asciiFallback('报告.html'), '__.html');
});

test('headerSafe leaves printable ASCII alone and percent-encodes everything else', () => {
  assert.equal(headerSafe('sha256:abc; x="y"'), 'sha256:abc; x="y"');
  assert.equal(headerSafe('报告.txt'), '%E6%8A%A5%E5%91%8A.txt');
  assert.equal(headerSafe('a\r\nInjected: 1'), 'a%0D%0AInjected: 1');
  for (const n of NAMES) assert.match(headerSafe(n), /^[\x20-\x7e]*$/);
});

test('active types are the ones a browser renders as a document or runs', () => {
  for (const t of [
    'text/html; charset=utf-8',
    'application/xhtml+xml',
    'image/svg+xml',
    'application/xml',
    'text/xml',
    'application/atom+xml',
    'text/javascript',
    'application/javascript',
    'application/pdf',
    undefined,
    '',
  ]) {
    assert.equal(isActiveType(t), true, String(t));
  }
  for (const t of [
    'text/plain',
    'application/json',
    'application/octet-stream',
    'image/png',
    'application/gzip',
    'application/vnd.oci.image.manifest.v1+json',
    'text/csv',
  ]) {
    assert.equal(isActiveType(t), false, t);
  }
});
