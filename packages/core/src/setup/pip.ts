import { join } from 'node:path';
import { writeManaged } from './files.ts';
import type { SetupOptions, SetupResult } from './index.ts';

/**
 * pip (and twine): a project-local `pip.conf` whose index is `<url>/api/pypi/<repo>/simple/`,
 * selected with `PIP_CONFIG_FILE`. The credentials never go into the file: `PIP_INDEX_URL`
 * carries them in the URL (marked secret), and `TWINE_*` name the upload repository.
 * The file's settings sit in a managed block the next run updates; a `pip.conf` of the user's
 * own is left as it was unless `overwrite`.
 */
export async function setupPip(opts: SetupOptions): Promise<SetupResult> {
  const base = opts.url.replace(/\/+$/, '');
  const index = `${base}/api/pypi/${encodeURIComponent(opts.repo)}/simple/`;
  const upload = `${base}/api/pypi/${encodeURIComponent(opts.deployRepo ?? opts.repo)}/`;
  const file = join(opts.dir, 'pip.conf');
  const result: SetupResult = { tool: 'pip', files: [], env: [], notes: [] };
  const u = new URL(index);
  const lines = ['[global]', `index-url = ${index}`];
  if (u.protocol === 'http:') lines.push(`trusted-host = ${u.hostname}`);
  await writeManaged(result, file, `${lines.join('\n')}\n`, {
    overwrite: opts.overwrite,
    secret: false,
    comment: '#',
    hint: `set index-url = ${index}`,
  });
  result.env.push({ name: 'PIP_CONFIG_FILE', value: file });
  if (opts.token) {
    const withAuth = new URL(index);
    withAuth.username = encodeURIComponent(opts.user ?? 'token');
    withAuth.password = encodeURIComponent(opts.token);
    result.env.push({ name: 'PIP_INDEX_URL', value: withAuth.href, secret: true });
    result.env.push(
      { name: 'TWINE_REPOSITORY_URL', value: upload },
      { name: 'TWINE_USERNAME', value: opts.user ?? 'token' },
      { name: 'TWINE_PASSWORD', value: opts.token, secret: true },
    );
  } else {
    result.notes.push('no token given: only anonymous reads will work');
  }
  result.notes.push(`pip resolves from ${index}; twine uploads to ${upload}`);
  return result;
}
