/**
 * Helpers for the security probes: the real server as a child process (`stowage serve`, the
 * built CLI), so a probe can read its peak RSS from /proc, kill it with SIGKILL and start it
 * again on the same data directory; raw HTTP requests whose bodies the probe controls; and a
 * ping loop that proves the event loop kept answering while something heavy ran.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI to run; STOWAGE_TEST_CLI points the probes at another build (e.g. main's, to compare). */
export const CLI = process.env.STOWAGE_TEST_CLI ?? join(ROOT, 'packages/cli/dist/cli.js');

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stowage-sec-${prefix}-`));
}

/** Repositories of every format, for probes that touch each write path. */
export const ALL_FORMATS_CONFIG = {
  repositories: [
    { key: 'generic-staging', rclass: 'local', packageType: 'generic' },
    { key: 'generic-qa', rclass: 'local', packageType: 'generic' },
    { key: 'generic-release', rclass: 'local', packageType: 'generic' },
    { key: 'npm-local', rclass: 'local', packageType: 'npm' },
    { key: 'pypi-local', rclass: 'local', packageType: 'pypi' },
    { key: 'go-local', rclass: 'local', packageType: 'go' },
    { key: 'maven-local', rclass: 'local', packageType: 'maven' },
    { key: 'nuget-local', rclass: 'local', packageType: 'nuget' },
    { key: 'cran-local', rclass: 'local', packageType: 'cran' },
    { key: 'conda-local', rclass: 'local', packageType: 'conda' },
    { key: 'helm-local', rclass: 'local', packageType: 'helm' },
    { key: 'docker-local', rclass: 'local', packageType: 'docker' },
  ],
};

export interface ServerProcess {
  url: string;
  token: string;
  pid: number;
  dataDir: string;
  /** Log lines (pino JSON) printed so far. */
  logs(): string[];
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** Current resident set size (VmRSS), in bytes. */
  rss(): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `stowage serve` on a free port over `dataDir` and waits until it listens. */
export async function spawnServer(
  dataDir: string,
  config: unknown = ALL_FORMATS_CONFIG,
  opts: { tmpDir?: string } = {},
): Promise<ServerProcess> {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const configFile = join(dataDir, '..', `${dataDir.split('/').pop() ?? 'data'}-config.json`);
  await writeFile(configFile, JSON.stringify(config));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      '--json',
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--config',
      configFile,
      '--log-level',
      // debug: the "incoming request" line tells a probe its request reached the server.
      'debug',
      // One server on this data directory: every temporary file left at start is a crash's.
      '--temp-max-age',
      '0',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: tmpdir(),
        // The process's own temporary directory (os.tmpdir()), so a probe can see what it leaves.
        TMPDIR: opts.tmpDir ?? tmpdir(),
      },
    },
  );
  const lines: string[] = [];
  let stderr = '';
  let pending = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = new Promise<{ url: string; adminTokenFile: string }>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"adminTokenFile"'))
          resolve(JSON.parse(line) as { url: string; adminTokenFile: string });
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('exit', (code) =>
      reject(new Error(`stowage serve exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const info = await started;
  const token = (await readFile(info.adminTokenFile, 'utf8')).trim();
  const status = async (field: 'VmHWM' | 'VmRSS'): Promise<number> => {
    const text = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return Number(m?.[1] ?? 0) * 1024;
  };
  return {
    url: info.url,
    token,
    pid: child.pid ?? -1,
    dataDir,
    logs: () => [...lines, ...(pending ? [pending] : [])],
    peakRss: () => status('VmHWM'),
    rss: () => status('VmRSS'),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // Cleanup must not hang on a server that does not stop (a probe that failed half way).
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json(): unknown;
}

/**
 * One HTTP request with node:http. `body` may be a Buffer or a stream (sent chunked unless a
 * content-length header is given). A server that answers early and closes still yields its
 * answer; a connection reset before any answer rejects.
 */
export function send(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string | Readable;
    signal?: AbortSignal;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      signal: opts.signal,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: () => body.toString('utf8'),
          json: () => JSON.parse(body.toString('utf8')) as unknown,
        });
      });
    });
    // The server may answer (413, 507) before it has read the whole body: keep the answer.
    req.on('error', (err) => {
      if (!(req as { res?: unknown }).res) reject(err);
    });
    const b = opts.body;
    if (b === undefined) req.end();
    else if (typeof b === 'string' || Buffer.isBuffer(b)) req.end(b);
    else {
      b.on('error', (err) => req.destroy(err));
      b.pipe(req);
    }
  });
}

/**
 * One request with curl (the body from stdin, sent chunked unless `length` is set): curl reads
 * an answer the server sends before it has taken the whole body (413, 507), where node:http can
 * fail its write with EPIPE first.
 */
export function curlSend(
  url: string,
  opts: { method: string; headers?: Record<string, string>; body: Buffer; length?: boolean },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const args = [
      '-sS',
      '-X',
      opts.method,
      '--data-binary',
      '@-',
      '-o',
      '-',
      '-w',
      '\n%{http_code}',
    ];
    for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
    if (!opts.length) args.push('-H', 'Transfer-Encoding: chunked');
    args.push('-H', 'Expect:', url);
    const child = spawn('curl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdin.on('error', () => {}); // curl stops reading once the server has answered
    child.on('error', reject);
    child.on('close', () => {
      const all = Buffer.concat(out);
      const nl = all.lastIndexOf(0x0a);
      const status = Number(all.subarray(nl + 1).toString());
      if (!status) {
        reject(new Error(`curl got no answer from ${url}: ${err}`));
        return;
      }
      const body = all.subarray(0, nl);
      resolve({
        status,
        headers: {},
        body,
        text: () => body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      });
    });
    child.stdin.end(opts.body);
  });
}

export function auth(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The error code of an Artifactory-shaped error body. */
export function errorCode(r: RawResponse): string | undefined {
  try {
    return (r.json() as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

export function errorMessage(r: RawResponse): string {
  try {
    return (r.json() as { errors?: { message?: string }[] }).errors?.[0]?.message ?? '';
  } catch {
    return r.text();
  }
}

/**
 * Pings `/api/system/ping` one request after another until stopped; returns how many were sent
 * and the statuses of those that failed. Proves the event loop kept answering during `work`.
 */
export async function whilePinging<T>(
  base: string,
  work: () => Promise<T>,
): Promise<{ result: T; pings: number; failures: string[] }> {
  let stop = false;
  let pings = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (!stop) {
      pings++;
      try {
        const r = await send(`${base}/api/system/ping`);
        if (r.status !== 200) failures.push(`status ${r.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  })();
  try {
    const result = await work();
    return { result, pings, failures };
  } finally {
    stop = true;
    await loop;
  }
}
