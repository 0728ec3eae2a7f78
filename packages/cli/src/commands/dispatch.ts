/**
 * `stowage promote --dispatch`: asks GitHub to run the promotion workflow (a workflow_dispatch
 * workflow such as examples/workflows/promote.yml) for a build, so the promotion goes through that
 * workflow's GitHub Environment (its reviewers and rules) and is recorded as a deployment.
 * Checks first that the build exists on the Stowage server (nothing is dispatched for a build
 * that is not there), then calls `POST /repos/{owner}/{repo}/actions/workflows/{workflow}/
 * dispatches` with GITHUB_TOKEN and `return_run_details`, and prints the new run's URL.
 */
import type { Command } from 'commander';
import { isStowageError } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { CliError, UsageError } from '../internal/errors.ts';
import { Session } from '../internal/session.ts';

interface DispatchOptions {
  to: string;
  dispatch?: boolean;
  workflow: string;
  ref: string;
  repo?: string;
  githubApiUrl?: string;
  comment?: string;
}

export function dispatchCommand(program: Command, ctx: RunContext): void {
  program
    .command('promote')
    .summary('ask GitHub to run the promotion workflow for a build (--dispatch)')
    .description(
      'Triggers the promotion workflow (workflow_dispatch) with the build name, number and\n' +
        'target stage as its inputs; the workflow promotes through its GitHub Environment, so\n' +
        'required reviewers approve it. Needs GITHUB_TOKEN (or GH_TOKEN) with actions:write.\n' +
        'Checks first that the build exists on the Stowage server, and prints the URL of the\n' +
        'run it started. To promote directly, use `stowage build promote`.',
    )
    .argument('<name>', 'build name')
    .argument('<number>', 'build number')
    .requiredOption('--to <stage>', 'target stage (the workflow input "stage")')
    .option('--dispatch', 'trigger the promotion workflow on GitHub (required)')
    .option('--workflow <file|id>', 'the workflow file name or id', 'promote.yml')
    .option('--ref <ref>', 'branch or tag to run the workflow on', 'main')
    .option('--repo <owner/name>', 'GitHub repository (default $GITHUB_REPOSITORY)')
    .option('--github-api-url <url>', 'GitHub API URL (default $GITHUB_API_URL or api.github.com)')
    .option('--comment <text>', 'passed as the workflow input "comment"')
    .action(async (name: string, number: string, opts: DispatchOptions, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if (!opts.dispatch) {
        throw new UsageError(
          'stowage promote only dispatches the promotion workflow: pass --dispatch, or use `stowage build promote` to promote directly',
        );
      }
      const repository = opts.repo ?? ctx.env.GITHUB_REPOSITORY ?? '';
      if (!/^[^/]+\/[^/]+$/.test(repository)) {
        throw new UsageError('pass --repo owner/name (or set GITHUB_REPOSITORY)');
      }
      const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
      if (!token) {
        throw new UsageError('set GITHUB_TOKEN (or GH_TOKEN) to a token that may run workflows');
      }
      // The build must exist: a dispatched run for a missing build fails later, elsewhere.
      await s.withClient(async (c) => {
        try {
          await c.getBuild(name, number);
        } catch (err) {
          if (isStowageError(err) && err.status === 404) {
            throw new CliError(
              'ERR_CLI_BUILD_NOT_FOUND',
              `build ${name} #${number} does not exist on ${s.url}; nothing was dispatched (list the runs with \`stowage build list ${name}\`)`,
            );
          }
          throw err;
        }
      });
      const api = (opts.githubApiUrl ?? ctx.env.GITHUB_API_URL ?? 'https://api.github.com').replace(
        /\/+$/,
        '',
      );
      const inputs: Record<string, string> = {
        'build-name': name,
        'build-number': number,
        stage: opts.to,
        ...(opts.comment ? { comment: opts.comment } : {}),
      };
      const url = `${api}/repos/${repository}/actions/workflows/${encodeURIComponent(opts.workflow)}/dispatches`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'user-agent': 'stowage-cli',
            'x-github-api-version': '2022-11-28',
          },
          body: JSON.stringify({ ref: opts.ref, inputs, return_run_details: true }),
        });
      } catch (err) {
        throw new CliError(
          'ERR_CLI_GITHUB_UNREACHABLE',
          `cannot reach GitHub at ${api}: ${err instanceof Error ? err.message : String(err)}; check --github-api-url`,
        );
      }
      if (res.status !== 204 && res.status !== 200) {
        const text = (await res.text()).slice(0, 500);
        throw new CliError(
          'ERR_CLI_GITHUB_DISPATCH',
          `GitHub refused to run ${opts.workflow} in ${repository} (HTTP ${res.status}): ${text}; check the workflow has on: workflow_dispatch, the ref exists, and the token may run workflows`,
        );
      }
      // With return_run_details GitHub answers 200 and the run; an older GitHub (or GHES)
      // answers 204 with nothing: then the run is found on the workflow's page.
      const run = res.status === 200 ? await runDetails(res) : {};
      const runUrl =
        run.htmlUrl ?? `https://github.com/${repository}/actions/workflows/${opts.workflow}`;
      if (s.json)
        s.printJson({
          dispatched: true,
          repository,
          workflow: opts.workflow,
          ref: opts.ref,
          inputs,
          runId: run.id ?? null,
          runUrl: run.htmlUrl ?? null,
        });
      else {
        s.out(
          `asked GitHub to run ${opts.workflow} on ${opts.ref} in ${repository}: promote ${name} #${number} to ${opts.to}`,
        );
        s.out(run.htmlUrl ? `run: ${runUrl}` : `runs: ${runUrl} (GitHub did not say which run)`);
      }
    });
}

/** The run GitHub started, from a dispatch answered with return_run_details. */
async function runDetails(res: Response): Promise<{ id?: number; htmlUrl?: string }> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) return {};
  const o = body as { workflow_run_id?: unknown; html_url?: unknown };
  return {
    ...(typeof o.workflow_run_id === 'number' ? { id: o.workflow_run_id } : {}),
    ...(typeof o.html_url === 'string' && /^https?:\/\//.test(o.html_url)
      ? { htmlUrl: o.html_url }
      : {}),
  };
}
