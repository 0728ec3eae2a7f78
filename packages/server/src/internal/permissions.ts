/**
 * Who may do what, in the spirit of Artifactory's permission targets (in small):
 *
 * - principals are users (with groups), `anonymous`, and tokens (acting for a user, or a
 *   service token whose scopes are its only grants);
 * - a permission target grants repository actions on repository key patterns and build
 *   actions on build-name patterns, to users and groups;
 * - a grant and a token scope are the same thing: `repo:<keyPattern>:<action>` or
 *   `build:<namePattern>:<action>`; patterns use `*` and never contain `:`.
 *
 * Repository actions imply the ones below them (manage ⊃ delete ⊃ deploy ⊃ annotate ⊃ read), as
 * in Artifactory; build `delete` implies `publish` implies `read`, and every `promote:<stage>`
 * implies `read`.
 */

export const REPO_ACTIONS = ['read', 'annotate', 'deploy', 'delete', 'manage'] as const;
export type RepoAction = (typeof REPO_ACTIONS)[number];
export const BUILD_ACTIONS = ['read', 'publish', 'delete'] as const;
/** `read`, `publish`, `delete` or `promote:<stage>` (`promote:*` for every stage). */
export type BuildAction = (typeof BUILD_ACTIONS)[number] | `promote:${string}`;

/** What a route declares in `config.permission` (CONTRACTS.md item 1). */
export const PERMISSIONS = [
  'public',
  'authenticated',
  'admin',
  'repo:read',
  'repo:annotate',
  'repo:deploy',
  'repo:delete',
  'repo:manage',
  'build:read',
  'build:publish',
  'build:delete',
  'build:promote',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** One grant (or token scope), parsed. */
export type Grant =
  | { kind: 'admin' }
  | { kind: 'repo'; pattern: string; action: RepoAction }
  | { kind: 'build'; pattern: string; action: BuildAction };

/** Users and groups of a permission target, each with its list of actions. */
export interface Grantees {
  users?: Record<string, string[]>;
  groups?: Record<string, string[]>;
}

/** Artifactory's permission target shape, with `build.names` for the build-name patterns. */
export interface PermissionTarget {
  name: string;
  repo?: { repositories: string[]; actions: Grantees };
  build?: { names: string[]; actions: Grantees };
}

export interface UserRecord {
  name: string;
  email?: string;
  groups: string[];
  /** An administrator has every permission. */
  admin?: boolean;
}

export interface GroupRecord {
  name: string;
  description?: string;
  admin?: boolean;
}

/** Names of users, groups and permission targets (and `anonymous`, `admin`). */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const PATTERN = /^[^:\s]{1,200}$/;
const STAGE = /^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export class GrantError extends Error {
  override name = 'GrantError';
}

function checkPattern(p: string, where: string): string {
  if (!PATTERN.test(p))
    throw new GrantError(
      `${where}: pattern ${JSON.stringify(p)} is invalid: use a name or a pattern with *, without ":" or spaces`,
    );
  return p;
}

export function parseRepoAction(a: string, where: string): RepoAction {
  if ((REPO_ACTIONS as readonly string[]).includes(a)) return a as RepoAction;
  throw new GrantError(
    `${where}: repository action "${a}" is not one of ${REPO_ACTIONS.join(', ')}`,
  );
}

export function parseBuildAction(a: string, where: string): BuildAction {
  if ((BUILD_ACTIONS as readonly string[]).includes(a)) return a as BuildAction;
  if (a.startsWith('promote:') && STAGE.test(a.slice('promote:'.length))) return a as BuildAction;
  throw new GrantError(
    `${where}: build action "${a}" is not one of ${BUILD_ACTIONS.join(', ')}, promote:<stage>, promote:*`,
  );
}

/** Parses one scope string (CONTRACTS.md item 2); throws GrantError with the fix. */
export function parseScope(s: string): Grant {
  if (s === 'admin') return { kind: 'admin' };
  const first = s.indexOf(':');
  const second = first < 0 ? -1 : s.indexOf(':', first + 1);
  const kind = first < 0 ? s : s.slice(0, first);
  if ((kind !== 'repo' && kind !== 'build') || second < 0)
    throw new GrantError(
      `scope "${s}" is not valid: use "admin", "repo:<keyPattern>:<action>" or "build:<namePattern>:<action>"`,
    );
  const pattern = checkPattern(s.slice(first + 1, second), `scope "${s}"`);
  const action = s.slice(second + 1);
  return kind === 'repo'
    ? { kind, pattern, action: parseRepoAction(action, `scope "${s}"`) }
    : { kind, pattern, action: parseBuildAction(action, `scope "${s}"`) };
}

export function formatScope(g: Grant): string {
  return g.kind === 'admin' ? 'admin' : `${g.kind}:${g.pattern}:${g.action}`;
}

const globs = new Map<string, RegExp>();
export function globMatch(pattern: string, value: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      's',
    );
    if (globs.size > 1000) globs.clear();
    globs.set(pattern, re);
  }
  return re.test(value);
}

