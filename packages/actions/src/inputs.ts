/**
 * Readers used by the per-action `context.ts` files (nothing else reads inputs) and the one
 * place that reads the runner's environment: workspace, temp dir, run identity, event.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { detectCi, type CiInfo } from '@stowage/core';
import { Env } from './constants.ts';

export const str = (name: string): string => core.getInput(name).trim();

/** A boolean input; empty means `dflt` (action.yml defaults normally fill it). */
export function bool(name: string, dflt: boolean): boolean {
  const v = str(name).toLowerCase();
  if (v === '') return dflt;
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new Error(`input ${name} must be true or false, got "${v}"`);
}

/** A positive integer input; empty means `dflt`. */
export function positiveInt(name: string, dflt: number): number {
  const v = str(name);
  if (v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`input ${name} must be a positive integer, got "${v}"`);
  return n;
}

/** Items separated by newlines, commas or spaces; `#` starts a comment. */
export function list(name: string): string[] {
  return core
    .getInput(name)
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .flatMap((l) => l.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One item per line (globs may contain spaces and commas); `#` lines are comments. */
export function lines(name: string): string[] {
  return core
    .getInput(name)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `k=v;k2=v1,v2` (or one per line) into properties. */
export function props(name: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const pair of core.getInput(name).split(/[;\n]/)) {
    const t = pair.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`input ${name}: "${t}" is not key=value`);
    const key = t.slice(0, eq).trim();
    out[key] = [
      ...(out[key] ?? []),
      ...t
        .slice(eq + 1)
        .split(',')
        .map((v) => v.trim()),
    ];
  }
  return out;
}

export interface Runner {
  env: Record<string, string | undefined>;
  ci: CiInfo;
  workspace: string;
  temp: string;
  home: string;
  /** owner/name */
  repository: string;
  workflow: string;
  sha: string;
  ref: string;
  apiUrl: string;
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH), `{}` when absent. */
  event: Record<string, unknown>;
}

export function runner(env: Record<string, string | undefined> = process.env): Runner {
  let event: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      core.debug(`could not read the event payload at ${env.GITHUB_EVENT_PATH}`);
    }
  }
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  return {
    env,
    ci: detectCi(env),
    workspace,
    temp: env.RUNNER_TEMP || join(tmpdir(), 'stowage'),
    home: env.HOME || tmpdir(),
    repository: env.GITHUB_REPOSITORY ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event,
  };
}

/** Server URL and token: the input, else what the setup action exported. */
export function connection(
  urlInput: string,
  tokenInput: string,
  env: Record<string, string | undefined> = process.env,
): { url: string; token: string } {
  const url = str(urlInput) || env[Env.url] || '';
  const token = str(tokenInput) || env[Env.token] || '';
  if (!url) {
    throw new Error(
      `no Stowage server: run the setup action first (it exports ${Env.url}) or pass the ${urlInput} input`,
    );
  }
  if (token) core.setSecret(token);
  return { url: url.replace(/\/+$/, ''), token };
}

/** Build name and number: the inputs, else setup's exports, else the run's. */
export function buildRef(
  nameInput: string,
  numberInput: string,
  r: Runner,
): { buildName: string; buildNumber: string } {
  const buildName = str(nameInput) || r.env[Env.buildName] || r.ci.name || '';
  const buildNumber = str(numberInput) || r.env[Env.buildNumber] || r.ci.number || '';
  if (!buildName || !buildNumber) {
    throw new Error(
      `no build: pass ${nameInput} and ${numberInput}, or run the setup action first (it exports ${Env.buildName} and ${Env.buildNumber})`,
    );
  }
  return { buildName, buildNumber };
}

/** The local build-info store shared with the CLI. */
export function storeDir(r: Runner): string {
  return r.env[Env.store] || join(r.temp, 'stowage', 'builds');
}
