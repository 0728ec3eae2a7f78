/**
 * The embedded server as a process of its own (bundled as setup/dist/server.cjs): setup starts it
 * detached, reads `{url, pid}` from the ready file, and the post step stops it with SIGTERM.
 * Usage: node server.cjs <data-dir> <ready-file> [config-file]
 */
import { rename, writeFile } from 'node:fs/promises';
import { startServer } from '@stowage/server';

async function main(): Promise<void> {
  const [dataDir, readyFile, configFile] = process.argv.slice(2);
  if (!dataDir || !readyFile) {
    process.stderr.write('usage: server.cjs <data-dir> <ready-file> [config-file]\n');
    process.exitCode = 2;
    return;
  }
  const server = await startServer({
    dataDir,
    port: 0,
    ...(configFile ? { configFile } : {}),
    logger: { level: 'info' },
  });
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stowage server: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const tmp = `${readyFile}.tmp`;
  await writeFile(tmp, JSON.stringify({ url: server.url, pid: process.pid }));
  await rename(tmp, readyFile);
}

main().catch((err: unknown) => {
  process.stderr.write(`stowage server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
