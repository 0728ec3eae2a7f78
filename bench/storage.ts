// Storage backends side by side in one run: sqlite+fs (one replica), postgres+s3 (one
// replica) and postgres+s3 with two replicas that the clients alternate between. For each:
// metadata operations per second (small deploys, file-info reads, property writes, with 16
// clients) and deploy/download throughput of one large file. Servers run in processes of their
// own. Needs `eval "$(.ci/services.sh start)"` for PostgreSQL and S3 (Swift's s3api); without
// it only sqlite+fs runs. Not a test: nothing here asserts.
//
//   node bench/storage.ts                                  # 64 MiB file, 400 operations
//   BENCH_STORAGE_MB=256 BENCH_STORAGE_OPS=1000 node bench/storage.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

const sizeMb = Number(process.env.BENCH_STORAGE_MB ?? 64);
const ops = Number(process.env.BENCH_STORAGE_OPS ?? 400);
const CLIENTS = 16;
const env = process.env;
const root = await mkdtemp(join(tmpdir(), 'stowage-bench-storage-'));
const children: ChildProcess[] = [];
const ADMIN = `stw_${randomBytes(24).toString('base64url')}`;
const CONFIG = {
  repositories: [{ key: 'bench', rclass: 'local', packageType: 'generic' }],
  stages: [{ name: 'staged', repo: 'bench' }],
};

interface Setup {
  name: string;
  replicas: number;
  env: Record<string, string>;
  cleanup?: () => Promise<void>;
}

async function startReplica(dataDir: string, e: Record<string, string>): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'replica-child.ts'),
      JSON.stringify({ dataDir, config: CONFIG, env: e }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return (JSON.parse(line) as { url: string }).url;
}

const auth = { authorization: `Bearer ${ADMIN}` };

async function pool(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function ok(res: Response, what: string): Promise<void> {
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

async function measure(s: Setup): Promise<Record<string, string>> {
  const urls: string[] = [];
  for (let i = 0; i < s.replicas; i++)
    urls.push(await startReplica(join(root, `${s.name}-${i}`.replace(/[^a-z0-9-]/g, '_')), s.env));
  const at = (i: number): string => urls[i % urls.length]!;
  const small = randomBytes(1024);
  const deploys = await pool(ops, async (i) =>
    ok(
      await fetch(`${at(i)}/bench/small/${i}.bin`, { method: 'PUT', body: small, headers: auth }),
      'deploy',
    ),
  );
  const infos = await pool(ops, async (i) =>
    ok(
      await fetch(`${at(i + 1)}/api/storage/bench/small/${i}.bin`, { headers: auth }),
      'file info',
    ),
  );
  const props = await pool(ops, async (i) =>
    ok(
      await fetch(`${at(i)}/api/storage/bench/small/${i}.bin?properties=run=${i}`, {
        method: 'PUT',
        headers: auth,
      }),
      'properties',
    ),
  );
  // One large file: deploy through one replica, download through the other (if any).
  const block = randomBytes(1024 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= sizeMb) return c.close();
      const b = Buffer.from(block);
      b.writeUInt32LE(sent++, 0); // every MiB differs
      c.enqueue(b);
    },
  });
  let t0 = performance.now();
  await ok(
    await fetch(`${at(0)}/bench/large.bin`, {
      method: 'PUT',
      body,
      headers: auth,
      duplex: 'half',
    } as RequestInit),
    'large deploy',
  );
  const up = (performance.now() - t0) / 1000;
  // Downloads: one per replica at once (two clients on two replicas).
  t0 = performance.now();
  await Promise.all(
    urls.map(async (u) => ok(await fetch(`${u}/bench/large.bin`, { headers: auth }), 'download')),
  );
  const down = (performance.now() - t0) / 1000;
  for (const c of children.splice(0)) {
    c.kill('SIGTERM');
    await once(c, 'exit');
  }
  await s.cleanup?.();
  return {
    setup: s.name,
    'deploys/s': (ops / deploys).toFixed(0),
    'file info/s': (ops / infos).toFixed(0),
    'property writes/s': (ops / props).toFixed(0),
    'deploy MB/s': (sizeMb / up).toFixed(1),
    'download MB/s (all replicas)': ((sizeMb * urls.length) / down).toFixed(1),
  };
}

const setups: Setup[] = [
  { name: 'sqlite+fs, 1 replica', replicas: 1, env: { STOWAGE_ADMIN_TOKEN: ADMIN } },
];
const pgUrl = env.STOWAGE_TEST_PG_URL;
const s3 = env.STOWAGE_TEST_S3_ENDPOINT;
if (pgUrl && s3) {
  for (const replicas of [1, 2]) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const bucket = `stowage-bench-${randomBytes(4).toString('hex')}`;
    const client = new S3Client({
      endpoint: s3,
      region: env.STOWAGE_TEST_S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: env.STOWAGE_TEST_S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY ?? '',
      },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    setups.push({
      name: `postgres+s3, ${replicas} replica${replicas > 1 ? 's' : ''}`,
      replicas,
      env: {
        STOWAGE_ADMIN_TOKEN: ADMIN,
        STOWAGE_METADATA_URL: pgUrl,
        STOWAGE_METADATA_SCHEMA: schema,
        STOWAGE_BLOBS_TYPE: 's3',
        STOWAGE_S3_BUCKET: bucket,
        STOWAGE_S3_ENDPOINT: s3,
        STOWAGE_S3_REGION: env.STOWAGE_TEST_S3_REGION ?? 'us-east-1',
        STOWAGE_S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: env.STOWAGE_TEST_S3_ACCESS_KEY_ID ?? '',
        AWS_SECRET_ACCESS_KEY: env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY ?? '',
      },
      cleanup: async () => {
        for (;;) {
          const r = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
          if (!r.Contents?.length) break;
          for (const o of r.Contents)
            await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
        }
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
        client.destroy();
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      },
    });
  }
} else {
  process.stderr.write(
    'postgres+s3 skipped: run `eval "$(.ci/services.sh start)"` first (STOWAGE_TEST_PG_URL, STOWAGE_TEST_S3_*)\n',
  );
}

try {
  const rows: Record<string, string>[] = [];
  for (const s of setups) rows.push(await measure(s));
  process.stdout.write(
    `Storage backends (${ops} operations by ${CLIENTS} clients; ${sizeMb} MiB file), ${new Date().toISOString()}\n`,
  );
  console.table(rows);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await rm(root, { recursive: true, force: true });
}
