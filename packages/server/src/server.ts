import { mkdir } from 'node:fs/promises';
import pino from 'pino';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app.ts';
import { readFile } from 'node:fs/promises';
import {
  ConfigError,
  defaultServerConfig,
  loadConfigFile,
  packsSmallBlobs,
  resolveConfig,
  storageFromEnv,
  type ServerConfig,
  type StorageConfig,
} from './config.ts';
import { loadOrCreateAdminToken } from './internal/auth.ts';
import { FsBlobStore, type BlobStore } from './internal/blobstore.ts';
import { MemoryWatch } from './internal/memory-watch.ts';
import { SqliteMetaStore, type MetaStore } from './internal/metastore.ts';
import type { UpstreamOptions } from './internal/upstream.ts';
import type { MigrationReport } from './internal/migrate.ts';
// The PostgreSQL store (pg), the S3 one (the AWS SDK) and the migration between them are
// imported when a configuration uses them, not at start: they are tens of MiB of resident memory.
import type { PgMetaStore } from './internal/metastore-pg.ts';

export { buildApp, type AppOptions } from './app.ts';
export {
  DEFAULT_CONFIG,
  PUBLIC_UPSTREAMS,
  defaultServerConfig,
  loadConfigFile,
  resolveConfig,
  resolveStorage,
  storageFromEnv,
  ConfigError,
  redactRepoConfig,
} from './config.ts';
export type { ServerConfig, Stage, RetentionConfig, StorageConfig } from './config.ts';
export { MetaStoreError, MigrationError } from './internal/storage-errors.ts';
/** Types only: openMetaStore and openBlobStore load these backends when a config names them. */
export type { PgMetaStore, PgMetaStoreOptions } from './internal/metastore-pg.ts';
export { ERRORS, HttpError, type ErrorCode } from './errors.ts';
export { FsBlobStore, type BlobStore, type StagedBlob } from './internal/blobstore.ts';
export type { S3BlobStore, S3BlobStoreOptions } from './internal/blobstore-s3.ts';
export {
  SqliteMetaStore,
  type MetaStore,
  type RepoConfig,
  type ArtifactRecord,
} from './internal/metastore.ts';
export { VERSION } from './version.ts';
export type { UpstreamOptions, UpstreamTimeouts } from './internal/upstream.ts';
export type { MigrationReport } from './internal/migrate.ts';
/** Chart.yaml as the server checks it, for clients that must agree (`stowage helm push --oci`). */
export { readChart, type ChartEntry } from './formats/helm/chart.ts';
export { HELM_OCI, ociTagOf } from './formats/helm/oci.ts';

export interface StartOptions {
  /** Where blobs, metadata and the admin token live. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A parsed config (wins over configFile). */
  config?: ServerConfig | unknown;
  /** A YAML or JSON config file. */
  configFile?: string;
  /**
   * Without config or configFile: the upstream of each format's default remote, by format
   * (e.g. `{ npm: 'http://127.0.0.1:4873' }`), instead of the public registry.
   */
  upstreams?: Record<string, string>;
  logger?: FastifyServerOptions['logger'];
  /**
   * The environment to take storage settings (STOWAGE_METADATA_URL, STOWAGE_BLOBS_TYPE,
   * STOWAGE_S3_*; see storageFromEnv) and STOWAGE_ADMIN_TOKEN from. The CLI passes its own;
   * nothing is read from process.env otherwise.
   */
  env?: Record<string, string | undefined>;
  /**
   * A file holding the admin token (as `--admin-token-file`). With it, or STOWAGE_ADMIN_TOKEN
   * in `env`, every replica accepts the same admin token; without either, the data directory
   * keeps one (created on the first start).
   */
  adminTokenFile?: string;
  /** Temporary files younger than this survive the start-up cleanup (default 1 h). */
  tempMaxAgeMs?: number;
  /** How long a shutdown lets requests in flight finish before cutting them off. Default 10 s. */
  drainTimeoutMs?: number;
  /** Server-wide upstream defaults (each remote's own timeouts win). */
  upstream?: UpstreamOptions;
}

/** Temporary data younger than this may belong to another replica's upload in progress. */
export const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  adminToken: string;
  /** True when this start created the admin token (show it to the person once). */
  adminTokenCreated: boolean;
  /** Where the admin token came from: a file, or `env:STOWAGE_ADMIN_TOKEN`. */
  adminTokenFile: string;
  /** Temporary files from interrupted uploads removed at start. */
  cleanedTempFiles: number;
  close(): Promise<void>;
}

