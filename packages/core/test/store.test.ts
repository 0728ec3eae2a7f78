import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuildStore, StowageError, validateBuildInfo } from '../src/core.ts';

describe('BuildStore', () => {
  let dir: string;
  let store: BuildStore;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stowage-store-'));
    store = new BuildStore({ dir: join(dir, 'builds') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads nothing for an unknown build and lists nothing in a fresh store', async () => {
    assert.equal(await store.load('nope', '1'), undefined);
    assert.deepEqual(await store.list(), []);
  });

  it('keeps every part from 20 concurrent writers', async () => {
    const writers = Array.from({ length: 20 }, (_, i) =>
      store.addPart('etl job', '7', {
        properties: { [`writer.${i}`]: String(i) },
        modules: [
          {
            id: 'etl',
            artifacts: [{ name: `file-${i}.txt`, sha256: i.toString(16).padStart(64, '0') }],
          },
        ],
      }),
    );
    await Promise.all(writers);
    const info = await store.load('etl job', '7');
    assert.ok(info);
    assert.equal(info.name, 'etl job');
    assert.equal(info.number, '7');
    assert.equal(info.version, '1.0.1');
    assert.equal(Object.keys(info.properties ?? {}).length, 20);
    assert.equal(info.modules?.length, 1);
    assert.equal(info.modules?.[0]?.artifacts?.length, 20);
    validateBuildInfo(info); // started was filled in from the first part
    const partsDir = join(dir, 'builds', 'etl%20job', '7');
    assert.equal(readdirSync(partsDir).filter((f) => f.startsWith('.tmp-')).length, 0);
  });

  it('merges parts in the order they were added and keeps the earliest started', async () => {
    await store.addPart('app', '1', { url: 'first', started: '2026-11-25T08:00:00.000+0000' });
    await store.addPart('app', '1', {
      url: 'second',
      started: '2026-11-25T07:00:00.000+0000',
      name: 'ignored',
    });
    const info = await store.load('app', '1');
    assert.equal(info?.url, 'second');
    assert.equal(info?.started, '2026-11-25T07:00:00.000+0000');
    assert.equal(info?.name, 'app');
  });

  it('lists builds, stores awkward names safely, and clears', async () => {
    await store.addPart('../escape', '1.0', {});
    await store.addPart('team/app', '2', {});
    assert.deepEqual(await store.list(), [
      { name: '../escape', number: '1.0' },
      { name: 'app', number: '1' },
      { name: 'etl job', number: '7' },
      { name: 'team/app', number: '2' },
    ]);
    assert.deepEqual(readdirSync(dir), ['builds'], 'nothing written outside the store');
    await store.clear('../escape', '1.0');
    await store.clear('never-existed', '1');
    assert.equal(await store.load('../escape', '1.0'), undefined);
    assert.equal((await store.list()).length, 3);
  });

  it('reports a corrupt part with its path', async () => {
    await store.addPart('broken', '1', {});
    const partsDir = join(dir, 'builds', 'broken', '1');
    writeFileSync(join(partsDir, 'part-999999999999999-bad.json'), '{not json');
    await assert.rejects(store.load('broken', '1'), (err: unknown) => {
      assert.ok(err instanceof StowageError);
      assert.equal(err.code, 'ERR_STORE_CORRUPT');
      assert.match(err.message, /part-999999999999999-bad\.json is not valid JSON/);
      return true;
    });
  });

  it('rejects empty names', async () => {
    await assert.rejects(store.addPart('', '1', {}), { code: 'ERR_STORE_KEY' });
  });
});
