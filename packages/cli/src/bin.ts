#!/usr/bin/env node
/**
 * The `stowage` executable. Turns on Node's compile cache before the CLI's modules are parsed
 * (the cache lives in the OS temp folder; a folder that cannot be written only turns it off),
 * answers `--version` without loading them, and otherwise runs the CLI as dist/cli.js does.
 */
import { enableCompileCache } from 'node:module';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { VERSION } = await import('./internal/context.ts');
  process.stdout.write(`${VERSION}\n`);
} else {
  enableCompileCache();
  const { main } = await import('./cli.ts');
  await main();
}
