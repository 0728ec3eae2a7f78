/**
 * Two replicas of the server, each listening on its own port, over one PostgreSQL (a schema of
 * this test's own) and one blob store: either one data directory (the fs blob store shared as a
 * mount would be) or one S3 bucket (each replica then has a data directory of its own): what one
 * replica writes the other serves, read-modify-write of shared metadata loses nothing, uploads
 * that arrive in pieces continue on either replica (skopeo through a proxy that sends its
 * PATCHes to one and its PUT to the other), GC on one replica never takes a blob the other is
 * committing, and a replica killed mid-upload leaves nothing partial and loses nothing. The
 * storage settings and the admin token come from the environment, as in a container deployment.
 * Needs STOWAGE_TEST_PG_URL (and STOWAGE_TEST_S3_* for the S3 pair; `.ci/services.sh start`);
 * skips without them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/server.ts';
import { PG_URL, SKIP_PG, dropSchema, newSchema } from './pg.ts';
import { SKIP_S3, newBucket, s3Env } from './s3.ts';

const exec = promisify(execFile);
const has = (cmd: string): boolean => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const MISSING_OCI: string | false =
  has('skopeo') && has('umoci')
    ? false
    : 'skopeo and umoci are needed (apt-get install -y skopeo umoci)';

const ADMIN = `stw_${randomBytes(24).toString('base64url')}`;

const CONFIG = {
  repositories: [
    { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
    { key: 'generic-qa', rclass: 'local', packageType: 'generic' },
    { key: 'generic-release', rclass: 'local', packageType: 'generic' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    { key: 'docker-local', rclass: 'local', packageType: 'docker' },
  ],
  stages: [
    { name: 'staged', repo: 'generic-staging' },
    { name: 'qa', repo: 'generic-qa' },
    { name: 'release', repo: 'generic-release' },
  ],
};

const sha = (alg: string, data: string | Buffer): string =>
  createHash(alg).update(data).digest('hex');

function replicaSuite(blobs: 'fs' | 's3'): void {
  const where = blobs === 's3' ? 'one S3 bucket' : 'one blob directory';
  describe(
    `two replicas on one PostgreSQL and ${where}`,
    { skip: SKIP_PG || (blobs === 's3' && SKIP_S3) },
    () => {
      let work: string;
      let env: Record<string, string>;
      let dropBucket: (() => Promise<void>) | undefined;
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
          startServer({
            dataDir: join(work, blobs === 's3' ? `data-${i}` : 'data'),
            port: 0,
            config: CONFIG,
            env,
          });
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
          JSON.stringify({ user: 'ci' }),
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
      test(
        'skopeo pushes through a proxy that sends its PATCHes to one replica and its PUT to the other',
        { skip: MISSING_OCI },
        async () => {
          const layout = join(work, 'oci-layout');
          const run = (cmd: string, args: string[]): Promise<string> =>
            exec(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }).then(
              (r) => r.stdout,
              (err: { stderr?: string; message: string }) => {
                throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr ?? err.message}`);
              },
            );
          await run('umoci', ['init', '--layout', layout]);
          await run('umoci', ['new', '--image', `${layout}:app`]);
          const files = join(work, 'layer-files');
          await mkdir(files, { recursive: true });
          await writeFile(join(files, 'payload.bin'), randomBytes(3 * 1024 * 1024));
          await run('tar', ['-cf', `${files}.tar`, '-C', files, '.']);
          await run('umoci', ['raw', 'add-layer', '--image', `${layout}:app`, `${files}.tar`]);
          // Round robin, except that every PATCH goes to A and every PUT to B.
          const seen: string[] = [];
          let turn = 0;
          const proxy = createServer((req, res) => {
            const target =
              req.method === 'PATCH' ? a : req.method === 'PUT' ? b : turn++ % 2 ? a : b;
            seen.push(`${req.method} ${target === a ? 'A' : 'B'} ${req.url ?? ''}`);
            const up = httpRequest(
              `${target.url}${req.url ?? '/'}`,
              { method: req.method, headers: req.headers },
              (r) => {
                res.writeHead(r.statusCode ?? 502, r.headers);
                r.pipe(res);
              },
            );
            up.on('error', (err) => res.destroy(err));
            req.pipe(up);
          });
          proxy.listen(0, '127.0.0.1');
          await once(proxy, 'listening');
          const addr = proxy.address();
          const host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
          try {
            const creds = `ci:${ADMIN}`;
            await run('skopeo', [
              '--insecure-policy',
              'copy',
              '--dest-creds',
              creds,
              '--dest-tls-verify=false',
              `oci:${layout}:app`,
              `docker://${host}/docker-local/skopeo-app:1`,
            ]);
            assert.ok(
              seen.some((l) => /^PATCH A \/v2\/docker-local\/skopeo-app\/blobs\/uploads\//.test(l)),
              seen.join('\n'),
            );
            assert.ok(
              seen.some((l) =>
                /^PUT B \/v2\/docker-local\/skopeo-app\/blobs\/uploads\/.*digest=/.test(l),
              ),
              seen.join('\n'),
            );
            // Pulled back whole from each replica directly.
            const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
              manifests: { digest: string }[];
            };
            const want = index.manifests[0]?.digest;
            for (const [i, s] of [a, b].entries()) {
              const out = join(work, `skopeo-out-${i}`);
              await run('skopeo', [
                '--insecure-policy',
                'copy',
                '--src-creds',
                creds,
                '--src-tls-verify=false',
                `docker://${s.url.replace(/^http:\/\//, '')}/docker-local/skopeo-app:1`,
                `oci:${out}:app`,
              ]);
              const got = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
                manifests: { digest: string }[];
              };
              assert.equal(got.manifests[0]?.digest, want);
              const manifest = JSON.parse(
                await readFile(join(out, 'blobs', 'sha256', String(want).slice(7)), 'utf8'),
              ) as { layers: { digest: string }[] };
              for (const l of manifest.layers) {
                const blob = await readFile(join(out, 'blobs', 'sha256', l.digest.slice(7)));
                assert.equal(`sha256:${sha('sha256', blob)}`, l.digest);
              }
            }
          } finally {
            proxy.close();
          }
        },
      );

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

      test('a replica killed mid-upload (SIGKILL): nothing partial is visible, nothing is lost, the other serves on', async () => {
        const child = spawn(
          process.execPath,
          [
            join(import.meta.dirname, 'replica-child.ts'),
            JSON.stringify({
              dataDir: join(work, blobs === 's3' ? 'data-3' : 'data'),
              config: CONFIG,
              env,
            }),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '' } },
        );
        let c: string;
        try {
          const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [
            string,
          ];
          c = (JSON.parse(line) as { url: string }).url;
        } catch (err) {
          child.kill('SIGKILL');
          throw err;
        }
        const auth = { authorization: `Bearer ${ADMIN}` };
        const before = await fetch(`${c}/generic-staging/crash/before.txt`, {
          method: 'PUT',
          body: 'deployed before the crash',
          headers: auth,
        });
        assert.equal(before.status, 201);
        // An OCI upload started on the replica that dies.
        const part1 = randomBytes(40_000);
        const part2 = randomBytes(25_000);
        const startUp = await fetch(`${c}/v2/docker-local/crash/blobs/uploads/`, {
          method: 'POST',
          headers: auth,
        });
        assert.equal(startUp.status, 202);
        const loc = String(startUp.headers.get('location'));
        const p1 = await fetch(`${c}${loc}`, {
          method: 'PATCH',
          body: part1,
          headers: { ...auth, 'content-type': 'application/octet-stream' },
        });
        assert.equal(p1.status, 202);
        // A 32 MiB deploy of which 8 MiB have gone out when the replica is killed.
        const MiB = 1024 * 1024;
        const chunk = randomBytes(MiB);
        const big = httpRequest(`${c}/generic-staging/crash/big.bin`, {
          method: 'PUT',
          headers: { ...auth, 'content-length': String(32 * MiB) },
        });
        const failed = new Promise<unknown>((resolve) => {
          big.on('error', resolve);
          big.on('response', (r) => resolve(new Error(`answered ${r.statusCode}`)));
        });
        for (let i = 0; i < 8; i++)
          await new Promise<void>((resolve, reject) =>
            big.write(chunk, (err) => (err ? reject(err) : resolve())),
          );
        child.kill('SIGKILL');
        await once(child, 'exit');
        assert.ok((await failed) instanceof Error);
        big.destroy();

        for (const s of [a, b]) {
          const partial = await call(s, 'GET', '/generic-staging/crash/big.bin');
          assert.equal(partial.status, 404, 'nothing of the cut-off deploy is visible');
          const kept = await call(s, 'GET', '/generic-staging/crash/before.txt');
          assert.equal(await kept.text(), 'deployed before the crash');
        }
        // The upload the dead replica had begun continues on B.
        const p2 = await call(b, 'PATCH', loc, part2, {
          'content-type': 'application/octet-stream',
          'content-range': `${part1.length}-${part1.length + part2.length - 1}`,
        });
        assert.equal(p2.status, 202, await p2.text());
        const whole = Buffer.concat([part1, part2]);
        const digest = `sha256:${sha('sha256', whole)}`;
        const done = await call(b, 'PUT', `${loc}?digest=${digest}`, Buffer.alloc(0), {
          'content-type': 'application/octet-stream',
        });
        assert.equal(done.status, 201, await done.text());
        const blob = await call(a, 'GET', `/v2/docker-local/crash/blobs/${digest}`);
        assert.ok(Buffer.from(await blob.arrayBuffer()).equals(whole));
        // And B takes the whole deploy.
        const content = Buffer.concat(Array.from({ length: 32 }, () => chunk));
        const again = await call(b, 'PUT', '/generic-staging/crash/big.bin', content);
        assert.equal(again.status, 201);
        const got = await call(a, 'GET', '/generic-staging/crash/big.bin');
        assert.equal(sha('sha256', Buffer.from(await got.arrayBuffer())), sha('sha256', content));
      });
    },
  );
}

replicaSuite('fs');
replicaSuite('s3');
