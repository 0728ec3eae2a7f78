/**
 * How a remote Docker repository talks to its upstream registry, through the shared Resolver:
 * the upstream URL of each stored path, the Accept header for manifests, and the registry token
 * flow (a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` → GET realm for a
 * token → retry with it). The remote's credentials (username/password or token, see
 * UpstreamClient.accessOf) go to the registry itself and to a token realm only when the realm
 * is on the registry's origin or in the remote's allowedHosts; any other realm is asked
 * without them.
 */
import type { RepoConfig } from '../../internal/metastore.ts';
import type { ResolveOptions } from '../../internal/resolver.ts';
import type { RemoteAccess, UpstreamClient } from '../../internal/upstream.ts';
import { MANIFEST_TYPES } from './names.ts';

interface Upstream {
  /** `{scheme}://{host}[:port]` without credentials. */
  base: string;
}

export function upstreamOf(remote: RepoConfig): Upstream {
  const u = new URL(remote.url ?? '');
  u.username = '';
  u.password = '';
  const base = u.toString().replace(/\/+$/, '').replace(/\/v2$/, '');
  return { base };
}

/** Docker Hub keeps official images under `library/`. */
export function upstreamImage(base: string, image: string): string {
  const hub = /^https?:\/\/(registry-1\.docker\.io|index\.docker\.io|docker\.io)$/.test(base);
  return hub && !image.includes('/') ? `library/${image}` : image;
}

/** What a remote asks its upstream for: `/v2/{image}/{what}`. */
export function upstreamUrlFor(remote: RepoConfig, image: string, what: string): string {
  const { base } = upstreamOf(remote);
  return `${base}/v2/${upstreamImage(base, image)}/${what}`;
}

interface CachedToken {
  header: string;
  expires: number;
}

/** Registry tokens per realm/service/scope, reused until shortly before they expire. */
export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();

  /** The ResolveOptions hooks for one remote request. */
  hooks(accept: 'manifest' | 'any'): Pick<ResolveOptions, 'upstreamHeaders'> {
    return {
      upstreamHeaders: async ({ remote, url, challenge, upstream, access }) => {
        const headers: Record<string, string> = {};
        if (accept === 'manifest') headers.accept = MANIFEST_TYPES.join(', ');
        const key = `${remote.key}\0${scopeKey(url)}`;
        if (challenge === undefined) {
          const t = this.#tokens.get(key);
          if (t && t.expires > Date.now()) headers.authorization = t.header;
          return headers;
        }
        const header = await this.#answer(challenge, upstream, access);
        if (header) {
          headers.authorization = header.header;
          this.#tokens.set(key, header);
        }
        return headers;
      },
    };
  }

  async #answer(
    challenge: string,
    upstream: UpstreamClient,
    access: RemoteAccess,
  ): Promise<CachedToken | undefined> {
    const scheme = challenge.trim().split(/\s+/, 1)[0]?.toLowerCase();
    if (scheme === 'basic') {
      // Only the registry's own origin asks this way: the resolver's request already carried them.
      return access.authorization?.startsWith('Basic ')
        ? { header: access.authorization, expires: Date.now() + 3600_000 }
        : undefined;
    }
    if (scheme !== 'bearer') return undefined;
    const params = parseChallenge(challenge);
    if (!params.realm) return undefined;
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    if (params.scope) realm.searchParams.set('scope', params.scope);
    // Credentials go to the realm only on the registry's origin or an allow-listed host.
    const res = await upstream.get(realm.toString(), {
      access,
      credentials: 'allowed',
      anyOrigin: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body) {
      size += (c as Buffer).length;
      if (size > 1024 * 1024) {
        res.body.destroy();
        return undefined;
      }
      chunks.push(c as Buffer);
    }
    if (res.status !== 200) return undefined;
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = doc.token ?? doc.access_token;
    if (!token) return undefined;
    const ttl = Math.max(30, (doc.expires_in ?? 60) - 10) * 1000;
    return { header: `Bearer ${token}`, expires: Date.now() + ttl };
  }
}

/** Tokens are scoped per image: `…/v2/{image}/manifests/x` → `{image}`. */
function scopeKey(url: string): string {
  const path = new URL(url).pathname;
  const m = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(path);
  return m?.[1] ?? path;
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rest = header.trim().replace(/^\S+\s*/, '');
  for (const m of rest.matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    const k = m[1];
    if (k) out[k.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return out;
}
