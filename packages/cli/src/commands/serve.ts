/** `stowage serve`: the embedded repository server in the foreground. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunningServer } from '@stowage/server';
import type { RunContext } from '../internal/context.ts';
import { CliError, UsageError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

interface ServeOptions {
  port: string;
  host: string;
  dataDir?: string;
  config?: string;
  adminTokenFile?: string;
  logLevel: string;
  drainTimeout: string;
  tempMaxAge: string;
  upstream?: string[];
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function serveCommand(program: Command, ctx: RunContext): void {
  program
    .command('serve')
    .summary('run the embedded repository server')
    .description(
      'Run the embedded Artifactory-compatible repository server until SIGINT/SIGTERM.\n' +
        'On the first start it creates an admin token, prints it once on stderr and stores it\n' +
        'in <data-dir>/admin.token. Logs (JSON, pino) go to stdout. Without --config it has\n' +
        'generic-staging/-qa/-release (the stages) and, for each format (npm, pypi, maven, go,\n' +
        'nuget, docker, helm, conda, cran), {format}-local, {format}-remote (the public\n' +
        'registry, or --upstream) and the virtual {format} over both.',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8081')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--data-dir <dir>',
      'blobs, metadata and the admin token (default: $STOWAGE_DATA_DIR or ~/.stowage)',
    )
    .option(
      '--config <file>',
      'YAML or JSON server configuration (repositories, stages, retention)',
    )
    .option(
      '--admin-token-file <file>',
      'read the admin token from this file (or set $STOWAGE_ADMIN_TOKEN): every replica then accepts the same one',
    )
    .option(
      '--upstream <format=url>',
      'without --config: the upstream of that format’s default remote instead of its public registry (repeatable), e.g. npm=http://127.0.0.1:4873',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--temp-max-age <seconds>',
      'at start, remove temporary files (uploads a crash cut off) older than this; other replicas may be writing younger ones (0 for a single server)',
      '3600',
    )
    .option('--log-level <level>', `one of ${LEVELS.join(', ')}`, 'info')
    .option(
      '--drain-timeout <seconds>',
      'on SIGINT/SIGTERM, how long requests in flight may finish before they are cut off',
      '10',
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      await serve(new Session(ctx, cmd), opts);
    });
}

/**
 * The server, loaded only by `serve`: it needs `node:sqlite` (Node 22.13 and later, 24 LTS),
 * which the client commands never touch, so they run on any maintained Node.
 */
async function loadServer(): Promise<typeof import('@stowage/server')> {
  const sqlite = process.getBuiltinModule?.('node:sqlite');
  if (!sqlite) {
    throw new CliError(
      'ERR_CLI_NODE_TOO_OLD',
      `stowage serve needs Node 24 (or 22.13+) for its built-in node:sqlite; this is Node ${process.versions.node} — the other commands work on it`,
    );
  }
  return import('@stowage/server');
}

async function serve(s: Session, opts: ServeOptions): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number between 0 and 65535, got "${opts.port}"`);
  }
  if (!LEVELS.includes(opts.logLevel)) {
    throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got "${opts.logLevel}"`);
  }
  const drain = Number(opts.drainTimeout);
  if (!Number.isFinite(drain) || drain < 0) {
    throw new UsageError(
      `--drain-timeout must be a number of seconds >= 0, got "${opts.drainTimeout}"`,
    );
  }
  const tempMaxAge = Number(opts.tempMaxAge);
  if (!Number.isFinite(tempMaxAge) || tempMaxAge < 0) {
    throw new UsageError(
      `--temp-max-age must be a number of seconds >= 0, got "${opts.tempMaxAge}"`,
    );
  }
  const env = s.ctx.env;
  const dataDir = s.path(
    opts.dataDir ?? env.STOWAGE_DATA_DIR ?? join(env.HOME || homedir(), '.stowage'),
  );
  const upstreams: Record<string, string> = {};
  for (const u of opts.upstream ?? []) {
    const eq = u.indexOf('=');
    const format = u.slice(0, eq).trim().toLowerCase();
    const url = u.slice(eq + 1).trim();
    if (eq <= 0 || !/^https?:\/\/[^/]/.test(url)) {
      throw new UsageError(
        `--upstream takes format=http(s)-url, e.g. npm=http://127.0.0.1:4873; got "${u}"`,
      );
    }
    upstreams[format] = url;
  }
  if (opts.config && Object.keys(upstreams).length) {
    throw new UsageError(
      '--upstream sets the default remotes; with --config, set url on the remotes in the file',
    );
  }
  const { startServer } = await loadServer();
  const log = await s.ctx.serverLog?.();
  let server: RunningServer;
  try {
    server = await startServer({
      dataDir,
      host: opts.host,
      port,
      ...(opts.config ? { configFile: s.path(opts.config) } : { upstreams }),
      ...(opts.adminTokenFile ? { adminTokenFile: s.path(opts.adminTokenFile) } : {}),
      // Storage settings (STOWAGE_METADATA_URL, STOWAGE_BLOBS_TYPE, …), STOWAGE_ADMIN_TOKEN, and
      // the variables remote credentials name (`password: ${NEXUS_PASSWORD}`).
      env,
      logger: { level: opts.logLevel, stream: log ?? s.ctx.stdout },
      drainTimeoutMs: drain * 1000,
      tempMaxAgeMs: tempMaxAge * 1000,
    });
  } catch (err) {
    // A bad config, storage setting or admin token, or a database that cannot be used (by
    // name: the server module is loaded lazily, so its classes are not imported here).
    if (err instanceof Error && (err.name === 'ConfigError' || err.name === 'MetaStoreError')) {
      const c = (err as { code?: unknown }).code;
      throw new CliError(typeof c === 'string' ? c : 'ERR_CONFIG_INVALID', err.message);
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        'ERR_CLI_PORT_IN_USE',
        `port ${port} on ${opts.host} is already in use — is another Stowage running? pick another with --port`,
      );
    }
    if (code === 'EACCES') {
      throw new CliError(
        'ERR_CLI_PORT_DENIED',
        `not allowed to listen on ${opts.host}:${port}; use a port above 1023 with --port`,
      );
    }
    throw err;
  }

  if (s.json) {
    s.out(
      JSON.stringify({
        url: server.url,
        port: server.port,
        dataDir,
        adminTokenFile: server.adminTokenFile,
        adminTokenCreated: server.adminTokenCreated,
      }),
    );
  } else {
    s.out(`Stowage is listening on ${server.url} (data in ${dataDir})`);
  }
  if (server.adminTokenCreated) {
    s.err(
      `\nAn admin token was created. It is shown only this once and stored in ${server.adminTokenFile}:\n\n` +
        `  ${server.adminToken}\n\n` +
        `Use it with: export STOWAGE_URL=${server.url} STOWAGE_TOKEN=<the token>\n`,
    );
  }
  if (server.cleanedTempFiles > 0) {
    s.err(`removed ${server.cleanedTempFiles} temporary file(s) left by interrupted uploads`);
  }
  const signal = s.ctx.waitForShutdown
    ? await s.ctx.waitForShutdown()
    : await new Promise<string>(() => {});
  server.app.log.info({ signal }, 'stopping');
  await server.close();
  log?.flushSync?.();
  if (!s.json) s.out(`Stowage stopped (${signal})`);
}
