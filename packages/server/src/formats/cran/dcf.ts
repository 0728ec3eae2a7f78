/**
 * R's Debian-control-file format (DESCRIPTION, PACKAGES) and the serialized matrix R reads as
 * PACKAGES.rds (R's XDR serialization, format version 2), written without R.
 */
import { gzipSync } from 'node:zlib';

export type Stanza = Record<string, string>;

/** The fields `tools::write_PACKAGES` puts in PACKAGES, in its order. */
export const PACKAGES_FIELDS = [
  'Package',
  'Version',
  'Priority',
  'Depends',
  'Imports',
  'LinkingTo',
  'Suggests',
  'Enhances',
  'License',
  'License_is_FOSS',
  'License_restricts_use',
  'OS_type',
  'Archs',
  'MD5sum',
  'NeedsCompilation',
  'Built',
] as const;

/** Parses DCF text into stanzas (continuation lines joined with a newline, as read.dcf keeps them). */
export function parseDcf(text: string): Stanza[] {
  const out: Stanza[] = [];
  let cur: Stanza = {};
  let last: string | undefined;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (raw.trim() === '') {
      if (Object.keys(cur).length) out.push(cur);
      cur = {};
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(raw)) {
      if (last !== undefined) cur[last] = `${cur[last] ?? ''}\n${raw.trim()}`;
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    last = raw.slice(0, colon).trim();
    cur[last] = raw.slice(colon + 1).trim();
  }
  if (Object.keys(cur).length) out.push(cur);
  return out;
}

/** Renders stanzas as PACKAGES text: the listed fields that are set, continuation lines indented. */
export function renderDcf(stanzas: Stanza[], fields: readonly string[] = PACKAGES_FIELDS): string {
  return stanzas
    .map((s) =>
      fields
        .filter((f) => s[f] !== undefined && s[f] !== '')
        .map((f) => `${f}: ${(s[f] ?? '').split('\n').join('\n        ')}\n`)
        .join(''),
    )
    .join('\n');
}

/** The fields of `PACKAGES_FIELDS` that any stanza sets (the columns of PACKAGES.rds). */
function columnsOf(stanzas: Stanza[]): string[] {
  return PACKAGES_FIELDS.filter((f) => stanzas.some((s) => s[f] !== undefined));
}

/**
 * PACKAGES.rds: a gzip'd XDR serialization (version 2) of a character matrix with one row per
 * package and named columns, NA where a package lacks a field — what `saveRDS` writes for
 * `write_PACKAGES`' database and what `available.packages()` reads first.
 */
export function renderRds(stanzas: Stanza[]): Buffer {
  const cols = columnsOf(stanzas);
  const parts: Buffer[] = [];
  const int = (n: number): void => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const charsxp = (s: string | undefined): void => {
    if (s === undefined) {
      int(0x9);
      int(-1);
      return;
    }
    const bytes = Buffer.from(s, 'utf8');
    // gp: ASCII_MASK (64) for plain ASCII, else UTF8_MASK (8); shifted into the levels bits.
    int(0x9 | ((bytes.length === s.length ? 64 : 8) << 12));
    int(bytes.length);
    parts.push(bytes);
  };
  const symbol = (name: string): void => {
    int(0x1);
    charsxp(name);
  };
  parts.push(Buffer.from('X\n'));
  int(2);
  int(0x040202);
  int(0x020300);
  // STRSXP (16) with attributes (bit 9).
  int(16 | (1 << 9));
  int(stanzas.length * cols.length);
  for (const c of cols) for (const s of stanzas) charsxp(s[c]);
  // Attribute pairlist: dim, then dimnames = list(NULL, cols).
  int(2 | (1 << 10));
  symbol('dim');
  int(13);
  int(2);
  int(stanzas.length);
  int(cols.length);
  int(2 | (1 << 10));
  symbol('dimnames');
  int(19);
  int(2);
  int(254);
  int(16);
  int(cols.length);
  for (const c of cols) charsxp(c);
  int(254);
  return gzipSync(Buffer.concat(parts));
}

