import type { RepositoryClient } from '../client.ts';

/**
 * The token a package manager's configuration should carry for a build. Package managers
 * cannot send build headers, so Stowage issues a token scoped to the build and records every
 * download made with it for that build. The token only reads (the given repositories, or all):
 * it cannot deploy, delete, publish or promote, whatever the given token could. A server that cannot issue one (Artifactory, or a
 * token without admin rights) leaves the given token in place, and the note says why.
 */
export async function tokenForBuild(
  client: RepositoryClient,
  opts: {
    token?: string;
    build?: { name: string; number: string };
    expiresInSec?: number;
    /** Repositories the tools resolve from: the token reads these (and a virtual's members) only. */
    repos?: string[];
  },
): Promise<{ token?: string; scoped: boolean; note?: string }> {
  const given = opts.token === undefined ? {} : { token: opts.token };
  if (!opts.build || !opts.token) return { ...given, scoped: false };
  const days = Math.round((opts.expiresInSec ?? 7 * 86_400) / 86_400);
  try {
    const issued = await client.createToken({
      build: opts.build,
      ...(opts.repos?.length ? { scopes: opts.repos.map((r) => `repo:${r}:read`) } : {}),
      description: `stowage setup for ${opts.build.name} #${opts.build.number}`,
      expiresInSec: opts.expiresInSec ?? 7 * 86_400,
    });
    return {
      token: issued.token,
      scoped: true,
      note: `using a token scoped to build ${opts.build.name} #${opts.build.number} (valid ${days} days)`,
    };
  } catch (err) {
    return {
      ...given,
      scoped: false,
      note: `kept the given token: could not issue a build-scoped one (${(err as Error).message})`,
    };
  }
}
