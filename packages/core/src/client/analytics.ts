/**
 * The client's analytics part: the reports of Stowage's own `/api/stowage/v1/analytics/…` API
 * (see the server README). Two-build calls compare `number` (newer) with `other` (older, of
 * `otherName` or the same name).
 */
import type {
  BuildDiff,
  DependencyDiffReport,
  DependencyVariationReport,
  FunnelReport,
  ImageDiffReport,
  ImageReport,
  SizeReport,
  StorageReport,
} from '../analytics.ts';
import type { Transport } from './transport.ts';

/** Two builds for the analytics diffs: `number` (newer) against `other` (older). */
export interface BuildPair {
  name: string;
  number: string;
  other: string;
  /** The older build's name, when it differs. */
  otherName?: string;
}

export class AnalyticsClient {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  async #analytics<T>(
    endpoint: string,
    params: Record<string, string | number | undefined>,
    what: string,
  ): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    const res = await this.#t.json<unknown>({
      method: 'GET',
      path: `/api/stowage/v1/analytics/${endpoint}${qs ? `?${qs}` : ''}`,
      what,
    });
    if (typeof res !== 'object' || res === null) throw this.#t.badResponse(what, 'a report');
    return res as T;
  }

  /** Promotion funnel per build name; `from`/`to` are epoch ms or ISO dates (builds started in [from, to)). */
  async funnel(
    opts: { name?: string; from?: string | number; to?: string | number } = {},
  ): Promise<FunnelReport> {
    return this.#analytics('funnel', opts, 'the promotion funnel');
  }

  /** How dependencies varied across the last `last` builds of a name. */
  async dependencyVariation(opts: {
    name: string;
    last?: number;
    limit?: number;
  }): Promise<DependencyVariationReport> {
    return this.#analytics('deps', opts, `the dependency variation of ${opts.name}`);
  }

  async dependencyDiff(opts: BuildPair): Promise<DependencyDiffReport> {
    return this.#analytics('deps/diff', { ...opts }, `the dependency diff of ${opts.name}`);
  }

  /** Artifacts and dependencies added, removed and changed between two builds. */
  async buildDiff(opts: BuildPair): Promise<BuildDiff> {
    return this.#analytics('diff', { ...opts }, `the diff of ${opts.name}`);
  }

  async sizeReport(opts: { name: string; last?: number; top?: number }): Promise<SizeReport> {
    return this.#analytics('size', opts, `the sizes of ${opts.name}`);
  }

  async storageReport(): Promise<StorageReport> {
    return this.#analytics('storage', {}, 'the storage report');
  }

  async imageReport(opts: { name: string; last?: number; image?: string }): Promise<ImageReport> {
    return this.#analytics('images', opts, `the images of ${opts.name}`);
  }

  async imageDiff(opts: BuildPair): Promise<ImageDiffReport> {
    return this.#analytics('images/diff', { ...opts }, `the image diff of ${opts.name}`);
  }
}