/** R's package version order: numeric components separated by `.` or `-`. */
export function compareRVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$/;
export const PACKAGE_VERSION = /^\d+([.-]\d+)+$/;

/** One archived source package, as `src/contrib/Meta/archive.rds` lists it. */
export interface ArchivedFile {
  /** `{pkg}/{pkg}_{version}.tar.gz`, relative to src/contrib/Archive. */
  path: string;
  size: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
}

/**
 * `src/contrib/Meta/archive.rds` as CRAN writes it: a gzip'd XDR serialization of a named list,
 * one element per package, each a data.frame of `file.info()` columns (size, isdir, mode as
 * octmode, mtime/ctime/atime as POSIXct, uid, gid, uname, grname) with the archived files as
 * row names — what `remotes::install_version()` and `tools:::CRAN_archive_db()` read.
 */
export function renderArchiveRds(byPackage: Map<string, ArchivedFile[]>): Buffer {
  const parts: Buffer[] = [];
  const int = (n: number): void => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const real = (x: number): void => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    parts.push(b);
  };
  const charsxp = (s: string): void => {
    const bytes = Buffer.from(s, 'utf8');
    int(0x9 | ((bytes.length === s.length ? 64 : 8) << 12));
    int(bytes.length);
    parts.push(bytes);
  };
  const strsxp = (xs: string[], attrs = false): void => {
    int(16 | (attrs ? 1 << 9 : 0));
    int(xs.length);
    for (const x of xs) charsxp(x);
  };
  // An attribute pairlist node (LISTSXP with a tag) whose value the caller writes next.
  const tag = (name: string): void => {
    int(2 | (1 << 10));
    int(0x1);
    charsxp(name);
  };
  const end = (): void => int(254);
  const classAttr = (classes: string[]): void => {
    tag('class');
    strsxp(classes);
  };
  const names = [...byPackage.keys()].sort();
  parts.push(Buffer.from('X\n'));
  int(2);
  int(0x040202);
  int(0x020300);
  int(19 | (1 << 9)); // VECSXP with attributes: the named list
  int(names.length);
  const COLUMNS = [
    'size',
    'isdir',
    'mode',
    'mtime',
    'ctime',
    'atime',
    'uid',
    'gid',
    'uname',
    'grname',
  ];
  for (const pkg of names) {
    const files = byPackage.get(pkg) ?? [];
    // Flags: bit 9 has attributes, bit 8 is an object (a class attribute, so S3 dispatch works).
    int(19 | (1 << 9) | (1 << 8)); // the data.frame: a list of columns with attributes
    int(COLUMNS.length);
    int(14); // size: double
    int(files.length);
    for (const f of files) real(f.size);
    int(10); // isdir: logical
    int(files.length);
    for (const _f of files) int(0);
    int(13 | (1 << 9) | (1 << 8)); // mode: integer of class octmode (0644)
    int(files.length);
    for (const _f of files) int(0o644);
    classAttr(['octmode']);
    end();
    for (let t = 0; t < 3; t++) {
      int(14 | (1 << 9) | (1 << 8)); // mtime, ctime, atime: POSIXct seconds
      int(files.length);
      for (const f of files) real(f.mtime / 1000);
      classAttr(['POSIXct', 'POSIXt']);
      end();
    }
    for (let t = 0; t < 2; t++) {
      int(13); // uid, gid
      int(files.length);
      for (const _f of files) int(0);
    }
    for (let t = 0; t < 2; t++) strsxp(files.map(() => 'stowage')); // uname, grname
    tag('names');
    strsxp(COLUMNS);
    tag('row.names');
    strsxp(files.map((f) => f.path));
    classAttr(['data.frame']);
    end();
  }
  tag('names');
  strsxp(names);
  end();
  return gzipSync(Buffer.concat(parts));
}
