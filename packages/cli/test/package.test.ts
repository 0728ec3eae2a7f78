/**
 * `@stowage/cli` as a user gets it: `npm pack` of the package, `npm i -g --prefix <clean dir>`
 * of the tarball (offline: it has no dependencies), then the installed `stowage` on PATH — on
 * Node 24 and on Node 22 (the maintained LTS lines). Each serves (with the web UI at /ui/) and
 * the client commands upload, publish and promote against it.
 *
 * Node 22 comes from $STOWAGE_NODE22 (a node binary; .ci/run provides it through .ci/node22.sh)
 * or is installed from the npm registry's `node@22` package into .ci/node22 on first use.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(CLI_DIR, '..', '..');
const BUNDLE = join(CLI_DIR, 'dist', 'stowage.mjs');
/** What the package ships in dist/: the loader, the parts it loads, their licenses. */
const SHIPPED = existsSync(BUNDLE)
  ? readdirSync(join(CLI_DIR, 'dist'))
      .filter((n) => /^stowage(-.+)?\.mjs$/.test(n) || n === 'stowage.licenses.txt')
      .sort()
  : [];

/** A Node 22 binary: $STOWAGE_NODE22, or .ci/node22 (installed from the npm registry if absent). */
async function node22(): Promise<string> {
  if (process.env.STOWAGE_NODE22) return process.env.STOWAGE_NODE22;
  const dir = join(ROOT, '.ci', 'node22');
  const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    await mkdir(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json')))
      await writeFile(join(dir, 'package.json'), '{"private":true}\n');
    await run(
      'npm',
      ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', 'node@22'],
      {
        cwd: dir,
      },
    );
  }
  return bin;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('@stowage/cli installed from its npm tarball', () => {
  let work: string;
  let prefix: string;
  let stowage: string;
  const nodes: { name: string; bin: string }[] = [];

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\` first`);
    work = await mkdtemp(join(tmpdir(), 'stowage-pack-'));
    // --ignore-scripts: pack the bundle `npm run build` made rather than rebundling it here.
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      { cwd: CLI_DIR },
    );
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info, 'npm pack reported the tarball');
    assert.deepEqual(
      info.files.map((f) => f.path).sort(),
      ['README.md', 'package.json', ...SHIPPED.map((n) => `dist/${n}`)].sort(),
    );
    prefix = join(work, 'prefix');
    // A clean prefix, offline: everything the command needs is in the package's files.
    await run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--offline',
        '--no-audit',
        '--no-fund',
        join(work, info.filename),
      ],
      { cwd: work },
    );
    stowage = join(prefix, 'bin', 'stowage');
    assert.ok(existsSync(stowage), 'npm linked the stowage bin');
    nodes.push(
      { name: 'Node 24', bin: process.execPath },
      { name: 'Node 22', bin: await node22() },
    );
  });

  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** `stowage …` found on PATH, with `node` on PATH being `nodeBin` (the bin's hashbang). */
  const cli = (
    nodeBin: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn('stowage', args, {
        cwd: work,
        env: {
          PATH: [join(prefix, 'bin'), dirname(nodeBin), '/usr/bin', '/bin'].join(delimiter),
          HOME: work,
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('has no dependencies to install and declares the Node it runs on', async () => {
    const installed = join(prefix, 'lib', 'node_modules', '@stowage', 'cli');
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      private?: boolean;
      dependencies?: Record<string, string>;
      engines?: { node?: string };
    };
    assert.equal(pkg.private, undefined);
    assert.deepEqual(pkg.dependencies ?? {}, {});
    assert.equal(pkg.engines?.node, '>=22');
    assert.ok(!existsSync(join(installed, 'node_modules')), 'nothing installed beside it');
  });

  for (const which of [0, 1]) {
    it(`runs on ${which === 0 ? 'Node 24' : 'Node 22'}: --version, serve with /ui/, upload, publish, promote`, async () => {
      const node = nodes[which]!;
      const v = await cli(node.bin, ['--version']);
      assert.equal(v.code, 0, v.stderr);
      const pkg = JSON.parse(await readFile(join(CLI_DIR, 'package.json'), 'utf8')) as {
        version: string;
      };
      assert.equal(v.stdout.trim(), pkg.version);
      const nodeVersion = (await run(node.bin, ['--version'])).stdout.trim();
      assert.match(nodeVersion, which === 0 ? /^v24\./ : /^v22\./);

      const data = join(work, `data-${which}`);
      const server: ChildProcess = spawn(
        'stowage',
        ['serve', '--port', '0', '--data-dir', data, '--json', '--log-level', 'warn'],
        {
          cwd: work,
          env: {
            PATH: [join(prefix, 'bin'), dirname(node.bin), '/usr/bin', '/bin'].join(delimiter),
            HOME: work,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let serverErr = '';
      server.stderr?.setEncoding('utf8').on('data', (c: string) => (serverErr += c));
      try {
        const lines = createInterface({ input: server.stdout! });
        const first = await Promise.race([
          once(lines, 'line').then(([line]) => line as string),
          once(server, 'close').then(() => {
            throw new Error(`stowage serve exited on ${node.name}:\n${serverErr}`);
          }),
        ]);
        const started = JSON.parse(first) as { url: string; adminTokenFile: string };
        const token = (await readFile(started.adminTokenFile, 'utf8')).trim();
        const auth = { STOWAGE_URL: started.url, STOWAGE_TOKEN: token };

        // The web UI: the shell and its assets, carried inside the bundle (its server part).
        const page = await fetch(`${started.url}/ui/`);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.doesNotMatch(html, /assets are not built/);
        const script = await fetch(`${started.url}/ui/assets/ui.js`);
        assert.equal(script.status, 200);
        assert.match(script.headers.get('content-type') ?? '', /javascript/);
        assert.ok((await script.text()).length > 1000);

        const number = String(10 + which);
        await writeFile(join(work, 'report.csv'), `day,rows\n2026-11-29,${number}\n`);
        const up = await cli(
          node.bin,
          [
            'upload',
            'report.csv',
            `generic-staging/nightly/${number}/`,
            '--build-name',
            'nightly',
            '--build-number',
            number,
          ],
          auth,
        );
        assert.equal(up.code, 0, up.stderr);
        const pub = await cli(node.bin, ['build', 'publish', 'nightly', number], auth);
        assert.equal(pub.code, 0, pub.stderr);
        const prom = await cli(
          node.bin,
          ['build', 'promote', 'nightly', number, '--to', 'qa', '--json'],
          auth,
        );
        assert.equal(prom.code, 0, prom.stderr);

        const headers = { authorization: `Bearer ${token}` };
        const moved = await fetch(`${started.url}/generic-qa/nightly/${number}/report.csv`, {
          headers,
        });
        assert.equal(moved.status, 200);
        assert.equal(await moved.text(), `day,rows\n2026-11-29,${number}\n`);
        const build = (await (
          await fetch(`${started.url}/api/build/nightly/${number}`, { headers })
        ).json()) as {
          buildInfo: { statuses?: { status: string }[] };
        };
        assert.ok(build.buildInfo.statuses?.some((s) => /qa/i.test(s.status)));
      } finally {
        if (server.exitCode === null) {
          server.kill('SIGTERM');
          await once(server, 'close');
        }
      }
      assert.equal(server.exitCode, 0, serverErr);
    });
  }

  it(
    'says in one line what it needs on a Node older than 22 ($STOWAGE_NODE20)',
    { skip: process.env.STOWAGE_NODE20 ? false : 'set STOWAGE_NODE20 to a Node 20 binary' },
    async () => {
      const r = await cli(process.env.STOWAGE_NODE20 ?? '', ['--version']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^stowage: needs Node 22 or later \(24 for stowage serve\); this is Node 20\.[\d.]+\n$/,
      );
    },
  );

  it('the tarball held nothing but the bundle (the loader and its parts), its licenses and the manifest', async () => {
    const names = await readdir(join(prefix, 'lib', 'node_modules', '@stowage', 'cli', 'dist'));
    assert.ok(SHIPPED.includes('stowage.mjs') && SHIPPED.includes('stowage-cli.mjs'));
    assert.deepEqual(names.sort(), SHIPPED);
  });
});
