/**
 * `POST /access/api/v1/oidc/token`: JFrog's OIDC token exchange (the call setup-jfrog-cli and
 * `jf eot` make). A CI job sends its ID token and the provider's name; it gets a short-lived
 * token scoped by the identity mapping its claims match. No credentials are needed: the ID
 * token is the credential.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.ts';
import { OidcExchange } from '../internal/oidc.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPES = new Set([
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:jwt',
]);
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** An ID token is a few kilobytes; anything much larger is not one. */
const MAX_SUBJECT_TOKEN = 16 * 1024;

/** The request's fields, from a JSON or a form (application/x-www-form-urlencoded) body. */
function fields(body: unknown, contentType: string | undefined): Record<string, unknown> {
  const text = typeof body === 'string' ? body : '';
  if (text.trim() === '')
    throw new HttpError('ERR_OIDC_REQUEST_INVALID', 'the token exchange request has no body');
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HttpError(
      'ERR_OIDC_REQUEST_INVALID',
      'the token exchange request is neither JSON nor a form (application/x-www-form-urlencoded)',
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new HttpError(
      'ERR_OIDC_REQUEST_INVALID',
      'the token exchange request must be a JSON object',
    );
  return doc as Record<string, unknown>;
}

function field(f: Record<string, unknown>, name: string): string {
  const v = f[name];
  if (typeof v !== 'string' || v === '')
    throw new HttpError('ERR_OIDC_REQUEST_INVALID', `the token exchange request lacks ${name}`);
  return v;
}

export async function oidcRoutes(app: FastifyInstance): Promise<void> {
  const svc = app.stowage;
  const exchange = svc.config.oidc
    ? new OidcExchange(svc.config.oidc, { meta: svc.meta, auth: svc.auth, log: app.log })
    : undefined;

  app.post(
    '/access/api/v1/oidc/token',
    // Anyone may call it: bodies are kept small (an ID token is a few kilobytes).
    { config: { permission: 'public' }, bodyLimit: 64 * 1024 },
    async (req, reply) => {
      if (!exchange || svc.config.oidc?.providers.length === 0)
        throw new HttpError('ERR_OIDC_NOT_CONFIGURED', 'this server has no OIDC providers');
      const f = fields(req.body, req.headers['content-type']);
      const grant = field(f, 'grant_type');
      if (grant !== TOKEN_EXCHANGE_GRANT)
        throw new HttpError(
          'ERR_OIDC_REQUEST_INVALID',
          `grant_type ${JSON.stringify(grant.slice(0, 80))} is not supported`,
        );
      const type = field(f, 'subject_token_type');
      if (!ID_TOKEN_TYPES.has(type))
        throw new HttpError(
          'ERR_OIDC_REQUEST_INVALID',
          `subject_token_type ${JSON.stringify(type.slice(0, 80))} is not supported`,
        );
      const provider = field(f, 'provider_name');
      const subject = field(f, 'subject_token');
      if (subject.length > MAX_SUBJECT_TOKEN)
        throw new HttpError(
          'ERR_OIDC_REQUEST_INVALID',
          `subject_token is longer than ${MAX_SUBJECT_TOKEN} characters: it is not an ID token`,
        );
      const out = await exchange.exchange(provider, subject);
      return reply.header('cache-control', 'no-store').send({
        access_token: out.token,
        token_type: 'Bearer',
        expires_in: out.expiresIn,
        scope: out.scopes.join(' '),
        issued_token_type: ACCESS_TOKEN_TYPE,
        username: out.user,
        token_id: out.id,
      });
    },
  );
}
