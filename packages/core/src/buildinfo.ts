/**
 * JFrog build-info 1.0.1: the model, its `started` timestamp format, merging of parts and
 * validation. Field layout follows JFrog's public schema (shared/specs/buildinfo-schema.json).
 */
import { ErrorCodes, StowageError } from './errors.ts';

export const BUILD_INFO_VERSION = '1.0.1';

/** CI server (`agent`) or build tool (`buildAgent`). */
export interface Agent {
  name: string;
  version?: string;
}

export interface Vcs {
  url?: string;
  branch?: string;
  revision?: string;
  message?: string;
}

export interface Artifact {
  name: string;
  type?: string;
  path?: string;
  sha1?: string;
  sha256?: string;
  md5?: string;
  /** Bytes. Not in JFrog's schema, but kept by Stowage and ignored by other readers. */
  size?: number;
}

export interface Dependency {
  id: string;
  type?: string;
  scopes?: string[];
  /** Ancestor chains, direct parent first. */
  requestedBy?: string[][];
  sha1?: string;
  sha256?: string;
  md5?: string;
}

export interface Module {
  id: string;
  type?: string;
  properties?: Record<string, string>;
  artifacts?: Artifact[];
  dependencies?: Dependency[];
}

/** One promotion (or other status change) appended to a build. */
export interface BuildStatus {
  status: string;
  comment?: string;
  repository?: string;
  /** Same format as `started`. */
  timestamp: string;
  /** The authenticated principal who made the promotion (set by the server). */
  user?: string;
  /** The CI's user, as the client sent it. */
  ciUser?: string;
  /** Who approved the promotion (e.g. a GitHub environment reviewer), as the client sent it. */
  approver?: string;
  timestampDate?: number;
}

export interface BuildInfo {
  version: string;
  name: string;
  number: string;
  type?: string;
  /** `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, e.g. `2026-11-25T07:27:22.123+0000`. */
  started: string;
  durationMillis?: number;
  principal?: string;
  url?: string;
  agent?: Agent;
  buildAgent?: Agent;
  properties?: Record<string, string>;
  vcs?: Vcs[];
  modules?: Module[];
  statuses?: BuildStatus[];
  issues?: unknown;
}

/** The schema's pattern for `started` (the `.` before the millis is literal here). */
export const STARTED_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{4})$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * Formats a date as build-info's `started`: `yyyy-MM-dd'T'HH:mm:ss.SSSZ` with a numeric offset.
 * `offsetMinutes` is the zone's offset east of UTC (`60` gives `+0100`, `-300` gives `-0500`);
 * the default is UTC (`+0000`), which keeps output independent of the machine's time zone.
 */
export function formatStarted(date: Date, offsetMinutes = 0): string {
  if (Number.isNaN(date.getTime())) {
    throw new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      'cannot format an invalid Date as a build start time',
      {
        hint: 'pass a valid Date (for example new Date())',
      },
    );
  }
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
    throw new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      `time-zone offset ${offsetMinutes} is not a whole number of minutes between -1439 and 1439`,
      { hint: 'pass the offset east of UTC in minutes, e.g. 60 for +0100' },
    );
  }
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

const PARSE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses a build-info timestamp. Accepts the schema's form (`….SSS+0000` or `….SSSZ`) and, leniently,
 * ISO-8601 variants other tools write (`+00:00`, no or more fraction digits).
 */
export function parseStarted(s: string): Date {
  const m = typeof s === 'string' ? PARSE_PATTERN.exec(s) : null;
  const invalid = (): StowageError =>
    new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      `build start time ${JSON.stringify(s)} is not of the form yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. 2026-11-25T07:27:22.123+0000)`,
      { hint: 'produce it with formatStarted(new Date())' },
    );
  if (!m) throw invalid();
  const [, y, mo, d, h, mi, sec, frac = '0', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(sec),
    ms,
  );
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  ) {
    throw invalid();
  }
  let offset = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (om > 59) throw invalid();
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(utc - offset * 60_000);
}

export interface NewBuildInfoOptions {
  name: string;
  number: string;
  /** Default: now. */
  started?: Date;
  url?: string;
  principal?: string;
  agent?: Agent;
  buildAgent?: Agent;
}

