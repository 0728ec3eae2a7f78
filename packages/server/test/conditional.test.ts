/**
 * Conditional requests, answered once for every route by the onSend hook (`answerNotModified`):
 * any GET/HEAD answer with an ETag or Last-Modified turns into 304 (no body) for a matching
 * If-None-Match or a later If-Modified-Since — stored files and the metadata formats compute.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, deploy, makeApp, type TestApp } from './helpers.ts';

let t: TestApp;

before(async () => {
  t = await makeApp({
    repositories: [
      { key: 'generic-staging' },
      { key: 'mvn', packageType: 'maven' },
      { key: 'py', packageType: 'pypi' },
      { key: 'r', packageType: 'cran' },
      { key: 'c', packageType: 'conda' },
    ],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  });
  assert.equal((await deploy(t.app, '/generic-staging/a/file.txt', 'hello')).statusCode, 201);
  const pom =
    '<project><modelVersion>4.0.0</modelVersion><groupId>org.ex</groupId><artifactId>lib</artifactId><version>1.0</version></project>';
  assert.equal((await deploy(t.app, '/mvn/org/ex/lib/1.0/lib-1.0.pom', pom)).statusCode, 201);
});
after(async () => t.close());

const URLS = [
  '/generic-staging/a/file.txt',
  '/mvn/org/ex/lib/maven-metadata.xml',
  '/api/pypi/py/simple/',
  '/api/cran/r/src/contrib/PACKAGES',
  '/api/conda/c/noarch/repodata.json',
];

test('If-None-Match with the ETag answers 304 without a body, on files and metadata', async () => {
  for (const url of URLS) {
    const first = await t.app.inject({ url, headers: AUTH });
    assert.equal(first.statusCode, 200, `${url}: ${first.body}`);
    const etag = first.headers.etag;
    assert.equal(typeof etag, 'string', `${url} has an ETag`);
    for (const inm of [String(etag), `W/${String(etag)}`, `"other", ${String(etag)}`, '*']) {
      const again = await t.app.inject({ url, headers: { ...AUTH, 'if-none-match': inm } });
      assert.equal(again.statusCode, 304, `${url} with If-None-Match ${inm}`);
      assert.equal(again.rawPayload.length, 0);
    }
    const changed = await t.app.inject({ url, headers: { ...AUTH, 'if-none-match': '"nope"' } });
    assert.equal(changed.statusCode, 200, `${url}: another ETag gets the body`);
    assert.deepEqual(changed.rawPayload, first.rawPayload);
  }
});

test('If-Modified-Since answers 304 when the file is not newer; HEAD too', async () => {
  const url = '/generic-staging/a/file.txt';
  const first = await t.app.inject({ url, headers: AUTH });
  const lm = String(first.headers['last-modified']);
  const since = await t.app.inject({ url, headers: { ...AUTH, 'if-modified-since': lm } });
  assert.equal(since.statusCode, 304);
  const older = new Date(Date.parse(lm) - 86_400_000).toUTCString();
  const stale = await t.app.inject({ url, headers: { ...AUTH, 'if-modified-since': older } });
  assert.equal(stale.statusCode, 200);
  assert.equal(stale.body, 'hello');
  const head = await t.app.inject({
    method: 'HEAD',
    url,
    headers: { ...AUTH, 'if-none-match': String(first.headers.etag) },
  });
  assert.equal(head.statusCode, 304);
  // If-None-Match decides when both are sent (RFC 9110 §13.2.2).
  const both = await t.app.inject({
    url,
    headers: { ...AUTH, 'if-none-match': '"nope"', 'if-modified-since': lm },
  });
  assert.equal(both.statusCode, 200);
});
