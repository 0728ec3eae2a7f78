import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.ts';
import type { MetaStore, TokenRecord } from './metastore.ts';
import type { ServerConfig } from '../config.ts';
import {
  GrantError,
  formatScope,
  grants,
  parseScope,
  userGrants,
  type Grant,
  type Policy,
  type Wanted,
} from './permissions.ts';

export const ADMIN_TOKEN_FILE = 'admin.token';

/** Who made a request: `anonymous`, the admin, or a token's user (or service name). */
export interface Principal {
  user: string;
  authenticated: boolean;
  admin: boolean;
  /** Set for a build-scoped token: downloads made with it belong to this build. */
  build?: { name: string; number: string };
  /** The issued token the request carried (the admin token has none). */
  tokenId?: string;
  /** A scoped token's scopes; undefined: the user's own grants. */
  scopes?: Grant[];
  /** A service token: its scopes are its only grants (there is no such user). */
  service?: boolean;
}

/** What `issue` takes (CONTRACTS.md item 2). */
export interface IssueOptions {
  user: string;
  scopes?: string[];
  description?: string;
  expiresInSec?: number;
  build?: { name: string; number: string };
  admin?: boolean;
}

export const ANONYMOUS: Principal = { user: 'anonymous', authenticated: false, admin: false };

/**
 * The bearer a registry's token endpoint hands an anonymous client when anonymous read is on
 * (registry clients need some token after the /v2/ challenge). It means "no credentials":
 * it grants exactly what anonymous requests get.
 */
export const ANONYMOUS_BEARER = 'stowage-anonymous';

/**
 * Loads the admin token from the data directory, or creates one (mode 0600) on first start.
 * `created` tells the caller to show it once.
 */
