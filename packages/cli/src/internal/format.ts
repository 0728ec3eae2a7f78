/** Plain-text output: aligned tables; byte sizes and durations from core's one formatter. */

/** Aligns columns with two spaces between them; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return (
    all
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

// Sizes and durations read the same in the CLI, the report action and the web UI.
export { formatBytes, formatDuration } from '@stowage/core';
