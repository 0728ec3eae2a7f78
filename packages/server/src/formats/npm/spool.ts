/**
 * `npm publish` bodies without holding them in memory. The body (a packument whose
 * `_attachments.{file}.data` are base64 tarballs) is spooled to the blob store's temporary area
 * while its size is limited; one scan over the file finds the byte ranges of the attachments'
 * `data` strings and checks the nesting depth; the rest of the document — everything but those
 * strings — is parsed as usual, and each tarball is decoded from its range as a stream. Memory
 * is the size of the packument without its tarballs, whatever their size.
 */
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { HttpError } from '../../errors.ts';
import type { StagedBlob } from '../../internal/blobstore.ts';
import { sliceStream } from '../../internal/archive.ts';

/** Where one attachment's base64 text lies in the spooled body ([start, end) in bytes). */
export interface AttachmentRange {
  start: number;
  end: number;
}

export interface SpooledJson {
  /** The document, with every `_attachments.{file}.data` string replaced by "". */
  doc: unknown;
  /** The base64 text of each attachment, by file name. */
  attachments: Map<string, AttachmentRange>;
  /** The decoded bytes of an attachment, streamed from the spooled body. */
  open(range: AttachmentRange): Readable;
}

interface Frame {
  kind: 'object' | 'array';
  /** In an object: the next string is a key. */
  expectKey: boolean;
  /** The key whose value comes next (objects at depth <= 3 only). */
  key?: string;
  /** This frame's own key path from the top ([] for the top object). */
  path: string[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Scans the spooled JSON: attachment ranges and the depth check, in one pass. */
async function scan(
  body: Readable,
  maxDepth: number,
): Promise<{ ranges: Map<string, AttachmentRange> }> {
  const stack: Frame[] = [];
  const ranges = new Map<string, AttachmentRange>();
  let pos = 0;
  let inString = false;
  let escape = false;
  let stringStart = 0;
  let keyBytes: Buffer[] | undefined;
  let stringIsKey = false;
  let stringPath: string[] | undefined;
  for await (const c of body) {
    const chunk = c as Buffer;
    let i = 0;
    while (i < chunk.length) {
      if (inString) {
        const from = i;
        for (; i < chunk.length; i++) {
          const b = chunk[i];
          if (escape) escape = false;
          else if (b === BACKSLASH) escape = true;
          else if (b === QUOTE) break;
        }
        if (keyBytes) keyBytes.push(chunk.subarray(from, i));
        if (i === chunk.length) break;
        // closing quote at chunk[i]
        inString = false;
        const end = pos + i;
        const top = stack[stack.length - 1];
        if (stringIsKey && top) {
          top.key = keyBytes ? decodeKey(Buffer.concat(keyBytes)) : undefined;
          top.expectKey = false;
        } else if (stringPath) {
          const [a, file, d] = stringPath;
          if (a === '_attachments' && file !== undefined && d === 'data')
            ranges.set(file, { start: stringStart, end });
        }
        keyBytes = undefined;
        stringPath = undefined;
        i++;
        continue;
      }
      const b = chunk[i];
      const top = stack[stack.length - 1];
      if (b === QUOTE) {
        inString = true;
        stringStart = pos + i + 1;
        stringIsKey = top?.kind === 'object' && top.expectKey;
        // Keys matter only down to the attachment records.
        keyBytes = stringIsKey && stack.length <= 3 ? [] : undefined;
        stringPath =
          !stringIsKey && top?.kind === 'object' && top.key !== undefined && stack.length === 3
            ? [...top.path, top.key]
            : undefined;
      } else if (b === 0x7b || b === 0x5b) {
        if (stack.length >= maxDepth) {
          throw new HttpError(
            'ERR_BODY_INVALID',
            `the JSON body nests objects and arrays deeper than ${maxDepth} levels (limits.jsonDepth)`,
            { hint: 'flatten the document, or raise limits.jsonDepth in the server config' },
          );
        }
        const path =
          top?.kind === 'object' && top.key !== undefined && stack.length < 3
            ? [...top.path, top.key]
            : [];
        stack.push({ kind: b === 0x7b ? 'object' : 'array', expectKey: b === 0x7b, path });
      } else if (b === 0x7d || b === 0x5d) {
        stack.pop();
      } else if (b === 0x2c && top?.kind === 'object') {
        top.expectKey = true;
        delete top.key;
      }
      i++;
    }
    pos += chunk.length;
  }
  return { ranges };
}

function decodeKey(raw: Buffer): string | undefined {
  if (raw.length > 4096) return undefined;
  try {
    return JSON.parse(`"${raw.toString('utf8')}"`) as string;
  } catch {
    return undefined;
  }
}

/** The spooled body without the attachment strings' contents (their quotes stay: ""). */
async function skeleton(body: Readable, cut: AttachmentRange[]): Promise<string> {
  const parts: Buffer[] = [];
  const sorted = [...cut].sort((a, b) => a.start - b.start);
  let pos = 0;
  let k = 0;
  for await (const c of body) {
    const chunk = c as Buffer;
    let from = 0;
    while (from < chunk.length) {
      const abs = pos + from;
      const r = sorted[k];
      if (!r || abs + (chunk.length - from) <= r.start) {
        parts.push(chunk.subarray(from));
        break;
      }
      if (abs < r.start) {
        parts.push(chunk.subarray(from, r.start - pos));
        from = r.start - pos;
        continue;
      }
      // inside r: skip to its end
      if (pos + chunk.length <= r.end) break;
      from = r.end - pos;
      k++;
    }
    pos += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Base64 text → bytes, streamed; anything but base64 characters fails the stream. */
function base64Decoder(what: string): Transform {
  let rest = '';
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const text = rest + chunk.toString('latin1');
      if (!/^[A-Za-z0-9+/=]*$/.test(text)) {
        cb(new HttpError('ERR_BODY_INVALID', `the tarball of ${what} is not base64`));
        return;
      }
      const whole = text.length - (text.length % 4);
      rest = text.slice(whole);
      cb(null, Buffer.from(text.slice(0, whole), 'base64'));
    },
    flush(cb) {
      if (rest.length % 4 === 1) {
        cb(new HttpError('ERR_BODY_INVALID', `the tarball of ${what} is not base64`));
        return;
      }
      cb(null, rest ? Buffer.from(rest, 'base64') : undefined);
    },
  });
}

/** Reads a spooled publish body: the document without its tarballs, and where they are. */
export async function readSpooledJson(staged: StagedBlob, maxDepth: number): Promise<SpooledJson> {
  const read = (start?: number, end?: number): Readable => {
    if (start === undefined || end === undefined) return staged.read();
    if (end <= start) return Readable.from([]);
    return staged.file
      ? createReadStream(staged.file, { start, end: end - 1, highWaterMark: 1024 * 1024 })
      : sliceStream(staged.read(), start, end - 1);
  };
  const { ranges } = await scan(read(), maxDepth);
  const text = await skeleton(read(), [...ranges.values()]);
  if (text.trim() === '') throw new HttpError('ERR_BODY_INVALID', 'the request has no JSON body');
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError('ERR_BODY_INVALID', `the body is not JSON (${(err as Error).message})`);
  }
  return {
    doc,
    attachments: ranges,
    open: (range) => {
      const src = read(range.start, range.end);
      const dec = base64Decoder('the attachment');
      src.once('error', (err) => dec.destroy(err));
      return src.pipe(dec);
    },
  };
}
