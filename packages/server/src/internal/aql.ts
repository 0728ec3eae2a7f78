/**
 * A subset of Artifactory Query Language, enough for JFrog CLI's pattern download, search and
 * delete: `items.find({criteria}).include("field", …).sort({"$asc"|"$desc": [fields]})
 * .limit(n).offset(n)`. Criteria: the item fields repo, path, name, type, size, created,
 * modified, actual_sha1, actual_md5, sha256, and `@property` keys; comparisons $eq, $ne,
 * $match, $nmatch (wildcards * and ?), $gt, $gte, $lt, $lte; $and / $or (lists or objects).
 * The query is parsed (its JSON parts with JSON.parse), never evaluated as code, and bounded
 * in size and depth.
 */
import { HttpError } from '../errors.ts';

export const MAX_AQL_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_TERMS = 512;

export const ITEM_FIELDS = [
  'repo',
  'path',
  'name',
  'type',
  'size',
  'created',
  'created_by',
  'modified',
  'modified_by',
  'updated',
  'actual_sha1',
  'actual_md5',
  'sha256',
] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

const OPS = ['$eq', '$ne', '$match', '$nmatch', '$gt', '$gte', '$lt', '$lte'] as const;
type Op = (typeof OPS)[number];

export type Criterion =
  | { kind: 'and' | 'or'; of: Criterion[] }
  | { kind: 'field'; field: ItemField; op: Op; value: string | number }
  | { kind: 'property'; key: string; op: Op; value: string | number };

export interface AqlQuery {
  criteria: Criterion;
  include?: string[];
  sort?: { order: 'asc' | 'desc'; fields: ItemField[] };
  limit?: number;
  offset?: number;
}

/** What a criterion is matched against: an item and its properties. */
export interface AqlItem {
  repo: string;
  path: string;
  name: string;
  type: 'file' | 'folder';
  size: number;
  created: string;
  created_by: string;
  modified: string;
  modified_by: string;
  updated: string;
  actual_sha1: string;
  actual_md5: string;
  sha256: string;
  properties?: Record<string, string[]>;
}

function invalid(message: string): HttpError {
  return new HttpError('ERR_AQL_INVALID', message, {
    hint: 'write items.find({...}) with optional .include(...), .sort({"$asc":[...]}), .limit(n), .offset(n)',
  });
}

/** Scans from `open` (a '(' ) to its matching ')', skipping string literals; returns the inside. */
function balanced(src: string, open: number): { inner: string; end: number } {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { inner: src.slice(open + 1, i), end: i + 1 };
  }
  throw invalid('the query has an unclosed parenthesis or string');
}

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** Parses an AQL query text. */
export function parseAql(text: string): AqlQuery {
  if (Buffer.byteLength(text) > MAX_AQL_BYTES)
    throw invalid(`the query is longer than ${MAX_AQL_BYTES} bytes`);
  const src = text.trim();
  const head = /^items\s*\.\s*find\s*/.exec(src);
  if (!head) {
    const domain = /^([a-z]+)\s*\./.exec(src)?.[1];
    throw invalid(
      domain && domain !== 'items'
        ? `the "${domain}" domain is not supported; only items.find(...) is`
        : 'the query must start with items.find(',
    );
  }
  let at = head[0].length;
  if (src[at] !== '(') throw invalid('items.find must be followed by (');
  const find = balanced(src, at);
  at = find.end;
  const q: AqlQuery = {
    criteria: criterion(find.inner.trim() === '' ? {} : json(find.inner, 'find(...)'), 0, {
      n: 0,
    }),
  };
  while (at < src.length) {
    const m = /^\s*\.\s*([a-z]+)\s*/.exec(src.slice(at));
    if (!m) {
      if (src.slice(at).trim() === '') break;
      throw invalid(`unexpected "${src.slice(at, at + 20)}" after the query`);
    }
    at += m[0].length;
    if (src[at] !== '(') throw invalid(`.${m[1]} must be followed by (`);
    const call = balanced(src, at);
    at = call.end;
    const args = call.inner.trim();
    switch (m[1]) {
      case 'include': {
        const list = json(`[${args.replaceAll("'", '"')}]`, '.include(...)');
        if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
          throw invalid('.include takes field names as strings');
        q.include = list as string[];
        break;
      }
      case 'sort': {
        const s = json(args, '.sort(...)') as Record<string, unknown>;
        const order = Object.keys(s)[0];
        const fields = order ? s[order] : undefined;
        if (
          (order !== '$asc' && order !== '$desc') ||
          !Array.isArray(fields) ||
          fields.some((f) => !ITEM_FIELDS.includes(f as ItemField))
        ) {
          throw invalid(`.sort takes {"$asc"|"$desc": [${ITEM_FIELDS.join(', ')}]}`);
        }
        q.sort = { order: order === '$asc' ? 'asc' : 'desc', fields: fields as ItemField[] };
        break;
      }
      case 'limit':
      case 'offset': {
        const n = Number(args);
        if (!Number.isSafeInteger(n) || n < 0)
          throw invalid(`.${m[1]} takes a non-negative integer`);
        q[m[1]] = n;
        break;
      }
      default:
        throw invalid(`.${m[1]}(...) is not supported`);
    }
  }
  return q;
}

