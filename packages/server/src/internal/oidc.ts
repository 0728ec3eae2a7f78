/**
 * OIDC token exchange: a CI job's ID token (GitHub Actions, or any OIDC issuer) is verified
 * against its provider (signature through the provider's JWKS, issuer, audience, expiry,
 * not-before, one use per `jti`) and exchanged for a short-lived Stowage token whose scopes come
 * from the most specific identity mapping that matches the token's claims.
 */
import { createHash } from 'node:crypto';
import type * as Jose from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { FastifyBaseLogger } from 'fastify';
import { HttpError } from '../errors.ts';
import type { Authenticator } from './auth.ts';
import type { MetaStore } from './metastore.ts';

/** GitHub Actions' issuer; mappings for it must pin the repository or its owner. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** Claims that tie a GitHub ID token to one repository or owner (a mapping must pin one). */
const GITHUB_BIND_CLAIMS = [
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'sub',
];

/** Signature algorithms a provider may use: asymmetric only (no `none`, no HS*). */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'] as const;

export const OIDC_DEFAULTS = {
  /** Lifetime of a minted token, seconds. */
  tokenTtl: 900,
  /** Clock skew accepted on exp/nbf/iat, seconds. */
  clockTolerance: 30,
  /** Bound on each discovery or JWKS fetch, seconds. */
  fetchTimeout: 5,
  algorithms: ['RS256', 'ES256'],
} as const;

export interface OidcProviderConfig {
  name: string;
  issuer: string;
  /** Accepted `aud` values (any one must be in the token). */
  audience: string[];
  /** Where the keys are; default: `jwks_uri` of the issuer's /.well-known/openid-configuration. */
  jwksUrl?: string;
  /** Seconds a minted token lives (upper bound for every mapping). */
  tokenTtl: number;
  clockTolerance: number;
  fetchTimeout: number;
  algorithms: string[];
  /** Every mapping of this provider must pin one of these claims to a value not starting with `*`. */
  bindClaims: string[];
}

export interface OidcMapping {
  provider: string;
  name: string;
  priority: number;
  /** Claim name → exact value or `*` pattern. Every listed claim must match. */
  claims: Record<string, string>;
  scopes: string[];
  /** The user the minted token acts for; default `oidc-<provider>-<name>`. */
  user?: string;
  /** Seconds, at most the provider's tokenTtl. */
  tokenTtl?: number;
}

export interface OidcConfig {
  providers: OidcProviderConfig[];
  mappings: OidcMapping[];
}

export class OidcConfigError extends Error {
  override name = 'OidcConfigError';
}

const SCOPE_REPO = /^repo:([^:\s]+):(read|annotate|deploy|delete|manage)$/;
const SCOPE_BUILD = /^build:([^:\s]+):(read|publish|delete|promote:[^:\s]+)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when `s` is a scope of CONTRACTS.md item 2 (`admin`, `repo:…`, `build:…`). */
export function isScope(s: string): boolean {
  return s === 'admin' || SCOPE_REPO.test(s) || SCOPE_BUILD.test(s);
}

const obj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function seconds(v: unknown, dflt: number, what: string, max = 86_400): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max)
    throw new OidcConfigError(`${what} must be a number of seconds between 1 and ${max}`);
  return v;
}

function httpUrl(v: unknown, what: string): string {
  if (typeof v !== 'string' || !/^https?:\/\/[^/]/.test(v))
    throw new OidcConfigError(`${what} must be an http(s) URL`);
  try {
    new URL(v);
  } catch {
    throw new OidcConfigError(`${what} must be an http(s) URL`);
  }
  return v;
}

