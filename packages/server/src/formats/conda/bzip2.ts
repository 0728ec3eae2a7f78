/**
 * Streamed bzip2 decoding (for `.tar.bz2` conda packages) with unbzip2-stream, a pure-JS decoder
 * (Node has none). The decoder is driven by pulling: each compressed chunk read from `src` is
 * written to it and the blocks it finished are yielded before the next chunk is read, so at most
 * about one bzip2 block (900 kB of output, ~1 MB of input ahead) is held at a time, whatever the
 * package's size. Block and stream CRCs are checked by the decoder; a corrupt or truncated stream
 * throws.
 */
import unbzip2 from 'unbzip2-stream';

export async function* bunzip2(src: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  const dec = unbzip2();
  const out: Buffer[] = [];
  let failure: Error | undefined;
  dec.on('data', (b: Buffer) => out.push(b));
  dec.on('error', (err: Error) => {
    failure ??= err;
  });
  const drain = function* (): Generator<Buffer> {
    if (failure) throw new Error(`bzip2: ${failure.message}`, { cause: failure });
    while (out.length > 0) {
      const b = out.shift();
      if (b) yield b;
    }
  };
  for await (const chunk of src) {
    dec.write(chunk as Buffer);
    yield* drain();
  }
  dec.end();
  yield* drain();
}
