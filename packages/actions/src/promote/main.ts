/**
 * promote: move (or copy) a build's artifacts to a stage's repository and append a status, and
 * record it on GitHub as a deployment to the environment named after the stage, with a
 * deployment status that follows the promotion (in_progress → success | failure).
 */
import * as core from '@actions/core';
import type { PromotionRequest } from '@stowage/core';
import { PromoteOutput } from '../constants.ts';
import { buildApiUrl, github, repoParts, withStowage } from '../client.ts';
import { runner } from '../inputs.ts';
import { getInputs } from './context.ts';

export async function main(): Promise<void> {
  const inputs = getInputs();
  const r = runner();
  const name = inputs['build-name'];
  const number = inputs['build-number'];
  const conn = { url: inputs.url, token: inputs.token };

  await withStowage(conn, async (client) => {
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

    let deploy: { id: number; octokit: ReturnType<typeof github> } | undefined;
    const useDeployment = inputs.deployment && !inputs['dry-run'];
    if (useDeployment && !inputs['github-token']) {
      core.warning('no github-token: the promotion is not recorded as a GitHub deployment');
    } else if (useDeployment) {
      const octokit = github(inputs['github-token'], r.apiUrl);
      const { owner, repo } = repoParts(r.repository);
      const res = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: inputs.ref,
        environment,
        auto_merge: false,
        required_contexts: [],
        description: `Stowage: build ${name} #${number} → ${environment}`.slice(0, 140),
        payload: { buildName: name, buildNumber: number, targetRepo, status },
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
      ...(r.ci.principal ? { ciUser: r.ci.principal } : {}),
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
        environment_url: buildApiUrl(inputs.url, name, number),
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
