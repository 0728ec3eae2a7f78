/** Formatting for people: sizes, dates (build-info's `started`), durations. */
// Sizes and durations: core's one formatter, which the CLI and the report action use too.
import { formatBytes, formatDuration } from '../../../../core/src/format.ts';

export function bytes(n: number | undefined): string {
  return formatBytes(n);
}

/** Parses ISO dates and build-info's `yyyy-MM-dd'T'HH:mm:ss.SSS+hhmm`. */
export function parseDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function when(s: string | number | undefined): string {
  const d = typeof s === 'number' ? new Date(s) : parseDate(s);
  if (!d) return s === undefined ? '—' : String(s);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function duration(ms: number | undefined): string {
  return formatDuration(ms);
}

/** Numeric build numbers in numeric order, others after them by text. */
export function compareNumbers(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  if (Number.isFinite(x)) return -1;
  if (Number.isFinite(y)) return 1;
  return a.localeCompare(b);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
