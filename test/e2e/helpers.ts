/**
 * Helpers for the end-to-end tests: a real Stowage server on 127.0.0.1 (port 0) in a temporary
 * data directory, the built `stowage` CLI run as a child process, and a small JSON-schema check.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '@stowage/server';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'packages/cli/dist/cli.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  }
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stowage-${prefix}-`));
}

export async function startTestServer(dataDir: string): Promise<RunningServer> {
  return startServer({ dataDir, host: '127.0.0.1', port: 0, logger: false });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node packages/cli/dist/cli.js …` with only the variables given (plus PATH and HOME), so
 * the CI variables of the machine running the tests never leak into build names.
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [k, v] of Object.entries({ HOME: tmpdir(), ...opts.env })) {
      if (v !== undefined) env[k] = v;
    }
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stowage ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function loadBuildInfoSchema(): Promise<Schema> {
  const text = await readFile(new URL('./fixtures/buildinfo-schema.json', import.meta.url), 'utf8');
  return JSON.parse(text) as Schema;
}

export interface Schema {
  type?: string;
  pattern?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  [key: string]: unknown;
}

/**
 * Checks `value` against the draft-04 keywords the build-info schema uses (type, properties,
 * patternProperties, items, pattern, required) and returns the problems found, as paths.
 */
export function schemaProblems(value: unknown, schema: Schema, path = '$'): string[] {
  const problems: string[] = [];
  const actual = Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;
  if (schema.type) {
    const ok =
      schema.type === actual ||
      (schema.type === 'number' && actual === 'integer') ||
      (schema.type === 'object' && actual === 'object');
    if (!ok) return [`${path}: expected ${schema.type}, got ${actual}`];
  }
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) {
    problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in obj)) problems.push(`${path}.${key}: required`);
    }
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub && typeof sub === 'object' && 'type' in sub) {
        problems.push(...schemaProblems(v, sub, `${path}.${key}`));
        continue;
      }
      for (const [re, s] of Object.entries(schema.patternProperties ?? {})) {
        if (new RegExp(re).test(key)) problems.push(...schemaProblems(v, s, `${path}.${key}`));
      }
    }
  }
  if (actual === 'array' && schema.items && 'type' in schema.items) {
    (value as unknown[]).forEach((item, i) => {
      problems.push(...schemaProblems(item, schema.items as Schema, `${path}[${i}]`));
    });
  }
  return problems;
}
