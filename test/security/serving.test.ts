/**
 * Served content cannot script the UI (README "Security model"), checked on the wire against a
 * real server: every response carries `X-Content-Type-Options: nosniff` and (outside /ui/) the
 * sandbox CSP; active types (HTML, SVG, XML, JavaScript) come as attachments unless the
 * repository opted in to inline rendering; any file name — CJK, emoji, quotes, control
 * characters — is answered (no 500) with an RFC 5987 `filename*` beside an ASCII fallback, and
 * no header ever carries anything but printable ASCII.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningServer } from '@stowage/server';
import { call, serve, tempDir, type Call } from './helpers.ts';

const SANDBOX = "default-src 'none'; sandbox";
const SCRIPT = '<script>window.__pwned = 1</script>';

let dir: string;
let server: RunningServer;

before(async () => {
  dir = await tempDir('serving');
  server = await serve(join(dir, 'data'), {
    repositories: [
      { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
      { key: 'reports', rclass: 'local', packageType: 'generic', serveActiveContentInline: true },
    ],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  });
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

function printableAsciiHeaders(res: Call, what: string): void {
  for (const [k, v] of res.headers) {
    assert.match(v, /^[\x20-\x7e]*$/, `${what}: header ${k} carries only printable ASCII: ${v}`);
  }
}

/** The names attackers and people use: CJK, emoji, quotes, a backslash, a percent, spaces. */
const NAMES = [
  '报告-2026.html',
  'résumé 😀.svg',
  'quote"and\'apostrophe.xml',
  'percent%41 and ; semi.js',
  'ＦＵＬＬ幅.txt',
  'plain.html',
];

describe('serving headers', () => {
  it('any file name deploys and downloads (no 500), with RFC 5987 and ASCII-only headers', async () => {
    for (const name of NAMES) {
      const path = `/generic-staging/names/${enc(name)}`;
      const put = await call(server, 'PUT', path, { body: `${SCRIPT}<svg onload="x()"/>` });
      assert.equal(put.status, 201, `${name}: ${put.text}`);
      printableAsciiHeaders(put, `PUT ${name}`);
      for (const method of ['GET', 'HEAD']) {
        const res = await call(server, method, path);
        assert.equal(res.status, 200, `${method} ${name}: ${res.text}`);
        printableAsciiHeaders(res, `${method} ${name}`);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(res.headers.get('content-security-policy'), SANDBOX);
        const fname = res.headers.get('x-artifactory-filename');
        assert.equal(
          decodeURIComponent(fname ?? ''),
          name,
          'X-Artifactory-Filename, percent-encoded',
        );
        const cd = res.headers.get('content-disposition');
        if (name.endsWith('.txt')) {
          assert.equal(cd, null, 'a passive type is shown inline');
          continue;
        }
        assert.ok(cd, `${name} is an attachment`);
        assert.match(cd, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
        const star = /filename\*=UTF-8''(.+)$/.exec(cd)?.[1] ?? '';
        assert.equal(decodeURIComponent(star), name, 'filename* carries the exact name');
        const ascii = /filename="([^"]*)"/.exec(cd)?.[1] ?? '';
        assert.doesNotMatch(ascii, /["\\]/);
      }
    }
    const info = await call(server, 'GET', `/api/storage/generic-staging/names/${enc(NAMES[0]!)}`);
    assert.equal(info.status, 200, info.text);
    printableAsciiHeaders(info, 'storage info');
    const list = await call(server, 'GET', '/generic-staging/names/');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('content-disposition'), null, 'the generated listing is inline');
    assert.equal(list.headers.get('content-security-policy'), SANDBOX);
    assert.doesNotMatch(list.text, /<script>/, 'names are escaped in the listing');
  });

  it('active types are attachments; a repository that opts in renders inline, still sandboxed', async () => {
    const files: Record<string, string> = {
      'a.html': SCRIPT,
      'b.svg': '<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned=1</script></svg>',
      'c.xml': '<x:script xmlns:x="http://www.w3.org/1999/xhtml">window.__pwned=1</x:script>',
      'd.xhtml': SCRIPT,
      'e.js': 'window.__pwned = 1',
    };
    for (const [name, body] of Object.entries(files)) {
      await call(server, 'PUT', `/generic-staging/active/${name}`, { body });
      await call(server, 'PUT', `/reports/active/${name}`, { body });
      const res = await call(server, 'GET', `/generic-staging/active/${name}`, {
        anonymous: false,
      });
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment;/, name);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const inline = await call(server, 'GET', `/reports/active/${name}`);
      assert.equal(inline.headers.get('content-disposition'), null, `${name} inline in reports`);
      assert.equal(inline.headers.get('content-security-policy'), SANDBOX, 'still sandboxed');
    }
  });

  it('the UI keeps its own strict policy; API answers are sandboxed and nosniff too', async () => {
    const ui = await call(server, 'GET', '/ui/builds', { anonymous: true });
    const csp = ui.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /sandbox/);
    assert.equal(ui.headers.get('content-disposition'), null);
    assert.equal(ui.headers.get('x-content-type-options'), 'nosniff');
    for (const path of ['/api/repositories', '/api/system/ping', '/no-such-repo/x.html']) {
      const res = await call(server, 'GET', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('content-security-policy'), SANDBOX, path);
    }
  });
});
