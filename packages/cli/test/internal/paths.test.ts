import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  artifactType,
  globBase,
  mapUploadTargets,
  parseRepoPath,
  remoteGlob,
  remoteGlobBase,
  safeJoin,
} from '../../src/internal/paths.ts';
import { UsageError } from '../../src/internal/errors.ts';

describe('parseRepoPath', () => {
  it('splits the repository from the path and notes a folder target', () => {
    assert.deepEqual(parseRepoPath('generic-staging/a/b/'), {
      repo: 'generic-staging',
      path: 'a/b',
      folder: true,
    });
    assert.deepEqual(parseRepoPath('/generic-staging/a/b.csv'), {
      repo: 'generic-staging',
      path: 'a/b.csv',
      folder: false,
    });
  });

  it('treats a bare repository as its root folder', () => {
    assert.deepEqual(parseRepoPath('generic-qa'), { repo: 'generic-qa', path: '', folder: true });
    assert.deepEqual(parseRepoPath('generic-qa/'), { repo: 'generic-qa', path: '', folder: true });
  });

  it('collapses doubled slashes', () => {
    assert.equal(parseRepoPath('r//a///b/').path, 'a/b');
  });

  it('rejects an empty repository and dot segments', () => {
    assert.throws(() => parseRepoPath('/'), UsageError);
    assert.throws(() => parseRepoPath('r/../etc/'), /must not contain/);
  });
});

describe('mapUploadTargets', () => {
  const cwd = '/work/job';
  const m = (file: string, pattern = 'out/**/*'): { file: string; pattern: string } => ({
    file,
    pattern,
  });

  it('puts files into the folder by base name when flat', () => {
    const out = mapUploadTargets(
      [m('/work/job/out/a.csv'), m('/work/job/out/sub/b.log')],
      parseRepoPath('generic-staging/reports/7/'),
      { flat: true, cwd },
    );
    assert.deepEqual(out, [
      { file: '/work/job/out/a.csv', path: 'reports/7/a.csv' },
      { file: '/work/job/out/sub/b.log', path: 'reports/7/b.log' },
    ]);
  });

  it('keeps the path relative to cwd when not flat', () => {
    const out = mapUploadTargets([m('/work/job/out/sub/b.log')], parseRepoPath('r/x/'), {
      flat: false,
      cwd,
    });
    assert.deepEqual(out, [{ file: '/work/job/out/sub/b.log', path: 'x/out/sub/b.log' }]);
  });

  it('uses the pattern base for files outside cwd when not flat', () => {
    const out = mapUploadTargets(
      [m('/tmp/build/out/sub/b.log', '/tmp/build/**/*.log')],
      parseRepoPath('r/'),
      {
        flat: false,
        cwd,
      },
    );
    assert.deepEqual(out, [{ file: '/tmp/build/out/sub/b.log', path: 'out/sub/b.log' }]);
  });

  it('uploads to the repository root', () => {
    const out = mapUploadTargets([m('/work/job/a.csv')], parseRepoPath('r'), { flat: true, cwd });
    assert.deepEqual(out, [{ file: '/work/job/a.csv', path: 'a.csv' }]);
  });

  it('renames a single file when the target has no trailing slash', () => {
    const out = mapUploadTargets([m('/work/job/out/a.csv')], parseRepoPath('r/x/latest.csv'), {
      flat: true,
      cwd,
    });
    assert.deepEqual(out, [{ file: '/work/job/out/a.csv', path: 'x/latest.csv' }]);
  });

  it('refuses several files for a single-file target', () => {
    assert.throws(
      () =>
        mapUploadTargets([m('/w/a'), m('/w/b')], parseRepoPath('r/x/file'), { flat: true, cwd }),
      /end the target with "\/"/,
    );
  });
});

describe('globBase', () => {
  it('is the fixed directory before the first glob segment', () => {
    assert.equal(globBase('out/**/*.csv'), 'out');
    assert.equal(globBase('*.log'), '.');
    assert.equal(globBase('/tmp/x/*.log'), '/tmp/x');
    assert.equal(globBase('a/b/c.txt'), 'a/b');
  });
});

describe('remoteGlob', () => {
  it('matches * within a segment and ** across segments', () => {
    assert.ok(remoteGlob('a/*.csv').test('a/r.csv'));
    assert.ok(!remoteGlob('a/*.csv').test('a/b/r.csv'));
    assert.ok(remoteGlob('a/**/*.csv').test('a/r.csv'));
    assert.ok(remoteGlob('a/**/*.csv').test('a/b/c/r.csv'));
    assert.ok(!remoteGlob('a/**/*.csv').test('a/b/r.log'));
    assert.ok(remoteGlob('a/?.{csv,log}').test('a/x.log'));
    assert.ok(!remoteGlob('a.b').test('aXb'));
  });

  it('has a base folder before the first glob segment', () => {
    assert.equal(remoteGlobBase('a/b/*.csv'), 'a/b');
    assert.equal(remoteGlobBase('a/**/x'), 'a');
    assert.equal(remoteGlobBase('*.csv'), '');
  });
});

describe('safeJoin', () => {
  it('joins inside the directory and refuses to escape it', () => {
    assert.equal(safeJoin('/d', 'a/b.txt'), '/d/a/b.txt');
    assert.throws(() => safeJoin('/d', '../x'), /outside/);
  });
});

describe('artifactType', () => {
  it('takes the extension, keeping compound tarball ones', () => {
    assert.equal(artifactType('report.csv'), 'csv');
    assert.equal(artifactType('dir/bundle.TAR.GZ'), 'tar.gz');
    assert.equal(artifactType('Makefile'), undefined);
    assert.equal(artifactType('.env'), undefined);
  });
});
