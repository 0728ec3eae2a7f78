/**
 * PostgreSQL for the tests: `.ci/services.sh start` runs a server and exports
 * STOWAGE_TEST_PG_URL; every store a test opens gets a schema of its own, dropped at the end.
 * Without the variable the PostgreSQL tests skip, saying so.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgMetaStore } from '../src/internal/metastore-pg.ts';

export const PG_URL = process.env.STOWAGE_TEST_PG_URL;

/** A `skip` option for node:test: false when PostgreSQL is there, else the reason. */
export const SKIP_PG: string | false = PG_URL
  ? false
  : 'STOWAGE_TEST_PG_URL is not set: run `eval "$(.ci/services.sh start)"` (as .ci/run does) for the PostgreSQL tests';

/** `STOWAGE_TEST_METASTORE=postgres`: makeApp() builds its apps over PostgreSQL. */
export const APPS_ON_PG = process.env.STOWAGE_TEST_METASTORE === 'postgres';

export function newSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export function pgUrl(): string {
  if (!PG_URL) throw new Error(SKIP_PG || 'no PostgreSQL');
  return PG_URL;
}

/** Opens a store in a new schema; `drop()` closes it and removes the schema. */
export async function openPgStore(
  schema = newSchema(),
  poolSize?: number,
): Promise<{ meta: PgMetaStore; schema: string; drop(): Promise<void> }> {
  const meta = await PgMetaStore.open({
    url: pgUrl(),
    schema,
    ...(poolSize !== undefined ? { poolSize } : {}),
  });
  return { meta, schema, drop: () => dropSchema(schema) };
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
