/** Clients for the Stowage server and GitHub's REST API. */
import * as core from '@actions/core';
import { Octokit } from '@octokit/rest';
import { RepositoryClient } from '@stowage/core';
import { USER_AGENT } from './constants.ts';

export function stowage(
  conn: { url: string; token: string },
  build?: { name: string; number: string },
): RepositoryClient {
  return new RepositoryClient({
    url: conn.url,
    ...(conn.token ? { token: conn.token } : {}),
    userAgent: USER_AGENT,
    ...(build ? { build } : {}),
    onRetry: (r) => core.info(`retrying in ${(r.delayMs / 1000).toFixed(1)} s: ${r.error.message}`),
  });
}

export async function withStowage<T>(
  conn: { url: string; token: string },
  fn: (c: RepositoryClient) => Promise<T>,
  build?: { name: string; number: string },
): Promise<T> {
  const c = stowage(conn, build);
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => {});
  }
}

export function github(token: string, apiUrl: string): Octokit {
  return new Octokit({ auth: token, baseUrl: apiUrl.replace(/\/+$/, ''), userAgent: USER_AGENT });
}

/** `owner/name` into its parts. */
export function repoParts(repository: string): { owner: string; repo: string } {
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY "${repository}" is not owner/name`);
  return { owner, repo };
}

/** The build's page in the server's web UI (what a person opens; the API answers JSON). */
export function buildUiUrl(url: string, name: string, number: string): string {
  return `${url.replace(/\/+$/, '')}/ui/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;
}

export function buildApiUrl(url: string, name: string, number: string): string {
  return `${url}/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;
}
