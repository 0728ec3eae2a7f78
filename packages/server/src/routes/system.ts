import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import { validateRepoConfig, ConfigError, keepMaskedSecrets, redactRepoConfig } from '../config.ts';
import { parseJson, baseUrl } from '../internal/http.ts';
import type { RepoConfig } from '../internal/metastore.ts';
import { VERSION } from '../version.ts';

/** Artifactory's label for a repository class. */
const TYPE_LABEL = { local: 'LOCAL', remote: 'REMOTE', virtual: 'VIRTUAL' } as const;

export async function systemRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/system/ping', { config: { permission: 'public' } }, async (_req, reply) =>
    reply.type('text/plain').send('OK'),
  );

  // Readiness for a load balancer or an orchestrator: the metadata store answers a query and
  // the blob store takes a write. Public, and it names no host, path or error detail (those
  // go to the log).
  app.get('/api/system/health', { config: { permission: 'public' } }, async (req, reply) => {
    const svc = app.stowage;
    const checks = {
      metadata: await check(() => svc.meta.ping()),
      blobs: await check(async () => {
        const staged = await svc.blobs.stage(Readable.from([Buffer.from('health')]));
        await staged.discard();
        await svc.blobs.check?.();
      }),
    };
    const failed = Object.entries(checks).filter(([, c]) => c.status !== 'ok');
    for (const [name, c] of failed)
      req.log.error({ err: c.error, check: name }, `health check "${name}" failed`);
    const body = {
      status: failed.length ? 'unavailable' : 'ok',
      checks: Object.fromEntries(
        Object.entries(checks).map(([name, c]) => [
          name,
          { status: c.status, ms: c.ms, ...(c.status === 'ok' ? {} : { message: MESSAGES[name] }) },
        ]),
      ),
    };
    return reply
      .code(failed.length ? 503 : 200)
      .header('cache-control', 'no-store')
      .send(body);
  });

  // Anyone with credentials, or anonymous when anonymous read is on.
  const known = async (req: FastifyRequest): Promise<void> => {
    if (!req.principal.authenticated && !app.stowage.config.auth.anonymousRead)
      await req.authorize('authenticated');
  };

  app.get('/api/system/version', { config: { permission: 'public' } }, async (req) => {
    await known(req);
    return {
      version: VERSION,
      revision: VERSION,
      addons: [],
      license: 'Apache-2.0',
      server: 'stowage',
    };
  });

  app.get('/api/stowage/v1/stages', { config: { permission: 'public' } }, async (req) => {
    await known(req);
    return { stages: app.stowage.stages };
  });

  // Lists the repositories the principal may read (Artifactory lists only those too).
  app.get('/api/repositories', { config: { permission: 'public' } }, async (req) => {
    await app.stowage.auth.requireListable(req.principal, 'repo');
    const q = req.query as Record<string, string | undefined>;
    const base = baseUrl(req);
    const readable = [];
    for (const r of await app.stowage.meta.listRepos())
      if (await req.may('repo:read', r.key)) readable.push(r);
    return readable
      .filter((r) => !q.type || r.rclass === q.type.toLowerCase())
      .filter((r) => !q.packageType || r.packageType === q.packageType.toLowerCase())
      .map((r) => ({
        key: r.key,
        type: TYPE_LABEL[r.rclass],
        description: r.description ?? '',
        url: `${base}/${r.key}`,
        packageType: r.packageType.charAt(0).toUpperCase() + r.packageType.slice(1),
      }));
  });

  app.get('/api/repositories/:key', { config: { permission: 'repo:read' } }, async (req) => {
    const key = (req.params as { key: string }).key;
    await req.authorize('repo:read', key);
    return redactRepoConfig(await app.stowage.repo(key));
  });

  const save = async (
    key: string,
    body: unknown,
    mode: 'create' | 'update',
  ): Promise<RepoConfig> => {
    const svc = app.stowage;
    const existing = await svc.meta.getRepo(key);
    if (mode === 'create' && existing) {
      throw new HttpError('ERR_REPO_EXISTS', `repository "${key}" already exists`, {
        hint: `update it with POST /api/repositories/${key}`,
      });
    }
    if (mode === 'update' && !existing) await svc.repo(key);
    const input = {
      ...(existing ?? {}),
      ...keepMaskedSecrets(body as Record<string, unknown>, existing),
      key,
    };
    let cfg: RepoConfig;
    try {
      cfg = validateRepoConfig(input, `repository "${key}"`);
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError('ERR_REPO_INVALID', err.message);
      throw err;
    }
    if (existing && existing.rclass !== cfg.rclass) {
      throw new HttpError(
        'ERR_REPO_INVALID',
        `repository "${key}" is ${existing.rclass}; its class cannot change`,
      );
    }
    await svc.meta.putRepo(cfg);
    return cfg;
  };

  app.put('/api/repositories/:key', { config: { permission: 'admin' } }, async (req, reply) => {
    const key = (req.params as { key: string }).key;
    const body = parseJson(req.body, 'ERR_BODY_INVALID', 'repository configuration');
    const cfg = await save(key, body, 'create');
    req.log.info({ repo: key }, 'repository created');
    await req.audit('repository.create', { repo: key, details: { config: redactRepoConfig(cfg) } });
    return reply.code(201).send(redactRepoConfig(cfg));
  });

  // Changing a repository's configuration needs "manage" on it.
  app.post('/api/repositories/:key', { config: { permission: 'repo:manage' } }, async (req) => {
    const key = (req.params as { key: string }).key;
    await req.authorize('repo:manage', key);
    const body = parseJson(req.body, 'ERR_BODY_INVALID', 'repository configuration');
    const cfg = await save(key, body, 'update');
    await req.audit('repository.update', { repo: key, details: { config: redactRepoConfig(cfg) } });
    return redactRepoConfig(cfg);
  });

  // Blob garbage collection: unreferenced blobs past the grace period (gc.graceSec).
  app.post('/api/stowage/v1/gc', { config: { permission: 'admin' } }, async (req) => {
    const out = await app.stowage.runGarbageCollection();
    req.log.info(out, 'garbage collection run');
    return { ...out, graceSec: app.stowage.config.gc.graceSec };
  });

  app.delete('/api/repositories/:key', { config: { permission: 'admin' } }, async (req, reply) => {
    const svc = app.stowage;
    const key = (req.params as { key: string }).key;
    await svc.repo(key);
    const stage = svc.stages.find((s) => s.repo === key);
    if (stage) {
      throw new HttpError(
        'ERR_REPO_INVALID',
        `repository "${key}" holds the "${stage.name}" stage`,
        {
          hint: 'change the stages in the server config first',
        },
      );
    }
    const digests = await svc.meta.deleteRepo(key);
    await svc.collectGarbage(digests);
    req.log.info({ repo: key }, 'repository deleted');
    await req.audit('repository.delete', { repo: key });
    return reply.code(204).send();
  });
}

/** How long a health check may take before it counts as failed. */
const HEALTH_TIMEOUT_MS = 5000;

const MESSAGES: Record<string, string> = {
  metadata: 'the metadata store does not answer; see the server log',
  blobs: 'the blob store does not take writes; see the server log',
};

async function check(
  fn: () => Promise<void>,
): Promise<{ status: 'ok' | 'failed'; ms: number; error?: unknown }> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
          HEALTH_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'ok', ms: Math.round(performance.now() - start) };
  } catch (error) {
    return { status: 'failed', ms: Math.round(performance.now() - start), error };
  } finally {
    clearTimeout(timer);
  }
}
