import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  formatStarted,
  isStowageError,
  mergeBuildInfo,
  mergePublished,
  parseStarted,
  validateBuildInfo,
  type BuildInfo,
} from '@stowage/core';
import { HttpError } from '../errors.ts';
import { baseUrl, decodeQueryValue, flag, parseJson, rawQuery, rawUrl } from '../internal/http.ts';
import { promoteBuild, validatePromotionRequest } from '../internal/promotion.ts';
import { artifactoryDiff, loadBuild } from '../internal/analytics.ts';
import { BUILD_NAME_PROP } from '../internal/services.ts';

/** Build names are single URL segments (slashes encoded as %2F), numbers likewise. */
function segments(req: FastifyRequest, prefix: string): string[] {
  const rest = rawUrl(req).path.slice(prefix.length).replace(/^\/+/, '').replace(/\/+$/, '');
  if (!rest) return [];
  return rest.split('/').map(decodeQueryValue);
}

/** Splits `{name…}/{number}`: a name may itself contain raw slashes. */
function nameAndNumber(req: FastifyRequest, prefix: string): { name: string; number: string } {
  const segs = segments(req, prefix);
  if (segs.length < 2) {
    throw new HttpError('ERR_PATH_INVALID', 'a build name and number are required', {
      hint: `use ${prefix}/{name}/{number}, with the name URL-encoded`,
    });
  }
  const number = segs.pop() ?? '';
  return { name: segs.join('/'), number };
}

/** Part ids: what a CLI or an action makes up (host, workspace hash, job), no path characters. */
const PART_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function checkKey(value: string, what: string): void {
  if (!value.trim() || value.length > 512 || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new HttpError('ERR_PATH_INVALID', `the ${what} "${value}" is not usable`, {
      hint: 'use a non-empty name without control characters (at most 512)',
    });
  }
}

/**
 * A build-info part: an object whose fields have build-info's types (checked by validating it
 * with placeholders for the required fields it may lack). Its own name and number are ignored.
 */
function checkPart(doc: unknown): Partial<BuildInfo> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new HttpError('ERR_BUILDINFO_INVALID', 'a build-info part must be a JSON object');
  }
  const part = { ...(doc as Partial<BuildInfo>) };
  delete part.name;
  delete part.number;
  checkBuildInfo({
    version: '1.0.1',
    started: '2000-01-01T00:00:00.000+0000',
    ...part,
    name: 'part',
    number: '0',
  });
  return part;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An entity tag without its quotes (and weak prefix). */
