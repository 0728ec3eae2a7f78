import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { HttpError, errorBody } from './errors.ts';
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
import { Metrics } from './internal/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    stowage: Services;
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

/** Largest JSON document the API accepts (a big build-info). */
const API_BODY_LIMIT = 64 * 1024 * 1024;

/** Builds the Fastify application; listening is the caller's business (see startServer). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Matrix parameters (`;k=v`) belong to the path here, not to the query.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 2048 },
    bodyLimit: API_BODY_LIMIT,
    return503OnClosing: true,
    // One line per request, written in onResponse with the route, principal and duration.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const metrics = new Metrics(opts.meta);
  const services = new Services({
    metrics,
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

  // Bytes in and out are what the connection carried while the request was handled.
  const started = new WeakMap<object, { read: number; written: number }>();
  app.addHook('onRequest', async (req) => {
    const sock = req.raw.socket;
    started.set(req, { read: sock?.bytesRead ?? 0, written: sock?.bytesWritten ?? 0 });
    req.principal = await services.auth.authenticate(req.headers);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    metrics.requests.inc({ method: req.method, route, status: String(status) });
    metrics.duration.observe({ method: req.method, route }, seconds);
    const sock = req.raw.socket;
    const at = started.get(req);
    let bytesIn = 0;
    let bytesOut = 0;
    if (sock && at) {
      // A body that arrived with the headers was read before onRequest: its length counts.
      const declared = Number(req.headers['content-length'] ?? 0) || 0;
      bytesIn = Math.max(declared, sock.bytesRead - at.read);
      bytesOut = Math.max(0, sock.bytesWritten - at.written);
      metrics.bytesIn.inc({ route }, bytesIn);
      metrics.bytesOut.inc({ route }, bytesOut);
    }
    req.log.info(
      {
        method: req.method,
        url: req.url,
        route,
        status,
        principal: req.principal?.user ?? 'anonymous',
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        bytesIn,
        bytesOut,
      },
      'request completed',
    );
  });

  if (opts.config.metrics.enabled) {
    const anonymous = opts.config.metrics.anonymous;
    app.get(
      '/metrics',
      { config: { permission: anonymous ? 'public' : 'admin' } },
      async (req, reply) => {
        if (!anonymous) req.requireAdmin();
        const text = await metrics.registry.metrics();
        return reply.type(metrics.registry.contentType).send(text);
      },
    );
  }

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) {
      if (err.status >= 500) req.log.error({ err }, err.message);
      else req.log.info({ code: err.code, status: err.status }, err.message);
      return reply.code(err.status).headers(err.headers).send(errorBody(err));
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
    api.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: API_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
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
