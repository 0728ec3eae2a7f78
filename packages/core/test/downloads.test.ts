import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOWNLOAD_IDS, mergeWithDownloads, DEPS_COLLECTORS } from '../src/core.ts';

test('every dependency collector has a download-path mapper', () => {
  assert.deepEqual(
    Object.keys(DOWNLOAD_IDS).sort(),
    Object.keys(DEPS_COLLECTORS)
      .filter((t) => t in DOWNLOAD_IDS)
      .sort(),
  );
  for (const tool of Object.keys(DEPS_COLLECTORS))
    assert.ok(DOWNLOAD_IDS[tool], `${tool} has a mapper`);
});

test('download paths map to the ids each collector uses; metadata maps to nothing', () => {
  const cases: [string, string, string | undefined][] = [
    ['npm', 'lib-b/-/lib-b-1.1.0.tgz', 'lib-b:1.1.0'],
    ['npm', '@acme/scoped/-/scoped-1.0.0-rc.1.tgz', '@acme/scoped:1.0.0-rc.1'],
    ['npm', 'lib-b/package.json', undefined],
    ['pip', 'up-lib/Up_Lib-2.0.1-py3-none-any.whl', 'up-lib:2.0.1'],
    ['pip', 'src-only/src_only-0.3.tar.gz', 'src-only:0.3'],
    ['pip', 'up-lib/Up_Lib-2.0.1-py3-none-any.whl.metadata', undefined],
    ['go', 'example.com/!greet/@v/v1.1.0.zip', 'example.com/Greet:v1.1.0'],
    ['go', 'example.com/greet/@v/v1.1.0.mod', undefined],
    [
      'maven',
      'org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar',
      'org.apache.commons:commons-lang3:3.14.0',
    ],
    ['maven', 'com/acme/app/1.0/app-1.0-tests.jar', 'com.acme:app:1.0:tests'],
    [
      'maven',
      'com/acme/app/1.1-SNAPSHOT/app-1.1-20261125.080102-2.jar',
      'com.acme:app:1.1-SNAPSHOT',
    ],
    ['maven', 'com/acme/app/1.0/app-1.0.pom', undefined],
    ['maven', 'com/acme/app/maven-metadata.xml', undefined],
    ['r', 'src/contrib/Archive/tinybase/tinybase_0.1.0.tar.gz', 'tinybase:0.1.0'],
    ['r', 'src/contrib/PACKAGES.gz', undefined],
    ['conda', 'noarch/tiny-1.0-py_0.conda', 'tiny:1.0:py_0'],
    ['conda', 'noarch/repodata.json', undefined],
    ['nuget', 'newtonsoft.json/13.0.1/newtonsoft.json.13.0.1.nupkg', 'newtonsoft.json:13.0.1'],
    ['nuget', 'newtonsoft.json/index.json', undefined],
  ];
  for (const [tool, path, id] of cases)
    assert.equal(DOWNLOAD_IDS[tool]?.(path), id, `${tool} ${path}`);
});

test('ids pair case-insensitively (NuGet stores lower-case ids)', () => {
  const dl = {
    repo: 'nuget',
    path: 'tiny.base/1.0.0/tiny.base.1.0.0.nupkg',
    sha1: 'a'.repeat(40),
    sha256: 'b'.repeat(64),
    md5: 'c'.repeat(32),
  };
  const [dep] = mergeWithDownloads([{ id: 'Tiny.Base:1.0.0' }], [dl], DOWNLOAD_IDS.nuget);
  assert.equal(dep?.id, 'Tiny.Base:1.0.0');
  assert.equal(dep?.sha256, dl.sha256);
});

test('a lockfile entry without a comparable hash is paired with its download by id', () => {
  const dl = {
    repo: 'go',
    path: 'example.com/greet/@v/v1.1.0.zip',
    sha1: '1'.repeat(40),
    sha256: '2'.repeat(64),
    md5: '3'.repeat(32),
  };
  const meta = { ...dl, path: 'example.com/greet/@v/list', sha256: '4'.repeat(64) };
  const out = mergeWithDownloads(
    [{ id: 'example.com/greet:v1.1.0', scopes: ['direct'] }],
    [dl, meta],
    DOWNLOAD_IDS.go,
  );
  assert.deepEqual(out, [
    {
      id: 'example.com/greet:v1.1.0',
      scopes: ['direct'],
      sha1: dl.sha1,
      sha256: dl.sha256,
      md5: dl.md5,
    },
  ]);
});
