import { join } from 'node:path';
import { writeManaged } from './files.ts';
import type { SetupOptions, SetupResult } from './index.ts';

/**
 * npm: a project `.npmrc` whose registry is `<url>/api/npm/<repo>/` and whose token is scoped
 * to that registry path (`//host/api/npm/<repo>/:_authToken`), in a managed block that the
 * next run updates (writeManaged); a `.npmrc` of the user's own is left as it was unless
 * `overwrite`.
 */
export async function setupNpm(opts: SetupOptions): Promise<SetupResult> {
  const registry = `${opts.url.replace(/\/+$/, '')}/api/npm/${encodeURIComponent(opts.repo)}/`;
  const file = join(opts.dir, '.npmrc');
  const result: SetupResult = { tool: 'npm', files: [], env: [], notes: [] };
  const lines = [`registry=${registry}`];
  const deploy = opts.deployRepo ?? opts.repo;
  const deployRegistry = `${opts.url.replace(/\/+$/, '')}/api/npm/${encodeURIComponent(deploy)}/`;
  if (opts.token) {
    for (const r of new Set([registry, deployRegistry])) {
      lines.push(`${r.replace(/^https?:/, '')}:_authToken=${opts.token}`);
    }
  }
  if (deploy !== opts.repo) {
    lines.push(`# npm publish --registry ${deployRegistry}`);
    result.notes.push(`publish with: npm publish --registry ${deployRegistry}`);
  }
  const written = await writeManaged(result, file, `${lines.join('\n')}\n`, {
    overwrite: opts.overwrite,
    secret: true,
    comment: '#',
    hint: `add: registry=${registry}`,
  });
  if (!written) return result;
  result.notes.push(`npm resolves from ${registry}`);
  if (!opts.token) result.notes.push('no token given: only anonymous reads will work');
  return result;
}
