/**
 * End to end: `stowage report …` (the real built CLI as a child process) against a real server
 * seeded over HTTP with the generated histories whose answers are known
 * (packages/server/test/analytics-history.ts).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { RepositoryClient, type BuildInfo } from '@stowage/core';
import type { RunningServer } from '@stowage/server';
import { requireBuiltCli, runCli, startTestServer, tempDir, type CliResult } from './helpers.ts';
import {
  C_NEW,
  C_OLD,
  STORED_B,
  depsHistory,
  funnelHistory,
  imageHistory,
  sizeHistory,
} from '../../packages/server/test/analytics-history.ts';

describe('stowage report against a real server', () => {
  let dir: string;
  let server: RunningServer;
  let env: Record<string, string>;

  before(async () => {
    requireBuiltCli();
    dir = await tempDir('report-e2e');
    server = await startTestServer(dir);
    env = { STOWAGE_URL: server.url, STOWAGE_TOKEN: server.adminToken };
    const client = new RepositoryClient({ url: server.url, token: server.adminToken });
    try {
      const res = await fetch(`${server.url}/generic-staging/big/b.bin`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.adminToken}` },
        body: STORED_B,
      });
      assert.equal(res.status, 201);
      for (const doc of [...funnelHistory(), ...depsHistory(), ...sizeHistory(), ...imageHistory()])
        await client.publishBuild(doc as unknown as BuildInfo);
    } finally {
      await client.close();
    }
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { env });
    assert.equal(r.code, 0, `stowage ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const json = async <T>(...args: string[]): Promise<T> =>
    JSON.parse((await cli(...args, '--json')).stdout) as T;

  it('funnel: a table per build name and the JSON report', async () => {
    const r = await cli('report', 'funnel', 'app');
    assert.match(r.stdout, /app: 10 build\(s\) published/);
    assert.match(r.stdout, /^STAGE\s+REPOSITORY\s+REACHED\s+PROMOTED\s+% OF PUBLISHED$/m);
    assert.match(r.stdout, /^qa\s+generic-qa\s+6\s+6\s+60%$/m);
    assert.match(r.stdout, /^release\s+generic-release\s+3\s+3\s+30%$/m);
    assert.match(r.stdout, /rolled back: 2 build\(s\), 2 rollback\(s\)/);
    assert.match(r.stdout, /median 2 h 0 min \(min 1 h 0 min, p90 3 h 0 min, 3 releases\)/);
    const j = await json<{ funnels: { name: string; published: number }[] }>(
      'report',
      'funnel',
      '--from',
      '2026-11-01T12:00:00Z',
    );
    assert.deepEqual(
      j.funnels.map((f) => [f.name, f.published]),
      [['app', 5]],
    );
  });

  it('deps: variation with the red flag, and a two-build diff', async () => {
    const r = await cli('report', 'deps', 'lib');
    assert.match(r.stdout, /^org:b\s+3\s+2\s+0\s+5\s+1\.2$/m);
    assert.match(r.stdout, /^org:c\s+1\s+0\s+1\s+5\s+2\.0$/m);
    assert.match(r.stdout, /same version, different checksums \(red flags\):/);
    assert.match(r.stdout, /^org:c\s+2\.0\s+\S+, \S+\s+1, 2, 3, 4, 5$/m);
    const d = await cli('report', 'deps', 'lib', '4', '3');
    assert.match(d.stdout, /1 checksum\(s\) changed, 2 unchanged/);
    assert.match(
      d.stdout,
      new RegExp(
        `^CHECKSUM CHANGED!\\s+m\\s+org:c:2\\.0\\s+${C_OLD.slice(0, 12)} → ${C_NEW.slice(0, 12)}$`,
        'm',
      ),
    );
    const j = await json<{ versionChanged: { id: string }[] }>('report', 'deps', 'lib', '5', '4');
    assert.deepEqual(
      j.versionChanged.map((c) => c.id),
      ['org:b:1.2'],
    );
  });

  it('size: per build with changes and growth; storage with deduplication', async () => {
    const r = await cli('report', 'size', 'big');
    assert.match(r.stdout, /^1\s+\S+\s+3\s+160 B\s+-$/m);
    assert.match(r.stdout, /^2\s+\S+\s+3\s+360 B\s+\+200 B$/m);
    assert.match(r.stdout, /^3\s+\S+\s+4 \(1 unsized\)\s+410 B\s+\+50 B$/m);
    assert.match(r.stdout, /^core\s+150 B\s+350 B\s+\+200 B$/m);
    assert.match(r.stdout, /^core\s+a\.bin\s+100 B\s+300 B\s+\+200 B$/m);
    const s = await cli('report', 'size');
    assert.match(s.stdout, /^generic-staging\s+1\s+50 B\s+50 B\s+0 B$/m);
    const j = await json<{ total: { files: number; physicalBytes: number } }>('report', 'size');
    assert.deepEqual(j.total.files, 1);
    assert.deepEqual(j.total.physicalBytes, 50);
  });

  it('layers: image sizes per run, and shared/new/removed layers between two builds', async () => {
    const r = await cli('report', 'layers', 'etl');
    assert.match(
      r.stdout,
      /^2\s+\S+\s+registry\.local:5000\/etl:2\s+3\s+3\.32 KiB\s+1 \(400 B\)$/m,
    );
    assert.match(
      r.stdout,
      /^3\s+\S+\s+registry\.local:5000\/etl:3\s+3\s+6\.25 KiB\s+1 \(4\.88 KiB\)$/m,
    );
    const d = await cli('report', 'layers', 'etl', '3', '1');
    assert.match(
      d.stdout,
      /^registry\.local:5000\/etl\s+registry\.local:5000\/etl:1\s+registry\.local:5000\/etl:3\s+1 \(1000 B\)\s+2 \(5\.27 KiB\)\s+2 \(2\.2\d KiB\)$/m,
    );
  });

  it('diff: artifacts and dependencies between two builds', async () => {
    const r = await cli('report', 'diff', 'lib', '5', '4');
    assert.match(r.stdout, /lib #5 against lib #4: 5 change\(s\)/);
    assert.match(r.stdout, /^artifact\s+added\s+m\s+lib-sources\.jar\s+7 B$/m);
    assert.match(r.stdout, /^artifact\s+removed\s+m\s+old\.txt\s+3 B$/m);
    assert.match(r.stdout, /^dependency\s+version\s+m\s+org:b:1\.2\s+1\.1 → 1\.2$/m);
    const j = await json<{ artifacts: { changed: { path: string }[] } }>(
      'report',
      'diff',
      'lib',
      '5',
      '4',
    );
    assert.deepEqual(
      j.artifacts.changed.map((a) => a.path),
      ['lib.jar'],
    );
  });

  it('errors: unknown builds and missing arguments', async () => {
    const r = await runCli(['report', 'size', 'nope'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no builds named "nope"/);
    const u = await runCli(['report', 'deps', 'lib', '5'], { env });
    assert.equal(u.code, 2);
    assert.match(u.stderr, /give both builds/);
  });
});
