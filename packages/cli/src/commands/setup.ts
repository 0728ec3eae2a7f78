/** `stowage setup <tool…>`: point package managers at a Stowage repository. */
import { appendFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import {
  setupTool,
  setupTools,
  tokenForBuild,
  type SetupOptions,
  type SetupResult,
} from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { CliError, UsageError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

export function setupCommand(program: Command, ctx: RunContext): void {
  program
    .command('setup')
    .summary('configure package managers to resolve through Stowage')
    .description(
      "Writes each tool's own configuration (.npmrc, pip.conf, GOPROXY, settings.xml, a Gradle\n" +
        'init script, …) so that it resolves through --repo (usually a virtual repository) and\n' +
        "publishes to --deploy-repo. A user's existing file is left as it was unless --overwrite.\n" +
        'Environment variables a tool needs are printed as `export` lines (secrets masked) or\n' +
        'appended to --env-out (e.g. $GITHUB_ENV) with their real values. Checks first that the\n' +
        'server answers, takes the token and has the repositories, and writes nothing if not.',
    )
    .argument('<tool...>', 'tools to configure (see the list below)')
    .requiredOption('--repo <key>', 'repository to resolve from')
    .option('--deploy-repo <key>', 'repository to publish to (default: --repo)')
    .option('--dir <path>', 'project directory for project-level files', '.')
    .option('--home <path>', 'home directory for user-level files (default: $HOME)')
    .option('--overwrite', "replace the user's existing configuration files")
    // Not --env-file: Node takes that flag itself when it appears on `node stowage.mjs …`.
    .option('--env-out <file>', 'append NAME=value lines here instead of printing them')
    .option(
      '--no-build-token',
      'write the given token as it is, instead of a token scoped to the build (whose downloads the server then records for it)',
    )
    .addHelpText('after', () => `\nTools: ${setupTools().join(', ') || '(none yet)'}`)
    .action(async (tools: string[], opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const o = opts as {
        repo: string;
        deployRepo?: string;
        dir: string;
        home?: string;
        overwrite?: boolean;
        envOut?: string;
        buildToken: boolean;
      };
      const known = setupTools();
      const unknown = tools.filter((t) => !known.includes(t));
      if (unknown.length)
        throw new UsageError(
          `cannot set up ${unknown.join(', ')}: known tools are ${known.join(', ')}`,
        );
      await checkRepositories(s, [o.repo, ...(o.deployRepo ? [o.deployRepo] : [])]);
      let token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
      const build = s.build();
      const notes: string[] = [];
      if (build && token && o.buildToken) {
        const t = await s.withClient((c) => tokenForBuild(c, { token, build, repos: [o.repo] }));
        token = t.token;
        if (t.note) notes.push(t.note);
      }
      const base: SetupOptions = {
        url: s.url,
        repo: o.repo,
        dir: s.path(o.dir),
        home: o.home ? s.path(o.home) : (ctx.env.HOME ?? homedir()),
        ...(ctx.env.XDG_RUNTIME_DIR && !o.home ? { runtimeDir: ctx.env.XDG_RUNTIME_DIR } : {}),
        ...(o.deployRepo ? { deployRepo: o.deployRepo } : {}),
        ...(token ? { token } : {}),
        ...(ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {}),
        ...(o.overwrite ? { overwrite: true } : {}),
        ...(build ? { build } : {}),
      };
      await mkdir(base.dir, { recursive: true });
      const results: SetupResult[] = [];
      for (const tool of tools) results.push(await setupTool(tool, base));
      if (o.envOut) {
        const lines = results.flatMap((r) => r.env.map((e) => `${e.name}=${e.value}\n`));
        if (lines.length) await appendFile(s.path(o.envOut), lines.join(''), { mode: 0o600 });
      }
      const masked = (r: SetupResult): SetupResult => ({
        ...r,
        env: r.env.map((e) => (e.secret ? { ...e, value: '***' } : e)),
      });
      if (s.json) return s.printJson({ notes, results: results.map(masked) });
      for (const n of notes) s.err(n);
      for (const r of results.map(masked)) {
        s.out(`${r.tool}:`);
        for (const f of r.files) s.out(`  ${f.action === 'written' ? 'wrote' : 'kept '} ${f.path}`);
        if (!o.envOut) for (const e of r.env) s.out(`  export ${e.name}=${e.value}`);
        else if (r.env.length)
          s.out(`  appended ${r.env.map((e) => e.name).join(', ')} to ${o.envOut}`);
        for (const n of r.notes) s.out(`  note: ${n}`);
      }
    });
}

/**
 * The repositories exist on the server (which also proves it answers and takes the token),
 * before any file is written: a tool pointed at a missing repository fails later with its own
 * 404, far from the cause.
 */
async function checkRepositories(s: Session, keys: string[]): Promise<void> {
  const repos = await s.withClient((c) => c.listRepositories());
  const known = repos.map((r) => r.key);
  const missing = keys.filter((k) => !known.includes(k));
  if (missing.length) {
    throw new CliError(
      'ERR_CLI_REPO_NOT_FOUND',
      `${s.url} has no repository ${missing.map((k) => `"${k}"`).join(', ')}; nothing was written. Pass --repo one of: ${known.join(', ') || '(none)'}, or create it in the server configuration`,
    );
  }
}
