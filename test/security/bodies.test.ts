/**
 * Request body limits against a real server process: every route family has its own limit
 * (limits.buildInfoBytes, limits.jsonBytes, limits.npmPublishBytes), JSON is refused past
 * limits.jsonDepth before it is parsed, and the answers name the limit and the config key. The
 * server's peak RSS growth (VmHWM) is printed for each large body.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALL_FORMATS_CONFIG,
  auth,
  curlSend,
  errorCode,
  errorMessage,
  send,
  spawnServer,
  tempDir,
  type ServerProcess,
} from './process.ts';

let dir: string;
let server: ServerProcess;
let small: ServerProcess;

before(async () => {
  dir = await tempDir('bodies');
  server = await spawnServer(join(dir, 'data'));
  small = await spawnServer(join(dir, 'small'), {
    ...ALL_FORMATS_CONFIG,
    limits: { buildInfoBytes: '1MiB', npmPublishBytes: '2MiB', jsonDepth: 16 },
  });
});

after(async () => {
  await server.kill('SIGTERM');
  await small.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

const MiB = 2 ** 20;

/** A valid build-info of about `bytes` bytes (many artifacts). */
function buildInfo(name: string, bytes: number): Buffer {
  const artifacts: unknown[] = [];
  const one = {
    type: 'csv',
    sha1: 'a'.repeat(40),
    sha256: 'b'.repeat(64),
    md5: 'c'.repeat(32),
    name: 'x'.repeat(60),
  };
  const per = JSON.stringify(one).length + 1;
  for (let i = 0; i < bytes / per; i++)
    artifacts.push({ ...one, name: `report-${i}-${'x'.repeat(50)}.csv` });
  return Buffer.from(
    JSON.stringify({
      version: '1.0.1',
      name,
      number: '1',
      started: '2026-11-29T10:00:00.000+0000',
      modules: [{ id: 'big', artifacts }],
    }),
  );
}

async function measure<T>(
  s: ServerProcess,
  work: () => Promise<T>,
): Promise<{ result: T; growthMiB: number }> {
  const before = await s.peakRss();
  const result = await work();
  const growthMiB = Math.round(((await s.peakRss()) - before) / MiB);
  return { result, growthMiB };
}

test('a 50 MB build-info is refused with 413 naming limits.buildInfoBytes, without growing the server', async (t) => {
  const doc = buildInfo('huge', 50 * MiB);
  const json = { ...auth(server.token), 'content-type': 'application/json' };
  const declared = await measure(server, () =>
    curlSend(`${server.url}/api/build`, { method: 'PUT', headers: json, body: doc, length: true }),
  );
  t.diagnostic(
    `50 MB build-info with Content-Length: ${declared.result.status}, peak RSS +${declared.growthMiB} MiB`,
  );
  assert.equal(declared.result.status, 413);
  assert.equal(errorCode(declared.result), 'ERR_BODY_TOO_LARGE');
  assert.match(
    errorMessage(declared.result),
    /larger than 16 MiB, the most PUT \/api\/build accepts \(limits\.buildInfoBytes\)/,
  );

  const streamed = await measure(server, () =>
    curlSend(`${server.url}/api/build`, { method: 'PUT', headers: json, body: doc }),
  );
  t.diagnostic(
    `50 MB build-info sent chunked: ${streamed.result.status}, peak RSS +${streamed.growthMiB} MiB`,
  );
  assert.equal(streamed.result.status, 413);
  assert.equal(errorCode(streamed.result), 'ERR_BODY_TOO_LARGE');
  // Before the limits a 50 MB build-info grew the server by about 1.2 GB; now it is cut at 16 MiB.
  assert.ok(
    declared.growthMiB + streamed.growthMiB < 200,
    `peak RSS grew ${declared.growthMiB + streamed.growthMiB} MiB`,
  );
  const none = await send(`${server.url}/api/build/huge`, { headers: auth(server.token) });
  assert.equal(none.status, 404);
});

test('a 12 MB build-info under the limit is stored', async (t) => {
  const doc = buildInfo('large', 12 * MiB);
  const { result, growthMiB } = await measure(server, () =>
    send(`${server.url}/api/build`, {
      method: 'PUT',
      headers: { ...auth(server.token), 'content-type': 'application/json' },
      body: doc,
    }),
  );
  t.diagnostic(`12 MB build-info: ${result.status}, peak RSS +${growthMiB} MiB`);
  assert.equal(result.status, 204, result.text());
  const back = await send(`${server.url}/api/build/large/1`, { headers: auth(server.token) });
  assert.equal(back.status, 200);
  const modules = (back.json() as { buildInfo: { modules: { artifacts: unknown[] }[] } }).buildInfo
    .modules;
  assert.equal(
    modules[0]?.artifacts.length,
    (JSON.parse(doc.toString()) as { modules: { artifacts: unknown[] }[] }).modules[0]?.artifacts
      .length,
  );
});

