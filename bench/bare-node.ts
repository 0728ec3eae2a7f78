// Node's own HTTP server with nothing of Stowage's on top, a peer for bench/peers.ts: a bare
// `node:http` server that does what nginx does in the bench and nothing else, with Node's plain
// APIs, so a figure can say how much of the gap to nginx is Node's own. No authentication, no checksums, no metadata, no audit, no limits: never
// run it anywhere but loopback.
//
//   node bench/bare-node.ts <www dir>     prints {"url": …} on its first line
//
// GET/HEAD serve a file of the www dir (files up to 256 KiB kept in memory once read, as
// Stowage's small-file cache does; larger ones streamed with a 1 MiB read buffer). PUT writes
// the body to a temporary file and renames it into place, making missing folders once, the way
// nginx's WebDAV PUT with `create_full_put_path on` does.
import {
  createReadStream,
  createWriteStream,
  mkdir,
  readFile,
  rename,
  stat,
  writeFile,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join, normalize } from 'node:path';

const www = process.argv[2] ?? '';
if (!www) throw new Error('usage: node bench/bare-node.ts <www dir>');
const tmp = join(www, '..', 'bare-node-tmp');
await new Promise<void>((res, rej) => mkdir(tmp, { recursive: true }, (e) => (e ? rej(e) : res())));

const SMALL = 256 * 1024;
const small = new Map<string, Buffer>();
const madeDirs = new Set<string>();
let seq = 0;

function fail(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

function fileOf(url: string | undefined): string | undefined {
  const path = normalize(decodeURIComponent((url ?? '/').split('?')[0]!));
  return path.startsWith('/') && !path.includes('\0') ? join(www, path) : undefined;
}

function get(req: IncomingMessage, res: ServerResponse, file: string): void {
  const hit = small.get(file);
  const type = file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  if (hit) {
    res.writeHead(200, { 'content-type': type, 'content-length': hit.length });
    res.end(req.method === 'HEAD' ? undefined : hit);
    return;
  }
  stat(file, (err, st) => {
    if (err || !st.isFile()) return fail(res, 404);
    if (st.size <= SMALL) {
      readFile(file, (e, data) => {
        if (e) return fail(res, 500);
        small.set(file, data);
        res.writeHead(200, { 'content-type': type, 'content-length': data.length });
        res.end(req.method === 'HEAD' ? undefined : data);
      });
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': st.size });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(res);
  });
}

function put(req: IncomingMessage, res: ServerResponse, file: string): void {
  const part = join(tmp, `${process.pid}-${seq++}`);
  const done = (err: Error | null): void => {
    if (err) return fail(res, 500);
    const dir = dirname(file);
    const place = (): void =>
      rename(part, file, (e) => {
        small.delete(file);
        fail(res, e ? 500 : 201);
      });
    if (madeDirs.has(dir)) return place();
    mkdir(dir, { recursive: true }, (e) => {
      if (e) return fail(res, 500);
      madeDirs.add(dir);
      place();
    });
  };
  const length = Number(req.headers['content-length']);
  if (length >= 0 && length <= 64 * 1024) {
    // A small body is read whole and written with one call, as Stowage's small deploys are.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => writeFile(part, Buffer.concat(chunks), done));
    return;
  }
  const out = createWriteStream(part);
  out.on('error', done);
  out.on('finish', () => done(null));
  req.pipe(out);
}

const server = createServer((req, res) => {
  const file = fileOf(req.url);
  if (!file) return fail(res, 400);
  if (req.method === 'GET' || req.method === 'HEAD') return get(req, res, file);
  if (req.method === 'PUT') return put(req, res, file);
  fail(res, 405);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`,
  );
});
