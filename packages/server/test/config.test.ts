import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadConfigFile,
  resolveConfig,
  storageFromEnv,
  ConfigError,
  DEFAULT_CONFIG,
  FsBlobStore,
  openBlobStore,
} from '../src/server.ts';
import { packsSmallBlobs } from '../src/config.ts';

test('no config means the default repositories and stages', () => {
  assert.deepEqual(resolveConfig(undefined), DEFAULT_CONFIG);
});

test('a YAML config file defines repositories, stages, auth and retention', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-config-'));
  try {
    const file = join(dir, 'stowage.yml');
    await writeFile(
      file,
      `auth:\n  anonymousRead: true\nrepositories:\n  - key: etl-dev\n    rclass: local\n  - key: etl-prod\nstages:\n  - { name: dev, repo: etl-dev }\n  - { name: prod, repo: etl-prod }\nretention:\n  maxBuilds: 30\n  maxDays: 90\n  deleteArtifacts: true\n`,
    );
    const cfg = await loadConfigFile(file);
    assert.equal(cfg.auth.anonymousRead, true);
    assert.deepEqual(
      cfg.repositories.map((r) => r.key),
      ['etl-dev', 'etl-prod'],
    );
    assert.deepEqual(cfg.stages, [
      { name: 'dev', repo: 'etl-dev' },
      { name: 'prod', repo: 'etl-prod' },
    ]);
    assert.deepEqual(cfg.retention, { maxBuilds: 30, maxDays: 90, deleteArtifacts: true });
    const jsonFile = join(dir, 'stowage.json');
    await writeFile(jsonFile, JSON.stringify({ auth: { anonymousRead: false } }));
    assert.equal((await loadConfigFile(jsonFile)).auth.anonymousRead, false);
    await writeFile(file, 'repositories: [');
    await assert.rejects(loadConfigFile(file), /not valid YAML/);
    await assert.rejects(loadConfigFile(join(dir, 'missing.yml')), /cannot read config file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('config mistakes name the fix', () => {
  const bad = (doc: unknown, re: RegExp): void =>
    assert.throws(
      () => resolveConfig(doc),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  bad({ repositories: [{ key: 'has space' }] }, /letters, digits/);
  bad({ repositories: [{ key: 'ui' }] }, /reserved/);
  bad({ stages: [{ name: 'qa', repo: 'nowhere' }] }, /does not define/);
  bad({ auth: { anonymousRead: 'yes' } }, /true or false/);
  bad({ retention: { maxBuilds: -1 } }, /positive/);
  bad({ repositories: [{ key: 'x', packageType: 'cobol' }] }, /not supported yet/);
});

test('GC timing and the repository integrity flags are validated', () => {
  assert.deepEqual(DEFAULT_CONFIG.gc, { graceSec: 600, intervalSec: 3600 });
  const cfg = resolveConfig({
    gc: { graceSec: 0 },
    repositories: [
      { key: 'mvn', packageType: 'maven', allowRedeploy: true },
      { key: 'reports', serveActiveContentInline: true },
      { key: 'plain', allowRedeploy: false },
    ],
    stages: [{ name: 'staged', repo: 'reports' }],
  });
  assert.deepEqual(cfg.gc, { graceSec: 0, intervalSec: 3600 });
  assert.equal(cfg.repositories[0]?.allowRedeploy, true);
  assert.equal(cfg.repositories[1]?.serveActiveContentInline, true);
  assert.equal(cfg.repositories[2]?.allowRedeploy, undefined, 'false is the default, not stored');
  const bad = (doc: unknown, re: RegExp): void =>
    assert.throws(
      () => resolveConfig(doc),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  bad({ gc: { graceSec: -1 } }, /gc\.graceSec must be a number of seconds >= 0/);
  bad({ gc: { intervalSec: 'hourly' } }, /gc\.intervalSec/);
  bad({ gc: 5 }, /gc must be a mapping/);
  bad(
    { repositories: [{ key: 'x', allowRedeploy: 'yes' }] },
    /allowRedeploy of "x" must be true or false/,
  );
});

test('storage: SQLite and the file system by default; PostgreSQL and S3 from the file or the environment', async () => {
  assert.deepEqual(resolveConfig({}).storage, {
    metadata: { type: 'sqlite' },
    blobs: { type: 'fs' },
  });
  const dir = await mkdtemp(join(tmpdir(), 'stowage-config-'));
  try {
    const file = join(dir, 'stowage.yml');
    await writeFile(
      file,
      `storage:\n  metadata: { type: postgres, url: "postgres://stowage@db:5432/stowage", poolSize: 5 }\n  blobs: { type: s3, endpoint: "http://127.0.0.1:9000", bucket: stowage, region: us-east-1, forcePathStyle: true, prefix: blobs/ }\n`,
    );
    const cfg = await loadConfigFile(file);
    assert.deepEqual(cfg.storage, {
      metadata: { type: 'postgres', url: 'postgres://stowage@db:5432/stowage', poolSize: 5 },
      blobs: {
        type: 's3',
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'stowage',
        region: 'us-east-1',
        forcePathStyle: true,
        prefix: 'blobs/',
      },
    });
    // The environment wins over the file, as container deployments expect.
    const env = storageFromEnv(cfg.storage, {
      STOWAGE_METADATA_URL: 'postgres://other@db2/stowage',
      STOWAGE_METADATA_SCHEMA: 'tenant_a',
      STOWAGE_BLOBS_TYPE: 'fs',
    });
    assert.deepEqual(env, {
      metadata: {
        type: 'postgres',
        url: 'postgres://other@db2/stowage',
        schema: 'tenant_a',
        poolSize: 5,
      },
      blobs: { type: 'fs' },
    });
    assert.deepEqual(
      storageFromEnv(resolveConfig({}).storage, {
        STOWAGE_BLOBS_TYPE: 's3',
        STOWAGE_S3_BUCKET: 'b-1',
        STOWAGE_S3_FORCE_PATH_STYLE: 'true',
      }).blobs,
      { type: 's3', bucket: 'b-1', forcePathStyle: true },
    );
    // Large uploads past the page cache can be turned off (file or environment).
    assert.deepEqual(
      resolveConfig({ storage: { blobs: { type: 'fs', directWrites: false } } }).storage.blobs,
      {
        type: 'fs',
        directWrites: false,
      },
    );
    assert.deepEqual(
      storageFromEnv(resolveConfig({}).storage, { STOWAGE_BLOBS_DIRECT_WRITES: 'false' }).blobs,
      { type: 'fs', directWrites: false },
    );
    const blobs = await openBlobStore(
      resolveConfig({ storage: { blobs: { directWrites: false } } }).storage,
      dir,
    );
    assert.equal((blobs as FsBlobStore).directWrites, false);
    (blobs as FsBlobStore).close();
    const defaults = (await openBlobStore(resolveConfig({}).storage, dir)) as FsBlobStore;
    assert.equal(defaults.directWrites, true);
    // Small blobs go into blobs/pack.db by default with SQLite metadata (one process owns the
    // directory), never by default with PostgreSQL (replicas may share it); file or environment.
    assert.equal(defaults.packSmall, true);
    defaults.close();
    assert.equal(packsSmallBlobs(resolveConfig({}).storage), true);
    const pg = { metadata: { type: 'postgres', url: 'postgres://db/x' } };
    assert.equal(packsSmallBlobs(resolveConfig({ storage: pg }).storage), false);
    assert.equal(
      packsSmallBlobs(resolveConfig({ storage: { blobs: { packSmall: false } } }).storage),
      false,
    );
    const off = storageFromEnv(resolveConfig({}).storage, { STOWAGE_BLOBS_PACK_SMALL: '0' });
    assert.deepEqual(off.blobs, { type: 'fs', packSmall: false });
    const unpacked = (await openBlobStore(off, dir)) as FsBlobStore;
    assert.equal(unpacked.packSmall, false);
    unpacked.close();
    assert.equal(
      packsSmallBlobs(
        resolveConfig({ storage: { blobs: { type: 's3', bucket: 'ok-bucket' } } }).storage,
      ),
      false,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('storage mistakes name the fix; credentials never come from the file', () => {
  const bad: [unknown, RegExp][] = [
    [{ metadata: { type: 'mysql' } }, /type "mysql" is not one of sqlite, postgres/],
    [{ metadata: { type: 'postgres' } }, /url must be a postgres:\/\/.*STOWAGE_METADATA_URL/],
    [
      { metadata: { type: 'postgres', url: 'postgres://u:secret@db/x' } },
      /carries a password; give it in the PGPASSWORD/,
    ],
    [{ metadata: { type: 'postgres', url: 'postgres://db/x', poolSize: 0 } }, /poolSize/],
    [{ metadata: { type: 'postgres', url: 'postgres://db/x', schema: 'a;drop' } }, /schema/],
    [{ blobs: { type: 's3' } }, /bucket must be an S3 bucket name/],
    [
      { blobs: { type: 's3', bucket: 'ok-bucket', secretAccessKey: 'x' } },
      /credentials do not belong in the config file; set AWS_ACCESS_KEY_ID/,
    ],
    [{ blobs: { type: 'fs', root: '/x' } }, /unknown setting "root"/],
    [{ blobs: { type: 'fs', directWrites: 'no' } }, /directWrites must be true or false/],
    [{ blobs: { packSmall: 'yes' } }, /packSmall must be true or false/],
    [
      {
        metadata: { type: 'postgres', url: 'postgres://db/x' },
        blobs: { type: 'fs', packSmall: true },
      },
      /packSmall needs SQLite metadata.*leave packSmall out/,
    ],
    [
      { blobs: { type: 's3', bucket: 'ok-bucket', packSmall: true } },
      /unknown setting "packSmall"/,
    ],
    [
      { blobs: { type: 's3', bucket: 'ok-bucket', directWrites: false } },
      /unknown setting "directWrites"/,
    ],
    [{ blobs: { type: 'gcs' } }, /type "gcs" is not one of fs, s3/],
    [{ other: 1 }, /unknown setting "other"/],
  ];
  for (const [storage, message] of bad) {
    assert.throws(
      () => resolveConfig({ storage }),
      (err: Error) => err instanceof ConfigError && message.test(err.message),
      JSON.stringify(storage),
    );
  }
});

test('limits: sizes as bytes or with units, archive caps, defaults for the rest', () => {
  const cfg = resolveConfig({
    limits: {
      buildInfoBytes: '32MiB',
      jsonBytes: 65536,
      jsonDepth: 10,
      archive: { entries: 500, totalBytes: '1GiB', ratio: 50 },
    },
  });
  assert.equal(cfg.limits.buildInfoBytes, 32 * 1024 ** 2);
  assert.equal(cfg.limits.jsonBytes, 65536);
  assert.equal(cfg.limits.jsonDepth, 10);
  assert.equal(cfg.limits.npmPublishBytes, DEFAULT_CONFIG.limits.npmPublishBytes);
  assert.deepEqual(cfg.limits.archive, {
    ...DEFAULT_CONFIG.limits.archive,
    entries: 500,
    totalBytes: 1024 ** 3,
    ratio: 50,
  });
  assert.equal(resolveConfig({ limits: { jsonBytes: '512 kB' } }).limits.jsonBytes, 512_000);
});

test('limits: a bad size, an unknown key or a non-positive count names the fix', () => {
  for (const [limits, message] of [
    [
      { buildInfoBytes: '16 parsecs' },
      /limits\.buildInfoBytes must be a positive size in bytes, e\.g\. 16777216 or "16MiB"/,
    ],
    [{ jsonBytes: -1 }, /limits\.jsonBytes must be a positive size/],
    [{ bodyBytes: 1 }, /limits\.bodyBytes is unknown; known: buildInfoBytes/],
    [{ jsonDepth: 0 }, /limits\.jsonDepth must be a positive whole number/],
    [{ archive: { depth: 3 } }, /limits\.archive\.depth is unknown/],
    [{ archive: { ratio: 1.5 } }, /limits\.archive\.ratio must be a positive whole number/],
  ] as const) {
    assert.throws(
      () => resolveConfig({ limits }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, message);
        return true;
      },
    );
  }
});

test('every package type the config accepts has exactly one format plugin', async () => {
  const { PACKAGE_TYPES } = await import('../src/formats/types.ts');
  const { FORMATS } = await import('../src/formats/index.ts');
  assert.deepEqual(FORMATS.map((f) => f.type).sort(), [...PACKAGE_TYPES].sort());
});
