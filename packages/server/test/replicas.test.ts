/**
 * Two replicas of the server, each listening on its own port, over one PostgreSQL (a schema of
 * this test's own) and one blob store: either one data directory (the fs blob store shared as a
 * mount would be) or one S3 bucket (each replica then has a data directory of its own): what one
 * replica writes the other serves, read-modify-write of shared metadata loses nothing, uploads
 * that arrive in pieces continue on either replica, GC on one replica never takes a blob the
 * other is committing, and a replica killed mid-upload leaves nothing partial. The storage
 * settings and the admin token come from the environment, as in a container deployment.
 * Needs STOWAGE_TEST_PG_URL (and STOWAGE_TEST_S3_* for the S3 pair; `.ci/services.sh start`);
 * skips without them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/server.ts';
import { PG_URL, SKIP_PG, dropSchema, newSchema } from './pg.ts';
import { SKIP_S3, newBucket, s3Env } from './s3.ts';

const ADMIN = `stw_${randomBytes(24).toString('base64url')}`;

const CONFIG = {
  repositories: [
    { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
    { key: 'generic-qa', rclass: 'local', packageType: 'generic' },
    { key: 'generic-release', rclass: 'local', packageType: 'generic' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    { key: 'docker-local', rclass: 'local', packageType: 'docker' },
    { key: 'maven-local', rclass: 'local', packageType: 'maven' },
  ],
  stages: [
    { name: 'staged', repo: 'generic-staging' },
    { name: 'qa', repo: 'generic-qa' },
    { name: 'release', repo: 'generic-release' },
  ],
};

const sha = (alg: string, data: string | Buffer): string =>
  createHash(alg).update(data).digest('hex');

const run = promisify(execFile);

/** skopeo and umoci (Debian packages), or why the skopeo test skips. */
function missingTools(): string | false {
  const missing = ['skopeo', 'umoci'].filter((cmd) => {
    try {
      execFileSync(cmd, ['--version'], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length
    ? `${missing.join(', ')} not installed (apt-get install -y skopeo umoci)`
    : false;
}

/**
 * A load balancer in front of two replicas: OCI upload sessions go POST → first, PATCH →
 * first, final PUT → second (the session changes replica before it completes); every other
 * request alternates. Records which replica served what.
 */
async function roundRobin(
  first: RunningServer,
  second: RunningServer,
): Promise<{
  url: string;
  log: { method: string; path: string; to: string }[];
  close(): Promise<void>;
}> {
  const log: { method: string; path: string; to: string }[] = [];
  let turn = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    let target: RunningServer;
    if (/\/blobs\/uploads\//.test(path)) target = req.method === 'PUT' ? second : first;
    else target = turn++ % 2 ? second : first;
    log.push({ method: req.method ?? '', path, to: target === first ? 'A' : 'B' });
    const up = request(
      { host: '127.0.0.1', port: target.port, method: req.method, path, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (err) => res.destroy(err));
    req.pipe(up);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `127.0.0.1:${port}`,
    log,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function replicaSuite(blobs: 'fs' | 's3'): void {
  const where = blobs === 's3' ? 'one S3 bucket' : 'one blob directory';
  describe(
    `two replicas on one PostgreSQL and ${where}`,
    { skip: SKIP_PG || (blobs === 's3' && SKIP_S3) },
    () => {
      let work: string;
      let env: Record<string, string>;
      let dropBucket: (() => Promise<void>) | undefined;
      /** Where replica `i` keeps its data: shared on fs, its own on S3. */
      const dataDir = (i: number): string => join(work, blobs === 's3' ? `data-${i}` : 'data');
      let schema: string;
      let a: RunningServer;
      let b: RunningServer;

      const call = (
        s: RunningServer,
        method: string,
        path: string,
        body?: string | Buffer,
        headers: Record<string, string> = {},
      ): Promise<Response> =>
        fetch(`${s.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN}`, ...headers },
          ...(body !== undefined ? { body } : {}),
        });

      before(async () => {
        work = await mkdtemp(join(tmpdir(), 'stowage-replicas-'));
        schema = newSchema();
        env = {
          STOWAGE_METADATA_URL: PG_URL ?? '',
          STOWAGE_METADATA_SCHEMA: schema,
          STOWAGE_METADATA_POOL_SIZE: '4',
          STOWAGE_ADMIN_TOKEN: ADMIN,
        };
        if (blobs === 's3') {
          const bucket = await newBucket();
          dropBucket = bucket.drop;
          env = { ...env, ...s3Env(bucket.bucket) };
        }
        // Both start at once: the schema's migrations run once, under their advisory lock. On S3
        // each has a data directory of its own: nothing is shared through the disk.
        const start = (i: number): Promise<RunningServer> =>
          startServer({ dataDir: dataDir(i), port: 0, config: CONFIG, env });
        [a, b] = await Promise.all([start(1), start(2)]);
      });

      after(async () => {
        await a?.close();
        await b?.close();
        if (schema) await dropSchema(schema);
        await dropBucket?.();
        if (work) await rm(work, { recursive: true, force: true });
      });

      test('the admin token from the environment, and tokens issued on one replica, work on both', async () => {
        assert.equal(a.adminTokenFile, 'env:STOWAGE_ADMIN_TOKEN');
        for (const s of [a, b]) {
          const health = await fetch(`${s.url}/api/system/health`);
          assert.equal(health.status, 200);
          assert.deepEqual(
            Object.values(
              ((await health.json()) as { checks: Record<string, { status: string }> }).checks,
            ).map((c) => c.status),
            ['ok', 'ok'],
          );
        }
        const issued = await call(
          a,
          'POST',
          '/api/stowage/v1/tokens',
          // "ci" is no defined user: a service token, whose scopes are its only grants.
          JSON.stringify({ user: 'ci', scopes: ['repo:generic-staging:deploy'] }),
          {
            'content-type': 'application/json',
          },
        );
        assert.equal(issued.status, 201);
        const { token } = (await issued.json()) as { token: string };
        const put = await fetch(`${b.url}/generic-staging/tok/x.txt`, {
          method: 'PUT',
          body: 'by a token issued elsewhere',
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(put.status, 201);
        const got = await fetch(`${a.url}/generic-staging/tok/x.txt`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(await got.text(), 'by a token issued elsewhere');
      });

      test('npm publish on one replica, npm install through the other (the real npm client)', async () => {
        const home = join(work, 'npm-home');
        const pkg = join(work, 'npm-pkg');
        const project = join(work, 'npm-project');
        for (const d of [home, pkg, project]) await mkdir(d, { recursive: true });
        const npm = (args: string[], cwd: string): Promise<{ code: number; err: string }> =>
          new Promise((resolve, reject) => {
            const child = spawn('npm', [...args, '--no-audit', '--no-fund'], {
              cwd,
              env: {
                PATH: process.env.PATH ?? '',
                HOME: home,
                npm_config_userconfig: join(home, '.npmrc'),
                npm_config_cache: join(work, 'npm-cache'),
                npm_config_update_notifier: 'false',
              },
            });
            let err = '';
            child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
            child.on('error', reject);
            child.on('close', (code) => resolve({ code: code ?? -1, err }));
          });
        const regA = `${a.url}/api/npm/npm-local/`;
        const regB = `${b.url}/api/npm/npm-local/`;
        await writeFile(
          join(home, '.npmrc'),
          `${regA.replace(/^http:/, '')}:_authToken=${ADMIN}\n${regB.replace(/^http:/, '')}:_authToken=${ADMIN}\n`,
        );
        await writeFile(
          join(pkg, 'package.json'),
          JSON.stringify({
            name: 'shared-lib',
            version: '1.2.3',
            main: 'index.js',
            license: 'MIT',
          }),
        );
        await writeFile(join(pkg, 'index.js'), 'module.exports = "published on A";\n');
        const pub = await npm(['publish', '--registry', regA], pkg);
        assert.equal(pub.code, 0, pub.err);
        await writeFile(
          join(project, 'package.json'),
          JSON.stringify({
            name: 'p',
            version: '1.0.0',
            private: true,
            dependencies: { 'shared-lib': '^1.2.0' },
          }),
        );
        const inst = await npm(['install', '--registry', regB], project);
        assert.equal(inst.code, 0, inst.err);
        assert.equal(
          execFileSync(process.execPath, ['-p', 'require("shared-lib")'], {
            cwd: project,
            encoding: 'utf8',
          }).trim(),
          'published on A',
        );
      });

      test('100 concurrent publishes of one package through both replicas: no version lost', async () => {
        const publish = (s: RunningServer, version: string): Promise<Response> => {
          const data = Buffer.from(`tarball of ${version}`);
          return call(
            s,
            'PUT',
            '/api/npm/npm-local/crowded',
            JSON.stringify({
              _id: 'crowded',
              name: 'crowded',
              'dist-tags': { latest: version },
              versions: {
                [version]: {
                  name: 'crowded',
                  version,
                  dist: {
                    shasum: sha('sha1', data),
                    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
                    tarball: `http://ignored/crowded/-/crowded-${version}.tgz`,
                  },
                },
              },
              _attachments: {
                [`crowded-${version}.tgz`]: {
                  content_type: 'application/octet-stream',
                  data: data.toString('base64'),
                  length: data.length,
                },
              },
            }),
            { 'content-type': 'application/json' },
          );
        };
        const versions = Array.from({ length: 100 }, (_, i) => `1.0.${i}`);
        const results = await Promise.all(versions.map((v, i) => publish(i % 2 ? a : b, v)));
        for (const r of results) assert.ok(r.status < 300, `${r.status} ${await r.text()}`);
        for (const s of [a, b]) {
          const doc = (await (await call(s, 'GET', '/api/npm/npm-local/crowded')).json()) as {
            versions: Record<string, unknown>;
          };
          assert.deepEqual(Object.keys(doc.versions).sort(), [...versions].sort());
        }
      });

      test('concurrent Maven deploys of one artifact through both replicas: maven-metadata.xml lists every version', async () => {
        const versions = Array.from({ length: 40 }, (_, i) => `1.0.${i}`);
        const results = await Promise.all(
          versions.map((v, i) =>
            call(i % 2 ? a : b, 'PUT', `/maven-local/org/acme/lib/${v}/lib-${v}.jar`, `jar ${v}`),
          ),
        );
        for (const r of results) assert.equal(r.status, 201, await r.text());
        for (const s of [a, b]) {
          const xml = await (
            await call(s, 'GET', '/maven-local/org/acme/lib/maven-metadata.xml')
          ).text();
          const listed = [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1]);
          assert.deepEqual([...listed].sort(), [...versions].sort(), xml);
        }
      });

      test('an OCI chunked upload started on one replica is continued and finished on the other', async () => {
        const parts = [70_000, 50_000, 20_000, 30_000].map((n) => randomBytes(n));
        const whole = Buffer.concat(parts);
        const digest = `sha256:${sha('sha256', whole)}`;
        const start = await call(a, 'POST', '/v2/docker-local/app/blobs/uploads/');
        assert.equal(start.status, 202);
        const loc = String(start.headers.get('location'));
        let offset = 0;
        // A, then B, then A again (its own copy of the session is stale by then).
        for (const [i, part] of parts.slice(0, 3).entries()) {
          const s = i === 1 ? b : a;
          const res = await call(s, 'PATCH', loc, part, {
            'content-type': 'application/octet-stream',
            'content-range': `${offset}-${offset + part.length - 1}`,
          });
          assert.equal(res.status, 202, await res.text());
          offset += part.length;
          assert.equal(res.headers.get('range'), `0-${offset - 1}`);
        }
        // Both replicas report the same progress from the shared store.
        for (const s of [a, b]) {
          const st = await call(s, 'GET', loc);
          assert.equal(st.status, 204);
          assert.equal(st.headers.get('range'), `0-${offset - 1}`);
        }
        const last = parts[3] ?? Buffer.alloc(0);
        const put = await call(b, 'PUT', `${loc}?digest=${digest}`, last, {
          'content-type': 'application/octet-stream',
        });
        assert.equal(put.status, 201, await put.text());
        const blob = await call(a, 'GET', `/v2/docker-local/app/blobs/${digest}`);
        assert.equal(blob.status, 200);
        assert.ok(Buffer.from(await blob.arrayBuffer()).equals(whole));
        const gone = await call(a, 'PATCH', loc, 'more', {
          'content-type': 'application/octet-stream',
        });
        assert.equal(gone.status, 404);
      });

      test(
        "skopeo pushes through a balancer that sends each upload's PATCH to one replica and PUT to the other",
        { skip: missingTools() },
        async () => {
          const layout = join(work, 'oci-layout');
          const umoci = (args: string[]): Promise<unknown> =>
            run('umoci', args, { timeout: 60_000 });
          await umoci(['init', '--layout', layout]);
          await umoci(['new', '--image', `${layout}:app`]);
          for (let i = 1; i <= 2; i++) {
            const dir = join(work, `layer-${i}`);
            await mkdir(dir, { recursive: true });
            await writeFile(join(dir, `data${i}.bin`), randomBytes(200_000 * i));
            await run('tar', ['-cf', `${dir}.tar`, '-C', dir, '.']);
            await umoci(['raw', 'add-layer', '--image', `${layout}:app`, `${dir}.tar`]);
          }
          const skopeo = async (args: string[]): Promise<string> =>
            (
              await run('skopeo', ['--insecure-policy', ...args], {
                timeout: 120_000,
                maxBuffer: 64 * 1024 * 1024,
              })
            ).stdout;
          const lb = await roundRobin(a, b);
          try {
            const creds = `ci:${ADMIN}`;
            await skopeo([
              'copy',
              '--dest-creds',
              creds,
              '--dest-tls-verify=false',
              `oci:${layout}:app`,
              `docker://${lb.url}/docker-local/balanced:1`,
            ]);
            // Sessions really moved: started and fed on A, finished on B.
            const puts = lb.log.filter(
              (l) => l.method === 'PUT' && l.path.includes('/blobs/uploads/'),
            );
            const patches = lb.log.filter((l) => l.method === 'PATCH');
            assert.ok(puts.length >= 3, JSON.stringify(lb.log));
            assert.ok(patches.length >= 1, JSON.stringify(lb.log));
            assert.ok(puts.every((l) => l.to === 'B') && patches.every((l) => l.to === 'A'));
            const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
              manifests: { digest: string }[];
            };
            const want = index.manifests[0]?.digest;
            for (const s of [a, b]) {
              const raw = await skopeo([
                'inspect',
                '--raw',
                '--creds',
                creds,
                '--tls-verify=false',
                `docker://127.0.0.1:${s.port}/docker-local/balanced:1`,
              ]);
              assert.equal(`sha256:${sha('sha256', raw)}`, want);
            }
            const out = join(work, 'oci-out');
            await skopeo([
              'copy',
              '--src-creds',
              creds,
              '--src-tls-verify=false',
              `docker://127.0.0.1:${b.port}/docker-local/balanced:1`,
              `oci:${out}:app`,
            ]);
            const manifest = JSON.parse(
              await readFile(join(out, 'blobs', 'sha256', (want ?? '').slice(7)), 'utf8'),
            ) as { layers: { digest: string }[] };
            assert.equal(manifest.layers.length, 2);
            for (const l of manifest.layers) {
              const data = await readFile(join(out, 'blobs', 'sha256', l.digest.slice(7)));
              assert.equal(`sha256:${sha('sha256', data)}`, l.digest);
            }
          } finally {
            await lb.close();
          }
        },
      );

      test('kill -9 of a replica mid-upload: the other continues its upload session, and a cut deploy stays invisible', async () => {
        // A third replica in a process of its own, so that it can be killed outright.
        const server = new URL('../src/server.ts', import.meta.url).href;
        const child = spawn(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const { startServer } = await import(${JSON.stringify(server)});
         const s = await startServer({ dataDir: process.argv[1], port: 0, config: JSON.parse(process.argv[2]), env: process.env });
         process.stdout.write(JSON.stringify({ port: s.port }) + '\\n');`,
            dataDir(3),
            JSON.stringify(CONFIG),
          ],
          {
            env: { PATH: process.env.PATH ?? '', ...env },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        try {
          const [line] = (await once(child.stdout, 'data')) as [Buffer];
          const port = (JSON.parse(line.toString('utf8')) as { port: number }).port;
          const c = { port, url: `http://127.0.0.1:${port}` } as RunningServer;

          const first = randomBytes(100_000);
          const rest = randomBytes(60_000);
          const start = await call(c, 'POST', '/v2/docker-local/killed/blobs/uploads/');
          assert.equal(start.status, 202);
          const loc = String(start.headers.get('location'));
          const patch = await call(c, 'PATCH', loc, first, {
            'content-type': 'application/octet-stream',
          });
          assert.equal(patch.status, 202, await patch.text());

          // A deploy that is half sent when the replica dies.
          const sock = connect(port, '127.0.0.1');
          await once(sock, 'connect');
          sock.write(
            `PUT /generic-staging/cut/half.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Length: 1000000\r\n\r\n`,
          );
          sock.write(randomBytes(500_000));
          sock.on('error', () => undefined);
          child.kill('SIGKILL');
          await once(child, 'exit');
          sock.destroy();

          // The session goes on where it stood, on another replica.
          const status = await call(a, 'GET', loc);
          assert.equal(status.status, 204);
          assert.equal(status.headers.get('range'), `0-${first.length - 1}`);
          const whole = Buffer.concat([first, rest]);
          const put = await call(a, 'PUT', `${loc}?digest=sha256:${sha('sha256', whole)}`, rest, {
            'content-type': 'application/octet-stream',
          });
          assert.equal(put.status, 201, await put.text());
          const blob = await call(
            b,
            'GET',
            `/v2/docker-local/killed/blobs/sha256:${sha('sha256', whole)}`,
          );
          assert.ok(Buffer.from(await blob.arrayBuffer()).equals(whole));
          for (const s of [a, b])
            assert.equal((await call(s, 'HEAD', '/generic-staging/cut/half.bin')).status, 404);
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      });

      test('concurrent promotions of two builds onto the same paths from both replicas: one wins whole', async () => {
        const publish = async (s: RunningServer, number: string, repo: string): Promise<void> => {
          const artifacts = [];
          for (let i = 0; i < 10; i++) {
            const data = `build ${number} file ${i}`;
            const put = await call(
              s,
              'PUT',
              `/${repo}/app/f${i}.bin;build.name=app;build.number=${number}`,
              data,
            );
            assert.equal(put.status, 201);
            artifacts.push({
              name: `f${i}.bin`,
              sha1: sha('sha1', data),
              sha256: sha('sha256', data),
              md5: sha('md5', data),
            });
          }
          const info = {
            version: '1.0.1',
            name: 'app',
            number,
            started: `2026-11-2${number}T07:00:00.000+0000`,
            modules: [{ id: `app:${number}`, artifacts }],
          };
          const res = await call(s, 'PUT', '/api/build', JSON.stringify(info), {
            'content-type': 'application/json',
          });
          assert.equal(res.status, 204, await res.text());
        };
        await publish(a, '1', 'generic-staging');
        await publish(b, '2', 'generic-qa');
        const promote = (s: RunningServer, number: string): Promise<Response> =>
          call(
            s,
            'POST',
            `/api/build/promote/app/${number}`,
            JSON.stringify({ status: 'release', targetRepo: 'generic-release', copy: true }),
            { 'content-type': 'application/json' },
          );
        const [r1, r2] = await Promise.all([promote(a, '1'), promote(b, '2')]);
        const ok = [r1, r2].filter((r) => r.status === 200);
        const refused = [r1, r2].filter((r) => r.status !== 200);
        assert.equal(ok.length, 1, `${r1.status} ${r2.status}`);
        assert.equal(refused[0]?.status, 409, await refused[0]?.text());
        const winner = r1.status === 200 ? '1' : '2';
        const loser = winner === '1' ? '2' : '1';
        for (let i = 0; i < 10; i++) {
          const got = await call(b, 'GET', `/generic-release/app/f${i}.bin`);
          assert.equal(await got.text(), `build ${winner} file ${i}`);
        }
        const lost = (await (await call(a, 'GET', `/api/build/app/${loser}`)).json()) as {
          buildInfo: { statuses?: unknown[] };
        };
        assert.equal(lost.buildInfo.statuses, undefined);
      });
      test('the last reference deleted on one replica while the other commits the same content: nothing lost', async () => {
        for (let i = 0; i < 15; i++) {
          const data = `shared content ${i} ${randomBytes(8).toString('hex')}`;
          const first = await call(a, 'PUT', `/generic-staging/gc/${i}/one.txt`, data);
          assert.equal(first.status, 201);
          // The delete on A collects the blob it leaves unreferenced; B commits the same digest,
          // once with a body and once as a checksum deploy.
          const [del, body, byChecksum] = await Promise.all([
            call(a, 'DELETE', `/generic-staging/gc/${i}/one.txt`),
            call(b, 'PUT', `/generic-staging/gc/${i}/two.txt`, data),
            call(b, 'PUT', `/generic-staging/gc/${i}/three.txt`, undefined, {
              'x-checksum-deploy': 'true',
              'x-checksum-sha256': sha('sha256', data),
            }),
          ]);
          assert.equal(del.status, 204);
          assert.equal(body.status, 201, await body.text());
          // A checksum deploy may come after the content went: then it is refused, never half-done.
          assert.ok([201, 404].includes(byChecksum.status), `${byChecksum.status}`);
          const paths = byChecksum.status === 201 ? ['two.txt', 'three.txt'] : ['two.txt'];
          for (const s of [a, b]) {
            for (const p of paths) {
              const got = await call(s, 'GET', `/generic-staging/gc/${i}/${p}`);
              assert.equal(got.status, 200, `${p} on ${s === a ? 'A' : 'B'}`);
              assert.equal(await got.text(), data);
            }
          }
        }
      });
    },
  );
}

replicaSuite('fs');
replicaSuite('s3');
