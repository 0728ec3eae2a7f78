// npm through Stowage, measured against npm straight from the upstream registry in one run:
// a cold install (Stowage's cache empty), a warm one (cached in Stowage; npm's own cache emptied
// each time), and requests per second for a cached packument. Not a test: nothing asserts.
//
//   node bench/npm.ts                        # upstream https://registry.npmjs.org, project: express
//   BENCH_NPM_UPSTREAM=http://… BENCH_NPM_DEPS='{"fastify":"^5"}' node bench/npm.ts
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';

const run = promisify(execFile);
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startServer } from '@stowage/server';

const upstream = process.env.BENCH_NPM_UPSTREAM ?? 'https://registry.npmjs.org';
const deps = JSON.parse(process.env.BENCH_NPM_DEPS ?? '{"express":"^4.21.0"}') as Record<
  string,
  string
>;
const root = await mkdtemp(join(tmpdir(), 'stowage-bench-npm-'));

/** One clean `npm install` (fresh node_modules and npm cache); the server runs in this process, so never block the event loop. */
async function install(registry: string, token?: string): Promise<number> {
  const dir = join(root, `p-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir, { recursive: true });
  const npmrc = [`registry=${registry}`, 'audit=false', 'fund=false', 'update-notifier=false'];
  if (token) npmrc.push(`${registry.replace(/^https?:/, '')}:_authToken=${token}`);
  await writeFile(join(dir, '.npmrc'), `${npmrc.join('\n')}\n`);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bench', version: '1.0.0', dependencies: deps }),
  );
  process.stderr.write(`npm install from ${registry} …\n`);
  const t0 = process.hrtime.bigint();
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--cache', join(dir, '.npm-cache'), '--prefer-online'],
    { cwd: dir, timeout: 300_000 },
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const server = await startServer({
  dataDir: join(root, 'data'),
  port: 0,
  config: {
    auth: { anonymousRead: false },
    repositories: [
      { key: 'generic-staging' },
      { key: 'npm-local', packageType: 'npm' },
      { key: 'npmjs', rclass: 'remote', packageType: 'npm', url: upstream },
      {
        key: 'npm',
        rclass: 'virtual',
        packageType: 'npm',
        repositories: ['npm-local', 'npmjs'],
        defaultDeploymentRepo: 'npm-local',
      },
    ],
    stages: [{ name: 'staged', repo: 'generic-staging' }],
  },
});
try {
  const via = `${server.url}/api/npm/npm/`;
  const direct = await install(`${upstream.replace(/\/?$/, '/')}`);
  const cold = await install(via, server.adminToken);
  const warm = await install(via, server.adminToken);
  const warm2 = await install(via, server.adminToken);

  // Cached packument: 20 connections for 5 s.
  const name = Object.keys(deps)[0] ?? 'express';
  const agent = new Agent({ connections: 20 });
  const url = `${via}${name}`;
  let n = 0;
  const until = Date.now() + 5000;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (Date.now() < until) {
        const res = await request(url, {
          dispatcher: agent,
          headers: {
            authorization: `Bearer ${server.adminToken}`,
            accept: 'application/vnd.npm.install-v1+json',
          },
        });
        await res.body.dump();
        if (res.statusCode === 200) n++;
      }
    }),
  );
  await agent.close();

  console.log(`project dependencies: ${JSON.stringify(deps)}; upstream ${upstream}`);
  console.log('| npm install (clean node_modules and npm cache) | seconds |');
  console.log('|---|---:|');
  console.log(`| straight from the upstream | ${direct.toFixed(2)} |`);
  console.log(`| through Stowage, cold (nothing cached) | ${cold.toFixed(2)} |`);
  console.log(
    `| through Stowage, warm (cached in Stowage) | ${warm.toFixed(2)}, ${warm2.toFixed(2)} |`,
  );
  console.log(
    `\ncached abbreviated packument of ${name}: ${(n / 5).toFixed(0)} requests/s (20 connections, 5 s)`,
  );
} finally {
  await server.close();
  await rm(root, { recursive: true, force: true });
}
