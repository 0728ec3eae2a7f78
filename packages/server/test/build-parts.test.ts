/**
 * Builds in progress kept on the server in parts (PUT …/parts/{part}, POST …/publish), the
 * conditional build-info PUT (ETag / If-Match / If-None-Match), and the promotion rules that go
 * with them: an empty build is refused unless allowEmpty, and the approver is recorded. The
 * concurrent cases run against a real listening server with the core client, as two agents or
 * jobs would.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  RepositoryClient,
  formatStarted,
  publishMerged,
  type BuildInfo,
  type Module,
} from '@stowage/core';
import { startServer, type RunningServer } from '../src/server.ts';

/** The server's error body: Artifactory's `errors` list, each with Stowage's code. */
interface Errors {
  errors?: { code?: string; message?: string }[];
}

const started = formatStarted(new Date('2026-11-29T08:00:00Z'));

function module(id: string, file: string): Module {
  const sha = (c: string): string => c.repeat(64);
  return {
    id,
    artifacts: [
      {
        name: file,
        path: `m/${file}`,
        sha256: sha(file.charCodeAt(0).toString(16).slice(-1)),
        sha1: 'a'.repeat(40),
        md5: 'b'.repeat(32),
      },
    ],
  };
}

describe('build parts and conditional publish', () => {
  let dir: string;
  let server: RunningServer;
  let client: RepositoryClient;
  const headers = (): Record<string, string> => ({
    authorization: `Bearer ${server.adminToken}`,
    'content-type': 'application/json',
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-parts-'));
    server = await startServer({ dataDir: dir, port: 0 });
    client = new RepositoryClient({ url: server.url, token: server.adminToken });
  });

  after(async () => {
    await client?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('merges the parts two agents pushed into the build published from a third', async () => {
    await client.putBuildPart('etl', '1', 'agent-a', {
      started,
      modules: [module('etl:a', 'a.csv')],
    });
    await client.putBuildPart('etl', '1', 'agent-b', {
      modules: [module('etl:b', 'b.csv')],
      properties: { 'buildInfo.env.AGENT': 'b' },
    });
    const parts = await client.listBuildParts('etl', '1');
    assert.deepEqual(parts.map((p) => p.part).sort(), ['agent-a', 'agent-b']);

    const r = await client.publishBuildParts('etl', '1', {
      properties: { 'buildInfo.env.X': '1' },
    });
    assert.equal(r.parts, 2);
    assert.deepEqual(r.buildInfo.modules?.map((m) => m.id).sort(), ['etl:a', 'etl:b']);
    assert.equal(r.buildInfo.started, started);
    assert.equal(r.buildInfo.properties?.['buildInfo.env.AGENT'], 'b');

    const stored = await client.getBuild('etl', '1');
    assert.deepEqual(stored.modules?.map((m) => m.id).sort(), ['etl:a', 'etl:b']);
    assert.deepEqual(await client.listBuildParts('etl', '1'), [], 'the parts are consumed');

    // A later part (a job that finished after the publish) merges into the published build.
    await client.putBuildPart('etl', '1', 'agent-c', { modules: [module('etl:c', 'c.csv')] });
    const again = await client.publishBuildParts('etl', '1');
    assert.deepEqual(again.buildInfo.modules?.map((m) => m.id).sort(), ['etl:a', 'etl:b', 'etl:c']);
  });

  it('refuses a publish with nothing at all, and bad part ids and bodies', async () => {
    const empty = await fetch(`${server.url}/api/stowage/v1/builds/none/1/publish`, {
      method: 'POST',
      headers: headers(),
      body: '{}',
    });
    assert.equal(empty.status, 404);
    assert.equal(((await empty.json()) as Errors).errors?.[0]?.code, 'ERR_BUILD_NOT_FOUND');

    const badId = await fetch(`${server.url}/api/stowage/v1/builds/etl/2/parts/a%20b`, {
      method: 'PUT',
      headers: headers(),
      body: '{}',
    });
    assert.equal(badId.status, 400);
    const badBody = await fetch(`${server.url}/api/stowage/v1/builds/etl/2/parts/a`, {
      method: 'PUT',
      headers: headers(),
      body: '{"modules":"not a list"}',
    });
    assert.equal(badBody.status, 400);
    assert.equal(((await badBody.json()) as Errors).errors?.[0]?.code, 'ERR_BUILDINFO_INVALID');
    const anonymous = await fetch(`${server.url}/api/stowage/v1/builds/etl/2/parts/a`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(anonymous.status, 401);
  });

  it('answers an ETag and refuses a PUT whose If-Match is stale (412), or If-None-Match on an existing build', async () => {
    const doc: BuildInfo = { version: '1.0.1', name: 'cas', number: '1', started };
    const first = await fetch(`${server.url}/api/build`, {
      method: 'PUT',
      headers: { ...headers(), 'if-none-match': '*' },
      body: JSON.stringify(doc),
    });
    assert.equal(first.status, 204);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const read = await fetch(`${server.url}/api/build/cas/1`, { headers: headers() });
    assert.equal(read.headers.get('etag'), etag);

    const again = await fetch(`${server.url}/api/build`, {
      method: 'PUT',
      headers: { ...headers(), 'if-none-match': '*' },
      body: JSON.stringify(doc),
    });
    assert.equal(again.status, 412);
    assert.equal(((await again.json()) as Errors).errors?.[0]?.code, 'ERR_BUILD_CHANGED');

    const changed = await fetch(`${server.url}/api/build`, {
      method: 'PUT',
      headers: { ...headers(), 'if-match': etag },
      body: JSON.stringify({ ...doc, modules: [module('cas:x', 'x.bin')] }),
    });
    assert.equal(changed.status, 204);
    const stale = await fetch(`${server.url}/api/build`, {
      method: 'PUT',
      headers: { ...headers(), 'if-match': etag },
      body: JSON.stringify(doc),
    });
    assert.equal(stale.status, 412);
    const kept = await client.getBuild('cas', '1');
    assert.deepEqual(
      kept.modules?.map((m) => m.id),
      ['cas:x'],
      'the stale write changed nothing',
    );
  });

  it('loses nothing when jobs publish parts of one build at the same instant (merged PUTs)', async () => {
    // The GitHub multi-job path: each job GETs, merges and PUTs with If-Match; the loser of a
    // race re-reads and merges again.
    const clients = Array.from(
      { length: 6 },
      () => new RepositoryClient({ url: server.url, token: server.adminToken }),
    );
    try {
      await Promise.all(
        clients.map((c, i) =>
          publishMerged(c, {
            version: '1.0.1',
            name: 'race',
            number: '1',
            started,
            modules: [module(`race:${i}`, `${i}.out`)],
          }),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    const info = await client.getBuild('race', '1');
    assert.deepEqual(info.modules?.map((m) => m.id).sort(), [
      'race:0',
      'race:1',
      'race:2',
      'race:3',
      'race:4',
      'race:5',
    ]);
  });

  it('loses nothing when two agents publish parts of one build at the same instant (server parts)', async () => {
    await client.putBuildPart('race2', '1', 'a', { started, modules: [module('r:a', 'a')] });
    await client.putBuildPart('race2', '1', 'b', { modules: [module('r:b', 'b')] });
    const other = new RepositoryClient({ url: server.url, token: server.adminToken });
    try {
      const [x, y] = await Promise.all([
        client.publishBuildParts('race2', '1', { modules: [module('r:x', 'x')] }),
        other.publishBuildParts('race2', '1', { modules: [module('r:y', 'y')] }),
      ]);
      assert.equal(x.parts + y.parts, 2, 'each part was merged exactly once');
    } finally {
      await other.close();
    }
    const info = await client.getBuild('race2', '1');
    assert.deepEqual(info.modules?.map((m) => m.id).sort(), ['r:a', 'r:b', 'r:x', 'r:y']);
  });

  it('refuses to promote a build with nothing to move unless allowEmpty, and records the approver', async () => {
    await client.publishBuild({ version: '1.0.1', name: 'empty', number: '1', started });
    const refused = await fetch(`${server.url}/api/build/promote/empty/1`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ status: 'qa', targetRepo: 'generic-qa' }),
    });
    assert.equal(refused.status, 409);
    const [error] = ((await refused.json()) as Errors).errors ?? [];
    assert.equal(error?.code, 'ERR_BUILD_EMPTY');
    assert.match(error?.message ?? '', /nothing to promote/);
    assert.equal((await client.getBuild('empty', '1')).statuses, undefined, 'nothing recorded');

    const allowed = await client.promote('empty', '1', {
      status: 'qa',
      targetRepo: 'generic-qa',
      allowEmpty: true,
      ciUser: 'octocat',
      approver: 'release-manager',
    });
    assert.ok(allowed.messages.length > 0);
    const [status] = (await client.getBuild('empty', '1')).statuses ?? [];
    assert.equal(status?.status, 'qa');
    assert.equal(status?.ciUser, 'octocat');
    assert.equal(status?.approver, 'release-manager');
    assert.equal(status?.user, 'admin');
  });
});
