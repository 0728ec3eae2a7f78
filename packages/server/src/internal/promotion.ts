import {
  formatStarted,
  type BuildInfo,
  type BuildStatus,
  type PromotionRequest,
} from '@stowage/core';
import { formatOf } from '../formats/index.ts';
import { HttpError } from '../errors.ts';
import type { ArtifactRecord, PromotionOp, Properties } from './metastore.ts';
import { PromotionConflict } from './metastore.ts';
import type { Services } from './services.ts';
import type { Principal } from './auth.ts';

/** The documented body of `POST /api/build/promote/{name}/{number}` (the client's own type). */
export type { PromotionRequest };

export interface PromotionMessage {
  level: 'info' | 'warning' | 'error';
  message: string;
}

const BOOL_FIELDS = [
  'dryRun',
  'copy',
  'artifacts',
  'dependencies',
  'failFast',
  'allowEmpty',
] as const;
const STRING_FIELDS = [
  'status',
  'comment',
  'ciUser',
  'approver',
  'timestamp',
  'sourceRepo',
  'targetRepo',
] as const;

export function validatePromotionRequest(input: unknown): PromotionRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError('ERR_PROMOTION_INVALID', 'the promotion body must be a JSON object', {
      hint: 'send e.g. {"status":"qa","targetRepo":"generic-qa"}',
    });
  }
  const o = input as Record<string, unknown>;
  const out: PromotionRequest = {};
  for (const k of BOOL_FIELDS) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'boolean')
      throw new HttpError('ERR_PROMOTION_INVALID', `"${k}" must be true or false`);
    out[k] = o[k];
  }
  for (const k of STRING_FIELDS) {
    if (o[k] === undefined || o[k] === null) continue;
    if (typeof o[k] !== 'string')
      throw new HttpError('ERR_PROMOTION_INVALID', `"${k}" must be a string`);
    out[k] = o[k];
  }
  if (o.scopes !== undefined) {
    if (!Array.isArray(o.scopes) || o.scopes.some((s) => typeof s !== 'string')) {
      throw new HttpError('ERR_PROMOTION_INVALID', '"scopes" must be a list of strings');
    }
    out.scopes = o.scopes as string[];
  }
  if (o.properties !== undefined) {
    if (typeof o.properties !== 'object' || o.properties === null || Array.isArray(o.properties)) {
      throw new HttpError(
        'ERR_PROMOTION_INVALID',
        '"properties" must map names to lists of values',
        {
          hint: 'e.g. {"properties": {"qa.approved": ["yes"]}}',
        },
      );
    }
    const props: Properties = {};
    for (const [k, v] of Object.entries(o.properties as Record<string, unknown>)) {
      const values = Array.isArray(v) ? v : [v];
      if (
        values.some((x) => typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean')
      ) {
        throw new HttpError(
          'ERR_PROMOTION_INVALID',
          `property "${k}" must be a string or a list of strings`,
        );
      }
      props[k] = values.map(String);
    }
    out.properties = props;
  }
  return out;
}

/**
 * Promotes a build: finds its artifacts (stamped with build.name/build.number, and every
 * artifact its build-info lists, by checksum), optionally its dependencies, copies or moves
 * them to the target repository, sets properties and appends a status — all in one
 * transaction. With failFast (the default) any missing artifact or conflict aborts the
 * whole promotion and nothing changes.
 */
export async function promoteBuild(
  svc: Services,
  name: string,
  number: string,
  req: PromotionRequest,
  who: Principal,
): Promise<{ messages: PromotionMessage[]; promoted: { from: string; to: string }[] }> {
  // Serialised per build (its statuses are read, appended to and written back) and per target
  // repository (what is there decides the conflicts), on every replica: always build first,
  // then target, so two promotions never wait on each other in a cycle.
  const target = req.targetRepo ? (await svc.deployableRepo(req.targetRepo)).key : '';
  return svc.meta.withLock(`promote-build\0${name}\0${number}`, () =>
    svc.meta.withLock(`promote-target\0${target}`, () =>
      promoteLocked(svc, name, number, req, who),
    ),
  );
}

