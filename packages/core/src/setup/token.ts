import type { RepositoryClient } from '../client.ts';

/**
 * The token a package manager's configuration should carry for a build. Package managers
 * cannot send build headers, so Stowage issues a token scoped to the build and records every
 * download made with it for that build. A server that cannot issue one (Artifactory, or a
 * token without admin rights) leaves the given token in place, and the note says why.
 */
export async function tokenForBuild(
  client: RepositoryClient,
  opts: { token?: string; build?: { name: string; number: string }; expiresInSec?: number },
): Promise<{ token?: string; scoped: boolean; note?: string }> {
  const given = opts.token === undefined ? {} : { token: opts.token };
  if (!opts.build || !opts.token) return { ...given, scoped: false };
  const days = Math.round((opts.expiresInSec ?? 7 * 86_400) / 86_400);
  try {
    const issued = await client.createToken({
      build: opts.build,
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
