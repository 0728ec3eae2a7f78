/**
 * promote: move (or copy) a build's artifacts to a stage's repository and append a status, and
 * record it on GitHub as a deployment to the environment named after the stage, with a
 * deployment status that follows the promotion (in_progress → success | failure).
 *
 * The build must exist before anything happens (no deployment for a build that is not there).
 * The deployment is for the build's own commit (its VCS revision) and links to the build's page
 * in the web UI. The status records who asked (the run's actor, `ciUser`) and who approved (the
 * reviewer of this run's environment, from GitHub's run approvals API, or the `approver` input).
 * The job summary shows what moved — or, in a dry run, exactly what would.
 */
import * as core from '@actions/core';
import { isStowageError, type BuildInfo, type PromotionRequest } from '@stowage/core';
import { PromoteOutput } from '../constants.ts';
import { buildUiUrl, github, repoParts, withStowage } from '../client.ts';
import { runner, type Runner } from '../inputs.ts';
import { getInputs } from './context.ts';

/**
 * Who approved this run's `environment` (GET /repos/{o}/{r}/actions/runs/{id}/approvals);
 * '' when nobody did, or when GitHub does not say (no token scope, GHES without the API).
 */
async function environmentApprover(
  octokit: ReturnType<typeof github>,
  r: Runner,
  environment: string,
): Promise<string> {
  const runId = Number(r.env.GITHUB_RUN_ID);
  if (!Number.isInteger(runId) || runId <= 0) return '';
  const { owner, repo } = repoParts(r.repository);
  try {
    const res = await octokit.rest.actions.getReviewsForRun({ owner, repo, run_id: runId });
    const who = res.data
      .filter((a) => a.state === 'approved' && a.environments.some((e) => e.name === environment))
      .map((a) => a.user.login);
    return [...new Set(who)].join(', ');
  } catch (err) {
    core.info(
      `no approver recorded: GitHub did not list the run's environment approvals (${err instanceof Error ? err.message : String(err)})`,
    );
    return '';
  }
}

export async function main(): Promise<void> {
  const inputs = getInputs();
  const r = runner();
  const name = inputs['build-name'];
  const number = inputs['build-number'];
  const conn = { url: inputs.url, token: inputs.token };

  await withStowage(conn, async (client) => {
    // The build first: nothing (no deployment either) for a build that is not there.
    let build: BuildInfo;
    try {
      build = await client.getBuild(name, number);
    } catch (err) {
      if (isStowageError(err) && err.status === 404) {
        throw new Error(
          `build ${name} #${number} does not exist on ${inputs.url}: nothing was promoted and no deployment was created; check build-name and build-number`,
          { cause: err },
        );
      }
      throw err;
    }
    const stages = await client.stages();
    const stage =
      stages.find((s) => s.name === inputs.stage) ?? stages.find((s) => s.repo === inputs.stage);
    const targetRepo = stage?.repo ?? inputs.stage;
    const environment = stage?.name ?? inputs.stage;
    if (!stage) {
      const repos = await client.listRepositories();
      if (!repos.some((x) => x.key === inputs.stage)) {
        throw new Error(
          `"${inputs.stage}" is neither a stage (${stages.map((s) => s.name).join(', ') || 'none defined'}) nor a repository`,
        );
      }
    }
    const status = inputs.status || environment;
    const last = stages[stages.length - 1];

    // The deployment is for the commit the build was made from, not the promotion run's.
    const revision = build.vcs?.find((v) => v.revision)?.revision;
    const ref = inputs.ref || revision || r.sha || r.ref;
    const octokit = inputs['github-token'] ? github(inputs['github-token'], r.apiUrl) : undefined;
    const requester = r.ci.principal ?? '';
    const approver =
      inputs.approver || (octokit ? await environmentApprover(octokit, r, environment) : '');
    const page = buildUiUrl(inputs.url, name, number);

    let deploy: { id: number; octokit: ReturnType<typeof github> } | undefined;
    const useDeployment = inputs.deployment && !inputs['dry-run'];
    if (useDeployment && !octokit) {
      core.warning('no github-token: the promotion is not recorded as a GitHub deployment');
    } else if (useDeployment && octokit) {
      const { owner, repo } = repoParts(r.repository);
      const res = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref,
        environment,
        auto_merge: false,
        required_contexts: [],
        description: `Stowage: build ${name} #${number} → ${environment}`.slice(0, 140),
        payload: {
          buildName: name,
          buildNumber: number,
          targetRepo,
          status,
          buildUrl: page,
          ...(requester ? { requestedBy: requester } : {}),
          ...(approver ? { approvedBy: approver } : {}),
        },
        production_environment: last !== undefined && stage?.name === last.name,
        transient_environment: false,
      });
      if (res.status !== 201 || !('id' in res.data)) {
        throw new Error(`GitHub did not create the deployment (HTTP ${res.status})`);
      }
      deploy = { id: res.data.id, octokit };
      core.setOutput(PromoteOutput.deploymentId, String(res.data.id));
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deploy.id,
        state: 'in_progress',
        description: `promoting build ${name} #${number}`,
      });
    }

    const request: PromotionRequest = {
      status,
      targetRepo,
      dryRun: inputs['dry-run'],
      copy: inputs.copy,
      dependencies: inputs['include-dependencies'],
      failFast: inputs['fail-fast'],
      ...(inputs.comment ? { comment: inputs.comment } : {}),
      ...(inputs['source-repo'] ? { sourceRepo: inputs['source-repo'] } : {}),
      ...(Object.keys(inputs.props).length ? { properties: inputs.props } : {}),
      ...(requester ? { ciUser: requester } : {}),
      ...(approver ? { approver } : {}),
      ...(inputs['allow-empty'] ? { allowEmpty: true } : {}),
    };
    const finish = async (state: 'success' | 'failure', description: string): Promise<void> => {
      if (!deploy) return;
      const { owner, repo } = repoParts(r.repository);
      await deploy.octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: deploy.id,
        state,
        description: description.slice(0, 140),
        environment: environment,
        ...(r.ci.url ? { log_url: r.ci.url } : {}),
        environment_url: page,
        auto_inactive: true,
      });
    };
    let result;
    try {
      result = await client.promote(name, number, request);
    } catch (err) {
      await finish(
        'failure',
        `promotion failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw err;
    }
    const errors = result.messages.filter((m) => m.level.toLowerCase() === 'error');
    for (const m of result.messages) {
      if (m.level.toLowerCase() === 'error') core.error(m.message);
      else if (m.level.toLowerCase() === 'warning' || m.level.toLowerCase() === 'warn')
        core.warning(m.message);
      else core.info(m.message);
    }
    core.setOutput(PromoteOutput.targetRepo, targetRepo);
    core.setOutput(PromoteOutput.status, status);
    core.setOutput(PromoteOutput.approver, approver);
    await summarize({
      name,
      number,
      environment,
      targetRepo,
      status,
      dryRun: inputs['dry-run'],
      copy: inputs.copy,
      requester,
      approver,
      revision: revision ?? '',
      page,
      messages: result.messages,
    });
    core.setOutput(PromoteOutput.messages, JSON.stringify(result.messages));
    if (errors.length) {
      await finish('failure', `${errors.length} promotion error(s)`);
      throw new Error(`promotion of build ${name} #${number} reported ${errors.length} error(s)`);
    }
    await finish('success', `build ${name} #${number} promoted to ${environment}`);
    core.info(
      `${inputs['dry-run'] ? 'dry run: would promote' : 'promoted'} build ${name} #${number} to ${environment} (${targetRepo}), status ${status}`,
    );
  });
}