const REPO_RANK: Record<RepoAction, number> = {
  read: 0,
  annotate: 1,
  deploy: 2,
  delete: 3,
  manage: 4,
};

/** Whether holding `held` allows `wanted` (the implications in the header comment). */
function actionCovers(kind: 'repo' | 'build', held: string, wanted: string): boolean {
  if (held === wanted) return true;
  if (kind === 'repo') return REPO_RANK[held as RepoAction] >= REPO_RANK[wanted as RepoAction];
  if (held === 'promote:*' && wanted.startsWith('promote:')) return true;
  if (wanted === 'read') return true; // every build action implies read
  return held === 'delete' && wanted === 'publish';
}

/** What a check asks about: an action on a concrete repository key or build name. */
export type Wanted =
  | { kind: 'repo'; name: string; action: RepoAction }
  | { kind: 'build'; name: string; action: BuildAction };

export function grants(list: readonly Grant[], w: Wanted): boolean {
  return list.some(
    (g) =>
      g.kind === 'admin' ||
      (g.kind === w.kind &&
        globMatch(g.pattern, w.name) &&
        actionCovers(w.kind, g.action, w.action)),
  );
}

/**
 * Whether `held` covers everything `asked` allows (for issuing a token from a scoped one):
 * conservative — the same or a wider action on `*`, the same pattern, or a literal name the
 * held pattern matches.
 */
export function covers(held: readonly Grant[], asked: Grant): boolean {
  if (held.some((h) => h.kind === 'admin')) return true;
  if (asked.kind === 'admin') return false;
  return held.some(
    (h) =>
      h.kind === asked.kind &&
      actionCovers(h.kind, h.action, asked.action) &&
      (h.pattern === '*' ||
        h.pattern === asked.pattern ||
        (!asked.pattern.includes('*') && globMatch(h.pattern, asked.pattern))),
  );
}

/** The users, groups and targets in force: the server config's and the MetaStore's. */
export interface Policy {
  users: UserRecord[];
  groups: GroupRecord[];
  targets: PermissionTarget[];
  anonymousRead: boolean;
}

/** Every grant a user holds through the permission targets (its own and its groups'). */
export function userGrants(policy: Policy, user: string): Grant[] {
  if (user === 'admin') return [{ kind: 'admin' }];
  const out: Grant[] = [];
  const record = policy.users.find((u) => u.name === user);
  const groups = new Set(record?.groups ?? []);
  if (record?.admin || policy.groups.some((g) => g.admin && groups.has(g.name)))
    return [{ kind: 'admin' }];
  const holders = (a: Grantees): string[] => [
    ...(a.users?.[user] ?? []),
    ...(user !== 'anonymous' ? (a.users?.anonymous ?? []) : []),
    ...Object.entries(a.groups ?? {})
      .filter(([g]) => groups.has(g))
      .flatMap(([, acts]) => acts),
  ];
  for (const t of policy.targets) {
    if (t.repo) {
      for (const action of holders(t.repo.actions))
        for (const pattern of t.repo.repositories)
          out.push({ kind: 'repo', pattern, action: action as RepoAction });
    }
    if (t.build) {
      for (const action of holders(t.build.actions))
        for (const pattern of t.build.names)
          out.push({ kind: 'build', pattern, action: action as BuildAction });
    }
  }
  // `auth.anonymousRead`: anonymous (and so everyone) reads every repository and build.
  if (policy.anonymousRead) {
    out.push({ kind: 'repo', pattern: '*', action: 'read' });
    out.push({ kind: 'build', pattern: '*', action: 'read' });
  }
  return out;
}

function checkGrantees(input: unknown, where: string, kind: 'repo' | 'build'): Grantees {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new GrantError(`${where}.actions must map users and/or groups to lists of actions`);
  const o = input as Record<string, unknown>;
  const out: Grantees = {};
  for (const k of Object.keys(o)) {
    if (k !== 'users' && k !== 'groups')
      throw new GrantError(`${where}.actions.${k} is not known: use users and groups`);
    const m = o[k];
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw new GrantError(`${where}.actions.${k} must map names to lists of actions`);
    const entries: Record<string, string[]> = {};
    for (const [name, acts] of Object.entries(m as Record<string, unknown>)) {
      if (!PRINCIPAL_NAME.test(name))
        throw new GrantError(`${where}.actions.${k}: "${name}" is not a valid name`);
      if (!Array.isArray(acts) || acts.some((a) => typeof a !== 'string'))
        throw new GrantError(`${where}.actions.${k}.${name} must be a list of actions`);
      entries[name] = (acts as string[]).map((a) =>
        kind === 'repo'
          ? parseRepoAction(a, `${where}.actions.${k}.${name}`)
          : parseBuildAction(a, `${where}.actions.${k}.${name}`),
      );
    }
    out[k] = entries;
  }
  return out;
}

