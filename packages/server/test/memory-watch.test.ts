/**
 * The memory watch decides when V8 gives back what it keeps unused: only above the target, at
 * most once per gap, backing off while the collections free little. The clock, RSS and the
 * collection are the test's; one test runs V8's real memory-reducing collection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryWatch, reduceHeap } from '../src/internal/memory-watch.ts';
import { resolveConfig, ConfigError, DEFAULT_CONFIG } from '../src/server.ts';

const MiB = 1024 * 1024;

function fake(opts: { target: number; minGapMs?: number; maxGapMs?: number }) {
  const state = { rss: 0, freed: 0, now: 0, reductions: 0 };
  const watch = new MemoryWatch({
    targetBytes: opts.target,
    ...(opts.minGapMs !== undefined ? { minGapMs: opts.minGapMs } : {}),
    ...(opts.maxGapMs !== undefined ? { maxGapMs: opts.maxGapMs } : {}),
    worthBytes: 16 * MiB,
    rss: () => state.rss,
    now: () => state.now,
    reduce: () => {
      state.reductions++;
      state.rss -= state.freed;
    },
  });
  return { watch, state };
}

test('MemoryWatch: collects only above the target, at most once per gap', () => {
  const { watch, state } = fake({ target: 192 * MiB, minGapMs: 5_000 });
  state.rss = 150 * MiB;
  assert.equal(watch.check(), false);
  assert.equal(state.reductions, 0);

  state.rss = 300 * MiB;
  state.freed = 150 * MiB;
  assert.equal(watch.check(), true);
  assert.equal(state.rss, 150 * MiB);

  // Above the target again within the gap: nothing; after it: one more.
  state.rss = 250 * MiB;
  state.now = 4_999;
  assert.equal(watch.check(), false);
  state.now = 5_000;
  assert.equal(watch.check(), true);
  assert.equal(state.reductions, 2);
  assert.equal(watch.gapMs, 5_000, 'collections that free much keep the shortest gap');
});

test('MemoryWatch: backs off while collections free little, and recovers', () => {
  const { watch, state } = fake({ target: 192 * MiB, minGapMs: 1_000, maxGapMs: 4_000 });
  state.rss = 400 * MiB; // live memory: collecting frees next to nothing
  state.freed = 1 * MiB;
  const gaps: number[] = [];
  for (let t = 0; t <= 20_000; t += 100) {
    state.now = t;
    if (watch.check()) gaps.push(watch.gapMs);
  }
  assert.deepEqual(gaps.slice(0, 4), [2_000, 4_000, 4_000, 4_000]);
  // 0, 2 s, 6 s, 10 s, 14 s, 18 s: six in 20 s rather than twenty.
  assert.equal(state.reductions, 6);

  state.freed = 100 * MiB;
  state.now = 22_000;
  assert.equal(watch.check(), true);
  assert.equal(watch.gapMs, 1_000);
});

test('MemoryWatch: waits until no request has arrived for quietMs before it collects', () => {
  let requests = 0;
  let reductions = 0;
  let rss = 300 * MiB;
  let now = 0;
  const watch = new MemoryWatch({
    targetBytes: 192 * MiB,
    minGapMs: 1_000,
    quietMs: 3_000,
    activity: () => requests,
    rss: () => rss,
    now: () => now,
    reduce: () => {
      reductions++;
      rss = 150 * MiB;
    },
  });
  for (let t = 0; t <= 30; t++) {
    now = t * 1_000;
    requests += 50; // sustained load: never
    assert.equal(watch.check(), false);
  }
  assert.equal(reductions, 0, 'no collection while requests keep arriving');
  for (const t of [31, 32]) {
    now = t * 1_000;
    assert.equal(watch.check(), false, `${t - 30} s quiet is not yet enough`);
  }
  now = 33_000;
  assert.equal(watch.check(), true, 'quiet for quietMs after the busy spell: it collects');
  assert.equal(rss, 150 * MiB);
  rss = 300 * MiB;
  now = 40_000;
  requests++;
  assert.equal(watch.check(), false, 'a single request starts the quiet period again');
  now = 42_000;
  assert.equal(watch.check(), false);
  now = 43_000;
  assert.equal(watch.check(), true);
});

test('MemoryWatch: a target of 0 turns it off', () => {
  const { watch, state } = fake({ target: 0 });
  state.rss = 4096 * MiB;
  state.freed = 4000 * MiB;
  assert.equal(watch.check(), false);
  assert.equal(state.reductions, 0);
});

test('reduceHeap runs V8 memory-reducing collection without --expose-gc leaking out', async () => {
  const hadGc = 'gc' in globalThis;
  const weak = new WeakRef(Array.from({ length: 10_000 }, (_, i) => ({ i })));
  // A WeakRef keeps its target until the job that made it has ended.
  await new Promise((resolve) => setImmediate(resolve));
  reduceHeap();
  assert.equal(weak.deref(), undefined, 'a last-resort collection frees what nothing holds');
  assert.equal('gc' in globalThis, hadGc, 'the global scope gains no gc function');
});

test('config: rssTarget is a whole number of bytes, 0 turns the watch off', () => {
  assert.equal(DEFAULT_CONFIG.rssTarget, 192 * MiB);
  assert.equal(resolveConfig({ rssTarget: 0 }).rssTarget, 0);
  assert.equal(resolveConfig({ rssTarget: 512 * MiB }).rssTarget, 512 * MiB);
  for (const bad of [-1, 1.5, '192MiB', null])
    assert.throws(() => resolveConfig({ rssTarget: bad }), ConfigError);
});