function unquote(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

function checkBuildInfo(doc: unknown): BuildInfo {
  try {
    return validateBuildInfo(doc);
  } catch (err) {
    if (isStowageError(err))
      throw new HttpError('ERR_BUILDINFO_INVALID', err.message, { hint: '' });
    throw err;
  }
}

export async function buildRoutes(app: FastifyInstance): Promise<void> {
  app.put('/api/build', { config: { permission: 'build:publish' } }, async (req, reply) => {
    const svc = app.stowage;
    const doc = checkBuildInfo(parseJson(req.body, 'ERR_BUILDINFO_INVALID', 'build-info'));
    await req.authorize('build:publish', doc.name);
    // Republishing a build that exists replaces it, and a build-info's own retention discards
    // builds: both need "delete" as well.
    const own = (doc as { buildRetention?: { deleteBuildArtifacts?: unknown } }).buildRetention;
    if (own || (await svc.meta.getBuild(doc.name, doc.number)))
      await req.authorize('build:delete', doc.name);
    if (own?.deleteBuildArtifacts === true) await authorizeArtifactsOf(req, doc.name);
    const startedMs = parseStarted(doc.started).getTime();
    // Conditional publish (Stowage's addition to the dialect): If-Match with the ETag a GET
    // answered, or If-None-Match: * for a build that must not exist yet.
    const ifMatch = header(req, 'if-match');
    const ifNoneMatch = header(req, 'if-none-match');
    if (ifMatch !== undefined || ifNoneMatch === '*') {
      const expected = ifMatch !== undefined ? unquote(ifMatch) : null;
      const revision = await svc.meta.putBuildIf(doc, startedMs, expected);
      if (revision === undefined) {
        throw new HttpError(
          'ERR_BUILD_CHANGED',
          expected === null
            ? `build "${doc.name}" number "${doc.number}" already exists; nothing was written`
            : `build "${doc.name}" number "${doc.number}" changed since it was read; nothing was written`,
        );
      }
      reply.header('etag', `"${revision}"`);
    } else {
      await svc.meta.putBuild(doc, startedMs);
    }
    req.log.info({ build: doc.name, number: doc.number }, 'build-info published');
    await req.audit('build.publish', { buildName: doc.name, buildNumber: doc.number });
    const discarded = await svc.retentionAfterPublish(doc);
    if (discarded.length) {
      req.log.info({ build: doc.name, discarded }, 'retention discarded builds');
      await req.audit('build.retention', {
        buildName: doc.name,
        details: { discarded, reason: 'server retention after publish' },
      });
    }
    return reply.code(204).send();
  });

  // Lists the build names the principal may read.
  app.get('/api/build', { config: { permission: 'public' } }, async (req) => {
    const base = baseUrl(req);
    await app.stowage.auth.requireListable(req.principal, 'build');
    const builds = [];
    for (const b of await app.stowage.meta.listBuilds())
      if (await req.may('build:read', b.name)) builds.push(b);
    return {
      uri: `${base}/api/build`,
      builds: builds.map((b) => ({
        uri: `/${encodeURIComponent(b.name)}`,
        lastStarted: b.lastStarted,
      })),
    };
  });

  app.get('/api/build/*', { config: { permission: 'build:read' } }, async (req, reply) => {
    const svc = app.stowage;
    const base = baseUrl(req);
    const segs = segments(req, '/api/build');
    if (segs.length === 0) throw new HttpError('ERR_PATH_INVALID', 'a build name is required');
    const whole = segs.join('/');
    const numbers = await svc.meta.listBuildNumbers(whole);
    if (numbers.length > 0 || segs.length === 1) {
      await req.authorize('build:read', whole);
      if (numbers.length === 0)
        throw new HttpError('ERR_BUILD_NOT_FOUND', `no builds named "${whole}"`);
      return {
        uri: `${base}/api/build/${encodeURIComponent(whole)}`,
        buildsNumbers: numbers.map((b) => ({
          uri: `/${encodeURIComponent(b.number)}`,
          started: b.started,
        })),
      };
    }
    const { name, number } = nameAndNumber(req, '/api/build');
    await req.authorize('build:read', name);
    const doc = await loadBuild(svc, name, number);
    // Artifactory's Builds Diff: ?diff={olderNumber}
    const diff = rawQuery(req).get('diff');
    if (diff !== undefined) {
      if (diff === '')
        throw new HttpError(
          'ERR_QUERY_INVALID',
          '"diff" needs the number of the build to compare with',
        );
      return artifactoryDiff(doc, await loadBuild(svc, name, decodeQueryValue(diff)));
    }
    const revision = await svc.meta.getBuildRevision(name, number);
    if (revision) reply.header('etag', `"${revision}"`);
    return {
      uri: `${base}/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      buildInfo: doc,
    };
  });

  // Artifactory: DELETE /api/build/{name}?buildNumbers=1,2&artifacts=0|1&deleteAll=0|1
  app.delete('/api/build/*', { config: { permission: 'build:delete' } }, async (req) => {
    const segs = segments(req, '/api/build');
    if (segs.length === 0) throw new HttpError('ERR_PATH_INVALID', 'a build name is required');
    const q = rawQuery(req);
    const numbers = q.get('buildNumbers')
      ? decodeQueryValue(q.get('buildNumbers') ?? '').split(',')
      : [];
    return deleteBuilds(req, {
      buildName: segs.join('/'),
      buildNumbers: numbers,
      deleteAll: flag(q, 'deleteAll', false),
      deleteArtifacts: flag(q, 'artifacts', false),
    });
  });

  // Artifactory: POST /api/build/delete {buildName, buildNumbers, deleteArtifacts, deleteAll}
  app.post('/api/build/delete', { config: { permission: 'build:delete' } }, async (req) => {
    const body = parseJson(req.body, 'ERR_BODY_INVALID', 'delete request') as Record<
      string,
      unknown
    >;
    if (typeof body?.buildName !== 'string' || !body.buildName) {
      throw new HttpError('ERR_BODY_INVALID', 'buildName is required', {
        hint: 'send {"buildName":"x","buildNumbers":["1"]}',
      });
    }
    const numbers = Array.isArray(body.buildNumbers) ? body.buildNumbers.map(String) : [];
    return deleteBuilds(req, {
      buildName: body.buildName,
      buildNumbers: numbers,
      deleteAll: body.deleteAll === true || body.deleteAll === 1,
      deleteArtifacts: body.deleteArtifacts === true || body.deleteArtifacts === 1,
    });
  });

  // Artifactory: POST /api/build/retention/{name}?async=false
  app.post('/api/build/retention/*', { config: { permission: 'build:delete' } }, async (req) => {
    const segs = segments(req, '/api/build/retention');
    if (segs.length === 0) throw new HttpError('ERR_PATH_INVALID', 'a build name is required');
    const name = segs.join('/');
    await req.authorize('build:delete', name);
    const body = parseJson(req.body, 'ERR_BODY_INVALID', 'retention request') as Record<
      string,
      unknown
    >;
    const r: Parameters<typeof app.stowage.applyRetention>[1] = {};
    if (body.count !== undefined) {
      if (typeof body.count !== 'number' || body.count < 0)
        throw new HttpError('ERR_BODY_INVALID', '"count" must be a number >= 0');
      r.count = body.count;
    }
    if (body.minimumBuildDate !== undefined) {
      if (typeof body.minimumBuildDate !== 'number')
        throw new HttpError('ERR_BODY_INVALID', '"minimumBuildDate" must be epoch milliseconds');
      r.minimumBuildDate = body.minimumBuildDate;
    }
    if (r.count === undefined && r.minimumBuildDate === undefined) {
      throw new HttpError(
        'ERR_BODY_INVALID',
        'give "count" (builds to keep) and/or "minimumBuildDate" (epoch ms)',
      );
    }
    r.deleteBuildArtifacts = body.deleteBuildArtifacts === true;
    if (r.deleteBuildArtifacts) await authorizeArtifactsOf(req, name);
    if (Array.isArray(body.buildNumbersNotToBeDiscarded))
      r.buildNumbersNotToBeDiscarded = body.buildNumbersNotToBeDiscarded.map(String);
    const discarded = await app.stowage.applyRetention(name, r);
    await req.audit('build.retention', {
      buildName: name,
      details: { discarded, ...r },
    });
    return { buildName: name, discarded };
  });

  // Stowage's own: a build in progress, kept on the server in parts that agents and jobs add
  // (each a partial build-info), merged in one transaction when it is published from anywhere.
  app.put(
    '/api/stowage/v1/builds/:name/:number/parts/:part',
    { config: { permission: 'build:publish' } },
    async (req, reply) => {
      const { name, number, part } = req.params as { name: string; number: string; part: string };
      await req.authorize('build:publish', name);
      checkKey(name, 'build name');
      checkKey(number, 'build number');
      if (!PART_ID.test(part)) {
        throw new HttpError('ERR_PATH_INVALID', `"${part}" is not a usable part id`, {
          hint: 'use letters, digits, ".", "_", ":" and "-" (at most 128)',
        });
      }
      const doc = checkPart(parseJson(req.body, 'ERR_BUILDINFO_INVALID', 'build-info part'));
      await app.stowage.meta.putBuildPart(name, number, part, doc);
      req.log.info({ build: name, number, part }, 'build-info part stored');
      await req.audit('build.part', { buildName: name, buildNumber: number, details: { part } });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/stowage/v1/builds/:name/:number/parts',
    { config: { permission: 'build:read' } },
    async (req) => {
      const { name, number } = req.params as { name: string; number: string };
      await req.authorize('build:read', name);
      const parts = await app.stowage.meta.listBuildParts(name, number);
      return {
        buildName: name,
        buildNumber: number,
        parts: parts.map((p) => ({
          part: p.part,
          updated: new Date(p.updated).toISOString(),
          doc: p.doc,
        })),
      };
    },
  );

  app.post(
    '/api/stowage/v1/builds/:name/:number/publish',
    { config: { permission: 'build:publish' } },
    async (req, reply) => {
      const svc = app.stowage;
      const { name, number } = req.params as { name: string; number: string };
      // Parts merge into the build (nothing recorded is replaced): publishing them is "publish".
      await req.authorize('build:publish', name);
      checkKey(name, 'build name');
      checkKey(number, 'build number');
      const own =
        req.body === undefined || req.body === null || req.body === ''
          ? {}
          : checkPart(parseJson(req.body, 'ERR_BUILDINFO_INVALID', 'build-info part'));
      const published = await svc.meta.publishBuildParts(name, number, (existing, parts) => {
        if (!existing && parts.length === 0 && Object.keys(own).length === 0) {
          throw new HttpError(
            'ERR_BUILD_NOT_FOUND',
            `nothing was recorded for build "${name}" number "${number}": no parts and no build-info`,
            { hint: 'record something first (stowage upload, build push-part), then publish' },
          );
        }
        const base = {
          version: '1.0.1',
          name,
          number,
          started: existing?.started ?? formatStarted(new Date()),
        };
        const fresh = mergeBuildInfo(base, ...parts, own);
        fresh.name = name;
        fresh.number = number;
        const doc = mergePublished(existing, checkBuildInfo(fresh));
        return { doc, startedMs: parseStarted(doc.started).getTime() };
      });
      req.log.info({ build: name, number, parts: published.parts }, 'build-info published');
      await req.audit('build.publish', {
        buildName: name,
        buildNumber: number,
        details: { parts: published.parts },
      });
      const discarded = await svc.retentionAfterPublish(published.doc);
      if (discarded.length) {
        req.log.info({ build: name, discarded }, 'retention discarded builds');
        await req.audit('build.retention', {
          buildName: name,
          details: { discarded, reason: 'server retention after publish' },
        });
      }
      reply.header('etag', `"${published.revision}"`);
      return { buildInfo: published.doc, parts: published.parts };
    },
  );

  // Stowage's own: what the server served to a build (for `stowage build add-deps`).
  // A build-scoped token reads its own build's record (and no other build).
  app.get(
    '/api/stowage/v1/builds/:name/:number/downloads',
    { config: { permission: 'build:read' } },
    async (req) => {
      const { name, number } = req.params as { name: string; number: string };
      const own = req.principal.build;
      if (own && own.name === name && own.number === number) await req.authorize('public');
      else await req.authorize('build:read', name);
      return {
        buildName: name,
        buildNumber: number,
        downloads: await app.stowage.meta.listBuildDownloads(name, number),
      };
    },
  );

  app.post('/api/build/promote/*', { config: { permission: 'build:promote' } }, async (req) => {
    const svc = app.stowage;
    const { name, number } = nameAndNumber(req, '/api/build/promote');
    const body = validatePromotionRequest(
      parseJson(req.body, 'ERR_BODY_INVALID', 'promotion request'),
    );
    // The stage a promotion reaches: its status, and the stage of its target repository. A
    // target that is no stage's repository also needs "deploy" there.
    let who = req.principal;
    const stages = new Set([(body.status ?? 'promoted').toLowerCase()]);
    if (body.dryRun) {
      // A dry run changes nothing: whoever may read the build, with credentials, may preview its
      // promotion (the preview a reviewer reads before approving the real one).
      await req.authorize('authenticated');
      who = await req.authorize('build:read', name);
    } else {
      if (body.targetRepo) {
        const target = (await svc.deployableRepo(body.targetRepo)).key;
        const stage = svc.stages.find((s) => s.repo === target);
        if (stage) stages.add(stage.name.toLowerCase());
        else await req.authorize('repo:deploy', target);
      }
      for (const stage of stages) who = await req.authorize(`build:promote:${stage}`, name);
    }
    const { messages } = await promoteBuild(svc, name, number, body, who);
    if (!body.dryRun) {
      await req.audit('build.promote', {
        buildName: name,
        buildNumber: number,
        ...(body.targetRepo ? { repo: body.targetRepo } : {}),
        details: {
          status: body.status ?? 'promoted',
          stages: [...stages],
          ...(body.approver ? { approver: body.approver } : {}),
          ...(body.ciUser ? { ciUser: body.ciUser } : {}),
          ...(body.comment ? { comment: body.comment } : {}),
        },
      });
    }
    return { messages };
  });
}

/** Deleting a build's artifacts needs "delete" on every repository that holds some. */
async function authorizeArtifactsOf(req: FastifyRequest, name: string): Promise<void> {
  const arts = await req.server.stowage.meta.findByProperties({ [BUILD_NAME_PROP]: name });
  for (const r of new Set(arts.map((a) => a.repo))) await req.authorize('repo:delete', r);
}

async function deleteBuilds(
  req: FastifyRequest,
  d: { buildName: string; buildNumbers: string[]; deleteAll: boolean; deleteArtifacts: boolean },
): Promise<{ buildName: string; deleted: string[] }> {
  const svc = req.server.stowage;
  await req.authorize('build:delete', d.buildName);
  const existing = (await svc.meta.listBuildNumbers(d.buildName)).map((b) => b.number);
  if (existing.length === 0)
    throw new HttpError('ERR_BUILD_NOT_FOUND', `no builds named "${d.buildName}"`);
  let numbers = d.buildNumbers;
  if (d.deleteAll) numbers = existing;
  if (d.deleteArtifacts) {
    const repos = new Set<string>();
    for (const n of numbers)
      for (const a of await svc.buildArtifacts(d.buildName, n)) repos.add(a.repo);
    for (const r of repos) await req.authorize('repo:delete', r);
  }
  if (numbers.length === 0) {
    throw new HttpError('ERR_BODY_INVALID', 'say which builds to delete', {
      hint: 'give buildNumbers, or deleteAll',
    });
  }
  const missing = numbers.filter((n) => !existing.includes(n));
  if (missing.length) {
    throw new HttpError(
      'ERR_BUILD_NOT_FOUND',
      `build "${d.buildName}" has no number(s) ${missing.join(', ')}; nothing was deleted`,
    );
  }
  const deleted = await svc.deleteBuilds(d.buildName, numbers, d.deleteArtifacts);
  for (const n of deleted)
    await req.audit('build.delete', {
      buildName: d.buildName,
      buildNumber: n,
      details: { deleteArtifacts: d.deleteArtifacts },
    });
  return { buildName: d.buildName, deleted };
}
