/**
 * End to end with the real pip and twine: an upstream Stowage holds a wheel; a downstream Stowage
 * has a local PyPI repository (twine uploads a wheel and sdists to it), a remote of the upstream
 * and a virtual over both. pip installs a wheel (whose dependency comes from the upstream) and an
 * sdist (built by pip itself) through the virtual, then again with the upstream stopped; the
 * dependencies read from pip's install report carry the checksums of the files uploaded.
 *
 * The distributions are generated here: each project has a tiny in-tree PEP 517 backend
 * (`requires = []`), so `pip wheel` and pip's sdist builds need nothing from any index.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectDependencies, setupTool } from '@stowage/core';
import { startServer, type RunningServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

const TWINE = existsSync('/usr/bin/twine') ? '/usr/bin/twine' : 'twine';

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const BACKEND = `
import base64, hashlib, io, os, tarfile, zipfile
HERE = os.path.dirname(os.path.abspath(__file__))
NAME, VERSION, REQUIRES = open(os.path.join(HERE, 'project.txt')).read().split('|')
MOD = NAME.replace('-', '_')
def _metadata():
    lines = ['Metadata-Version: 2.1', 'Name: ' + NAME, 'Version: ' + VERSION, 'Requires-Python: >=3.7']
    lines += ['Requires-Dist: ' + r for r in REQUIRES.split(',') if r]
    return '\\n'.join(lines) + '\\n'
def get_requires_for_build_wheel(config_settings=None):
    return []
def get_requires_for_build_sdist(config_settings=None):
    return []
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = '%s-%s.dist-info' % (MOD, VERSION)
    files = {MOD + '/__init__.py': 'NAME = %r\\nVERSION = %r\\n' % (NAME, VERSION),
             info + '/METADATA': _metadata(),
             info + '/WHEEL': 'Wheel-Version: 1.0\\nGenerator: stowage-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}
    record = []
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
        record.append('%s,sha256=%s,%d' % (path, digest, len(data)))
    record.append(info + '/RECORD,,')
    files[info + '/RECORD'] = '\\n'.join(record) + '\\n'
    name = '%s-%s-py3-none-any.whl' % (MOD, VERSION)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), 'w', zipfile.ZIP_DEFLATED) as z:
        for path, text in files.items():
            z.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), text)
    return name
def build_sdist(sdist_directory, config_settings=None):
    base = '%s-%s' % (MOD, VERSION)
    name = base + '.tar.gz'
    with tarfile.open(os.path.join(sdist_directory, name), 'w:gz') as t:
        for f in ('pyproject.toml', 'backend.py', 'project.txt'):
            t.add(os.path.join(HERE, f), base + '/' + f)
        data = _metadata().encode()
        info = tarfile.TarInfo(base + '/PKG-INFO')
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return name
`;

const PYPROJECT = `[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n`;

/** Generates a project and builds the requested distributions with the real pip (wheel) and its backend (sdist). */
async function buildDists(
  root: string,
  name: string,
  version: string,
  requires: string[],
  kinds: ('wheel' | 'sdist')[],
): Promise<string[]> {
  const dir = join(root, `${name}-${version}`);
  const dist = join(root, 'dist', name);
  await mkdir(dir, { recursive: true });
  await mkdir(dist, { recursive: true });
  await writeFile(join(dir, 'pyproject.toml'), PYPROJECT);
  await writeFile(join(dir, 'backend.py'), BACKEND);
  await writeFile(join(dir, 'project.txt'), `${name}|${version}|${requires.join(',')}`);
  if (kinds.includes('wheel')) {
    const r = await run(
      'python3',
      ['-m', 'pip', '--isolated', 'wheel', '--no-deps', '--no-index', '-w', dist, dir],
      {
        env: { HOME: root },
      },
    );
    assert.equal(r.code, 0, r.out);
  }
  if (kinds.includes('sdist')) {
    const r = await run(
      'python3',
      ['-c', `import backend; backend.build_sdist(${JSON.stringify(dist)})`],
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.out);
  }
  return (await readdir(dist)).map((f) => join(dist, f));
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

function twine(
  server: RunningServer,
  repo: string,
  files: string[],
  home: string,
  extra: string[] = [],
) {
  return run(
    TWINE,
    [
      'upload',
      '--non-interactive',
      '--disable-progress-bar',
      '--repository-url',
      `${server.url}/api/pypi/${repo}/`,
      '-u',
      'token',
      '-p',
      server.adminToken,
      ...extra,
      ...files,
    ],
    { env: { HOME: home } },
  );
}

describe('PyPI with the real pip and twine', () => {
  let work: string;
  let up: RunningServer;
  let down: RunningServer;
  let indexUrl: string;
  const sums = new Map<string, string>();

  before(async () => {
    work = await tempDir('pypi-e2e');
    up = await startServer({
      dataDir: join(work, 'up-data'),
      host: '127.0.0.1',
      port: 0,
      config: {
        repositories: [
          { key: 'py-local', rclass: 'local', packageType: 'pypi' },
          { key: 'generic-staging' },
        ],
        // The remote reads the upstream anonymously, as it would read pypi.org.
        auth: { anonymousRead: true },
        stages: [{ name: 'staged', repo: 'generic-staging' }],
      },
    });
    down = await startServer({
      dataDir: join(work, 'down-data'),
      host: '127.0.0.1',
      port: 0,
      config: {
        repositories: [
          { key: 'pypi-local', rclass: 'local', packageType: 'pypi' },
          { key: 'generic-staging' },
          {
            key: 'pypi-remote',
            rclass: 'remote',
            packageType: 'pypi',
            url: `${up.url}/api/pypi/py-local`,
            metadataMaxAgeSec: 0,
          },
          {
            key: 'pypi',
            rclass: 'virtual',
            packageType: 'pypi',
            repositories: ['pypi-local', 'pypi-remote'],
            defaultDeploymentRepo: 'pypi-local',
          },
        ],
        stages: [{ name: 'staged', repo: 'generic-staging' }],
      },
    });
    const setup = await setupTool('pip', {
      url: down.url,
      repo: 'pypi',
      token: down.adminToken,
      dir: work,
      home: work,
    });
    indexUrl = setup.env.find((e) => e.name === 'PIP_INDEX_URL')?.value ?? '';
    assert.ok(setup.env.find((e) => e.name === 'PIP_INDEX_URL')?.secret);
    assert.match(
      await readFile(join(work, 'pip.conf'), 'utf8'),
      /index-url = .*\/api\/pypi\/pypi\/simple\//,
    );
  });
  after(async () => {
    await down?.close();
    await up?.close().catch(() => undefined);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('twine uploads wheels and sdists; re-uploads are refused unless skipped', async () => {
    const upLib = await buildDists(work, 'up-lib', '1.0', [], ['wheel']);
    const appCore = await buildDists(work, 'app-core', '1.0', ['up-lib>=1.0'], ['wheel', 'sdist']);
    const srcOnly = await buildDists(work, 'Src_Only', '2.0', [], ['sdist']);
    for (const f of [...upLib, ...appCore, ...srcOnly])
      sums.set(f.slice(f.lastIndexOf('/') + 1), await sha256Of(f));
    assert.equal(appCore.length, 2);
    let r = await twine(up, 'py-local', upLib, work);
    assert.equal(r.code, 0, r.out);
    r = await twine(down, 'pypi', [...appCore, ...srcOnly], work);
    assert.equal(r.code, 0, r.out);
    r = await twine(down, 'pypi-local', appCore, work);
    assert.notEqual(r.code, 0, 'a re-upload fails');
    assert.match(r.out, /409|already exists/i);
    r = await twine(down, 'pypi-local', appCore, work, ['--skip-existing']);
    assert.equal(r.code, 0, r.out);
  });

  it('pip installs a wheel (with a dependency from the upstream) and an sdist through the virtual', async () => {
    const target = join(work, 't1');
    const r = await run(
      'python3',
      [
        '-m',
        'pip',
        '--isolated',
        'install',
        '--index-url',
        indexUrl,
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--target',
        target,
        '--report',
        join(work, 'r1.json'),
        'app-core',
        'src-only',
      ],
      { env: { HOME: work } },
    );
    assert.equal(r.code, 0, r.out);
    for (const m of ['app_core', 'up_lib', 'Src_Only'])
      assert.ok(existsSync(join(target, m, '__init__.py')), `${m} installed\n${r.out}`);
    const deps = await collectDependencies('pip', { dir: work, file: 'r1.json' });
    const byId = new Map(deps.map((d) => [d.id, d.sha256]));
    assert.equal(byId.get('app-core:1.0'), sums.get('app_core-1.0-py3-none-any.whl'));
    assert.equal(byId.get('up-lib:1.0'), sums.get('up_lib-1.0-py3-none-any.whl'));
    assert.equal(
      byId.get('src-only:2.0'),
      sums.get('Src_Only-2.0.tar.gz') ?? sums.get('src_only-2.0.tar.gz'),
    );
  });

  it("Debian's own pip (22.3-23.1 read PEP 714's old JSON key) installs through the virtual", async (t) => {
    const debianPip = await run('/usr/bin/python3', ['-m', 'pip', '--version'], {});
    if (debianPip.code !== 0) {
      t.skip('no /usr/bin/python3 -m pip here (apt-get install python3-pip)');
      return;
    }
    const target = join(work, 't-debian');
    const r = await run(
      '/usr/bin/python3',
      [
        '-m',
        'pip',
        '--isolated',
        'install',
        '--index-url',
        indexUrl,
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--target',
        target,
        'app-core',
        'src-only',
      ],
      { env: { HOME: work } },
    );
    assert.equal(r.code, 0, `${debianPip.out}\n${r.out}`);
    assert.doesNotMatch(r.out, /unhashable type/);
    for (const m of ['app_core', 'up_lib', 'Src_Only'])
      assert.ok(existsSync(join(target, m, '__init__.py')), `${m} installed\n${r.out}`);
  });

  it('installs again from the cache with the upstream stopped', async () => {
    await up.close();
    const target = join(work, 't2');
    const r = await run(
      'python3',
      [
        '-m',
        'pip',
        '--isolated',
        'install',
        '--index-url',
        indexUrl,
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--target',
        target,
        '--report',
        join(work, 'r2.json'),
        'app-core',
        'src-only',
      ],
      { env: { HOME: work } },
    );
    assert.equal(r.code, 0, r.out);
    assert.ok(existsSync(join(target, 'up_lib', '__init__.py')));
    const deps = await collectDependencies('pip', { dir: work, file: 'r2.json' });
    assert.equal(
      deps.find((d) => d.id === 'up-lib:1.0')?.sha256,
      sums.get('up_lib-1.0-py3-none-any.whl'),
    );
  });
});
