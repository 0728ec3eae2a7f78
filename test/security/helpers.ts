/**
 * Helpers for the security probes: a real Stowage on 127.0.0.1 (port 0) in a temporary data
 * directory, authenticated fetches, and small package builders (the same shapes the format
 * tests in packages/server/test use, built here with yazl and ustar/gzip).
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { startServer, type RunningServer } from '@stowage/server';
import { APPS_ON_PG, dropSchema, newSchema, pgUrl } from '../../packages/server/test/pg.ts';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stowage-sec-${prefix}-`));
}

// Every blob a data directory holds (files and rows of blobs/pack.db), for the probes.
export { packBlob, packedBlobs, storedBlobs } from '../../packages/server/test/stored-blobs.ts';

/** A real server with the given config (GC's grace period 0 unless the config says otherwise). */
export async function serve(dir: string, config: Record<string, unknown>): Promise<RunningServer> {
  // STOWAGE_TEST_METASTORE=postgres: the metadata goes to a PostgreSQL schema of its own,
  // dropped when the server closes (blobs stay in `dir`).
  if (!APPS_ON_PG || config.storage !== undefined)
    return startServer({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      logger: false,
      config: { gc: { graceSec: 0 }, ...config },
    });
  const schema = newSchema();
  const server = await startServer({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    logger: false,
    config: {
      gc: { graceSec: 0 },
      ...config,
      storage: { metadata: { type: 'postgres', url: pgUrl(), schema } },
    },
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await dropSchema(schema);
    },
  };
}

export interface Call {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
  json: () => unknown;
}

/** One request as the admin (or anonymously with `anonymous: true`). */
export async function call(
  server: RunningServer,
  method: string,
  path: string,
  opts: {
    body?: Buffer | string | FormData;
    headers?: Record<string, string>;
    anonymous?: boolean;
  } = {},
): Promise<Call> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(opts.anonymous ? {} : { authorization: `Bearer ${server.adminToken}` }),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    redirect: 'manual',
  });
  const body = Buffer.from(await res.arrayBuffer());
  const text = body.toString('utf8');
  return { status: res.status, headers: res.headers, body, text, json: () => JSON.parse(text) };
}

export function errorCode(c: Call): string | undefined {
  try {
    return (c.json() as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

export async function zip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const z = new ZipFile();
  for (const [name, data] of Object.entries(files))
    z.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { mtime: new Date(0) });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A pure-Python wheel pip installs (METADATA, WHEEL and a RECORD with real hashes). */
export async function wheel(name: string, version: string, body: string): Promise<Buffer> {
  const info = `${name}-${version}.dist-info`;
  const files: Record<string, string> = {
    [`${name}/__init__.py`]: body,
    [`${info}/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    [`${info}/WHEEL`]:
      'Wheel-Version: 1.0\nGenerator: stowage-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
  };
  const record = Object.entries(files).map(([p, text]) => {
    const digest = createHash('sha256').update(text).digest('base64url');
    return `${p},sha256=${digest},${Buffer.byteLength(text)}`;
  });
  record.push(`${info}/RECORD,,`);
  files[`${info}/RECORD`] = `${record.join('\n')}\n`;
  return zip(files);
}