/**
 * The job summary: in a dry run, exactly what the promotion would move (the preview a reviewer
 * reads before approving the environment); otherwise what moved, who asked and who approved.
 */
async function summarize(o: {
  name: string;
  number: string;
  environment: string;
  targetRepo: string;
  status: string;
  dryRun: boolean;
  copy: boolean;
  requester: string;
  approver: string;
  revision: string;
  page: string;
  messages: { level: string; message: string }[];
}): Promise<void> {
  const moves = o.messages
    .map((m) => /^(?:would )?(move|copy) (\S+) to (\S+)$/.exec(m.message))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] ?? '', m[2] ?? '', m[3] ?? '']);
  const s = core.summary.addHeading(
    o.dryRun
      ? `Preview: promoting ${o.name} #${o.number} to ${o.environment}`
      : `Promoted ${o.name} #${o.number} to ${o.environment}`,
    2,
  );
  s.addRaw(
    o.dryRun
      ? `<p>Nothing has moved yet. Approving the <code>${escapeHtml(o.environment)}</code> environment will ${o.copy ? 'copy' : 'move'} these ${moves.length} file(s) to <code>${escapeHtml(o.targetRepo)}</code> and record the status <code>${escapeHtml(o.status)}</code>.</p>`
      : `<p>${moves.length} file(s) ${o.copy ? 'copied' : 'moved'} to <code>${escapeHtml(o.targetRepo)}</code>; status <code>${escapeHtml(o.status)}</code>.</p>`,
    true,
  );
  s.addTable([
    [
      { data: 'Action', header: true },
      { data: 'From', header: true },
      { data: 'To', header: true },
    ],
    ...moves.map(([verb, from, to]) => [verb ?? '', from ?? '', to ?? ''].map(escapeHtml)),
  ]);
  s.addTable([
    [
      { data: 'Build', header: true },
      { data: 'Commit', header: true },
      { data: 'Requested by', header: true },
      { data: 'Approved by', header: true },
    ],
    [
      `<a href="${escapeHtml(o.page)}">${escapeHtml(`${o.name} #${o.number}`)}</a>`,
      escapeHtml(o.revision.slice(0, 12)),
      escapeHtml(o.requester),
      escapeHtml(o.approver || (o.dryRun ? '(the environment’s reviewers)' : '')),
    ],
  ]);
  await s.write();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
