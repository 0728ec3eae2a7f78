/** `stowage token create|list|revoke` and `stowage audit` against a real server on 127.0.0.1. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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

let server: RunningServer;
let dir: string;

async function cli(
  argv: string[],
  token = server.adminToken,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, {
    env: { STOWAGE_URL: server.url, STOWAGE_TOKEN: token },
    stdout,
    stderr,
    cwd: dir,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-cli-token-'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    config: {
      users: [{ name: 'ci' }],
      permissions: [
        {
          name: 'ci',
          repo: { repositories: ['generic-staging'], actions: { users: { ci: ['deploy'] } } },
        },
      ],
    },
  });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('token create, list and revoke; the audit shows both', async () => {
  const made = await cli([
    'token',
    'create',
    '--user',
    'ci',
    '--scope',
    'repo:generic-staging:deploy',
    '--description',
    'nightly uploads',
    '--expires-in',
    '2h',
    '--json',
  ]);
  assert.equal(made.code, 0, made.stderr);
  const issued = JSON.parse(made.stdout) as { token: string; id: string; scopes: string[] };
  assert.deepEqual(issued.scopes, ['repo:generic-staging:deploy']);

  const up = await fetch(`${server.url}/generic-staging/a.txt`, {
    method: 'PUT',
    body: 'a',
    headers: { authorization: `Bearer ${issued.token}` },
  });
  assert.equal(up.status, 201);

  const listed = await cli(['token', 'list', '--user', 'ci', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(issued.token), 'never the secret');
  const tokens = (JSON.parse(listed.stdout) as { tokens: { id: string; description: string }[] })
    .tokens;
  assert.equal(tokens.find((t) => t.id === issued.id)?.description, 'nightly uploads');
  const text = await cli(['token', 'list']);
  assert.match(text.stdout, new RegExp(`${issued.id}  ci  repo:generic-staging:deploy`));

  const revoked = await cli(['token', 'revoke', issued.id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`revoked ${issued.id}`));
  const after = await fetch(`${server.url}/generic-staging/a.txt`, {
    headers: { authorization: `Bearer ${issued.token}` },
  });
  assert.equal(after.status, 401);

  const audit = await cli(['audit', '--action', 'token.', '--json']);
  assert.equal(audit.code, 0, audit.stderr);
  const entries = (JSON.parse(audit.stdout) as { entries: { action: string }[] }).entries;
  assert.deepEqual(
    entries.map((e) => e.action),
    ['token.revoke', 'token.issue'],
  );
  const deploys = await cli(['audit', '--user', 'ci', '--repo', 'generic-staging']);
  assert.match(
    deploys.stdout,
    /artifact\.deploy {2}ci \(token [0-9a-f]+\) from 127\.0\.0\.1 {2}generic-staging\/a\.txt/,
  );
});

test('bad token requests fail with the server message, and a bad duration is a usage error', async () => {
  const bad = await cli(['token', 'create', '--scope', 'repo:x:fly']);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /repository action "fly" is not one of read, annotate, deploy, delete, manage/,
  );
  const dur = await cli(['token', 'create', '--expires-in', 'soon']);
  assert.equal(dur.code, 2);
  assert.match(dur.stderr, /--expires-in "soon"/);
});
