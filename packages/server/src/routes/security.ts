/**
 * Who may do what, over REST: users, groups and permission targets (Artifactory's
 * `/api/security/...` shape), scoped tokens (Stowage's own `/api/stowage/v1/tokens` and JFrog's
 * `/access/api/v1/tokens`), and the audit trail.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import { parseJson, rawQuery, decodeQueryValue } from '../internal/http.ts';
import type { IssueOptions } from '../internal/auth.ts';
import type { AuditEntry, AuditFilter, TokenRecord } from '../internal/metastore.ts';
import {
  covers,
  formatScope,
  GrantError,
  parseScope,
  validateGroup,
  validateTarget,
  validateUser,
  type Grant,
} from '../internal/permissions.ts';

/** Longest lifetime a token may ask for: one year. */
const MAX_EXPIRES_SEC = 366 * 86_400;
const BUILD_TOKEN_DEFAULT_SEC = 7 * 86_400;

function invalid(message: string, hint?: string): HttpError {
  return new HttpError('ERR_BODY_INVALID', message, hint === undefined ? {} : { hint });
}

function grantError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof GrantError) throw invalid(err.message);
    throw err;
  }
}

/** `3600`, `"3600"`, `"90s"`, `"30m"`, `"12h"`, `"7d"` → seconds. */
export function parseDuration(v: unknown, field: string): number {
  const m =
    typeof v === 'number' ? [String(v), String(v), 's'] : /^(\d+)([smhd]?)$/.exec(String(v));
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isInteger(n) || n <= 0)
    throw invalid(`"${field}" must be a positive number of seconds, or e.g. "30m", "12h", "7d"`);
  const sec = n * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (sec > MAX_EXPIRES_SEC)
    throw invalid(`"${field}" may be at most a year (${MAX_EXPIRES_SEC} s)`);
  return sec;
}

/** A token as listed: never its secret or hash. */
function tokenView(t: TokenRecord): Record<string, unknown> {
  return {
    id: t.id,
    user: t.user,
    ...(t.description ? { description: t.description } : {}),
    scopes: t.admin ? ['admin'] : (t.scopes ?? []),
    ...(t.scopes === undefined && !t.admin ? { actsAsUser: true } : {}),
    ...(t.service ? { service: true } : {}),
    ...(t.build ? { buildName: t.build.name, buildNumber: t.build.number } : {}),
    created: new Date(t.created).toISOString(),
    ...(t.expires ? { expires: new Date(t.expires).toISOString() } : {}),
    ...(t.lastUsed ? { lastUsed: new Date(t.lastUsed).toISOString() } : {}),
  };
}

interface TokenRequest {
  user?: string;
  scopes?: string[];
  description?: string;
  expiresInSec?: number;
  build?: { name: string; number: string };
}

/**
 * Issues a token for the request's principal, never beyond what it may do: an administrator
 * issues any token; anyone else only for their own user, and a scoped caller only scopes its
 * own scopes cover.
 */
