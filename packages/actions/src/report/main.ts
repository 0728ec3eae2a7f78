/**
 * report: a job summary for a published build from the server's analytics API (artifacts and the
 * size history, dependency changes with checksum red flags and their variation over the last
 * builds, Docker image layers, the promotion funnel, this build's promotions; Mermaid charts)
 * and, on a pull request, a comment that is updated on each run rather than added again (found
 * by a hidden marker). A server without the analytics API gets the client-side diff instead.
 */
import * as core from '@actions/core';
import { diffBuilds, isStowageError, type BuildDiff, type BuildInfo } from '@stowage/core';
import { ReportOutput, reportMarker } from '../constants.ts';
import { buildApiUrl, github, repoParts, withStowage } from '../client.ts';
import { runner, type Runner } from '../inputs.ts';
import { loadAnalytics } from './analytics.ts';
import { getInputs } from './context.ts';
import { renderReport } from './render.ts';

const byNumber = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

function pullRequestNumber(r: Runner): number | undefined {
  const pr = r.event.pull_request as { number?: unknown } | undefined;
  if (pr && typeof pr.number === 'number') return pr.number;
  return undefined;
}

export async function main(): Promise<void> {
  const inputs = getInputs();
  const r = runner();
  const name = inputs['build-name'];
  const number = inputs['build-number'];
  const conn = { url: inputs.url, token: inputs.token };
  const explicit = inputs['compare-to'] !== '';

  const data = await withStowage(conn, async (client) => {
    const info = await client.getBuild(name, number);
    let other = inputs['compare-to'];
    if (!other) {
      const numbers = (await client.listBuildNumbers(name)).map((b) => b.number).sort(byNumber);
      other = numbers.filter((n) => byNumber(n, number) < 0).pop() ?? '';
    }
    const loaded = await loadAnalytics(client, {
      info,
      other,
      explicit,
      history: inputs.history,
    });
    if ('analytics' in loaded) {
      const a = loaded.analytics;
      return { info, other: a.diff ? other : '', analytics: a, diff: a.diff };
    }
    // No analytics API (Artifactory): compare the two build-info documents here.
    core.info(`the server has no analytics API (HTTP ${loaded.unavailable}): comparing build-info`);
    let diff: BuildDiff | undefined;
    if (other) {
      let before: BuildInfo | undefined;
      try {
        before = await client.getBuild(name, other);
      } catch (err) {
        if (!(isStowageError(err) && err.status === 404) || explicit) throw err;
      }
      if (before) diff = diffBuilds(before, info);
    }
    return { info, other: diff ? other : '', fallback: loaded.unavailable, diff };
  });

  const buildUrl = buildApiUrl(inputs.url, name, number);
  if (data.diff) core.setOutput(ReportOutput.diff, JSON.stringify(data.diff));
  core.setOutput(ReportOutput.analytics, String(data.analytics !== undefined));
  const render = (marker?: string): string =>
    renderReport({
      info: data.info,
      chart: inputs.chart,
      buildUrl,
      other: data.other,
      ...(data.analytics ? { analytics: data.analytics } : {}),
      ...(data.diff ? { diff: data.diff } : {}),
      ...(data.fallback !== undefined ? { fallback: data.fallback } : {}),
      ...(marker ? { marker } : {}),
    });
  if (inputs.summary) await core.summary.addRaw(render(), true).write();

  const pr = pullRequestNumber(r);
  if (!inputs['pr-comment'] || pr === undefined) return;
  if (!inputs['github-token']) {
    core.warning('no github-token: the report is not commented on the pull request');
    return;
  }
  const marker = reportMarker(name);
  const body = render(marker);
  const octokit = github(inputs['github-token'], r.apiUrl);
  const { owner, repo } = repoParts(r.repository);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: pr,
    per_page: 100,
  });
  const mine = comments.find((c) => c.body?.includes(marker));
  const res = mine
    ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body })
    : await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body });
  core.setOutput(ReportOutput.commentId, String(res.data.id));
  core.setOutput(ReportOutput.commentUrl, res.data.html_url);
  core.info(
    `${mine ? 'updated' : 'added'} the report comment on pull request #${pr}: ${res.data.html_url}`,
  );
}
