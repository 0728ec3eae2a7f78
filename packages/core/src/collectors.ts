/**
 * Collectors: build-info parts gathered from the environment, git and the CI system. Each takes
 * what it needs as arguments (an env map, a directory); none reads process.env itself.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Agent, Vcs } from './buildinfo.ts';
import { ErrorCodes, StowageError } from './errors.ts';

/**
 * Variables left out of collected environments unless the caller passes its own `exclude`.
 * Matching is case-insensitive; `*` matches any run of characters. `*psw*` catches Jenkins'
 * `credentials()` bindings (`X_PSW`), `*auth*` npm's `NPM_CONFIG__AUTH` and `NEXUS_AUTH`.
 */
export const DEFAULT_ENV_EXCLUDE: readonly string[] = [
  '*pass*',
  '*psw*',
  '*pwd*',
  '*secret*',
  '*token*',
  '*key*',
  '*auth*',
  '*credential*',
  '*cookie*',
  '*session*',
];

/**
 * Values shaped like well-known credentials, dropped whatever the variable's name: GitHub
 * tokens (`ghp_`, `gho_`, `ghs_`, `ghu_`, `ghr_`, `github_pat_`), Stowage tokens (`stw_`), AWS
 * access key ids (`AKIA…`/`ASIA…`), JWTs, PEM private keys, Slack (`xoxb-`/`xoxp-`…), npm
 * (`npm_…`) and GitLab (`glpat-`) tokens, and URLs with a password in them.
 */
export const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{20,}/,
  /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{20,}/,
  /(?<![A-Za-z0-9])stw_[A-Za-z0-9_-]{16,}/,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /(?<![A-Za-z0-9])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/,
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/,
  /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/,
  /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}\b/,
  /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i,
];

/** True when `value` looks like a credential (see SECRET_VALUE_PATTERNS). */
export function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE_PATTERNS.some((re) => re.test(value));
}

export interface CollectEnvOptions {
  env: Record<string, string | undefined>;
  /** Globs of variable names to keep. Default: all. */
  include?: string[];
  /**
   * Globs of variable names to drop; applied after `include`. Default: DEFAULT_ENV_EXCLUDE.
   * Passing a list replaces the default, so spread DEFAULT_ENV_EXCLUDE into it to extend it.
   */
  exclude?: string[];
  /**
   * Globs of names kept even though an `exclude` glob matches them (`AUTHOR_NAME` against
   * `*auth*`). Their values are still checked against SECRET_VALUE_PATTERNS.
   */
  allow?: string[];
  /** Drop values shaped like credentials whatever their name. Default true. */
  checkValues?: boolean;
}

/** What collectEnv kept and, by name only, what it left out and why. */
export interface CollectedEnv {
  properties: Record<string, string>;
  /** Names dropped because they match an exclude glob. */
  excludedByName: string[];
  /** Names dropped because their value looks like a credential. */
  excludedByValue: string[];
}

/** Compiles a case-insensitive glob (`*`, `?`) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Environment variables as build-info properties, `{ 'buildInfo.env.NAME': value }`, sorted by
 * name, with secrets excluded by name and by the shape of their value; also says what it left out.
 */
export function collectEnvDetailed(opts: CollectEnvOptions): CollectedEnv {
  const include = (opts.include ?? ['*']).map(globToRegExp);
  const exclude = (opts.exclude ?? DEFAULT_ENV_EXCLUDE).map(globToRegExp);
  const allow = (opts.allow ?? []).map(globToRegExp);
  const out: CollectedEnv = { properties: {}, excludedByName: [], excludedByValue: [] };
  for (const name of Object.keys(opts.env).sort()) {
    const value = opts.env[name];
    if (value === undefined) continue;
    if (!include.some((re) => re.test(name))) continue;
    if (exclude.some((re) => re.test(name)) && !allow.some((re) => re.test(name))) {
      out.excludedByName.push(name);
      continue;
    }
    if (opts.checkValues !== false && looksLikeSecret(value)) {
      out.excludedByValue.push(name);
      continue;
    }
    out.properties[`buildInfo.env.${name}`] = value;
  }
  return out;
}

/** collectEnvDetailed's properties alone. */
export function collectEnv(opts: CollectEnvOptions): Record<string, string> {
  return collectEnvDetailed(opts).properties;
}

