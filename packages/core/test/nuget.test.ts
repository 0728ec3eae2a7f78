/**
 * NuGet in the core: `setup nuget` writes a project NuGet.Config (v3 source, token as
 * ClearTextPassword, an existing file kept unless overwrite), and the packages.lock.json
 * collector turns NuGet's lock file into build-info dependencies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDependencies, setupTool } from '../src/core.ts';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'stowage-core-nuget-'));

test('setup nuget writes NuGet.Config with the v3 source and the token, and keeps an existing one', async () => {
  const dir = await tmp();
  const opts = { url: 'http://127.0.0.1:8081/', repo: 'nuget', token: 'stw_a&b', dir, home: dir };
  const res = await setupTool('nuget', opts);
  const file = join(dir, 'NuGet.Config');
  assert.deepEqual(res.files, [{ path: file, action: 'written' }]);
  const text = await readFile(file, 'utf8');
  assert.match(
    text,
    /<add key="Stowage" value="http:\/\/127\.0\.0\.1:8081\/api\/nuget\/v3\/nuget\/index\.json" protocolVersion="3" \/>/,
  );
  assert.match(text, /<clear \/>/);
  assert.match(
    text,
    /<packageSourceCredentials>\s*<Stowage>\s*<add key="Username" value="token" \/>/,
  );
  assert.match(text, /<add key="ClearTextPassword" value="stw_a&amp;b" \/>/);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.ok(!JSON.stringify(res).includes('stw_a'), 'the token is not echoed back');

  await writeFile(file, '<configuration/>');
  const kept = await setupTool('nuget', opts);
  assert.deepEqual(kept.files, [{ path: file, action: 'kept' }]);
  assert.equal(await readFile(file, 'utf8'), '<configuration/>');
  await setupTool('nuget', { ...opts, token: undefined, overwrite: true });
  const anon = await readFile(file, 'utf8');
  assert.doesNotMatch(anon, /packageSourceCredentials/);
});

test('collect nuget reads packages.lock.json: ids, scopes, requestedBy, frameworks merged', async () => {
  const dir = await tmp();
  await writeFile(
    join(dir, 'packages.lock.json'),
    JSON.stringify({
      version: 1,
      dependencies: {
        'net8.0': {
          'Serilog.Sinks.Console': {
            type: 'Direct',
            requested: '[5.0.1, )',
            resolved: '5.0.1',
            contentHash: 'aGFzaA==',
            dependencies: { Serilog: '3.1.1' },
          },
          Serilog: { type: 'Transitive', resolved: '3.1.1', contentHash: 'aGFzaA==' },
          'My.Lib': { type: 'Project', dependencies: { Serilog: '[3.1.1, )' } },
        },
        'net6.0': {
          Serilog: {
            type: 'Direct',
            requested: '[3.1.1, )',
            resolved: '3.1.1',
            contentHash: 'aGFzaA==',
          },
        },
      },
    }),
  );
  const deps = await collectDependencies('nuget', { dir });
  assert.deepEqual(deps, [
    {
      id: 'Serilog.Sinks.Console:5.0.1',
      type: 'nupkg',
      scopes: ['Direct'],
    },
    {
      id: 'Serilog:3.1.1',
      type: 'nupkg',
      scopes: ['Direct', 'Transitive'],
      requestedBy: [['Serilog.Sinks.Console:5.0.1']],
    },
  ]);
  await assert.rejects(collectDependencies('nuget', { dir, file: join(dir, 'nope.json') }), {
    code: 'ERR_DEPS_LOCKFILE',
  });
});
