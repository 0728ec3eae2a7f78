/** `stowage migrate`: copies a SQLite + file-system installation to PostgreSQL + S3. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunContext } from '../internal/context.ts';
import { CliError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

interface MigrateOptions {
  from: string;
  to: string;
  fromDataDir?: string;
  toDataDir?: string;
}

export function migrateCommand(program: Command, ctx: RunContext): void {
  program
    .command('migrate')
    .summary('copy an installation to other storage backends (SQLite+fs → PostgreSQL+S3)')
    .description(
      'Copy every blob (re-hashed and checked while copying), repository, artifact, property,\n' +
        'build with its promotions, download record and token from a SQLite installation to\n' +
        'the PostgreSQL metadata and blob store named by the --to config, then verify the\n' +
        'target. Running it again copies only what is missing. S3 credentials come from\n' +
        'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the AWS SDK default chain).',
    )
    .requiredOption('--from <config>', 'the source server config (storage.metadata: sqlite)')
    .requiredOption('--to <config>', 'the target server config (storage.metadata: postgres)')
    .option(
      '--from-data-dir <dir>',
      'the source data directory (default: $STOWAGE_DATA_DIR or ~/.stowage)',
    )
    .option(
      '--to-data-dir <dir>',
      'the target data directory, for an fs blob store (default: the source one)',
    )
    .action(async (opts: MigrateOptions, cmd: Command) => {
      await run(new Session(ctx, cmd), opts);
    });
}

async function run(s: Session, opts: MigrateOptions): Promise<void> {
  const env = s.ctx.env;
  const fromDir = s.path(
    opts.fromDataDir ?? env.STOWAGE_DATA_DIR ?? join(env.HOME || homedir(), '.stowage'),
  );
  const toDir = opts.toDataDir ? s.path(opts.toDataDir) : fromDir;
  // The server module (stores, configs) is loaded by the commands that need it, not at start.
  const { ConfigError, MetaStoreError, MigrationError, migrateStorage } =
    await import('@stowage/server');
  try {
    const report = await migrateStorage({
      from: { configFile: s.path(opts.from), dataDir: fromDir },
      to: { configFile: s.path(opts.to), dataDir: toDir },
      env,
      ...(s.json ? {} : { progress: (line: string) => s.err(line) }),
    });
    if (s.json) s.printJson(report);
    else
      s.out(
        `migrated: ${report.blobs.copied} blobs copied (${report.blobs.bytes} bytes), ${report.blobs.present} already there; ` +
          `${report.artifacts} artifacts, ${report.properties} properties, ${report.builds} builds, ` +
          `${report.downloads} new download records, ${report.tokens} tokens; ` +
          `verified ${report.verified.artifacts} artifacts and ${report.verified.blobs} blobs`,
      );
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof MetaStoreError ||
      err instanceof MigrationError
    )
      throw new CliError(err.code, err.message);
    throw err;
  }
}