/**
 * A non-blocking log destination on a file descriptor (pino's asynchronous SonicBoom): a slow
 * terminal or a full pipe never holds up a request. Call flushSync() before the process exits.
 */
export function asyncLogDestination(fd = 1): { write(line: string): boolean; flushSync(): void } {
  return pino.destination({ dest: fd, sync: false });
}

/** Opens the stores in dataDir, seeds the configured repositories and listens. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  let config: ServerConfig;
  if (opts.config !== undefined) config = resolveConfig(opts.config);
  else if (opts.configFile) config = await loadConfigFile(opts.configFile);
  else config = defaultServerConfig(opts.upstreams);

  if (opts.env) config.storage = storageFromEnv(config.storage, opts.env);
  const token = await adminToken(opts);

  const blobs = await openBlobStore(config.storage, opts.dataDir, opts.env);
  let cleanedTempFiles: number;
  let meta: MetaStore;
  try {
    cleanedTempFiles = await blobs.cleanup({
      olderThanMs: opts.tempMaxAgeMs ?? TEMP_MAX_AGE_MS,
    });
    meta = await openMetaStore(config.storage, opts.dataDir);
  } catch (err) {
    blobs.close?.();
    throw err;
  }
  let app;
  try {
    for (const repo of config.repositories) await meta.putRepo(repo);
    app = await buildApp({
      config,
      blobs,
      meta,
      adminToken: token.token,
      logger: opts.logger ?? false,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.drainTimeoutMs !== undefined ? { drainTimeoutMs: opts.drainTimeoutMs } : {}),
      ...(opts.upstream ? { upstream: opts.upstream } : {}),
    });
  } catch (err) {
    await meta.close();
    blobs.close?.();
    throw err;
  }
  // V8 keeps memory it no longer uses until a memory-reducing collection, which Node never runs
  // by itself: past config.rssTarget the watch asks for one (internal/memory-watch.ts).
  let requests = 0;
  app.server.on('request', () => requests++);
  const memoryWatch = new MemoryWatch({
    targetBytes: config.rssTarget,
    activity: () => requests,
    onReduce: ({ beforeBytes, afterBytes, ms }) =>
      app.log.debug(
        { rssBefore: beforeBytes, rssAfter: afterBytes, ms: Math.round(ms) },
        'memory-reducing collection',
      ),
  });
  app.addHook('onClose', async () => {
    memoryWatch.stop();
    await meta.close();
    blobs.close?.();
  });
  if (isPgMetaStore(meta))
    meta.onConnectionError = (err, what) => app.log.warn({ err }, `metadata store: ${what}`);
  if (cleanedTempFiles)
    app.log.warn(
      { files: cleanedTempFiles },
      'removed temporary files left by interrupted uploads',
    );
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 8081 });
  memoryWatch.start();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8081);
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    app,
    adminToken: token.token,
    adminTokenCreated: token.created,
    adminTokenFile: token.file,
    cleanedTempFiles,
    close: () => app.close(),
  };
}

/**
 * Told apart without loading metastore-pg.ts: only the PostgreSQL store reports the failures
 * of its connections (SQLite has none).
 */
function isPgMetaStore(meta: MetaStore): meta is PgMetaStore {
  return 'onConnectionError' in meta;
}

/**
 * The metadata store the storage config names: SQLite in dataDir, or PostgreSQL (whose module
 * and `pg` are loaded only then; the store applies the schema migrations it lacks).
 */
export async function openMetaStore(
  storage: Pick<StorageConfig, 'metadata'>,
  dataDir: string,
): Promise<MetaStore> {
  const m = storage.metadata;
  if (m.type === 'sqlite') return new SqliteMetaStore({ dir: dataDir });
  const { PgMetaStore } = await import('./internal/metastore-pg.ts');
  return PgMetaStore.open({
    url: m.url,
    ...(m.schema !== undefined ? { schema: m.schema } : {}),
    ...(m.poolSize !== undefined ? { poolSize: m.poolSize } : {}),
  });
}

