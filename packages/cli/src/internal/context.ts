/**
 * What a CLI run may touch. `run()` gets all of it as arguments, so tests drive the CLI without
 * a child process, and nothing below `cli.ts` reads `process` itself.
 */
import { readFileSync } from 'node:fs';

/** A stream the CLI writes to: `process.stdout`, or a collector in tests. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface RunContext {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  /** Directory that relative paths are resolved against. */
  cwd: string;
  /**
   * Resolves when the process is asked to stop (SIGINT/SIGTERM) with the signal's name. Only
   * `stowage serve` waits on it; the bin installs the signal handlers lazily, when called.
   */
  waitForShutdown?: () => Promise<string>;
  /**
   * Opens where `stowage serve` writes its JSON logs when not to `stdout` (the bin gives an
   * asynchronous destination on fd 1, flushed on shutdown). Asynchronous: the bin's comes from
   * the server module, which only `serve` loads.
   */
  serverLog?: () => Promise<{ write(line: string): unknown; flushSync?(): void }>;
}

/** Replaced by the version string in the single-file bundle (scripts/bundle.ts); unset otherwise. */
declare const STOWAGE_BUNDLED_VERSION: string | undefined;

/**
 * The CLI's version: the bundle's, or read from its package.json (one level above both src/ and
 * dist/).
 */
export const VERSION: string = (() => {
  if (typeof STOWAGE_BUNDLED_VERSION === 'string') return STOWAGE_BUNDLED_VERSION;
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
