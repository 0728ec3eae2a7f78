/**
 * `stowage migrate` end to end in-process: a SQLite installation made by a real server is copied
 * to PostgreSQL (and a new data directory for its fs blob store) and the JSON report says what
 * was copied and verified; wrong configurations fail with what to do. The S3 side is covered by
 * packages/server/test/migrate.test.ts. Needs STOWAGE_TEST_PG_URL (`.ci/services.sh start`).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startServer } from '@stowage/server';
import { run, type Output } from '../src/cli.ts';

const PG_URL = process.env.STOWAGE_TEST_PG_URL;

class Sink implements Output {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, { env: {}, stdout, stderr, cwd: tmpdir() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe(
  'stowage migrate',
  {
    skip: PG_URL
      ? false
      : 'STOWAGE_TEST_PG_URL is not set: run `eval "$(.ci/services.sh start)"` for the PostgreSQL tests',
  },
  () => {
    let work: string;
    const schema = `t_${randomBytes(6).toString('hex')}`;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'stowage-cli-migrate-'));
      const src = await startServer({ dataDir: join(work, 'src'), port: 0 });
      try {
        for (const [path, body] of [
          ['a/one.txt', 'one'],
          ['a/two.txt', 'two'],
        ]) {
          const put = await fetch(`${src.url}/generic-staging/${path};owner=cli`, {
            method: 'PUT',
            body,
            headers: { authorization: `Bearer ${src.adminToken}` },
          });
          assert.equal(put.status, 201);
        }
      } finally {
        await src.close();
      }
      await writeFile(join(work, 'from.yml'), 'storage: { metadata: { type: sqlite } }\n');
      await writeFile(
        join(work, 'to.yml'),
        `storage:\n  metadata: { type: postgres, url: '${PG_URL}', schema: ${schema} }\n  blobs: { type: fs }\n`,
      );
    });

    after(async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      await rm(work, { recursive: true, force: true });
    });

    it('copies and verifies, and a second run copies nothing', async () => {
      const args = [
        'migrate',
        '--from',
        join(work, 'from.yml'),
        '--from-data-dir',
        join(work, 'src'),
        '--to',
        join(work, 'to.yml'),
        '--to-data-dir',
        join(work, 'dst'),
        '--json',
      ];
      const first = await cli(args);
      assert.equal(first.code, 0, first.stderr);
      const report = JSON.parse(first.stdout) as {
        blobs: { copied: number; present: number };
        artifacts: number;
        properties: number;
        verified: { artifacts: number; blobs: number };
      };
      assert.deepEqual(report.blobs, { copied: 2, present: 0, bytes: 6 });
      assert.equal(report.artifacts, 2);
      assert.ok(report.properties >= 2);
      assert.deepEqual(report.verified, { artifacts: 2, blobs: 2 });
      const again = await cli(args);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((JSON.parse(again.stdout) as { blobs: { copied: number } }).blobs.copied, 0);
    });

    it('refuses a source that is not SQLite, naming the option', async () => {
      const r = await cli([
        'migrate',
        '--from',
        join(work, 'to.yml'),
        '--from-data-dir',
        join(work, 'src'),
        '--to',
        join(work, 'to.yml'),
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /migrate --from: the source must keep its metadata in SQLite/);
      const missing = await cli(['migrate', '--to', join(work, 'to.yml')]);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /--from/);
    });
  },
);
