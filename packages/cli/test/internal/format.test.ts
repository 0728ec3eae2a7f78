import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatDuration, formatTable } from '../../src/internal/format.ts';
import { mapLimit } from '../../src/internal/pool.ts';

describe('formatTable', () => {
  it('aligns columns and leaves the last one unpadded', () => {
    assert.equal(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', ''],
        ],
      ),
      'A    LONGER\nxyz  1\nq\n',
    );
  });
});

describe('formatBytes / formatDuration', () => {
  it('uses binary units and short durations', () => {
    assert.equal(formatBytes(12), '12 B');
    assert.equal(formatBytes(100_000), '97.7 KiB');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatDuration(250), '250 ms');
    assert.equal(formatDuration(1900), '1.9 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });

  it('rethrows the first failure and starts no new work after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapLimit([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(started, [1, 2]);
  });
});
