// Starts the embedded server in its own process so the bench can read its peak memory.
//   node bench/serve-child.ts <data-dir> [config.json]
import { readFile } from 'node:fs/promises';
import { startServer } from '@stowage/server';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serve-child.ts <data-dir> [config.json]');
const configFile = process.argv[3];
const config = configFile ? (JSON.parse(await readFile(configFile, 'utf8')) as unknown) : undefined;
const s = await startServer({ dataDir, port: 0, ...(config ? { config } : {}) });
process.stdout.write(`${JSON.stringify({ url: s.url, token: s.adminToken, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void s.close().then(() => process.exit(0));
});
