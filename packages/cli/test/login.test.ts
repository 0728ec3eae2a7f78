/**
 * `stowage login --oidc`: a real server with an OIDC provider whose keys a local JWKS server on
 * 127.0.0.1 serves; ID tokens signed here with node:crypto (RS256), as a CI system would.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '@stowage/server';
import { run, type Output } from '../src/cli.ts';

class Sink implements Output {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(
  argv: string[],
  env: Record<string, string> = {},
  cwd = tmpdir(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, { env, stdout, stderr, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const ISSUER = 'https://gitlab.example.com';
const AUDIENCE = 'https://stowage.example';
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('stowage login --oidc', () => {
  let dir: string;
  let jwks: Server;
  let server: RunningServer;
  let key: KeyObject;

  /** A GitLab-shaped ID token (project_path, ref, ref_protected), signed RS256. */
  const idToken = (over: Record<string, unknown> = {}): string => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    const body = b64({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'project_path:data/etl:ref_type:branch:ref:main',
      project_path: 'data/etl',
      namespace_path: 'data',
      ref: 'main',
      ref_protected: 'true',
      pipeline_id: '314',
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 300,
      ...over,
    });
    const sig = sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url');
    return `${head}.${body}.${sig}`;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-login-'));
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    const jwk = {
      ...pair.publicKey.export({ format: 'jwk' }),
      kid: 'k1',
      alg: 'RS256',
      use: 'sig',
    };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const addr = jwks.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    server = await startServer({
      dataDir: join(dir, 'server'),
      port: 0,
      config: {
        oidc: {
          providers: [
            {
              name: 'gitlab',
              issuer: ISSUER,
              audience: AUDIENCE,
              jwksUrl: `http://127.0.0.1:${port}/oauth/discovery/keys`,
              tokenTtl: 300,
              bindClaims: ['project_path', 'namespace_path'],
            },
          ],
          mappings: [
            {
              provider: 'gitlab',
              name: 'etl-main',
              claims: { project_path: 'data/etl', ref: 'main', ref_protected: 'true' },
              scopes: ['repo:generic-staging:deploy', 'build:etl:publish'],
              user: 'ci-etl',
            },
          ],
        },
      },
    });
  });

  after(async () => {
    await server?.close();
    jwks?.closeAllConnections();
    await new Promise<void>((r) => (jwks ? jwks.close(() => r()) : r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('prints only the minted token on stdout, read from @file', async () => {
    const file = join(dir, 'id_token.jwt');
    const jwt = idToken();
    await writeFile(file, `${jwt}\n`);
    const r = await cli([
      'login',
      '--oidc',
      'gitlab',
      '--id-token',
      `@${file}`,
      '--url',
      server.url,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^stw_[\w-]+\n$/);
    assert.match(
      r.stderr,
      /token for ci-etl, valid \d+ s; scopes: repo:generic-staging:deploy build:etl:publish/,
    );
    const record = await server.app.stowage.auth.inspect(r.stdout.trim());
    assert.deepEqual(record?.scopes, ['repo:generic-staging:deploy', 'build:etl:publish']);
    assert.ok(!r.stderr.includes(jwt));

    const again = await cli([
      'login',
      '--oidc',
      'gitlab',
      '--id-token',
      `@${file}`,
      '--url',
      server.url,
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exchanged/);
    assert.ok(!again.stderr.includes(jwt), 'the ID token is not echoed');
  });

  it('takes the token from STOWAGE_OIDC_ID_TOKEN and answers JSON', async () => {
    const r = await cli(['login', '--oidc', 'gitlab', '--json'], {
      STOWAGE_URL: server.url,
      STOWAGE_OIDC_ID_TOKEN: idToken(),
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      token: string;
      user: string;
      scopes: string[];
      expiresIn: number;
    };
    assert.equal(out.user, 'ci-etl');
    assert.deepEqual(out.scopes, ['repo:generic-staging:deploy', 'build:etl:publish']);
    assert.ok(out.expiresIn > 0 && out.expiresIn <= 300);
  });

  it('an unprotected ref matches no mapping; bad calls are usage errors', async () => {
    const r = await cli([
      'login',
      '--oidc',
      'gitlab',
      '--id-token',
      idToken({ ref_protected: 'false' }),
      '--url',
      server.url,
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /no identity mapping of provider "gitlab" matches[^\n]*differs in ref_protected/,
    );
    const noProvider = await cli(['login', '--id-token', 'a.b.c']);
    assert.equal(noProvider.code, 2);
    assert.match(noProvider.stderr, /pass --oidc <provider>/);
    const noToken = await cli(['login', '--oidc', 'gitlab']);
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /--id-token <jwt\|@file>/);
    const notJwt = await cli(['login', '--oidc', 'gitlab', '--id-token', 'hello']);
    assert.equal(notJwt.code, 2);
    assert.match(notJwt.stderr, /not a JWT/);
  });
});
