import { mkdir } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app.ts';
import { defaultServerConfig, loadConfigFile, resolveConfig, type ServerConfig } from './config.ts';
import { loadOrCreateAdminToken } from './internal/auth.ts';
import { FsBlobStore } from './internal/blobstore.ts';
import { SqliteMetaStore } from './internal/metastore.ts';

export { buildApp, type AppOptions } from './app.ts';
export {
  DEFAULT_CONFIG,
  PUBLIC_UPSTREAMS,
  defaultServerConfig,
  loadConfigFile,
  resolveConfig,
  ConfigError,
} from './config.ts';
export type { ServerConfig, Stage, RetentionConfig } from './config.ts';
export { ERRORS, HttpError, type ErrorCode } from './errors.ts';
export { FsBlobStore, type BlobStore, type StagedBlob } from './internal/blobstore.ts';
export {
  SqliteMetaStore,
  type MetaStore,
  type RepoConfig,
  type ArtifactRecord,
} from './internal/metastore.ts';
export { VERSION } from './version.ts';
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
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  adminToken: string;
  /** True when this start created the admin token (show it to the person once). */
  adminTokenCreated: boolean;
  adminTokenFile: string;
  /** Temporary files from interrupted uploads removed at start. */
  cleanedTempFiles: number;
  close(): Promise<void>;
}

/** Opens the stores in dataDir, seeds the configured repositories and listens. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  let config: ServerConfig;
  if (opts.config !== undefined) config = resolveConfig(opts.config);
  else if (opts.configFile) config = await loadConfigFile(opts.configFile);
  else config = defaultServerConfig(opts.upstreams);

  const blobs = new FsBlobStore({ dir: opts.dataDir });
  await blobs.init();
  const cleanedTempFiles = await blobs.cleanup();
  const meta = new SqliteMetaStore({ dir: opts.dataDir });
  for (const repo of config.repositories) await meta.putRepo(repo);
  const token = await loadOrCreateAdminToken(opts.dataDir);

  const app = await buildApp({
    config,
    blobs,
    meta,
    adminToken: token.token,
    logger: opts.logger ?? false,
  });
  app.addHook('onClose', async () => meta.close());
  if (cleanedTempFiles)
    app.log.warn(
      { files: cleanedTempFiles },
      'removed temporary files left by interrupted uploads',
    );
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 8081 });
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
