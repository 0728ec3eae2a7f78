/**
 * End to end for Helm, with the real `stowage` CLI against real servers on 127.0.0.1: a chart
 * directory generated here (with a .helmignore and a path too long for a plain ustar name) is
 * packaged and pushed by `stowage helm push` to an upstream Stowage, stamped with a build; the
 * build-info published by `stowage build publish` holds it as a module of type helm; a downstream
 * Stowage resolves it through a virtual whose remote member proxies the upstream, and GNU tar
 * reads the archive Stowage packaged. The real `helm` client is not installable here (no Debian
 * package; its Go module needs a newer Go than the machine has), so its protocol is followed by
 * hand: index.yaml, then the url it names, resolved against the repository URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { startServer, type RunningServer } from '@stowage/server';
import { requireBuiltCli, runCli, tempDir } from './helpers.ts';

const run = promisify(execFile);
const STAGES = [{ name: 'staged', repo: 'generic-staging' }];
/** Longer than ustar's 100-byte name field: split into its prefix field. */
const LONG = `templates/${'very-long-directory-name-'.repeat(3)}/${'nested-'.repeat(6)}/configmap.yaml`;
/** A base name longer than 100 bytes: only a pax header can carry it. */
const PAX = `templates/${'x'.repeat(110)}.yaml`;

interface Entry {
  name: string;
  version: string;
  appVersion?: string;
  urls: string[];
  digest: string;
  dependencies?: { name: string }[];
}

