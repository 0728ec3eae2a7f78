import { access, chmod, writeFile } from 'node:fs/promises';
import type { SetupOptions, SetupResult } from './index.ts';

/**
 * A format endpoint `<url>/api/<format>/<repo>` for clients that can send neither headers nor
 * a token of their own: the credentials go inside the URL (then `secret` is true) and the
 * build rides as matrix parameters on the repository segment, so the server records the
 * downloads for it.
 */
export function formatUrl(opts: SetupOptions, format: string): { value: string; secret: boolean } {
  const u = new URL(opts.url);
  const secret = opts.token !== undefined && opts.token !== '';
  if (secret) {
    u.username = encodeURIComponent(opts.user ?? 'token');
    u.password = encodeURIComponent(opts.token ?? '');
  }
  const matrix = opts.build
    ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}`
    : '';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/${format}/${encodeURIComponent(opts.repo)}${matrix}`;
  return { value: u.toString(), secret };
}

/**
 * Writes a tool's configuration file unless one exists and `overwrite` is off; records what
 * happened in `result`. Returns false when the user's file was kept.
 */
export async function writeUnlessPresent(
  result: SetupResult,
  file: string,
  text: string,
  opts: { overwrite?: boolean | undefined; secret: boolean },
): Promise<boolean> {
  let exists = true;
  try {
    await access(file);
  } catch {
    exists = false;
  }
  if (exists && !opts.overwrite) {
    result.files.push({ path: file, action: 'kept' });
    result.notes.push(`${file} exists and was left as it was; pass overwrite to replace it`);
    return false;
  }
  const mode = opts.secret ? 0o600 : 0o644;
  await writeFile(file, text, { mode });
  // `mode` applies only to a new file: an overwritten one that now holds a token is narrowed too.
  await chmod(file, mode);
  result.files.push({ path: file, action: 'written' });
  return true;
}
