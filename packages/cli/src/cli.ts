#!/usr/bin/env node
/**
 * The `stowage` command. `run(argv, context)` is the whole program and returns the exit code:
 * 0 on success, 1 when the work failed, 2 when the command line was wrong. The bin only calls it.
 */
import { Command, CommanderError } from 'commander';
import { isStowageError } from '@stowage/core';
import { buildCommand } from './commands/build.ts';
import { dispatchCommand } from './commands/dispatch.ts';
import { dockerCommand } from './commands/docker.ts';
import { downloadCommand } from './commands/download.ts';
import { goCommand } from './commands/go.ts';
import { helmCommand } from './commands/helm.ts';
import { loginCommand } from './commands/login.ts';
import { pingCommand } from './commands/ping.ts';
import { reportCommand } from './commands/report.ts';
import { serveCommand } from './commands/serve.ts';
import { migrateCommand } from './commands/migrate.ts';
import { setupCommand } from './commands/setup.ts';
import { uploadCommand } from './commands/upload.ts';
import { auditCommand, tokenCommand } from './commands/token.ts';
import { VERSION, type Output, type RunContext } from './internal/context.ts';
import { CliError, UsageError } from './internal/errors.ts';
import { DEFAULT_URL, type GlobalOptions } from './internal/session.ts';

export type { Output, RunContext } from './internal/context.ts';
export { VERSION } from './internal/context.ts';

/** Builds a fresh command tree writing to the context's streams. */
export function createProgram(ctx: RunContext): Command {
  const program = new Command('stowage');
  program
    .description(
      'Stowage: a universal artifact repository for CI. Upload and download artifacts,\n' +
        'record and publish build-info, promote builds through stages, or run the server.',
    )
    .version(VERSION, '-V, --version')
    .option('--url <url>', `Stowage (or Artifactory) URL (env STOWAGE_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'access token (env STOWAGE_TOKEN; never printed)')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--build-name <name>', 'build name (default: the CI run’s, see `stowage build --help`)')
    .option('--build-number <number>', 'build number (default: the CI run’s)')
    .option(
      '--store-dir <dir>',
      'local build-info store (env STOWAGE_BUILD_STORE, default .stowage/builds)',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (str) => ctx.stdout.write(str),
      writeErr: (str) => ctx.stderr.write(str),
      outputError: (str, write) => write(`stowage: ${str.replace(/^error: /, '')}`),
      getOutHelpWidth: () => ctx.stdout.columns ?? 100,
      getErrHelpWidth: () => ctx.stderr.columns ?? 100,
    })
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage serve\n' +
        '  stowage upload "out/*.csv" generic-staging/nightly-report/ --build-name nightly-report --build-number 7\n' +
        '  stowage build publish nightly-report 7\n' +
        '  stowage build promote nightly-report 7 --to qa\n' +
        '  stowage build list nightly-report\n',
    );
  serveCommand(program, ctx);
  pingCommand(program, ctx);
  migrateCommand(program, ctx);
  uploadCommand(program, ctx);
  downloadCommand(program, ctx);
  buildCommand(program, ctx);
  dispatchCommand(program, ctx);
  goCommand(program, ctx);
  helmCommand(program, ctx);
  setupCommand(program, ctx);
  dockerCommand(program, ctx);
  reportCommand(program, ctx);
  tokenCommand(program, ctx);
  auditCommand(program, ctx);
  loginCommand(program, ctx);
  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], ctx: RunContext): Promise<number> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return report(err, program, ctx, argv.includes('--json'));
  }
}

function report(err: unknown, program: Command, ctx: RunContext, json: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or the help) through configureOutput.
    return err.exitCode === 0 ? 0 : 2;
  }
  const debug = ctx.env.STOWAGE_DEBUG === '1' || ctx.env.STOWAGE_DEBUG === 'true';
  let message = err instanceof Error ? err.message : String(err);
  let code = 'ERR_CLI_UNEXPECTED';
  let exit = 1;
  if (err instanceof UsageError) {
    code = 'ERR_CLI_USAGE';
    exit = 2;
  } else if (err instanceof CliError) {
    code = err.code;
  } else if (isStowageError(err)) {
    code = err.code;
    const g = program.opts<GlobalOptions>();
    if (err.status === 401 && !(g.token ?? ctx.env.STOWAGE_TOKEN)) {
      message += ' (no token was given: set STOWAGE_TOKEN or pass --token)';
    }
  } else if (!debug) {
    message += ' (this is unexpected; rerun with STOWAGE_DEBUG=1 to see where it happened)';
  }
  write(ctx.stderr, `stowage: ${message}\n`);
  if (exit === 2) write(ctx.stderr, '(run with --help for usage)\n');
  if (debug && err instanceof Error && err.stack) write(ctx.stderr, `${err.stack}\n`);
  if (json) write(ctx.stdout, `${JSON.stringify({ error: { code, message } })}\n`);
  return exit;
}

function write(out: Output, text: string): void {
  out.write(text);
}

/** Runs the CLI on this process's arguments and streams; sets the exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    // Request logs must not block on the terminal or a pipe: pino's asynchronous destination.
    // The server module is loaded here only when `serve` (which has loaded it) asks.
    serverLog: async () => (await import('@stowage/server')).asyncLogDestination(1),
    waitForShutdown: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  });
}

if (import.meta.main) await main();
