/**
 * Bundles the CLI, with @stowage/core, @stowage/server, the web UI's assets and every npm
 * dependency inlined, into dist/stowage.mjs and the dist/stowage-*.mjs files beside it, which
 * run on a machine with only Node installed (a Jenkins agent): `node stowage.mjs …`, or `stowage`
 * once the package is installed. stowage.mjs is a small loader (see `packageBuildOptions`):
 * `--version` reads nothing else, and each command loads only the parts it uses.
 * Writes dist/stowage.licenses.txt beside them: the license of each package the bundle contains,
 * found through esbuild's metafile. Run after `tsc -b` and the server's `build:ui` (it bundles
 * dist/). Copies the same files into the Jenkins library's resources, with stowage.files (their
 * names, the loader last) and stowage.version.
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { packageBuildOptions } from './options.ts';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(cliDir, 'dist');
const licensesFile = path.join(dist, 'stowage.licenses.txt');

interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
}

const readJson = (file: string): PackageJson =>
  JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const cliPackage = readJson(path.join(cliDir, 'package.json'));
const version = cliPackage.version ?? '0.0.0';

/** The bundle's files in a directory: the loader and its parts (what a previous build left too). */
const bundleFiles = (dir: string): string[] =>
  readdirSync(dir).filter((name) => name === 'stowage.mjs' || /^stowage-.+\.mjs$/.test(name));

// The parts' names carry a hash of their content: remove the previous build's.
mkdirSync(dist, { recursive: true });
for (const name of bundleFiles(dist)) rmSync(path.join(dist, name));

const options = packageBuildOptions({
  version,
  bin: path.join(dist, 'bin.js'),
  cli: path.join(dist, 'cli.js'),
  outdir: dist,
});
const metafiles: Metafile[] = [];
for (const o of [options.cli, options.loader]) {
  // Paths in the output (comments, the metafile) are relative to the package, wherever it is.
  const result = await build({ ...o, absWorkingDir: cliDir, metafile: true });
  metafiles.push(result.metafile);
}
const inputs = metafiles.flatMap((m) => Object.keys(m.inputs));
writeFileSync(licensesFile, licenseTexts(inputs));

// The loader last: it is what the Jenkins library checks for, so it is written after its parts.
const files = [
  ...bundleFiles(dist)
    .filter((name) => name !== 'stowage.mjs')
    .sort(),
  'stowage.mjs',
];

// The Jenkins shared library ships the same files as library resources (stowageCli writes them
// onto the agent), pinned to this version.
const jenkinsResources = path.resolve(
  cliDir,
  '..',
  'jenkins',
  'resources',
  'io',
  'stowage',
  'jenkins',
);
mkdirSync(jenkinsResources, { recursive: true });
for (const name of bundleFiles(jenkinsResources)) rmSync(path.join(jenkinsResources, name));
for (const name of files) copyFileSync(path.join(dist, name), path.join(jenkinsResources, name));
copyFileSync(licensesFile, path.join(jenkinsResources, 'stowage.licenses.txt'));
writeFileSync(path.join(jenkinsResources, 'stowage.files'), `${files.join('\n')}\n`);
writeFileSync(path.join(jenkinsResources, 'stowage.version'), `${version}\n`);

/** The license text of every package (workspace or node_modules) that an input file belongs to. */
function licenseTexts(inputs: string[]): string {
  const packageDirs = new Set<string>();
  for (const input of inputs) {
    const dir = packageDirOf(path.resolve(cliDir, input));
    if (dir) packageDirs.add(dir);
  }
  const sections = [...packageDirs]
    .map((dir) => {
      const pkg = readJson(path.join(dir, 'package.json'));
      const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? '');
      return { name: pkg.name ?? path.basename(dir), version: pkg.version ?? '', license, dir };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const s of sections) {
    const id = `${s.name}@${s.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const text = licenseFile(s.dir);
    parts.push(
      `${'-'.repeat(78)}\n${id}\nLicense: ${s.license || 'see below'}\n\n` +
        (
          text ?? `(no license file in the package; package.json says ${s.license || 'nothing'})`
        ).trimEnd() +
        '\n',
    );
  }
  const title = `Licenses of the packages bundled into stowage.mjs and the stowage-*.mjs beside it (${parts.length} packages).\n`;
  return [title, ...parts].join('\n');
}

/** The nearest directory above `file` with a package.json that names a package. */
function packageDirOf(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    try {
      if (readJson(path.join(dir, 'package.json')).name) return dir;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** LICENSE, LICENCE, COPYING (any case, any extension) in the package, or the repository's. */
function licenseFile(dir: string): string | undefined {
  const names = readdirSync(dir).filter((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isFile()) return readFileSync(file, 'utf8');
  }
  // Workspace packages carry the repository's license.
  if (dir.startsWith(path.resolve(cliDir, '..'))) {
    const root = path.resolve(cliDir, '..', '..', 'LICENSE');
    try {
      return readFileSync(root, 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}