function checkPatterns(input: unknown, where: string): string[] {
  if (!Array.isArray(input) || input.length === 0 || input.some((p) => typeof p !== 'string'))
    throw new GrantError(`${where} must be a non-empty list of names or patterns (with *)`);
  return (input as string[]).map((p) => checkPattern(p, where));
}

function onlyKeys(o: Record<string, unknown>, keys: string[], where: string): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length)
    throw new GrantError(
      `${where}: unknown field(s) ${extra.join(', ')}; known: ${keys.join(', ')}`,
    );
}

function object(input: unknown, where: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new GrantError(`${where} must be an object`);
  return input as Record<string, unknown>;
}

function name(o: Record<string, unknown>, where: string): string {
  if (typeof o.name !== 'string' || !PRINCIPAL_NAME.test(o.name))
    throw new GrantError(
      `${where}: name ${JSON.stringify(o.name)} is invalid: use letters, digits, ".", "_", "@" or "-"`,
    );
  return o.name;
}

/** Validates a permission target (config file or REST body). */
export function validateTarget(input: unknown, where: string): PermissionTarget {
  const o = object(input, where);
  onlyKeys(o, ['name', 'repo', 'build'], where);
  const out: PermissionTarget = { name: name(o, where) };
  if (o.repo !== undefined) {
    const r = object(o.repo, `${where}.repo`);
    onlyKeys(r, ['repositories', 'actions'], `${where}.repo`);
    out.repo = {
      repositories: checkPatterns(r.repositories, `${where}.repo.repositories`),
      actions: checkGrantees(r.actions, `${where}.repo`, 'repo'),
    };
  }
  if (o.build !== undefined) {
    const b = object(o.build, `${where}.build`);
    onlyKeys(b, ['names', 'actions'], `${where}.build`);
    out.build = {
      names: checkPatterns(b.names, `${where}.build.names`),
      actions: checkGrantees(b.actions, `${where}.build`, 'build'),
    };
  }
  if (!out.repo && !out.build)
    throw new GrantError(`${where}: a permission target needs repo and/or build grants`);
  return out;
}

export function validateUser(input: unknown, where: string): UserRecord {
  const o = object(input, where);
  onlyKeys(o, ['name', 'email', 'groups', 'admin'], where);
  const out: UserRecord = { name: name(o, where), groups: [] };
  if (out.name === 'admin' || out.name === 'anonymous')
    throw new GrantError(`${where}: "${out.name}" is built in and cannot be redefined`);
  if (o.email !== undefined) {
    if (typeof o.email !== 'string') throw new GrantError(`${where}: email must be a string`);
    out.email = o.email;
  }
  if (o.groups !== undefined) {
    if (
      !Array.isArray(o.groups) ||
      o.groups.some((g) => typeof g !== 'string' || !PRINCIPAL_NAME.test(g))
    )
      throw new GrantError(`${where}: groups must be a list of group names`);
    out.groups = o.groups as string[];
  }
  if (o.admin !== undefined) {
    if (typeof o.admin !== 'boolean') throw new GrantError(`${where}: admin must be true or false`);
    if (o.admin) out.admin = true;
  }
  return out;
}

export function validateGroup(input: unknown, where: string): GroupRecord {
  const o = object(input, where);
  onlyKeys(o, ['name', 'description', 'admin'], where);
  const out: GroupRecord = { name: name(o, where) };
  if (o.description !== undefined) {
    if (typeof o.description !== 'string')
      throw new GrantError(`${where}: description must be a string`);
    out.description = o.description;
  }
  if (o.admin !== undefined) {
    if (typeof o.admin !== 'boolean') throw new GrantError(`${where}: admin must be true or false`);
    if (o.admin) out.admin = true;
  }
  return out;
}

/** The message of a 403: which permission is missing, on what. */
export function describe(w: Wanted | { kind: 'admin' }): string {
  if (w.kind === 'admin') return 'needs admin rights';
  return `needs "${w.action}" on ${w.kind === 'repo' ? 'repository' : 'build'} "${w.name}"`;
}