/** Removes user name and password from a URL; leaves scp-like `git@host:path` forms alone. */
export function stripCredentials(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not parseable by WHATWG URL: cut "scheme://userinfo@" by hand.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  }
}

interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, timeout: 30_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT') {
          reject(
            new StowageError(
              ErrorCodes.COLLECT_GIT,
              `cannot collect VCS information in ${cwd}: the git command was not found`,
              { hint: 'install git and put it on PATH, or skip VCS collection', cause: err },
            ),
          );
          return;
        }
        resolve({ ok: err === null, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export interface CollectGitOptions {
  /** A directory inside the work tree. */
  cwd: string;
}

/**
 * The work tree's VCS entry: remote url (credentials removed), branch, revision and last commit
 * message. Undefined outside a git work tree. The url is `origin`'s, else the first remote's.
 */
export async function collectGit(opts: CollectGitOptions): Promise<Vcs | undefined> {
  const dir = await stat(opts.cwd).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new StowageError(
      ErrorCodes.COLLECT_GIT,
      `cannot collect VCS information: ${opts.cwd} is not a directory`,
      { hint: 'pass the directory of the checked-out sources' },
    );
  }
  const inside = await git(opts.cwd, ['rev-parse', '--is-inside-work-tree']);
  if (!inside.ok) {
    if (/not a git repository/i.test(inside.stderr)) return undefined;
    if (/dubious ownership/i.test(inside.stderr)) {
      throw new StowageError(
        ErrorCodes.COLLECT_GIT,
        `git refuses to read ${opts.cwd}: the repository is owned by another user`,
        { hint: `mark it safe with: git config --global --add safe.directory ${opts.cwd}` },
      );
    }
    throw new StowageError(
      ErrorCodes.COLLECT_GIT,
      `git failed in ${opts.cwd}: ${inside.stderr.trim()}`,
      {
        hint: 'run `git status` there to see what git objects to',
      },
    );
  }
  if (inside.stdout.trim() !== 'true') return undefined;

  const vcs: Vcs = {};
  let url = (await git(opts.cwd, ['config', '--get', 'remote.origin.url'])).stdout.trim();
  if (url === '') {
    const first = (await git(opts.cwd, ['remote'])).stdout.split('\n')[0]?.trim();
    if (first)
      url = (await git(opts.cwd, ['config', '--get', `remote.${first}.url`])).stdout.trim();
  }
  if (url !== '') vcs.url = stripCredentials(url);

  const branch = await git(opts.cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (branch.ok && branch.stdout.trim() !== '') vcs.branch = branch.stdout.trim();

  const revision = await git(opts.cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (revision.ok && revision.stdout.trim() !== '') {
    vcs.revision = revision.stdout.trim();
    const message = await git(opts.cwd, ['log', '-1', '--format=%B', 'HEAD']);
    if (message.ok) vcs.message = message.stdout.trim();
  }
  return vcs;
}

export interface CiInfo {
  name?: string;
  number?: string;
  url?: string;
  agent?: Agent;
  principal?: string;
}

/**
 * Build name, number, url, CI agent and principal from a CI system's environment:
 * GitHub Actions (`GITHUB_ACTIONS=true`) or Jenkins (`JENKINS_URL`, or `JOB_NAME` with
 * `BUILD_NUMBER`). Empty object for anything else.
 */
export function detectCi(env: Record<string, string | undefined>): CiInfo {
  const out: CiInfo = {};
  const set = <K extends keyof CiInfo>(key: K, value: CiInfo[K] | undefined): void => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  if (env.GITHUB_ACTIONS === 'true') {
    set('name', env.GITHUB_WORKFLOW);
    set('number', env.GITHUB_RUN_NUMBER);
    if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
      out.url = `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
    }
    out.agent = env.RUNNER_VERSION
      ? { name: 'GitHub Actions', version: env.RUNNER_VERSION }
      : { name: 'GitHub Actions' };
    set('principal', env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR);
    return out;
  }
  if (env.JENKINS_URL || (env.JOB_NAME && env.BUILD_NUMBER)) {
    set('name', env.JOB_NAME);
    set('number', env.BUILD_NUMBER);
    set('url', env.BUILD_URL);
    out.agent = env.JENKINS_VERSION
      ? { name: 'Jenkins', version: env.JENKINS_VERSION }
      : { name: 'Jenkins' };
    set('principal', env.BUILD_USER_ID);
    return out;
  }
  return out;
}
