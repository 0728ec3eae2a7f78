/**
 * A scriptable "hostile upstream" for the remote-repository probes: a real HTTP server on
 * 127.0.0.1 whose answers each test sets per path, recording every request it gets (with its
 * Authorization header). A second instance on another port stands for an internal service a
 * remote must never be sent to.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type UpstreamOptions } from '@stowage/server';

export type Handler = (req: IncomingMessage, res: ServerResponse, upstream: Upstream) => void;

export interface Hit {
  path: string;
  authorization: string | undefined;
}

export class Upstream {
  readonly hits: Hit[] = [];
  readonly routes = new Map<string, Handler>();
  /** Answers every path no route names; 404 by default. */
  fallback: Handler = (_req, res) => void res.writeHead(404).end('not here');
  /** When set, requests without exactly this Authorization get 401 with this challenge. */
  requireAuth: { header: string; challenge: string } | undefined;
  #server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
      this.hits.push({ path, authorization: req.headers.authorization });
      if (this.requireAuth && req.headers.authorization !== this.requireAuth.header) {
        res.writeHead(401, { 'www-authenticate': this.requireAuth.challenge }).end('who are you');
        return;
      }
      (this.routes.get(path) ?? this.fallback)(req, res, this);
    });
    await new Promise<void>((r) => this.#server?.listen(0, '127.0.0.1', r));
    const addr = this.#server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  on(path: string, h: Handler): void {
    this.routes.set(path, h);
  }

  /** Serves `body` at `path`. */
  file(path: string, body: string | Buffer, type = 'application/octet-stream'): void {
    this.on(path, (_req, res) => void res.writeHead(200, { 'content-type': type }).end(body));
  }

  json(path: string, doc: unknown): void {
    this.file(path, JSON.stringify(doc), 'application/json');
  }

  hitsOf(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((r) => this.#server?.close(r));
  }
}

export const hex = (alg: string, data: string | Buffer): string =>
  createHash(alg).update(data).digest('hex');
export const b64 = (alg: string, data: string | Buffer): string =>
  createHash(alg).update(data).digest('base64');

export interface Stowage {
  server: RunningServer;
  url: string;
  auth: Record<string, string>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** The error code of a JSON error answer. */
  code(res: Response): Promise<{ code: string | undefined; message: string }>;
  close(): Promise<void>;
}

/** A real Stowage server on 127.0.0.1 with the given repositories. */
export async function startStowage(
  repositories: unknown[],
  extra: { env?: Record<string, string>; upstream?: UpstreamOptions; anonymousRead?: boolean } = {},
): Promise<Stowage> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-security-remote-'));
  const server = await startServer({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    logger: false,
    config: {
      auth: { anonymousRead: extra.anonymousRead === true },
      repositories: [{ key: 'generic-staging' }, ...repositories],
      stages: [{ name: 'staged', repo: 'generic-staging' }],
    },
    upstream: { cooldownMs: 0, retryDelayMs: 10, ...extra.upstream },
    ...(extra.env ? { env: extra.env } : {}),
  });
  const auth = { authorization: `Bearer ${server.adminToken}` };
  return {
    server,
    url: server.url,
    auth,
    get: (path, headers = {}) =>
      fetch(`${server.url}${path}`, { headers: { ...auth, ...headers } }),
    code: async (res) => {
      const text = await res.text();
      try {
        const e = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] })
          .errors?.[0];
        return { code: e?.code, message: e?.message ?? text };
      } catch {
        return { code: undefined, message: text };
      }
    },
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
