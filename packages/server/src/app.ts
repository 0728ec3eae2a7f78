import type { Socket } from 'node:net';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { HttpError, diskFullCode, errorBody, storageFull } from './errors.ts';
import { bodyTooLarge, checkJsonDepth } from './internal/http.ts';
import type { ServerConfig } from './config.ts';
import { ANONYMOUS, Authenticator, type Principal } from './internal/auth.ts';
import {
  describe,
  PERMISSIONS,
  type Permission,
  type Policy,
  type Wanted,
} from './internal/permissions.ts';
import type { AuditEntry } from './internal/metastore.ts';
import type { BlobStore } from './internal/blobstore.ts';
import type { MetaStore } from './internal/metastore.ts';
import { Services } from './internal/services.ts';
import { Resolver } from './internal/resolver.ts';
import { UpstreamClient, type UpstreamOptions } from './internal/upstream.ts';
import { genericRoutes } from './routes/generic.ts';
import { FORMATS } from './formats/index.ts';
import { storageRoutes } from './routes/storage.ts';
import { searchRoutes } from './routes/search.ts';
import { buildRoutes } from './routes/builds.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { systemRoutes } from './routes/system.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { uiRoutes } from './ui/ui.ts';
import { setServingHeaders } from './internal/serving.ts';
import { securityRoutes } from './routes/security.ts';

/**
 * What `req.authorize` checks: a route's declared permission, or `build:promote:<stage>` for a
 * promotion to a named stage.
 */
export type Action = Permission | `build:promote:${string}`;

/** What an audit entry says besides who, when and from where. */
export type AuditWhat = Omit<AuditEntry, 'id' | 'ts' | 'user' | 'tokenId' | 'ip' | 'action'>;
import { answerNotModified } from './internal/serve.ts';
import { Metrics } from './internal/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    stowage: Services;
    /** Every route registered, with its declared permission. */
    stowageRoutes: RegisteredRoute[];
  }
  interface FastifyContextConfig {
    /** The permission the route needs (CONTRACTS.md item 1); every route must declare one. */
    permission?: Permission;
  }
  interface FastifyContextConfig {
    /** Which `limits.*` key sets this route's body limit (named in a 413). */
    limitKey?: 'buildInfoBytes' | 'jsonBytes' | 'npmPublishBytes';
  }
  interface FastifyRequest {
    principal: Principal;
    /**
     * Checks that the principal may do `action` on `resource` (a repository key for `repo:*`,
     * a build name for `build:*`; none for `public`, `authenticated`, `admin`). Throws 401
     * (no credentials) or 403 naming the missing permission; returns the principal.
     */
    authorize(action: Action, resource?: string): Promise<Principal>;
    /** Whether the principal may do it (no throw): for filtering lists. */
    may(action: Action, resource: string): Promise<boolean>;
    /** Whether `authorize` succeeded for this request (for answers sent past the onSend hook). */
    wasAuthorized(): boolean;
    /** Appends to the audit trail with the request's principal, token and address. */
    audit(action: string, what?: AuditWhat): Promise<void>;
    /**
     * The audit entry `audit` would append, for a store call that writes it in the same
     * transaction as the change (a deploy); the request then counts as audited.
     */
    auditEntry(action: string, what?: AuditWhat): AuditEntry;
    /** Compatibility: throws unless anonymous read is on or the request carries a valid token. */
    requireRead(): Principal;
    /** Compatibility: throws unless the request carries a valid token. */
    requireWrite(): Principal;
    /** Compatibility: throws unless the principal is an administrator. */
    requireAdmin(): Principal;
  }
}

/** Every route the app registered, with the permission it declared (for the coverage test). */
export interface RegisteredRoute {
  method: string;
  url: string;
  permission: Permission;
}

const AUTHORIZED = Symbol('authorized');
/** The repository a write was authorized on, and whether the handler wrote its own audit entry. */
const WROTE_TO = Symbol('wroteTo');
const AUDITED = Symbol('audited');
const POLICY = Symbol('policy');
/** The connection's byte counts when the request arrived (-1: not read). */
const READ_AT = Symbol('readAt');
const WRITTEN_AT = Symbol('writtenAt');
const AUDIT_OF: Partial<Record<Permission, string>> = {
  'repo:deploy': 'artifact.deploy',
  'repo:delete': 'artifact.delete',
  'repo:annotate': 'artifact.properties',
};

type Marks = Record<symbol, unknown>;
const CHALLENGE = { 'www-authenticate': 'Basic realm="Stowage"' };