async function promoteLocked(
  svc: Services,
  name: string,
  number: string,
  req: PromotionRequest,
  who: Principal,
): Promise<{ messages: PromotionMessage[]; promoted: { from: string; to: string }[] }> {
  const build = await svc.meta.getBuild(name, number);
  if (!build)
    throw new HttpError('ERR_BUILD_NOT_FOUND', `build "${name}" number "${number}" does not exist`);
  if (req.sourceRepo) await svc.repo(req.sourceRepo);
  // A virtual target means its default deployment repository.
  if (req.targetRepo) req = { ...req, targetRepo: (await svc.deployableRepo(req.targetRepo)).key };

  const failFast = req.failFast !== false;
  const move = req.copy !== true;
  const messages: PromotionMessage[] = [];
  const errors: string[] = [];
  const chosen = new Map<string, ArtifactRecord>();

  if (req.targetRepo && req.artifacts !== false) {
    const found = await findBuildArtifacts(svc, build, req.sourceRepo, errors);
    for (const a of found) pick(chosen, a, req.targetRepo);
    if (found.length === 0 && errors.length === 0) {
      messages.push({
        level: 'warning',
        message: `build ${name}#${number} has no artifacts to promote`,
      });
    }
  }
  if (req.targetRepo && req.dependencies === true) {
    for (const dep of buildDependencies(build, req.scopes)) {
      const matches = await svc.meta.findByChecksum(dep.sum, req.sourceRepo);
      const first = matches[0];
      if (!first) {
        messages.push({
          level: 'warning',
          message: `dependency ${dep.id} is not stored in ${req.sourceRepo ?? 'any repository'}`,
        });
        continue;
      }
      pick(chosen, first, req.targetRepo);
    }
  }

  const ops: PromotionOp[] = [];
  if (req.targetRepo) {
    const target = await svc.repo(req.targetRepo);
    const sources = new Map<string, string>();
    for (const a of chosen.values()) {
      let from = sources.get(a.repo);
      if (from === undefined) {
        from = (await svc.repo(a.repo)).packageType;
        sources.set(a.repo, from);
      }
      // A format repository is written only through its format: no file of another format
      // lands in it, and none is moved out of it from under its index.
      const guarded = formatOf(target.packageType)?.writeApi
        ? target.packageType
        : move && formatOf(from)?.writeApi
          ? from
          : undefined;
      if (guarded && from !== target.packageType) {
        errors.push(
          `${a.repo}/${a.path} (${from}) cannot be ${move ? 'moved' : 'copied'} to ${target.key} (${target.packageType}): a ${guarded} repository is written only through its format's API`,
        );
        continue;
      }
      const existing = await svc.meta.getArtifact(req.targetRepo, a.path);
      if (existing && existing.id !== a.id && existing.sha256 !== a.sha256) {
        errors.push(
          `${req.targetRepo}/${a.path} already exists with different content (sha256 ${existing.sha256})`,
        );
        continue;
      }
      ops.push({
        artifactId: a.id,
        toRepo: req.targetRepo,
        toPath: a.path,
        move: move && a.repo !== req.targetRepo,
      });
      messages.push({
        level: 'info',
        message: `${req.dryRun ? 'would ' : ''}${move ? 'move' : 'copy'} ${a.repo}/${a.path} to ${req.targetRepo}/${a.path}`,
      });
    }
  }

  for (const e of errors) messages.push({ level: 'error', message: e });
  // A promotion of artifacts that moves nothing is almost always a build that produced nothing
  // (a job that failed early): refuse it unless asked (Stowage's `allowEmpty`). A status-only
  // promotion (`artifacts: false`) is what it says.
  if (
    req.targetRepo &&
    req.artifacts !== false &&
    ops.length === 0 &&
    errors.length === 0 &&
    req.allowEmpty !== true
  ) {
    throw new HttpError(
      'ERR_BUILD_EMPTY',
      `build ${name}#${number} has nothing to promote to ${req.targetRepo}: no artifacts${req.dependencies ? ' or dependencies' : ''} of it are stored; nothing was changed`,
    );
  }
  if (errors.length && failFast) {
    throw new HttpError(
      errors.some((e) => e.includes('already exists'))
        ? 'ERR_PROMOTION_CONFLICT'
        : 'ERR_PROMOTION_MISSING_ARTIFACTS',
      `promotion of ${name}#${number} aborted, nothing was changed: ${errors.join('; ')}`,
      { hint: 'fix the listed artifacts, or pass failFast=false to promote what can be promoted' },
    );
  }

  const now = new Date();
  const status: BuildStatus = {
    status: req.status ?? 'promoted',
    timestamp: req.timestamp ?? formatStarted(now),
    user: who.user,
    timestampDate: now.getTime(),
  };
  if (req.comment) status.comment = req.comment;
  if (req.targetRepo) status.repository = req.targetRepo;
  if (req.ciUser) status.ciUser = req.ciUser;
  // Who approved (a person answering a Jenkins `input`, a GitHub environment reviewer), as the
  // front end sends it; `user` stays the authenticated principal that made the call.
  if (req.approver) status.approver = req.approver;

  if (req.dryRun) {
    messages.push({
      level: 'info',
      message: `dry run: ${ops.length} artifact(s) would be promoted; nothing was changed`,
    });
    return { messages, promoted: [] };
  }
  const updated: BuildInfo = { ...build, statuses: [...(build.statuses ?? []), status] };
  try {
    await svc.meta.applyPromotion({
      ops,
      properties: req.properties ?? {},
      build: updated,
      user: who.user,
    });
  } catch (err) {
    if (err instanceof PromotionConflict) {
      throw new HttpError(
        'ERR_PROMOTION_CONFLICT',
        `promotion of ${name}#${number} aborted, nothing was changed: ${err.message}`,
      );
    }
    throw err;
  }
  svc.log.info(
    { build: name, number, status: status.status, target: req.targetRepo, artifacts: ops.length },
    'build promoted',
  );
  messages.push({
    level: 'info',
    message: `promoted ${name}#${number} to "${status.status}"${req.targetRepo ? ` (${ops.length} artifact(s) in ${req.targetRepo})` : ''}`,
  });
  const promoted = [...chosen.values()].map((a) => ({
    from: `${a.repo}/${a.path}`,
    to: `${req.targetRepo ?? a.repo}/${a.path}`,
  }));
  return { messages, promoted };
}

