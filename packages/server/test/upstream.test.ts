import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  UpstreamClient,
  expandEnv,
  isPublicAddress,
  placeOf,
  scrub,
} from '../src/internal/upstream.ts';
import { cleanDigests, digestsFromSri } from '../src/internal/resolver.ts';
import { redactRepoConfig, resolveConfig, validateRepoConfig } from '../src/config.ts';
import { HttpError } from '../src/errors.ts';

test('non-public addresses are recognised, IPv4-mapped IPv6 included', () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    'not-an-ip',
  ]) {
    assert.equal(isPublicAddress(a), false, a);
  }
  for (const a of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111']) {
    assert.equal(isPublicAddress(a), true, a);
  }
});

test('SRI strings and declared hex digests are read strictly', () => {
  const sha512 = Buffer.alloc(64, 1).toString('base64');
  const sha1 = Buffer.alloc(20, 2).toString('base64');
  assert.deepEqual(digestsFromSri(`sha512-${sha512} sha1-${sha1}`), {
    sha512: '01'.repeat(64),
    sha1: '02'.repeat(20),
  });
  assert.deepEqual(digestsFromSri('md5-abc sha512-tooShort'), {});
  assert.deepEqual(cleanDigests({ sha256: 'AB'.repeat(32), md5: 'nothex', sha1: 42 }), {
    sha256: 'ab'.repeat(32),
  });
});

test('secrets and URL userinfo are scrubbed; ${VAR} references are expanded or named', () => {
  assert.equal(
    scrub('GET https://u:hunter22@host/x failed with hunter22 and aHVudGVyMjI=', [
      'hunter22',
      'aHVudGVyMjI=',
    ]),
    'GET https://***@host/x failed with *** and ***',
  );
  assert.equal(expandEnv('${A}-${B}', { A: 'x', B: 'y' }, 'it'), 'x-y');
  assert.throws(
    () => expandEnv('${MISSING}', {}, 'the password of remote "r"'),
    (e: unknown) =>
      e instanceof HttpError && e.code === 'ERR_UPSTREAM_CREDENTIALS' && /MISSING/.test(e.message),
  );
});

test('remote config: userinfo split off the URL, secrets redacted, bad keys refused', () => {
  const r = validateRepoConfig(
    { key: 'r', rclass: 'remote', url: 'https://me:p%40ss@up.example.com/npm/' },
    'test',
  );
  assert.equal(r.url, 'https://up.example.com/npm/');
  assert.equal(r.username, 'me');
  assert.equal(r.password, 'p@ss');
  const shown = redactRepoConfig(r);
  assert.equal(shown.password, '***');
  assert.equal(r.password, 'p@ss', 'the stored config is not changed');
  const bad = (extra: Record<string, unknown>, re: RegExp): void =>
    assert.throws(
      () =>
        resolveConfig({
          repositories: [{ key: 'r', rclass: 'remote', url: 'https://x', ...extra }],
        }),
      re,
    );
  bad({ token: 't', password: 'p' }, /both a token and a username\/password/);
  bad({ allowedHosts: ['https://cdn.example.com/path'] }, /allowedHosts entry/);
  bad({ allowedHosts: 'cdn.example.com' }, /must be a list/);
  bad({ firstByteTimeoutMs: 0 }, /more than 0 ms/);
  bad({ retries: 1.5 }, /whole number/);
  bad({ password: 42 }, /must be a string/);
});

test('placeOf: own origin, allow-listed origins and hosts, everything else refused', () => {
  const client = new UpstreamClient();
  const access = client.accessOf({
    key: 'r',
    rclass: 'remote',
    packageType: 'npm',
    url: 'https://registry.example.com/npm/',
    allowedHosts: ['cdn.example.net', '*.files.example.org', 'http://127.0.0.1:9'],
  });
  assert.equal(placeOf('https://registry.example.com/x', access), 'origin');
  assert.equal(placeOf('http://registry.example.com/x', access), 'refused');
  assert.equal(placeOf('https://registry.example.com:8443/x', access), 'refused');
  assert.equal(placeOf('https://cdn.example.net/x', access), 'allowed');
  assert.equal(placeOf('https://a.b.files.example.org/x', access), 'allowed');
  assert.equal(placeOf('https://files.example.org.evil.com/x', access), 'refused');
  assert.equal(placeOf('http://127.0.0.1:9/x', access), 'allowed');
  assert.equal(placeOf('http://127.0.0.1:10/x', access), 'refused');
  assert.equal(placeOf('file:///etc/passwd', access), 'refused');
});

test('a host name that resolves to a loopback address is refused at connect time', async () => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end('internal');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const client = new UpstreamClient({ retries: 0 });
  try {
    const access = client.accessOf({
      key: 'r',
      rclass: 'remote',
      packageType: 'generic',
      url: `http://127.0.0.1:${port}/`,
      // allow-listed by name, but `localhost` resolves to loopback and is not the remote's host
      allowedHosts: [`localhost:${port}`],
    });
    await assert.rejects(
      client.get(`http://localhost:${port}/x`, { access }),
      (e: unknown) =>
        e instanceof HttpError &&
        e.code === 'ERR_UPSTREAM_REFUSED' &&
        /resolves to .*(127\.0\.0\.1|::1)/.test(e.message),
    );
    assert.equal(hits, 0);
    // With allowPrivateAddresses the same host is reached.
    const open = { ...access, allowPrivateAddresses: true };
    const res = await client.get(`http://localhost:${port}/x`, { access: open });
    assert.equal(res.status, 200);
    res.body.resume();
    assert.equal(hits, 1);
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('redirects are followed a bounded number of times, and 5xx retried within the budget', async () => {
  let hits = 0;
  let failing = 0;
  const server = createServer((req, res) => {
    if (req.url === '/flaky') {
      failing++;
      if (failing === 1) return void res.writeHead(503).end('busy');
      return void res.end('ok');
    }
    hits++;
    res.writeHead(302, { location: `/loop/${hits}` }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const client = new UpstreamClient({ retryDelayMs: 1, cooldownMs: 0 });
  try {
    const access = client.accessOf({
      key: 'r',
      rclass: 'remote',
      packageType: 'generic',
      url: base,
      maxRedirects: 3,
      retries: 1,
    });
    await assert.rejects(
      client.get(`${base}/loop/0`, { access }),
      (e: unknown) => e instanceof HttpError && /redirected more than 3 times/.test(e.message),
    );
    assert.equal(hits, 4, 'the first request and three redirects');
    const res = await client.get(`${base}/flaky`, { access });
    assert.equal(res.status, 200);
    res.body.resume();
    assert.equal(failing, 2, 'one 503, then one retry');
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
