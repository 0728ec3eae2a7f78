import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';

/** The CRAN repository URL R should use (credentials and build inside it when given). */
export function cranRepoUrl(opts: SetupOptions): { value: string; secret: boolean } {
  const u = new URL(opts.url);
  const secret = opts.token !== undefined && opts.token !== '';
  if (secret) {
    u.username = encodeURIComponent(opts.user ?? 'token');
    u.password = encodeURIComponent(opts.token ?? '');
  }
  const matrix = opts.build
    ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}`
    : '';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/cran/${encodeURIComponent(opts.repo)}${matrix}`;
  return { value: u.toString(), secret };
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
  let exists = true;
  try {
    await access(file);
  } catch {
    exists = false;
  }
  if (exists && !opts.overwrite) {
    result.files.push({ path: file, action: 'kept' });
    result.notes.push(`${file} exists and was left as it was; pass overwrite to replace it`);
    return result;
  }
  await writeFile(file, text, { mode: repo.secret ? 0o600 : 0o644 });
  result.files.push({ path: file, action: 'written' });
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(
    `R resolves from ${opts.repo}; upload source packages with PUT ${opts.url.replace(/\/+$/, '')}/api/cran/${encodeURIComponent(deploy)}/sources`,
  );
  if (repo.secret) result.notes.push(`${file} holds the token: keep it out of version control`);
  return result;
}
