/**
 * What the report shows, read from the server's analytics API (`/api/stowage/v1/analytics/…`)
 * through the core client; nothing here is recomputed. A server without that API (Artifactory
 * answers 404, a Stowage server without the SQLite store 501) gives `undefined`, and the report
 * falls back to comparing the two build-info documents.
 */
import {
  isStowageError,
  type BuildDiff,
  type BuildFunnel,
  type BuildInfo,
  type DependencyDiffReport,
  type DependencyVariationReport,
  type ImageDiffReport,
  type ImageReport,
  type RepositoryClient,
  type SizeReport,
} from '@stowage/core';
import { ReportDefaults } from '../constants.ts';

export interface Analytics {
  /** Sizes of the last `history` builds (oldest first). */
  size: SizeReport;
  /** Artifacts and dependencies against `other`. */
  diff?: BuildDiff;
  /** Dependencies against `other`, with the unchanged count. */
  deps?: DependencyDiffReport;
  variation: DependencyVariationReport;
  /** The promotion funnel of this build name, with the configured stages. */
  funnel?: { stages: { name: string; repo: string }[]; funnel: BuildFunnel };
  /** Only when the build has docker modules. */
  images?: ImageReport;
  imageDiff?: ImageDiffReport;
}

/** 404 (no such endpoint) or 501 (no analytics store) on the first call: no analytics API. */
function unavailable(err: unknown): number | undefined {
  if (!isStowageError(err) || err.code === 'ERR_BUILD_NOT_FOUND') return undefined;
  return err.status === 404 || err.status === 501 || err.status === 405 ? err.status : undefined;
}

export const hasDockerModules = (info: BuildInfo): boolean =>
  (info.modules ?? []).some((m) => m.type === 'docker');

/**
 * `other`: the build to compare with ('' for none). `explicit`: it was asked for (compare-to),
 * so its absence is an error rather than "nothing to compare with".
 */
export async function loadAnalytics(
  client: RepositoryClient,
  q: { info: BuildInfo; other: string; explicit: boolean; history: number },
): Promise<{ analytics: Analytics } | { unavailable: number }> {
  const { name, number } = q.info;
  let size: SizeReport;
  try {
    size = await client.sizeReport({ name, last: q.history, top: 5 });
  } catch (err) {
    const status = unavailable(err);
    if (status !== undefined) return { unavailable: status };
    throw err;
  }
  const missingOther = (err: unknown): undefined => {
    if (!q.explicit && isStowageError(err, 'ERR_BUILD_NOT_FOUND')) return undefined;
    throw err;
  };
  const pair = { name, number, other: q.other };
  const docker = hasDockerModules(q.info);
  const [diff, deps, variation, funnel, images, imageDiff] = await Promise.all([
    q.other ? client.buildDiff(pair).catch(missingOther) : undefined,
    q.other ? client.dependencyDiff(pair).catch(missingOther) : undefined,
    client.dependencyVariation({
      name,
      last: q.history,
      limit: ReportDefaults.variationLimit,
    }),
    client.funnel({ name }),
    docker ? client.imageReport({ name, last: q.history }) : undefined,
    docker && q.other ? client.imageDiff(pair).catch(missingOther) : undefined,
  ]);
  const mine = funnel.funnels.find((f) => f.name === name);
  return {
    analytics: {
      size,
      variation,
      ...(diff ? { diff } : {}),
      ...(deps ? { deps } : {}),
      ...(mine ? { funnel: { stages: funnel.stages, funnel: mine } } : {}),
      ...(images ? { images } : {}),
      ...(imageDiff ? { imageDiff } : {}),
    },
  };
}
