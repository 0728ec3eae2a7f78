/**
 * What every command needs from the global options: the client, the build name and number
 * (argument, option, or the CI system's), the local build-info store and the output helpers.
 * This is the one place that turns the environment into core options.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BuildStore, RepositoryClient, detectCi, type CiInfo } from '@stowage/core';
import { VERSION, type RunContext } from './context.ts';
import { UsageError } from './errors.ts';

export const DEFAULT_URL = 'http://127.0.0.1:8081';

/** Options defined on the program, accepted before or after any command. */
export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
  buildName?: string;
  buildNumber?: string;
  storeDir?: string;
}

export interface BuildRef {
  name: string;
  number: string;
}

export class Session {
  readonly ctx: RunContext;
  readonly globals: GlobalOptions;
  readonly ci: CiInfo;

  constructor(ctx: RunContext, cmd: Command) {
    this.ctx = ctx;
    this.globals = cmd.optsWithGlobals<GlobalOptions>();
    this.ci = detectCi(ctx.env);
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  get url(): string {
    return this.globals.url ?? this.ctx.env.STOWAGE_URL ?? DEFAULT_URL;
  }

  get hasToken(): boolean {
    return (this.globals.token ?? this.ctx.env.STOWAGE_TOKEN ?? '') !== '';
  }

  /** A client for the configured server; call `close()` when done (see `withClient`). */
  client(build?: BuildRef): RepositoryClient {
    const token = this.globals.token ?? this.ctx.env.STOWAGE_TOKEN;
    return new RepositoryClient({
      url: this.url,
      ...(token ? { token } : {}),
      ...(this.ctx.env.STOWAGE_USER ? { user: this.ctx.env.STOWAGE_USER } : {}),
      userAgent: `stowage-cli/${VERSION}`,
      ...(build ? { build } : {}),
    });
  }

  async withClient<T>(fn: (client: RepositoryClient) => Promise<T>, build?: BuildRef): Promise<T> {
    const client = this.client(build);
    try {
      return await fn(client);
    } finally {
      await client.close().catch(() => {});
    }
  }

  /**
   * The build from positional arguments, else `--build-name/--build-number`, else the CI system
   * (GitHub Actions, Jenkins). Undefined when none gives both; a name without a number (or the
   * reverse) is a usage error.
   */
  build(name?: string, number?: string): BuildRef | undefined {
    const n = name ?? this.globals.buildName ?? this.ci.name;
    const m = number ?? this.globals.buildNumber ?? this.ci.number;
    if (n === undefined && m === undefined) return undefined;
    if (n === undefined || n === '')
      throw new UsageError(
        `build number ${m} was given without a build name; pass --build-name (or the name argument)`,
      );
    if (m === undefined || m === '')
      throw new UsageError(
        `build name "${n}" was given without a build number; pass --build-number (or the number argument)`,
      );
    return { name: n, number: m };
  }

  /** Like `build()`, but one is required. */
  requireBuild(name?: string, number?: string): BuildRef {
    const b = this.build(name, number);
    if (!b) {
      throw new UsageError(
        'no build given: pass <name> <number>, or --build-name and --build-number (inside GitHub Actions or Jenkins they default to the run)',
      );
    }
    return b;
  }

  /** The local build-info store: --store-dir, $STOWAGE_BUILD_STORE, or .stowage/builds in cwd. */
  store(): BuildStore {
    const dir =
      this.globals.storeDir ?? this.ctx.env.STOWAGE_BUILD_STORE ?? join('.stowage', 'builds');
    return new BuildStore({ dir: isAbsolute(dir) ? dir : resolve(this.ctx.cwd, dir) });
  }

  /** Resolves a user-given local path against the run's cwd. */
  path(p: string): string {
    return resolve(this.ctx.cwd, p);
  }

  out(text: string): void {
    this.ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.ctx.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints a JSON document on stdout (for --json). */
  printJson(value: unknown): void {
    this.ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** `--threads` and friends: a positive integer, or a usage error naming the option. */
export function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1, got "${value}"`);
  }
  return n;
}

export function nonNegativeInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`${option} must be a whole number of at least 0, got "${value}"`);
  }
  return n;
}
