/**
 * The bundled CLI (dist/stowage.mjs, a small loader, and the dist/stowage-*.mjs parts it loads,
 * made by `npm run build`) copied alone into an empty directory, with no node_modules anywhere
 * above it, as on a Jenkins agent with only Node: it prints its version and help, serves, and
 * uploads to the server it serves. The loader answers `--version` with its parts absent, and each
 * command reads only the parts it uses (proven by leaving the others out of a copy).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BUNDLE = join(DIST, 'stowage.mjs');
const LICENSES = join(DIST, 'stowage.licenses.txt');
/** The loader and its parts, as the package ships them. */
const FILES = existsSync(DIST)
  ? readdirSync(DIST).filter((n) => n === 'stowage.mjs' || /^stowage-.+\.mjs$/.test(n))
  : [];
const SERVER_PART = FILES.find((n) => /^stowage-server-.+\.mjs$/.test(n));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The static and dynamic imports of an ES module's text: `import … from '…'`, `import('…')`. */
function importsOf(text: string): { static: string[]; dynamic: string[] } {
  return {
    static: [...text.matchAll(/^import\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? ''),
    dynamic: [...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? ''),
  };
}

describe('stowage.mjs, the bundled CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;
  /** A copy of the bundle without its server part. */
  let clientOnly: string;

  const node = (
    cwd: string,
    args: string[],
    extra: Record<string, string> = {},
    nodeBin = process.execPath,
  ): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(nodeBin, ['stowage.mjs', ...args], { cwd, env: { ...env, ...extra } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const bundle = (args: string[], extra: Record<string, string> = {}): Promise<Result> =>
    node(dir, args, extra);

  /** A directory of its own holding only `names` of the bundle's files. */
  const copyOf = async (name: string, names: string[]): Promise<string> => {
    const to = join(dir, name);
    await mkdir(to);
    for (const n of names) await copyFile(join(DIST, n), join(to, n));
    return to;
  };

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` first`);
    dir = await mkdtemp(join(tmpdir(), 'stowage-bundle-'));
    assert.ok(!existsSync(join(dir, 'node_modules')));
    for (const n of FILES) await copyFile(join(DIST, n), join(dir, n));
    // Only what a bare agent has: no CI variables, no NODE_PATH, a home of its own.
    env = { PATH: process.env.PATH ?? '', HOME: dir };
    clientOnly = await copyOf(
      'client-only',
      FILES.filter((n) => n !== SERVER_PART),
    );
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'close');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('is a small executable loader; its parts import nothing but Node builtins and each other', async () => {
    const loader = await readFile(BUNDLE, 'utf8');
    assert.ok(loader.startsWith('#!/usr/bin/env node\n'), 'starts with the hashbang');
    assert.equal(loader.match(/^#!/gm)?.length, 1, 'one hashbang');
    // What Node parses before it can answer --version: the loader alone, a few hundred bytes.
    assert.ok(loader.length < 4096, `the loader is ${loader.length} characters`);
    const own = importsOf(loader);
    assert.deepEqual(own.static, ['node:module']);
    assert.deepEqual(own.dynamic, ['./stowage-cli.mjs']);
    assert.ok(FILES.includes('stowage-cli.mjs'));
    assert.ok(SERVER_PART, `a server part among ${FILES.join(', ')}`);
    for (const name of FILES.filter((n) => n !== 'stowage.mjs')) {
      const { static: imports, dynamic } = importsOf(await readFile(join(DIST, name), 'utf8'));
      assert.ok(imports.length > 0, name);
      // Nothing is left to resolve at run time but Node's builtins and the other parts.
      for (const spec of [...imports, ...dynamic.filter((d) => d.startsWith('./stowage-'))]) {
        const part = /^\.\/(stowage-.+\.mjs)$/.exec(spec)?.[1];
        assert.ok(
          isBuiltin(spec) || (part !== undefined && FILES.includes(part)),
          `${name} imports ${spec}, which is neither a Node builtin nor a part of the bundle`,
        );
      }
    }
    // The command-line part loads the server only when a command asks for it.
    const cli = importsOf(await readFile(join(DIST, 'stowage-cli.mjs'), 'utf8'));
    assert.ok(!cli.static.includes(`./${SERVER_PART}`), 'stowage-cli.mjs imports the server');
    assert.ok(cli.dynamic.includes(`./${SERVER_PART}`));
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(
      await readFile(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    const r = await bundle(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('answers --version and -V from the loader alone, and loads its parts for anything else', async () => {
    const alone = await copyOf('loader-alone', ['stowage.mjs']);
    const tmp = join(alone, 'tmp');
    await mkdir(tmp);
    for (const flag of ['--version', '-V']) {
      const r = await node(alone, [flag], { TMPDIR: tmp });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, (await bundle([flag])).stdout);
    }
    // --version did not turn Node's compile cache on (it is kept in the OS temp folder)...
    assert.deepEqual(await readdir(tmp), []);
    // ...and every other command needs the parts: here, missing, the CLI's is named.
    for (const args of [['--help'], ['build', 'list', '--help'], ['--version', '--json']]) {
      const r = await node(alone, args, { TMPDIR: tmp });
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /ERR_MODULE_NOT_FOUND/);
      assert.match(r.stderr, /stowage-cli\.mjs/);
    }
  });

  it('turns on Node’s compile cache for the commands that load the CLI', async () => {
    const tmp = join(dir, 'compile-cache-tmp');
    await mkdir(tmp);
    const r = await bundle(['build', 'list', '--help'], { TMPDIR: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: stowage build list/);
    assert.ok((await readdir(join(tmp, 'node-compile-cache'))).length > 0);
  });

  it('runs the client commands without the server part, which `serve` loads', async () => {
    assert.ok(SERVER_PART);
    const help = await node(clientOnly, ['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^ {2}serve\b/m);
    // A command that fails on its own (nothing matches), not for want of a part. (The upload to
    // a real server from this copy is in the serve test below.)
    const up = await node(clientOnly, ['upload', 'none-*.csv', 'generic-staging/x/', '--json']);
    assert.equal(up.code, 1);
    assert.equal(
      (JSON.parse(up.stdout) as { error: { code: string } }).error.code,
      'ERR_CLI_NO_MATCH',
    );
    const serve = await node(clientOnly, [
      'serve',
      '--port',
      '0',
      '--data-dir',
      join(clientOnly, 'data'),
    ]);
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, new RegExp(SERVER_PART.replace(/[.]/g, '\\.')));
  });

  it(
    'says in one line what it needs on a Node older than 22 ($STOWAGE_NODE20)',
    { skip: process.env.STOWAGE_NODE20 ? false : 'set STOWAGE_NODE20 to a Node 20 binary' },
    async () => {
      for (const args of [['--version'], ['--help']]) {
        const r = await node(dir, args, {}, process.env.STOWAGE_NODE20 ?? '');
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.match(
          r.stderr,
          /^stowage: needs Node 22 or later \(24 for stowage serve\); this is Node 20\.[\d.]+\n$/,
        );
      }
    },
  );

  it('prints its help', async () => {
    const r = await bundle(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['serve', 'upload', 'download', 'build', 'setup']) {
      assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    }
  });

  it('serves on port 0, with the web UI, and takes an upload stamped with a build', async () => {
    const data = join(dir, 'data');
    server = spawn(
      process.execPath,
      ['stowage.mjs', 'serve', '--port', '0', '--data-dir', data, '--json', '--log-level', 'warn'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    server.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const lines = createInterface({ input: server.stdout! });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(server, 'close').then(() => {
        throw new Error(`stowage serve exited:\n${stderr}`);
      }),
    ]);
    const started = JSON.parse(first) as { url: string; adminTokenFile: string };
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const token = (await readFile(started.adminTokenFile, 'utf8')).trim();
    const auth = { STOWAGE_URL: started.url, STOWAGE_TOKEN: token };

    // The web UI: its shell and assets, carried inside the server part.
    const page = await fetch(`${started.url}/ui/`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(await page.text(), /assets are not built/);
    const script = await fetch(`${started.url}/ui/assets/ui.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await script.text()).length > 1000);

    const content = 'day,rows\n2026-11-25,1314\n';
    await writeFile(join(clientOnly, 'report.csv'), content);
    // Uploaded by the copy without the server part: a client command does not need it.
    const up = await node(
      clientOnly,
      [
        'upload',
        'report.csv',
        'generic-staging/nightly/7/',
        '--build-name',
        'nightly',
        '--build-number',
        '7',
        '--json',
      ],
      auth,
    );
    assert.equal(up.code, 0, up.stderr);
    const uploaded = JSON.parse(up.stdout) as { files: { path: string }[] };
    assert.deepEqual(
      uploaded.files.map((f) => f.path),
      ['nightly/7/report.csv'],
    );

    const pub = await node(clientOnly, ['build', 'publish', 'nightly', '7', '--json'], auth);
    assert.equal(pub.code, 0, pub.stderr);

    const headers = { authorization: `Bearer ${token}` };
    const file = await fetch(`${started.url}/generic-staging/nightly/7/report.csv`, { headers });
    assert.equal(file.status, 200);
    assert.equal(await file.text(), content);
    const build = await fetch(`${started.url}/api/build/nightly/7`, { headers });
    assert.equal(build.status, 200);
    const info = (await build.json()) as {
      buildInfo: { modules: { artifacts: { name: string }[] }[] };
    };
    assert.equal(info.buildInfo.modules[0]?.artifacts[0]?.name, 'report.csv');

    server.kill('SIGTERM');
    const [code] = (await once(server, 'close')) as [number | null];
    assert.equal(code, 0, `serve stopped with ${code}:\n${stderr}`);
  });

  it('comes with the license texts of what it bundles', async () => {
    const text = await readFile(LICENSES, 'utf8');
    assert.match(
      text,
      /^Licenses of the packages bundled into stowage\.mjs and the stowage-\*\.mjs/,
    );
    for (const name of ['fastify', 'commander', 'undici', 'yaml', '@stowage/server']) {
      assert.match(text, new RegExp(`^${name.replace('/', '\\/')}@\\d`, 'm'), name);
    }
    assert.match(text, /Permission is hereby granted/);
  });
});
