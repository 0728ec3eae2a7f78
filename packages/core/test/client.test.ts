import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { RepositoryClient, StowageError, type RepositoryClientOptions } from '../src/core.ts';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const sha = (algo: string, data: Buffer | string): string =>
  createHash(algo).update(data).digest('hex');

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('RepositoryClient against a local HTTP server', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let seen: Seen[];
  let dir: string;
  const clients: RepositoryClient[] = [];

  const client = (opts: Partial<RepositoryClientOptions> = {}): RepositoryClient => {
    const c = new RepositoryClient({ url: base, retryDelayMs: 5, timeoutMs: 5000, ...opts });
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stowage-client-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    seen = [];
    handler = (_req, _body, res) =>
      json(res, 500, { errors: [{ status: 500, message: 'no handler' }] });
  });
  afterEach(() => {
    handler = (_req, _body, res) => res.end();
  });

  describe('upload', () => {
    const content = 'x'.repeat(100_000) + 'end';
    let file: string;
    before(() => {
      file = join(dir, 'report.tgz');
      writeFileSync(file, content);
    });

    it('falls back from checksum deploy (404) to a streamed body with checksums', async () => {
      handler = (req, body, res) => {
        if (req.headers['x-checksum-deploy'] === 'true') {
          json(res, 404, { errors: [{ status: 404, message: 'Checksum values not found' }] });
          return;
        }
        assert.equal(sha('sha256', body), req.headers['x-checksum-sha256']);
        json(res, 201, { downloadUri: `${base}/libs/a/b/report.tgz`, size: String(body.length) });
      };
      const progress: number[] = [];
      const result = await client().upload({
        repo: 'libs',
        path: 'a/b/report.tgz',
        file,
        properties: { 'build.name': 'nightly etl', 'build.number': '7', tags: ['a,b', 'c'] },
        onProgress: (sent) => progress.push(sent),
      });
      assert.equal(seen.length, 2);
      assert.equal(seen[0]?.body.length, 0);
      assert.equal(seen[1]?.body.toString(), content);
      assert.equal(seen[1]?.headers['x-checksum-sha1'], sha('sha1', content));
      assert.equal(seen[1]?.headers['x-checksum-md5'], sha('md5', content));
      assert.equal(
        seen[1]?.url,
        '/libs/a/b/report.tgz;build.name=nightly%20etl;build.number=7;tags=a%5C%2Cb,c',
      );
      assert.deepEqual(result, {
        repo: 'libs',
        path: 'a/b/report.tgz',
        size: content.length,
        sha1: sha('sha1', content),
        sha256: sha('sha256', content),
        md5: sha('md5', content),
        downloadUri: `${base}/libs/a/b/report.tgz`,
        deployedByChecksum: false,
      });
      assert.equal(progress.at(-1), content.length);
    });

    it('sends no body when the checksum deploy succeeds', async () => {
      handler = (_req, _body, res) => json(res, 201, { downloadUri: `${base}/libs/r.tgz` });
      const result = await client().upload({ repo: 'libs', path: 'r.tgz', file });
      assert.equal(result.deployedByChecksum, true);
      assert.equal(seen.length, 1);
    });

    it('re-opens the file when a streamed upload is retried after 503', async () => {
      let bodyAttempts = 0;
      handler = (req, body, res) => {
        if (req.headers['x-checksum-deploy']) return json(res, 404, {});
        bodyAttempts++;
        if (bodyAttempts === 1)
          return json(res, 503, { errors: [{ status: 503, message: 'busy' }] });
        assert.equal(body.toString(), content);
        json(res, 201, {});
      };
      const retries: number[] = [];
      const result = await client({ onRetry: (r) => retries.push(r.attempt) }).upload({
        repo: 'libs',
        path: 'r.tgz',
        file,
      });
      assert.equal(bodyAttempts, 2);
      assert.deepEqual(retries, [1]);
      assert.equal(seen.at(-1)?.body.toString(), content);
      assert.equal(result.downloadUri, `${base}/libs/r.tgz`);
    });

    it('names a missing local file', async () => {
      await assert.rejects(
        client().upload({ repo: 'libs', path: 'x', file: join(dir, 'missing.bin') }),
        {
          code: 'ERR_FILE_NOT_FOUND',
        },
      );
      assert.equal(seen.length, 0);
    });
  });

  describe('retries', () => {
    it('retries GET on 503 and then succeeds', async () => {
      let n = 0;
      handler = (_req, _body, res) => {
        n++;
        if (n < 3) return json(res, 503, { errors: [{ status: 503, message: 'starting up' }] });
        json(res, 200, { version: '0.1.0', revision: 'abc' });
      };
      assert.deepEqual(await client().version(), { version: '0.1.0', revision: 'abc' });
      assert.equal(n, 3);
    });

    it('gives up after the configured number of retries', async () => {
      handler = (_req, _body, res) => json(res, 502, {});
      await assert.rejects(client({ retries: 2 }).ping(), (err: unknown) => {
        assert.ok(err instanceof StowageError);
        assert.equal(err.code, 'ERR_CLIENT_SERVER');
        assert.equal(err.status, 502);
        return true;
      });
      assert.equal(seen.length, 3);
    });

    it('never retries a POST', async () => {
      handler = (_req, _body, res) =>
        json(res, 503, { errors: [{ status: 503, message: 'busy' }] });
      await assert.rejects(client().promote('app', '1', { status: 'qa', targetRepo: 'qa-local' }), {
        status: 503,
      });
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.method, 'POST');
      assert.equal(seen[0]?.url, '/api/build/promote/app/1');
      assert.deepEqual(JSON.parse(seen[0]?.body.toString() ?? ''), {
        status: 'qa',
        targetRepo: 'qa-local',
      });
    });

    it('does not retry 4xx', async () => {
      handler = (_req, _body, res) => json(res, 400, {});
      await assert.rejects(client().ping(), { code: 'ERR_CLIENT_BAD_REQUEST' });
      assert.equal(seen.length, 1);
    });
  });

  describe('download', () => {
    const content = Buffer.from('hello, artifact\n'.repeat(5000));

    it('streams to dest and verifies the checksums', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(200, {
          'x-checksum-sha256': sha('sha256', content),
          'x-checksum-sha1': sha('sha1', content),
          'x-checksum-md5': sha('md5', content),
          'content-length': String(content.length),
        });
        res.end(content);
      };
      const dest = join(dir, 'dl', 'nested', 'a.txt');
      const sums = await client().download({ repo: 'libs', path: 'a b/a.txt', dest });
      assert.equal(seen[0]?.url, '/libs/a%20b/a.txt');
      assert.equal(sums.sha256, sha('sha256', content));
      assert.equal(sums.size, content.length);
      assert.deepEqual(readFileSync(dest), content);
      assert.equal(existsSync(`${dest}.part`), false);
    });

    it('leaves no file when the checksum does not match', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(200, { 'x-checksum-sha256': sha('sha256', 'something else') });
        res.end(content);
      };
      const dest = join(dir, 'bad.txt');
      await assert.rejects(
        client().download({ repo: 'libs', path: 'a.txt', dest }),
        (err: unknown) => {
          assert.ok(err instanceof StowageError);
          assert.equal(err.code, 'ERR_CLIENT_CHECKSUM');
          assert.match(err.message, /sha256 is [0-9a-f]{64} while the server announced/);
          return true;
        },
      );
      assert.equal(existsSync(dest), false);
      assert.equal(existsSync(`${dest}.part`), false);
      assert.equal(seen.length, 1, 'a mismatch is not retried');
    });

    it('maps 404 and writes nothing', async () => {
      handler = (_req, _body, res) =>
        json(res, 404, { errors: [{ status: 404, message: 'File not found.' }] });
      const dest = join(dir, 'none.txt');
      await assert.rejects(
        client().download({ repo: 'libs', path: 'none.txt', dest }),
        (err: unknown) => {
          assert.ok(err instanceof StowageError);
          assert.equal(err.code, 'ERR_CLIENT_NOT_FOUND');
          assert.match(
            err.message,
            /answered 404 to download of libs\/none\.txt: File not found\./,
          );
          return true;
        },
      );
      assert.equal(existsSync(`${dest}.part`), false);
    });
  });

  describe('errors', () => {
    it('keeps the code, status and message of a server error body', async () => {
      handler = (_req, _body, res) =>
        json(res, 403, {
          errors: [
            { status: 403, message: 'user ci may not deploy to libs', code: 'ERR_AUTH_FORBIDDEN' },
          ],
        });
      await assert.rejects(
        client().setProperties('libs', 'a.txt', { qa: 'ok' }),
        (err: unknown) => {
          assert.ok(err instanceof StowageError);
          assert.equal(err.name, 'StowageError');
          assert.equal(err.code, 'ERR_AUTH_FORBIDDEN');
          assert.equal(err.status, 403);
          assert.match(err.message, /user ci may not deploy to libs/);
          return true;
        },
      );
    });

    it('maps statuses without a code to ERR_CLIENT_* codes', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(401);
        res.end('Unauthorized');
      };
      await assert.rejects(client().listRepositories(), {
        code: 'ERR_CLIENT_UNAUTHORIZED',
        status: 401,
      });
    });

    it('says what to do when nothing listens', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const c = new RepositoryClient({
        url: `http://127.0.0.1:${port}`,
        retries: 1,
        retryDelayMs: 1,
      });
      clients.push(c);
      await assert.rejects(c.ping(), (err: unknown) => {
        assert.ok(err instanceof StowageError);
        assert.equal(err.code, 'ERR_CLIENT_UNREACHABLE');
        assert.match(
          err.message,
          /cannot reach Stowage at http:\/\/127\.0\.0\.1:\d+: connection refused .* is the server running\? start one with `stowage serve`/,
        );
        return true;
      });
    });

    it('rejects a JSON answer that is not JSON', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      };
      await assert.rejects(client().version(), { code: 'ERR_CLIENT_BAD_RESPONSE' });
    });

    it('rejects a bad URL up front', () => {
      assert.throws(() => new RepositoryClient({ url: 'localhost:8081' }), {
        code: 'ERR_CLIENT_URL',
      });
      assert.throws(() => new RepositoryClient({ url: 'http://u:p@h' }), {
        code: 'ERR_CLIENT_URL',
      });
    });
  });

  describe('requests', () => {
    it('sends bearer auth and build headers', async () => {
      handler = (_req, _body, res) => res.end('OK');
      await client({ token: 't0k', build: { name: 'etl', number: '3' } }).ping();
      assert.equal(seen[0]?.headers.authorization, 'Bearer t0k');
      assert.equal(seen[0]?.headers['x-stowage-build-name'], 'etl');
      assert.equal(seen[0]?.headers['x-stowage-build-number'], '3');
    });

    it('sends basic auth when a user is given', async () => {
      handler = (_req, _body, res) => res.end('OK');
      await client({ user: 'ci', token: 'secret' }).ping();
      assert.equal(
        seen[0]?.headers.authorization,
        `Basic ${Buffer.from('ci:secret').toString('base64')}`,
      );
    });

    it('publishes a validated build-info and refuses an invalid one without a request', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(204);
        res.end();
      };
      const info = {
        version: '1.0.1',
        name: 'etl',
        number: '3',
        started: '2026-11-25T07:27:22.123+0000',
      };
      await client().publishBuild(info);
      assert.equal(seen[0]?.method, 'PUT');
      assert.equal(seen[0]?.url, '/api/build');
      assert.deepEqual(JSON.parse(seen[0]?.body.toString() ?? ''), info);
      await assert.rejects(client().publishBuild({ ...info, started: 'now' }), {
        code: 'ERR_BUILDINFO_INVALID',
      });
      assert.equal(seen.length, 1);
    });

    it('encodes build names with spaces and slashes as one path segment', async () => {
      handler = (req, _body, res) => {
        if (req.url === '/api/build/my%20app%2Fweb/12') {
          return json(res, 200, {
            uri: '',
            buildInfo: { name: 'my app/web', number: '12', started: 'x', version: '1.0.1' },
          });
        }
        if (req.url === '/api/build/my%20app%2Fweb') {
          return json(res, 200, {
            buildsNumbers: [{ uri: '/12', started: '2026-11-25T07:27:22.123+0000' }],
          });
        }
        json(res, 200, {
          builds: [{ uri: '/my%20app%2Fweb', lastStarted: '2026-11-25T07:27:22.123+0000' }],
        });
      };
      const c = client();
      assert.equal((await c.getBuild('my app/web', '12')).name, 'my app/web');
      assert.deepEqual(await c.listBuildNumbers('my app/web'), [
        { number: '12', started: '2026-11-25T07:27:22.123+0000' },
      ]);
      assert.deepEqual(await c.listBuilds(), [
        { name: 'my app/web', lastStarted: '2026-11-25T07:27:22.123+0000' },
      ]);
    });

    it('reads, writes and deletes properties', async () => {
      handler = (req, _body, res) => {
        if (req.method === 'GET' && req.url?.endsWith('?properties'))
          return json(res, 200, { properties: { qa: ['ok'] } });
        res.writeHead(204);
        res.end();
      };
      const c = client();
      assert.deepEqual(await c.getProperties('libs', 'a/b.txt'), { qa: ['ok'] });
      await c.setProperties(
        'libs',
        'a',
        { qa: ['ok', 'x,y'], 'build.name': 'etl' },
        { recursive: true },
      );
      await c.deleteProperties('libs', 'a', ['qa', 'build.name']);
      assert.equal(
        seen[1]?.url,
        '/api/storage/libs/a?properties=qa=ok,x%5C%2Cy|build.name=etl&recursive=1',
      );
      assert.equal(seen[2]?.method, 'DELETE');
      assert.equal(seen[2]?.url, '/api/storage/libs/a?properties=qa,build.name&recursive=0');
    });

    it('treats 404 on properties of an existing item as no properties', async () => {
      handler = (req, _body, res) => {
        if (req.url?.endsWith('?properties'))
          return json(res, 404, {
            errors: [{ status: 404, message: 'No properties could be found.' }],
          });
        json(res, 200, { repo: 'libs', path: '/a.txt', uri: `${base}/api/storage/libs/a.txt` });
      };
      assert.deepEqual(await client().getProperties('libs', 'a.txt'), {});
    });

    it('lists files deep and shallow', async () => {
      handler = (_req, _body, res) =>
        json(res, 200, { files: [{ uri: '/a.txt', size: 1, lastModified: 'x', folder: false }] });
      const c = client();
      assert.equal((await c.list('libs', 'dir', { deep: true })).files.length, 1);
      assert.equal(seen[0]?.url, '/api/storage/libs/dir?list&deep=1&listFolders=0');
    });

    it('deletes builds and applies retention with documented bodies', async () => {
      handler = (_req, _body, res) => {
        res.writeHead(200);
        res.end();
      };
      const c = client();
      await c.deleteBuilds({ name: 'etl', numbers: ['1', '2'], deleteArtifacts: true });
      await c.retention('etl', { count: 10, deleteBuildArtifacts: true });
      assert.deepEqual(JSON.parse(seen[0]?.body.toString() ?? ''), {
        buildName: 'etl',
        buildNumbers: ['1', '2'],
        deleteArtifacts: true,
        deleteAll: false,
      });
      assert.equal(seen[1]?.url, '/api/build/retention/etl?async=false');
    });
  });
});