async function issueFor(
  req: FastifyRequest,
  ask: TokenRequest,
): Promise<{ token: string; id: string; expires?: number; record: IssueOptions }> {
  const svc = req.server.stowage;
  const who = req.principal;
  const isAdmin = await req.may('admin', '');
  const user = ask.user ?? who.user;
  if (!isAdmin && user !== who.user)
    throw new HttpError('ERR_FORBIDDEN', `"${who.user}" may issue tokens only for itself`, {
      hint: 'leave "user" out, or ask an administrator',
    });
  let scopes: Grant[] | undefined = ask.scopes?.map((s) => grantError(() => parseScope(s)));
  if (ask.build && scopes === undefined) {
    // A build token reads what resolving needs and nothing else: by default every repository
    // (a scoped caller: the repositories its own scopes name).
    scopes = who.scopes
      ? who.scopes.flatMap((g): Grant[] =>
          g.kind === 'repo' ? [{ kind: 'repo', pattern: g.pattern, action: 'read' }] : [],
        )
      : [{ kind: 'repo', pattern: '*', action: 'read' }];
  }
  if (scopes === undefined && !isAdmin && who.scopes) scopes = who.scopes;
  const held = who.scopes ?? (isAdmin ? [{ kind: 'admin' } as Grant] : undefined);
  if (scopes && held) {
    const beyond = scopes.filter((s) => !covers(held, s));
    if (beyond.length)
      throw new HttpError(
        'ERR_FORBIDDEN',
        `the token used for this request cannot grant ${beyond.map(formatScope).join(', ')}`,
        { hint: 'a token can only issue scopes its own scopes cover' },
      );
  }
  if (scopes?.some((s) => s.kind === 'admin') && !isAdmin)
    throw new HttpError('ERR_FORBIDDEN', 'only an administrator may issue an admin token');
  // Reading a virtual repository reads its members: a build token names both.
  if (ask.build && scopes) {
    const extra: Grant[] = [];
    for (const s of scopes) {
      if (s.kind !== 'repo' || s.action !== 'read' || s.pattern.includes('*')) continue;
      const repo = await svc.meta.getRepo(s.pattern);
      for (const m of repo?.repositories ?? []) {
        const g: Grant = { kind: 'repo', pattern: m, action: 'read' };
        if (!held || covers(held, g)) extra.push(g);
      }
    }
    scopes = [...scopes, ...extra];
  }
  const opts: IssueOptions = { user };
  if (scopes) opts.scopes = [...new Set(scopes.map(formatScope))];
  if (ask.description) opts.description = ask.description;
  if (ask.build) opts.build = ask.build;
  const expires = ask.expiresInSec ?? (ask.build ? BUILD_TOKEN_DEFAULT_SEC : undefined);
  if (expires !== undefined) opts.expiresInSec = expires;
  let issued: Awaited<ReturnType<typeof svc.auth.issue>>;
  try {
    issued = await svc.auth.issue(opts);
  } catch (err) {
    if (err instanceof GrantError) throw invalid(err.message);
    throw err;
  }
  await req.audit('token.issue', {
    ...(ask.build ? { buildName: ask.build.name, buildNumber: ask.build.number } : {}),
    details: {
      id: issued.id,
      user,
      scopes: opts.scopes ?? null,
      ...(opts.description ? { description: opts.description } : {}),
      ...(issued.expires ? { expires: new Date(issued.expires).toISOString() } : {}),
    },
  });
  return { ...issued, record: opts };
}

/** Stowage's token request body: unknown fields are refused, not ignored. */
function stowageTokenRequest(body: unknown): TokenRequest {
  if (body === undefined || body === null || body === '') return {};
  const o = parseJson(body, 'ERR_BODY_INVALID', 'token request') as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw invalid('the token request must be a JSON object');
  const known = [
    'user',
    'scopes',
    'description',
    'expiresIn',
    'expiresInSec',
    'buildName',
    'buildNumber',
  ];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length)
    throw invalid(
      `unknown field(s) ${unknown.join(', ')} in the token request`,
      `known: ${known.join(', ')}; limit a token with "scopes", e.g. ["repo:libs-*:read","build:nightly:publish"]`,
    );
  const out: TokenRequest = {};
  if (o.user !== undefined) {
    if (typeof o.user !== 'string' || !o.user) throw invalid('"user" must be a user name');
    out.user = o.user;
  }
  if (o.scopes !== undefined) {
    if (
      !Array.isArray(o.scopes) ||
      o.scopes.length === 0 ||
      o.scopes.some((s) => typeof s !== 'string')
    )
      throw invalid(
        '"scopes" must be a non-empty list of scope strings',
        'e.g. ["repo:generic-*:read"]',
      );
    out.scopes = o.scopes as string[];
  }
  if (o.description !== undefined) {
    if (typeof o.description !== 'string' || o.description.length > 500)
      throw invalid('"description" must be a string of at most 500 characters');
    out.description = o.description;
  }
  if (o.expiresIn !== undefined && o.expiresInSec !== undefined)
    throw invalid('give "expiresIn" or "expiresInSec", not both');
  if (o.expiresIn !== undefined) out.expiresInSec = parseDuration(o.expiresIn, 'expiresIn');
  if (o.expiresInSec !== undefined)
    out.expiresInSec = parseDuration(o.expiresInSec, 'expiresInSec');
  if (o.buildName !== undefined || o.buildNumber !== undefined) {
    if (
      typeof o.buildName !== 'string' ||
      !o.buildName ||
      typeof o.buildNumber !== 'string' ||
      !o.buildNumber
    )
      throw invalid('a build-scoped token needs both buildName and buildNumber as strings');
    out.build = { name: o.buildName, number: o.buildNumber };
  }
  return out;
}

/**
 * JFrog's `POST /access/api/v1/tokens` body (form or JSON): `username`, `scope`
 * (space-separated: `applied-permissions/admin`, `applied-permissions/user`, or Stowage scope
 * strings), `expires_in`, `description`.
 */
