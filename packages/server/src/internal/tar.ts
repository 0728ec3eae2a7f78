import { Readable } from 'node:stream';

/** The tar member reader lives in core (the CLI reads chart archives with it too). */
export { extractTarMember } from '@stowage/core';

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
