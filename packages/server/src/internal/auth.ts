import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../errors.ts';

export const ADMIN_TOKEN_FILE = 'admin.token';

/** Who made a request: `anonymous` or the token's user. */
export interface Principal {
  user: string;
  authenticated: boolean;
  admin: boolean;
}

export const ANONYMOUS: Principal = { user: 'anonymous', authenticated: false, admin: false };

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

/** Checks tokens in constant time. */
export class Authenticator {
  readonly #admin: Buffer;

  constructor(adminToken: string) {
    this.#admin = digest(adminToken);
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

  authenticate(headers: IncomingHttpHeaders): Principal {
    const creds = Authenticator.credentials(headers);
    if (!creds) return ANONYMOUS;
    if (timingSafeEqual(digest(creds.token), this.#admin)) {
      return {
        user: creds.user && creds.user !== '' ? creds.user : 'admin',
        authenticated: true,
        admin: true,
      };
    }
    throw new HttpError('ERR_AUTH_INVALID', 'the token is not valid', {
      headers: { 'www-authenticate': 'Basic realm="Stowage"' },
    });
  }
}