function jfrogTokenRequest(req: FastifyRequest): TokenRequest {
  const type = String(req.headers['content-type'] ?? '');
  const raw = typeof req.body === 'string' ? req.body : '';
  let o: Record<string, unknown>;
  if (type.startsWith('application/x-www-form-urlencoded')) {
    o = Object.fromEntries(new URLSearchParams(raw));
  } else {
    o = raw.trim()
      ? (parseJson(raw, 'ERR_BODY_INVALID', 'token request') as Record<string, unknown>)
      : {};
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw invalid('the token request must be a JSON object or a form');
  }
  const known = [
    'username',
    'scope',
    'expires_in',
    'description',
    'refreshable',
    'audience',
    'grant_type',
  ];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length)
    throw invalid(
      `unknown field(s) ${unknown.join(', ')} in the token request`,
      `known: ${known.join(', ')}`,
    );
  if (o.refreshable === true || o.refreshable === 'true')
    throw invalid('refreshable tokens are not supported', 'issue a new token when one expires');
  const out: TokenRequest = {};
  if (o.username !== undefined) {
    if (typeof o.username !== 'string' || !o.username)
      throw invalid('"username" must be a user name');
    out.user = o.username;
  }
  if (o.scope !== undefined) {
    if (typeof o.scope !== 'string') throw invalid('"scope" must be a space-separated string');
    const parts = o.scope.split(/\s+/).filter(Boolean);
    const scopes: string[] = [];
    for (const p of parts) {
      if (p === 'applied-permissions/admin') scopes.push('admin');
      else if (p === 'applied-permissions/user')
        continue; // the user's own grants
      else if (p.startsWith('applied-permissions/groups:'))
        throw invalid('group-scoped JFrog tokens are not supported', 'give Stowage scopes instead');
      else scopes.push(p);
    }
    if (scopes.length) out.scopes = scopes;
  }
  if (o.expires_in !== undefined && o.expires_in !== 0 && o.expires_in !== '0')
    out.expiresInSec = parseDuration(o.expires_in, 'expires_in');
  if (o.description !== undefined) {
    if (typeof o.description !== 'string') throw invalid('"description" must be a string');
    out.description = o.description;
  }
  return out;
}

/** A token someone may see or revoke: their own, or any for an administrator. */
async function ownToken(req: FastifyRequest, id: string): Promise<TokenRecord> {
  const t = await req.server.stowage.meta.getToken(id);
  const p = req.principal;
  // One's own: any token of one's user (from an unscoped token), or the token itself.
  const mine = t !== undefined && t.user === p.user && (!p.scopes || t.id === p.tokenId);
  if (!t || (!mine && !(await req.may('admin', ''))))
    throw new HttpError('ERR_NOT_FOUND', `no token "${id}" that you may see`, {
      hint: 'list your tokens with GET /api/stowage/v1/tokens',
    });
  return t;
}

async function revoke(req: FastifyRequest, id: string): Promise<void> {
  const t = await ownToken(req, id);
  await req.server.stowage.meta.deleteToken(t.id);
  await req.audit('token.revoke', { details: { id: t.id, user: t.user } });
}

function auditFilter(req: FastifyRequest): AuditFilter {
  const q = rawQuery(req);
  const known = ['user', 'action', 'repo', 'buildName', 'buildNumber', 'since', 'until', 'limit'];
  const unknown = [...q.keys()].filter((k) => !known.includes(k));
  if (unknown.length)
    throw new HttpError('ERR_QUERY_INVALID', `unknown audit filter(s) ${unknown.join(', ')}`, {
      hint: `known: ${known.join(', ')}`,
    });
  const f: AuditFilter = {};
  const str = (k: 'user' | 'action' | 'repo' | 'buildName' | 'buildNumber'): void => {
    const v = q.get(k);
    if (v !== undefined && v !== '') f[k] = decodeQueryValue(v);
  };
  for (const k of ['user', 'action', 'repo', 'buildName', 'buildNumber'] as const) str(k);
  for (const k of ['since', 'until'] as const) {
    const v = q.get(k);
    if (v === undefined || v === '') continue;
    const d = decodeQueryValue(v);
    const ms = /^\d+$/.test(d) ? Number(d) : Date.parse(d);
    if (Number.isNaN(ms))
      throw new HttpError('ERR_QUERY_INVALID', `"${k}" must be an ISO date or epoch milliseconds`, {
        hint: 'e.g. since=2026-11-01T00:00:00Z',
      });
    f[k] = ms;
  }
  const limit = q.get('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new HttpError('ERR_QUERY_INVALID', '"limit" must be a whole number from 1 to 10000', {
        hint: 'e.g. limit=100',
      });
    f.limit = n;
  }
  return f;
}

