import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig, ConfigError, DEFAULT_CONFIG } from '../src/server.ts';

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
