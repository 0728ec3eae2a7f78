import { join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';
import { formatUrl, writeManaged } from './files.ts';

/** The CRAN repository URL R should use (credentials and build inside it when given). */
export function cranRepoUrl(opts: SetupOptions): { value: string; secret: boolean } {
  return formatUrl(opts, 'cran');
}

/**
 * R: a project `.Rprofile` that sets `options(repos = c(STOWAGE = "<url>/api/cran/<repo>"))`, so
 * `install.packages()` (and renv, which reads the same option) resolve through Stowage. The
 * build rides in the repository segment, as R sends no custom headers. An existing `.Rprofile`
 * is left as it was unless `overwrite`.
 */
export async function setupR(opts: SetupOptions): Promise<SetupResult> {
  const repo = cranRepoUrl(opts);
  const file = join(opts.dir, '.Rprofile');
  const result: SetupResult = { tool: 'r', files: [], env: [], notes: [] };
  const text = `# Written by stowage setup r: resolve R packages through Stowage.\nlocal({\n  options(repos = c(STOWAGE = ${JSON.stringify(repo.value)}))\n})\n`;
  if (
    !(await writeManaged(result, file, text, {
      overwrite: opts.overwrite,
      secret: repo.secret,
      comment: '#',
    }))
  ) {
    return result;
  }
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(
    `R resolves from ${opts.repo}; upload source packages with PUT ${opts.url.replace(/\/+$/, '')}/api/cran/${encodeURIComponent(deploy)}/sources`,
  );
  if (repo.secret) result.notes.push(`${file} holds the token: keep it out of version control`);
  return result;
}
