/**
 * Archive inspection with caps: the one place that reads a member (Chart.yaml, DESCRIPTION,
 * info/index.json, a .nuspec, a wheel's METADATA) out of an uploaded archive. Every read is
 * bounded by the server's `limits.archive`: bytes decompressed while looking, entries walked,
 * the size of the member kept, and the compression ratio (decompressed / compressed), so a
 * bomb is refused after a few blocks of work instead of being unpacked. Tar walks (gzip, bzip2,
 * zstd or plain) run on a worker thread, so a large archive never stalls the event loop (bzip2
 * goes through the system's `bzip2 -dc` where there is one, else a pure-JS decoder that can only
 * be stopped between blocks); zip members are read by random access through the
 * central directory and inflated with a bounded output.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
// A namespace import: the CLI bundle links `node:zlib` at start-up, and Node releases without
// zstd (before 22.15) would refuse a named import of it before any command could run.
import * as zlib from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import { HttpError } from '../errors.ts';
import { walkTar as walkTarMembers } from '@stowage/core';

/** Caps on what inspecting one archive may cost (the server config's `limits.archive`). */
export interface ArchiveCaps {
  /** Bytes decompressed while looking for the member. */
  totalBytes: number;
  /** Entries walked (tar) or listed in the central directory (zip). */
  entries: number;
  /** Largest member kept in memory. */
  entryBytes: number;
  /** Largest decompressed / compressed ratio, checked once more than 1 MiB is decompressed. */
  ratio: number;
}

export const DEFAULT_ARCHIVE_CAPS: ArchiveCaps = {
  totalBytes: 2 * 1024 ** 3,
  entries: 100_000,
  entryBytes: 16 * 1024 ** 2,
  ratio: 200,
};

/** Below this many decompressed bytes the ratio is not judged (tiny archives pad a lot). */
const RATIO_FLOOR = 1024 * 1024;

export type TarCompression = 'none' | 'gzip' | 'bzip2' | 'zstd';

export interface Member {
  name: string;
  data: Buffer;
}

/** Which cap an archive exceeded; becomes ERR_ARCHIVE_LIMIT (413) at the HTTP boundary. */
export class ArchiveLimitError extends Error {
  override name = 'ArchiveLimitError';
  readonly cap: keyof ArchiveCaps;
  constructor(cap: keyof ArchiveCaps, message: string) {
    super(message);
    this.cap = cap;
  }
}

export function archiveLimitHttpError(err: ArchiveLimitError, what: string): HttpError {
  return new HttpError('ERR_ARCHIVE_LIMIT', `${what} was refused: ${err.message}`, {
    hint: `nothing was stored; repack it, or raise limits.archive.${err.cap} in the server config`,
  });
}

const mib = (n: number): string =>
  n >= 1024 ** 2 ? `${Math.round((n / 1024 ** 2) * 10) / 10} MiB` : `${n} bytes`;

