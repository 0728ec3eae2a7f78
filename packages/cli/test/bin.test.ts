/** The `stowage` executable (dist/bin.js) as a real process: its fast --version and `serve`'s logs. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { VERSION } from '../src/cli.ts';

const BIN = join(import.meta.dirname, '..', 'dist', 'bin.js');

test('stowage --version and -V print the version, like the full CLI', () => {
  for (const flag of ['--version', '-V']) {
    const r = spawnSync(process.execPath, [BIN, flag], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
  }
  // Anything else goes to the CLI: a usage error keeps its exit code and message.
  const bad = spawnSync(process.execPath, [BIN, '--no-such-flag'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no-such-flag/);
});

test('stowage serve writes its request logs to a piped stdout and flushes them on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-bin-'));
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--data-dir', join(dir, 'data'), '--json', '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir } },
  );
  try {
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    const ready = new Promise<string>((resolve) => {
      rl.on('line', (line) => {
        lines.push(line);
        const doc = JSON.parse(line) as { url?: string; dataDir?: string };
        if (doc.url && doc.dataDir) resolve(doc.url);
      });
    });
    const url = await ready;
    const res = await fetch(`${url}/api/system/ping`);
    assert.equal(res.status, 200);
    await res.text();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0);
    const logs = lines.map((l) => JSON.parse(l) as { msg?: string; url?: string });
    // One structured line per request, written when it completes.
    assert.ok(
      logs.some((l) => l.msg === 'request completed' && l.url === '/api/system/ping'),
      `the request is logged: ${lines.join('\n')}`,
    );
    assert.ok(
      logs.some((l) => l.msg === 'stopping'),
      'the last line logged before close is on stdout',
    );
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
