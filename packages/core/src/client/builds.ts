/**
 * The client's builds part: build-info publish (plain or conditional on a revision), read,
 * builds in progress kept on the server in parts, listings, promotion, deletion, retention, and
 * the downloads recorded for a build.
 */
import { validateBuildInfo, type BuildInfo } from '../buildinfo.ts';
import type { RecordedDownload } from '../deps/index.ts';
import type { CallOptions, Transport } from './transport.ts';

export interface PromotionRequest {
  status?: string;
  comment?: string;
  /** Who asked for the promotion (the CI user). */
  ciUser?: string;
  /** Who approved it (Stowage's addition): a Jenkins `input` submitter, a GitHub reviewer. */
  approver?: string;
  /** Promote even when the build has nothing to move (Stowage's addition; refused otherwise). */
  allowEmpty?: boolean;
  timestamp?: string;
  dryRun?: boolean;
  sourceRepo?: string;
  targetRepo?: string;
  copy?: boolean;
  artifacts?: boolean;
  dependencies?: boolean;
  scopes?: string[];
  properties?: Record<string, string[]>;
  failFast?: boolean;
}

export interface PromotionResult {
  messages: { level: string; message: string }[];
}

export interface DeleteBuildsOptions {
  name: string;
  numbers?: string[];
  deleteAll?: boolean;
  deleteArtifacts?: boolean;
}

export interface RetentionOptions {
  count?: number;
  minimumBuildDate?: number;
  deleteBuildArtifacts?: boolean;
  buildNumbersNotToBeDiscarded?: string[];
}

