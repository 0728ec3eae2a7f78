import { UsageError } from './errors.ts';

/**
 * Parses `--props "a=1;b=2,3"` into `{ a: ['1'], b: ['2', '3'] }`, the JFrog CLI syntax: `;`
 * separates properties, `,` separates values of one property, and `\;`, `\,`, `\=` or `\\` keep
 * a literal character. Repeated keys add values. An empty string gives `{}`.
 */
export function parseProps(input: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (input === undefined || input.trim() === '') return out;
  for (const pair of splitEscaped(input, ';')) {
    if (pair.trim() === '') continue;
    const eq = indexOfUnescaped(pair, '=');
    if (eq < 0) {
      throw new UsageError(
        `property "${unescape(pair)}" has no value; write it as key=value (e.g. --props "team=data;tier=gold")`,
      );
    }
    const key = unescape(pair.slice(0, eq)).trim();
    if (key === '') {
      throw new UsageError(`property "${unescape(pair)}" has an empty name; write it as key=value`);
    }
    const values = splitEscaped(pair.slice(eq + 1), ',').map(unescape);
    (out[key] ??= []).push(...values);
  }
  return out;
}

/** Merges property maps; later maps add values (duplicates dropped). */
export function mergeProps(...maps: Record<string, string[] | string>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const map of maps) {
    for (const [k, v] of Object.entries(map)) {
      const list = (out[k] ??= []);
      for (const value of Array.isArray(v) ? v : [v]) if (!list.includes(value)) list.push(value);
    }
  }
  return out;
}

function indexOfUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Parses `1,2, 3` (or repeated options already joined) into trimmed, non-empty items. */
export function parseList(input: string | string[] | undefined): string[] {
  if (input === undefined) return [];
  const all = Array.isArray(input) ? input : [input];
  return all
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
