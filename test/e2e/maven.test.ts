/**
 * End to end with the real `mvn` (no internet here): a tiny static HTTP server publishes a
 * Maven repository directory as the upstream — ~/.m2/repository when it holds the pinned build
 * plugins (Debian's /usr/share/maven-repo has no build plugins) — and a Stowage with a virtual
 * [mvn-local, mvn-remote → upstream] serves `mvn package`; `mvn deploy` publishes a release and a
 * snapshot to mvn-local (checked: maven-metadata.xml, checksums, release immutability); a second
 * build with the upstream stopped and a fresh local repository is served from the cache; the
 * dependencies read from `dependency:tree` TGF output carry the checksums the server holds.
 * Skipped, with a message, when mvn or the upstream directory is missing.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '@stowage/server';
import { mavenSettings } from '../../packages/core/src/setup/maven.ts';
import { collectMaven } from '../../packages/core/src/deps/maven.ts';
import { mergeWithDownloads, type RecordedDownload } from '../../packages/core/src/deps/index.ts';
import { DOWNLOAD_IDS } from '../../packages/core/src/deps/downloads.ts';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const UPSTREAM_DIR = join(homedir(), '.m2', 'repository');
/** Debian's Maven repository: libmaven-dependency-plugin-java installs the plugin there. */
const DEBIAN_REPO = '/usr/share/maven-repo';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.5.0';
const hasDependencyPlugin = (): boolean =>
  existsSync(join(DEBIAN_REPO, 'org/apache/maven/plugins/maven-dependency-plugin/3.5.0'));
const PLUGINS = {
  'maven-clean-plugin': '3.3.2',
  'maven-resources-plugin': '3.3.1',
  'maven-compiler-plugin': '3.13.0',
  'maven-surefire-plugin': '3.2.5',
  'maven-jar-plugin': '3.4.1',
  'maven-install-plugin': '3.1.1',
  'maven-deploy-plugin': '3.1.1',
};