function criterion(v: unknown, depth: number, budget: { n: number }): Criterion {
  if (depth > MAX_DEPTH) throw invalid(`criteria nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) return { kind: 'and', of: v.map((x) => criterion(x, depth + 1, budget)) };
  if (typeof v !== 'object' || v === null) throw invalid('criteria must be JSON objects');
  const of: Criterion[] = [];
  for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
    if (++budget.n > MAX_TERMS) throw invalid(`more than ${MAX_TERMS} criteria`);
    if (key === '$and' || key === '$or') {
      const parts = Array.isArray(val)
        ? val.map((x) => criterion(x, depth + 1, budget))
        : Object.entries((val ?? {}) as Record<string, unknown>).map(([k, x]) =>
            criterion({ [k]: x }, depth + 1, budget),
          );
      of.push({ kind: key === '$and' ? 'and' : 'or', of: parts });
      continue;
    }
    const [op, value] = comparison(key, val);
    if (key.startsWith('@')) {
      if (key.length < 2) throw invalid('a property criterion needs a key after @');
      of.push({ kind: 'property', key: key.slice(1), op, value });
    } else if ((ITEM_FIELDS as readonly string[]).includes(key)) {
      of.push({ kind: 'field', field: key as ItemField, op, value });
    } else {
      throw invalid(`"${key}" is not an item field (${ITEM_FIELDS.join(', ')}) or @property`);
    }
  }
  return of.length === 1 && of[0] ? of[0] : { kind: 'and', of };
}

function comparison(key: string, val: unknown): [Op, string | number] {
  if (typeof val === 'string' || typeof val === 'number') return ['$eq', val];
  if (typeof val === 'object' && val !== null && !Array.isArray(val)) {
    const entries = Object.entries(val as Record<string, unknown>);
    const [op, v] = entries[0] ?? [];
    if (
      entries.length === 1 &&
      OPS.includes(op as Op) &&
      (typeof v === 'string' || typeof v === 'number')
    )
      return [op as Op, v];
  }
  throw invalid(`the criterion on "${key}" must be a value or {${OPS.join('|')}: value}`);
}

/** True when the query constrains `repo` to one value for every match (to read one repository). */
export function reposOf(c: Criterion): string[] | undefined {
  if (c.kind === 'field' && c.field === 'repo' && c.op === '$eq') return [String(c.value)];
  if (c.kind === 'and') {
    for (const x of c.of) {
      const r = reposOf(x);
      if (r) return r;
    }
  }
  if (c.kind === 'or' && c.of.length > 0) {
    const all = c.of.map(reposOf);
    if (all.every((x) => x !== undefined)) return [...new Set(all.flat() as string[])];
  }
  return undefined;
}

/** True when the criteria read properties (so the caller loads them). */
export function needsProperties(q: AqlQuery): boolean {
  const walk = (c: Criterion): boolean =>
    c.kind === 'property' || ((c.kind === 'and' || c.kind === 'or') && c.of.some(walk));
  return (
    walk(q.criteria) || (q.include ?? []).some((f) => f === 'property' || f.startsWith('property.'))
  );
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    's',
  );

function compare(actual: string | number, op: Op, want: string | number): boolean {
  const numeric =
    typeof actual === 'number' && (typeof want === 'number' || /^-?\d+(\.\d+)?$/.test(want));
  const a = numeric ? Number(actual) : String(actual);
  const w = numeric ? Number(want) : String(want);
  switch (op) {
    case '$eq':
      return a === w;
    case '$ne':
      return a !== w;
    case '$match':
      return wildcard(String(want)).test(String(actual));
    case '$nmatch':
      return !wildcard(String(want)).test(String(actual));
    case '$gt':
      return a > w;
    case '$gte':
      return a >= w;
    case '$lt':
      return a < w;
    case '$lte':
      return a <= w;
  }
}

/** Whether `item` satisfies `c`. */
export function matches(c: Criterion, item: AqlItem): boolean {
  switch (c.kind) {
    case 'and':
      return c.of.every((x) => matches(x, item));
    case 'or':
      return c.of.some((x) => matches(x, item));
    case 'field':
      return compare(item[c.field], c.op, c.value);
    case 'property': {
      const values = item.properties?.[c.key] ?? [];
      // As in Artifactory, $ne and $nmatch also hold for items without the property.
      if (c.op === '$ne' || c.op === '$nmatch')
        return values.every((v) => compare(v, c.op, c.value));
      return values.some((v) => compare(v, c.op, c.value));
    }
  }
}

/** The answer's item: the included fields only (AQL's default set when none is named). */
export function project(item: AqlItem, include: string[] | undefined): Record<string, unknown> {
  const fields =
    include && include.length && !include.includes('*')
      ? include
      : [
          'repo',
          'path',
          'name',
          'type',
          'size',
          'created',
          'created_by',
          'modified',
          'modified_by',
          'updated',
        ];
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'property' || f.startsWith('property.')) {
      out.properties = Object.entries(item.properties ?? {}).flatMap(([key, vs]) =>
        vs.map((value) => ({ key, value })),
      );
    } else if ((ITEM_FIELDS as readonly string[]).includes(f)) {
      out[f] = item[f as ItemField];
    }
  }
  for (const f of ['repo', 'path', 'name'] as const)
    if (!(f in out) && fields.includes('*')) out[f] = item[f];
  return out;
}

export function sortItems(items: AqlItem[], sort: AqlQuery['sort']): AqlItem[] {
  if (!sort) return items;
  const dir = sort.order === 'asc' ? 1 : -1;
  return items.sort((x, y) => {
    for (const f of sort.fields) {
      const a = x[f];
      const b = y[f];
      if (a < b) return -dir;
      if (a > b) return dir;
    }
    return 0;
  });
}
