/**
 * Runs the bundled actions the way the GitHub runner does: a child `node dist/index.cjs` with
 * INPUT_* variables and the file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE,
 * GITHUB_STEP_SUMMARY, GITHUB_PATH), carrying exported variables to later steps and saved state
 * to the post step.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Parses a file command file: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i] ?? '');
      out[heredoc[1]] = body.join('\n');
    } else if (line.includes('=')) {
      const eq = line.indexOf('=');
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error::` lines. */
  errors: string[];
  /** Directories the step added to PATH (GITHUB_PATH), now first on the job's PATH. */
  paths: string[];
}

export class Job {
  readonly env: Record<string, string>;
  readonly dir: string;
  readonly #state = new Map<string, Record<string, string>>();
  #n = 0;

  /** `dir` holds the workspace, RUNNER_TEMP and the file-command files. */
  constructor(dir: string, env: Record<string, string>) {
    this.dir = dir;
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: join(dir, 'home'),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: join(dir, 'workspace'),
      RUNNER_TEMP: join(dir, 'temp'),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/reports',
      GITHUB_RUN_ID: '1000',
      GITHUB_RUN_NUMBER: '1',
      GITHUB_WORKFLOW: 'nightly-report',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_ACTOR: 'octocat',
      RUNNER_VERSION: '2.330.0',
      npm_config_update_notifier: 'false',
      ...env,
    };
  }

  async init(): Promise<void> {
    for (const d of ['workspace', 'temp', 'home', 'files']) {
      await mkdir(join(this.dir, d), { recursive: true });
    }
  }

  get workspace(): string {
    return this.env.GITHUB_WORKSPACE ?? '';
  }

  /** Runs `<action>/dist/index.cjs`; `post` runs it again as the post step with saved state. */
  async step(
    action: string,
    inputs: Record<string, string> = {},
    opts: { post?: boolean; defaults?: Record<string, string> } = {},
  ): Promise<StepResult> {
    const n = ++this.#n;
    const files = {
      GITHUB_OUTPUT: join(this.dir, 'files', `output-${n}`),
      GITHUB_ENV: join(this.dir, 'files', `env-${n}`),
      GITHUB_STATE: join(this.dir, 'files', `state-${n}`),
      GITHUB_STEP_SUMMARY: join(this.dir, 'files', `summary-${n}`),
      GITHUB_PATH: join(this.dir, 'files', `path-${n}`),
    };
    for (const f of Object.values(files)) await writeFile(f, '');
    const env: Record<string, string> = { ...this.env, ...files };
    for (const [k, v] of Object.entries({ ...(await defaults(action)), ...inputs })) {
      env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    }
    if (opts.post) {
      for (const [k, v] of Object.entries(this.#state.get(action) ?? {})) env[`STATE_${k}`] = v;
    }
    const res = await spawnNode(join(PACKAGE, action, 'dist', 'index.cjs'), env, this.workspace);
    Object.assign(this.env, parseFileCommand(await readFile(files.GITHUB_ENV, 'utf8')));
    // The runner prepends each GITHUB_PATH line to PATH for the later steps.
    const paths = (await readFile(files.GITHUB_PATH, 'utf8')).split('\n').filter(Boolean);
    for (const p of paths) this.env.PATH = `${p}${delimiter}${this.env.PATH ?? ''}`;
    if (!opts.post) {
      this.#state.set(action, parseFileCommand(await readFile(files.GITHUB_STATE, 'utf8')));
    }
    return {
      ...res,
      outputs: parseFileCommand(await readFile(files.GITHUB_OUTPUT, 'utf8')),
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
      errors: res.stdout.split('\n').filter((l) => l.startsWith('::error')),
      paths,
    };
  }
}

/** action.yml input defaults, as the runner fills them (expressions left out). */
async function defaults(action: string): Promise<Record<string, string>> {
  const { parse } = await import('yaml');
  const doc = parse(await readFile(join(PACKAGE, action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.inputs ?? {})) {
    if (v.default !== undefined && !String(v.default).includes('${{')) out[k] = String(v.default);
  }
  return out;
}

function spawnNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
