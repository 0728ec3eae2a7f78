/**
 * Local stand-ins for what cannot run here, following the published contracts: GitHub's REST API
 * (deployments, deployment statuses, issue comments, workflow dispatches) and the Actions cache
 * service v2 that @actions/cache speaks (Twirp JSON at ACTIONS_RESULTS_URL, plus the signed blob
 * URLs it hands out: a PUT of the archive, a GET to download it), and the runner's OIDC ID-token
 * service (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN) with the issuer's discovery document and JWKS.
 * Every request is recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Stub {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: Recorded, base: string) => Reply | undefined | Promise<Reply | undefined>;

async function serve(handler: Handler): Promise<Stub> {
  const requests: Recorded[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('latin1'),
      };
      requests.push(rec);
      void Promise.resolve(handler(rec, base)).then(
        (reply) => {
          const out = reply ?? { status: 404, body: { message: 'Not Found' } };
          const raw =
            out.body === undefined
              ? ''
              : Buffer.isBuffer(out.body)
                ? out.body
                : typeof out.body === 'string'
                  ? out.body
                  : JSON.stringify(out.body);
          res.writeHead(out.status, {
            ...(typeof out.body === 'object' && !Buffer.isBuffer(out.body)
              ? { 'content-type': 'application/json' }
              : {}),
            ...out.headers,
          });
          res.end(raw);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Comment {
  id: number;
  body: string;
  html_url: string;
}

/** One review of a run's environment (GET /repos/{o}/{r}/actions/runs/{id}/approvals). */
export interface RunApproval {
  environments: { id: number; name: string }[];
  state: 'approved' | 'rejected';
  user: { login: string; id: number };
  comment: string;
}

/**
 * GitHub's REST API: just the calls the actions and the CLI make. `approvals` holds the
 * environment reviews of a run, by run id; a dispatch with `return_run_details` answers 200 with
 * the new run's id and URLs (as GitHub's REST docs for workflow dispatch describe), else 204.
 */
export async function githubStub(): Promise<
  Stub & { comments: Map<number, Comment[]>; approvals: Map<number, RunApproval[]> }
> {
  let id = 100;
  const comments = new Map<number, Comment[]>();
  const approvals = new Map<number, RunApproval[]>();
  const stub = await serve((req, base) => {
    const path = req.path.split('?')[0] ?? '';
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    let m = /^\/repos\/([^/]+)\/([^/]+)\/deployments$/.exec(path);
    if (m && req.method === 'POST') {
      return { status: 201, body: { id: ++id, ref: body.ref, environment: body.environment } };
    }
    m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(path);
    if (m && req.method === 'POST') {
      return { status: 201, body: { id: ++id, state: body.state } };
    }
    m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path);
    if (m) {
      const list = comments.get(Number(m[1])) ?? [];
      comments.set(Number(m[1]), list);
      if (req.method === 'GET') return { status: 200, body: list };
      if (req.method === 'POST') {
        const c = {
          id: ++id,
          body: String(body.body),
          html_url: `https://github.com/acme/reports/pull/${m[1]}#issuecomment-${id}`,
        };
        list.push(c);
        return { status: 201, body: c };
      }
    }
    m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
    if (m && req.method === 'PATCH') {
      for (const list of comments.values()) {
        const c = list.find((x) => x.id === Number(m?.[1]));
        if (c) {
          c.body = String(body.body);
          return { status: 200, body: c };
        }
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/[^/]+\/dispatches$/.exec(path);
    if (m && req.method === 'POST') {
      if (body.return_run_details !== true) return { status: 204 };
      const run = ++id;
      return {
        status: 200,
        body: {
          workflow_run_id: run,
          run_url: `${base}/repos/${m[1]}/${m[2]}/actions/runs/${run}`,
          html_url: `https://github.com/${m[1]}/${m[2]}/actions/runs/${run}`,
        },
      };
    }
    m = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/approvals$/.exec(path);
    if (m && req.method === 'GET') return { status: 200, body: approvals.get(Number(m[1])) ?? [] };
    return undefined;
  });
  return Object.assign(stub, { comments, approvals });
}

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/';

/** The Actions cache service v2 (what @actions/cache uses with ACTIONS_CACHE_SERVICE_V2). */
export async function cacheStub(): Promise<Stub & { entries: Map<string, Buffer> }> {
  const entries = new Map<string, Buffer>();
  const pending = new Map<string, Buffer>();
  const stub = await serve((req, base): Reply | undefined => {
    const path = req.path.split('?')[0] ?? '';
    if (path.startsWith(TWIRP) && req.method === 'POST') {
      const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
      const method = path.slice(TWIRP.length);
      const key = String(body.key ?? '');
      if (method === 'GetCacheEntryDownloadURL') {
        const restore = (body.restoreKeys ?? body.restore_keys ?? []) as string[];
        const hit = entries.has(key)
          ? key
          : [...entries.keys()].reverse().find((k) => restore.some((p) => k.startsWith(p)));
        if (!hit) return { status: 200, body: { ok: false } };
        return {
          status: 200,
          body: {
            ok: true,
            signedDownloadUrl: `${base}/blob/${encodeURIComponent(hit)}`,
            matchedKey: hit,
          },
        };
      }
      if (method === 'CreateCacheEntry') {
        if (entries.has(key)) return { status: 409, body: { code: 'already_exists', msg: key } };
        return {
          status: 200,
          body: { ok: true, signedUploadUrl: `${base}/blob/${encodeURIComponent(key)}?sig=x` },
        };
      }
      if (method === 'FinalizeCacheEntryUpload') {
        const blob = pending.get(key);
        if (!blob) return { status: 200, body: { ok: false, message: 'nothing uploaded' } };
        entries.set(key, blob);
        return { status: 200, body: { ok: true, entryId: String(entries.size) } };
      }
    }
    const blob = /^\/blob\/([^/]+)$/.exec(path);
    if (blob?.[1]) {
      const key = decodeURIComponent(blob[1]);
      if (req.method === 'PUT') {
        pending.set(key, Buffer.from(req.body, 'latin1'));
        return {
          status: 201,
          headers: {
            etag: '"0x1"',
            'last-modified': new Date().toUTCString(),
            'x-ms-request-id': 'stub',
            'x-ms-version': '2025-01-05',
            'x-ms-request-server-encrypted': 'true',
          },
        };
      }
      if (req.method === 'GET') {
        const data = entries.get(key);
        if (!data) return { status: 404 };
        return {
          status: 200,
          body: data,
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(data.length),
          },
        };
      }
    }
    return undefined;
  });
  return Object.assign(stub, { entries });
}