/** Prefers the copy already in the target, so that promoting twice changes nothing. */
function pick(chosen: Map<string, ArtifactRecord>, a: ArtifactRecord, target: string): void {
  const prev = chosen.get(a.path);
  if (!prev || (a.repo === target && prev.repo !== target)) chosen.set(a.path, a);
}

async function findBuildArtifacts(
  svc: Services,
  build: BuildInfo,
  sourceRepo: string | undefined,
  errors: string[],
): Promise<ArtifactRecord[]> {
  const stamped = await svc.buildArtifacts(build.name, build.number, sourceRepo);
  const out = [...stamped];
  for (const mod of build.modules ?? []) {
    for (const art of mod.artifacts ?? []) {
      const sum = art.sha256
        ? { sha256: art.sha256 }
        : art.sha1
          ? { sha1: art.sha1 }
          : art.md5
            ? { md5: art.md5 }
            : undefined;
      if (!sum) continue;
      const matches = (a: ArtifactRecord): boolean =>
        (sum.sha256 !== undefined && a.sha256 === sum.sha256.toLowerCase()) ||
        (sum.sha1 !== undefined && a.sha1 === sum.sha1.toLowerCase()) ||
        (sum.md5 !== undefined && a.md5 === sum.md5.toLowerCase());
      if (stamped.some(matches)) continue;
      const byChecksum = (await svc.meta.findByChecksum(sum, sourceRepo)).filter(
        (a) =>
          !art.name ||
          a.path === art.name ||
          a.path.endsWith(`/${art.name}`) ||
          art.path === a.path,
      );
      if (byChecksum.length === 0) {
        const shown = art.path ?? art.name;
        errors.push(
          `artifact ${shown} of module ${mod.id} (${Object.entries(sum)[0]?.join(' ')}) is not stored in ${sourceRepo ?? 'any repository'}`,
        );
        continue;
      }
      out.push(...byChecksum);
    }
  }
  return out;
}

function buildDependencies(
  build: BuildInfo,
  scopes: string[] | undefined,
): { id: string; sum: { sha256?: string; sha1?: string; md5?: string } }[] {
  const out: { id: string; sum: { sha256?: string; sha1?: string; md5?: string } }[] = [];
  for (const mod of build.modules ?? []) {
    for (const d of mod.dependencies ?? []) {
      if (scopes?.length && !(d.scopes ?? []).some((s) => scopes.includes(s))) continue;
      const sum = d.sha256
        ? { sha256: d.sha256 }
        : d.sha1
          ? { sha1: d.sha1 }
          : d.md5
            ? { md5: d.md5 }
            : undefined;
      if (sum) out.push({ id: d.id, sum });
    }
  }
  return out;
}
