/** One formatter for sizes, durations and lead times: the CLI, the report and the UI agree. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatBytes,
  formatBytesChange,
  formatDuration,
  formatLeadTime,
  MISSING,
} from '../src/core.ts';

test('sizes: three significant digits in binary units, signed changes', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1996.8), '1.95 KiB');
  assert.equal(formatBytes(52_326), '51.1 KiB');
  assert.equal(formatBytes(150 * 1024 * 1024), '150 MiB');
  assert.equal(formatBytes(-2048), '-2.00 KiB');
  assert.equal(formatBytes(undefined), MISSING);
  assert.equal(formatBytes(Number.NaN), MISSING);
  assert.equal(formatBytesChange(1000), '+1000 B');
  assert.equal(formatBytesChange(-1096), '-1.07 KiB');
  assert.equal(formatBytesChange(0), '±0 B');
});

test('durations and lead times', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(59_940), '59.9 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(3 * 3_600_000 + 20 * 60_000), '3 h 20 min');
  assert.equal(formatDuration(52 * 3_600_000), '2 d 4 h');
  assert.equal(formatDuration(null), MISSING);
  assert.equal(formatDuration(-1), MISSING);
  assert.equal(formatLeadTime({ count: 0, min: null, median: null, p90: null }), 'no release yet');
  assert.equal(
    formatLeadTime({ count: 3, min: 3_600_000, median: 7_200_000, p90: 10_800_000 }),
    'median 2 h 0 min (min 1 h 0 min, p90 3 h 0 min, 3 releases)',
  );
});
