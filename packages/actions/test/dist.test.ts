/** The committed dist/ is what a fresh bundle of the sources produces (check-dist). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundle } from '../scripts/bundle.ts';
import { PACKAGE } from './runner.ts';

test('dist/ matches a fresh bundle', async () => {
  const files = await bundle();
  for (const action of ['setup', 'publish', 'promote', 'report']) {
    for (const f of ['index.cjs', 'index.cjs.map', 'licenses.txt']) {
      assert.ok(files.has(join(action, 'dist', f)), `${action}/dist/${f} is produced`);
    }
  }
  const stale: string[] = [];
  for (const [path, text] of files) {
    const committed = await readFile(join(PACKAGE, path), 'utf8').catch(() => undefined);
    if (committed !== text) stale.push(path);
  }
  assert.deepEqual(stale, [], 'run `npm run build -w @stowage/actions` and commit dist/');
});