function validateProvider(p: unknown, where: string): OidcProviderConfig {
  if (!obj(p)) throw new OidcConfigError(`${where} must be a mapping with name, issuer, audience`);
  if (typeof p.name !== 'string' || !NAME.test(p.name))
    throw new OidcConfigError(
      `${where}.name must be 1-64 letters, digits, ".", "_" or "-" (the provider_name clients send)`,
    );
  const at = `${where} ("${p.name}")`;
  const issuer = httpUrl(p.issuer, `${at} issuer`).replace(/\/+$/, '');
  const aud = typeof p.audience === 'string' ? [p.audience] : p.audience;
  if (
    !Array.isArray(aud) ||
    aud.length === 0 ||
    aud.some((a) => typeof a !== 'string' || a === '')
  ) {
    throw new OidcConfigError(
      `${at} audience must be the audience CI jobs request (a string or a list), e.g. the server's URL`,
    );
  }
  const out: OidcProviderConfig = {
    name: p.name,
    issuer,
    audience: aud as string[],
    tokenTtl: seconds(p.tokenTtl, OIDC_DEFAULTS.tokenTtl, `${at} tokenTtl`),
    clockTolerance: seconds(
      p.clockTolerance,
      OIDC_DEFAULTS.clockTolerance,
      `${at} clockTolerance`,
      300,
    ),
    fetchTimeout: seconds(p.fetchTimeout, OIDC_DEFAULTS.fetchTimeout, `${at} fetchTimeout`, 60),
    algorithms: [...OIDC_DEFAULTS.algorithms],
    bindClaims: issuer === GITHUB_ISSUER ? [...GITHUB_BIND_CLAIMS] : [],
  };
  if (p.jwksUrl !== undefined) out.jwksUrl = httpUrl(p.jwksUrl, `${at} jwksUrl`);
  if (p.algorithms !== undefined) {
    const allowed: readonly string[] = OIDC_ALGORITHMS;
    if (
      !Array.isArray(p.algorithms) ||
      p.algorithms.length === 0 ||
      p.algorithms.some((a) => typeof a !== 'string' || !allowed.includes(a))
    ) {
      throw new OidcConfigError(
        `${at} algorithms must be a list of ${OIDC_ALGORITHMS.join(', ')} (none and HS* are never accepted)`,
      );
    }
    out.algorithms = p.algorithms as string[];
  }
  if (p.bindClaims !== undefined) {
    if (!Array.isArray(p.bindClaims) || p.bindClaims.some((c) => typeof c !== 'string'))
      throw new OidcConfigError(`${at} bindClaims must be a list of claim names`);
    out.bindClaims = p.bindClaims as string[];
  }
  return out;
}

function validateMapping(
  m: unknown,
  where: string,
  providers: Map<string, OidcProviderConfig>,
): OidcMapping {
  if (!obj(m))
    throw new OidcConfigError(`${where} must be a mapping with provider, name, claims, scopes`);
  if (typeof m.name !== 'string' || !NAME.test(m.name))
    throw new OidcConfigError(`${where}.name must be 1-64 letters, digits, ".", "_" or "-"`);
  const at = `${where} ("${m.name}")`;
  const provider = typeof m.provider === 'string' ? providers.get(m.provider) : undefined;
  if (!provider)
    throw new OidcConfigError(
      `${at} provider must be one of oidc.providers (${[...providers.keys()].join(', ') || 'none defined'})`,
    );
  if (!obj(m.claims) || Object.keys(m.claims).length === 0)
    throw new OidcConfigError(
      `${at} claims must map claim names to values or * patterns, e.g. repository: acme/app`,
    );
  const claims: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.claims)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new OidcConfigError(`${at} claims.${k} must be a value or a * pattern`);
    claims[k] = String(v);
  }
  if (
    provider.bindClaims.length > 0 &&
    !provider.bindClaims.some((c) => claims[c] !== undefined && !claims[c].startsWith('*'))
  ) {
    throw new OidcConfigError(
      `${at} must pin one of ${provider.bindClaims.join(', ')} (any repository on ${provider.issuer} can request a token for this audience)`,
    );
  }
  if (
    !Array.isArray(m.scopes) ||
    m.scopes.length === 0 ||
    m.scopes.some((s) => typeof s !== 'string' || !isScope(s))
  ) {
    throw new OidcConfigError(
      `${at} scopes must be a non-empty list like repo:generic-staging:deploy, build:nightly-*:publish, build:*:promote:release`,
    );
  }
  if ((m.scopes as string[]).includes('admin'))
    throw new OidcConfigError(
      `${at} cannot grant admin to a CI job; list the repo:/build: actions it needs`,
    );
  const out: OidcMapping = {
    provider: provider.name,
    name: m.name,
    priority: 0,
    claims,
    scopes: m.scopes as string[],
  };
  if (m.priority !== undefined) {
    if (typeof m.priority !== 'number' || !Number.isInteger(m.priority))
      throw new OidcConfigError(`${at} priority must be an integer (higher wins a tie)`);
    out.priority = m.priority;
  }
  if (m.user !== undefined) {
    if (typeof m.user !== 'string' || !NAME.test(m.user))
      throw new OidcConfigError(`${at} user must be 1-64 letters, digits, ".", "_" or "-"`);
    out.user = m.user;
  }
  if (m.tokenTtl !== undefined)
    out.tokenTtl = seconds(m.tokenTtl, provider.tokenTtl, `${at} tokenTtl`, provider.tokenTtl);
  return out;
}

