/** The report action's inputs: exactly the names in report/action.yml. */
import * as core from '@actions/core';
import { ReportDefaults, ReportInput as I } from '../constants.ts';
import { bool, buildRef, connection, positiveInt, runner, str } from '../inputs.ts';

export interface Inputs {
  url: string;
  token: string;
  'build-name': string;
  'build-number': string;
  /** Build number to compare with; default: the previous published build of the same name. */
  'compare-to': string;
  summary: boolean;
  'pr-comment': boolean;
  chart: boolean;
  /** Builds in the size chart, dependency variation and image history (default 10). */
  history: number;
  'github-token': string;
}

export function getInputs(): Inputs {
  const r = runner();
  const conn = connection(I.url, I.token);
  const build = buildRef(I.buildName, I.buildNumber, r);
  const githubToken = str(I.githubToken);
  if (githubToken) core.setSecret(githubToken);
  return {
    url: conn.url,
    token: conn.token,
    'build-name': build.buildName,
    'build-number': build.buildNumber,
    'compare-to': str(I.compareTo),
    summary: bool(I.summary, true),
    'pr-comment': bool(I.prComment, true),
    chart: bool(I.chart, true),
    history: positiveInt(I.history, ReportDefaults.history),
    'github-token': githubToken,
  };
}
