/**
 * Artifactory-style include/exclude patterns: comma-separated Ant globs where `**` matches
 * any number of path segments, `*` anything inside one segment and `?` one character.
 */
export function compilePatterns(list: string | undefined): RegExp[] {
  if (!list) return [];
  return list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      let re = '';
      for (let i = 0; i < p.length; i++) {
        const c = p[i] ?? '';
        if (c === '*' && p[i + 1] === '*') {
          // "**/" matches zero or more whole segments; a trailing "**" matches the rest.
          if (p[i + 2] === '/') {
            re += '(?:.*/)?';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return new RegExp(`^${re}$`);
    });
}

/** True when `path` passes the include list (empty = everything) and no exclude matches. */
export function allowedByPatterns(path: string, includes: RegExp[], excludes: RegExp[]): boolean {
  if (includes.length && !includes.some((r) => r.test(path))) return false;
  return !excludes.some((r) => r.test(path));
}
