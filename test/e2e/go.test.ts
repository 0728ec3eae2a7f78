/**
 * End to end with the real go toolchain: modules published into an upstream Stowage (the
 * core publish path), a downstream Stowage with a virtual [go-local, go-remote → upstream],
 * `go mod download` + `go build` through it, again with the upstream stopped and a clean
 * module cache, `stowage go publish` then consumption, and build-info dependencies from go.sum
 * cross-checked with the downloads the server recorded (the build rides in GOPROXY's repository
 * segment as matrix parameters, since the go command sends no custom headers).
 * Skipped, with a message, when `go` is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RunningServer } from '@stowage/server';
import { publishGoModule } from '../../packages/core/src/publish/go.ts';
import { collectGo } from '../../packages/core/src/deps/go.ts';
import { mergeWithDownloads } from '../../packages/core/src/deps/index.ts';
import { goDownloadId } from '../../packages/core/src/deps/downloads.ts';
import { requireBuiltCli, runCli, tempDir } from './helpers.ts';
import { startServer } from '@stowage/server';

const run = promisify(execFile);

function goVersion(): string | undefined {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}
const GO = goVersion();
const STAGES = [{ name: 'staged', repo: 'generic-staging' }];

async function writeModule(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe(
  'go toolchain against Stowage',
  {
    skip: GO
      ? false
      : 'go is not installed: skipping the Go end-to-end test (apt-get install golang-go)',
  },
  () => {
    let upstream: RunningServer;
    let down: RunningServer;
    let work: string;
    let goEnv: (modcache: string) => Record<string, string>;

    before(async () => {
      requireBuiltCli();
      work = await tempDir('go-e2e');
      upstream = await startServer({
        dataDir: join(work, 'up-data'),
        host: '127.0.0.1',
        port: 0,
        logger: false,
        config: {
          auth: { anonymousRead: true },
          stages: STAGES,
          repositories: [{ key: 'generic-staging' }, { key: 'go-up', packageType: 'go' }],
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
            { key: 'go-local', packageType: 'go' },
            {
              key: 'go-remote',
              rclass: 'remote',
              packageType: 'go',
              url: `${upstream.url}/api/go/go-up`,
            },
            {
              key: 'go',
              rclass: 'virtual',
              packageType: 'go',
              repositories: ['go-local', 'go-remote'],
            },
          ],
        },
      });
      const greet = (v: string, word: string): Promise<string> =>
        writeModule(join(work, `greet-${v}`), {
          'go.mod': 'module example.com/greet\n\ngo 1.19\n',
          'greet.go': `package greet\n\nfunc Hello(n string) string { return "${word}, " + n }\n`,
          'vendor/ignored.go': 'this is not Go',
          'sub/go.mod': 'module example.com/greet/sub\n',
          'sub/sub.go': 'package sub\n',
        });
      for (const [v, word] of [
        ['v1.0.0', 'hello'],
        ['v1.1.0', 'hi'],
      ] as const) {
        await publishGoModule({
          url: upstream.url,
          token: upstream.adminToken,
          repo: 'go-up',
          dir: await greet(v, word),
          version: v,
        });
      }
      const shout = await writeModule(join(work, 'shout'), {
        'go.mod': 'module example.com/shout\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n',
        'shout.go':
          'package shout\n\nimport (\n\t"strings"\n\n\t"example.com/greet"\n)\n\nfunc Shout(n string) string { return strings.ToUpper(greet.Hello(n)) }\n',
      });
      await publishGoModule({
        url: upstream.url,
        token: upstream.adminToken,
        repo: 'go-up',
        dir: shout,
        version: 'v0.1.0',
      });
      goEnv = (modcache) => ({
        PATH: process.env.PATH ?? '',
        HOME: work,
        // The go command refuses credentials in an http:// GOPROXY, so this server reads anonymously.
        GOPROXY: `${down.url}/api/go/go;build.name=goapp;build.number=1`,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
        GOPATH: join(work, 'gopath'),
        GOMODCACHE: modcache,
        GOCACHE: join(work, 'gocache'),
        CGO_ENABLED: '0',
        GO111MODULE: 'on',
        GOTOOLCHAIN: 'local',
      });
    });

    after(async () => {
      await down?.close();
      await upstream?.close().catch(() => {});
      if (work) {
        await run('go', ['clean', '-modcache'], { env: goEnv(join(work, 'mc1')) }).catch(() => {});
        await run('go', ['clean', '-modcache'], { env: goEnv(join(work, 'mc2')) }).catch(() => {});
      }
    });

    it('stowage go publish puts a module into the local member', async () => {
      const local = await writeModule(join(work, 'local'), {
        'go.mod': 'module example.com/local\n\ngo 1.19\n',
        'local.go': 'package local\n\nconst Name = "stowage"\n',
      });
      const res = await runCli(['go', 'publish', local, 'v1.0.0', '--repo', 'go-local', '--json'], {
        env: { STOWAGE_URL: down.url, STOWAGE_TOKEN: down.adminToken },
      });
      assert.equal(res.code, 0, res.stderr);
      assert.equal((JSON.parse(res.stdout) as { module: string }).module, 'example.com/local');
      const again = await runCli(['go', 'publish', local, 'v1.0.0', '--repo', 'go-local'], {
        env: { STOWAGE_URL: down.url, STOWAGE_TOKEN: down.adminToken },
      });
      assert.equal(again.code, 1, 'an existing version is refused');
    });

    it('go mod download and go build resolve through the virtual repository', async () => {
      const app = await writeModule(join(work, 'app'), {
        'go.mod':
          'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/greet v1.1.0\n\texample.com/local v1.0.0\n\texample.com/shout v0.1.0\n)\n',
        'main.go':
          'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n\t"example.com/local"\n\t"example.com/shout"\n)\n\nfunc main() { fmt.Println(greet.Hello(local.Name), shout.Shout("go")) }\n',
      });
      const env = goEnv(join(work, 'mc1'));
      await run('go', ['mod', 'download', 'all'], { cwd: app, env });
      await run('go', ['build', '-o', join(work, 'app-bin'), '.'], { cwd: app, env });
      const out = execFileSync(join(work, 'app-bin'), { encoding: 'utf8' });
      assert.equal(out.trim(), 'hi, stowage HI, GO');
      const list = await run('go', ['list', '-m', '-versions', 'example.com/greet'], {
        cwd: app,
        env,
      });
      assert.equal(list.stdout.trim(), 'example.com/greet v1.0.0 v1.1.0');
    });

    it('with the upstream stopped and a clean module cache, Stowage serves from its cache', async () => {
      await upstream.close();
      const app = join(work, 'app');
      const env = goEnv(join(work, 'mc2'));
      await run('go', ['build', '-o', join(work, 'app-bin2'), '.'], { cwd: app, env });
      assert.equal(
        execFileSync(join(work, 'app-bin2'), { encoding: 'utf8' }).trim(),
        'hi, stowage HI, GO',
      );
    });

    it('dependencies from go.sum get the sha256 of the zips the server recorded for the build', async () => {
      const res = await fetch(`${down.url}/api/stowage/v1/builds/goapp/1/downloads`, {
        headers: { authorization: `Bearer ${down.adminToken}` },
      });
      const { downloads } = (await res.json()) as {
        downloads: { repo: string; path: string; sha1: string; sha256: string; md5: string }[];
      };
      const app = join(work, 'app');
      const deps = mergeWithDownloads(await collectGo({ dir: app }), downloads, goDownloadId);
      assert.deepEqual(deps.map((d) => d.id).sort(), [
        'example.com/greet:v1.1.0',
        'example.com/local:v1.0.0',
        'example.com/shout:v0.1.0',
      ]);
      const fromCache = await collectGo({ dir: app, modCache: join(work, 'mc2') });
      for (const d of deps) {
        assert.match(d.sha256 ?? '', /^[0-9a-f]{64}$/, `${d.id} has the sha256 of the served zip`);
        assert.equal(
          d.sha256,
          fromCache.find((c) => c.id === d.id)?.sha256,
          `${d.id}: the module cache holds the same zip`,
        );
        assert.deepEqual(d.scopes, ['direct']);
      }
    });
  },
);
