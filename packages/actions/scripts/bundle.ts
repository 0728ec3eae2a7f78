/**
 * Bundles each action with esbuild into <action>/dist/index.cjs (+ source map, licenses.txt);
 * setup also gets dist/server.cjs, the embedded server it starts, and dist/stowage.mjs, the CLI it
 * puts on PATH. `--check` bundles in memory
 * and fails when the committed dist/ differs (CI's check-dist).
 *
 *   node scripts/bundle.ts           write dist/
 *   node scripts/bundle.ts --check   compare with dist/, exit 1 on a difference
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { cliBuildOptions, lazySqlite } from '../../cli/scripts/options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = resolve(root, '..');

export const ACTIONS = ['setup', 'publish', 'promote', 'report'] as const;

interface Entry {
  action: string;
  source: string;
  out: string;
}

const ENTRIES: Entry[] = [
  ...ACTIONS.map((a) => ({ action: a, source: `src/${a}/index.ts`, out: 'index.cjs' })),
  { action: 'setup', source: 'src/setup/server.ts', out: 'server.cjs' },
];

/** Bundle the workspace packages from their sources, not from a possibly stale dist/. */
const workspaceSources: Plugin = {
  name: 'stowage-workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@stowage\/(core|server)$/ }, (args) => {
      const name = args.path.split('/')[1] ?? '';
      return { path: join(packages, name, 'src', `${name}.ts`) };
    });
  },
};

function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packages, 'cli', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** One notice per bundled third-party package: name, version, license and its license text. */
function licenses(metafile: Metafile): string {
  const seen = new Map<string, string>();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (!m?.[1] || !m[2]) continue;
    const dir = resolve(root, m[1]);
    if (seen.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
      license?: string;
    };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'License.md']
      .map((f) => join(dir, f))
      .find((f) => existsSync(f));
    const text = file ? readFileSync(file, 'utf8').trim() : '(no license file in the package)';
    seen.set(
      dir,
      `${pkg.name ?? m[2]}@${pkg.version ?? '?'}\n${pkg.license ?? 'UNKNOWN'}\n${text}`,
    );
  }
  return `${[...seen.entries()]
    .sort(([, a], [, b]) => a.localeCompare(b))
    .map(([, v]) => v)
    .join('\n\n')}\n`;
}

/** Every file the bundle produces, by path relative to the package root. */
export async function bundle(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const action of ACTIONS) {
    const entries = ENTRIES.filter((e) => e.action === action);
    const metafiles: Metafile[] = [];
    for (const e of entries) {
      const outfile = join(root, action, 'dist', e.out);
      const res = await build({
        absWorkingDir: root,
        entryPoints: [join(root, e.source)],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node24',
        format: 'cjs',
        sourcemap: 'external',
        sourcesContent: false,
        legalComments: 'none',
        minify: true,
        keepNames: true,
        metafile: true,
        write: false,
        logLevel: 'warning',
        plugins: [workspaceSources],
        // @actions/* and @octokit/* ship ESM; this keeps import.meta.url working once bundled as CJS.
        define: { 'import.meta.url': 'import_meta_url' },
        banner: {
          js: 'const import_meta_url = require("node:url").pathToFileURL(__filename).href;',
        },
      });
      metafiles.push(res.metafile);
      for (const f of res.outputFiles) files.set(relative(root, f.path), f.text);
    }
    if (action === 'setup') {
      // The `stowage` command that setup puts on PATH: the CLI's own single-file bundle, built
      // from the sources with the CLI's esbuild options.
      const cli = await build({
        ...cliBuildOptions({ version: cliVersion(), hashbang: false }),
        absWorkingDir: root,
        entryPoints: [join(packages, 'cli', 'src', 'cli.ts')],
        outfile: join(root, action, 'dist', 'stowage.mjs'),
        plugins: [workspaceSources, lazySqlite],
        metafile: true,
        write: false,
      });
      metafiles.push(cli.metafile);
      for (const f of cli.outputFiles) files.set(relative(root, f.path), f.text);
    }
    const merged: Metafile = { inputs: {}, outputs: {} };
    for (const m of metafiles) Object.assign(merged.inputs, m.inputs);
    files.set(join(action, 'dist', 'licenses.txt'), licenses(merged));
  }
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await bundle();
  if (!check) {
    for (const [path, text] of files) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    process.stdout.write(
      `bundled ${files.size} files into ${ACTIONS.map((a) => `${a}/dist`).join(', ')}\n`,
    );
    return;
  }
  const stale: string[] = [];
  for (const [path, text] of files) {
    const committed = await readFile(join(root, path), 'utf8').catch(() => undefined);
    if (committed !== text) stale.push(path);
  }
  if (stale.length) {
    process.stderr.write(
      `dist/ is stale: ${stale.join(', ')} differ from a fresh bundle; run npm run build -w @stowage/actions and commit the result\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`dist/ matches a fresh bundle (${files.size} files)\n`);
}

if (import.meta.main) await main();
