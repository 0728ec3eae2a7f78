/**
 * Stowage's own analytics API (Artifactory has none): `/api/stowage/v1/analytics/…`, read access.
 * Every endpoint and its parameters are documented in the server README ("Analytics").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BuildInfo } from '@stowage/core';
import { HttpError } from '../errors.ts';
import {
  buildDiff,
  dependencyDiff,
  depVariations,
  funnel,
  imageDiff,
  images,
  MAX_DEPS_LAST,
  loadBuild,
  parseCount,
  parseTime,
  sizes,
  storage,
} from '../internal/analytics.ts';

export const ANALYTICS_PREFIX = '/api/stowage/v1/analytics';

type Query = Record<string, string | undefined>;

const stringProps = (...names: string[]): { type: 'object'; properties: object } => ({
  type: 'object',
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
});

const PAIR = ['name', 'number', 'other', 'otherName'];

function required(q: Query, key: string, example: string): string {
  const v = q[key];
  if (v === undefined || v === '') {
    throw new HttpError('ERR_QUERY_INVALID', `the "${key}" query parameter is required`, {
      hint: `e.g. ?${example}`,
    });
  }
  return v;
}

/** `name` + `number` (the newer build) and `other` (+ `otherName`, default `name`). */
function pair(q: Query): {
  newer: { name: string; number: string };
  older: { name: string; number: string };
} {
  const example = 'name=nightly-report&number=42&other=41';
  const name = required(q, 'name', example);
  return {
    newer: { name, number: required(q, 'number', example) },
    older: { name: q.otherName || name, number: required(q, 'other', example) },
  };
}

/** The two builds a query names, once the principal may read both. */
async function authorizedPair(req: FastifyRequest, q: Query): Promise<ReturnType<typeof pair>> {
  const p = pair(q);
  await req.authorize('build:read', p.newer.name);
  if (p.older.name !== p.newer.name) await req.authorize('build:read', p.older.name);
  return p;
}

/** The two build-infos a two-build query names, older first. */
async function loadPair(req: FastifyRequest, q: Query): Promise<[BuildInfo, BuildInfo]> {
  const svc = req.server.stowage;
  const { newer, older } = await authorizedPair(req, q);
  return Promise.all([
    loadBuild(svc, older.name, older.number),
    loadBuild(svc, newer.name, newer.number),
  ]);
}

export async function analyticsRoutes(app: FastifyInstance): Promise<void> {
  const svc = app.stowage;

  app.get(
    `${ANALYTICS_PREFIX}/funnel`,
    {
      config: { permission: 'build:read' },
      schema: { querystring: stringProps('name', 'from', 'to') },
    },
    async (req) => {
      const q = req.query as Query;
      await req.authorize('build:read', q.name ?? '*');
      const from = parseTime(q.from, 'from');
      const to = parseTime(q.to, 'to');
      return funnel(svc, {
        ...(q.name ? { name: q.name } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
    },
  );

  app.get(
    `${ANALYTICS_PREFIX}/deps`,
    {
      config: { permission: 'build:read' },
      schema: { querystring: stringProps('name', 'last', 'limit') },
    },
    async (req) => {
      const q = req.query as Query;
      await req.authorize('build:read', required(q, 'name', 'name=nightly-report'));
      return depVariations(svc, {
        name: required(q, 'name', 'name=nightly-report&last=20'),
        last: parseCount(q.last, 'last', 20, MAX_DEPS_LAST),
        limit: parseCount(q.limit, 'limit', 50, 10_000),
      });
    },
  );

  app.get(
    `${ANALYTICS_PREFIX}/deps/diff`,
    { config: { permission: 'build:read' }, schema: { querystring: stringProps(...PAIR) } },
    async (req) => {
      const [a, b] = await loadPair(req, req.query as Query);
      return dependencyDiff(a, b);
    },
  );

  app.get(
    `${ANALYTICS_PREFIX}/diff`,
    { config: { permission: 'build:read' }, schema: { querystring: stringProps(...PAIR) } },
    async (req) => {
      const [a, b] = await loadPair(req, req.query as Query);
      return buildDiff(a, b);
    },
  );

  app.get(
    `${ANALYTICS_PREFIX}/size`,
    {
      config: { permission: 'build:read' },
      schema: { querystring: stringProps('name', 'last', 'top') },
    },
    async (req) => {
      const q = req.query as Query;
      await req.authorize('build:read', required(q, 'name', 'name=nightly-report'));
      return sizes(svc, {
        name: required(q, 'name', 'name=nightly-report&last=30'),
        last: parseCount(q.last, 'last', 30),
        top: parseCount(q.top, 'top', 10),
      });
    },
  );

  app.get(`${ANALYTICS_PREFIX}/storage`, { config: { permission: 'repo:read' } }, async (req) => {
    await req.authorize('repo:read', '*');
    return storage(svc);
  });

  app.get(
    `${ANALYTICS_PREFIX}/images`,
    {
      config: { permission: 'build:read' },
      schema: { querystring: stringProps('name', 'last', 'image') },
    },
    async (req) => {
      const q = req.query as Query;
      await req.authorize('build:read', required(q, 'name', 'name=nightly-report'));
      return images(svc, {
        name: required(q, 'name', 'name=nightly-report&last=20'),
        last: parseCount(q.last, 'last', 20),
        ...(q.image ? { image: q.image } : {}),
      });
    },
  );

  app.get(
    `${ANALYTICS_PREFIX}/images/diff`,
    { config: { permission: 'build:read' }, schema: { querystring: stringProps(...PAIR) } },
    async (req) => {
      const { newer, older } = await authorizedPair(req, req.query as Query);
      return imageDiff(svc, older, newer);
    },
  );
}
