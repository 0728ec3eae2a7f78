import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync('/dev/shm/zz.db');
db.exec('PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t(a)');
const s = db.prepare('SELECT total_changes() AS n');
const N = 1e6;
let t = performance.now();
let x = 0;
for (let i = 0; i < N; i++) x += (s.get() as { n: number }).n;
console.log('get obj', ((performance.now() - t) * 1000 / N).toFixed(3), 'us');
const s2 = db.prepare('SELECT total_changes()');
(s2 as any).setReturnArrays?.(true);
console.log('has setReturnArrays', typeof (s2 as any).setReturnArrays);
t = performance.now();
for (let i = 0; i < N; i++) x += (s2.get() as any)[0] ?? 0;
console.log('get arr', ((performance.now() - t) * 1000 / N).toFixed(3), 'us');
const dv = db.prepare('PRAGMA data_version');
t = performance.now();
for (let i = 0; i < N/10; i++) x += (dv.get() as any).data_version;
console.log('data_version', ((performance.now() - t) * 1000 / (N/10)).toFixed(3), 'us');
// parseTarget-like
const raw = 'bench-pkg';
t = performance.now();
for (let i = 0; i < N; i++) {
  const segs = raw.replace(/(^|\/)(?:@|%40)([^/%]*)%2f/gi, '$1@$2/').split('/').map((s) => { const d = decodeURIComponent(s); if (/[/\\\0]/.test(d) || d === '.' || d === '..') throw new Error(); return d; });
  x += segs.length;
}
console.log('parse', ((performance.now() - t) * 1000 / N).toFixed(3), 'us', x > 0);
