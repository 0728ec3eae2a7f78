import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/**
 * Sends bytes [start, end] of an open file as the body of `res` (whose headers are set) with two
 * buffers for the whole transfer: one is being written to the socket while the next is read
 * from the disk, and each is read into again only once the socket has taken it. A stream would
 * allocate a new buffer for every read (256 for 256 MiB at 1 MiB), and that garbage — external
 * memory — made V8 run full collections all along a large download and raised the peak memory
 * of many parallel ones. Node has no sendfile; this is the copy through user space at its
 * cheapest.
 *
 * Resolves when the body is written; rejects when the file cannot be read or is shorter than
 * asked (the response is then destroyed: the client sees a cut body, never wrong bytes), or
 * when the client went away.
 */
export async function pumpFile(
  res: ServerResponse,
  fh: FileHandle,
  what: string,
  start: number,
  end: number,
  chunk: number,
): Promise<void> {
  try {
    const total = end - start + 1;
    const size = Math.max(1, Math.min(chunk, total));
    const bufs = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
    /** Per buffer: resolves once the socket has taken what was last written from it. */
    const taken: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    let gone: Error | undefined;
    const onClose = (): void => {
      if (!res.writableFinished) gone = new Error('the client closed the connection');
    };
    res.once('close', onClose);
    try {
      let pos = start;
      let i = 0;
      const read = async (b: number, at: number): Promise<number> => {
        await taken[b];
        const want = Math.min(size, end - at + 1);
        const { bytesRead } = await fh.read(bufs[b]!, 0, want, at);
        if (bytesRead !== want)
          throw new Error(`${what} ended ${end - at + 1 - bytesRead} bytes early`);
        return bytesRead;
      };
      let next: Promise<number> | undefined = read(0, pos);
      while (next) {
        const n: number = await next;
        if (gone) throw gone;
        const b = i;
        const at: number = pos + n;
        // The next read starts before this write drains (into the other buffer).
        next = at <= end ? read(1 - b, at) : undefined;
        // Keep the promise from being unhandled while this write drains.
        next?.catch(() => undefined);
        let release!: () => void;
        taken[b] = new Promise<void>((r) => (release = r));
        const ok = res.write(n === size ? bufs[b] : bufs[b]!.subarray(0, n), () => release());
        pos = at;
        i = 1 - b;
        if (!ok && !gone)
          await new Promise<void>((resolve) => {
            const done = (): void => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
      }
      if (gone) throw gone;
      await new Promise<void>((resolve) => {
        res.once('close', resolve);
        res.end(() => {
          res.off('close', resolve);
          resolve();
        });
      });
    } finally {
      res.off('close', onClose);
      // Writes still pending hold the buffers: the file may close, the buffers stay theirs.
    }
  } catch (err) {
    res.destroy();
    throw err;
  } finally {
    await fh.close();
  }
}