function mvnVersion(): string | undefined {
  try {
    return execFileSync('mvn', ['-v'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function skipReason(): string | false {
  if (!mvnVersion()) return 'mvn is not installed: skipping the Maven end-to-end test';
  try {
    execFileSync('test', ['-d', join(UPSTREAM_DIR, 'org/apache/maven/plugins/maven-jar-plugin')]);
  } catch {
    return `${UPSTREAM_DIR} has no Maven build plugins to act as the offline upstream`;
  }
  return false;
}

function pom(version: string): string {
  const plugins = Object.entries(PLUGINS)
    .map(
      ([a, v]) =>
        `<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>${a}</artifactId><version>${v}</version></plugin>`,
    )
    .join('\n        ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.stowage.e2e</groupId>
  <artifactId>hello</artifactId>
  <version>${version}</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>org.apache.commons</groupId><artifactId>commons-lang3</artifactId><version>3.12.0</version></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        ${plugins}
      </plugins>
    </pluginManagement>
  </build>
</project>
`;
}

/** A read-only static file server over a Maven repository directory. */
function staticServer(root: string): Server {
  return createServer((req, res) => {
    const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const file = join(root, rel);
    if (!file.startsWith(root + sep)) return void res.writeHead(400).end();
    stat(file).then(
      (s) => {
        if (!s.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-length': String(s.size) });
        if (req.method === 'HEAD') return void res.end();
        createReadStream(file).pipe(res);
      },
      () => void res.writeHead(404).end(),
    );
  });
}

async function sha1File(path: string): Promise<string> {
  return createHash('sha1')
    .update(await readFile(path))
    .digest('hex');
}

describe('real mvn against Stowage', { skip: skipReason() }, () => {
  let upstream: Server;
  let debian: Server;
  let server: RunningServer;
  let work: string;
  let project: string;
  let settings: string;

  const mvn = async (
    repoLocal: string,
    args: string[],
  ): Promise<{ stdout: string; stderr: string }> => {
    try {
      return await run(
        'mvn',
        ['-B', '-ntp', '-s', settings, `-Dmaven.repo.local=${repoLocal}`, ...args],
        { cwd: project, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      );
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `mvn ${args.join(' ')} failed: ${e.message}\n${(e.stdout ?? '').slice(-4000)}`,
        { cause: err },
      );
    }
  };
  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${server.url}/${path}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    work = await tempDir('mvn-e2e');
    upstream = staticServer(UPSTREAM_DIR);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const addr = upstream.address();
    const upstreamUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    debian = staticServer(DEBIAN_REPO);
    await new Promise<void>((r) => debian.listen(0, '127.0.0.1', r));
    const daddr = debian.address();
    const debianUrl = `http://127.0.0.1:${typeof daddr === 'object' && daddr ? daddr.port : 0}`;
    server = await startServer({
      dataDir: join(work, 'data'),
      host: '127.0.0.1',
      port: 0,
      logger: false,
      config: {
        stages: [{ name: 'staged', repo: 'generic-staging' }],
        repositories: [
          { key: 'generic-staging' },
          { key: 'mvn-local', packageType: 'maven' },
          { key: 'mvn-remote', rclass: 'remote', packageType: 'maven', url: upstreamUrl },
          // Debian's repository: maven-dependency-plugin 3.5.0 and what it needs.
          { key: 'mvn-debian', rclass: 'remote', packageType: 'maven', url: debianUrl },
          {
            key: 'mvn',
            rclass: 'virtual',
            packageType: 'maven',
            repositories: ['mvn-local', 'mvn-remote', 'mvn-debian'],
            defaultDeploymentRepo: 'mvn-local',
          },
        ],
      },
    });
    project = join(work, 'hello');
    await mkdir(join(project, 'src/main/java/org/stowage/e2e'), { recursive: true });
    await writeFile(join(project, 'pom.xml'), pom('1.0.0'));
    await writeFile(
      join(project, 'src/main/java/org/stowage/e2e/Hello.java'),
      'package org.stowage.e2e;\n\nimport org.apache.commons.lang3.StringUtils;\n\npublic class Hello {\n  public static String greet(String n) { return "Hello, " + StringUtils.capitalize(n); }\n}\n',
    );
    settings = join(work, 'settings.xml');
    await writeFile(
      settings,
      mavenSettings({
        url: server.url,
        repo: 'mvn',
        deployRepo: 'mvn-local',
        user: 'admin',
        token: server.adminToken,
        dir: project,
        home: work,
        build: { name: 'mvn-e2e', number: '1' },
      }),
    );
  });
  after(async () => {
    await server?.close();
    upstream?.closeAllConnections();
    await new Promise((r) => upstream?.close(r));
    debian?.closeAllConnections();
    await new Promise((r) => debian?.close(r));
  });

  it('mvn package resolves plugins and dependencies through the virtual repository', async () => {
    await mvn(join(work, 'm2-a'), ['package']);
    await stat(join(project, 'target/hello-1.0.0.jar'));
    const cached = await get(
      'api/storage/mvn-remote/org/apache/commons/commons-lang3/3.12.0/commons-lang3-3.12.0.jar',
    );
    assert.equal(cached.status, 200, 'the dependency was cached by the remote');
  });

  it('mvn deploy publishes a release with maven-metadata.xml and checksums', async () => {
    await mvn(join(work, 'm2-a'), ['deploy']);
    const md = await get('mvn-local/org/stowage/e2e/hello/maven-metadata.xml');
    assert.equal(md.status, 200);
    assert.match(md.text, /<release>1\.0\.0<\/release>/);
    assert.match(md.text, /<version>1\.0\.0<\/version>/);
    assert.match(md.text, /<lastUpdated>\d{14}<\/lastUpdated>/);
    const jar = join(project, 'target/hello-1.0.0.jar');
    const base = 'mvn/org/stowage/e2e/hello/1.0.0/hello-1.0.0.jar';
    assert.equal((await get(`${base}.sha1`)).text, await sha1File(jar));
    const sha512 = createHash('sha512')
      .update(await readFile(jar))
      .digest('hex');
    assert.equal((await get(`${base}.sha512`)).text, sha512);
    const mdSha1 = await get('mvn-local/org/stowage/e2e/hello/maven-metadata.xml.sha1');
    assert.equal(mdSha1.text, createHash('sha1').update(md.text).digest('hex'));
  });

  it('a release is immutable: a rebuilt jar is refused, so mvn deploy fails', async () => {
    await writeFile(
      join(project, 'src/main/java/org/stowage/e2e/Extra.java'),
      'package org.stowage.e2e;\n\npublic class Extra {}\n',
    );
    await assert.rejects(mvn(join(work, 'm2-a'), ['deploy']), /409|Conflict|failed/);
  });

  it('SNAPSHOT deploys get version-level metadata with timestamp and buildNumber', async () => {
    await writeFile(join(project, 'pom.xml'), pom('1.1.0-SNAPSHOT'));
    await mvn(join(work, 'm2-a'), ['deploy']);
    await mvn(join(work, 'm2-a'), ['deploy']);
    const md = await get('mvn-local/org/stowage/e2e/hello/1.1.0-SNAPSHOT/maven-metadata.xml');
    assert.equal(md.status, 200);
    assert.match(md.text, /<buildNumber>2<\/buildNumber>/);
    assert.match(md.text, /<extension>jar<\/extension>\s*<value>1\.1\.0-\d{8}\.\d{6}-2<\/value>/);
    const top = await get('mvn/org/stowage/e2e/hello/maven-metadata.xml');
    assert.match(top.text, /<latest>1\.1\.0-SNAPSHOT<\/latest>/);
    assert.match(top.text, /<release>1\.0\.0<\/release>/);
    await writeFile(join(project, 'pom.xml'), pom('1.0.0'));
  });

  it('with the upstream stopped, a fresh local repository builds from the cache', async () => {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
    // compile, not package: ~/.m2 lacks some POMs surefire asks for, and a miss is not cached
    // (with the upstream down Stowage answers 502 rather than 404 for a path it never saw).
    await mvn(join(work, 'm2-b'), ['compile']);
    await stat(join(work, 'm2-b/org/apache/commons/commons-lang3/3.12.0/commons-lang3-3.12.0.jar'));
  });

  it('build-info dependencies from the downloads recorded for the build match the files mvn used', async () => {
    // settings.xml sends the build's headers, so the server recorded what this build fetched;
    // that record is the dependency list where dependency:tree cannot run (offline here).
    const res = await get('api/stowage/v1/builds/mvn-e2e/1/downloads');
    const { downloads } = JSON.parse(res.text) as { downloads: RecordedDownload[] };
    const deps = mergeWithDownloads([], downloads, DOWNLOAD_IDS.maven);
    const ids = deps.map((d) => d.id);
    assert.ok(ids.includes('org.apache.commons:commons-lang3:3.12.0'), ids.join(', '));
    assert.ok(
      ids.every((id) => id.split(':').length >= 3),
      'group:artifact:version ids, no poms or metadata',
    );
    assert.equal(new Set(ids).size, ids.length, 'each dependency once');
    for (const d of deps) {
      const [g, a, v, c] = d.id.split(':') as [string, string, string, string | undefined];
      const file = join(work, 'm2-a', ...g.split('.'), a, v, `${a}-${v}${c ? `-${c}` : ''}.jar`);
      assert.equal(
        d.sha1,
        await sha1File(file),
        `${d.id}: the recorded sha1 is that of the jar mvn used`,
      );
    }
  });

  it(
    'build-info dependencies from dependency:tree carry the checksums the server holds',
    {
      skip: !hasDependencyPlugin() && 'apt-get install libmaven-dependency-plugin-java',
    },
    async () => {
      // Debian's plugin, resolved (with its dependencies) through Stowage like any plugin, into
      // the local repository whose jars the earlier build used (dependency:tree reads poms only).
      await mvn(join(work, 'm2-a'), [
        `${DEPENDENCY_PLUGIN}:tree`,
        '-DoutputType=tgf',
        '-DoutputFile=target/dependencies.tgf',
      ]);
      const deps = await collectMaven({ dir: project, localRepo: join(work, 'm2-a') });
      const lang = deps.find((d) => d.id === 'org.apache.commons:commons-lang3:3.12.0');
      assert.ok(lang, JSON.stringify(deps.map((d) => d.id)));
      assert.deepEqual(lang.scopes, ['compile']);
      const junit = deps.find((d) => d.id === 'junit:junit:4.13.2');
      assert.deepEqual(junit?.scopes, ['test']);
      const hamcrest = deps.find((d) => d.id === 'org.hamcrest:hamcrest-core:1.3');
      assert.deepEqual(hamcrest?.requestedBy, [
        ['junit:junit:4.13.2', 'org.stowage.e2e:hello:1.0.0'],
      ]);
      for (const d of deps) {
        const [g, a, v] = d.id.split(':') as [string, string, string];
        const path = `mvn/${g.replaceAll('.', '/')}/${a}/${v}/${a}-${v}.jar.sha1`;
        assert.equal(d.sha1, (await get(path)).text, d.id);
      }
    },
  );
});
