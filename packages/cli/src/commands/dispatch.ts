/**
 * `stowage promote --dispatch`: asks GitHub to run the promotion workflow (a workflow_dispatch
 * workflow such as examples/workflows/promote.yml) for a build, so the promotion goes through that
 * workflow's GitHub Environment (its reviewers and rules) and is recorded as a deployment.
 * Calls `POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches` with GITHUB_TOKEN.
 */
import type { Command } from 'commander';
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
        'To promote directly, use `stowage build promote`.',
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
          body: JSON.stringify({ ref: opts.ref, inputs }),
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
      if (s.json)
        s.printJson({
          dispatched: true,
          repository,
          workflow: opts.workflow,
          ref: opts.ref,
          inputs,
        });
      else
        s.out(
          `asked GitHub to run ${opts.workflow} on ${opts.ref} in ${repository}: promote ${name} #${number} to ${opts.to}`,
        );
    });
}
