/**
 * Bundles the CLI, with @stowage/core, @stowage/server, the web UI's assets and every npm
 * dependency inlined, into one file, dist/stowage.mjs, that runs on a machine with only Node
 * installed (a Jenkins agent): `node stowage.mjs …`, or `stowage` once the package is installed.
 * Writes dist/stowage.licenses.txt beside it: the license of each package the bundle contains,
 * found through esbuild's metafile. Run after `tsc -b` and the server's `build:ui` (it bundles
 * dist/).
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cliBuildOptions } from './options.ts';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(cliDir, 'dist', 'stowage.mjs');
const licensesFile = path.join(cliDir, 'dist', 'stowage.licenses.txt');

interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
}

const readJson = (file: string): PackageJson =>
  JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const cliPackage = readJson(path.join(cliDir, 'package.json'));
const entry = path.join(cliDir, 'dist', 'cli.js');
// esbuild keeps the entry's own hashbang; the banner adds one only when it has none.
const hashbang = readFileSync(entry, 'utf8').startsWith('#!') ? [] : ['#!/usr/bin/env node'];

const result = await build({
  ...cliBuildOptions({ version: cliPackage.version ?? '0.0.0', hashbang: hashbang.length > 0 }),
  entryPoints: [entry],
  outfile,
  metafile: true,
});

writeFileSync(licensesFile, licenseTexts(Object.keys(result.metafile.inputs)));

// The Jenkins shared library ships the same file as a library resource (stowageCli writes it
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
copyFileSync(outfile, path.join(jenkinsResources, 'stowage.mjs'));
copyFileSync(licensesFile, path.join(jenkinsResources, 'stowage.licenses.txt'));
writeFileSync(path.join(jenkinsResources, 'stowage.version'), `${cliPackage.version ?? '0.0.0'}\n`);

/** The license text of every package (workspace or node_modules) that an input file belongs to. */
function licenseTexts(inputs: string[]): string {
  const packageDirs = new Set<string>();
  for (const input of inputs) {
    const dir = packageDirOf(path.resolve(process.cwd(), input));
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
  const title = `Licenses of the packages bundled into stowage.mjs (${parts.length} packages).\n`;
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
