/**
 * Run by lazy-load.test.ts in a process of its own (the packages a process has loaded cannot be
 * unloaded): records every package loaded from node_modules, starts the server from its entry
 * with the config and environment given as JSON in argv[2], makes the requests named there, and
 * prints on stdout one JSON line: the packages loaded once the server listened, and after the
 * requests.
 */
import { registerHooks } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildInput {
  config?: unknown;
  env?: Record<string, string>;
  /** Requests made after the start, in order; their statuses are reported. */
  requests?: { method: string; url: string; body?: string; contentType?: string }[];
}

export interface ChildOutput {
  started: string[];
  afterRequests: string[];
  statuses: number[];
}

const loaded = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (pkg) loaded.add(pkg);
    return nextLoad(url, context);
  },
});

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const { startServer } = await import('../src/server.ts');
const dataDir = await mkdtemp(join(tmpdir(), 'stowage-lazy-'));
try {
  const server = await startServer({
    dataDir,
    port: 0,
    env: input.env ?? {},
    ...(input.config !== undefined ? { config: input.config } : {}),
  });
  const started = [...loaded].sort();
  const statuses: number[] = [];
  try {
    for (const r of input.requests ?? []) {
      const res = await server.app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          ...(r.contentType ? { 'content-type': r.contentType } : {}),
        },
        ...(r.body !== undefined ? { payload: r.body } : {}),
      });
      statuses.push(res.statusCode);
    }
  } finally {
    await server.close();
  }
  const out: ChildOutput = { started, afterRequests: [...loaded].sort(), statuses };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
