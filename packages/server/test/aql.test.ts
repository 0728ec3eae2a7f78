/**
 * The Artifactory dialect's edges: AQL (`POST /api/search/aql`) with the queries JFrog CLI sends
 * for pattern download, search and delete; the `/artifactory/` prefix of a JFrog platform URL;
 * and a clear 404 for an API the server does not implement.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH, deploy, errorCode, makeApp, sums, type TestApp } from './helpers.ts';
import { parseAql } from '../src/internal/aql.ts';

let t: TestApp;

const aql = (query: string, url = '/api/search/aql') =>
  t.app.inject({
    method: 'POST',
    url,
    payload: query,
    headers: { ...AUTH, 'content-type': 'text/plain' },
  });

interface Item {
  repo: string;
  path: string;
  name: string;
  size?: number;
  sha256?: string;
  actual_sha1?: string;
  properties?: { key: string; value: string }[];
}
const names = (res: { json: () => unknown }): string[] =>
  (res.json() as { results: Item[] }).results.map((r) => `${r.repo}/${r.path}/${r.name}`);

before(async () => {
  t = await makeApp({
    repositories: [{ key: 'generic-staging' }, { key: 'libs', rclass: 'local' }],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  });
  for (const [url, body] of [
    ['/libs/a/b/app-1.0.zip;build.name=nightly;build.number=7', 'zip 1.0'],
    ['/libs/a/b/app-1.1.zip;build.name=nightly;build.number=8', 'zip 1.1 longer'],
    ['/libs/a/b/c/deep.zip', 'deep'],
    ['/libs/a/b/readme.txt', 'text'],
    ['/libs/top.zip', 'top'],
    ['/generic-staging/a/b/other.zip', 'other repo'],
  ] as const) {
    assert.equal((await deploy(t.app, url, body)).statusCode, 201);
  }
});
after(async () => t.close());

test('JFrog CLI pattern download a/b/*.zip (recursive): $or of $and with $match, include', async () => {
  const res = await aql(
    'items.find({"repo":"libs","$or":[{"$and":[{"path":{"$match":"a/b"},"name":{"$match":"*.zip"}}]},{"$and":[{"path":{"$match":"a/b/*"},"name":{"$match":"*.zip"}}]}]}).include("name","repo","path","actual_md5","actual_sha1","sha256","size","type","modified","created","property")',
  );
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(names(res).sort(), [
    'libs/a/b/app-1.0.zip',
    'libs/a/b/app-1.1.zip',
    'libs/a/b/c/deep.zip',
  ]);
  const body = res.json() as { results: Item[]; range: Record<string, number> };
  const first = body.results.find((r) => r.name === 'app-1.0.zip');
  assert.equal(first?.sha256, sums('zip 1.0').sha256);
  assert.equal(first?.actual_sha1, sums('zip 1.0').sha1);
  assert.equal(first?.size, 7);
  assert.deepEqual(
    first?.properties
      ?.filter((p) => p.key.startsWith('build.'))
      .sort((x, y) => x.key.localeCompare(y.key)),
    [
      { key: 'build.name', value: 'nightly' },
      { key: 'build.number', value: '7' },
    ],
  );
  assert.deepEqual(body.range, { start_pos: 0, end_pos: 3, total: 3 });
});

test('property criteria, $ne/$gt/$lt, sort, limit and offset', async () => {
  const byBuild = await aql('items.find({"@build.name":"nightly","@build.number":{"$gt":"7"}})');
  assert.deepEqual(names(byBuild), ['libs/a/b/app-1.1.zip']);
  const notTxt = await aql(
    'items.find({"repo":"libs","name":{"$nmatch":"*.txt"},"size":{"$lt":10}}).sort({"$desc":["name"]})',
  );
  assert.deepEqual(names(notTxt), [
    'libs/./top.zip',
    'libs/a/b/c/deep.zip',
    'libs/a/b/app-1.0.zip',
  ]);
  const paged = await aql(
    'items.find({"name":{"$match":"*.zip"}}).include("repo","path","name").sort({"$asc":["repo","path","name"]}).offset(1).limit(2)',
  );
  assert.deepEqual(names(paged), ['libs/./top.zip', 'libs/a/b/app-1.0.zip']);
  assert.deepEqual((paged.json() as { range: unknown }).range, {
    start_pos: 1,
    end_pos: 3,
    total: 2,
    limit: 2,
  });
  const other = await aql('items.find({"$or":[{"repo":"generic-staging"},{"name":"top.zip"}]})');
  assert.deepEqual(names(other).sort(), ['generic-staging/a/b/other.zip', 'libs/./top.zip']);
  const ne = await aql('items.find({"repo":"libs","path":{"$ne":"a/b"},"type":"file"})');
  assert.deepEqual(names(ne).sort(), ['libs/./top.zip', 'libs/a/b/c/deep.zip']);
});

test('bad queries are refused with what to write; nothing is evaluated', async () => {
  for (const q of [
    'builds.find({})',
    'items.find({"repo":"libs"}',
    'items.find({"nosuchfield":"x"})',
    'items.find({"name":{"$regex":".*"}})',
    'items.find({}).delete()',
    'items.find({}).limit(-1)',
    'items.find(process.exit())',
    `items.find(${'{"$and":['.repeat(40)}{}${']}'.repeat(40)})`,
    `items.find({"name":"${'x'.repeat(70_000)}"})`,
  ]) {
    const res = await aql(q);
    assert.equal(res.statusCode, 400, q.slice(0, 60));
    assert.equal(errorCode(res), 'ERR_AQL_INVALID');
  }
  assert.throws(() => parseAql('items.find({"repo":"a"}).sort({"$asc":["nope"]})'), /sort/);
  const anon = await t.app.inject({
    method: 'POST',
    url: '/api/search/aql',
    payload: 'items.find({})',
  });
  assert.equal(anon.statusCode, 401);
});

test('/artifactory/ is an alias of the root (JFrog platform URLs)', async () => {
  const ping = await t.app.inject({ url: '/artifactory/api/system/ping', headers: AUTH });
  assert.equal(ping.statusCode, 200);
  const file = await t.app.inject({ url: '/artifactory/libs/top.zip', headers: AUTH });
  assert.equal(file.body, 'top');
  const put = await deploy(t.app, '/artifactory/libs/via-platform.txt', 'x');
  assert.equal(put.statusCode, 201);
  assert.equal((await t.app.inject({ url: '/libs/via-platform.txt', headers: AUTH })).body, 'x');
  const q = await aql('items.find({"name":"top.zip"})', '/artifactory/api/search/aql');
  assert.deepEqual(names(q), ['libs/./top.zip']);
});

test('an unknown /api/ call is a 404 that names the API, not a missing repository', async () => {
  for (const [method, url] of [
    ['GET', '/api/nosuch/thing'],
    ['PUT', '/api/v1/whatever'],
    ['DELETE', '/api/security/ldapGroups/x'],
    ['POST', '/api/search/artifact'],
    ['GET', '/artifactory/api/plugins'],
  ] as const) {
    const res = await t.app.inject({
      method,
      url,
      headers: AUTH,
      payload: method === 'GET' || method === 'DELETE' ? undefined : '{}',
    });
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    assert.equal(errorCode(res), 'ERR_API_UNKNOWN', `${method} ${url}`);
    assert.match(res.body, /unknown API/);
    assert.doesNotMatch(res.body, /repository "api"/);
  }
});
