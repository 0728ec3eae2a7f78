import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRepoPath, parseMatrix } from '../src/internal/paths.ts';
import { HttpError } from '../src/errors.ts';

const rejects = (raw: string): void => {
  assert.throws(
    () => parseRepoPath(raw),
    (e: unknown) => e instanceof HttpError && e.code === 'ERR_PATH_INVALID',
    raw,
  );
};

test('parses repository, path, folder flag and matrix properties', () => {
  const p = parseRepoPath(
    '/generic-staging/a/b%20c/file.txt;build.name=nightly%20report;build.number=7;tags=x,y',
  );
  assert.equal(p.repo, 'generic-staging');
  assert.equal(p.path, 'a/b c/file.txt');
  assert.equal(p.folder, false);
  assert.deepEqual(p.matrix, {
    'build.name': ['nightly report'],
    'build.number': ['7'],
    tags: ['x', 'y'],
  });
  assert.equal(parseRepoPath('/r/dir/').folder, true);
  assert.equal(parseRepoPath('/r').path, '');
});

test('matrix values keep escaped commas and percent-encoded semicolons', () => {
  assert.deepEqual(parseMatrix('k=a\\,b;j=1%3B2'), { k: ['a,b'], j: ['1;2'] });
});

test('rejects traversal, encoded separators, backslashes and NUL', () => {
  rejects('/r/a/../b');
  rejects('/r/../etc/passwd');
  rejects('/r/a/%2e%2e/b');
  rejects('/r/a/%2E%2E/b');
  rejects('/r/a%2fb');
  rejects('/r/a%5Cb');
  rejects('/r/a\\b');
  rejects('/r/a%00b');
  rejects('/r/a//b');
  rejects('/r/./b');
  rejects('/r/%zz');
  rejects('/');
});
