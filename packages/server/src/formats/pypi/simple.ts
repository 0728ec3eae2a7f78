/**
 * The simple repository API: PEP 503 HTML and PEP 691 JSON, with PEP 658/714 metadata
 * attributes. One model (ProjectPage) is rendered both ways and parsed from upstream pages.
 */
import { HttpError } from '../../errors.ts';
import { normalizeName } from './names.ts';

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const HTML_TYPE = 'application/vnd.pypi.simple.v1+html';

export interface ProjectFile {
  filename: string;
  /** Where the client downloads it (relative to the page, or absolute). */
  url: string;
  sha256?: string;
  requiresPython?: string;
  /** sha256 of the `{file}.metadata` file, '' when it exists with no known hash. */
  coreMetadata?: string;
  /** True, or the reason, when the file is yanked (PEP 592). */
  yanked?: string | true;
  size?: number;
}

export interface ProjectPage {
  name: string;
  files: ProjectFile[];
}

/** Picks the representation pip asked for; HTML unless JSON is preferred (PEP 691). */
export function negotiate(accept: string | undefined, format: string | undefined): 'json' | 'html' {
  if (format) return format === JSON_TYPE ? 'json' : 'html';
  if (!accept) return 'html';
  let best: { kind: 'json' | 'html'; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    const t = type.trim().toLowerCase();
    const kind =
      t === JSON_TYPE || t === 'application/vnd.pypi.simple.latest+json'
        ? 'json'
        : t === HTML_TYPE ||
            t === 'application/vnd.pypi.simple.latest+html' ||
            t === 'text/html' ||
            t === '*/*'
          ? 'html'
          : undefined;
    if (kind && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { kind, q };
  }
  return best?.kind ?? 'html';
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderProjectHtml(page: ProjectPage): string {
  const links = page.files.map((f) => {
    const attrs = [`href="${esc(f.url + (f.sha256 ? `#sha256=${f.sha256}` : ''))}"`];
    if (f.requiresPython) attrs.push(`data-requires-python="${esc(f.requiresPython)}"`);
    if (f.coreMetadata !== undefined) {
      const v = f.coreMetadata ? `sha256=${f.coreMetadata}` : 'true';
      attrs.push(`data-dist-info-metadata="${v}"`, `data-core-metadata="${v}"`);
    }
    if (f.yanked !== undefined)
      attrs.push(f.yanked === true ? 'data-yanked=""' : `data-yanked="${esc(f.yanked)}"`);
    return `    <a ${attrs.join(' ')}>${esc(f.filename)}</a><br />`;
  });
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Links for ${esc(page.name)}</title>\n  </head>\n  <body>\n    <h1>Links for ${esc(page.name)}</h1>\n${links.join('\n')}\n  </body>\n</html>\n`;
}

export function renderProjectJson(page: ProjectPage): string {
  return JSON.stringify({
    meta: { 'api-version': '1.0' },
    name: normalizeName(page.name),
    files: page.files.map((f) => {
      const meta =
        f.coreMetadata === undefined ? false : f.coreMetadata ? { sha256: f.coreMetadata } : true;
      const o: Record<string, unknown> = {
        filename: f.filename,
        url: f.url,
        hashes: f.sha256 ? { sha256: f.sha256 } : {},
        // PEP 714: only `core-metadata` in JSON. pip 22.3-23.1 read `dist-info-metadata` and
        // crash on the object form (`unhashable type: 'dict'`); the HTML page keeps both.
        'core-metadata': meta,
        yanked: f.yanked ?? false,
      };
      if (f.requiresPython) o['requires-python'] = f.requiresPython;
      if (f.size !== undefined) o.size = f.size;
      return o;
    }),
  });
}

export function renderRootHtml(projects: string[]): string {
  const links = projects.map(
    (p) => `    <a href="${esc(encodeURIComponent(p))}/">${esc(p)}</a><br />`,
  );
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Simple index</title>\n  </head>\n  <body>\n${links.join('\n')}\n  </body>\n</html>\n`;
}

export function renderRootJson(projects: string[]): string {
  return JSON.stringify({
    meta: { 'api-version': '1.0' },
    projects: projects.map((name) => ({ name })),
  });
}

function unesc(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

const ANCHOR = /<a\s([^>]*)>([^<]*)<\/a\s*>/gi;
const ATTR = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

function attrsOf(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of s.matchAll(ATTR))
    out.set((m[1] ?? '').toLowerCase(), unesc(m[2] ?? m[3] ?? m[4] ?? ''));
  return out;
}

/** Throws ERR_UPSTREAM_INVALID unless `text` looks like a simple index page (HTML or JSON). */
export function checkPage(text: string, what: string): void {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      doc = undefined;
    }
    const d = doc as { files?: unknown; projects?: unknown } | undefined;
    if (d && (Array.isArray(d.files) || Array.isArray(d.projects))) return;
    throw new HttpError('ERR_UPSTREAM_INVALID', `the upstream ${what} is not a PEP 691 document`);
  }
  if (!/^(<!doctype html|<html)/i.test(t) || !/<\/html\s*>\s*$/i.test(t)) {
    throw new HttpError('ERR_UPSTREAM_INVALID', `the upstream ${what} is not a PEP 503 HTML page`);
  }
}

/** Parses an upstream project page (HTML or PEP 691 JSON); URLs are made absolute against `pageUrl`. */
export function parseProjectPage(text: string, name: string, pageUrl: string): ProjectPage {
  const files: ProjectFile[] = [];
  const abs = (u: string): string => new URL(u, pageUrl).href;
  const t = text.trimStart();
  if (t.startsWith('{')) {
    const doc = JSON.parse(t) as { files?: Record<string, unknown>[] };
    for (const f of doc.files ?? []) {
      if (typeof f.filename !== 'string' || typeof f.url !== 'string') continue;
      const file: ProjectFile = { filename: f.filename, url: abs(f.url).replace(/#.*$/, '') };
      const h = f.hashes as Record<string, unknown> | undefined;
      if (typeof h?.sha256 === 'string') file.sha256 = h.sha256;
      if (typeof f['requires-python'] === 'string') file.requiresPython = f['requires-python'];
      const cm = f['core-metadata'] ?? f['dist-info-metadata'];
      if (cm === true) file.coreMetadata = '';
      else if (cm && typeof cm === 'object') {
        const s = (cm as Record<string, unknown>).sha256;
        file.coreMetadata = typeof s === 'string' ? s : '';
      }
      if (f.yanked === true || (typeof f.yanked === 'string' && f.yanked !== ''))
        file.yanked = f.yanked === true ? true : f.yanked;
      if (typeof f.size === 'number') file.size = f.size;
      files.push(file);
    }
    return { name, files };
  }
  for (const m of text.matchAll(ANCHOR)) {
    const a = attrsOf(m[1] ?? '');
    const href = a.get('href');
    if (!href) continue;
    const url = abs(href);
    const hash = /#sha256=([0-9a-f]{64})$/i.exec(url);
    const filename =
      unesc(m[2] ?? '').trim() || decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    const file: ProjectFile = { filename, url: url.replace(/#.*$/, '') };
    if (hash?.[1]) file.sha256 = hash[1].toLowerCase();
    const rp = a.get('data-requires-python');
    if (rp) file.requiresPython = rp;
    const cm = a.get('data-core-metadata') ?? a.get('data-dist-info-metadata');
    if (cm !== undefined && cm !== 'false') {
      const s = /^sha256=([0-9a-f]{64})$/i.exec(cm);
      file.coreMetadata = s?.[1] ? s[1].toLowerCase() : '';
    }
    const y = a.get('data-yanked');
    if (y !== undefined) file.yanked = y === '' ? true : y;
    files.push(file);
  }
  return { name, files };
}

/** Project names listed by an upstream root page. */
export function parseRootPage(text: string): string[] {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    const doc = JSON.parse(t) as { projects?: { name?: unknown }[] };
    return (doc.projects ?? []).flatMap((p) => (typeof p.name === 'string' ? [p.name] : []));
  }
  return [...text.matchAll(ANCHOR)].map((m) => unesc(m[2] ?? '').trim()).filter((n) => n !== '');
}
