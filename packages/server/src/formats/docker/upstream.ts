/**
 * How a remote Docker repository talks to its upstream registry, through the shared Resolver:
 * the upstream URL of each stored path, the Accept header for manifests, and the registry token
 * flow (a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…` → GET realm for a
 * token → retry with it). Credentials may sit in the remote's URL (`https://user:pass@host`).
 */
import type { RepoConfig } from '../../internal/metastore.ts';
import type { ResolveOptions } from '../../internal/resolver.ts';
import type { UpstreamClient } from '../../internal/upstream.ts';
import { MANIFEST_TYPES } from './names.ts';

interface Upstream {
  /** `{scheme}://{host}[:port]` without credentials. */
  base: string;
  basic?: string;
}

export function upstreamOf(remote: RepoConfig): Upstream {
  const u = new URL(remote.url ?? '');
  const basic =
    u.username || u.password
      ? Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString(
          'base64',
        )
      : undefined;
  u.username = '';
  u.password = '';
  const base = u.toString().replace(/\/+$/, '').replace(/\/v2$/, '');
  return basic ? { base, basic } : { base };
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
      upstreamHeaders: async ({ remote, url, challenge, upstream }) => {
        const headers: Record<string, string> = {};
        if (accept === 'manifest') headers.accept = MANIFEST_TYPES.join(', ');
        const key = `${remote.key}\0${scopeKey(url)}`;
        if (challenge === undefined) {
          const t = this.#tokens.get(key);
          if (t && t.expires > Date.now()) headers.authorization = t.header;
          return headers;
        }
        const header = await this.#answer(remote, challenge, upstream);
        if (header) {
          headers.authorization = header.header;
          this.#tokens.set(key, header);
        }
        return headers;
      },
    };
  }

  async #answer(
    remote: RepoConfig,
    challenge: string,
    upstream: UpstreamClient,
  ): Promise<CachedToken | undefined> {
    const { basic } = upstreamOf(remote);
    const scheme = challenge.trim().split(/\s+/, 1)[0]?.toLowerCase();
    if (scheme === 'basic') {
      return basic ? { header: `Basic ${basic}`, expires: Date.now() + 3600_000 } : undefined;
    }
    if (scheme !== 'bearer') return undefined;
    const params = parseChallenge(challenge);
    if (!params.realm) return undefined;
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    if (params.scope) realm.searchParams.set('scope', params.scope);
    const res = await upstream.get(realm.toString(), {
      headers: basic ? { authorization: `Basic ${basic}` } : {},
    });
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
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
