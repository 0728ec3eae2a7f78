/**
 * The storage backends and the OIDC verifier are loaded when a configuration uses them, the HTTP
 * client (undici) when a remote repository is first asked: a server on SQLite and files serving
 * its local repositories never loads `pg`, the AWS SDK, `jose` or undici (tens of MiB resident).
 * Each case starts a server in a child process (lazy-load-child.ts), which reports the packages
 * it loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChildInput, ChildOutput } from './lazy-load-child.ts';
import { SKIP_PG, dropSchema, newSchema, pgUrl } from './pg.ts';
import { SKIP_S3, newBucket, s3Env } from './s3.ts';

const CHILD = fileURLToPath(new URL('./lazy-load-child.ts', import.meta.url));
const S3_SDK = ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@smithy/core'];

async function child(input: ChildInput): Promise<ChildOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify(input)], {
    // Only what the case sets: no STOWAGE_* from the test's own environment.
    env: { PATH: process.env.PATH ?? '' },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as ChildOutput;
}

function without(loaded: string[], packages: string[], when: string): void {
  for (const p of packages) assert.ok(!loaded.includes(p), `${p} is loaded ${when}`);
}

test('SQLite and files: pg, the AWS SDK, jose and undici are not loaded by the start or by local requests', async () => {
  const out = await child({
    requests: [
      { method: 'PUT', url: '/generic-staging/a/b.txt', body: 'hello' },
      { method: 'GET', url: '/generic-staging/a/b.txt' },
      { method: 'GET', url: '/api/system/ping' },
    ],
  });
  assert.deepEqual(out.statuses, [201, 200, 200]);
  // The hook sees what the server loads (else the absences below would prove nothing).
  assert.ok(out.started.includes('fastify'), `fastify not among ${out.started.join(', ')}`);
  without(out.afterRequests, ['pg', 'jose', ...S3_SDK], 'on SQLite and files');
  // The upstream client's undici waits for the first request to a remote repository.
  without(out.afterRequests, ['undici'], 'before a remote repository is asked');
  without(out.afterRequests, ['fast-xml-parser'], 'before Maven metadata or a .nuspec is read');
});

test('an OIDC provider: jose is loaded by the first token exchange, not at start', async () => {
  const out = await child({
    config: {
      oidc: {
        providers: [
          {
            name: 'ci',
            issuer: 'http://127.0.0.1:9/issuer',
            jwksUrl: 'http://127.0.0.1:9/jwks',
            audience: 'stowage',
          },
        ],
        mappings: [{ provider: 'ci', name: 'any', claims: { sub: 'x' }, scopes: ['repo:*:read'] }],
      },
    },
    requests: [
      {
        method: 'POST',
        url: '/access/api/v1/oidc/token',
        contentType: 'application/json',
        body: JSON.stringify({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
          provider_name: 'ci',
          subject_token: 'not-a-jwt',
        }),
      },
    ],
  });
  without(out.started, ['jose'], 'at start');
  assert.deepEqual(out.statuses, [401], 'a malformed ID token is refused');
  assert.ok(out.afterRequests.includes('jose'), 'the exchange loaded jose');
});

test('PostgreSQL metadata loads pg, not the AWS SDK', { skip: SKIP_PG }, async () => {
  const schema = newSchema();
  try {
    const out = await child({
      env: { STOWAGE_METADATA_URL: pgUrl(), STOWAGE_METADATA_SCHEMA: schema },
    });
    assert.ok(out.started.includes('pg'));
    without(out.started, ['jose', ...S3_SDK], 'with PostgreSQL metadata and file blobs');
  } finally {
    await dropSchema(schema);
  }
});

test('S3 blobs load the AWS SDK, not pg', { skip: SKIP_S3 }, async () => {
  const { bucket, drop } = await newBucket();
  try {
    const out = await child({ env: s3Env(bucket) });
    assert.ok(out.started.includes('@aws-sdk/client-s3'));
    without(out.started, ['pg', 'jose'], 'with SQLite metadata and S3 blobs');
  } finally {
    await drop();
  }
});
