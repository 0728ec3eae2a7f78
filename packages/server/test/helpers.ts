import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, FsBlobStore, SqliteMetaStore, resolveConfig } from '../src/server.ts';
import type { UpstreamOptions } from '../src/internal/upstream.ts';
import type { MetaStore } from '../src/internal/metastore.ts';
import { APPS_ON_PG, dropSchema, openPgStore } from './pg.ts';

export const TOKEN = 'stw_test_admin_token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  /** The app's metadata store (SQLite in `dir`, or PostgreSQL): for what the API does not show. */
  meta: MetaStore;
  close(): Promise<void>;
}

/** A real app over real stores in a temporary directory, driven with app.inject(). */
export async function makeApp(
  config: unknown = {},
  extra: { upstream?: UpstreamOptions; plugins?: ((app: FastifyInstance) => Promise<void>)[] } = {},
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-server-test-'));
  // As the server sets it up: small bodies into blobs/pack.db with SQLite metadata, files with
  // PostgreSQL (config.ts packsSmallBlobs).
  const blobs = new FsBlobStore({ dir, packSmall: !APPS_ON_PG });
  await blobs.init();
  // STOWAGE_TEST_METASTORE=postgres runs the same tests over PostgreSQL (a schema per app).
  let meta: MetaStore;
  let schema: string | undefined;
  if (APPS_ON_PG) {
    const opened = await openPgStore();
    meta = opened.meta;
    schema = opened.schema;
  } else meta = new SqliteMetaStore({ dir });
  const cfg = resolveConfig(config);
  for (const r of cfg.repositories) await meta.putRepo(r);
  const app = await buildApp({ config: cfg, blobs, meta, adminToken: TOKEN, ...extra });
  app.addHook('onClose', async () => {
    await meta.close();
    blobs.close();
  });
  return {
    app,
    dir,
    meta,
    close: async () => {
      await app.close();
      if (schema !== undefined) await dropSchema(schema);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function sums(data: string | Buffer): { sha1: string; sha256: string; md5: string } {
  return {
    sha1: createHash('sha1').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
    md5: createHash('md5').update(data).digest('hex'),
  };
}

export async function deploy(
  app: FastifyInstance,
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ statusCode: number; json: () => unknown; body: string }> {
  return app.inject({
    method: 'PUT',
    url,
    payload: body,
    headers: { ...AUTH, 'content-type': 'application/octet-stream', ...headers },
  });
}

export function buildInfo(
  name: string,
  number: string,
  artifacts: { name: string; data: string }[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: '1.0.1',
    name,
    number,
    started: `2026-11-2${Number(number) % 10}T07:00:00.000+0000`,
    modules: [
      {
        id: `${name}:${number}`,
        artifacts: artifacts.map((a) => ({ name: a.name, ...sums(a.data) })),
      },
    ],
    ...extra,
  };
}

export function errorCode(res: { json: () => unknown }): string | undefined {
  const body = res.json() as { errors?: { code?: string }[] };
  return body.errors?.[0]?.code;
}

export interface Recorded {
  repo: string;
  path: string;
  sha256: string;
}

/**
 * Downloads `url` for build `name`/`number` — with the X-Stowage-Build-* headers, or with a
 * token scoped to the build (as tools that cannot send headers do) — and returns the answer and
 * the build's download records as the server lists them. For the cache-miss recording tests:
 * the caller asserts both unconditionally.
 */
export async function downloadForBuild(
  app: FastifyInstance,
  url: string,
  build: { name: string; number: string },
  via: 'headers' | 'token' = 'headers',
): Promise<{
  res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer };
  downloads: Recorded[];
}> {
  let headers: Record<string, string>;
  if (via === 'token') {
    const issued = await app.inject({
      method: 'POST',
      url: '/api/stowage/v1/tokens',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ buildName: build.name, buildNumber: build.number }),
    });
    const { token } = issued.json() as { token: string };
    headers = { authorization: `Bearer ${token}` };
  } else {
    headers = {
      ...AUTH,
      'x-stowage-build-name': build.name,
      'x-stowage-build-number': build.number,
    };
  }
  const res = await app.inject({ url, headers });
  const list = await app.inject({
    url: `/api/stowage/v1/builds/${encodeURIComponent(build.name)}/${encodeURIComponent(build.number)}/downloads`,
    headers: AUTH,
  });
  const { downloads } = list.json() as { downloads: Recorded[] };
  return { res, downloads };
}
