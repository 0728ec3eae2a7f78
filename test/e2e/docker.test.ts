/**
 * End to end with real registry clients: an OCI image layout built with `umoci` (several
 * layers; two platform images and an index over them), copied into Stowage with `skopeo`
 * (login through the token endpoint) and back out with unchanged digests; a multi-arch index
 * with `skopeo copy --all`; tag listing (with the API's pagination checked directly); delete.
 * Remote: the CNCF distribution registry (`docker-registry`) on 127.0.0.1 as the upstream of a
 * Stowage remote repository, pulled through, then stopped and pulled again from the cache.
 * Skipped, with a message, when skopeo, umoci or docker-registry is missing
 * (apt-get install -y skopeo umoci docker-registry).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { startServer, type RunningServer } from '@stowage/server';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const REGISTRY = '/usr/bin/docker-registry';

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const MISSING = [
  ['skopeo', ['--version']],
  ['umoci', ['--version']],
  [REGISTRY, ['--version']],
]
  .filter(([cmd, args]) => !has(cmd as string, args as string[]))
  .map(([cmd]) => cmd);

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  s.close();
  await once(s, 'close');
  return port;
}

async function skopeo(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('skopeo', ['--insecure-policy', ...args], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
}

async function umoci(args: string[]): Promise<void> {
  await run('umoci', args, { timeout: 60_000 });
}

const sha256 = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface LayoutIndex {
  manifests: {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
  }[];
}

async function layoutIndex(dir: string): Promise<LayoutIndex> {
  return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as LayoutIndex;
}

/** The digest a tag names in an OCI layout. */
async function layoutDigest(dir: string, tag: string): Promise<string> {
  const d = (await layoutIndex(dir)).manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag,
  );
  assert.ok(d, `${tag} is not in ${dir}`);
  return d.digest;
}

