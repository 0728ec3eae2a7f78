#!/usr/bin/env node
/**
 * The `stowage` executable, in the workspace (dist/bin.js) and in the package (dist/stowage.mjs,
 * the same program bundled by scripts/bundle.ts). It stays small so that Node has little to parse
 * before it runs: it answers `--version` without loading the CLI, and otherwise turns on Node's
 * compile cache (Node 22.1 and later; the cache lives in the OS temp folder, and a folder that
 * cannot be written only turns it off) before the CLI's modules are parsed, then runs the CLI as
 * dist/cli.js does. In the package the CLI is the other `stowage-*.mjs` files beside it, and the
 * server among them is loaded only by the commands that need it.
 */
// The default export, not a named import: a builtin's missing named export fails to link, and this
// module must run far enough to say which Node it needs.
import nodeModule from 'node:module';

if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `stowage: needs Node 22 or later (24 for stowage serve); this is Node ${process.versions.node}\n`,
  );
  process.exit(1);
}

/** Replaced by the version string in the package's bundle (scripts/bundle.ts); unset otherwise. */
declare const STOWAGE_BUNDLED_VERSION: string | undefined;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const version =
    typeof STOWAGE_BUNDLED_VERSION === 'string'
      ? STOWAGE_BUNDLED_VERSION
      : (await import('./internal/context.ts')).VERSION;
  process.stdout.write(`${version}\n`);
} else {
  nodeModule.enableCompileCache?.();
  const { main } = await import('./cli.ts');
  await main();
}
