import { join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';
import { formatUrl, writeManaged } from './files.ts';

/**
 * conda: a user-level `~/.condarc` whose only channel is `<url>/api/conda/<repo>` (no defaults,
 * no channel_alias to anaconda.org), with the token in the channel URL when given and the build
 * as matrix parameters so the server records the downloads. An existing file is left as it was
 * unless `overwrite`.
 */
export async function setupConda(opts: SetupOptions): Promise<SetupResult> {
  const { value: channel, secret } = formatUrl(opts, 'conda');
  const file = join(opts.home, '.condarc');
  const result: SetupResult = { tool: 'conda', files: [], env: [], notes: [] };
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
  if (
    !(await writeManaged(result, file, text, { overwrite: opts.overwrite, secret, comment: '#' }))
  ) {
    return result;
  }
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(
    `conda resolves from ${opts.repo}; upload with PUT ${opts.url.replace(/\/+$/, '')}/api/conda/${encodeURIComponent(deploy)}/{subdir}/{file}.conda`,
  );
  if (secret) result.notes.push(`${file} holds the token in the channel URL`);
  return result;
}