test('JSON nested past limits.jsonDepth is refused before parsing, on every JSON route', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const deepObject = `{"name":"d","number":"1","x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
  const headers = { ...auth(server.token), 'content-type': 'application/json' };
  for (const [method, path, body] of [
    ['PUT', '/api/build', deep],
    ['PUT', '/api/build', deepObject],
    ['POST', '/api/build/promote/x/1', deep],
    ['PUT', '/api/repositories/deep', deep],
    ['POST', '/api/stowage/v1/tokens', deep],
    ['PUT', '/api/npm/npm-local/deep', deep],
  ] as const) {
    const r = await send(`${server.url}${path}`, { method, headers, body });
    assert.equal(r.status, 400, `${method} ${path}: ${r.text()}`);
    assert.equal(errorCode(r), 'ERR_BODY_INVALID');
    assert.match(errorMessage(r), /deeper than 64 levels \(limits\.jsonDepth\)/);
  }
  // A string full of brackets is not nesting.
  const ok = await send(`${server.url}/api/repositories/brackets`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({
      key: 'brackets',
      rclass: 'local',
      packageType: 'generic',
      description: '['.repeat(1000),
    }),
  });
  assert.equal(ok.status, 201, ok.text());
});

test('small JSON routes take limits.jsonBytes (1 MiB)', async () => {
  const big = JSON.stringify({
    key: 'big',
    rclass: 'local',
    packageType: 'generic',
    description: 'x'.repeat(2 * MiB),
  });
  for (const [method, path] of [
    ['PUT', '/api/repositories/big'],
    ['POST', '/api/build/promote/x/1'],
    ['POST', '/api/stowage/v1/tokens'],
    ['POST', '/api/build/retention/x'],
  ] as const) {
    const r = await curlSend(`${server.url}${path}`, {
      method,
      headers: { ...auth(server.token), 'content-type': 'application/json' },
      body: Buffer.from(big),
    });
    assert.equal(r.status, 413, `${method} ${path}: ${r.text()}`);
    assert.equal(errorCode(r), 'ERR_BODY_TOO_LARGE');
    assert.match(
      errorMessage(r),
      /larger than 1 MiB.*\(limits\.jsonBytes\).*raise limits\.jsonBytes/,
    );
  }
});

/** An npm publish body with a tarball of `size` random bytes. */
function publishBody(name: string, version: string, size: number): Buffer {
  const tgz = randomBytes(size);
  const file = `${name}-${version}.tgz`;
  return Buffer.from(
    JSON.stringify({
      _id: name,
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          name,
          version,
          dist: {
            shasum: createHash('sha1').update(tgz).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
            tarball: `http://localhost/${name}/-/${file}`,
          },
        },
      },
      _attachments: {
        [file]: {
          content_type: 'application/octet-stream',
          data: tgz.toString('base64'),
          length: tgz.length,
        },
      },
    }),
  );
}

test('npm publish takes limits.npmPublishBytes; a 48 MB tarball is published and the RSS growth is printed', async (t) => {
  const body = publishBody('big-pkg', '1.0.0', 48 * MiB);
  // A server of its own, so the peak RSS measured is this publish's.
  const fresh = await spawnServer(join(dir, 'npm'));
  t.after(() => fresh.kill('SIGTERM'));
  const { result, growthMiB } = await measure(fresh, () =>
    send(`${fresh.url}/api/npm/npm-local/big-pkg`, {
      method: 'PUT',
      headers: { ...auth(fresh.token), 'content-type': 'application/json' },
      body,
    }),
  );
  t.diagnostic(
    `npm publish of a 48 MiB tarball (${Math.round(body.length / MiB)} MiB body): ${result.status}, peak RSS +${growthMiB} MiB`,
  );
  assert.equal(result.status, 201, result.text());
  const tgz = await send(`${fresh.url}/api/npm/npm-local/big-pkg/-/big-pkg-1.0.0.tgz`, {
    headers: auth(fresh.token),
  });
  assert.equal(tgz.status, 200);
  assert.equal(tgz.body.length, 48 * MiB);
});

test('configured limits apply: limits.buildInfoBytes 1MiB, npmPublishBytes 2MiB, jsonDepth 16', async () => {
  const json = { ...auth(small.token), 'content-type': 'application/json' };
  const bi = await curlSend(`${small.url}/api/build`, {
    method: 'PUT',
    headers: json,
    body: buildInfo('b', 1.5 * MiB),
  });
  assert.equal(bi.status, 413);
  assert.match(
    errorMessage(bi),
    /larger than 1 MiB, the most PUT \/api\/build accepts \(limits\.buildInfoBytes\)/,
  );
  const fits = await send(`${small.url}/api/build`, {
    method: 'PUT',
    headers: json,
    body: buildInfo('b', 0.5 * MiB),
  });
  assert.equal(fits.status, 204, fits.text());

  const npm = await curlSend(`${small.url}/api/npm/npm-local/p`, {
    method: 'PUT',
    headers: json,
    body: publishBody('p', '1.0.0', 3 * MiB),
  });
  assert.equal(npm.status, 413);
  assert.match(
    errorMessage(npm),
    /larger than 2 MiB, the most PUT \/api\/npm\/:repo\/\* accepts \(limits\.npmPublishBytes\)/,
  );

  const deep = await send(`${small.url}/api/build`, {
    method: 'PUT',
    headers: json,
    body: '['.repeat(17) + ']'.repeat(17),
  });
  assert.equal(deep.status, 400);
  assert.match(errorMessage(deep), /deeper than 16 levels/);
});