/** Counts bytes in and out of a decompressor and throws once a cap is passed. */
export class Meter {
  inBytes = 0;
  outBytes = 0;
  readonly caps: ArchiveCaps;
  constructor(caps: ArchiveCaps) {
    this.caps = caps;
  }
  input(n: number): void {
    this.inBytes += n;
  }
  output(n: number): void {
    this.outBytes += n;
    if (this.outBytes > this.caps.totalBytes) {
      throw new ArchiveLimitError(
        'totalBytes',
        `it unpacks to more than ${mib(this.caps.totalBytes)} before the member is found`,
      );
    }
    if (this.outBytes > RATIO_FLOOR && this.outBytes > this.caps.ratio * this.inBytes) {
      throw new ArchiveLimitError(
        'ratio',
        `it expands more than ${this.caps.ratio} times (${mib(this.outBytes)} from ${mib(this.inBytes)}): an archive bomb`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// tar

/**
 * Walks a decompressed tar stream until the first regular member whose name matches and returns
 * it (the core's tar reader), with the configured caps: passing one is an ArchiveLimitError.
 */
export function walkTar(
  stream: AsyncIterable<Buffer>,
  match: (name: string) => boolean,
  caps: ArchiveCaps,
): Promise<Member | undefined> {
  return walkTarMembers(stream, match, {
    entries: caps.entries,
    entryBytes: caps.entryBytes,
    onLimit: (limit, member) => {
      if (limit === 'entries')
        throw new ArchiveLimitError('entries', `it has more than ${caps.entries} entries`);
      throw new ArchiveLimitError(
        'entryBytes',
        member === undefined
          ? `a header record is larger than ${mib(caps.entryBytes)}`
          : `its member ${member} is larger than ${mib(caps.entryBytes)}`,
      );
    },
  });
}

/** Decompresses `src` while the meter watches both sides. */
export async function* decompress(
  src: AsyncIterable<Buffer>,
  compression: TarCompression,
  meter: Meter,
): AsyncGenerator<Buffer> {
  const counted = (async function* () {
    for await (const c of src) {
      meter.input(c.length);
      yield c;
    }
  })();
  if (compression === 'bzip2') {
    const bzip2 = bzip2Command();
    yield* bzip2 ? bunzip2Native(bzip2, counted, meter) : bunzip2(counted, meter);
    return;
  }
  if (compression === 'none') {
    for await (const c of counted) {
      meter.output(c.length);
      yield c;
    }
    return;
  }
  const dec = compression === 'gzip' ? zlib.createGunzip() : zlib.createZstdDecompress();
  const input = Readable.from(counted);
  input.once('error', (err) => dec.destroy(err));
  input.pipe(dec);
  try {
    for await (const c of dec) {
      meter.output((c as Buffer).length);
      yield c as Buffer;
    }
  } finally {
    input.destroy();
    dec.destroy();
  }
}

const BZIP2_PLACES = ['/usr/bin/bzip2', '/bin/bzip2', '/usr/local/bin/bzip2'];
let bzip2Found: string | null | undefined;

/** The system's bzip2 command (Debian's bzip2 package), when there is one. */
function bzip2Command(): string | undefined {
  bzip2Found ??= BZIP2_PLACES.find((p) => existsSync(p)) ?? null;
  return bzip2Found ?? undefined;
}

/**
 * bzip2 through the system's `bzip2 -dc` (libbz2, C): output is metered as it arrives through
 * the pipe, 64 kB at a time, and the process is killed the moment a cap is passed or the member
 * is found, so a bomb costs milliseconds whatever one block would unpack to.
 */
async function* bunzip2Native(
  command: string,
  src: AsyncIterable<Buffer>,
  meter: Meter,
): AsyncGenerator<Buffer> {
  const child = spawn(command, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  child.once('error', () => {});
  child.stdin.on('error', () => {}); // EPIPE once the member is found and bzip2 is gone
  const input = Readable.from(src);
  input.once('error', (err) => child.stdout.destroy(err));
  input.pipe(child.stdin);
  try {
    for await (const c of child.stdout) {
      meter.output((c as Buffer).length);
      yield c as Buffer;
    }
    const code = await closed;
    if (code !== 0) throw new Error(`bzip2: ${stderr.trim() || `exit status ${code}`}`);
  } finally {
    input.destroy();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * bzip2 with unbzip2-stream (a pure-JS decoder; Node has none). Each decoded block (at most
 * 900 kB) is metered as the decoder emits it: a cap throws from inside the decoder's loop, which
 * stops it after that block, however many blocks the remaining input would give.
 */
async function* bunzip2(src: AsyncIterable<Buffer>, meter: Meter): AsyncGenerator<Buffer> {
  const dec = unbzip2();
  const out: Buffer[] = [];
  let failure: Error | undefined;
  dec.on('data', (b: Buffer) => {
    if (failure) return;
    meter.output(b.length);
    out.push(b);
  });
  dec.on('error', (err: Error) => {
    failure ??= err;
  });
  const drain = function* (): Generator<Buffer> {
    if (failure instanceof ArchiveLimitError) throw failure;
    if (failure) throw new Error(`bzip2: ${failure.message}`, { cause: failure });
    while (out.length > 0) {
      const b = out.shift();
      if (b) yield b;
    }
  };
  for await (const chunk of src) {
    dec.write(chunk);
    yield* drain();
  }
  dec.end();
  yield* drain();
}

/** The tar walk as it runs on the worker (or in-thread where no worker file exists). */
export async function inspectTarIn(
  src: AsyncIterable<Buffer>,
  compression: TarCompression,
  pattern: RegExp,
  caps: ArchiveCaps,
): Promise<Member | undefined> {
  const meter = new Meter(caps);
  return walkTar(decompress(src, compression, meter), (n) => pattern.test(n), caps);
}

// ---------------------------------------------------------------------------------------------
// the worker

/** Messages of the worker protocol (archive-worker.ts). */
export type ToWorker = { chunk: Uint8Array } | { end: true };
export type FromWorker =
  | { ack: true }
  | { result: { name: string; data: Uint8Array } | null }
  | { error: { message: string; cap?: keyof ArchiveCaps } };

export interface WorkerJob {
  compression: TarCompression;
  pattern: string;
  flags: string;
  caps: ArchiveCaps;
}

function workerFile(): string | undefined {
  const here = import.meta.url;
  const url = new URL(here.endsWith('.ts') ? './archive-worker.ts' : './archive-worker.js', here);
  if (url.protocol !== 'file:') return undefined;
  const file = fileURLToPath(url);
  // A single-file bundle (the CLI's stowage.mjs) has no worker file beside it: inspect in-thread.
  return existsSync(file) ? file : undefined;
}

/** Heap a worker may use; a decoder that needs more is refused as a bomb. */
const WORKER_HEAP_MB = 256;

/** Inspections running at once (one per core is plenty); the others wait their turn. */
const MAX_WORKERS = Math.max(1, Math.min(4, availableParallelism()));
let running = 0;
const waiting: (() => void)[] = [];

async function withWorkerSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_WORKERS) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Finds the first tar member whose name matches `pattern` in `source` (compressed as given),
 * within `caps`, on a worker thread. The source is fed to the worker one chunk at a time (each
 * acknowledged before the next), so neither side holds more than a chunk ahead.
 */
export async function findTarMember(
  source: Readable,
  opts: { compression: TarCompression; pattern: RegExp; caps: ArchiveCaps },
): Promise<Member | undefined> {
  const file = workerFile();
  if (!file) {
    try {
      return await inspectTarIn(source, opts.compression, opts.pattern, opts.caps);
    } finally {
      source.destroy();
    }
  }
  return withWorkerSlot(() => inspectOnWorker(file, source, opts));
}

async function inspectOnWorker(
  file: string,
  source: Readable,
  opts: { compression: TarCompression; pattern: RegExp; caps: ArchiveCaps },
): Promise<Member | undefined> {
  const job: WorkerJob = {
    compression: opts.compression,
    pattern: opts.pattern.source,
    flags: opts.pattern.flags,
    caps: opts.caps,
  };
  const worker = new Worker(file, {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    stdout: false,
    stderr: false,
  });
  let settle!: { resolve: (m: Member | undefined) => void; reject: (e: Error) => void };
  const done = new Promise<Member | undefined>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let acked: (() => void) | undefined;
  let finished = false;
  worker.on('message', (msg: FromWorker) => {
    if ('ack' in msg) {
      acked?.();
      return;
    }
    finished = true;
    if ('result' in msg) {
      settle.resolve(
        msg.result ? { name: msg.result.name, data: Buffer.from(msg.result.data) } : undefined,
      );
    } else if (msg.error.cap) {
      settle.reject(new ArchiveLimitError(msg.error.cap, msg.error.message));
    } else {
      settle.reject(new Error(msg.error.message));
    }
    acked?.();
  });
  worker.on('error', (err: Error & { code?: string }) => {
    finished = true;
    settle.reject(
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new ArchiveLimitError('totalBytes', `inspecting it needs more than ${WORKER_HEAP_MB} MiB`)
        : err,
    );
    acked?.();
  });
  worker.on('exit', () => {
    if (!finished) settle.reject(new Error('the archive inspection stopped unexpectedly'));
    acked?.();
  });
  const feed = (async () => {
    for await (const c of source) {
      if (finished) break;
      const chunk = c as Buffer;
      // Copy into an ArrayBuffer of its own so it can be transferred, not cloned.
      const own = new Uint8Array(chunk.length);
      own.set(chunk);
      const ack = new Promise<void>((r) => (acked = r));
      worker.postMessage({ chunk: own } satisfies ToWorker, [own.buffer]);
      await ack;
    }
    if (!finished) worker.postMessage({ end: true } satisfies ToWorker);
  })();
  feed.catch((err: unknown) => {
    finished = true;
    settle.reject(err instanceof Error ? err : new Error(String(err)));
  });
  try {
    return await done;
  } finally {
    source.destroy();
    await worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// zip

/** Reads [start, end] (inclusive) of a stored file. */
export type RangeReader = (start: number, end: number) => Readable;

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > max) {
      stream.destroy();
      throw new ArchiveLimitError('entryBytes', `a part of it is larger than ${mib(max)}`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Central directory bytes per entry allowed on average (a record plus a long name). */
const CD_BYTES_PER_ENTRY = 46 + 512;

/**
 * Extracts one member of a zip file (a wheel, a .nupkg, a .conda) by random access: the
 * end-of-central-directory record, the central directory, then the member itself, inflated with
 * a bounded output. Undefined when no member matches or the archive is not a plain (non-zip64)
 * zip; a zip past the caps (too many entries, a member too large or expanding too much) throws
 * ArchiveLimitError.
 */
export async function findZipMember(
  read: RangeReader,
  size: number,
  match: (name: string) => boolean,
  caps: ArchiveCaps,
): Promise<Member | undefined> {
  if (size < 22) return undefined;
  const tailStart = Math.max(0, size - 65_557);
  const tail = await readAll(read(tailStart, size - 1), 65_557);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count > caps.entries || cdSize > caps.entries * CD_BYTES_PER_ENTRY) {
    throw new ArchiveLimitError('entries', `it has more than ${caps.entries} entries`);
  }
  if (cdOffset === 0xffffffff || cdOffset + cdSize > size || cdSize === 0) return undefined;
  const cd = await readAll(read(cdOffset, cdOffset + cdSize - 1), cdSize);
  let entries = 0;
  for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
    if (++entries > caps.entries) {
      throw new ArchiveLimitError('entries', `it has more than ${caps.entries} entries`);
    }
    const method = cd.readUInt16LE(p + 10);
    const csize = cd.readUInt32LE(p + 20);
    const usize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const local = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (!match(name)) continue;
    if (usize > caps.entryBytes || csize > caps.entryBytes) {
      throw new ArchiveLimitError(
        'entryBytes',
        `its member ${name} is larger than ${mib(caps.entryBytes)}`,
      );
    }
    if (usize > RATIO_FLOOR && usize > caps.ratio * csize) {
      throw new ArchiveLimitError(
        'ratio',
        `its member ${name} expands more than ${caps.ratio} times (${mib(usize)} from ${mib(csize)}): an archive bomb`,
      );
    }
    if (local + 30 > size) return undefined;
    const head = await readAll(read(local, local + 29), 30);
    if (head.readUInt32LE(0) !== 0x04034b50) return undefined;
    const start = local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    const raw =
      csize === 0 ? Buffer.alloc(0) : await readAll(read(start, start + csize - 1), csize);
    if (method === 0) return { name, data: raw };
    if (method !== 8) return undefined;
    // The central directory's size may lie: never inflate more than it declared (or the cap).
    let data: Buffer;
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(usize, 1) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ArchiveLimitError(
          'entryBytes',
          `its member ${name} unpacks to more than the ${usize} bytes its directory declares`,
        );
      }
      throw err;
    }
    return { name, data };
  }
  return undefined;
}

/** Bytes [start, end] of a stream (for content without random access, e.g. a staged upload). */
export function sliceStream(src: Readable, start: number, end: number): Readable {
  return Readable.from(
    (async function* () {
      let pos = 0;
      try {
        for await (const c of src) {
          const b = c as Buffer;
          const lo = Math.max(start - pos, 0);
          const hi = Math.min(end + 1 - pos, b.length);
          if (hi > lo) yield b.subarray(lo, hi);
          pos += b.length;
          if (pos > end) break;
        }
      } finally {
        src.destroy();
      }
    })(),
  );
}
