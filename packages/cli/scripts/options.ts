/**
 * The esbuild options of the bundled CLI: `cliBuildOptions`, one file (the setup action's copy,
 * packages/actions/scripts/bundle.ts), and `packageBuildOptions`, the npm package's (and the
 * Jenkins library's) small loader with the rest split beside it (scripts/bundle.ts). Both bundle
 * the same sources with the same settings, so they are the same program.
 *
 * `node:sqlite` (what only `stowage serve` needs, and Node 20 lacks) is not a static import of
 * the bundle: a shim loads it on first use, so the client commands start on any maintained Node.
 * The web UI's built assets are inlined, so `stowage serve` serves /ui/ from the bundle alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `node:sqlite` as a module that loads the builtin only when a database is opened. */
export const lazySqlite: Plugin = {
  name: 'stowage-lazy-sqlite',
  setup(b) {
    b.onResolve({ filter: /^node:sqlite$/ }, () => ({ path: 'node:sqlite', namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      loader: 'js',
      contents: [
        "const load = () => { const m = process.getBuiltinModule('node:sqlite'); if (!m) throw new Error('node:sqlite is not available: Node ' + process.versions.node + ' is too old for the server, use Node 24'); return m; };",
        'export class DatabaseSync { constructor(...args) { return new (load().DatabaseSync)(...args); } }',
        'export class StatementSync { constructor() { throw new TypeError("StatementSync is not constructible"); } }',
      ].join('\n'),
    }));
  },
};

/** The web UI's built assets (packages/server/dist/ui/assets), base64 by file name. */
function uiAssets(): Record<string, string> {
  const dir = path.resolve(cliDir, '..', 'server', 'dist', 'ui', 'assets');
  const out: Record<string, string> = {};
  for (const name of ['ui.js', 'ui.css']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run build:ui -w @stowage/server\` first`);
    }
    out[name] = readFileSync(file).toString('base64');
  }
  return out;
}

export interface CliBuildOptions {
  version: string;
  /** Add a `#!/usr/bin/env node` line (when the entry has none of its own). */
  hashbang: boolean;
}

/**
 * Before any bundled module runs: what this Node lacks (zstd in undici, node:sqlite) would
 * otherwise surface as a stack trace from deep inside a dependency. src/bin.ts says the same.
 */
const NODE_CHECK = [
  'if (Number(process.versions.node.split(".")[0]) < 22) {',
  '  process.stderr.write(`stowage: needs Node 22 or later (24 for stowage serve); this is Node ${process.versions.node}\\n`);',
  '  process.exit(1);',
  '}',
];

/** CommonJS dependencies (fastify, pino, undici, …) call require() for builtins. */
const REQUIRE = [
  "import { createRequire as __stowageCreateRequire } from 'node:module';",
  'const require = __stowageCreateRequire(import.meta.url);',
];

/** What both kinds of bundle share: everything inlined but Node's builtins. */
function common(version: string): BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Builtins stay imports (node:sqlite goes through the lazy shim); everything else is inlined.
    packages: 'bundle',
    plugins: [lazySqlite],
    define: {
      // The version is read from package.json beside dist/ when unbundled; the bundle carries it.
      STOWAGE_BUNDLED_VERSION: JSON.stringify(version),
      STOWAGE_UI_ASSETS: JSON.stringify(uiAssets()),
    },
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Everything but entryPoints/outfile (and write/metafile, which the caller chooses). */
export function cliBuildOptions(o: CliBuildOptions): BuildOptions {
  return {
    ...common(o.version),
    banner: {
      js: [
        ...(o.hashbang ? ['#!/usr/bin/env node'] : []),
        `// stowage ${o.version}: the Stowage CLI in one file. Licenses: stowage.licenses.txt`,
        ...NODE_CHECK,
        ...REQUIRE,
      ].join('\n'),
    },
  };
}

/** The file the loader imports for every command but `--version`: it exports `main()`. */
export const PACKAGE_CLI = 'stowage-cli.mjs';

/**
 * The npm package's CLI, in two builds written to one directory (`outdir`):
 *
 * - `loader`: `stowage.mjs` from src/bin.ts (under 1 KB, with its own hashbang): answers
 *   `--version`, refuses a Node older than 22, turns on the compile cache and imports
 *   `stowage-cli.mjs`, which it leaves an import (its other import, the unbundled version's
 *   package.json reader, is dead code once the version is defined).
 * - `cli`: `stowage-cli.mjs` from src/cli.ts, split (`stowage-<name>-<hash>.mjs` chunks beside it)
 *   at its dynamic imports: the server, with the web UI's assets, is a part that only the
 *   commands using it (`serve`, `migrate`) load.
 *
 * Node parses only what it imports, so a command pays for the parts it runs.
 */
export function packageBuildOptions(o: {
  version: string;
  /** dist/bin.js and dist/cli.js, the compiled entries (tsc). */
  bin: string;
  cli: string;
  outdir: string;
}): { loader: BuildOptions; cli: BuildOptions } {
  const base = common(o.version);
  const toBulk: Plugin = {
    name: 'stowage-loader-imports-cli',
    setup(b) {
      b.onResolve({ filter: /^\.\/cli\.(js|ts)$/ }, () => ({
        path: `./${PACKAGE_CLI}`,
        external: true,
      }));
    },
  };
  return {
    loader: {
      ...base,
      plugins: [toBulk],
      // The loader needs the version only, not the web UI's assets.
      define: { STOWAGE_BUNDLED_VERSION: JSON.stringify(o.version) },
      entryPoints: [o.bin],
      outfile: path.join(o.outdir, 'stowage.mjs'),
      banner: {
        js: `// stowage ${o.version}: the Stowage CLI; the rest is the stowage-*.mjs beside this file. Licenses: stowage.licenses.txt`,
      },
    },
    cli: {
      ...base,
      entryPoints: { 'stowage-cli': o.cli },
      outdir: o.outdir,
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: 'stowage-[name]-[hash]',
      banner: {
        js: [
          `// stowage ${o.version}: part of the Stowage CLI, loaded by stowage.mjs. Licenses: stowage.licenses.txt`,
          ...REQUIRE,
        ].join('\n'),
      },
    },
  };
}
