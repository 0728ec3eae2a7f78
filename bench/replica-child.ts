// One server replica in its own process for bench/storage.ts: argv[2] is JSON
// { dataDir, config, env }; prints { url, pid } on its first line.
import { startServer } from '@stowage/server';

const arg = process.argv[2];
if (!arg) throw new Error('usage: replica-child.ts <json options>');
const o = JSON.parse(arg) as { dataDir: string; config: unknown; env: Record<string, string> };
const s = await startServer({ dataDir: o.dataDir, port: 0, config: o.config, env: o.env });
process.stdout.write(`${JSON.stringify({ url: s.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void s.close().then(() => process.exit(0));
});