async function writeChart(dir: string, version: string, replicas: number): Promise<void> {
  await mkdir(join(dir, 'templates'), { recursive: true });
  await mkdir(join(dir, 'secrets'), { recursive: true });
  await mkdir(join(dir, ...LONG.split('/').slice(0, -1)), { recursive: true });
  await writeFile(
    join(dir, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: nightly-report',
      'description: The nightly report job',
      'type: application',
      `version: ${version}`,
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
  await writeFile(join(dir, 'values.yaml'), `replicas: ${replicas}\n`);
  await writeFile(join(dir, 'templates', 'cronjob.yaml'), 'kind: CronJob\n');
  await writeFile(join(dir, LONG), 'kind: ConfigMap\n');
  await writeFile(join(dir, PAX), 'kind: Secret\n');
  await writeFile(join(dir, '.helmignore'), '# patterns\n*.bak\nsecrets/\n');
  await writeFile(join(dir, 'values.yaml.bak'), 'old\n');
  await writeFile(join(dir, 'secrets', 'token'), 'do not ship\n');
}

describe('stowage helm push and chart resolution through a virtual', () => {
  let up: RunningServer;
  let down: RunningServer;
  let work: string;
  let chartDir: string;
  let store: string;

  before(async () => {
    requireBuiltCli();
    work = await tempDir('helm-e2e');
    chartDir = join(work, 'nightly-report');
    store = join(work, 'builds');
    await writeChart(chartDir, '1.2.0', 1);
    up = await startServer({
      dataDir: join(work, 'up-data'),
      host: '127.0.0.1',
      port: 0,
      logger: false,
      config: {
        auth: { anonymousRead: true },
        stages: STAGES,
        repositories: [{ key: 'generic-staging' }, { key: 'helm-up', packageType: 'helm' }],
      },
    });
    down = await startServer({
      dataDir: join(work, 'down-data'),
      host: '127.0.0.1',
      port: 0,
      logger: false,
      config: {
        auth: { anonymousRead: true },
        stages: STAGES,
        repositories: [
          { key: 'generic-staging' },
          { key: 'helm-local', packageType: 'helm' },
          {
            key: 'helm-remote',
            rclass: 'remote',
            packageType: 'helm',
            url: `${up.url}/api/helm/helm-up`,
          },
          {
            key: 'helm',
            rclass: 'virtual',
            packageType: 'helm',
            repositories: ['helm-local', 'helm-remote'],
            defaultDeploymentRepo: 'helm-local',
          },
        ],
      },
    });
  });

  after(async () => {
    await down?.close();
    await up?.close();
  });

  const cli = (args: string[]): ReturnType<typeof runCli> =>
    runCli(
      [
        ...args,
        '--url',
        up.url,
        '--store-dir',
        store,
        '--build-name',
        'charts',
        '--build-number',
        '7',
      ],
      { env: { STOWAGE_TOKEN: up.adminToken }, cwd: work },
    );

  it('packages the directory and pushes it, recording it in the build', async () => {
    const res = await cli(['helm', 'push', 'nightly-report', '--repo', 'helm-up', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as {
      name: string;
      version: string;
      path: string;
      created: boolean;
      packaged: boolean;
      sha256: string;
    };
    assert.equal(out.name, 'nightly-report');
    assert.equal(out.version, '1.2.0');
    assert.equal(out.path, 'charts/nightly-report-1.2.0.tgz');
    assert.equal(out.created, true);
    assert.equal(out.packaged, true);
    const again = await cli(['helm', 'push', 'nightly-report', '--repo', 'helm-up']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already there \(identical\)/, 'packaging is reproducible');
    await writeChart(chartDir, '1.2.0', 3);
    const changed = await cli(['helm', 'push', 'nightly-report', '--repo', 'helm-up']);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /already in helm-up/);
    await writeChart(chartDir, '1.2.0', 1);
  });

  it('publishes a build-info whose helm module names the chart with its sha256 and size', async () => {
    const pub = await cli(['build', 'publish']);
    assert.equal(pub.code, 0, pub.stderr);
    const res = await fetch(`${up.url}/api/build/charts/7`);
    assert.equal(res.status, 200);
    const { buildInfo } = (await res.json()) as {
      buildInfo: {
        modules: {
          id: string;
          type?: string;
          artifacts: { name: string; sha256: string; size: number }[];
        }[];
      };
    };
    const mod = buildInfo.modules.find((m) => m.type === 'helm');
    assert.ok(mod, 'a module of type helm');
    assert.equal(mod.id, 'nightly-report:1.2.0');
    const art = mod.artifacts[0];
    assert.equal(art?.name, 'nightly-report-1.2.0.tgz');
    const file = await fetch(`${up.url}/api/helm/helm-up/charts/nightly-report-1.2.0.tgz`);
    const body = Buffer.from(await file.arrayBuffer());
    assert.equal(art.sha256, createHash('sha256').update(body).digest('hex'));
    assert.equal(art.size, body.length);
    const stamped = await fetch(
      `${up.url}/api/storage/helm-up/charts/nightly-report-1.2.0.tgz?properties=build.name,build.number`,
    );
    assert.deepEqual(((await stamped.json()) as { properties: unknown }).properties, {
      'build.name': ['charts'],
      'build.number': ['7'],
    });
  });

  it('resolves the chart through the downstream virtual, as Helm would', async () => {
    const repoUrl = `${down.url}/api/helm/helm`;
    const idx = await fetch(`${repoUrl}/index.yaml`);
    assert.equal(idx.status, 200);
    const doc = parseYaml(await idx.text()) as {
      apiVersion: string;
      entries: Record<string, Entry[]>;
    };
    assert.equal(doc.apiVersion, 'v1');
    const e = doc.entries['nightly-report']?.[0];
    assert.ok(e, 'the upstream chart is listed through virtual → remote');
    assert.equal(e.appVersion, '2026.11');
    assert.equal(e.dependencies?.[0]?.name, 'redis');
    const url = new URL(e.urls[0] ?? '', `${repoUrl}/`);
    assert.equal(url.origin, down.url, 'the url points at the downstream Stowage');
    const file = await fetch(url);
    assert.equal(file.status, 200);
    const body = Buffer.from(await file.arrayBuffer());
    assert.equal(createHash('sha256').update(body).digest('hex'), e.digest);
    const tgz = join(work, 'pulled.tgz');
    await writeFile(tgz, body);
    const { stdout } = await run('tar', ['-tzf', tgz]);
    const names = stdout.trim().split('\n').sort();
    assert.deepEqual(
      names,
      [
        'nightly-report/.helmignore',
        'nightly-report/Chart.yaml',
        `nightly-report/${LONG}`,
        `nightly-report/${PAX}`,
        'nightly-report/templates/cronjob.yaml',
        'nightly-report/values.yaml',
      ].sort(),
      'every file under {name}/, the .helmignore patterns left out',
    );
    const { stdout: values } = await run('tar', ['-xzOf', tgz, 'nightly-report/values.yaml']);
    assert.equal(values, 'replicas: 1\n');
    const q = await fetch(`${down.url}/api/stowage/v1/helm/helm/charts/nightly-report/1.2.0`);
    assert.equal(((await q.json()) as Entry).version, '1.2.0');
  });
});
