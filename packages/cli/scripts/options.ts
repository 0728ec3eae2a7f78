/**
 * The esbuild options of the single-file CLI, shared by the CLI's own bundle (scripts/bundle.ts,
 * the npm package) and the setup action's copy (packages/actions/scripts/bundle.ts), so both are
 * the same program.
 *
 * `node:sqlite` (what only `stowage serve` needs, and Node 20 lacks) is not a static import of
 * the bundle: a shim loads it on first use, so the client commands start on any maintained Node.
 * The web UI's built assets are inlined, so `stowage serve` serves /ui/ from the one file.
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

/** Everything but entryPoints/outfile (and write/metafile, which the caller chooses). */
export function cliBuildOptions(o: CliBuildOptions): BuildOptions {
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
      STOWAGE_BUNDLED_VERSION: JSON.stringify(o.version),
      STOWAGE_UI_ASSETS: JSON.stringify(uiAssets()),
    },
    banner: {
      // CommonJS dependencies (fastify, pino, undici, …) call require() for builtins.
      js: [
        ...(o.hashbang ? ['#!/usr/bin/env node'] : []),
        `// stowage ${o.version}: the Stowage CLI in one file. Licenses: stowage.licenses.txt`,
        // Before any bundled module runs: what this Node lacks (zstd in undici, node:sqlite)
        // would otherwise surface as a stack trace from deep inside a dependency.
        'if (Number(process.versions.node.split(".")[0]) < 22) {',
        '  process.stderr.write(`stowage: needs Node 22 or later (24 for stowage serve); this is Node ${process.versions.node}\\n`);',
        '  process.exit(1);',
        '}',
        "import { createRequire as __stowageCreateRequire } from 'node:module';",
        'const require = __stowageCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'none',
    logLevel: 'warning',
  };
}
