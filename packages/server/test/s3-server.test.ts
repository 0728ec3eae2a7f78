/**
 * The server on the S3 blob store (SQLite metadata): storage.blobs type s3 from the config
 * file's keys and the environment's credentials, downloads redirected to presigned URLs where a
 * repository asks for it (streamed otherwise, and for ranges), and a clear start-up error for a
 * bucket that is not there. Needs STOWAGE_TEST_S3_* (`.ci/services.sh start`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, startServer, type RunningServer } from '../src/server.ts';
import { SKIP_S3, newBucket, s3Env } from './s3.ts';

describe('the server on S3', { skip: SKIP_S3 }, () => {
  let work: string;
  let bucket: { bucket: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let server: RunningServer;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${server.adminToken}` });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stowage-s3-server-'));
    bucket = await newBucket();
    env = s3Env(bucket.bucket);
    server = await startServer({
      dataDir: join(work, 'data'),
      port: 0,
      config: {
        storage: {
          blobs: {
            type: 's3',
            bucket: bucket.bucket,
            endpoint: env.STOWAGE_S3_ENDPOINT,
            region: env.STOWAGE_S3_REGION,
            forcePathStyle: true,
            prefix: 'stowage/',
          },
        },
        repositories: [
          { key: 'direct', rclass: 'local', packageType: 'generic', downloadRedirect: true },
          { key: 'streamed', rclass: 'local', packageType: 'generic' },
        ],
        stages: [{ name: 'staged', repo: 'streamed' }],
      },
      // Only the credentials: the rest comes from the config above.
      env: {
        AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID ?? '',
        AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    });
  });

  after(async () => {
    await server?.close();
    await bucket?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('downloadRedirect answers with a presigned URL that serves the file as an attachment', async () => {
    const data = randomBytes(300_000);
    for (const repo of ['direct', 'streamed']) {
      const put = await fetch(`${server.url}/${repo}/dir/report.html`, {
        method: 'PUT',
        body: data,
        headers: auth(),
      });
      assert.equal(put.status, 201);
    }
    const res = await fetch(`${server.url}/direct/dir/report.html`, {
      headers: auth(),
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const location = String(res.headers.get('location'));
    assert.ok(location.startsWith(`${env.STOWAGE_S3_ENDPOINT}/${bucket.bucket}/stowage/sha256/`));
    assert.match(location, /X-Amz-Signature=[0-9a-f]{64}/);
    const direct = await fetch(location);
    assert.equal(direct.status, 200);
    assert.match(
      String(direct.headers.get('content-disposition')),
      /^attachment; filename\*=UTF-8''report\.html/,
    );
    assert.ok(Buffer.from(await direct.arrayBuffer()).equals(data));
    // A signature that does not match is refused by the object store.
    // (Its first hex digit changed: to 0, or to 1 when it was 0 — one signature in 16 starts so.)
    const forged = await fetch(
      location.replace(
        /X-Amz-Signature=([0-9a-f])/,
        (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
      ),
    );
    assert.equal(forged.status, 403);
    // Ranges stream through the server; a repository without the flag always streams.
    const part = await fetch(`${server.url}/direct/dir/report.html`, {
      headers: { ...auth(), range: 'bytes=10-19' },
      redirect: 'manual',
    });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(data.subarray(10, 20)));
    const streamed = await fetch(`${server.url}/streamed/dir/report.html`, {
      headers: auth(),
      redirect: 'manual',
    });
    assert.equal(streamed.status, 200);
    assert.ok(Buffer.from(await streamed.arrayBuffer()).equals(data));
  });

  test('a bucket that is not there stops the start with what to do', async () => {
    await assert.rejects(
      startServer({
        dataDir: join(work, 'other'),
        port: 0,
        env: { ...env, STOWAGE_S3_BUCKET: `${bucket.bucket}-missing` },
      }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.match(
          err.message,
          /bucket ".*-missing" is not usable: it does not exist; create it first/,
        );
        return true;
      },
    );
  });
});
