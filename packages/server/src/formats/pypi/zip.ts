import { inflateRawSync } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Reads [start, end] (inclusive) of a stored file. */
export type RangeReader = (start: number, end: number) => Readable;

const MAX_MEMBER = 16 * 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Extracts one member of a zip file (a wheel) by random access: the end-of-central-directory
 * record, the central directory, then the member itself. Returns undefined when no member
 * matches or the archive is not a plain (non-zip64) zip.
 */
export async function extractZipMember(
  read: RangeReader,
  size: number,
  match: (name: string) => boolean,
): Promise<{ name: string; data: Buffer } | undefined> {
  if (size < 22) return undefined;
  const tailStart = Math.max(0, size - 65_557);
  const tail = await readAll(read(tailStart, size - 1));
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdOffset + cdSize > size || cdSize === 0) return undefined;
  const cd = await readAll(read(cdOffset, cdOffset + cdSize - 1));
  for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
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
    if (csize > MAX_MEMBER || usize > MAX_MEMBER || local + 30 > size) return undefined;
    const head = await readAll(read(local, local + 29));
    if (head.readUInt32LE(0) !== 0x04034b50) return undefined;
    const start = local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    const raw = csize === 0 ? Buffer.alloc(0) : await readAll(read(start, start + csize - 1));
    if (method === 0) return { name, data: raw };
    if (method === 8) return { name, data: inflateRawSync(raw, { maxOutputLength: MAX_MEMBER }) };
    return undefined;
  }
  return undefined;
}