export async function loadOrCreateAdminToken(
  dataDir: string,
): Promise<{ token: string; created: boolean; file: string }> {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token) return { token, created: false, file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = `stw_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { token, created: true, file };
}

/** SHA-256 of a token (one-shot `crypto.hash`: a Hash object per request costs more than the hash). */
function digest(s: string): Buffer {
  return hash('sha256', s, 'buffer');
}

/** How many users' grants are kept per policy (see #userGrants). */
const MAX_GRANT_USERS = 1024;

/** How many presented tokens' digests `presentedDigest` keeps. */
const DIGESTS_KEPT = 1024;
const digests = new Map<string, Buffer>();

/**
 * The digest of a token a request presented. Each one was a cold OpenSSL call (~11 µs of a cached
 * packument's ~300 under load), so the last ones are kept; when full the map starts over, so a
 * flood of made-up tokens costs nothing but a hash each. Only the digest decides anything: it
 * is looked up afresh for every request.
 */
function presentedDigest(token: string): Buffer {
  let d = digests.get(token);
  if (d === undefined) {
    d = digest(token);
    if (digests.size >= DIGESTS_KEPT) digests.clear();
    digests.set(token, d);
  }
  return d;
}

/** How often a token's `lastUsed` is written at most (a write per request would be waste). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Checks tokens (the admin token in constant time, issued tokens by their stored SHA-256) and
 * answers what a principal may do, from the server config's and the MetaStore's users, groups
 * and permission targets (read afresh for each request: nothing that decides lives in memory).
 */
export class Authenticator {
  readonly #admin: Buffer;
  readonly #meta: MetaStore;
  readonly #config: Pick<ServerConfig, 'auth' | 'users' | 'groups' | 'permissions'>;

  constructor(
    adminToken: string,
    meta: MetaStore,
    config: Pick<ServerConfig, 'auth' | 'users' | 'groups' | 'permissions'> = {
      auth: { anonymousRead: false },
    },
  ) {
    this.#admin = digest(adminToken);
    this.#meta = meta;
    this.#config = config;
  }

  /**
   * Users, groups and permission targets in force: the config's, then the REST API's. While the
   * store's cache stamp stands (no change to them here or on another replica since the policy
   * was built), the policy is answered without asking the store for its three lists.
   */
  policy(): Policy | Promise<Policy> {
    const stamp = this.#meta.cacheStamp();
    const last = this.#policy;
    if (stamp !== undefined && last?.stamp === stamp) return last.policy;
    return this.#loadPolicy(stamp);
  }

  async #loadPolicy(stamp: number | undefined): Promise<Policy> {
    const [users, groups, targets] = await Promise.all([
      this.#meta.listUsers(),
      this.#meta.listGroups(),
      this.#meta.listPermissionTargets(),
    ]);
    // A store hands back the same (frozen) lists from memory while nothing changed, and new
    // ones after any change: the policy built from the same lists is the same policy.
    // The stamp is taken before the lists are read: a change while they load moves it, and the
    // next call reads again.
    const last = this.#policy;
    if (last && last.users === users && last.groups === groups && last.targets === targets) {
      last.stamp = stamp;
      return last.policy;
    }
    const policy: Policy = {
      users: [...(this.#config.users ?? []), ...users],
      groups: [...(this.#config.groups ?? []), ...groups],
      targets: [...(this.#config.permissions ?? []), ...targets],
      anonymousRead: this.#config.auth.anonymousRead,
    };
    this.#policy = { users, groups, targets, policy, stamp };
    return policy;
  }

  #policy:
    | {
        users: readonly unknown[];
        groups: readonly unknown[];
        targets: readonly unknown[];
        policy: Policy;
        /** The store's cache stamp when these lists were read (undefined: ask again). */
        stamp: number | undefined;
      }
    | undefined;

  /** A user's grants under a policy, worked out once per policy (every check asks twice). */
  readonly #grants = new WeakMap<Policy, Map<string, readonly Grant[]>>();

  #userGrants(policy: Policy, user: string): readonly Grant[] {
    let byUser = this.#grants.get(policy);
    if (!byUser) this.#grants.set(policy, (byUser = new Map()));
    let out = byUser.get(user);
    if (!out) {
      // Bounded: a policy's map holds at most the users that made requests under it.
      if (byUser.size >= MAX_GRANT_USERS) byUser.clear();
      out = Object.freeze(userGrants(policy, user));
      byUser.set(user, out);
    }
    return out;
  }

  /** Whether `name` is a user defined in the config or through the API (or the built-in admin). */
  async isUser(name: string): Promise<boolean> {
    if (name === 'admin') return true;
    return (
      (this.#config.users ?? []).some((u) => u.name === name) ||
      (await this.#meta.getUser(name)) !== undefined
    );
  }

  /** Whether anonymous holds any grant on repositories (or builds) at all. */
  async anonymousHolds(kind: 'repo' | 'build'): Promise<boolean> {
    return this.#userGrants(await this.policy(), 'anonymous').some((g) => g.kind === kind);
  }

  /**
   * Refuses (401) an anonymous request to list repositories or builds when anonymous holds no
   * grant on any: the caller needs to sign in, not an empty list.
   */
  async requireListable(p: Principal, kind: 'repo' | 'build'): Promise<void> {
    if (p.authenticated || (await this.anonymousHolds(kind))) return;
    throw new HttpError(
      'ERR_AUTH_REQUIRED',
      `reading needs a token on this server (anonymous may read no ${kind === 'repo' ? 'repository' : 'build'})`,
      { headers: { 'www-authenticate': 'Basic realm="Stowage"' } },
    );
  }

  /** Every grant the principal's user holds (a service token: none beyond its scopes). */
  async userGrants(p: Principal, policy?: Policy): Promise<Grant[]> {
    if (p.admin) return [{ kind: 'admin' }];
    if (p.service) return [];
    return [...this.#userGrants(policy ?? (await this.policy()), p.user)];
  }

  /**
   * Whether the principal may do `w`: anonymous's grants hold for everyone; a scoped token
   * needs its scope AND its user's grant (never more than the user), a service token its scope.
   * `policy` loads the policy in force (default: read afresh); an administrator needs none.
   */
  async permits(
    p: Principal,
    w: Wanted | { kind: 'admin' },
    policy: () => Policy | Promise<Policy> = () => this.policy(),
  ): Promise<boolean> {
    if (p.admin) return true;
    const got = policy();
    const pol = got instanceof Promise ? await got : got;
    if (w.kind === 'admin') {
      if (p.service) return p.scopes?.some((g) => g.kind === 'admin') ?? false;
      const user = this.#userGrants(pol, p.user).some((g) => g.kind === 'admin');
      return user && (!p.scopes || p.scopes.some((g) => g.kind === 'admin'));
    }
    if (grants(this.#userGrants(pol, 'anonymous'), w)) return true;
    if (!p.authenticated) return false;
    const own = p.service || grants(this.#userGrants(pol, p.user), w);
    return own && (!p.scopes || grants(p.scopes, w));
  }

  /**
   * Issues a token (only its hash is stored). A build-scoped token ties every download made
   * with it to that build, so package managers that cannot send headers are recorded too.
   * Throws GrantError for an ill-formed scope, or an unscoped token for no defined user.
   */
  async issue(opts: IssueOptions): Promise<{ token: string; id: string; expires?: number }> {
    const scopes = opts.scopes?.map((s) => formatScope(parseScope(s)));
    const service = !(await this.isUser(opts.user));
    if (service && !opts.admin && !scopes?.length)
      throw new GrantError(
        `"${opts.user}" is no defined user, so a token for it needs scopes (it has no grants of its own)`,
      );
    const token = `stw_${randomBytes(24).toString('base64url')}`;
    const created = Date.now();
    const record: TokenRecord = {
      id: randomBytes(8).toString('hex'),
      hash: digest(token).toString('hex'),
      user: opts.user,
      admin: opts.admin === true,
      created,
    };
    if (opts.build) record.build = opts.build;
    if (scopes) record.scopes = scopes;
    if (service) record.service = true;
    if (opts.description) record.description = opts.description;
    if (opts.expiresInSec !== undefined && opts.expiresInSec > 0)
      record.expires = created + opts.expiresInSec * 1000;
    await this.#meta.putToken(record);
    const out = { token, id: record.id };
    return record.expires === undefined ? out : { ...out, expires: record.expires };
  }

  /** The stored record of a token (its hash looked up), for inspection; undefined when unknown. */
  async inspect(token: string): Promise<TokenRecord | undefined> {
    return await this.#meta.findToken(digest(token).toString('hex'));
  }

  /** Reads Bearer, Basic (token as password) or X-JFrog-Art-Api credentials; undefined when none were sent. */
  static credentials(headers: IncomingHttpHeaders): { user?: string; token: string } | undefined {
    const auth = headers.authorization;
    if (typeof auth === 'string') {
      const [scheme, value = ''] = auth.split(/\s+/, 2);
      if (scheme?.toLowerCase() === 'bearer' && value) return { token: value.trim() };
      if (scheme?.toLowerCase() === 'basic' && value) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) return { token: decoded };
        return { user: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
      }
      throw new HttpError('ERR_AUTH_INVALID', `unsupported Authorization scheme "${scheme}"`, {
        hint: 'use "Bearer <token>" or basic auth with the token as password',
      });
    }
    const api = headers['x-jfrog-art-api'];
    if (typeof api === 'string' && api) return { token: api };
    return undefined;
  }

  /**
   * Who presents `headers`. Anonymous requests and the administrator's token are answered at
   * once (no promise: the onRequest hook runs for every request); a token is looked up.
   */
  authenticate(headers: IncomingHttpHeaders): Principal | Promise<Principal> {
    const creds = Authenticator.credentials(headers);
    if (!creds || creds.token === ANONYMOUS_BEARER) return ANONYMOUS;
    const d = presentedDigest(creds.token);
    if (timingSafeEqual(d, this.#admin)) return { user: 'admin', authenticated: true, admin: true };
    return this.#issued(d);
  }

  /** A presented token's principal: at once when its record is in memory (see MetaCache). */
  #issued(d: Buffer): Principal | Promise<Principal> {
    const got = this.#meta.findToken(d.toString('hex'));
    return got instanceof Promise ? got.then((t) => this.#principal(t)) : this.#principal(got);
  }

  #principal(issued: TokenRecord | undefined): Principal | Promise<Principal> {
    const now = Date.now();
    if (issued && (issued.expires === undefined || issued.expires > now)) {
      const p: Principal = {
        user: issued.user,
        authenticated: true,
        admin: issued.admin,
        tokenId: issued.id,
      };
      if (issued.build) p.build = issued.build;
      if (issued.scopes) p.scopes = issued.scopes.map(parseScope);
      if (issued.service) p.service = true;
      // An admin-scoped token of the admin (or a service token) is an administrator outright.
      if (p.scopes?.some((g) => g.kind === 'admin') && (issued.service || issued.user === 'admin'))
        p.admin = true;
      if (issued.lastUsed === undefined || now - issued.lastUsed > TOUCH_EVERY_MS)
        return this.#meta.touchToken(issued.id, now).then(() => p);
      return p;
    }
    throw new HttpError('ERR_AUTH_INVALID', 'the token is not valid', {
      headers: { 'www-authenticate': 'Basic realm="Stowage"' },
    });
  }
}