function safeDecode(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function wanted(action: Action, resource: string | undefined): Wanted | { kind: 'admin' } {
  if (action === 'admin') return { kind: 'admin' };
  if (resource === undefined)
    throw new Error(`authorize("${action}") needs the repository or build it applies to`);
  const [kind, ...rest] = action.split(':');
  const act = rest.join(':');
  if (kind === 'repo')
    return { kind: 'repo', name: resource, action: act as Wanted['action'] & 'read' };
  if (act === 'promote')
    throw new Error('authorize("build:promote") needs the stage: build:promote:<stage>');
  return { kind: 'build', name: resource, action: act as 'read' };
}

export interface AppOptions {
  config: ServerConfig;
  blobs: BlobStore;
  meta: MetaStore;
  adminToken: string;
  logger?: FastifyServerOptions['logger'];
  /** How remote repositories reach their upstreams (timeouts, retries, cool-down). */
  upstream?: UpstreamOptions;
  /** Further routes registered after the server's own (embedders, tests); they declare permissions too. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  /** Where `${VAR}` references in remote credentials are read (default: none are set). */
  env?: Record<string, string | undefined>;
  /**
   * On close, how long requests in flight may finish before upstream transfers are cut off
   * and the remaining connections closed. Default 10 s.
   */
  drainTimeoutMs?: number;
}

/** `/artifactory` and `/artifactory/…` (a JFrog platform URL) are the root and its paths. */
export function artifactoryAlias(url: string): string {
  if (url === '/artifactory' || url.startsWith('/artifactory?')) return `/${url.slice(12)}`;
  return url.startsWith('/artifactory/') ? url.slice(12) : url;
}

/** Builds the Fastify application; listening is the caller's business (see startServer). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Matrix parameters (`;k=v`) belong to the path here, not to the query.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 2048 },
    // Each route's own limit is set by the onRoute hook below (limits.* in the config).
    bodyLimit: opts.config.limits.jsonBytes,
    return503OnClosing: true,
    // JFrog clients configured with a platform URL address the repository under /artifactory/.
    rewriteUrl: (req) => artifactoryAlias(req.url ?? '/'),
    // One line per request, written in onResponse with the route, principal and duration.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const limits = opts.config.limits;
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    let key: 'buildInfoBytes' | 'jsonBytes' | 'npmPublishBytes' = 'jsonBytes';
    if (route.url === '/api/build' && methods.includes('PUT')) key = 'buildInfoBytes';
    else if (route.url.startsWith('/api/npm/')) key = 'npmPublishBytes';
    // A route that declares a smaller limit of its own (e.g. the anonymous OIDC exchange) keeps it.
    if (route.bodyLimit !== undefined && route.bodyLimit <= limits[key]) return;
    route.bodyLimit = limits[key];
    route.config = { ...(route.config ?? {}), limitKey: key };
  });
  const metrics = new Metrics(opts.meta);
  const services = new Services({
    metrics,
    blobs: opts.blobs,
    meta: opts.meta,
    config: opts.config,
    auth: new Authenticator(opts.adminToken, opts.meta, opts.config),
    log: app.log,
  });
  const routes: RegisteredRoute[] = [];
  app.decorate('stowageRoutes', routes);
  // Every route declares the permission it needs; a route without one is a bug, refused here.
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    const methods = [route.method].flat().join(',');
    if (!permission || !(PERMISSIONS as readonly string[]).includes(permission)) {
      throw new Error(
        `route ${methods} ${route.url} declares no valid config.permission (one of ${PERMISSIONS.join(', ')})`,
      );
    }
    routes.push({ method: methods, url: route.url, permission });
    if (permission === 'authenticated' || permission === 'admin') {
      const check = async (req: FastifyRequest): Promise<void> => {
        await req.authorize(permission);
      };
      route.onRequest = [check, ...[route.onRequest ?? []].flat()];
    }
  });
  const upstream = new UpstreamClient({
    ...opts.upstream,
    ...(opts.env ? { env: opts.env } : {}),
  });
  services.resolver = new Resolver(services, upstream);
  // Closing drains requests in flight for a bounded time, whatever the upstreams do.
  let drain: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    drain = setTimeout(() => {
      app.log.warn('requests still running after the drain timeout; cutting them off');
      upstream.abortAll();
      app.server.closeAllConnections();
    }, opts.drainTimeoutMs ?? 10_000);
    drain.unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(drain);
    await upstream.close();
  });
  // The periodic GC run: what an overwrite or delete left inside the grace period goes later.
  if (opts.config.gc.intervalSec > 0) {
    const timer = setInterval(() => {
      services.runGarbageCollection().catch((err: unknown) => {
        app.log.error({ err }, 'periodic garbage collection failed');
      });
    }, opts.config.gc.intervalSec * 1000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.decorate('stowage', services);
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest(AUTHORIZED, false);
  app.decorateRequest(POLICY, null);
  /** The users, groups and targets in force, read once per request (not kept across requests). */
  const policyOf = (req: FastifyRequest): Policy | Promise<Policy> => {
    const marks = req as unknown as Marks;
    const have = marks[POLICY] as Policy | null;
    if (have) return have;
    const got = services.auth.policy();
    if (got instanceof Promise) return got.then((p) => (marks[POLICY] = p));
    marks[POLICY] = got;
    return got;
  };
  app.decorateRequest(WROTE_TO, null);
  app.decorateRequest(AUDITED, false);
  app.decorateRequest(
    'authorize',
    async function (this: FastifyRequest, action: Action, resource?: string): Promise<Principal> {
      const p = this.principal;
      if (action === 'public') {
        (this as unknown as Marks)[AUTHORIZED] = true;
        return p;
      }
      if (action === 'authenticated') {
        if (!p.authenticated)
          throw new HttpError('ERR_AUTH_REQUIRED', 'this call needs credentials', {
            headers: CHALLENGE,
          });
        (this as unknown as Marks)[AUTHORIZED] = true;
        return p;
      }
      const w = wanted(action, resource);
      if (!(await services.auth.permits(p, w, () => policyOf(this)))) {
        if (!p.authenticated)
          throw new HttpError('ERR_AUTH_REQUIRED', `this call ${describe(w)}`, {
            headers: CHALLENGE,
          });
        const who = p.tokenId ? `token ${p.tokenId} of "${p.user}"` : `"${p.user}"`;
        throw new HttpError('ERR_FORBIDDEN', `${who} ${describe(w)}`, {
          hint: 'ask an administrator for that permission, or use a token that has it',
        });
      }
      (this as unknown as Marks)[AUTHORIZED] = true;
      if (w.kind === 'repo' && w.action !== 'read') (this as unknown as Marks)[WROTE_TO] = w.name;
      return p;
    },
  );
  app.decorateRequest('wasAuthorized', function (this: FastifyRequest): boolean {
    return (this as unknown as Marks)[AUTHORIZED] === true;
  });
  app.decorateRequest(
    'may',
    async function (this: FastifyRequest, action: Action, resource: string): Promise<boolean> {
      return services.auth.permits(this.principal, wanted(action, resource), () => policyOf(this));
    },
  );
  app.decorateRequest(
    'auditEntry',
    function (this: FastifyRequest, action: string, what: AuditWhat = {}): AuditEntry {
      (this as unknown as Marks)[AUDITED] = true;
      const p = this.principal;
      const entry: AuditEntry = { ts: Date.now(), user: p.user, ip: this.ip, action, ...what };
      if (p.tokenId) entry.tokenId = p.tokenId;
      return entry;
    },
  );
  app.decorateRequest(
    'audit',
    async function (this: FastifyRequest, action: string, what: AuditWhat = {}): Promise<void> {
      const entry = this.auditEntry(action, what);
      try {
        await services.meta.appendAudit(entry);
      } catch (err) {
        this.log.error({ err, audit: entry }, 'could not append to the audit trail');
      }
    },
  );
  app.decorateRequest('requireRead', function (this: FastifyRequest) {
    (this as unknown as Marks)[AUTHORIZED] = true;
    if (!this.principal.authenticated && !services.config.auth.anonymousRead) {
      throw new HttpError(
        'ERR_AUTH_REQUIRED',
        'reading needs a token on this server (anonymous read is off)',
        {
          headers: { 'www-authenticate': 'Basic realm="Stowage"' },
        },
      );
    }
    return this.principal;
  });
  app.decorateRequest('requireWrite', function (this: FastifyRequest) {
    (this as unknown as Marks)[AUTHORIZED] = true;
    if (!this.principal.authenticated) {
      throw new HttpError(
        'ERR_AUTH_REQUIRED',
        'this call changes the repository and needs a token',
        {
          headers: { 'www-authenticate': 'Basic realm="Stowage"' },
        },
      );
    }
    return this.principal;
  });
  app.decorateRequest(
    'requireAdmin',
    function (this: { principal: Principal; requireWrite(): Principal }) {
      const p = this.requireWrite();
      if (!p.admin) throw new HttpError('ERR_FORBIDDEN', 'this call needs an admin token');
      return p;
    },
  );

  // Bytes in and out are what the connection carried while the request was handled.
  // Kept on the request (a WeakMap entry per request cost the scavenger its ephemeron pass).
  app.decorateRequest(READ_AT, -1);
  app.decorateRequest(WRITTEN_AT, -1);
  // A callback hook: an anonymous request or the administrator's token is known at once, and
  // an async hook cost a promise per request (and Fastify's handling of it).
  app.addHook('onRequest', (req, _reply, done) => {
    // At debug level, a line when a request arrives (the one at info comes when it completes).
    req.log.debug({ method: req.method, url: req.url }, 'incoming request');
    const sock = req.raw.socket as Socket | null;
    if (sock) {
      const marks = req as unknown as Marks;
      marks[READ_AT] = sock.bytesRead;
      marks[WRITTEN_AT] = sock.bytesWritten;
    }
    const refused = (err: unknown): void => {
      req.principal = ANONYMOUS;
      req
        .audit('auth.failed', {
          details: {
            method: req.method,
            url: req.url.split('?')[0] ?? '',
            reason: (err as Error).message,
          },
        })
        .then(() => done(err as Error), done);
    };
    let got: Principal | Promise<Principal>;
    try {
      got = services.auth.authenticate(req.headers);
    } catch (err) {
      refused(err);
      return;
    }
    if (got instanceof Promise) {
      got.then((p) => {
        req.principal = p;
        done();
      }, refused);
      return;
    }
    req.principal = got;
    done();
  });
  // Every successful format write (npm publish, docker push, …) is audited here unless its
  // handler wrote a more precise entry itself.
  // One onSend hook for the three things every answer goes through (a hook call each cost more
  // than the work): fail closed, the serving headers, conditional requests. A callback hook that
  // answers at once unless there is an audit entry to write (a promise per answer showed in
  // profiles of cached GETs).
  app.addHook('onSend', (req, reply, payload, done) => {
    const audit = auditDue(req, reply);
    if (!audit) {
      done(null, afterChecks(req, reply, payload));
      return;
    }
    req.audit(audit.action, audit.what).then(() => {
      // Inside a promise callback a throw would be an unhandled rejection: hand it to Fastify.
      let checked: unknown;
      try {
        checked = afterChecks(req, reply, payload);
      } catch (err) {
        done(err as Error);
        return;
      }
      done(null, checked);
    }, done);
  });
  /** The audit entry a successful format write still owes (its handler wrote none itself). */
  function auditDue(
    req: FastifyRequest,
    reply: FastifyReply,
  ): { action: string; what: AuditWhat } | undefined {
    const permission = req.routeOptions.config?.permission;
    const marks = req as unknown as Marks;
    const auditAs = permission && AUDIT_OF[permission];
    if (
      reply.statusCode >= 400 ||
      !auditAs ||
      marks[AUDITED] ||
      typeof marks[WROTE_TO] !== 'string' ||
      req.method === 'PATCH' ||
      reply.statusCode === 202
    )
      return undefined;
    return {
      action: auditAs,
      what: {
        repo: marks[WROTE_TO],
        path: safeDecode(req.url.split('?')[0] ?? ''),
        details: { method: req.method, status: reply.statusCode },
      },
    };
  }
  function afterChecks(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    const checked = failClosed(req, reply, payload);
    // Every response, whichever route or format answered it: nosniff, the sandbox CSP, active
    // types as attachments, names in headers encoded (see internal/serving.ts).
    setServingHeaders(req, reply);
    // Conditional GET/HEAD for every answer that carries an ETag or Last-Modified.
    return answerNotModified(req, reply, checked);
  }
  // Fail closed: a route that needs a repository or build permission and answered success
  // without checking one (a forgotten `req.authorize`) answers 500 instead of leaking.
  function failClosed(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    const permission = req.routeOptions.config?.permission;
    if (
      reply.statusCode >= 400 ||
      !permission ||
      !(permission.startsWith('repo:') || permission.startsWith('build:')) ||
      (req as unknown as Marks)[AUTHORIZED]
    )
      return payload;
    req.log.error(
      { route: req.routeOptions.url, permission },
      'route answered without authorizing',
    );
    if (payload && typeof (payload as { destroy?: unknown }).destroy === 'function')
      (payload as { destroy(): void }).destroy();
    const err = new HttpError(
      'ERR_INTERNAL',
      'the server failed to check permissions for this request',
    );
    reply
      .code(500)
      .header('content-type', 'application/json; charset=utf-8')
      .removeHeader('content-length');
    return JSON.stringify(errorBody(err));
  }
  // A callback hook: it has nothing to wait for (an async one cost a promise per answer).
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    const sock = req.raw.socket as Socket | null;
    const marks = req as unknown as Marks;
    const readAt = marks[READ_AT] as number;
    let bytes: { bytesIn: number; bytesOut: number } | undefined;
    if (sock && readAt >= 0) {
      // A body that arrived with the headers was read before onRequest: its length counts.
      const declared = Number(req.headers['content-length'] ?? 0) || 0;
      bytes = {
        bytesIn: Math.max(declared, sock.bytesRead - readAt),
        bytesOut: Math.max(0, sock.bytesWritten - (marks[WRITTEN_AT] as number)),
      };
    }
    metrics.observeRequest(req.method, route, status, seconds, bytes);
    req.log.info(
      {
        method: req.method,
        url: req.url,
        route,
        status,
        principal: req.principal?.user ?? 'anonymous',
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        bytesIn: bytes?.bytesIn ?? 0,
        bytesOut: bytes?.bytesOut ?? 0,
      },
      'request completed',
    );
    done();
  });

  if (opts.config.metrics.enabled) {
    const anonymous = opts.config.metrics.anonymous;
    app.get(
      '/metrics',
      { config: { permission: anonymous ? 'public' : 'admin' } },
      async (req, reply) => {
        const text = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  }

  app.setErrorHandler((err, req, reply) => {
    // A full disk, however deep it surfaced (a blob write, an upload session, SQLite): 507, and
    // the log names the errno so an operator finds it. Whatever was staged is already removed.
    const full = diskFullCode(err);
    if (full) {
      const e =
        err instanceof HttpError && err.code === 'ERR_STORAGE_FULL' ? err : storageFull(err, full);
      req.log.error({ err, code: full, url: req.url }, `disk full (${full}): ${e.message}`);
      return reply.code(e.status).send(errorBody(e));
    }
    if (err instanceof HttpError) {
      if (err.status >= 500) req.log.error({ err }, err.message);
      else req.log.info({ code: err.code, status: err.status }, err.message);
      // A streamed answer that failed before its first byte may have set another type.
      return reply
        .code(err.status)
        .type('application/json; charset=utf-8')
        .removeHeader('content-length')
        .headers(err.headers)
        .send(errorBody(err));
    }
    if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const key = req.routeOptions.config.limitKey ?? 'jsonBytes';
      const tooLarge = bodyTooLarge(
        limits[key],
        key,
        req.method,
        req.routeOptions.url ?? req.url.split('?')[0] ?? '',
      );
      req.log.info({ code: tooLarge.code, limit: limits[key] }, tooLarge.message);
      return reply.code(413).send(errorBody(tooLarge));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own 4xx (body too large, bad content type, malformed URL): keep its status.
      const message = (err as Error).message;
      return reply.code(status).send({ errors: [{ status, code: 'ERR_BODY_INVALID', message }] });
    }
    req.log.error({ err }, 'unhandled error');
    const internal = new HttpError('ERR_INTERNAL', 'the server failed to handle the request');
    return reply.code(500).send(errorBody(internal));
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const err = path.startsWith('/api/')
      ? new HttpError('ERR_API_UNKNOWN', `unknown API: ${req.method} ${path}`)
      : new HttpError('ERR_NOT_FOUND', `no route for ${req.method} ${path}`);
    return reply.code(404).send(errorBody(err));
  });

  // The REST API takes its bodies as text; each handler parses and validates its JSON.
  await app.register(async (api) => {
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
      try {
        // AQL is not JSON: its parser has its own depth and size caps (internal/aql.ts).
        if (req.routeOptions.url !== '/api/search/aql')
          checkJsonDepth(body as string, limits.jsonDepth);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      done(null, body);
    });
    await api.register(systemRoutes);
    await api.register(storageRoutes);
    await api.register(searchRoutes);
    await api.register(buildRoutes);
    await api.register(analyticsRoutes);
    await api.register(securityRoutes);
    await api.register(oidcRoutes);
  });
  for (const format of FORMATS) if (format.routes) await app.register(format.routes);
  await app.register(uiRoutes);
  await app.register(genericRoutes);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
