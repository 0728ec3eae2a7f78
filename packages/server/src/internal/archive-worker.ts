/**
 * The worker side of `findTarMember` (archive.ts): receives the archive one chunk at a time,
 * acknowledges each, walks it within the caps and posts the member found, or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  ArchiveLimitError,
  inspectTarIn,
  type FromWorker,
  type ToWorker,
  type WorkerJob,
} from './archive.ts';

const port = parentPort;
if (!port) throw new Error('archive-worker.ts runs only as a worker thread');
const job = workerData as WorkerJob;

const queue: Buffer[] = [];
let ended = false;
let wake: (() => void) | undefined;
port.on('message', (msg: ToWorker) => {
  if ('end' in msg) ended = true;
  else queue.push(Buffer.from(msg.chunk.buffer, msg.chunk.byteOffset, msg.chunk.byteLength));
  wake?.();
});

async function* chunks(): AsyncGenerator<Buffer> {
  for (;;) {
    const c = queue.shift();
    if (c) {
      yield c;
      // Asked for the next one only once this one is consumed: one chunk in flight.
      port?.postMessage({ ack: true } satisfies FromWorker);
      continue;
    }
    if (ended) return;
    await new Promise<void>((r) => (wake = r));
    wake = undefined;
  }
}

const post = (msg: FromWorker): void => port.postMessage(msg);
try {
  const member = await inspectTarIn(
    chunks(),
    job.compression,
    new RegExp(job.pattern, job.flags),
    job.caps,
  );
  post({ result: member ? { name: member.name, data: new Uint8Array(member.data) } : null });
} catch (err) {
  if (err instanceof ArchiveLimitError) post({ error: { message: err.message, cap: err.cap } });
  else post({ error: { message: (err as Error).message } });
}
port.close();
