import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupTool } from '../src/core.ts';
import { formatUrl } from '../src/setup/files.ts';

test('format URLs carry credentials and the build for clients that send neither', () => {
  const base = { url: 'http://127.0.0.1:8081/prefix/', repo: 'r v', dir: '.', home: '.' };
  assert.deepEqual(formatUrl(base, 'go'), {
    value: 'http://127.0.0.1:8081/prefix/api/go/r%20v',
    secret: false,
  });
  const full = formatUrl(
    { ...base, token: 't:k', user: 'ci', build: { name: 'etl job', number: '7' } },
    'cran',
  );
  assert.equal(full.secret, true);
  assert.equal(
    full.value,
    'http://ci:t%3Ak@127.0.0.1:8081/prefix/api/cran/r%20v;build.name=etl%20job;build.number=7',
  );
});

test("R and conda setup keep a user's file unless told to overwrite, and protect a token", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-setup-files-'));
  try {
    const opts = { url: 'http://127.0.0.1:8081', repo: 'cran', dir, home: dir, token: 'stw_x' };
    await writeFile(join(dir, '.Rprofile'), 'mine\n');
    const kept = await setupTool('r', opts);
    assert.deepEqual(kept.files, [{ path: join(dir, '.Rprofile'), action: 'kept' }]);
    assert.equal(await readFile(join(dir, '.Rprofile'), 'utf8'), 'mine\n');
    const written = await setupTool('r', { ...opts, overwrite: true });
    assert.equal(written.files[0]?.action, 'written');
    assert.match(
      await readFile(join(dir, '.Rprofile'), 'utf8'),
      /options\(repos = c\(STOWAGE = "http:\/\/token:stw_x@127\.0\.0\.1:8081\/api\/cran\/cran"\)\)/,
    );
    assert.equal((await stat(join(dir, '.Rprofile'))).mode & 0o777, 0o600);
    const conda = await setupTool('conda', { ...opts, repo: 'conda' });
    assert.equal(conda.files[0]?.action, 'written');
    assert.match(await readFile(join(dir, '.condarc'), 'utf8'), /api\/conda\/conda/);
    assert.ok(!JSON.stringify(conda).includes('stw_x'), 'the token is not echoed in the result');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