/** The blob store the storage config names (the S3 one and the AWS SDK are loaded only then). */
export async function openBlobStore(
  storage: StorageConfig,
  dataDir: string,
  env?: Record<string, string | undefined>,
): Promise<BlobStore> {
  const b = storage.blobs;
  if (b.type === 's3') {
    const accessKeyId = env?.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env?.AWS_SECRET_ACCESS_KEY;
    const sessionToken = env?.AWS_SESSION_TOKEN;
    const { S3BlobStore } = await import('./internal/blobstore-s3.ts');
    const s3 = new S3BlobStore({
      bucket: b.bucket,
      ...(b.endpoint !== undefined ? { endpoint: b.endpoint } : {}),
      ...(b.region !== undefined ? { region: b.region } : {}),
      ...(b.forcePathStyle !== undefined ? { forcePathStyle: b.forcePathStyle } : {}),
      ...(b.prefix !== undefined ? { prefix: b.prefix } : {}),
      // From the environment the server was given; else the AWS SDK's default chain.
      ...(accessKeyId && secretAccessKey
        ? {
            credentials: {
              accessKeyId,
              secretAccessKey,
              ...(sessionToken ? { sessionToken } : {}),
            },
          }
        : {}),
    });
    try {
      await s3.init();
    } catch (err) {
      s3.close();
      throw new ConfigError(`storage.blobs: ${(err as Error).message}`);
    }
    return s3;
  }
  const blobs = new FsBlobStore({
    dir: dataDir,
    directWrites: b.directWrites !== false,
    packSmall: packsSmallBlobs(storage),
  });
  await blobs.init();
  return blobs;
}

/** The admin token: STOWAGE_ADMIN_TOKEN, else --admin-token-file, else the data directory's own. */
async function adminToken(
  opts: StartOptions,
): Promise<{ token: string; created: boolean; file: string }> {
  const fromEnv = opts.env?.STOWAGE_ADMIN_TOKEN?.trim();
  if (fromEnv) {
    checkAdminToken(fromEnv, 'STOWAGE_ADMIN_TOKEN');
    return { token: fromEnv, created: false, file: 'env:STOWAGE_ADMIN_TOKEN' };
  }
  if (opts.adminTokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(opts.adminTokenFile, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `cannot read the admin token file ${opts.adminTokenFile}: ${(err as Error).message}`,
      );
    }
    const token = text.trim();
    checkAdminToken(token, opts.adminTokenFile);
    return { token, created: false, file: opts.adminTokenFile };
  }
  return loadOrCreateAdminToken(opts.dataDir);
}

function checkAdminToken(token: string, where: string): void {
  if (token.length < 16 || /\s/.test(token)) {
    throw new ConfigError(
      `the admin token from ${where} must be at least 16 characters without spaces; generate one with e.g. \`openssl rand -base64 24\``,
    );
  }
}

export interface MigrateStorageOptions {
  /** The installation to copy: its config (storage must be sqlite metadata) and data directory. */
  from: { configFile?: string; config?: unknown; dataDir: string };
  /** Where to copy it: its config (storage must be postgres metadata) and data directory. */
  to: { configFile?: string; config?: unknown; dataDir: string };
  /** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for S3 (else the AWS SDK's default chain). */
  env?: Record<string, string | undefined>;
  progress?: (line: string) => void;
}

/**
 * Copies a SQLite installation (blobs in its blob store) to PostgreSQL and the target's blob
 * store, checking every blob's checksums as it is copied; safe to run again (see migrate.ts).
 */
export async function migrateStorage(opts: MigrateStorageOptions): Promise<MigrationReport> {
  const load = async (c: { configFile?: string; config?: unknown }): Promise<ServerConfig> =>
    c.config !== undefined
      ? resolveConfig(c.config)
      : c.configFile
        ? loadConfigFile(c.configFile)
        : defaultServerConfig();
  const from = await load(opts.from);
  const to = await load(opts.to);
  if (from.storage.metadata.type !== 'sqlite')
    throw new ConfigError(
      'migrate --from: the source must keep its metadata in SQLite (storage.metadata type sqlite)',
    );
  const target = to.storage.metadata;
  if (target.type !== 'postgres')
    throw new ConfigError(
      'migrate --to: the target must keep its metadata in PostgreSQL (storage.metadata type postgres, url …)',
    );
  const fromBlobs = await openBlobStore(from.storage, opts.from.dataDir, opts.env);
  let toBlobs: BlobStore | undefined;
  try {
    await mkdir(opts.to.dataDir, { recursive: true, mode: 0o700 });
    toBlobs = await openBlobStore(to.storage, opts.to.dataDir, opts.env);
    // Opening the store applies the target's schema migrations.
    const meta = await openMetaStore(to.storage, opts.to.dataDir);
    await meta.close();
    const { migrate } = await import('./internal/migrate.ts');
    return await migrate({
      fromDir: opts.from.dataDir,
      fromBlobs,
      toUrl: target.url,
      ...(target.schema !== undefined ? { toSchema: target.schema } : {}),
      toBlobs,
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
  } finally {
    fromBlobs.close?.();
    toBlobs?.close?.();
  }
}
