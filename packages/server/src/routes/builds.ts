import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseStarted, validateBuildInfo, isStowageError, type BuildInfo } from '@stowage/core';
import { HttpError } from '../errors.ts';
import { baseUrl, decodeQueryValue, flag, parseJson, rawQuery, rawUrl } from '../internal/http.ts';
import { promoteBuild, validatePromotionRequest } from '../internal/promotion.ts';
import { artifactoryDiff, loadBuild } from '../internal/analytics.ts';

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
  app.put('/api/build', async (req, reply) => {
    const svc = app.stowage;
    req.requireWrite();
    const doc = checkBuildInfo(parseJson(req.body, 'ERR_BUILDINFO_INVALID', 'build-info'));
    await svc.meta.putBuild(doc, parseStarted(doc.started).getTime());
    req.log.info({ build: doc.name, number: doc.number }, 'build-info published');
    const discarded = await svc.retentionAfterPublish(doc);
    if (discarded.length)
      req.log.info({ build: doc.name, discarded }, 'retention discarded builds');
    return reply.code(204).send();
  });

  app.get('/api/build', async (req) => {
    req.requireRead();
    const base = baseUrl(req);
    const builds = await app.stowage.meta.listBuilds();
    return {
      uri: `${base}/api/build`,
      builds: builds.map((b) => ({
        uri: `/${encodeURIComponent(b.name)}`,
        lastStarted: b.lastStarted,
      })),
    };
  });

  app.get('/api/build/*', async (req) => {
    const svc = app.stowage;
    req.requireRead();
    const base = baseUrl(req);
    const segs = segments(req, '/api/build');
    if (segs.length === 0) throw new HttpError('ERR_PATH_INVALID', 'a build name is required');
    const whole = segs.join('/');
    const numbers = await svc.meta.listBuildNumbers(whole);
    if (numbers.length > 0 || segs.length === 1) {
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
    return {
      uri: `${base}/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      buildInfo: doc,
    };
  });

  // Artifactory: DELETE /api/build/{name}?buildNumbers=1,2&artifacts=0|1&deleteAll=0|1
  app.delete('/api/build/*', async (req) => {
    req.requireWrite();
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
  app.post('/api/build/delete', async (req) => {
    req.requireWrite();
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
  app.post('/api/build/retention/*', async (req) => {
    req.requireWrite();
    const segs = segments(req, '/api/build/retention');
    if (segs.length === 0) throw new HttpError('ERR_PATH_INVALID', 'a build name is required');
    const name = segs.join('/');
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
    if (Array.isArray(body.buildNumbersNotToBeDiscarded))
      r.buildNumbersNotToBeDiscarded = body.buildNumbersNotToBeDiscarded.map(String);
    const discarded = await app.stowage.applyRetention(name, r);
    return { buildName: name, discarded };
  });

  // Stowage's own: what the server served to a build (for `stowage build add-deps`).
  app.get('/api/stowage/v1/builds/:name/:number/downloads', async (req) => {
    req.requireRead();
    const { name, number } = req.params as { name: string; number: string };
    return {
      buildName: name,
      buildNumber: number,
      downloads: await app.stowage.meta.listBuildDownloads(name, number),
    };
  });

  app.post('/api/build/promote/*', async (req) => {
    const who = req.requireWrite();
    const { name, number } = nameAndNumber(req, '/api/build/promote');
    const body = validatePromotionRequest(
      parseJson(req.body, 'ERR_BODY_INVALID', 'promotion request'),
    );
    const { messages } = await promoteBuild(app.stowage, name, number, body, who);
    return { messages };
  });
}

async function deleteBuilds(
  req: FastifyRequest,
  d: { buildName: string; buildNumbers: string[]; deleteAll: boolean; deleteArtifacts: boolean },
): Promise<{ buildName: string; deleted: string[] }> {
  const svc = req.server.stowage;
  const existing = (await svc.meta.listBuildNumbers(d.buildName)).map((b) => b.number);
  if (existing.length === 0)
    throw new HttpError('ERR_BUILD_NOT_FOUND', `no builds named "${d.buildName}"`);
  let numbers = d.buildNumbers;
  if (d.deleteAll) numbers = existing;
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
  return { buildName: d.buildName, deleted };
}
