/**
 * End to end: `stowage docker push|pull|layers|diff` with the real skopeo against a real Stowage.
 * A three-layer OCI layout is built with umoci and pushed as build img-job #1; one layer is
 * changed and the image pushed as #2; both build-infos are published and their docker modules
 * checked against what the registry serves; then `stowage docker layers` (image and build),
 * `stowage docker diff img-job/1 img-job/2` (two shared layers, one new, one removed) and a
 * `stowage docker pull` back into a layout with the same digests.
 * Skipped, with a message, when skopeo or umoci is missing (apt-get install -y skopeo umoci).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '@stowage/server';
import type { BuildInfo, ImageDiffReport } from '@stowage/core';
import { requireBuiltCli, runCli, tempDir, type CliResult } from './helpers.ts';

const run = promisify(execFile);

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const MISSING = ['skopeo', 'umoci'].filter((c) => !has(c));

const sha256 = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Manifest {
  config: { digest: string; size: number };
  layers: { digest: string; size: number }[];
}

describe(
  'stowage docker with skopeo and umoci against Stowage',
  {
    skip: MISSING.length
      ? `${MISSING.join(', ')} not installed: skipping the docker CLI end-to-end test (apt-get install -y skopeo umoci)`
      : false,
  },
  () => {
    let work: string;
    let layout: string;
    let server: RunningServer;
    let env: Record<string, string>;
    const pushed: Record<string, Manifest & { digest: string }> = {};

    const cli = async (args: string[], build?: string): Promise<CliResult> => {
      const extra = build ? ['--build-name', 'img-job', '--build-number', build] : [];
      const r = await runCli([...args, ...extra], { env, cwd: work, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `stowage ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
      return r;
    };

    const addLayer = async (tag: string, files: Record<string, string>): Promise<void> => {
      const dir = join(work, `layer-${Math.random().toString(36).slice(2)}`);
      await mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      await run('tar', ['-cf', `${dir}.tar`, '-C', dir, '.']);
      await run('umoci', ['raw', 'add-layer', '--image', `${layout}:${tag}`, `${dir}.tar`]);
    };

    const registryManifest = async (ref: string): Promise<{ digest: string; doc: Manifest }> => {
      const res = await fetch(`${server.url}/v2/docker-local/etl/manifests/${ref}`, {
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          accept: 'application/vnd.oci.image.manifest.v1+json',
        },
      });
      assert.equal(res.status, 200);
      const body = Buffer.from(await res.arrayBuffer());
      return { digest: sha256(body), doc: JSON.parse(body.toString('utf8')) as Manifest };
    };

    before(async () => {
      requireBuiltCli();
      work = await tempDir('docker-cli');
      layout = join(work, 'layout');
      server = await startServer({
        dataDir: join(work, 'data'),
        host: '127.0.0.1',
        port: 0,
        logger: false,
        config: {
          stages: [{ name: 'staged', repo: 'generic-staging' }],
          repositories: [
            { key: 'generic-staging' },
            { key: 'docker-local', packageType: 'docker' },
          ],
        },
      });
      env = {
        STOWAGE_URL: server.url,
        STOWAGE_TOKEN: server.adminToken,
        HOME: work,
        STOWAGE_BUILD_STORE: join(work, 'store'),
      };
      await run('umoci', ['init', '--layout', layout]);
      // v1: base, lib, app. v2: the same base and lib, another app layer.
      await run('umoci', ['new', '--image', `${layout}:v1`]);
      await run('umoci', ['config', '--image', `${layout}:v1`, '--architecture', 'amd64']);
      await addLayer('v1', { 'base.txt': 'base layer\n'.repeat(300) });
      await addLayer('v1', { 'lib.txt': 'library layer\n'.repeat(200) });
      await run('umoci', ['tag', '--image', `${layout}:v1`, 'v2']);
      await addLayer('v1', { 'app.txt': 'application v1\n'.repeat(50) });
      await addLayer('v2', { 'app.txt': 'application v2, rather bigger\n'.repeat(400) });
    });

    after(async () => {
      await server?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('pushes two builds of the image and records docker modules that match the registry', async () => {
      for (const [number, tag] of [
        ['1', 'v1'],
        ['2', 'v2'],
      ] as const) {
        const r = await cli(
          ['docker', 'push', `oci:${layout}:${tag}`, `docker-local/etl:${number}`],
          number,
        );
        assert.match(r.stdout, /pushed oci:.* → docker:\/\/127\.0\.0\.1:\d+\/docker-local\/etl:/);
        assert.match(r.stdout, /recorded in build img-job #/);
        await cli(['build', 'publish', 'img-job', number]);
        const m = await registryManifest(number);
        pushed[number] = { ...m.doc, digest: m.digest };
        assert.equal(m.doc.layers.length, 3);
      }
      for (const number of ['1', '2']) {
        const res = await fetch(`${server.url}/api/build/img-job/${number}`, {
          headers: { authorization: `Bearer ${server.adminToken}` },
        });
        const info = ((await res.json()) as { buildInfo: BuildInfo }).buildInfo;
        const mod = info.modules?.find((m) => m.type === 'docker');
        assert.ok(mod, `build ${number} has a docker module`);
        const want = pushed[number];
        assert.ok(want);
        assert.equal(mod.id, `etl:${number}`);
        assert.equal(mod.properties?.['docker.image.digest'], want.digest);
        assert.equal(mod.properties?.['docker.image.tag'], number);
        assert.equal(mod.properties?.['docker.image.platform'], 'linux/amd64');
        const blobs = [
          { ...want.config, type: 'config' },
          ...want.layers.map((l) => ({ ...l, type: 'layer' })),
        ];
        assert.deepEqual(
          mod.artifacts?.map((a) => [a.name, a.type, `sha256:${a.sha256}`, a.size]),
          blobs.map((b) => [b.digest.replace(':', '__'), b.type, b.digest, b.size]),
        );
        // The registry serves each blob with that size and digest.
        for (const b of blobs) {
          const blob = await fetch(`${server.url}/v2/docker-local/etl/blobs/${b.digest}`, {
            headers: { authorization: `Bearer ${server.adminToken}` },
          });
          const bytes = Buffer.from(await blob.arrayBuffer());
          assert.equal(bytes.length, b.size);
          assert.equal(sha256(bytes), b.digest);
        }
      }
      // The pushed digest is the layout's: skopeo copied the image unchanged.
      const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
        manifests: { digest: string; annotations?: Record<string, string> }[];
      };
      const v1 = index.manifests.find(
        (m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1',
      );
      assert.equal(v1?.digest, pushed['1']?.digest);
    });

    it('docker layers shows the registry’s layers of an image and of a build', async () => {
      const want = pushed['2'];
      assert.ok(want);
      const img = await cli(['docker', 'layers', 'docker-local/etl:2', '--json']);
      const view = JSON.parse(img.stdout) as {
        digest: string;
        layers: { digest: string; size: number }[];
        totalSize: number;
      };
      assert.equal(view.digest, want.digest);
      assert.deepEqual(
        view.layers.map((l) => [l.digest, l.size]),
        want.layers.map((l) => [l.digest, l.size]),
      );
      const table = await cli(['docker', 'layers', 'docker-local/etl:2']);
      assert.match(table.stdout, /PLATFORM\s+BLOB\s+DIGEST\s+BYTES\s+SIZE/);
      for (const l of want.layers) assert.ok(table.stdout.includes(l.digest));

      const build = await cli(['docker', 'layers', 'img-job/2', '--json']);
      const b = JSON.parse(build.stdout) as {
        from: string;
        images: { module: string; size: number; layers: { digest: string; size: number }[] }[];
      };
      assert.equal(b.from, 'server');
      assert.equal(b.images[0]?.module, 'etl:2');
      assert.equal(b.images[0]?.size, view.totalSize);
      const text = await cli(['docker', 'layers', 'img-job/2']);
      assert.match(text.stdout, /^MODULE\s+BLOB\s+DIGEST/m);
      assert.match(text.stdout, /etl:2\s+push\s+sha256:/);
    });

    it('docker diff img-job/1 img-job/2: two shared layers, one new, one removed', async () => {
      const a = pushed['1'];
      const b = pushed['2'];
      assert.ok(a && b);
      const r = await cli(['docker', 'diff', 'img-job/1', 'img-job/2', '--json']);
      const d = JSON.parse(r.stdout) as ImageDiffReport & {
        images: { change: number; fromBytes: number; toBytes: number }[];
      };
      assert.deepEqual(d.from, { name: 'img-job', number: '1' });
      assert.deepEqual(d.to, { name: 'img-job', number: '2' });
      const i = d.images[0];
      assert.ok(i);
      assert.equal(i.image, 'etl');
      assert.deepEqual(
        i.shared.layers.map((l) => l.digest),
        b.layers.slice(0, 2).map((l) => l.digest),
      );
      // The app layer and the config differ.
      assert.deepEqual(
        i.new.layers.map((l) => l.digest).sort(),
        [b.config.digest, b.layers[2]?.digest].sort(),
      );
      assert.deepEqual(
        i.removed.layers.map((l) => l.digest).sort(),
        [a.config.digest, a.layers[2]?.digest].sort(),
      );
      const size = (m: Manifest): number =>
        m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
      assert.equal(i.fromBytes, size(a));
      assert.equal(i.toBytes, size(b));
      assert.equal(i.change, size(b) - size(a));
      assert.ok(i.change > 0);
      const table = await cli(['docker', 'diff', 'img-job/1', 'img-job/2']);
      assert.match(table.stdout, /IMAGE\s+FROM\s+TO\s+SHARED\s+NEW\s+REMOVED\s+SIZE\s+CHANGE/);
      assert.match(table.stdout, /etl\s+etl:1\s+etl:2\s+2 \(.*\)\s+2 \(.*\)\s+2 \(.*\)\s+.*→.*\+/);
      const bad = await runCli(['docker', 'diff', 'img-job', 'img-job/2'], { env });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /name\/number/);
    });

    it('docker pull copies the image back into a layout and records its layers as dependencies', async () => {
      const want = pushed['2'];
      assert.ok(want);
      const out = join(work, 'pulled');
      const r = await cli(['docker', 'pull', 'docker-local/etl:2', `${out}:etl`, '--json'], '3');
      const res = JSON.parse(r.stdout) as { digest: string; dest: string };
      assert.equal(res.digest, want.digest);
      assert.equal(res.dest, `oci:${out}:etl`);
      const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      assert.equal(index.manifests[0]?.digest, want.digest);
      for (const l of want.layers) {
        const bytes = await readFile(join(out, 'blobs', 'sha256', l.digest.slice(7)));
        assert.equal(sha256(bytes), l.digest);
      }
      const show = await cli(['docker', 'layers', 'img-job/3', '--json']);
      const b = JSON.parse(show.stdout) as {
        from: string;
        images: { module: string; direction: string; layers: { digest: string }[] }[];
      };
      assert.equal(b.from, 'local store');
      assert.equal(b.images[0]?.direction, 'pull');
      assert.deepEqual(
        b.images[0]?.layers.map((l) => l.digest),
        [want.config.digest, ...want.layers.map((l) => l.digest)],
      );
    });
  },
);
