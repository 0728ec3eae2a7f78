/**
 * A small streaming tar writer (POSIX ustar, with a pax `path` record for names that do not fit
 * the ustar name/prefix fields). Only regular files: enough for a Helm chart archive. Each file's
 * content is streamed from disk; nothing is held in memory but one 512-byte header at a time.
 * And its reader: `walkTar` finds one member (a Chart.yaml, a DESCRIPTION) in a stream.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

export interface TarFile {
  /** The name inside the archive ("/"-separated). */
  name: string;
  /** The file on disk. */
  source: string;
  size: number;
  mode?: number;
  mtime?: Date;
}

function header(name: string, size: number, mode: number, mtime: Date, type: '0' | 'x'): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    // Split at a "/" so the tail fits the name field and the head the prefix field.
    for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
      if (
        Buffer.byteLength(name.slice(i + 1)) <= 100 &&
        Buffer.byteLength(name.slice(0, i)) <= 155
      ) {
        prefix = name.slice(0, i);
        base = name.slice(i + 1);
        break;
      }
    }
  }
  h.write(base.slice(0, 100), 0, 100, 'utf8');
  h.write(`${(mode & 0o7777).toString(8).padStart(7, '0')}\0`, 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(
    `${Math.floor(mtime.getTime() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

const pad = (size: number): Buffer => Buffer.alloc((512 - (size % 512)) % 512);

/** True when a name fits ustar's name (100) and prefix (155) fields. */
function fitsUstar(name: string): boolean {
  if (Buffer.byteLength(name) <= 100) return true;
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    if (Buffer.byteLength(name.slice(i + 1)) <= 100 && Buffer.byteLength(name.slice(0, i)) <= 155)
      return true;
  }
  return false;
}

/** A pax extended header record `"<len> path=<name>\n"` (the length counts itself). */
function paxPath(name: string): Buffer {
  const body = ` path=${name}\n`;
  const n = Buffer.byteLength(body);
  let len = n + String(n).length;
  while (String(len).length + n !== len) len = String(len).length + n;
  return Buffer.from(`${len}${body}`);
}

/** The tar archive of `files`, in order, as a stream (pipe it through gzip for a .tgz). */
export function tarStream(files: TarFile[]): Readable {
  return Readable.from(
    (async function* () {
      for (const f of files) {
        const mtime = f.mtime ?? new Date();
        const mode = f.mode ?? 0o644;
        if (!fitsUstar(f.name)) {
          const pax = paxPath(f.name);
          yield header('PaxHeader', pax.length, 0o644, mtime, 'x');
          yield pax;
          yield pad(pax.length);
        }
        yield header(f.name, f.size, mode, mtime, '0');
        let sent = 0;
        for await (const chunk of createReadStream(f.source)) {
          const b = chunk as Buffer;
          const room = f.size - sent;
          if (room <= 0) break;
          const part = b.length > room ? b.subarray(0, room) : b;
          sent += part.length;
          yield part;
        }
        if (sent !== f.size) throw new Error(`${f.source} changed size while it was archived`);
        yield pad(f.size);
      }
      yield Buffer.alloc(1024);
    })(),
  );
}

/** Largest member `extractTarMember` keeps in memory (a DESCRIPTION, an index.json). */
const MAX_MEMBER = 16 * 1024 * 1024;

/** What a tar walk may meet before it stops (a hostile archive is endless or huge). */
export interface TarWalkLimits {
  /** Headers read at most (every member, long-name and pax record counts). */
  entries: number;
  /** Bytes one kept record (the member asked for, a long name, a pax record) may have. */
  entryBytes: number;
  /**
   * Called when a limit is passed, with the name of the member when one is too large: throw to
   * fail the walk; when it returns, the walk ends with undefined.
   */
  onLimit?: (limit: 'entries' | 'entryBytes', member?: string) => void;
}

/**
 * Reads a (decompressed) tar stream until the first regular member whose name matches and
 * returns it; other members are skipped without being kept. Understands ustar prefixes, GNU long
 * names (`L`) and pax `path` records. Undefined when no member matches (or a limit was passed
 * and `onLimit` returned). The one tar reader of the project: the server's archive inspection
 * (with its configured caps) and the core's Chart.yaml/DESCRIPTION lookups both use it.
 */
export async function walkTar(
  stream: AsyncIterable<Buffer>,
  match: (name: string) => boolean,
  limits: TarWalkLimits,
): Promise<{ name: string; data: Buffer } | undefined> {
  let buf: Buffer = Buffer.alloc(0);
  let skip = 0;
  let entries = 0;
  let want: { name: string; size: number; keep: 'member' | 'longname' | 'pax' } | undefined;
  let longName: string | undefined;
  for await (const chunk of stream) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        buf = buf.subarray(n);
        skip -= n;
        if (skip > 0) break;
      }
      if (want) {
        const padded = Math.ceil(want.size / 512) * 512;
        if (buf.length < padded) break;
        const data = Buffer.from(buf.subarray(0, want.size));
        buf = buf.subarray(padded);
        const w = want;
        want = undefined;
        if (w.keep === 'member') return { name: w.name, data };
        if (w.keep === 'longname') longName = data.toString('utf8').replace(/\0.*$/s, '');
        else longName = paxRecordPath(data) ?? longName;
        continue;
      }
      if (buf.length < 512) break;
      const h = buf.subarray(0, 512);
      buf = buf.subarray(512);
      if (h.every((b) => b === 0)) return undefined;
      if (++entries > limits.entries) {
        limits.onLimit?.('entries');
        return undefined;
      }
      const size = parseOctal(h.subarray(124, 136));
      const type = String.fromCharCode(h[156] ?? 0);
      const field = (a: number, b: number): string =>
        h.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
      const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? field(345, 500) : '';
      let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      if (type === 'L' || type === 'x') {
        if (size > limits.entryBytes) {
          limits.onLimit?.('entryBytes');
          return undefined;
        }
        want = { name: '', size, keep: type === 'L' ? 'longname' : 'pax' };
        continue;
      }
      longName = undefined;
      name = name.replace(/^\.\//, '');
      if ((type === '0' || type === '\0') && match(name)) {
        if (size > limits.entryBytes) {
          limits.onLimit?.('entryBytes', name);
          return undefined;
        }
        want = { name, size, keep: 'member' };
        continue;
      }
      skip = Math.ceil(size / 512) * 512;
    }
  }
  return undefined;
}

/**
 * The first member of a (decompressed) tar stream whose name matches, at most 16 MiB; the
 * stream is destroyed once read. Undefined when there is none (see walkTar).
 */
export async function extractTarMember(
  stream: Readable,
  match: (name: string) => boolean,
): Promise<{ name: string; data: Buffer } | undefined> {
  try {
    return await walkTar(stream, match, { entries: Infinity, entryBytes: MAX_MEMBER });
  } finally {
    stream.destroy();
  }
}

function parseOctal(b: Buffer): number {
  const first = b[0] ?? 0;
  if (first & 0x80) {
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + (b[i] ?? 0);
    return n;
  }
  const s = b.toString('latin1').replace(/\0.*$/s, '').trim();
  return s ? parseInt(s, 8) : 0;
}

function paxRecordPath(data: Buffer): string | undefined {
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}
