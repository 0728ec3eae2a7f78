/**
 * Conda channels against real package tooling: packages are made by conda-package-handling
 * (`cph create` from a directory with info/index.json, as `.conda` and as `.tar.bz2`), uploaded to an upstream Stowage and to a
 * downstream local; the downstream virtual [conda-local, conda-remote → upstream] serves a merged
 * repodata.json, checked against the fields conda documents for it (written out by hand below:
 * no schema file is available offline), and the packages it serves are read back with
 * conda-package-streaming. No conda client can be installed here, so none is run.
 * Skipped, with a message, when `cph` is not installed (apt-get install conda-package-handling).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { zstdDecompressSync } from 'node:zlib';
import { startServer, type RunningServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
/** Debian's python3 (where python3-conda-package-streaming installs), not a pyenv shim. */
const PY = '/usr/bin/python3';

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const CPH = has('cph', ['--version']);
const STREAMING = has(PY, ['-c', 'import conda_package_streaming']);

/** The repodata.json fields conda reads, with their JSON types (conda's documented record). */
const RECORD_FIELDS: Record<string, string> = {
  name: 'string',
  version: 'string',
  build: 'string',
  build_number: 'number',
  depends: 'array',
  subdir: 'string',
  md5: 'string',
  sha256: 'string',
  size: 'number',
};
const OPTIONAL_FIELDS: Record<string, string> = {
  license: 'string',
  timestamp: 'number',
  noarch: 'string',
  constrains: 'array',
  track_features: 'string',
  platform: 'string',
  arch: 'string',
};

function repodataProblems(rd: unknown, subdir: string): string[] {
  const p: string[] = [];
  const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v);
  if (kind(rd) !== 'object' || rd === null) return ['repodata is not an object'];
  const doc = rd as Record<string, unknown>;
  const info = doc.info as Record<string, unknown> | undefined;
  if (info?.subdir !== subdir) p.push(`info.subdir is ${String(info?.subdir)}`);
  if (doc.repodata_version !== 1) p.push('repodata_version is not 1');
  if (kind(doc.removed) !== 'array') p.push('removed is not an array');
  for (const key of ['packages', 'packages.conda']) {
    const recs = doc[key];
    if (kind(recs) !== 'object') {
      p.push(`${key} is not an object`);
      continue;
    }
    for (const [file, rec] of Object.entries(recs as Record<string, Record<string, unknown>>)) {
      const ext = key === 'packages.conda' ? '.conda' : '.tar.bz2';
      if (!file.endsWith(ext)) p.push(`${file} is not ${ext}`);
      for (const [f, t] of Object.entries(RECORD_FIELDS)) {
        if (kind(rec[f]) !== t) p.push(`${key}.${file}.${f}: expected ${t}`);
      }
      for (const [f, t] of Object.entries(OPTIONAL_FIELDS)) {
        if (f in rec && kind(rec[f]) !== t) p.push(`${key}.${file}.${f}: expected ${t}`);
      }
      if (!/^[0-9a-f]{64}$/.test(String(rec.sha256))) p.push(`${file}: sha256 is not hex`);
      if (!/^[0-9a-f]{32}$/.test(String(rec.md5))) p.push(`${file}: md5 is not hex`);
      if (`${String(rec.name)}-${String(rec.version)}-${String(rec.build)}${ext}` !== file)
        p.push(`${file}: name-version-build does not match`);
    }
  }
  return p;
}

/** Makes a .conda (or .tar.bz2) with `cph create` from a directory with info/index.json. */
async function makePackage(
  work: string,
  idx: { name: string; version: string; build: string; subdir: string; depends?: string[] },
  ext: 'conda' | 'tar.bz2' = 'conda',
): Promise<string> {
  const dir = join(work, 'pkgsrc', `${idx.name}-${idx.version}-${idx.subdir}`);
  await mkdir(join(dir, 'info'), { recursive: true });
  await mkdir(join(dir, 'share', idx.name), { recursive: true });
  await writeFile(join(dir, 'share', idx.name, 'hello.txt'), `${idx.name} ${idx.version}\n`);
  const index = {
    name: idx.name,
    version: idx.version,
    build: idx.build,
    build_number: 0,
    depends: idx.depends ?? [],
    license: 'MIT',
    subdir: idx.subdir,
    timestamp: 1764000000000,
    ...(idx.subdir === 'noarch' ? { noarch: 'generic' } : { platform: 'linux', arch: 'x86_64' }),
  };
  await writeFile(join(dir, 'info', 'index.json'), JSON.stringify(index, null, 2));
  await writeFile(join(dir, 'info', 'files'), `share/${idx.name}/hello.txt\n`);
  await writeFile(join(dir, 'info', 'paths.json'), JSON.stringify({ paths: [], paths_version: 1 }));
  const out = join(work, 'out');
  await mkdir(out, { recursive: true });
  const file = `${idx.name}-${idx.version}-${idx.build}.${ext}`;
  await run('cph', ['create', dir, file, '--out-folder', out]);
  return join(out, file);
}

