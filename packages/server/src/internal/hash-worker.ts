/**
 * The worker side of `hash-pool.ts`: keeps one running sha1/sha256/md5 per job, hashes each
 * batch it is sent, acknowledges it (the sender's backpressure), and answers the digests.
 */
import { parentPort } from 'node:worker_threads';
import { MultiHash } from '@stowage/core';
import type { FromHashWorker, ToHashWorker } from './hash-pool.ts';

const port = parentPort;
if (!port) throw new Error('hash-worker.ts runs only as a worker thread');
const jobs = new Map<number, MultiHash>();
port.on('message', (msg: ToHashWorker) => {
  let h = jobs.get(msg.job);
  if (!h) jobs.set(msg.job, (h = new MultiHash()));
  if (msg.chunk) h.update(msg.chunk);
  if (msg.end) {
    jobs.delete(msg.job);
    const reply: FromHashWorker = {
      job: msg.job,
      acked: msg.chunk?.byteLength ?? 0,
      sums: h.digest(),
    };
    port.postMessage(reply);
  } else {
    port.postMessage({ job: msg.job, acked: msg.chunk?.byteLength ?? 0 } satisfies FromHashWorker);
  }
});
