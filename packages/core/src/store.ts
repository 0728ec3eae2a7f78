/**
 * A local build-info store: several commands (and several jobs on one machine) add parts to one
 * build, and `load` merges them. Each `addPart` writes its own file (temp file + rename), so
 * concurrent writers never overwrite each other and a reader never sees half a file.
 *
 * Layout: `<dir>/<name>/<number>/part-<time>-<pid>-<seq>-<random>.json`, with name and number
 * percent-encoded (dots too, so `..` cannot escape `dir`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatStarted, mergeParts, type BuildInfo } from './buildinfo.ts';
import { ErrorCodes, StowageError } from './errors.ts';

export interface BuildStoreOptions {
  /** Directory holding the store; created on first write. */
  dir: string;
}

const PART_FILE = /^part-(\d{15})-.*\.json$/;
const MAX_SEGMENT = 200;

function encodeKey(value: string, field: 'name' | 'number'): string {
  if (typeof value !== 'string' || value === '') {
    throw new StowageError(ErrorCodes.STORE_KEY, `build ${field} must be a non-empty string`, {
      hint: `pass the build ${field}`,
    });
  }
  const encoded = encodeURIComponent(value).replace(/\./g, '%2E').replace(/\*/g, '%2A');
  if (encoded.length > MAX_SEGMENT) {
    throw new StowageError(
      ErrorCodes.STORE_KEY,
      `build ${field} is too long to store locally (${encoded.length} characters once encoded, at most ${MAX_SEGMENT})`,
      { hint: `use a shorter build ${field}` },
    );
  }
  return encoded;
}

function storeError(err: unknown, doing: string, path: string): StowageError {
  if (err instanceof StowageError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new StowageError(
    ErrorCodes.STORE_IO,
    `cannot ${doing} in the build-info store at ${path}: ${reason}`,
    {
      hint: 'check that the directory is writable and the disk is not full',
      cause: err,
    },
  );
}

const isNotFound = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

let sequence = 0;

export class BuildStore {
  readonly dir: string;

  constructor(opts: BuildStoreOptions) {
    this.dir = opts.dir;
  }

  #buildDir(name: string, number: string): string {
    return join(this.dir, encodeKey(name, 'name'), encodeKey(number, 'number'));
  }

  /** Adds one part to the build; the part's own name/number, if any, are ignored. */
  async addPart(name: string, number: string, part: Partial<BuildInfo>): Promise<void> {
    const dir = this.#buildDir(name, number);
    const now = String(Date.now()).padStart(15, '0');
    sequence = (sequence + 1) % 1_000_000;
    const id = `${now}-${process.pid}-${String(sequence).padStart(6, '0')}-${randomUUID()}`;
    const tmp = join(dir, `.tmp-${id}.json`);
    const final = join(dir, `part-${id}.json`);
    const { name: _n, number: _m, ...rest } = part;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, JSON.stringify(rest), { flag: 'wx' });
      await rename(tmp, final);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw storeError(err, `add a part to build ${name} #${number}`, dir);
    }
  }

  /** All parts of the build merged in the order they were added; undefined if there are none. */
  async load(name: string, number: string): Promise<BuildInfo | undefined> {
    const dir = this.#buildDir(name, number);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => PART_FILE.test(f)).sort();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw storeError(err, `read build ${name} #${number}`, dir);
    }
    if (files.length === 0) return undefined;
    const parts: Partial<BuildInfo>[] = [];
    for (const file of files) {
      const path = join(dir, file);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (isNotFound(err)) continue; // cleared concurrently
        throw storeError(err, `read build ${name} #${number}`, dir);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new StowageError(
          ErrorCodes.STORE_CORRUPT,
          `build-info part ${path} is not valid JSON`,
          {
            hint: 'delete that file (the rest of the build is kept) or clear the build and collect it again',
            cause: err,
          },
        );
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new StowageError(
          ErrorCodes.STORE_CORRUPT,
          `build-info part ${path} is not a JSON object`,
          {
            hint: 'delete that file or clear the build and collect it again',
          },
        );
      }
      parts.push(parsed as Partial<BuildInfo>);
    }
    if (parts.length === 0) return undefined;
    const merged = mergeParts({ version: '1.0.1', name, number }, parts);
    if (merged.started === undefined) {
      // No part said when the build started: use the time the first part was written.
      const first = PART_FILE.exec(files[0] ?? '');
      merged.started = formatStarted(new Date(Number(first?.[1] ?? Date.now())));
    }
    merged.name = name;
    merged.number = number;
    return merged as BuildInfo;
  }

  /** Removes every part of the build (no error if there are none). */
  async clear(name: string, number: string): Promise<void> {
    const dir = this.#buildDir(name, number);
    try {
      await rm(dir, { recursive: true, force: true });
      await rmdir(join(dir, '..')).catch(() => {}); // only succeeds when no other number is left
    } catch (err) {
      throw storeError(err, `clear build ${name} #${number}`, dir);
    }
  }

  /** Builds that have at least one part, sorted by name then number. */
  async list(): Promise<{ name: string; number: string }[]> {
    const out: { name: string; number: string }[] = [];
    try {
      const names = await readdir(this.dir, { withFileTypes: true }).catch((err: unknown) => {
        if (isNotFound(err)) return [];
        throw err;
      });
      for (const n of names) {
        if (!n.isDirectory()) continue;
        const numbers = await readdir(join(this.dir, n.name), { withFileTypes: true }).catch(
          () => [],
        );
        for (const m of numbers) {
          if (!m.isDirectory()) continue;
          const files = await readdir(join(this.dir, n.name, m.name)).catch(() => []);
          if (!files.some((f) => PART_FILE.test(f))) continue;
          out.push({ name: safeDecode(n.name), number: safeDecode(m.name) });
        }
      }
    } catch (err) {
      throw storeError(err, 'list builds', this.dir);
    }
    return out.sort((a, b) =>
      a.name === b.name
        ? a.number.localeCompare(b.number, undefined, { numeric: true })
        : a.name.localeCompare(b.name),
    );
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