/** Checks the `oidc` section of the server config; throws a message that names the fix. */
export function validateOidcConfig(input: unknown, where: string): OidcConfig {
  if (!obj(input))
    throw new OidcConfigError(`${where} must be a mapping with providers and mappings`);
  if (!Array.isArray(input.providers))
    throw new OidcConfigError(`${where}.providers must be a list`);
  const providers = new Map<string, OidcProviderConfig>();
  input.providers.forEach((p, i) => {
    const v = validateProvider(p, `${where}.providers[${i}]`);
    if (providers.has(v.name))
      throw new OidcConfigError(`${where}.providers: "${v.name}" is defined twice`);
    providers.set(v.name, v);
  });
  const list = input.mappings ?? [];
  if (!Array.isArray(list)) throw new OidcConfigError(`${where}.mappings must be a list`);
  const mappings = list.map((m, i) => validateMapping(m, `${where}.mappings[${i}]`, providers));
  const seen = new Set<string>();
  for (const m of mappings) {
    const key = `${m.provider}/${m.name}`;
    if (seen.has(key))
      throw new OidcConfigError(
        `${where}.mappings: "${m.name}" of "${m.provider}" is defined twice`,
      );
    seen.add(key);
  }
  return { providers: [...providers.values()], mappings };
}

/**
 * `*` matches any run of characters (`/` included); everything else literally, case-sensitive.
 * Iterative, with one backtrack point: O(pattern × value), whatever the pattern (no RegExp, so
 * no catastrophic backtracking on long claim values).
 */
