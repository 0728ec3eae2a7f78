/**
 * One server replica in a process of its own, for tests that kill it (SIGKILL) mid-request.
 * argv[2] is a JSON object { dataDir, config, env }; prints { url } on its first line.
 */
import { startServer } from '../src/server.ts';

const arg = process.argv[2];
if (!arg) throw new Error('usage: replica-child.ts <json options>');
const opts = JSON.parse(arg) as { dataDir: string; config: unknown; env: Record<string, string> };
const s = await startServer({ dataDir: opts.dataDir, port: 0, config: opts.config, env: opts.env });
process.stdout.write(`${JSON.stringify({ url: s.url })}\n`);
process.on('SIGTERM', () => {
  void s.close().then(() => process.exit(0));
});
