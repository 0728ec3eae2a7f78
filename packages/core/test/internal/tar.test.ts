/**
 * The project's one tar reader (`walkTar`) against its writer (`tarStream`) and GNU `tar`:
 * property tests (fast-check) over names (short, ustar prefix, pax), sizes around the 512-byte
 * blocks and any chunking of the stream, and the limits a hostile archive meets.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { tarStream, walkTar, type TarFile } from '../../src/internal/tar.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-tar-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function collect(s: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c);
  return Buffer.concat(parts);
}

/** `data` handed over in pieces at the given cut points. */
async function* pieces(data: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (data.length + 1)))].sort((a, b) => a - b)) {
    if (c > at) yield data.subarray(at, c);
    at = Math.max(at, c);
  }
  if (at < data.length) yield data.subarray(at);
}

const segment = fc.stringMatching(/^[a-zA-Z0-9._-]{1,60}$/).filter((s) => s !== '.' && s !== '..');
const memberName = fc.array(segment, { minLength: 1, maxLength: 6 }).map((a) => a.join('/'));

let n = 0;
async function archive(
  files: { name: string; data: Buffer }[],
): Promise<{ bytes: Buffer; entries: TarFile[] }> {
  const entries: TarFile[] = [];
  for (const f of files) {
    const source = join(dir, `src-${n++}`);
    await writeFile(source, f.data);
    entries.push({ name: f.name, source, size: f.data.length });
  }
  return { bytes: await collect(tarStream(entries)), entries };
}

test('walkTar finds every member tarStream wrote, byte for byte, however the stream is cut', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(
        fc.record({
          name: memberName,
          data: fc.integer({ min: 0, max: 2048 }).map((k) => Buffer.alloc(k, k % 251)),
        }),
        { minLength: 1, maxLength: 5, selector: (f) => f.name },
      ),
      fc.array(fc.nat(20_000), { maxLength: 12 }),
      fc.nat(),
      async (files, cuts, pick) => {
        const { bytes } = await archive(files);
        const want = files[pick % files.length]!;
        const found = await walkTar(pieces(bytes, cuts), (name) => name === want.name, {
          entries: 100,
          entryBytes: 1 << 20,
        });
        assert.ok(found, `${want.name} is found`);
        assert.equal(found.name, want.name);
        assert.deepEqual(found.data, want.data);
        const none = await walkTar(pieces(bytes, cuts), () => false, {
          entries: 100,
          entryBytes: 1 << 20,
        });
        assert.equal(none, undefined, 'no match: undefined at the end-of-archive blocks');
      },
    ),
    { numRuns: 60 },
  );
});

test('walkTar reads what GNU tar writes: ustar prefixes, GNU long names and pax paths', async (t) => {
  if (spawnSync('tar', ['--version']).status !== 0) {
    t.skip('GNU tar is not installed');
    return;
  }
  const long = `${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(120)}.txt`;
  const names = ['top.txt', `deep/${'x'.repeat(80)}/${'y'.repeat(80)}/file.txt`, long];
  const root = join(dir, 'gnu');
  for (const [i, name] of names.entries()) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), `content ${i}`);
  }
  for (const format of ['gnu', 'pax', 'ustar']) {
    const listed = format === 'ustar' ? names.slice(0, 2) : names;
    const r = spawnSync('tar', ['-C', root, `--format=${format}`, '-cf', '-', ...listed], {
      maxBuffer: 1 << 24,
    });
    assert.equal(r.status, 0, String(r.stderr));
    for (const [i, name] of listed.entries()) {
      const found = await walkTar(pieces(r.stdout, [7, 513, 1500]), (x) => x === name, {
        entries: 100,
        entryBytes: 1 << 20,
      });
      assert.deepEqual(found?.data.toString(), `content ${i}`, `${format}: ${name}`);
    }
  }
});

test('walkTar limits: entries walked and bytes kept; onLimit throws or the walk gives up', async () => {
  const files = Array.from({ length: 5 }, (_, i) => ({
    name: `m${i}`,
    data: Buffer.alloc(600, i),
  }));
  const { bytes } = await archive(files);
  const last = (name: string): boolean => name === 'm4';
  assert.equal(await walkTar(pieces(bytes, []), last, { entries: 4, entryBytes: 1024 }), undefined);
  await assert.rejects(
    walkTar(pieces(bytes, []), last, {
      entries: 4,
      entryBytes: 1024,
      onLimit: (limit) => {
        throw new Error(`limit ${limit}`);
      },
    }),
    /limit entries/,
  );
  const seen: [string, string | undefined][] = [];
  const found = await walkTar(pieces(bytes, []), last, {
    entries: 5,
    entryBytes: 599,
    onLimit: (limit, member) => void seen.push([limit, member]),
  });
  assert.equal(found, undefined);
  assert.deepEqual(seen, [['entryBytes', 'm4']], 'a member larger than entryBytes is not kept');
  const ok = await walkTar(pieces(bytes, [1]), last, { entries: 5, entryBytes: 600 });
  assert.deepEqual(ok?.data, files[4]!.data);
});
