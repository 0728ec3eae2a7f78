import { access, chmod, readFile, writeFile } from 'node:fs/promises';
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

/** The first line of the block `stowage setup` owns in a line-based configuration file. */
export const MANAGED_BEGIN =
  '>>> stowage setup: managed block, rewritten by each run; edit outside it >>>';
/** The last line of that block. */
export const MANAGED_END = '<<< stowage setup <<<';
/** The mark of an XML configuration file that `stowage setup` wrote as a whole. */
export const OWNED_MARK = 'written by stowage setup; rewritten by each run';

/** How a file type comments a line; `xml` files are owned whole. */
export type CommentStyle = '#' | '//' | 'xml';

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * `text` with Stowage's ownership mark: inside the begin/end lines of a managed block
 * (line-based files), or with a comment after the XML declaration.
 */
export function markOwned(text: string, comment: CommentStyle): string {
  if (comment === 'xml') {
    const mark = `<!-- ${OWNED_MARK}: settings of your own go in another file, or pass overwrite -->`;
    const decl = /^<\?xml[^>]*\?>\n/.exec(text);
    return decl ? `${decl[0]}${mark}\n${text.slice(decl[0].length)}` : `${mark}\n${text}`;
  }
  return `${comment} ${MANAGED_BEGIN}\n${text.replace(/\n+$/, '')}\n${comment} ${MANAGED_END}\n`;
}

/**
 * Writes a tool's configuration file so that the next `stowage setup` (a new build, with its
 * own token) can update it:
 * - a line-based file (`#` or `//` comments) holds the settings in a managed block; when the
 *   file already has that block only the block is replaced, and what the user wrote around it
 *   stays;
 * - an XML file carries an ownership mark and is rewritten as a whole when it has it;
 * - a file without the mark or block is the user's own: left as it was (noted) unless
 *   `overwrite`, which replaces it with Stowage's.
 * Returns false when the user's file was kept.
 */
export async function writeManaged(
  result: SetupResult,
  file: string,
  text: string,
  opts: { overwrite?: boolean | undefined; secret: boolean; comment: CommentStyle; hint?: string },
): Promise<boolean> {
  const existing = await readIfPresent(file);
  let next: string | undefined;
  let how = 'wrote';
  if (existing === undefined || opts.overwrite) {
    next = markOwned(text, opts.comment);
  } else if (opts.comment === 'xml') {
    if (existing.includes(OWNED_MARK)) {
      next = markOwned(text, opts.comment);
      how = 'rewrote';
    }
  } else {
    const lines = existing.split('\n');
    const begin = lines.findIndex((l) => l.trim() === `${opts.comment} ${MANAGED_BEGIN}`);
    const end = lines.findIndex(
      (l, i) => i > begin && l.trim() === `${opts.comment} ${MANAGED_END}`,
    );
    if (begin >= 0 && end > begin) {
      const block = markOwned(text, opts.comment).replace(/\n$/, '').split('\n');
      next = [...lines.slice(0, begin), ...block, ...lines.slice(end + 1)].join('\n');
      how = 'updated the stowage block of';
    }
  }
  if (next === undefined) {
    result.files.push({ path: file, action: 'kept' });
    result.notes.push(
      `${file} exists and is not one stowage setup wrote (no stowage block); it was left as it was: pass overwrite to replace it${opts.hint ? `, or ${opts.hint}` : ''}`,
    );
    return false;
  }
  const mode = opts.secret ? 0o600 : 0o644;
  await writeFile(file, next, { mode });
  // `mode` applies only to a new file: an existing one that now holds a token is narrowed too.
  await chmod(file, mode);
  result.files.push({ path: file, action: 'written' });
  if (how !== 'wrote') result.notes.push(`${how} ${file}`);
  return true;
}
