/**
 * How sizes, durations and lead times read for people — one module for the CLI, the report
 * action's job summary and the web UI (which bundles it for the browser: no Node imports here),
 * so the three say the same thing about the same build.
 */

/** What a missing or impossible value shows as. */
export const MISSING = '—';

/** Bytes in binary units with three significant digits: `512 B`, `1.95 KiB`, `51.1 KiB`, `98 MiB`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return MISSING;
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1024) return `${sign}${Math.round(v)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

/** A size change: `+1.07 KiB`, `-300 B`, `±0 B`. */
export function formatBytesChange(n: number): string {
  return n === 0 ? '±0 B' : `${n > 0 ? '+' : '-'}${formatBytes(Math.abs(n))}`;
}

/** A duration to the precision people read: `850 ms`, `1.9 s`, `2 min 5 s`, `3 h 20 min`, `2 d 4 h`. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Lead-time statistics as the analytics API gives them (`DurationStats`). */
export interface LeadTimeStats {
  count: number;
  min: number | null;
  median: number | null;
  p90: number | null;
}

/** `median 2 h 0 min (min 1 h 0 min, p90 3 h 0 min, 3 releases)`, or `no release yet`. */
export function formatLeadTime(s: LeadTimeStats): string {
  if (s.count === 0 || s.min === null || s.median === null || s.p90 === null)
    return 'no release yet';
  return `median ${formatDuration(s.median)} (min ${formatDuration(s.min)}, p90 ${formatDuration(s.p90)}, ${s.count} release${s.count === 1 ? '' : 's'})`;
}
