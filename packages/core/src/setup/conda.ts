import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';

/**
 * conda: a user-level `~/.condarc` whose only channel is `<url>/api/conda/<repo>` (no defaults,
 * no channel_alias to anaconda.org), with the token in the channel URL when given and the build
 * as matrix parameters so the server records the downloads. An existing file is left as it was
 * unless `overwrite`.
 */
export async function setupConda(opts: SetupOptions): Promise<SetupResult> {
  const u = new URL(opts.url);
  const secret = opts.token !== undefined && opts.token !== '';
  if (secret) {
    u.username = encodeURIComponent(opts.user ?? 'token');
    u.password = encodeURIComponent(opts.token ?? '');
  }
  const matrix = opts.build
    ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}`
    : '';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/conda/${encodeURIComponent(opts.repo)}${matrix}`;
  const channel = u.toString();
  const file = join(opts.home, '.condarc');
  const result: SetupResult = { tool: 'conda', files: [], env: [], notes: [] };
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
  const text = [
    '# Written by stowage setup conda: resolve conda packages through Stowage only.',
    'channels:',
    `  - ${JSON.stringify(channel)}`,
    'default_channels: []',
    'custom_channels: {}',
    'channel_priority: strict',
    'show_channel_urls: true',
    '',
  ].join('\n');
  await writeFile(file, text, { mode: secret ? 0o600 : 0o644 });
  result.files.push({ path: file, action: 'written' });
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(
    `conda resolves from ${opts.repo}; upload with PUT ${opts.url.replace(/\/+$/, '')}/api/conda/${encodeURIComponent(deploy)}/{subdir}/{file}.conda`,
  );
  if (secret) result.notes.push(`${file} holds the token in the channel URL`);
  return result;
}
