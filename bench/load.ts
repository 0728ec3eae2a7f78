// The load generators bench/peers.ts and bench/rss-phases.ts share: keep-alive GETs for a while,
// and many small PUTs, from a number of concurrent clients (undici, in the calling process).
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';

/** GETs of `url` over `clients` keep-alive connections for `seconds`; every answer must be 200. */
export async function loadGets(
  url: string,
  headers: Record<string, string>,
  opts: { clients: number; seconds: number },
): Promise<{ rate: number; n: number }> {
  const agent = new Agent({ connections: opts.clients, pipelining: 1 });
  let n = 0;
  const t0 = performance.now();
  const until = t0 + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (performance.now() < until) {
        const res = await request(url, { dispatcher: agent, headers });
        await res.body.dump({ limit: Infinity });
        if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
        n++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await agent.close();
  return { rate: n / secs, n };
}

/**
 * `count` PUTs of 1 KiB bodies (random per call, numbered per PUT) to `urlOf(i)` from `clients`
 * clients; returns deploys per second. Every answer must be below 300.
 */
export async function smallPuts(
  urlOf: (i: number) => string,
  headers: Record<string, string>,
  opts: { clients: number; count: number },
): Promise<number> {
  const agent = new Agent({ connections: opts.clients });
  const body = randomBytes(1024);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      for (let i = next++; i < opts.count; i = next++) {
        body.writeUInt32LE(i, 0);
        const res = await request(urlOf(i), {
          method: 'PUT',
          dispatcher: agent,
          headers: { ...headers, 'content-type': 'application/octet-stream' },
          body: Buffer.from(body),
        });
        await res.body.dump();
        if (res.statusCode >= 300) throw new Error(`PUT ${urlOf(i)}: ${res.statusCode}`);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await agent.close();
  return opts.count / secs;
}
