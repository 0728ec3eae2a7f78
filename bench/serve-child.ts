// Starts the embedded server in its own process so the bench can read its peak memory.
import { startServer } from '@stowage/server';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serve-child.ts <data-dir>');
const s = await startServer({ dataDir, port: 0 });
process.stdout.write(`${JSON.stringify({ url: s.url, token: s.adminToken, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void s.close().then(() => process.exit(0));
});
