import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.ts';
import type { MetaStore, TokenRecord } from './metastore.ts';

export const ADMIN_TOKEN_FILE = 'admin.token';

/** Who made a request: `anonymous` or the token's user. */
export interface Principal {
  user: string;
  authenticated: boolean;
  admin: boolean;
  /** The issued token's id (absent for the admin token and anonymous). */
  tokenId?: string;
  /** The issued token's scopes; absent means the user's own grants. */
  scopes?: string[];
  /** Set for a build-scoped token: downloads made with it belong to this build. */
  build?: { name: string; number: string };
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

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Checks tokens: the admin token in constant time, issued tokens by their stored SHA-256. */
export class Authenticator {
  readonly #admin: Buffer;
  readonly #meta: MetaStore;

  constructor(adminToken: string, meta: MetaStore) {
    this.#admin = digest(adminToken);
    this.#meta = meta;
  }

  /**
   * Issues a token (only its hash is stored). A build-scoped token ties every download made
   * with it to that build, so package managers that cannot send headers are recorded too.
   */
  async issue(opts: {
    user: string;
    scopes?: string[];
    description?: string;
    admin?: boolean;
    build?: { name: string; number: string };
    expiresInSec?: number;
  }): Promise<{ token: string; id: string; expires?: number }> {
    const token = `stw_${randomBytes(24).toString('base64url')}`;
    const id = randomBytes(9).toString('base64url');
    const created = Date.now();
    const record: TokenRecord = {
      hash: digest(token).toString('hex'),
      id,
      user: opts.user,
      admin: opts.admin === true,
      created,
    };
    if (opts.scopes) record.scopes = [...opts.scopes];
    if (opts.description !== undefined) record.description = opts.description;
    if (opts.build) record.build = opts.build;
    if (opts.expiresInSec !== undefined && opts.expiresInSec > 0)
      record.expires = created + opts.expiresInSec * 1000;
    await this.#meta.putToken(record);
    return record.expires === undefined ? { token, id } : { token, id, expires: record.expires };
  }

  /** The stored record of a token (its hash looked up), for inspection; undefined when unknown. */
  async inspect(token: string): Promise<TokenRecord | undefined> {
    return this.#meta.findToken(digest(token).toString('hex'));
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

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const creds = Authenticator.credentials(headers);
    if (!creds || creds.token === ANONYMOUS_BEARER) return ANONYMOUS;
    const d = digest(creds.token);
    if (timingSafeEqual(d, this.#admin)) {
      return {
        user: creds.user && creds.user !== '' ? creds.user : 'admin',
        authenticated: true,
        admin: true,
      };
    }
    const issued = await this.#meta.findToken(d.toString('hex'));
    if (issued && (issued.expires === undefined || issued.expires > Date.now())) {
      const p: Principal = { user: issued.user, authenticated: true, admin: issued.admin };
      if (issued.build) p.build = issued.build;
      if (issued.id) p.tokenId = issued.id;
      if (issued.scopes) p.scopes = issued.scopes;
      return p;
    }
    throw new HttpError('ERR_AUTH_INVALID', 'the token is not valid', {
      headers: { 'www-authenticate': 'Basic realm="Stowage"' },
    });
  }
}
