/**
 * SIGTERM with a hung upstream: the real `stowage serve` drains requests in flight for its
 * drain timeout, then cuts the upstream transfers off and exits — it never waits for the
 * upstream (whose own timeouts here are set far longer than the test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, requireBuiltCli } from '../e2e/helpers.ts';
import { Upstream } from './remote-helpers.ts';

test(
  'stowage serve exits after its drain timeout on SIGTERM while an upstream hangs',
  { timeout: 60_000 },
  async () => {
    requireBuiltCli();
    const up = await new Upstream().start();
    const hanging: ServerResponse[] = [];
    let asked: () => void = () => {};
    const reached = new Promise<void>((r) => (asked = r));
    up.fallback = (_req, res) => {
      hanging.push(res);
      asked();
    };
    const dir = await mkdtemp(join(tmpdir(), 'stowage-security-shutdown-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        repositories: [
          { key: 'generic-staging' },
          {
            key: 'slow',
            rclass: 'remote',
            packageType: 'generic',
            url: up.url,
            firstByteTimeoutMs: 600_000,
            idleTimeoutMs: 600_000,
          },
        ],
        stages: [{ name: 'staged', repo: 'generic-staging' }],
      }),
    );
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--config',
        config,
        '--json',
        '--drain-timeout',
        '1',
        '--log-level',
        'silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir } },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const started = new Promise<{ url: string; adminTokenFile: string }>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        stdout += d;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { url: string; adminTokenFile: string });
      });
      child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${stdout}`)));
    });
    try {
      const info = await started;
      const { readFile } = await import('node:fs/promises');
      const token = (await readFile(info.adminTokenFile, 'utf8')).trim();
      const pending = fetch(`${info.url}/slow/never.bin`, {
        headers: { authorization: `Bearer ${token}` },
      }).then(
        async (r) => ({ status: r.status, body: await r.text().catch(() => '') }),
        (err: unknown) => ({ status: 0, body: String(err) }),
      );
      await reached; // the request is in flight, its upstream hangs
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, `stowage serve exited with ${code}: ${stdout}`);
      const answer = await pending;
      assert.notEqual(answer.status, 200, 'the hung request did not get a fake success');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const r of hanging) r.destroy();
      await up.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
