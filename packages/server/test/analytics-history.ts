/**
 * Generated build histories with known analytics answers, shared by the server's inject tests
 * and the CLI end-to-end test. Every number the tests expect is derived in the comments here.
 */
import { createHash } from 'node:crypto';

export const T0 = Date.UTC(2026, 10, 1, 6, 0, 0);
export const HOUR = 3_600_000;

const hex = (seed: string, algo: 'sha1' | 'sha256'): string =>
  createHash(algo).update(seed).digest('hex');

/** `yyyy-MM-dd'T'HH:mm:ss.SSS+0000` */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

type Doc = Record<string, unknown>;

function doc(name: string, number: string, startedMs: number, extra: Doc = {}): Doc {
  return { version: '1.0.1', name, number, started: stamp(startedMs), ...extra };
}

const status = (s: string, ms: number, repository?: string): Doc => ({
  status: s,
  timestamp: stamp(ms),
  timestampDate: ms,
  ...(repository ? { repository } : {}),
});

/**
 * `app` 1..10, build i started at T0 + i h. qa: 1..6 (5 by repository only: status "approved");
 * release: 1..3, i hours after start (lead times 1 h, 2 h, 3 h); 2 is then "rolled-back"; 4 goes
 * back to staged. Expected: published 10; staged promoted 1 / reached 10; qa 6 / 6 (7 / 7 once the
 * test promotes 7); release 3 / 3; rolledBack 2; lead min 1 h, median 2 h, p90 3 h.
 */
export function funnelHistory(): Doc[] {
  const out: Doc[] = [];
  for (let i = 1; i <= 10; i++) {
    const started = T0 + i * HOUR;
    const statuses: Doc[] = [];
    if (i <= 6)
      statuses.push(
        i === 5
          ? status('approved', started + 600_000, 'generic-qa')
          : status('qa', started + 600_000),
      );
    if (i <= 3) statuses.push(status('release', started + i * HOUR, 'generic-release'));
    if (i === 2) statuses.push(status('rolled-back', started + 5 * HOUR));
    if (i === 4) statuses.push(status('staged', started + HOUR, 'generic-staging'));
    out.push(doc('app', String(i), started, statuses.length ? { statuses } : {}));
  }
  return out;
}

export const C_OLD = hex('org:c:2.0 first', 'sha256');
export const C_NEW = hex('org:c:2.0 rebuilt', 'sha256');

/**
 * `lib` 1..5, module `m`: org:a:1.0 constant; org:b 1.0,1.0,1.1,1.1,1.2 (2 version changes,
 * 3 versions); org:c:2.0 with checksum C_OLD in 1–3 and C_NEW in 4–5 (1 checksum change: the red
 * flag); left-pad:1.0 in 1–2; @scope/pkg@3.0.0 in 5 only. Artifacts: lib.jar (other content in
 * 5), old.txt in 1–4, lib-sources.jar from 5. Properties: 4 {a:1,b:2}, 5 {a:1,b:3,c:4}.
 */
export function depsHistory(): Doc[] {
  const b = ['1.0', '1.0', '1.1', '1.1', '1.2'];
  const out: Doc[] = [];
  for (let i = 1; i <= 5; i++) {
    const dep = (id: string, seed = id): Doc => ({
      id,
      sha1: hex(seed, 'sha1'),
      sha256: hex(seed, 'sha256'),
    });
    const deps: Doc[] = [dep('org:a:1.0'), dep(`org:b:${b[i - 1]}`)];
    deps.push({ id: 'org:c:2.0', sha256: i <= 3 ? C_OLD : C_NEW });
    if (i <= 2) deps.push(dep('left-pad:1.0'));
    if (i === 5) deps.push(dep('@scope/pkg@3.0.0'));
    const artifacts: Doc[] = [
      { name: 'lib.jar', sha256: hex(i === 5 ? 'jar v2' : 'jar v1', 'sha256'), size: 10 },
    ];
    if (i <= 4) artifacts.push({ name: 'old.txt', sha256: hex('old', 'sha256'), size: 3 });
    if (i === 5) artifacts.push({ name: 'lib-sources.jar', sha256: hex('src', 'sha256'), size: 7 });
    const properties =
      i === 4 ? { a: '1', b: '2' } : i === 5 ? { a: '1', b: '3', c: '4' } : undefined;
    out.push(
      doc('lib', String(i), T0 + i * HOUR, {
        ...(properties ? { properties } : {}),
        modules: [{ id: 'm', artifacts, dependencies: deps }],
      }),
    );
  }
  return out;
}

export const STORED_B = 'b'.repeat(50);

/**
 * `big` 1..3. core/a.bin 100, 300, 300 (size given); core/b.bin has no size, its content
 * (STORED_B, 50 bytes) is deployed so its size comes from the store; ui/c.js 10, 10, 60; ui/d.js in
 * 3 has no size and is not stored (unknown). Totals 160, 360, 410; deltas null, +200, +50.
 * Growth: modules core +200, ui +50; artifacts core/a.bin +200, ui/c.js +50.
 */
export function sizeHistory(): Doc[] {
  const a = [100, 300, 300];
  const c = [10, 10, 60];
  const bSha = createHash('sha256').update(STORED_B).digest('hex');
  return [1, 2, 3].map((i) =>
    doc('big', String(i), T0 + i * HOUR, {
      modules: [
        {
          id: 'core',
          artifacts: [
            { name: 'a.bin', sha256: hex(`a${i}`, 'sha256'), size: a[i - 1] },
            { name: 'b.bin', sha256: bSha },
          ],
        },
        {
          id: 'ui',
          artifacts: [
            { name: 'c.js', sha256: hex(`c${c[i - 1]}`, 'sha256'), size: c[i - 1] },
            ...(i === 3 ? [{ name: 'd.js', sha256: hex('d', 'sha256') }] : []),
          ],
        },
      ],
    }),
  );
}

export const LAYER = (n: number): string => hex(`layer ${n}`, 'sha256');
export const LAYER_SIZE: Record<number, number> = { 1: 1000, 2: 2000, 3: 300, 4: 400, 5: 5000 };

/**
 * `etl` 1..3, one docker module `registry.local:5000/etl:<n>` each. Layers: 1 {1,2,3} = 3300;
 * 2 {1,2,4} = 3400, new 4 (400); 3 {1,5,4} = 6400, new 5 (5000). Diff 1 → 3: shared {1} 1000,
 * new {5,4} 5400, removed {2,3} 2300.
 */
export function imageHistory(): Doc[] {
  const sets = [
    [1, 2, 3],
    [1, 2, 4],
    [1, 5, 4],
  ];
  return sets.map((layers, k) =>
    doc('etl', String(k + 1), T0 + (k + 1) * HOUR, {
      modules: [
        {
          id: `registry.local:5000/etl:${k + 1}`,
          type: 'docker',
          artifacts: layers.map((n) => ({
            name: `sha256__${LAYER(n)}`,
            sha256: LAYER(n),
            size: LAYER_SIZE[n],
          })),
        },
      ],
    }),
  );
}