async function readBlob(layout: string, digest: string): Promise<Buffer> {
  return readFile(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

/** Adds a layer made of `files` to `layout:tag` with umoci. */
async function addLayer(
  work: string,
  layout: string,
  tag: string,
  files: Record<string, string>,
): Promise<void> {
  const dir = join(work, `layer-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const tar = `${dir}.tar`;
  await run('tar', ['-cf', tar, '-C', dir, '.']);
  await umoci(['raw', 'add-layer', '--image', `${layout}:${tag}`, tar]);
}

describe(
  'skopeo, umoci and the CNCF registry against Stowage',
  {
    skip: MISSING.length
      ? `${MISSING.join(', ')} not installed: skipping the Docker end-to-end test (apt-get install -y skopeo umoci docker-registry)`
      : false,
  },
  () => {
    let work: string;
    let layout: string;
    let server: RunningServer;
    let registry: ChildProcess | undefined;
    let registryHost: string;
    let host: string;
    let creds: string;

    const stopRegistry = async (): Promise<void> => {
      if (!registry || registry.exitCode !== null || registry.signalCode !== null) return;
      const r = registry;
      r.kill('SIGTERM');
      await once(r, 'exit');
    };

    before(async () => {
      work = await tempDir('docker-e2e');
      layout = join(work, 'layout');
      // The CNCF registry: filesystem storage in the temp dir, no auth, loopback only.
      const rport = await freePort();
      registryHost = `127.0.0.1:${rport}`;
      const cfg = join(work, 'registry.yml');
      await writeFile(
        cfg,
        `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'registry-data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${registryHost}\n`,
      );
      registry = spawn(REGISTRY, ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      let registryLog = '';
      registry.stderr?.setEncoding('utf8').on('data', (d: string) => (registryLog += d));
      for (let i = 0; ; i++) {
        const ok = await fetch(`http://${registryHost}/v2/`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (i > 100) throw new Error(`docker-registry did not start:\n${registryLog}`);
        await new Promise((r) => setTimeout(r, 100));
      }

      server = await startServer({
        dataDir: join(work, 'stowage-data'),
        host: '127.0.0.1',
        port: 0,
        logger: false,
        config: {
          stages: [{ name: 'staged', repo: 'generic-staging' }],
          repositories: [
            { key: 'generic-staging' },
            { key: 'docker-local', packageType: 'docker' },
            {
              key: 'docker-remote',
              rclass: 'remote',
              packageType: 'docker',
              url: `http://${registryHost}`,
              metadataMaxAgeSec: 0,
            },
            {
              key: 'docker',
              rclass: 'virtual',
              packageType: 'docker',
              repositories: ['docker-local', 'docker-remote'],
              defaultDeploymentRepo: 'docker-local',
            },
          ],
        },
      });
      host = server.url.replace(/^http:\/\//, '');
      creds = `ci:${server.adminToken}`;

      // The image layout: `app` with three layers; `amd`/`arm` two platforms under index `multi`.
      await umoci(['init', '--layout', layout]);
      await umoci(['new', '--image', `${layout}:app`]);
      for (let i = 1; i <= 3; i++) {
        await addLayer(work, layout, 'app', { [`file${i}.txt`]: `layer ${i}\n`.repeat(100 * i) });
      }
      for (const arch of ['amd64', 'arm64']) {
        await umoci(['new', '--image', `${layout}:${arch}`]);
        await umoci(['config', '--image', `${layout}:${arch}`, '--architecture', arch]);
        await addLayer(work, layout, arch, { 'arch.txt': `built for ${arch}\n` });
        await addLayer(work, layout, arch, { 'bin.txt': `binary for ${arch}\n`.repeat(50) });
      }
      const index = await layoutIndex(layout);
      const children = [];
      for (const arch of ['amd64', 'arm64']) {
        const d = index.manifests.find(
          (m) => m.annotations?.['org.opencontainers.image.ref.name'] === arch,
        );
        assert.ok(d);
        children.push({
          mediaType: d.mediaType,
          digest: d.digest,
          size: d.size,
          platform: { os: 'linux', architecture: arch },
        });
      }
      const multi = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: children,
        }),
      );
      await writeFile(join(layout, 'blobs', 'sha256', sha256(multi).slice(7)), multi);
      index.manifests.push({
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: sha256(multi),
        size: multi.length,
        annotations: { 'org.opencontainers.image.ref.name': 'multi' },
      });
      await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    });

    after(async () => {
      await stopRegistry();
      await server?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('skopeo inspects an image whose layer and manifest are addressed by sha512', async () => {
      // skopeo 1.9 always pushes with sha256 (it has no option to choose the algorithm): the
      // image is pushed through the registry API, then read back with skopeo. Its config stays
      // sha256: skopeo 1.9 checks a config blob against a sha256 it computes whatever the
      // descriptor's algorithm ("Download config.json digest sha256:… does not match expected
      // sha512:…"), a limitation of that client.
      const sha512 = (b: Buffer | string): string =>
        `sha512:${createHash('sha512').update(b).digest('hex')}`;
      const auth = { authorization: `Bearer ${server.adminToken}` };
      const name = 'docker-local/sha512img';
      const tar = join(work, 'sha512-layer.tar.gz');
      const dir = join(work, 'sha512-layer');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'hello.txt'), 'addressed by sha512\n');
      await run('tar', ['-czf', tar, '-C', dir, '.']);
      const layer = await readFile(tar);
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [sha256(gunzipSync(layer))] },
          config: {},
        }),
      );
      for (const [blob, digest] of [
        [layer, sha512(layer)],
        [config, sha256(config)],
      ] as const) {
        const res = await fetch(`${server.url}/v2/${name}/blobs/uploads/?digest=${digest}`, {
          method: 'POST',
          headers: auth,
          body: blob,
        });
        assert.equal(res.status, 201, await res.text());
        assert.equal(res.headers.get('docker-content-digest'), digest);
      }
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: sha512(layer),
            size: layer.length,
          },
        ],
      });
      for (const ref of [sha512(manifest), 'v1']) {
        const res = await fetch(`${server.url}/v2/${name}/manifests/${ref}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
          body: manifest,
        });
        assert.equal(res.status, 201, await res.text());
      }
      const raw = await skopeo([
        'inspect',
        '--raw',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/${name}:v1`,
      ]);
      assert.equal(raw, manifest);
      // By its sha512 digest too.
      const byDigest = await skopeo([
        'inspect',
        '--raw',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/${name}@${sha512(manifest)}`,
      ]);
      assert.equal(byDigest, manifest);
      // skopeo reads the config and reports the layer by its sha512 digest. (Copying it out
      // fails in skopeo 1.9 itself: its destinations store every blob by a sha256 they compute
      // and refuse the mismatch, "blob with digest sha512:… saved with digest sha256:…".)
      const info = JSON.parse(
        await skopeo([
          'inspect',
          '--creds',
          creds,
          '--tls-verify=false',
          `docker://${host}/${name}:v1`,
        ]),
      ) as { Digest: string; Layers: string[]; Architecture: string };
      assert.deepEqual(info.Layers, [sha512(layer)]);
      assert.equal(info.Architecture, 'amd64');
      assert.equal(info.Digest, sha256(manifest));
    });

    it('skopeo logs in, pushes a three-layer image and pulls it back with the same digests', async () => {
      const want = await layoutDigest(layout, 'app');
      await skopeo([
        'copy',
        '--dest-creds',
        creds,
        '--dest-tls-verify=false',
        `oci:${layout}:app`,
        `docker://${host}/docker-local/app:1`,
      ]);
      const raw = await skopeo([
        'inspect',
        '--raw',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/docker-local/app:1`,
      ]);
      assert.equal(sha256(raw), want);
      const out = join(work, 'out-app');
      await skopeo([
        'copy',
        '--src-creds',
        creds,
        '--src-tls-verify=false',
        `docker://${host}/docker-local/app:1`,
        `oci:${out}:app`,
      ]);
      assert.equal(await layoutDigest(out, 'app'), want);
      const manifest = JSON.parse((await readBlob(layout, want)).toString('utf8')) as {
        layers: { digest: string; size: number }[];
      };
      assert.equal(manifest.layers.length, 3);
      for (const l of manifest.layers) {
        assert.equal(sha256(await readBlob(out, l.digest)), l.digest);
      }
      // Without credentials the registry challenges, and skopeo fails cleanly.
      await assert.rejects(
        skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${host}/docker-local/app:1`]),
        /unauthorized|authentication required/i,
      );
      // Stowage's layer view agrees with the manifest.
      const res = await fetch(
        `${server.url}/api/stowage/v1/docker/docker-local/app/manifests/1/layers`,
        { headers: { authorization: `Bearer ${server.adminToken}` } },
      );
      const view = (await res.json()) as {
        digest: string;
        layers: { digest: string; size: number }[];
        totalSize: number;
      };
      assert.equal(view.digest, want);
      assert.deepEqual(
        view.layers.map((l) => [l.digest, l.size]),
        manifest.layers.map((l) => [l.digest, l.size]),
      );
      assert.ok(view.totalSize > manifest.layers.reduce((n, l) => n + l.size, 0));
    });

    it('a multi-arch index goes in and out with skopeo copy --all', async () => {
      const want = await layoutDigest(layout, 'multi');
      await skopeo([
        'copy',
        '--all',
        '--dest-creds',
        creds,
        '--dest-tls-verify=false',
        `oci:${layout}:multi`,
        `docker://${host}/docker-local/multi:1`,
      ]);
      const raw = await skopeo([
        'inspect',
        '--raw',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/docker-local/multi:1`,
      ]);
      assert.equal(sha256(raw), want);
      const out = join(work, 'out-multi');
      await skopeo([
        'copy',
        '--all',
        '--src-creds',
        creds,
        '--src-tls-verify=false',
        `docker://${host}/docker-local/multi:1`,
        `oci:${out}:multi`,
      ]);
      assert.equal(await layoutDigest(out, 'multi'), want);
      const idx = JSON.parse((await readBlob(out, want)).toString('utf8')) as {
        manifests: { digest: string }[];
      };
      for (const m of idx.manifests) {
        assert.equal(sha256(await readBlob(out, m.digest)), m.digest);
      }
      // One platform, by skopeo's own choice of architecture.
      const arm = await skopeo([
        'inspect',
        '--override-arch',
        'arm64',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/docker-local/multi:1`,
      ]);
      assert.equal((JSON.parse(arm) as { Architecture: string }).Architecture, 'arm64');
    });

    it('lists tags (skopeo and the paginated API) and deletes', async () => {
      for (const tag of ['2', '3', '4', '5']) {
        await skopeo([
          'copy',
          '--src-creds',
          creds,
          '--dest-creds',
          creds,
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          `docker://${host}/docker-local/app:1`,
          `docker://${host}/docker-local/app:${tag}`,
        ]);
      }
      const listed = JSON.parse(
        await skopeo([
          'list-tags',
          '--creds',
          creds,
          '--tls-verify=false',
          `docker://${host}/docker-local/app`,
        ]),
      ) as { Tags: string[] };
      assert.deepEqual(listed.Tags, ['1', '2', '3', '4', '5']);
      const auth = { authorization: `Bearer ${server.adminToken}` };
      const page = await fetch(`${server.url}/v2/docker-local/app/tags/list?n=2&last=2`, {
        headers: auth,
      });
      assert.deepEqual(((await page.json()) as { tags: string[] }).tags, ['3', '4']);
      assert.equal(
        page.headers.get('link'),
        '</v2/docker-local/app/tags/list?n=2&last=4>; rel="next"',
      );

      // skopeo delete resolves the tag and deletes the manifest by digest (and so its tags).
      await skopeo([
        'delete',
        '--creds',
        creds,
        '--tls-verify=false',
        `docker://${host}/docker-local/multi:1`,
      ]);
      await assert.rejects(
        skopeo([
          'inspect',
          '--raw',
          '--creds',
          creds,
          '--tls-verify=false',
          `docker://${host}/docker-local/multi:1`,
        ]),
        /manifest unknown/i,
      );
    });

    it('pulls through a remote of the CNCF registry, then from the cache with the registry stopped', async () => {
      const want = await layoutDigest(layout, 'app');
      await skopeo([
        'copy',
        '--dest-tls-verify=false',
        `oci:${layout}:app`,
        `docker://${registryHost}/team/app:1.0`,
      ]);
      const first = join(work, 'out-remote-1');
      await skopeo([
        'copy',
        '--src-creds',
        creds,
        '--src-tls-verify=false',
        `docker://${host}/docker-remote/team/app:1.0`,
        `oci:${first}:app`,
      ]);
      assert.equal(await layoutDigest(first, 'app'), want);
      const tags = JSON.parse(
        await skopeo([
          'list-tags',
          '--creds',
          creds,
          '--tls-verify=false',
          `docker://${host}/docker/team/app`,
        ]),
      ) as { Tags: string[] };
      assert.deepEqual(tags.Tags, ['1.0']);

      await stopRegistry();
      for (const repo of ['docker-remote', 'docker']) {
        const again = join(work, `out-remote-cached-${repo}`);
        await skopeo([
          'copy',
          '--src-creds',
          creds,
          '--src-tls-verify=false',
          `docker://${host}/${repo}/team/app:1.0`,
          `oci:${again}:app`,
        ]);
        assert.equal(await layoutDigest(again, 'app'), want);
      }
    });

    it('with anonymous read on, skopeo pushes with credentials and pulls without any', async () => {
      const open = await startServer({
        dataDir: join(work, 'anon-data'),
        port: 0,
        config: {
          auth: { anonymousRead: true },
          repositories: [{ key: 'docker-local', packageType: 'docker' }, { key: 'generic-local' }],
          stages: [{ name: 'staged', repo: 'generic-local' }],
        },
      });
      try {
        const openHost = open.url.replace(/^http:\/\//, '');
        const want = await layoutDigest(layout, 'app');
        await skopeo([
          'copy',
          '--dest-creds',
          `ci:${open.adminToken}`,
          '--dest-tls-verify=false',
          `oci:${layout}:app`,
          `docker://${openHost}/docker-local/app:1`,
        ]);
        const out = join(work, 'out-anon');
        await skopeo([
          'copy',
          '--src-no-creds',
          '--src-tls-verify=false',
          `docker://${openHost}/docker-local/app:1`,
          `oci:${out}:app`,
        ]);
        assert.equal(await layoutDigest(out, 'app'), want);
        await assert.rejects(
          skopeo([
            'copy',
            '--dest-no-creds',
            '--dest-tls-verify=false',
            `oci:${layout}:app`,
            `docker://${openHost}/docker-local/app:2`,
          ]),
          /unauthorized|denied|401/i,
          'an anonymous push is refused',
        );
      } finally {
        await open.close();
      }
    });
  },
);
