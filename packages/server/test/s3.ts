/**
 * S3-compatible object storage for the tests: `.ci/services.sh start` runs OpenStack Swift
 * with s3api and exports STOWAGE_TEST_S3_*; each test makes a bucket of its own and empties and
 * removes it at the end. Without the variables the S3 tests skip, saying so.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { S3BlobStore, type S3BlobStoreOptions } from '../src/internal/blobstore-s3.ts';

const env = process.env;
export const S3_ENDPOINT = env.STOWAGE_TEST_S3_ENDPOINT;

export const SKIP_S3: string | false =
  S3_ENDPOINT && env.STOWAGE_TEST_S3_ACCESS_KEY_ID && env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY
    ? false
    : 'STOWAGE_TEST_S3_ENDPOINT (and _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) are not set: run `eval "$(.ci/services.sh start)"` (as .ci/run does) for the S3 tests';

/** The environment a server (or `stowage serve`) is given to reach the test bucket. */
export function s3Env(bucket: string, prefix = 'blobs/'): Record<string, string> {
  return {
    STOWAGE_BLOBS_TYPE: 's3',
    STOWAGE_S3_BUCKET: bucket,
    STOWAGE_S3_ENDPOINT: S3_ENDPOINT ?? '',
    STOWAGE_S3_REGION: env.STOWAGE_TEST_S3_REGION ?? 'us-east-1',
    STOWAGE_S3_FORCE_PATH_STYLE: 'true',
    STOWAGE_S3_PREFIX: prefix,
    AWS_ACCESS_KEY_ID: env.STOWAGE_TEST_S3_ACCESS_KEY_ID ?? '',
    AWS_SECRET_ACCESS_KEY: env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY ?? '',
  };
}

function options(bucket: string): S3BlobStoreOptions {
  if (SKIP_S3) throw new Error(SKIP_S3);
  return {
    bucket,
    endpoint: S3_ENDPOINT!,
    region: env.STOWAGE_TEST_S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.STOWAGE_TEST_S3_ACCESS_KEY_ID!,
      secretAccessKey: env.STOWAGE_TEST_S3_SECRET_ACCESS_KEY!,
    },
  };
}

/** A new empty bucket; `drop()` empties and removes it. */
export async function newBucket(): Promise<{ bucket: string; drop(): Promise<void> }> {
  const bucket = `stowage-test-${randomBytes(6).toString('hex')}`;
  const client = new S3Client({ ...options(bucket) });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    bucket,
    drop: async () => {
      try {
        for (;;) {
          const r = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
          if (!r.Contents?.length) break;
          for (const o of r.Contents)
            await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
        }
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        client.destroy();
      }
    },
  };
}

/** A store over `bucket` (several may share one bucket, as replicas do). */
export async function openS3Store(
  bucket: string,
  extra: Partial<S3BlobStoreOptions> = {},
): Promise<S3BlobStore> {
  const s = new S3BlobStore({ ...options(bucket), prefix: 'blobs/', ...extra });
  await s.init();
  return s;
}

/** Every key in the bucket (to check that nothing was left behind). */
export async function keysIn(store: S3BlobStore): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await store.client.send(
      new ListObjectsV2Command({
        Bucket: store.bucket,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of r.Contents ?? []) if (o.Key) out.push(o.Key);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}