/** Stowage's own path of a build: /api/stowage/v1/builds/{name}/{number}. */
const buildPath = (name: string, number: string): string =>
  `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;

export class BuildsClient {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  /**
   * Validates and publishes a build-info (PUT /api/build). With `ifMatch` (a revision from
   * getBuildRevision) or `ifNoneMatch` the write is conditional: Stowage answers 412 (a
   * StowageError with status 412) when the build changed in between, or already exists.
   */
  async publishBuild(
    info: BuildInfo,
    opts: { ifMatch?: string; ifNoneMatch?: boolean } = {},
  ): Promise<void> {
    const doc = validateBuildInfo(info);
    const json = JSON.stringify(doc);
    await this.#t.empty({
      method: 'PUT',
      path: '/api/build',
      headers: {
        'content-type': 'application/json',
        ...(opts.ifMatch ? { 'if-match': opts.ifMatch } : {}),
        ...(opts.ifNoneMatch ? { 'if-none-match': '*' } : {}),
      },
      body: () => json,
      what: `publishing build ${doc.name} #${doc.number}`,
    });
  }

  async getBuild(name: string, number: string): Promise<BuildInfo> {
    return (await this.getBuildRevision(name, number)).info;
  }

  /**
   * The build and its revision: the ETag Stowage answers (undefined from a server without one,
   * such as Artifactory), for a conditional publishBuild.
   */
  async getBuildRevision(
    name: string,
    number: string,
  ): Promise<{ info: BuildInfo; revision?: string }> {
    const what = `build ${name} #${number}`;
    const call: CallOptions = {
      method: 'GET',
      path: `/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      what,
    };
    return this.#t.retrying('GET', async () => {
      const res = await this.#t.send(call);
      const etag = res.headers.etag;
      const body = await this.#t.readJson(res, what);
      const doc: unknown =
        body && typeof body === 'object' && 'buildInfo' in body ? body.buildInfo : body;
      if (typeof doc !== 'object' || doc === null) throw this.#t.badResponse(what, 'a build-info');
      return typeof etag === 'string'
        ? { info: doc as BuildInfo, revision: etag }
        : { info: doc as BuildInfo };
    });
  }

  /**
   * Stores one part of a build in progress on the server (Stowage's own API), under `part`
   * (replacing a part of that id): what one agent or job recorded, merged when the build is
   * published from anywhere.
   */
  async putBuildPart(
    name: string,
    number: string,
    part: string,
    doc: Partial<BuildInfo>,
  ): Promise<void> {
    const json = JSON.stringify(doc);
    await this.#t.empty({
      method: 'PUT',
      path: `${buildPath(name, number)}/parts/${encodeURIComponent(part)}`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `storing part ${part} of build ${name} #${number}`,
    });
  }

  /** The parts of a build in progress kept on the server, oldest first. */
  async listBuildParts(
    name: string,
    number: string,
  ): Promise<{ part: string; updated: string; doc: Partial<BuildInfo> }[]> {
    const what = `the parts of build ${name} #${number}`;
    const res = await this.#t.json<{ parts?: unknown }>({
      method: 'GET',
      path: `${buildPath(name, number)}/parts`,
      what,
    });
    if (!Array.isArray(res?.parts)) throw this.#t.badResponse(what, 'a list of parts');
    return res.parts as { part: string; updated: string; doc: Partial<BuildInfo> }[];
  }

  /**
   * Publishes a build in progress (Stowage's own API): the server merges, in one transaction,
   * the build it already has, the parts kept for it and `info` (this publisher's own part), and
   * deletes the parts. Never retried (not idempotent). 404 from a server without the API.
   */
  async publishBuildParts(
    name: string,
    number: string,
    info?: Partial<BuildInfo>,
  ): Promise<{ buildInfo: BuildInfo; parts: number }> {
    const what = `publishing build ${name} #${number}`;
    const json = JSON.stringify(info ?? {});
    const res = await this.#t.json<{ buildInfo?: unknown; parts?: unknown }>({
      method: 'POST',
      path: `${buildPath(name, number)}/publish`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what,
    });
    if (typeof res?.buildInfo !== 'object' || res.buildInfo === null)
      throw this.#t.badResponse(what, 'the published build-info');
    return { buildInfo: res.buildInfo as BuildInfo, parts: Number(res.parts ?? 0) };
  }

  async listBuilds(): Promise<{ name: string; lastStarted: string }[]> {
    const res = await this.#t.json<{ builds?: { uri?: string; lastStarted?: string }[] }>({
      method: 'GET',
      path: '/api/build',
      what: 'the build list',
    });
    return (res?.builds ?? []).map((b) => ({
      name: decodeUri(b.uri ?? ''),
      lastStarted: b.lastStarted ?? '',
    }));
  }

  async listBuildNumbers(name: string): Promise<{ number: string; started: string }[]> {
    type Entry = { uri?: string; started?: string };
    const res = await this.#t.json<{ buildsNumbers?: Entry[]; buildNumbers?: Entry[] }>({
      method: 'GET',
      path: `/api/build/${encodeURIComponent(name)}`,
      what: `the runs of build ${name}`,
    });
    return (res?.buildsNumbers ?? res?.buildNumbers ?? []).map((b) => ({
      number: decodeUri(b.uri ?? ''),
      started: b.started ?? '',
    }));
  }

  /** POST /api/build/promote/{name}/{number}; never retried (not idempotent). */
  async promote(name: string, number: string, body: PromotionRequest): Promise<PromotionResult> {
    const json = JSON.stringify(body);
    const res = await this.#t.json<{ messages?: unknown }>({
      method: 'POST',
      path: `/api/build/promote/${encodeURIComponent(name)}/${encodeURIComponent(number)}`,
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `promotion of build ${name} #${number}`,
    });
    return {
      messages: Array.isArray(res?.messages) ? (res.messages as PromotionResult['messages']) : [],
    };
  }

  async deleteBuilds(opts: DeleteBuildsOptions): Promise<void> {
    const json = JSON.stringify({
      buildName: opts.name,
      buildNumbers: opts.numbers ?? [],
      deleteArtifacts: opts.deleteArtifacts ?? false,
      deleteAll: opts.deleteAll ?? false,
    });
    await this.#t.empty({
      method: 'POST',
      path: '/api/build/delete',
      headers: { 'content-type': 'application/json' },
      body: () => json,
      what: `deleting runs of build ${opts.name}`,
    });
  }

  /** Applies retention; returns the build numbers the server discarded (when it says). */
  async retention(name: string, opts: RetentionOptions): Promise<string[]> {
    const json = JSON.stringify(opts);
    // Artifactory answers 204 with no body; Stowage lists what it discarded.
    const res = (await this.#t.retrying('POST', async () =>
      this.#t.readJsonLenient(
        await this.#t.send({
          method: 'POST',
          path: `/api/build/retention/${encodeURIComponent(name)}?async=false`,
          headers: { 'content-type': 'application/json' },
          body: () => json,
          what: `retention of build ${name}`,
        }),
      ),
    )) as { discarded?: unknown } | null;
    return Array.isArray(res?.discarded) ? res.discarded.map(String) : [];
  }

  /** Files the server served to a build, recorded from the build headers on downloads (Stowage's own API). */
  async buildDownloads(name: string, number: string): Promise<RecordedDownload[]> {
    const res = await this.#t.json<{ downloads?: unknown }>({
      method: 'GET',
      path: `/api/stowage/v1/builds/${encodeURIComponent(name)}/${encodeURIComponent(number)}/downloads`,
      what: `the downloads recorded for ${name}#${number}`,
    });
    if (!Array.isArray(res?.downloads))
      throw this.#t.badResponse('the download records', 'a list of downloads');
    return res.downloads as RecordedDownload[];
  }
}

function decodeUri(uri: string): string {
  const s = uri.replace(/^\/+/, '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