export function claimMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function claimValue(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A printable, bounded copy of a claim for messages and descriptions. */
function shown(v: string | undefined, max = 120): string {
  if (v === undefined) return '(absent)';
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

interface Candidate {
  mapping: OidcMapping;
  index: number;
  unmatched: string[];
}

export interface MatchResult {
  mapping: OidcMapping;
}

/**
 * The mapping for a verified token's claims: every claim of a mapping must match; the one with
 * the most claims wins, then the higher priority, then the one declared first. A
 * `pull_request_target` event only matches mappings that name that event explicitly.
 */
export function matchMapping(
  provider: string,
  mappings: OidcMapping[],
  payload: JWTPayload,
): MatchResult {
  const own = mappings.filter((m) => m.provider === provider);
  const candidates: Candidate[] = own.map((mapping, index) => ({
    mapping,
    index,
    unmatched: Object.entries(mapping.claims)
      .filter(([k, pattern]) => {
        const v = claimValue(payload, k);
        return v === undefined || !claimMatches(pattern, v);
      })
      .map(([k]) => k),
  }));
  const event = claimValue(payload, 'event_name');
  let matched = candidates.filter((c) => c.unmatched.length === 0);
  if (event === 'pull_request_target') {
    const explicit = matched.filter((c) => c.mapping.claims.event_name === 'pull_request_target');
    if (explicit.length === 0 && matched.length > 0) {
      throw new HttpError(
        'ERR_OIDC_NO_MAPPING',
        `the ID token comes from a pull_request_target run (${shown(claimValue(payload, 'repository'))}), which runs with the base repository's rights on a pull request's code`,
        {
          hint: 'refused unless an identity mapping names event_name: pull_request_target explicitly',
        },
      );
    }
    matched = explicit;
  }
  matched.sort(
    (a, b) =>
      Object.keys(b.mapping.claims).length - Object.keys(a.mapping.claims).length ||
      b.mapping.priority - a.mapping.priority ||
      a.index - b.index,
  );
  const best = matched[0];
  if (best) return { mapping: best.mapping };
  const used = [...new Set(own.flatMap((m) => Object.keys(m.claims)))].sort();
  const has = used.map((k) => `${k} "${shown(claimValue(payload, k), 80)}"`).join(', ');
  const fewest = Math.min(...candidates.map((c) => c.unmatched.length));
  const closest = candidates
    .filter((c) => c.unmatched.length === fewest)
    .map((c) => `mapping "${c.mapping.name}" differs in ${c.unmatched.join(', ')}`)
    .join('; ');
  throw new HttpError(
    'ERR_OIDC_NO_MAPPING',
    own.length === 0
      ? `provider "${provider}" has no identity mappings`
      : `no identity mapping of provider "${provider}" matches this ID token (${has}): ${closest}`,
    {
      hint:
        own.length === 0
          ? 'add oidc.mappings entries for this provider to the server config'
          : 'run the job from the repository, ref, workflow and environment a mapping names, or add a mapping for it to the server config',
    },
  );
}

export interface Exchanged {
  token: string;
  id: string;
  /** Seconds until the minted token expires. */
  expiresIn: number;
  scopes: string[];
  user: string;
  mapping: string;
}

let joseModule: Promise<typeof Jose> | undefined;

/**
 * jose, loaded by the first exchange rather than at start: a server without OIDC providers, or
 * one whose CI never exchanges a token, does not keep it resident (~15 MiB).
 */
function loadJose(): Promise<typeof Jose> {
  joseModule ??= import('jose');
  return joseModule;
}

/** Verifies ID tokens and mints Stowage tokens for them. */
export class OidcExchange {
  readonly #cfg: OidcConfig;
  readonly #meta: MetaStore;
  readonly #auth: Authenticator;
  readonly #log: FastifyBaseLogger;
  readonly #jwks = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(
    cfg: OidcConfig,
    deps: { meta: MetaStore; auth: Authenticator; log: FastifyBaseLogger },
  ) {
    this.#cfg = cfg;
    this.#meta = deps.meta;
    this.#auth = deps.auth;
    this.#log = deps.log;
  }

  provider(name: string): OidcProviderConfig {
    const p = this.#cfg.providers.find((x) => x.name === name);
    if (!p) {
      throw new HttpError(
        'ERR_OIDC_PROVIDER_UNKNOWN',
        `no OIDC provider is named "${shown(name, 64)}"`,
        {
          hint: `use one of: ${this.#cfg.providers.map((x) => x.name).join(', ')}`,
        },
      );
    }
    return p;
  }

  /** The provider's key set: its jwksUrl, or the `jwks_uri` its discovery document names. */
  #keys(p: OidcProviderConfig): Promise<JWTVerifyGetKey> {
    let keys = this.#jwks.get(p.name);
    if (!keys) {
      keys = Promise.all([this.#jwksUrl(p), loadJose()]).then(([url, { createRemoteJWKSet }]) =>
        createRemoteJWKSet(new URL(url), {
          timeoutDuration: p.fetchTimeout * 1000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        }),
      );
      keys.catch(() => this.#jwks.delete(p.name));
      this.#jwks.set(p.name, keys);
    }
    return keys;
  }

  async #jwksUrl(p: OidcProviderConfig): Promise<string> {
    if (p.jwksUrl) return p.jwksUrl;
    const url = `${p.issuer}/.well-known/openid-configuration`;
    let doc: unknown;
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(p.fetchTimeout * 1000),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = await res.json();
    } catch (err) {
      throw new HttpError(
        'ERR_OIDC_PROVIDER_UNAVAILABLE',
        `could not read the discovery document of provider "${p.name}" (${url}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    const d = obj(doc) ? doc : {};
    if (typeof d.issuer !== 'string' || d.issuer.replace(/\/+$/, '') !== p.issuer) {
      throw new HttpError(
        'ERR_OIDC_PROVIDER_UNAVAILABLE',
        `the discovery document at ${url} names issuer ${JSON.stringify(d.issuer)}, not ${p.issuer}`,
        { hint: `fix the issuer of provider "${p.name}" in the server config` },
      );
    }
    if (typeof d.jwks_uri !== 'string' || !/^https?:\/\//.test(d.jwks_uri)) {
      throw new HttpError(
        'ERR_OIDC_PROVIDER_UNAVAILABLE',
        `the discovery document at ${url} has no jwks_uri`,
        { hint: `set jwksUrl for provider "${p.name}" in the server config` },
      );
    }
    return d.jwks_uri;
  }

  /** Verifies `idToken` for provider `name` and returns its claims; throws HttpErrors that say what is wrong. */
  async verify(p: OidcProviderConfig, idToken: string): Promise<JWTPayload> {
    const keys = await this.#keys(p);
    const { jwtVerify, errors } = await loadJose();
    try {
      const { payload } = await jwtVerify(idToken, keys, {
        issuer: p.issuer,
        audience: p.audience,
        algorithms: p.algorithms,
        clockTolerance: p.clockTolerance,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (err) {
      throw this.#verifyError(p, err, errors);
    }
  }

  #verifyError(p: OidcProviderConfig, err: unknown, jose: typeof Jose.errors): HttpError {
    const invalid = (message: string, hint: string): HttpError =>
      new HttpError('ERR_OIDC_TOKEN_INVALID', message, { hint, cause: err });
    if (err instanceof HttpError) return err;
    if (err instanceof jose.JWTExpired)
      return invalid(
        'the ID token has expired',
        'request a fresh ID token right before exchanging it',
      );
    if (err instanceof jose.JWTClaimValidationFailed) {
      switch (err.claim) {
        case 'iss':
          return invalid(
            `the ID token's issuer is not provider "${p.name}"'s (${p.issuer})`,
            'send the provider_name configured for the issuer that signed the token',
          );
        case 'aud':
          return invalid(
            `the ID token's audience is not one provider "${p.name}" accepts`,
            `request the ID token with audience ${JSON.stringify(p.audience[0])} (core.getIDToken(audience))`,
          );
        case 'nbf':
          return invalid(
            'the ID token is not valid yet (nbf is in the future)',
            'check the clocks of the CI runner and the server',
          );
        case 'iat':
          return invalid('the ID token was issued in the future', "check the server's clock");
        default:
          return invalid(
            `the ID token's claim ${err.claim} is missing or invalid (${err.reason})`,
            'exp is required; use an ID token from the configured provider',
          );
      }
    }
    if (err instanceof jose.JOSEAlgNotAllowed || err instanceof jose.JOSENotSupported)
      return invalid(
        `the ID token's signature algorithm is not accepted (provider "${p.name}" accepts ${p.algorithms.join(', ')})`,
        'unsigned (alg none) and shared-secret (HS*) tokens are never accepted',
      );
    if (err instanceof jose.JWKSNoMatchingKey || err instanceof jose.JWKSMultipleMatchingKeys)
      return invalid(
        `no key of provider "${p.name}" matches the ID token's key id (kid)`,
        "the token was not signed by the provider's current keys",
      );
    if (err instanceof jose.JWSSignatureVerificationFailed)
      return invalid(
        "the ID token's signature does not verify",
        'the token was altered or not signed by the provider',
      );
    if (err instanceof jose.JWKSTimeout || err instanceof jose.JWKSInvalid)
      return new HttpError(
        'ERR_OIDC_PROVIDER_UNAVAILABLE',
        `the keys of provider "${p.name}" could not be fetched (${(err as Error).message})`,
        { cause: err },
      );
    if (err instanceof jose.JOSEError)
      return invalid(
        `the subject_token is not a valid signed JWT (${err.code})`,
        'send the ID token exactly as the provider issued it',
      );
    if (err instanceof TypeError || (err as { name?: string }).name === 'AbortError')
      return new HttpError(
        'ERR_OIDC_PROVIDER_UNAVAILABLE',
        `the keys of provider "${p.name}" could not be fetched (${(err as Error).message})`,
        { cause: err },
      );
    return new HttpError('ERR_INTERNAL', 'the ID token could not be verified', { cause: err });
  }

  /** The whole exchange: verify, match a mapping, refuse a replay, mint the scoped token. */
  async exchange(providerName: string, idToken: string): Promise<Exchanged> {
    const p = this.provider(providerName);
    const claims = await this.verify(p, idToken);
    const { mapping } = matchMapping(p.name, this.#cfg.mappings, claims);
    const exp = (claims.exp ?? 0) * 1000;
    // One use per ID token: its jti, or (from an issuer that sets none) the token's own digest.
    const once =
      typeof claims.jti === 'string' && claims.jti !== ''
        ? claims.jti
        : `sha256:${createHash('sha256').update(idToken).digest('hex')}`;
    const fresh = await this.#meta.useNonce(
      `oidc:${p.issuer}`,
      once,
      exp + p.clockTolerance * 1000,
    );
    if (!fresh)
      throw new HttpError(
        'ERR_OIDC_TOKEN_REPLAYED',
        'this ID token (its jti) was already exchanged',
      );
    const ttl = Math.min(mapping.tokenTtl ?? p.tokenTtl, p.tokenTtl) * 1000;
    const now = Date.now();
    const expires = Math.min(now + ttl, exp + ttl);
    const expiresIn = Math.max(1, Math.ceil((expires - now) / 1000));
    const user = mapping.user ?? `oidc-${p.name}-${mapping.name}`;
    const repository = claimValue(claims, 'repository') ?? claimValue(claims, 'sub');
    const run = claimValue(claims, 'run_id');
    const workflow = claimValue(claims, 'workflow') ?? claimValue(claims, 'job_workflow_ref');
    const description =
      `OIDC ${p.name}: ${shown(repository)}` +
      (run !== undefined ? ` run ${shown(run, 32)}` : '') +
      (workflow !== undefined ? ` (${shown(workflow)})` : '') +
      ` via mapping ${mapping.name}`;
    const issued = await this.#auth.issue({
      user,
      scopes: mapping.scopes,
      description,
      expiresInSec: expiresIn,
    });
    this.#log.info(
      {
        provider: p.name,
        mapping: mapping.name,
        repository,
        run,
        tokenId: issued.id,
        scopes: mapping.scopes,
      },
      'OIDC token exchanged',
    );
    return {
      token: issued.token,
      id: issued.id,
      expiresIn,
      scopes: mapping.scopes,
      user,
      mapping: mapping.name,
    };
  }
}
