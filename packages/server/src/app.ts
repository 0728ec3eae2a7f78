import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { HttpError, diskFullCode, errorBody, storageFull } from './errors.ts';
import { bodyTooLarge, checkJsonDepth } from './internal/http.ts';
import type { ServerConfig } from './config.ts';
import { Authenticator, type Principal } from './internal/auth.ts';
import type { BlobStore } from './internal/blobstore.ts';
import type { MetaStore } from './internal/metastore.ts';
import { Services } from './internal/services.ts';
import { Resolver } from './internal/resolver.ts';
import { UpstreamClient, type UpstreamOptions } from './internal/upstream.ts';
import { genericRoutes } from './routes/generic.ts';
import { FORMATS } from './formats/index.ts';
import { storageRoutes } from './routes/storage.ts';
import { buildRoutes } from './routes/builds.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { systemRoutes } from './routes/system.ts';
import { uiRoutes } from './ui/ui.ts';

declare module 'fastify' {
  interface FastifyInstance {
    stowage: Services;
  }
  interface FastifyContextConfig {
    /** Which `limits.*` key sets this route's body limit (named in a 413). */
    limitKey?: 'buildInfoBytes' | 'jsonBytes' | 'npmPublishBytes';
  }
  interface FastifyRequest {
    principal: Principal;
    /** Throws unless anonymous read is on or the request carries a valid token. */
    requireRead(): Principal;
    /** Throws unless the request carries a valid token. */
    requireWrite(): Principal;
    requireAdmin(): Principal;
  }
}

export interface AppOptions {
  config: ServerConfig;
  blobs: BlobStore;
  meta: MetaStore;
  adminToken: string;
  logger?: FastifyServerOptions['logger'];
  /** How remote repositories reach their upstreams (timeouts, retries, cool-down). */
  upstream?: UpstreamOptions;
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
  });
  const limits = opts.config.limits;
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    let key: 'buildInfoBytes' | 'jsonBytes' | 'npmPublishBytes' = 'jsonBytes';
    if (route.url === '/api/build' && methods.includes('PUT')) key = 'buildInfoBytes';
    else if (route.url.startsWith('/api/npm/')) key = 'npmPublishBytes';
    route.bodyLimit = limits[key];
    route.config = { ...(route.config ?? {}), limitKey: key };
  });
  const services = new Services({
    blobs: opts.blobs,
    meta: opts.meta,
    config: opts.config,
    auth: new Authenticator(opts.adminToken, opts.meta),
    log: app.log,
  });
  const upstream = new UpstreamClient(opts.upstream);
  services.resolver = new Resolver(services, upstream);
  app.addHook('onClose', async () => upstream.close());
  app.decorate('stowage', services);
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('requireRead', function (this: { principal: Principal }) {
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
  app.decorateRequest('requireWrite', function (this: { principal: Principal }) {
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

  app.addHook('onRequest', async (req) => {
    req.principal = await services.auth.authenticate(req.headers);
  });

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
      return reply.code(err.status).headers(err.headers).send(errorBody(err));
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
    const err = new HttpError(
      'ERR_NOT_FOUND',
      `no route for ${req.method} ${req.url.split('?')[0]}`,
    );
    return reply.code(404).send(errorBody(err));
  });

  // The REST API takes its bodies as text; each handler parses and validates its JSON.
  await app.register(async (api) => {
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
      try {
        checkJsonDepth(body as string, limits.jsonDepth);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      done(null, body);
    });
    await api.register(systemRoutes);
    await api.register(storageRoutes);
    await api.register(buildRoutes);
    await api.register(analyticsRoutes);
  });
  for (const format of FORMATS) if (format.routes) await app.register(format.routes);
  await app.register(uiRoutes);
  await app.register(genericRoutes);
  return app;
}
