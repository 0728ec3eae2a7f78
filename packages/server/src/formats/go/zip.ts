/**
 * Checks a module zip against the Go module zip rules (golang.org/x/mod/zip): every file under
 * `{module}@{version}/`, no `..`, no duplicate (case-insensitive) names, size limits, and a
 * go.mod at the root whose module line names the module. Reads the central directory only,
 * plus go.mod.
 */
import yauzl from 'yauzl';
import { HttpError } from '../../errors.ts';
import {
  ArchiveLimitError,
  DEFAULT_ARCHIVE_CAPS,
  archiveLimitHttpError,
  type ArchiveCaps,
} from '../../internal/archive.ts';
import { moduleLine } from './module.ts';

/** golang.org/x/mod/zip limits. */
export const MAX_ZIP_SIZE = 500 << 20;
export const MAX_GO_MOD_SIZE = 16 << 20;

const invalid = (msg: string, hint?: string): HttpError =>
  new HttpError('ERR_GO_MODULE_INVALID', msg, hint ? { hint } : {});

/** Validates the zip at `file`; returns the go.mod text (synthesised when the zip has none). */
export async function checkModuleZip(
  file: string,
  modulePath: string,
  version: string,
  caps: ArchiveCaps = DEFAULT_ARCHIVE_CAPS,
): Promise<string> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, z) =>
      err ? reject(invalid(`the body is not a zip file (${err.message})`)) : resolve(z),
    ),
  );
  try {
    if (zip.entryCount > caps.entries) {
      throw archiveLimitHttpError(
        new ArchiveLimitError('entries', `it has more than ${caps.entries} entries`),
        'the module zip',
      );
    }
    const prefix = `${modulePath}@${version}/`;
    const seen = new Set<string>();
    let total = 0;
    let gomod: string | undefined;
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry): void => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(e);
        };
        const onEnd = (): void => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(undefined);
        };
        const onError = (err: Error): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(invalid(`the zip is corrupt (${err.message})`));
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (!entry) break;
      const name = entry.fileName;
      if (name.endsWith('/')) continue;
      if (!name.startsWith(prefix)) {
        throw invalid(
          `zip entry "${name}" is not under "${prefix}"`,
          'a module zip holds every file under {module}@{version}/',
        );
      }
      const rel = name.slice(prefix.length);
      const segs = rel.split('/');
      if (
        rel === '' ||
        name.includes('\\') ||
        segs.some((s) => s === '' || s === '.' || s === '..')
      ) {
        throw invalid(`zip entry "${name}" has an invalid path`);
      }
      const folded = rel.toLowerCase();
      if (seen.has(folded)) throw invalid(`zip entry "${name}" appears twice (ignoring case)`);
      seen.add(folded);
      total += entry.uncompressedSize;
      if (total > MAX_ZIP_SIZE) throw invalid('the module unpacks to more than 500 MiB');
      if (rel === 'go.mod') {
        if (entry.uncompressedSize > MAX_GO_MOD_SIZE) throw invalid('go.mod is larger than 16 MiB');
        gomod = await readEntry(zip, entry);
      }
    }
    if (gomod === undefined) return `module ${modulePath}\n`;
    const declared = moduleLine(gomod);
    if (declared !== modulePath) {
      throw invalid(
        `go.mod declares module ${declared === undefined ? '(none)' : `"${declared}"`}, not "${modulePath}"`,
        'publish the module under the path its go.mod declares',
      );
    }
    return gomod;
  } finally {
    zip.close();
  }
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) =>
      err ? reject(invalid(`cannot read ${entry.fileName} (${err.message})`)) : resolve(s),
    ),
  );
  const chunks: Buffer[] = [];
  try {
    for await (const c of stream) chunks.push(c as Buffer);
  } catch (err) {
    throw invalid(`cannot read ${entry.fileName} (${(err as Error).message})`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
