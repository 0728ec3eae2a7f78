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

test('every package type the config accepts has exactly one format plugin', async () => {
  const { PACKAGE_TYPES } = await import('../src/formats/types.ts');
  const { FORMATS } = await import('../src/formats/index.ts');
  assert.deepEqual(FORMATS.map((f) => f.type).sort(), [...PACKAGE_TYPES].sort());
});