function auditView(e: AuditEntry): Record<string, unknown> {
  return { ...e, time: new Date(e.ts).toISOString() };
}

type Kind = 'users' | 'groups' | 'permissions';

export async function securityRoutes(app: FastifyInstance): Promise<void> {
  const svc = app.stowage;

  // ---- tokens (Stowage's own) ----

  app.post(
    '/api/stowage/v1/tokens',
    { config: { permission: 'authenticated' } },
    async (req, reply) => {
      const ask = stowageTokenRequest(req.body);
      const issued = await issueFor(req, ask);
      return reply.code(201).send({
        token: issued.token,
        id: issued.id,
        user: issued.record.user,
        scopes: issued.record.scopes ?? [],
        ...(issued.record.description ? { description: issued.record.description } : {}),
        ...(ask.build ? { buildName: ask.build.name, buildNumber: ask.build.number } : {}),
        ...(issued.expires ? { expires: new Date(issued.expires).toISOString() } : {}),
      });
    },
  );

  app.get('/api/stowage/v1/tokens', { config: { permission: 'authenticated' } }, async (req) => {
    const user = rawQuery(req).get('user');
    const all = await req.may('admin', '');
    const filter = all
      ? user
        ? { user: decodeQueryValue(user) }
        : {}
      : { user: req.principal.user };
    const list = await svc.meta.listTokens(filter);
    return { tokens: list.map(tokenView) };
  });

  app.get('/api/stowage/v1/tokens/:id', { config: { permission: 'authenticated' } }, async (req) =>
    tokenView(await ownToken(req, (req.params as { id: string }).id)),
  );

  app.delete(
    '/api/stowage/v1/tokens/:id',
    { config: { permission: 'authenticated' } },
    async (req, reply) => {
      await revoke(req, (req.params as { id: string }).id);
      return reply.code(204).send();
    },
  );

  // ---- tokens (JFrog Access) ----

  app.post('/access/api/v1/tokens', { config: { permission: 'authenticated' } }, async (req) => {
    const issued = await issueFor(req, jfrogTokenRequest(req));
    const scopes = issued.record.scopes;
    return {
      access_token: issued.token,
      token_id: issued.id,
      expires_in: issued.expires ? Math.round((issued.expires - Date.now()) / 1000) : 0,
      scope: scopes ? scopes.join(' ') : 'applied-permissions/user',
      token_type: 'Bearer',
    };
  });

  app.get('/access/api/v1/tokens', { config: { permission: 'authenticated' } }, async (req) => {
    const all = await req.may('admin', '');
    const list = await svc.meta.listTokens(all ? {} : { user: req.principal.user });
    return {
      tokens: list.map((t) => ({
        token_id: t.id,
        subject: t.user,
        issued_at: Math.floor(t.created / 1000),
        ...(t.expires ? { expiry: Math.floor(t.expires / 1000) } : {}),
        ...(t.description ? { description: t.description } : {}),
        scope: t.admin ? 'admin' : (t.scopes?.join(' ') ?? 'applied-permissions/user'),
        refreshable: false,
      })),
    };
  });

  app.delete(
    '/access/api/v1/tokens/:id',
    { config: { permission: 'authenticated' } },
    async (req, reply) => {
      await revoke(req, (req.params as { id: string }).id);
      return reply.code(200).send();
    },
  );

  // ---- users, groups, permission targets (Artifactory's /api/security/...) ----

  const store = {
    users: {
      config: () => svc.config.users ?? [],
      list: () => svc.meta.listUsers(),
      get: (n: string) => svc.meta.getUser(n),
      put: (x: unknown) => svc.meta.putUser(x as Parameters<typeof svc.meta.putUser>[0]),
      del: (n: string) => svc.meta.deleteUser(n),
      validate: validateUser,
      what: 'user',
    },
    groups: {
      config: () => svc.config.groups ?? [],
      list: () => svc.meta.listGroups(),
      get: (n: string) => svc.meta.getGroup(n),
      put: (x: unknown) => svc.meta.putGroup(x as Parameters<typeof svc.meta.putGroup>[0]),
      del: (n: string) => svc.meta.deleteGroup(n),
      validate: validateGroup,
      what: 'group',
    },
    permissions: {
      config: () => svc.config.permissions ?? [],
      list: () => svc.meta.listPermissionTargets(),
      get: (n: string) => svc.meta.getPermissionTarget(n),
      put: (x: unknown) =>
        svc.meta.putPermissionTarget(x as Parameters<typeof svc.meta.putPermissionTarget>[0]),
      del: (n: string) => svc.meta.deletePermissionTarget(n),
      validate: validateTarget,
      what: 'permission target',
    },
  } as const;

  for (const kind of ['users', 'groups', 'permissions'] as Kind[]) {
    const s = store[kind];
    const base = `/api/security/${kind}`;
    const fromConfig = (name: string): boolean =>
      (s.config() as { name: string }[]).some((x) => x.name === name);

    app.get(base, { config: { permission: 'admin' } }, async () => {
      const mk = (x: { name: string }, realm: string): Record<string, string> => ({
        name: x.name,
        uri: `${base}/${encodeURIComponent(x.name)}`,
        realm,
      });
      return [
        ...(s.config() as { name: string }[]).map((x) => mk(x, 'config')),
        ...((await s.list()) as { name: string }[]).map((x) => mk(x, 'internal')),
      ];
    });

    app.get(`${base}/:name`, { config: { permission: 'admin' } }, async (req) => {
      const name = (req.params as { name: string }).name;
      const found =
        (s.config() as { name: string }[]).find((x) => x.name === name) ?? (await s.get(name));
      if (!found)
        throw new HttpError('ERR_NOT_FOUND', `no ${s.what} "${name}"`, {
          hint: `list them with GET ${base}`,
        });
      return { ...found, realm: fromConfig(name) ? 'config' : 'internal' };
    });

    const save = async (req: FastifyRequest, mode: 'replace' | 'update'): Promise<unknown> => {
      const name = (req.params as { name: string }).name;
      if (fromConfig(name))
        throw new HttpError('ERR_CONFLICT', `${s.what} "${name}" is defined in the server config`, {
          hint: 'change it in the config file and restart the server',
        });
      const body = parseJson(req.body, 'ERR_BODY_INVALID', s.what) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalid(`the ${s.what} must be a JSON object`);
      if (body.name !== undefined && body.name !== name)
        throw invalid(`the body names "${String(body.name)}" but the URL "${name}"`);
      const existing = await s.get(name);
      if (mode === 'update' && !existing)
        throw new HttpError('ERR_NOT_FOUND', `no ${s.what} "${name}" to update`, {
          hint: `create it with PUT ${base}/${name}`,
        });
      const merged = mode === 'update' ? { ...existing, ...body, name } : { ...body, name };
      const valid = grantError(() => s.validate(merged, `${s.what} "${name}"`));
      await s.put(valid);
      await req.audit(
        `${kind === 'permissions' ? 'permission' : s.what}.${existing ? 'update' : 'create'}`,
        {
          details: { name, [s.what === 'permission target' ? 'target' : s.what]: valid },
        },
      );
      return valid;
    };

    app.put(`${base}/:name`, { config: { permission: 'admin' } }, async (req, reply) =>
      reply.code(201).send(await save(req, 'replace')),
    );
    app.post(`${base}/:name`, { config: { permission: 'admin' } }, async (req) =>
      save(req, 'update'),
    );

    app.delete(`${base}/:name`, { config: { permission: 'admin' } }, async (req, reply) => {
      const name = (req.params as { name: string }).name;
      if (fromConfig(name))
        throw new HttpError('ERR_CONFLICT', `${s.what} "${name}" is defined in the server config`, {
          hint: 'remove it from the config file and restart the server',
        });
      if (!(await s.del(name))) throw new HttpError('ERR_NOT_FOUND', `no ${s.what} "${name}"`);
      await req.audit(`${kind === 'permissions' ? 'permission' : s.what}.delete`, {
        details: { name },
      });
      return reply.code(204).send();
    });
  }

  // ---- the audit trail ----

  // An administrator reads everything; whoever may read a build reads its entries (the build
  // page shows them), without the addresses and token ids.
  app.get('/api/stowage/v1/audit', { config: { permission: 'build:read' } }, async (req) => {
    const f = auditFilter(req);
    const admin = await req.may('admin', '');
    if (f.buildName === undefined || admin) await req.authorize('admin');
    else await req.authorize('build:read', f.buildName);
    const entries = (await svc.meta.listAudit(f)).map(auditView);
    if (!admin)
      for (const e of entries) {
        delete e.ip;
        delete e.tokenId;
      }
    return { entries };
  });
}
