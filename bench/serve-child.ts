// Starts the embedded server in its own process so the bench can read its peak memory.
//   node bench/serve-child.ts <data-dir> [config.json]
// STOWAGE_SERVER_MODULE names another build's server module to start instead of this one's.
// Lines on stdin ask for the server's memory (bench/rss-phases.ts writes them): `memory` writes
// one line `memory {…}` to stderr (process.memoryUsage(), V8's heap statistics, and the number
// and main-thread time of V8's collections since the last such line); `gc` and
// `reduce` first run a full collection, `reduce` a memory-reducing one (V8's last resort, which
// also gives back the pages V8 keeps for reuse); both need node --expose-gc.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { pathToFileURL } from 'node:url';

// STOWAGE_SERVER_MODULE: another build's packages/server/dist/server.js (cpu-per-request.ts).
const moduleUrl = process.env.STOWAGE_SERVER_MODULE
  ? pathToFileURL(process.env.STOWAGE_SERVER_MODULE).href
  : '@stowage/server';
const { startServer } = (await import(moduleUrl)) as typeof import('@stowage/server');

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serve-child.ts <data-dir> [config.json]');
const configFile = process.argv[3];
const config = configFile ? (JSON.parse(await readFile(configFile, 'utf8')) as unknown) : undefined;
const s = await startServer({ dataDir, port: 0, ...(config ? { config } : {}) });
process.stdout.write(`${JSON.stringify({ url: s.url, token: s.adminToken, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void s.close().then(() => process.exit(0));
});

let gcProfiler = new v8.GCProfiler();
gcProfiler.start();

type Gc = (o?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void;
createInterface({ input: process.stdin }).on('line', (line) => {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (line === 'gc' || line === 'reduce') {
    if (!gc) throw new Error(`${line} needs node --expose-gc`);
    gc({
      type: 'major',
      execution: 'sync',
      flavor: line === 'reduce' ? 'last-resort' : 'regular',
    });
  } else if (line !== 'memory') return;
  const collections = gcProfiler.stop()?.statistics ?? [];
  gcProfiler = new v8.GCProfiler();
  gcProfiler.start();
  const memory = {
    gc: { count: collections.length, us: collections.reduce((sum, c) => sum + c.cost, 0) },
    usage: process.memoryUsage(),
    heap: v8.getHeapStatistics(),
    spaces: Object.fromEntries(
      v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size]),
    ),
  };
  process.stderr.write(`memory ${JSON.stringify(memory)}\n`);
});