async function upload(
  s: RunningServer,
  repo: string,
  subdir: string,
  file: string,
  as = file.split('/').pop() ?? '',
): Promise<Response> {
  return fetch(`${s.url}/api/conda/${repo}/${subdir}/${as}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${s.adminToken}` },
    body: await readFile(file),
  });
}

describe(
  'conda channels (cph-made packages) against Stowage',
  {
    skip: CPH
      ? false
      : 'cph is not installed: skipping the Conda end-to-end test (apt-get install conda-package-handling)',
  },
  () => {
    let up: RunningServer;
    let down: RunningServer;
    let work: string;

    before(async () => {
      work = await tempDir('conda-e2e');
      up = await startServer({
        dataDir: join(work, 'up'),
        host: '127.0.0.1',
        port: 0,
        logger: false,
        config: {
          auth: { anonymousRead: true },
          stages: STAGES,
          repositories: [{ key: 'generic-staging' }, { key: 'conda-up', packageType: 'conda' }],
        },
      });
      down = await startServer({
        dataDir: join(work, 'down'),
        host: '127.0.0.1',
        port: 0,
        logger: false,
        config: {
          auth: { anonymousRead: true },
          stages: STAGES,
          repositories: [
            { key: 'generic-staging' },
            { key: 'conda-local', packageType: 'conda' },
            {
              key: 'conda-remote',
              rclass: 'remote',
              packageType: 'conda',
              url: `${up.url}/api/conda/conda-up`,
            },
            {
              key: 'conda',
              rclass: 'virtual',
              packageType: 'conda',
              repositories: ['conda-local', 'conda-remote'],
              defaultDeploymentRepo: 'conda-local',
            },
          ],
        },
      });
      for (const idx of [
        { name: 'tinylib', version: '1.0', build: 'h0_0', subdir: 'linux-64' },
        { name: 'tinylib', version: '1.1', build: 'h0_0', subdir: 'linux-64' },
        {
          name: 'tinydata',
          version: '2024.1',
          build: 'pyh0_0',
          subdir: 'noarch',
          depends: ['tinylib >=1.0'],
        },
      ]) {
        const res = await upload(up, 'conda-up', idx.subdir, await makePackage(work, idx));
        assert.equal(res.status, 201, await res.text());
      }
      const bz = { name: 'tinybz', version: '0.5', build: 'h0_0', subdir: 'linux-64' };
      const res = await upload(up, 'conda-up', 'linux-64', await makePackage(work, bz, 'tar.bz2'));
      assert.equal(res.status, 201, await res.text());
    });

    after(async () => {
      await down?.close();
      await up?.close();
    });

    it('an upload to the virtual lands in its local; a re-upload is refused', async () => {
      const file = await makePackage(work, {
        name: 'tinyapp',
        version: '0.1',
        build: 'h0_0',
        subdir: 'linux-64',
        depends: ['tinylib', 'tinydata'],
      });
      const res = await upload(down, 'conda', 'linux-64', file);
      const text = await res.text();
      assert.equal(res.status, 201, text);
      assert.equal((JSON.parse(text) as { repo: string }).repo, 'conda-local');
      assert.equal((await upload(down, 'conda', 'linux-64', file)).status, 409);
      const wrong = await upload(down, 'conda', 'osx-64', file);
      assert.equal(wrong.status, 400, 'a linux-64 package is refused in osx-64');
    });

    it('a cph-made .tar.bz2 is read and stored; a re-upload or a wrong name is refused', async () => {
      const file = await makePackage(
        work,
        {
          name: 'tinytool',
          version: '1.0',
          build: 'h0_0',
          subdir: 'linux-64',
          depends: ['tinylib'],
        },
        'tar.bz2',
      );
      const res = await upload(down, 'conda', 'linux-64', file);
      const text = await res.text();
      assert.equal(res.status, 201, text);
      assert.equal((JSON.parse(text) as { repo: string }).repo, 'conda-local');
      const again = await upload(down, 'conda', 'linux-64', file);
      assert.equal(again.status, 409);
      const renamed = await upload(down, 'conda', 'linux-64', file, 'tinytool-1.1-h0_0.tar.bz2');
      assert.equal(renamed.status, 400, 'index.json names tinytool-1.0, not 1.1');
      assert.match(await renamed.text(), /describes tinytool-1\.0-h0_0\.tar\.bz2/);
      const asConda = await upload(down, 'conda', 'linux-64', file, 'tinytool-1.0-h0_0.conda');
      assert.equal(asConda.status, 400, 'a .tar.bz2 is not a .conda');
      const bytes = await readFile(file);
      for (let i = 0; i < 16; i++) {
        const at = (bytes.length >> 1) + i;
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      }
      const corrupt = await fetch(
        `${down.url}/api/conda/conda/linux-64/tinytool-1.2-h0_0.tar.bz2`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${down.adminToken}` },
          body: bytes,
        },
      );
      assert.equal(corrupt.status, 400, 'a corrupt bzip2 stream is refused');
      assert.match(await corrupt.text(), /cannot be read \(bzip2: /);
    });

    it('the virtual serves merged repodata that matches conda’s documented record', async () => {
      for (const subdir of ['linux-64', 'noarch']) {
        const res = await fetch(`${down.url}/api/conda/conda/${subdir}/repodata.json`);
        assert.equal(res.status, 200);
        const rd = (await res.json()) as {
          packages: Record<string, { depends: string[] }>;
          'packages.conda': Record<string, { depends: string[] }>;
        };
        assert.deepEqual(repodataProblems(rd, subdir), []);
        assert.deepEqual(
          Object.keys(rd.packages).sort(),
          subdir === 'noarch' ? [] : ['tinybz-0.5-h0_0.tar.bz2', 'tinytool-1.0-h0_0.tar.bz2'],
        );
        const files = Object.keys(rd['packages.conda']).sort();
        assert.deepEqual(
          files,
          subdir === 'noarch'
            ? ['tinydata-2024.1-pyh0_0.conda']
            : ['tinyapp-0.1-h0_0.conda', 'tinylib-1.0-h0_0.conda', 'tinylib-1.1-h0_0.conda'],
        );
      }
      const current = (await (
        await fetch(`${down.url}/api/conda/conda/linux-64/current_repodata.json`)
      ).json()) as { packages: Record<string, unknown>; 'packages.conda': Record<string, unknown> };
      assert.deepEqual(Object.keys(current['packages.conda']).sort(), [
        'tinyapp-0.1-h0_0.conda',
        'tinylib-1.1-h0_0.conda',
      ]);
      assert.deepEqual(Object.keys(current.packages).sort(), [
        'tinybz-0.5-h0_0.tar.bz2',
        'tinytool-1.0-h0_0.tar.bz2',
      ]);
      const zst = await fetch(`${down.url}/api/conda/conda/linux-64/repodata.json.zst`);
      const json = JSON.parse(zstdDecompressSync(Buffer.from(await zst.arrayBuffer())).toString());
      assert.deepEqual(repodataProblems(json, 'linux-64'), []);
      const empty = await fetch(`${down.url}/api/conda/conda-local/osx-arm64/repodata.json`);
      assert.equal(empty.status, 200, 'every subdir answers, empty when nothing is in it');
    });

    it(
      'packages served through the virtual read back with conda-package-streaming',
      { skip: STREAMING ? false : 'python3-conda-package-streaming is not installed' },
      async () => {
        const rd = (await (
          await fetch(`${down.url}/api/conda/conda/linux-64/repodata.json`)
        ).json()) as Record<
          'packages' | 'packages.conda',
          Record<
            string,
            { sha256: string; md5: string; size: number; name: string; version: string }
          >
        >;
        const all = [...Object.entries(rd['packages.conda']), ...Object.entries(rd.packages)];
        assert.equal(all.length, 5);
        for (const [file, rec] of all) {
          const res = await fetch(
            `${down.url}/api/conda/conda;build.name=cj;build.number=3/linux-64/${file}`,
          );
          assert.equal(res.status, 200);
          assert.equal(res.headers.get('x-checksum-sha256'), rec.sha256);
          const bytes = Buffer.from(await res.arrayBuffer());
          assert.equal(bytes.length, rec.size);
          assert.equal(createHash('md5').update(bytes).digest('hex'), rec.md5);
          const path = join(work, file);
          await writeFile(path, bytes);
          const { stdout } = await run(PY, [
            '-c',
            'import json,sys\nfrom conda_package_streaming import package_streaming as ps\nfor tar, member in ps.stream_conda_info(sys.argv[1]):\n  if member.name == "info/index.json":\n    print(json.dumps(json.load(tar.extractfile(member))))',
            path,
          ]);
          const idx = JSON.parse(stdout) as { name: string; version: string };
          assert.equal(idx.name, rec.name);
          assert.equal(idx.version, rec.version);
        }
        const dl = await fetch(`${down.url}/api/stowage/v1/builds/cj/3/downloads`, {
          headers: { authorization: `Bearer ${down.adminToken}` },
        });
        const { downloads } = (await dl.json()) as { downloads: { path: string }[] };
        assert.equal(downloads.length, 5);
      },
    );
  },
);