/**
 * GitHub's OIDC for Actions, as the runner and @actions/core's getIDToken() use it: GET
 * `ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with `Authorization: Bearer
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN` answers `{ value: <ID token> }`; the stub is also the issuer,
 * serving `/.well-known/openid-configuration` and its JWKS, and signs (RS256, a jose test key)
 * the claims GitHub documents. `claims` sets what the next tokens say (environment, ref, …).
 */
export async function oidcStub(
  requestToken: string,
): Promise<Stub & { requestUrl: string; claims: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'stub-1', alg: 'RS256', use: 'sig' };
  const claims: Record<string, unknown> = {};
  const stub = await serve(async (req, base): Promise<Reply | undefined> => {
    const url = new URL(req.path, base);
    if (url.pathname === '/.well-known/openid-configuration')
      return { status: 200, body: { issuer: base, jwks_uri: `${base}/.well-known/jwks` } };
    if (url.pathname === '/.well-known/jwks') return { status: 200, body: { keys: [jwk] } };
    if (url.pathname !== '/idtoken' || req.method !== 'GET') return undefined;
    if (req.headers.authorization !== `Bearer ${requestToken}`)
      return { status: 401, body: { message: 'Bad credentials' } };
    const repository = String(claims.repository ?? 'acme/reports');
    const ref = String(claims.ref ?? 'refs/heads/main');
    const now = Math.floor(Date.now() / 1000);
    const environment = claims.environment;
    const payload = {
      jti: randomUUID(),
      sub:
        environment !== undefined
          ? `repo:${repository}:environment:${String(environment)}`
          : `repo:${repository}:ref:${ref}`,
      aud: url.searchParams.get('audience') ?? `https://github.com/${repository.split('/')[0]}`,
      ref,
      sha: 'a'.repeat(40),
      repository,
      repository_owner: repository.split('/')[0],
      repository_owner_id: '4242',
      run_id: '1000',
      run_number: '1',
      run_attempt: '1',
      actor: 'octocat',
      workflow: 'nightly-report',
      job_workflow_ref: `${repository}/.github/workflows/nightly-report.yml@${ref}`,
      event_name: 'schedule',
      ref_type: 'branch',
      iss: base,
      nbf: now - 5,
      iat: now - 5,
      exp: now + 300,
      ...claims,
    };
    const value = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'stub-1', typ: 'JWT' })
      .sign(privateKey);
    return { status: 200, body: { count: 1, value } };
  });
  return Object.assign(stub, { requestUrl: `${stub.url}/idtoken?api-version=2.0`, claims });
}
