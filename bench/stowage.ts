// What the benches (peers.ts, rss-phases.ts, cpu-per-request.ts) share about the Stowage they
// measure: its configuration, starting it in a process of its own (serve-child.ts), and
// publishing an npm package version through its API.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';

export interface StowageServer {
  url: string;
  token: string;
  pid: number;
}

/**
 * Starts serve-child.ts on `data` with generic-local (the `staged` stage's repository) and
 * npm-local, plus `extra` config keys; its config file goes into `dir`. Resolves once the
 * server listens, with the child (stdout read up to the line that says where).
 */
export async function spawnStowage(o: {
  dir: string;
  data: string;
  extra?: object;
  /** Node flags for the child. */
  flags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Default: stdin ignored, stderr inherited. */
  stdio?: StdioOptions;
}): Promise<{ child: ChildProcess; server: StowageServer }> {
  const cfg = join(o.dir, 'stowage.json');
  await writeFile(
    cfg,
    JSON.stringify({
      repositories: [{ key: 'generic-local' }, { key: 'npm-local', packageType: 'npm' }],
      stages: [{ name: 'staged', repo: 'generic-local' }],
      ...o.extra,
    }),
  );
  const child = spawn(
    process.execPath,
    [...(o.flags ?? []), join(import.meta.dirname, 'serve-child.ts'), o.data, cfg],
    { stdio: o.stdio ?? ['ignore', 'pipe', 'inherit'], ...(o.env && { env: o.env }) },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, server: JSON.parse(line) as StowageServer };
}

/** npm's `dist` checksums of a tarball. */
export function npmDist(data: Buffer): { shasum: string; integrity: string } {
  return {
    shasum: createHash('sha1').update(data).digest('hex'),
    integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
  };
}

/** Publishes `pkg@version` (tarball `data`, made latest) to npm-local, as `npm publish` does. */
export async function publishNpmVersion(
  s: StowageServer,
  pkg: string,
  version: string,
  data: Buffer,
  description?: string,
): Promise<void> {
  const filename = `${pkg}-${version}.tgz`;
  const res = await request(`${s.url}/api/npm/npm-local/${pkg}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: pkg,
      name: pkg,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          name: pkg,
          version,
          ...(description !== undefined && { description }),
          dist: {
            ...npmDist(data),
            tarball: `${s.url}/api/npm/npm-local/${pkg}/-/${filename}`,
          },
        },
      },
      _attachments: {
        [filename]: {
          content_type: 'application/octet-stream',
          data: data.toString('base64'),
          length: data.length,
        },
      },
    }),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300)
    throw new Error(
      `publish ${pkg}@${version} to Stowage: ${res.statusCode} ${text.slice(0, 300)}`,
    );
}
