import { Readable } from 'node:stream';

/** Largest member `extractTarMember` keeps in memory (a DESCRIPTION, an index.json). */
const MAX_MEMBER = 16 * 1024 * 1024;

/**
 * Reads a (decompressed) tar stream until the first member whose name matches and returns its
 * content; other members are skipped without being kept. Understands ustar prefixes, GNU long
 * names (`L`) and pax `path` records. Undefined when no member matches (or one is too large).
 */
export async function extractTarMember(
  stream: Readable,
  match: (name: string) => boolean,
): Promise<{ name: string; data: Buffer } | undefined> {
  let buf: Buffer = Buffer.alloc(0);
  let skip = 0;
  let want: { name: string; size: number; keep: 'member' | 'longname' | 'pax' } | undefined;
  let longName: string | undefined;
  try {
    for await (const chunk of stream) {
      buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
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
          else longName = paxPath(data) ?? longName;
          continue;
        }
        if (buf.length < 512) break;
        const h = buf.subarray(0, 512);
        buf = buf.subarray(512);
        if (h.every((b) => b === 0)) return undefined;
        const size = parseOctal(h.subarray(124, 136));
        const type = String.fromCharCode(h[156] ?? 0);
        const field = (a: number, b: number): string =>
          h.subarray(a, b).toString('utf8').replace(/\0.*$/s, '');
        const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? field(345, 500) : '';
        let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
        if (type === 'L' || type === 'x') {
          if (size > MAX_MEMBER) return undefined;
          want = { name: '', size, keep: type === 'L' ? 'longname' : 'pax' };
          continue;
        }
        longName = undefined;
        name = name.replace(/^\.\//, '');
        if ((type === '0' || type === '\0') && match(name)) {
          if (size > MAX_MEMBER) return undefined;
          want = { name, size, keep: 'member' };
          continue;
        }
        skip = Math.ceil(size / 512) * 512;
      }
    }
  } finally {
    stream.destroy();
  }
  return undefined;
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

function paxPath(data: Buffer): string | undefined {
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Bytes [start, end] of a stream (for content without random access, e.g. a staged upload). */
export function sliceStream(src: Readable, start: number, end: number): Readable {
  return Readable.from(
    (async function* () {
      let pos = 0;
      for await (const c of src) {
        const b = c as Buffer;
        const lo = Math.max(start - pos, 0);
        const hi = Math.min(end + 1 - pos, b.length);
        if (hi > lo) yield b.subarray(lo, hi);
        pos += b.length;
        if (pos > end) break;
      }
    })(),
  );
}
