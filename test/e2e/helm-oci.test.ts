/**
 * End to end for Helm charts as OCI artifacts, with the real `stowage` CLI against a real Stowage
 * on 127.0.0.1: `stowage helm push <dir> --oci docker-local/charts` packages the chart generated
 * here and pushes it through the registry API the way `helm push chart.tgz oci://…` does; the
 * manifest's media types and digests are checked, the chart query API answers its metadata for
 * the docker repository, the real skopeo reads back the same manifest bytes, `stowage helm pull
 * --oci` gets the archive back, and the published build-info holds the helm module. The real
 * `helm` client is not installable here (no Debian package; its Go module needs a newer Go than
 * the machine has), so its OCI layout is followed by hand (helm.sh/helm/v3/pkg/registry).
 * Skipped, with a message, when skopeo is missing (apt-get install -y skopeo).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '@stowage/server';
import { requireBuiltCli, runCli, tempDir, type CliResult } from './helpers.ts';

const run = promisify(execFile);
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CHART = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const VERSION = '1.2.0+ci.5';
const TAG = '1.2.0_ci.5';
const IMAGE = 'docker-local/charts/nightly-report';

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface PushOut {
  name: string;
  version: string;
  image: string;
  tag: string;
  reference: string;
  manifestDigest: string;
  configDigest: string;
  sha256: string;
  size: number;
  packaged: boolean;
}

interface Manifest {
  schemaVersion: number;
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}

describe(
  'stowage helm push --oci: charts as OCI artifacts in a docker repository',
  { skip: has('skopeo') ? false : 'skopeo not installed (apt-get install -y skopeo)' },
  () => {
    let work: string;
    let server: RunningServer;
    let env: Record<string, string>;
    let pushed: PushOut;
    let manifestBytes: Buffer;

    const cli = (args: string[]): Promise<CliResult> =>
      runCli([...args, '--build-name', 'charts', '--build-number', '9'], {
        env,
        cwd: work,
        timeoutMs: 120_000,
      });

    const v2 = async (path: string, accept?: string): Promise<Response> =>
      fetch(`${server.url}/v2/${path}`, {
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          ...(accept ? { accept } : {}),
        },
      });

    before(async () => {
      requireBuiltCli();
      work = await tempDir('helm-oci');
      const chart = join(work, 'nightly-report');
      await mkdir(join(chart, 'templates'), { recursive: true });
      await writeFile(
        join(chart, 'Chart.yaml'),
        [
          'apiVersion: v2',
          'name: nightly-report',
          'description: The nightly report job',
          'type: application',
          `version: ${VERSION}`,
          'appVersion: "2026.11"',
          'maintainers:',
          '  - name: Data Team',
          '    email: data@example.com',
          'dependencies:',
          '  - name: redis',
          '    version: 17.x.x',
          '    repository: https://charts.example.com',
          '',
        ].join('\n'),
      );
      await writeFile(join(chart, 'values.yaml'), 'replicas: 1\n');
      await writeFile(join(chart, 'templates', 'cronjob.yaml'), 'kind: CronJob\n');
      const bad = join(work, 'bad');
      await mkdir(bad);
      await writeFile(join(bad, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: banana\n');
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
    });

    after(async () => {
      await server?.close();
    });

    it('packages the directory and pushes it as an OCI artifact', async () => {
      const res = await cli([
        'helm',
        'push',
        'nightly-report',
        '--oci',
        'docker-local/charts',
        '--json',
      ]);
      assert.equal(res.code, 0, res.stderr);
      pushed = JSON.parse(res.stdout) as PushOut;
      assert.equal(pushed.name, 'nightly-report');
      assert.equal(pushed.version, VERSION);
      assert.equal(pushed.image, IMAGE);
      assert.equal(pushed.tag, TAG, 'the tag is the version with + as _');
      assert.equal(pushed.reference, `${IMAGE}:${TAG}`);
      assert.equal(pushed.packaged, true);
    });

    it('the manifest has Helm media types and the digests of what was pushed', async () => {
      const res = await v2(`${IMAGE}/manifests/${TAG}`, OCI_MANIFEST);
      assert.equal(res.status, 200);
      manifestBytes = Buffer.from(await res.arrayBuffer());
      assert.equal(`sha256:${sha256(manifestBytes)}`, pushed.manifestDigest);
      assert.equal(res.headers.get('docker-content-digest'), pushed.manifestDigest);
      const m = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
      assert.equal(m.schemaVersion, 2);
      assert.equal(m.mediaType, OCI_MANIFEST);
      assert.equal(m.config.mediaType, HELM_CONFIG);
      assert.equal(m.config.digest, pushed.configDigest);
      assert.deepEqual(m.layers, [
        { mediaType: HELM_CHART, digest: `sha256:${pushed.sha256}`, size: pushed.size },
      ]);
      const config = Buffer.from(
        await (await v2(`${IMAGE}/blobs/${m.config.digest}`)).arrayBuffer(),
      );
      assert.equal(`sha256:${sha256(config)}`, m.config.digest);
      const meta = JSON.parse(config.toString('utf8')) as Record<string, unknown>;
      assert.equal(meta.name, 'nightly-report');
      assert.equal(meta.version, VERSION);
      assert.equal(meta.appVersion, '2026.11');
      assert.deepEqual(meta.dependencies, [
        { name: 'redis', version: '17.x.x', repository: 'https://charts.example.com' },
      ]);
      const layer = await v2(`${IMAGE}/blobs/sha256:${pushed.sha256}`);
      assert.equal(sha256(Buffer.from(await layer.arrayBuffer())), pushed.sha256);
    });

    it('the chart query API answers the chart metadata for the docker repository', async () => {
      const res = await fetch(
        `${server.url}/api/stowage/v1/helm/docker-local/charts/nightly-report/${encodeURIComponent(VERSION)}`,
        { headers: { authorization: `Bearer ${server.adminToken}` } },
      );
      assert.equal(res.status, 200);
      const e = (await res.json()) as Record<string, unknown>;
      assert.equal(e.name, 'nightly-report');
      assert.equal(e.version, VERSION);
      assert.equal(e.appVersion, '2026.11');
      assert.equal(e.description, 'The nightly report job');
      assert.equal(e.type, 'application');
      assert.deepEqual(e.maintainers, [{ name: 'Data Team', email: 'data@example.com' }]);
      assert.deepEqual(e.urls, [`oci://${IMAGE}:${TAG}`]);
      assert.equal(e.digest, pushed.sha256);
      assert.equal(e.manifestDigest, pushed.manifestDigest);
    });

    it('skopeo inspect --raw returns the same manifest', async () => {
      const host = server.url.replace(/^http:\/\//, '');
      const { stdout } = await run(
        'skopeo',
        [
          'inspect',
          '--raw',
          '--tls-verify=false',
          '--creds',
          `ci:${server.adminToken}`,
          `docker://${host}/${IMAGE}:${TAG}`,
        ],
        { encoding: 'buffer', maxBuffer: 8 * 1024 * 1024 },
      );
      assert.equal(sha256(stdout), sha256(manifestBytes));
    });

    it('stowage helm pull --oci gets the archive back', async () => {
      const res = await cli(['helm', 'pull', '--oci', `${IMAGE}:${VERSION}`, 'out/chart.tgz']);
      assert.equal(res.code, 0, res.stderr);
      const body = await readFile(join(work, 'out', 'chart.tgz'));
      assert.equal(sha256(body), pushed.sha256);
      const { stdout } = await run('tar', ['-tzf', join(work, 'out', 'chart.tgz')]);
      assert.ok(stdout.split('\n').includes('nightly-report/Chart.yaml'), stdout);
    });

    it('a chart whose Chart.yaml is invalid is refused before anything is sent', async () => {
      const res = await cli(['helm', 'push', 'bad', '--oci', 'docker-local/charts']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /SemVer/);
      const tags = await v2('docker-local/charts/bad/tags/list');
      assert.equal(tags.status, 404);
    });

    it('the published build-info holds a helm module with the OCI reference', async () => {
      const pub = await cli(['build', 'publish']);
      assert.equal(pub.code, 0, pub.stderr);
      const res = await fetch(`${server.url}/api/build/charts/9`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      assert.equal(res.status, 200);
      const { buildInfo } = (await res.json()) as {
        buildInfo: {
          modules: {
            id: string;
            type?: string;
            properties?: Record<string, string>;
            artifacts: { name: string; sha256?: string; size?: number }[];
          }[];
        };
      };
      const mod = buildInfo.modules.find((m) => m.type === 'helm');
      assert.ok(mod, 'a module of type helm');
      assert.equal(mod.id, `nightly-report:${VERSION}`);
      assert.deepEqual(mod.properties, {
        'helm.oci.reference': `${IMAGE}:${TAG}`,
        'docker.image.digest': pushed.manifestDigest,
      });
      assert.equal(mod.artifacts[0]?.name, `nightly-report-${VERSION}.tgz`);
      assert.equal(mod.artifacts[0]?.sha256, pushed.sha256);
      assert.equal(mod.artifacts[0]?.size, pushed.size);
    });
  },
);
