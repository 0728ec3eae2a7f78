// The server's resident memory at rest: RSS right after startServer (the built @stowage/server)
// and three forced full GCs, in a fresh process per round, for each storage setup, next to a bare
// `node` doing the same GCs. Also: the V8 heap in use, the young generation's size (V8 grows it
// while modules load; it stays that size) and how many packages the start loaded. Needs
// `npm run build`; PostgreSQL and S3 rows need `eval "$(.ci/services.sh start)"`. Not a test:
// nothing here asserts.
//
//   node bench/resting-rss.ts                 # 5 rounds per setup
//   BENCH_RSS_ROUNDS=9 node bench/resting-rss.ts
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

interface Sample {
  rss: number;
  heapUsed: number;
  newSpace: number;
  packages: number;
}

const MiB = 2 ** 20;

/**
 * One start, in a process of its own, as JavaScript (a .ts file would have Node load its
 * TypeScript stripper, tens of MiB): argv[1] `bare` measures node alone, else argv[1] is the
 * server's environment as JSON.
 */
const CHILD = `
import { mkdtemp, rm } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    const pkg = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url)?.[1];
    if (pkg && !pkg.startsWith('@stowage/')) loaded.add(pkg);
    return nextLoad(url, context);
  },
});
async function sample() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const mu = process.memoryUsage();
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return { rss: mu.rss, heapUsed: mu.heapUsed, newSpace: young.space_size, packages: loaded.size };
}
const arg = process.argv[1];
if (arg === 'bare') process.stdout.write(JSON.stringify(await sample()) + '\\n');
else {
  const { startServer } = await import('@stowage/server');
  const dataDir = await mkdtemp(join(tmpdir(), 'stowage-bench-rss-'));
  try {
    const server = await startServer({ dataDir, port: 0, env: JSON.parse(arg) });
    process.stdout.write(JSON.stringify(await sample()) + '\\n');
    await server.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
`;

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_RSS_ROUNDS ?? 5);
  const env = process.env;
  const setups: { name: string; arg: string; cleanup?: () => Promise<void> }[] = [
    { name: 'node alone', arg: 'bare' },
    { name: 'sqlite+fs (default)', arg: '{}' },
  ];
  const pgUrl = env.STOWAGE_TEST_PG_URL;
  const s3 = env.STOWAGE_TEST_S3_ENDPOINT;
  if (pgUrl) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const pgEnv = { STOWAGE_METADATA_URL: pgUrl, STOWAGE_METADATA_SCHEMA: schema };
    const dropSchema = async (): Promise<void> => {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    };
    setups.push({ name: 'postgres+fs', arg: JSON.stringify(pgEnv) });
    if (s3) {
      const bucket = `stowage-bench-${randomBytes(4).toString('hex')}`;
      const { S3Client, CreateBucketCommand, DeleteBucketCommand } =
        await import('@aws-sdk/client-s3');
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
        name: 'postgres+s3',
        arg: JSON.stringify({
          ...pgEnv,
          STOWAGE_BLOBS_TYPE: 's3',
          STOWAGE_S3_BUCKET: bucket,
          STOWAGE_S3_ENDPOINT: s3,
          STOWAGE_S3_REGION: env.STOWAGE_TEST_S3_REGION ?? 'us-east-1',
          STOWAGE_S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: env.STOWAGE_TEST_S3_ACCESS_KEY_ID ?? '',
          AWS_SECRET_ACCESS_KEY: env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY ?? '',
        }),
        // Nothing is uploaded: the bucket stays empty.
        cleanup: async () => {
          await client.send(new DeleteBucketCommand({ Bucket: bucket }));
          client.destroy();
          await dropSchema();
        },
      });
    } else setups[setups.length - 1]!.cleanup = dropSchema;
  } else {
    process.stderr.write(
      'postgres rows skipped: run `eval "$(.ci/services.sh start)"` first (STOWAGE_TEST_PG_URL, STOWAGE_TEST_S3_*)\n',
    );
  }

  const run = promisify(execFile);
  const samples = new Map<string, Sample[]>(setups.map((s) => [s.name, []]));
  try {
    // Rounds interleave the setups, so that a burst of load elsewhere touches all of them.
    for (let r = 0; r < rounds; r++) {
      for (const s of setups) {
        const { stdout } = await run(
          process.execPath,
          ['--expose-gc', '--input-type=module', '-e', CHILD, s.arg],
          // Resolves @stowage/server from the repository's node_modules.
          { cwd: import.meta.dirname, env: { PATH: env.PATH ?? '' } },
        );
        samples.get(s.name)!.push(JSON.parse(stdout) as Sample);
      }
    }
  } finally {
    for (const s of setups) await s.cleanup?.();
  }
  const median = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const mib = (x: number): string => (x / MiB).toFixed(1);
  process.stdout.write(
    `Resting memory after startServer and 3 forced GCs (MiB; median of ${rounds} processes [min–max]), ${new Date().toISOString()}\n`,
  );
  console.table(
    setups.map((s) => {
      const xs = samples.get(s.name)!;
      const rss = xs.map((x) => x.rss);
      return {
        setup: s.name,
        rss: `${mib(median(rss))} [${mib(Math.min(...rss))}–${mib(Math.max(...rss))}]`,
        'heap used': mib(median(xs.map((x) => x.heapUsed))),
        'young generation': mib(median(xs.map((x) => x.newSpace))),
        packages: median(xs.map((x) => x.packages)),
      };
    }),
  );
}

await main();
