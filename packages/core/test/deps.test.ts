import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDependencies, mergeWithDownloads, setupTool, isStowageError } from '../src/core.ts';

const dl = (
  path: string,
  n: string,
): { repo: string; path: string; sha1: string; sha256: string; md5: string } => ({
  repo: 'npm-virtual',
  path,
  sha1: n.repeat(40),
  sha256: n.repeat(64),
  md5: n.repeat(32),
});

test('mergeWithDownloads fills checksums from the files served and lists every dependency once', () => {
  const deps = [
    { id: 'left-pad:1.3.0', sha1: 'a'.repeat(40), scopes: ['prod'] },
    { id: 'left-pad:1.3.0', sha1: 'a'.repeat(40), scopes: ['prod'] },
    { id: 'not-downloaded:1.0.0' },
  ];
  const out = mergeWithDownloads(deps, [
    dl('left-pad/-/left-pad-1.3.0.tgz', 'a'),
    dl('extra/-/extra-2.0.0.tgz', 'b'),
  ]);
  assert.deepEqual(out, [
    {
      id: 'left-pad:1.3.0',
      sha1: 'a'.repeat(40),
      sha256: 'a'.repeat(64),
      md5: 'a'.repeat(32),
      scopes: ['prod'],
    },
    { id: 'not-downloaded:1.0.0' },
    {
      id: 'extra/-/extra-2.0.0.tgz',
      sha1: 'b'.repeat(40),
      sha256: 'b'.repeat(64),
      md5: 'b'.repeat(32),
    },
  ]);
});

test('unknown tools are refused with the list of known ones', async () => {
  await assert.rejects(collectDependencies('cobol', { dir: '.' }), (e: unknown) =>
    isStowageError(e, 'ERR_DEPS_UNKNOWN_TOOL'),
  );
  await assert.rejects(
    setupTool('cobol', { url: 'http://127.0.0.1:1', repo: 'r', dir: '.', home: '.' }),
    (e: unknown) => isStowageError(e, 'ERR_SETUP_UNKNOWN_TOOL'),
  );
});
