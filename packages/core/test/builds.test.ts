import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffBuilds, splitDependencyId, type BuildInfo } from '@stowage/core';

const build = (number: string, modules: BuildInfo['modules']): BuildInfo => ({
  version: '1.0.1',
  name: 'b',
  number,
  started: '2026-01-01T00:00:00.000+0000',
  modules,
});

test('splitDependencyId: maven, npm and go ids', () => {
  assert.deepEqual(splitDependencyId('org.x:lib:1.2'), { pkg: 'org.x:lib', version: '1.2' });
  assert.deepEqual(splitDependencyId('@s/p@2.0.0'), { pkg: '@s/p', version: '2.0.0' });
  assert.deepEqual(splitDependencyId('plain'), { pkg: 'plain' });
});

test('diffBuilds: added, removed, version- and checksum-changed dependencies; artifacts by name', () => {
  const a = build('1', [
    {
      id: 'm',
      dependencies: [
        { id: 'left:1.0', sha256: 'aa' },
        { id: 'gone:1.0', sha256: 'bb' },
        { id: 'same:1.0', sha256: 'cc' },
      ],
      artifacts: [
        { name: 'r.csv', path: 'x/1/r.csv', sha256: '11', size: 10 },
        { name: 'old.txt', path: 'x/1/old.txt', sha256: '22', size: 1 },
        { name: 'keep.txt', path: 'x/1/keep.txt', sha256: '33', size: 1 },
      ],
    },
  ]);
  const b = build('2', [
    {
      id: 'm',
      dependencies: [
        { id: 'left:1.1', sha256: 'dd' },
        { id: 'same:1.0', sha256: 'ee' },
        { id: 'new:0.1', sha256: 'ff' },
      ],
      artifacts: [
        { name: 'r.csv', path: 'x/2/r.csv', sha256: '44', size: 12 },
        { name: 'keep.txt', path: 'x/2/keep.txt', sha256: '33', size: 1 },
        { name: 'new.txt', path: 'x/2/new.txt', sha256: '55', size: 2 },
      ],
    },
  ]);
  const d = diffBuilds(a, b);
  assert.deepEqual(d.from, { name: 'b', number: '1' });
  assert.deepEqual(
    d.dependencies.versionChanged.map((c) => [c.id, c.from, c.to]),
    [['left:1.1', '1.0', '1.1']],
  );
  assert.deepEqual(
    d.dependencies.removed.map((c) => c.id),
    ['gone:1.0'],
  );
  assert.deepEqual(
    d.dependencies.added.map((c) => c.id),
    ['new:0.1'],
  );
  assert.deepEqual(
    d.dependencies.checksumChanged.map((c) => [c.id, c.fromSha256, c.toSha256]),
    [['same:1.0', 'cc', 'ee']],
  );
  assert.deepEqual(
    d.artifacts.changed.map((c) => [c.path, c.fromSize, c.toSize]),
    [['x/2/r.csv', 10, 12]],
  );
  assert.deepEqual(
    d.artifacts.removed.map((c) => c.path),
    ['x/1/old.txt'],
  );
  assert.deepEqual(
    d.artifacts.added.map((c) => c.path),
    ['x/2/new.txt'],
  );
  const none = diffBuilds(b, b);
  assert.equal(
    none.dependencies.added.length +
      none.artifacts.changed.length +
      none.dependencies.versionChanged.length,
    0,
  );
});
