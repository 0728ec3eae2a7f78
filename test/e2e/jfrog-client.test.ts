/**
 * JFrog's own JavaScript client (jfrog-client-js) configured with a platform URL, as JFrog
 * tools are: every call goes to `{platform}/artifactory/api/…` or `{platform}/artifactory/{repo}/…`,
 * which Stowage answers as its root. Ping, version, download (to a string, a file, checksums)
 * and an AQL search.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { JfrogClient } from 'jfrog-client-js';
import type { RunningServer } from '@stowage/server';
import { startServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

let work: string;
let server: RunningServer;
let client: JfrogClient;
const CONTENT = 'report,rows\nnightly,42\n';

before(async () => {
  work = await tempDir('jfrog-client-e2e');
  server = await startServer({
    dataDir: join(work, 'data'),
    host: '127.0.0.1',
    port: 0,
    config: {
      repositories: [{ key: 'generic-staging' }, { key: 'libs', rclass: 'local' }],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
  });
  const put = await fetch(
    `${server.url}/libs/reports/2026/out.csv;build.name=nightly;build.number=3`,
    {
      method: 'PUT',
      body: CONTENT,
      headers: { authorization: `Bearer ${server.adminToken}` },
    },
  );
  assert.equal(put.status, 201);
  client = new JfrogClient({
    platformUrl: `${server.url}/`,
    accessToken: server.adminToken,
    retries: 0,
    timeout: 10_000,
  });
});

after(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('ping and version through /artifactory/api/system', async () => {
  // ping() answers the body (Artifactory's `OK`), or false when the call failed.
  assert.equal(String(await client.artifactory().system().ping()), 'OK');
  const v = await client.artifactory().system().version();
  assert.match(v.version, /\d+\.\d+/);
});

test('download an artifact as a string, to a file, and its checksums', async () => {
  const dl = client.artifactory().download();
  assert.equal(await dl.downloadArtifact('libs/reports/2026/out.csv'), CONTENT);
  const to = join(work, 'out.csv');
  await dl.downloadArtifactToFile('libs/reports/2026/out.csv', to);
  assert.equal(await readFile(to, 'utf8'), CONTENT);
  const sums = await dl.getArtifactChecksum('libs/reports/2026/out.csv');
  assert.equal(sums.sha256, createHash('sha256').update(CONTENT).digest('hex'));
  assert.equal(sums.sha1, createHash('sha1').update(CONTENT).digest('hex'));
});

test('AQL search finds the artifact by path pattern and build property', async () => {
  const res = await client
    .artifactory()
    .search()
    .aqlSearch(
      'items.find({"repo":"libs","path":{"$match":"reports/*"},"@build.number":"3"}).include("name","repo","path","sha256")',
    );
  assert.deepEqual(
    res.results.map((r) => `${r.repo}/${r.path}/${r.name}`),
    ['libs/reports/2026/out.csv'],
  );
});