/** A fresh build-info with `version`, `name`, `number` and `started` set. */
export function newBuildInfo(opts: NewBuildInfoOptions): BuildInfo {
  requireKey(opts.name, 'name');
  requireKey(opts.number, 'number');
  const info: BuildInfo = {
    version: BUILD_INFO_VERSION,
    name: opts.name,
    number: opts.number,
    started: formatStarted(opts.started ?? new Date()),
  };
  if (opts.url !== undefined) info.url = opts.url;
  if (opts.principal !== undefined) info.principal = opts.principal;
  if (opts.agent !== undefined) info.agent = { ...opts.agent };
  if (opts.buildAgent !== undefined) info.buildAgent = { ...opts.buildAgent };
  return info;
}

function requireKey(value: unknown, field: 'name' | 'number'): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      `build ${field} must be a non-empty string, got ${JSON.stringify(value)}`,
      { hint: `pass the build ${field}${field === 'number' ? ' as a string, e.g. "42"' : ''}` },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Merging

const artifactKey = (a: Artifact): string =>
  a.sha256
    ? `sha256:${a.sha256.toLowerCase()}`
    : a.sha1
      ? `sha1:${a.sha1.toLowerCase()}`
      : `name:${a.name}\0${a.path ?? ''}`;

const dependencyKey = (d: Dependency): string =>
  `${d.id}\0${(d.sha256 ?? d.sha1 ?? d.md5 ?? '').toLowerCase()}`;

const vcsKey = (v: Vcs): string => `${v.url ?? ''}\0${v.revision ?? ''}`;

const statusKey = (s: BuildStatus): string =>
  JSON.stringify([s.status, s.timestamp, s.repository ?? '', s.user ?? '', s.ciUser ?? '']);

/** Fills fields `into` lacks from `from`; for scalars the later part wins. */
function assignDefined<T extends object>(into: T, from: Partial<T>): void {
  for (const [k, v] of Object.entries(from)) {
    if (v !== undefined) (into as Record<string, unknown>)[k] = v;
  }
}

function mergeList<T>(
  into: T[] | undefined,
  more: readonly T[] | undefined,
  key: (x: T) => string,
  combine: (existing: T, incoming: T) => void,
): T[] | undefined {
  if (!more || more.length === 0) return into;
  const out = into ?? [];
  const index = new Map<string, T>();
  for (const x of out) index.set(key(x), x);
  for (const incoming of more) {
    const k = key(incoming);
    const existing = index.get(k);
    if (existing) {
      combine(existing, incoming);
    } else {
      const copy = structuredClone(incoming);
      out.push(copy);
      index.set(k, copy);
    }
  }
  return out;
}

function unionStrings(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!b || b.length === 0) return a;
  const out = a ?? [];
  for (const s of b) if (!out.includes(s)) out.push(s);
  return out;
}

function mergeDependency(into: Dependency, from: Dependency): void {
  const scopes = unionStrings(into.scopes, from.scopes);
  const requestedBy = mergeList(
    into.requestedBy,
    from.requestedBy,
    (p) => JSON.stringify(p),
    () => {},
  );
  const { scopes: _s, requestedBy: _r, ...rest } = from;
  assignDefined(into, structuredClone(rest));
  if (scopes) into.scopes = scopes;
  if (requestedBy) into.requestedBy = requestedBy;
}

function mergeModule(into: Module, from: Module): void {
  if (from.type !== undefined) into.type = from.type;
  if (from.properties) into.properties = { ...into.properties, ...from.properties };
  const artifacts = mergeList(into.artifacts, from.artifacts, artifactKey, (a, b) =>
    assignDefined(a, b),
  );
  if (artifacts) into.artifacts = artifacts;
  const dependencies = mergeList(
    into.dependencies,
    from.dependencies,
    dependencyKey,
    mergeDependency,
  );
  if (dependencies) into.dependencies = dependencies;
}

function earlierStarted(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  let ta: number;
  let tb: number;
  try {
    ta = parseStarted(a).getTime();
  } catch {
    return b;
  }
  try {
    tb = parseStarted(b).getTime();
  } catch {
    return a;
  }
  return tb < ta ? b : a;
}

/**
 * Merges build-info parts into `base` (neither is modified). Later parts win for single values;
 * `started` keeps the earliest; `properties` merge key by key; `vcs` entries merge by url+revision;
 * modules merge by `id`; within a module, artifacts are de-duplicated by sha256 (else sha1, else
 * name+path) and dependencies by id+checksum (their scopes and requestedBy chains are united);
 * statuses are appended, identical ones once.
 */
