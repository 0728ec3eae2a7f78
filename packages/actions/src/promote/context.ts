/** The promote action's inputs: exactly the names in promote/action.yml. */
import * as core from '@actions/core';
import { PromoteInput as I } from '../constants.ts';
import { bool, buildRef, connection, props, runner, str } from '../inputs.ts';

export interface Inputs {
  url: string;
  token: string;
  'build-name': string;
  'build-number': string;
  /** A stage name (staged, qa, release, …) or a repository key. */
  stage: string;
  status: string;
  comment: string;
  props: Record<string, string[]>;
  copy: boolean;
  'dry-run': boolean;
  'source-repo': string;
  'include-dependencies': boolean;
  'fail-fast': boolean;
  /** Record a GitHub deployment (environment = stage) with its status. */
  deployment: boolean;
  /** Git ref the deployment is for ('' = the build's VCS revision, else the run's commit). */
  ref: string;
  'allow-empty': boolean;
  /** Who approved ('' = the run's environment approval, when GitHub reports one). */
  approver: string;
  'github-token': string;
}

export function getInputs(): Inputs {
  const r = runner();
  const conn = connection(I.url, I.token);
  const build = buildRef(I.buildName, I.buildNumber, r);
  const stage = str(I.stage);
  if (!stage) throw new Error('input stage is required (a stage name such as qa, or a repository)');
  const deployment = bool(I.deployment, true);
  const githubToken = str(I.githubToken);
  if (githubToken) core.setSecret(githubToken);
  return {
    url: conn.url,
    token: conn.token,
    'build-name': build.buildName,
    'build-number': build.buildNumber,
    stage,
    status: str(I.status),
    comment: str(I.comment),
    props: props(I.props),
    copy: bool(I.copy, false),
    'dry-run': bool(I.dryRun, false),
    'source-repo': str(I.sourceRepo),
    'include-dependencies': bool(I.includeDependencies, false),
    'fail-fast': bool(I.failFast, true),
    deployment,
    ref: str(I.ref),
    'allow-empty': bool(I.allowEmpty, false),
    approver: str(I.approver),
    'github-token': githubToken,
  };
}
