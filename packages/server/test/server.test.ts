import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../src/server.ts';

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(50);
  }
  assert.fail(`gave up waiting for ${what}`);
}

/** Sends a PUT that promises `declared` bytes, writes `sent` of them, and drops the connection. */
async function cutUpload(
  port: number,
  token: string,
  path: string,
  declared: number | 'chunked',
  sent: number,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      const lengthHeader =
        declared === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`;
      sock.write(
        `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n${lengthHeader}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(sent, 0x61);
      sock.write(
        declared === 'chunked'
          ? Buffer.concat([Buffer.from(`${sent.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
          : chunk,
        () => {
          setTimeout(() => {
            sock.destroy();
            resolve();
          }, 100);
        },
      );
    });
    sock.on('error', reject);
  });
}

test('the admin token is created once, mode 0600, and kept across restarts', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-start-'));
  try {
    const first = await startServer({ dataDir, port: 0 });
    assert.equal(first.adminTokenCreated, true);
    assert.match(first.adminToken, /^stw_/);
    assert.equal((await stat(first.adminTokenFile)).mode & 0o777, 0o600);
    await first.close();
    const second = await startServer({ dataDir, port: 0 });
    assert.equal(second.adminTokenCreated, false);
    assert.equal(second.adminToken, first.adminToken);
    await second.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a client that disconnects halfway leaves no visible file and no temp file', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-cut-'));
  try {
    let s = await startServer({ dataDir, port: 0 });
    const tmp = join(dataDir, 'tmp');
    await cutUpload(
      s.port,
      s.adminToken,
      '/generic-staging/cut/big.bin',
      8 * 1024 * 1024,
      1024 * 1024,
    );
    await cutUpload(
      s.port,
      s.adminToken,
      '/generic-staging/cut/chunked.bin',
      'chunked',
      256 * 1024,
    );
    // A small body (read into memory, not streamed to a temporary file) cut off likewise.
    await cutUpload(s.port, s.adminToken, '/generic-staging/cut/small.bin', 40 * 1024, 10 * 1024);
    await waitFor(
      async () => (await readdir(tmp)).length === 0,
      'the temp files of cut uploads to go',
    );
    for (const name of ['big.bin', 'chunked.bin', 'small.bin']) {
      const res = await fetch(`${s.url}/generic-staging/cut/${name}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${s.adminToken}` },
      });
      assert.equal(res.status, 404, name);
    }
    // A crash mid-upload leaves a temp file behind; the next start removes it once it is older
    // than the cut-off (a younger one may be another replica's upload in progress).
    await writeFile(join(tmp, 'crashed-upload.part'), 'partial');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(tmp, 'crashed-upload.part'), old, old);
    await writeFile(join(tmp, 'in-progress.part'), 'partial');
    await s.close();
    s = await startServer({ dataDir, port: 0 });
    assert.equal(s.cleanedTempFiles, 1);
    assert.deepEqual(await readdir(tmp), ['in-progress.part']);
    await rm(join(tmp, 'in-progress.part'));
    // The server still works after all that.
    const put = await fetch(`${s.url}/generic-staging/cut/ok.txt`, {
      method: 'PUT',
      body: 'fine',
      headers: { authorization: `Bearer ${s.adminToken}` },
    });
    assert.equal(put.status, 201);
    await s.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a config file is read at start', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-cfg-'));
  try {
    const configFile = join(dataDir, 'stowage.yml');
    await writeFile(
      configFile,
      'auth:\n  anonymousRead: true\nrepositories:\n  - key: nightly\nstages:\n  - { name: staged, repo: nightly }\n',
    );
    const s = await startServer({ dataDir, port: 0, configFile });
    const repos = (await (await fetch(`${s.url}/api/repositories`)).json()) as { key: string }[];
    assert.deepEqual(
      repos.map((r) => r.key),
      ['nightly'],
    );
    await s.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('an admin token from STOWAGE_ADMIN_TOKEN or --admin-token-file is the one every replica accepts', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-admin-'));
  try {
    const token = 'stw_shared_admin_token_for_replicas';
    const s = await startServer({ dataDir, port: 0, env: { STOWAGE_ADMIN_TOKEN: token } });
    try {
      assert.equal(s.adminToken, token);
      assert.equal(s.adminTokenCreated, false);
      assert.equal(s.adminTokenFile, 'env:STOWAGE_ADMIN_TOKEN');
      const res = await fetch(`${s.url}/api/repositories/generic-staging`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      // None was written to the data directory.
      assert.deepEqual(
        (await readdir(dataDir)).filter((n) => n === 'admin.token'),
        [],
      );
    } finally {
      await s.close();
    }
    const file = join(dataDir, 'from-secret');
    await writeFile(file, `${token}-file\n`);
    const f = await startServer({ dataDir, port: 0, adminTokenFile: file });
    assert.equal(f.adminToken, `${token}-file`);
    assert.equal(f.adminTokenFile, file);
    await f.close();
    await writeFile(file, 'short\n');
    await assert.rejects(
      startServer({ dataDir, port: 0, adminTokenFile: file }),
      (err: Error) => err.name === 'ConfigError' && /at least 16 characters/.test(err.message),
    );
    await assert.rejects(
      startServer({ dataDir, port: 0, adminTokenFile: join(dataDir, 'missing') }),
      /cannot read the admin token file/,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('storage the server cannot use is refused at start with what to do', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-storage-'));
  try {
    await assert.rejects(
      startServer({
        dataDir,
        port: 0,
        env: { STOWAGE_BLOBS_TYPE: 's3', STOWAGE_S3_BUCKET: 'stowage' },
      }),
      (err: Error) =>
        err.name === 'ConfigError' &&
        /S3 bucket "stowage" is not usable: no credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/.test(
          err.message,
        ),
    );
    // Nothing listens on port 1: the bucket is named with the cause.
    await assert.rejects(
      startServer({
        dataDir,
        port: 0,
        env: {
          STOWAGE_BLOBS_TYPE: 's3',
          STOWAGE_S3_BUCKET: 'stowage',
          STOWAGE_S3_ENDPOINT: 'http://127.0.0.1:1',
          STOWAGE_S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: 'id',
          AWS_SECRET_ACCESS_KEY: 'secret',
        },
      }),
      (err: Error) =>
        err.name === 'ConfigError' &&
        /S3 bucket "stowage" is not usable: .*ECONNREFUSED/.test(err.message),
    );
    // Nothing listens on port 1: the message names the store (without a password) and the cause.
    await assert.rejects(
      startServer({
        dataDir,
        port: 0,
        env: { STOWAGE_METADATA_URL: 'postgres://stowage@127.0.0.1:1/stowage' },
      }),
      (err: Error) =>
        err.name === 'MetaStoreError' &&
        /cannot open the PostgreSQL metadata store at postgres:\/\/stowage@127\.0\.0\.1:1\/stowage/.test(
          err.message,
        ),
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
