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