export function mergeBuildInfo(base: BuildInfo, ...parts: Partial<BuildInfo>[]): BuildInfo {
  return mergeParts(base, parts) as BuildInfo;
}

/** mergeBuildInfo without requiring `started` on the base (the store uses it). @internal */
export function mergeParts(
  base: Partial<BuildInfo>,
  parts: readonly Partial<BuildInfo>[],
): Partial<BuildInfo> {
  const out: Partial<BuildInfo> = structuredClone(base);
  out.version ??= BUILD_INFO_VERSION;
  for (const part of parts) {
    const { started, properties, vcs, modules, statuses, version: _v, ...scalars } = part;
    assignDefined(out, structuredClone(scalars));
    const s = earlierStarted(out.started, started);
    if (s !== undefined) out.started = s;
    if (properties) out.properties = { ...out.properties, ...properties };
    const mergedVcs = mergeList(out.vcs, vcs, vcsKey, (a, b) => assignDefined(a, b));
    if (mergedVcs) out.vcs = mergedVcs;
    const mergedModules = mergeList(out.modules, modules, (m) => m.id, mergeModule);
    if (mergedModules) out.modules = mergedModules;
    const mergedStatuses = mergeList(out.statuses, statuses, statusKey, () => {});
    if (mergedStatuses) out.statuses = mergedStatuses;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

const HEX_LENGTH = { sha1: 40, sha256: 64, md5: 32 } as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;

class Problems {
  list: string[] = [];
  add(path: string, what: string): void {
    this.list.push(`${path} ${what}`);
  }
  optionalString(obj: Json, key: string, path: string): void {
    const v = obj[key];
    if (v !== undefined && typeof v !== 'string')
      this.add(`${path}${key}`, `must be a string, got ${describe(v)}`);
  }
  requiredString(obj: Json, key: string, path: string, example: string): void {
    const v = obj[key];
    if (v === undefined) this.add(`${path}${key}`, `is missing (e.g. ${example})`);
    else if (typeof v !== 'string')
      this.add(`${path}${key}`, `must be a string, got ${describe(v)} (e.g. ${example})`);
    else if (v.trim() === '') this.add(`${path}${key}`, `must not be empty (e.g. ${example})`);
  }
  stringMap(obj: Json, key: string, path: string): void {
    const v = obj[key];
    if (v === undefined) return;
    if (!isObject(v)) {
      this.add(`${path}${key}`, `must be an object of string values, got ${describe(v)}`);
      return;
    }
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== 'string')
        this.add(`${path}${key}.${k}`, `must be a string, got ${describe(val)}`);
    }
  }
  checksums(obj: Json, path: string): void {
    for (const algo of ['sha1', 'sha256', 'md5'] as const) {
      const v = obj[algo];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[algo]}}$`).test(v)) {
        this.add(
          `${path}${algo}`,
          `must be ${HEX_LENGTH[algo]} hex digits, got ${JSON.stringify(v)} (compute it with hashFile())`,
        );
      }
    }
  }
  array(obj: Json, key: string, path: string, each: (item: Json, itemPath: string) => void): void {
    const v = obj[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      this.add(`${path}${key}`, `must be an array, got ${describe(v)}`);
      return;
    }
    v.forEach((item: unknown, i) => {
      const itemPath = `${path}${key}[${i}]`;
      if (!isObject(item)) this.add(itemPath, `must be an object, got ${describe(item)}`);
      else each(item, `${itemPath}.`);
    });
  }
  agent(obj: Json, key: string, path: string): void {
    const v = obj[key];
    if (v === undefined) return;
    if (!isObject(v)) {
      this.add(`${path}${key}`, `must be an object { name, version }, got ${describe(v)}`);
      return;
    }
    this.optionalString(v, 'name', `${path}${key}.`);
    this.optionalString(v, 'version', `${path}${key}.`);
  }
}

/**
 * Checks that `doc` is a build-info document Stowage and JFrog tools can read, and returns it typed
 * (with `version` defaulted to 1.0.1). Throws ERR_BUILDINFO_INVALID listing every problem found.
 */
export function validateBuildInfo(doc: unknown): BuildInfo {
  if (!isObject(doc)) {
    throw new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      `build-info must be a JSON object, got ${describe(doc)}`,
      {
        hint: 'send one build-info object, e.g. {"version":"1.0.1","name":"app","number":"42","started":"…"}',
      },
    );
  }
  const p = new Problems();
  p.optionalString(doc, 'version', '');
  p.requiredString(doc, 'name', '', '"nightly-etl"');
  if (typeof doc.number === 'number') {
    p.add('number', `must be a string, got the number ${doc.number} (send it as "${doc.number}")`);
  } else {
    p.requiredString(doc, 'number', '', '"42"');
  }
  if (doc.started === undefined) {
    p.add(
      'started',
      'is missing (e.g. "2026-11-25T07:27:22.123+0000"; produce it with formatStarted())',
    );
  } else if (typeof doc.started !== 'string' || !STARTED_PATTERN.test(doc.started)) {
    p.add(
      'started',
      `must look like yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. "2026-11-25T07:27:22.123+0000"), got ${JSON.stringify(doc.started)}`,
    );
  } else {
    try {
      parseStarted(doc.started);
    } catch {
      p.add('started', `is not a real date and time: ${JSON.stringify(doc.started)}`);
    }
  }
  for (const key of ['type', 'principal', 'url']) p.optionalString(doc, key, '');
  const d = doc.durationMillis;
  if (d !== undefined && !(typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    p.add('durationMillis', `must be a non-negative integer, got ${JSON.stringify(d)}`);
  }
  p.agent(doc, 'agent', '');
  p.agent(doc, 'buildAgent', '');
  p.stringMap(doc, 'properties', '');
  p.array(doc, 'vcs', '', (v, path) => {
    for (const key of ['url', 'branch', 'revision', 'message']) p.optionalString(v, key, path);
  });
  p.array(doc, 'modules', '', (m, path) => {
    p.requiredString(m, 'id', path, '"org.example:app:1.0"');
    p.optionalString(m, 'type', path);
    p.stringMap(m, 'properties', path);
    p.array(m, 'artifacts', path, (a, apath) => {
      p.requiredString(a, 'name', apath, '"app-1.0.tgz"');
      p.optionalString(a, 'type', apath);
      p.optionalString(a, 'path', apath);
      p.checksums(a, apath);
      const size = a.size;
      if (
        size !== undefined &&
        !(typeof size === 'number' && Number.isInteger(size) && size >= 0)
      ) {
        p.add(`${apath}size`, `must be a non-negative integer, got ${JSON.stringify(size)}`);
      }
    });
    p.array(m, 'dependencies', path, (dep, dpath) => {
      p.requiredString(dep, 'id', dpath, '"lodash:4.17.21"');
      p.optionalString(dep, 'type', dpath);
      p.checksums(dep, dpath);
      const scopes = dep.scopes;
      if (
        scopes !== undefined &&
        !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))
      ) {
        p.add(`${dpath}scopes`, 'must be an array of strings');
      }
      const rb = dep.requestedBy;
      if (
        rb !== undefined &&
        !(
          Array.isArray(rb) &&
          rb.every((chain) => Array.isArray(chain) && chain.every((s) => typeof s === 'string'))
        )
      ) {
        p.add(`${dpath}requestedBy`, 'must be an array of arrays of dependency ids');
      }
    });
  });
  p.array(doc, 'statuses', '', (s, path) => {
    p.requiredString(s, 'status', path, '"released"');
    p.requiredString(s, 'timestamp', path, '"2026-11-25T07:27:22.123+0000"');
    for (const key of ['comment', 'repository', 'user', 'ciUser', 'approver'])
      p.optionalString(s, key, path);
  });
  if (p.list.length > 0) {
    const shown = p.list.slice(0, 10);
    const more = p.list.length > shown.length ? `; and ${p.list.length - shown.length} more` : '';
    throw new StowageError(
      ErrorCodes.BUILDINFO_INVALID,
      `invalid build-info: ${shown.join('; ')}${more}`,
      { hint: 'fix the fields named above; the layout is JFrog build-info 1.0.1' },
    );
  }
  const out = { ...doc } as unknown as BuildInfo;
  out.version ??= BUILD_INFO_VERSION;
  return out;
}
