/**
 * The server's error catalogue: every error that leaves an HTTP handler has a stable
 * code, an HTTP status and a message that says what to do about it.
 */
export interface ErrorSpec {
  status: number;
  /** What the caller can do about it; appended to the message. */
  hint?: string;
}

export const ERRORS = {
  ERR_AUTH_REQUIRED: {
    status: 401,
    hint: 'send a token as "Authorization: Bearer <token>" (or basic auth with the token as password)',
  },
  ERR_AUTH_INVALID: {
    status: 401,
    hint: 'check the token; the admin token is in <data-dir>/admin.token',
  },
  ERR_FORBIDDEN: { status: 403 },
  ERR_CONFLICT: { status: 409 },
  ERR_OIDC_NOT_CONFIGURED: {
    status: 404,
    hint: 'configure oidc.providers and oidc.mappings in the server config (see the README, "OIDC from CI")',
  },
  ERR_OIDC_REQUEST_INVALID: {
    status: 400,
    hint: 'send grant_type=urn:ietf:params:oauth:grant-type:token-exchange, subject_token_type=urn:ietf:params:oauth:token-type:id_token, subject_token and provider_name (JSON or form)',
  },
  ERR_OIDC_PROVIDER_UNKNOWN: { status: 400 },
  ERR_OIDC_TOKEN_INVALID: { status: 401 },
  ERR_OIDC_TOKEN_REPLAYED: {
    status: 401,
    hint: 'each ID token is exchanged once; request a new one (core.getIDToken) and exchange that',
  },
  ERR_OIDC_NO_MAPPING: { status: 401 },
  ERR_OIDC_PROVIDER_UNAVAILABLE: {
    status: 502,
    hint: "the identity provider's discovery document or keys could not be fetched; retry later",
  },
  ERR_NOT_FOUND: { status: 404 },
  ERR_REPO_NOT_FOUND: { status: 404, hint: 'list repositories with GET /api/repositories' },
  ERR_REPO_INVALID: { status: 400 },
  ERR_REPO_EXISTS: { status: 409 },
  ERR_REPO_NOT_DEPLOYABLE: { status: 400 },
  ERR_REPO_FORMAT_WRITE: { status: 405 },
  ERR_PATH_INVALID: { status: 400 },
  ERR_CHECKSUM_INVALID: { status: 400 },
  ERR_CHECKSUM_MISMATCH: { status: 409, hint: 'the body was not stored; upload the file again' },
  ERR_CHECKSUM_DEPLOY_MISSING: {
    status: 404,
    hint: 'no stored content has that checksum; upload the body instead',
  },
  ERR_UPLOAD_INCOMPLETE: { status: 400, hint: 'nothing was stored; retry the upload' },
  ERR_RANGE_NOT_SATISFIABLE: { status: 416 },
  ERR_BODY_INVALID: { status: 400 },
  ERR_BODY_TOO_LARGE: { status: 413 },
  ERR_ARCHIVE_LIMIT: { status: 413 },
  ERR_STORAGE_FULL: {
    status: 507,
    hint: "nothing was stored and no partial file is left; free space on the server's data disk (or ask its operator to) and retry",
  },
  ERR_BUILDINFO_INVALID: { status: 400 },
  ERR_BUILD_NOT_FOUND: { status: 404, hint: 'list builds with GET /api/build' },
  ERR_BUILD_CHANGED: {
    status: 412,
    hint: 'read the build again (GET /api/build/{name}/{number}), merge, and send it with the new ETag in If-Match',
  },
  ERR_BUILD_EMPTY: {
    status: 409,
    hint: 'record something first (stowage upload, build add-deps, build push-part), or pass --allow-empty',
  },
  ERR_PROMOTION_MISSING_ARTIFACTS: { status: 409 },
  ERR_PROMOTION_CONFLICT: { status: 409 },
  ERR_PROMOTION_INVALID: { status: 400 },
  ERR_QUERY_INVALID: { status: 400, hint: 'see the analytics section of the server README' },
  ERR_AQL_INVALID: { status: 400 },
  ERR_API_UNKNOWN: {
    status: 404,
    hint: 'Stowage implements the Artifactory REST calls listed in its README; this one is not among them',
  },
  ERR_ANALYTICS_UNAVAILABLE: { status: 501, hint: 'analytics need the SQLite metadata store' },
  ERR_NPM_VERSION_EXISTS: {
    status: 403,
    hint: 'published versions are immutable; bump the version',
  },
  ERR_NPM_AUDIT_UNAVAILABLE: { status: 503 },
  ERR_NPM_WEB_LOGIN_UNSUPPORTED: { status: 404 },
  ERR_GO_MODULE_INVALID: { status: 400, hint: 'nothing was stored; fix the module' },
  ERR_GO_VERSION_EXISTS: { status: 409, hint: 'versions are immutable; publish a new one' },
  ERR_MAVEN_RELEASE_EXISTS: {
    status: 409,
    hint: 'releases are immutable; deploy a new version, or a -SNAPSHOT to redeploy',
  },
  ERR_PYPI_FILE_EXISTS: { status: 409, hint: 'files are immutable; upload a new version' },
  ERR_CRAN_PACKAGE_INVALID: { status: 400, hint: 'nothing was stored; fix the package' },
  ERR_CRAN_VERSION_EXISTS: { status: 409, hint: 'versions are immutable; upload a new one' },
  ERR_CONDA_PACKAGE_INVALID: { status: 400, hint: 'nothing was stored; fix the package' },
  ERR_CONDA_FILE_EXISTS: { status: 409, hint: 'files are immutable; build a new one' },
  ERR_HELM_CHART_INVALID: { status: 400, hint: 'nothing was stored; fix Chart.yaml (helm lint)' },
  ERR_HELM_VERSION_EXISTS: {
    status: 409,
    hint: 'chart versions are immutable; bump the version in Chart.yaml',
  },
  ERR_NUGET_PACKAGE_INVALID: { status: 400, hint: 'nothing was stored; fix the package' },
  ERR_NUGET_VERSION_EXISTS: { status: 409, hint: 'versions are immutable; push a new one' },
  ERR_UPSTREAM_UNAVAILABLE: {
    status: 502,
    hint: 'the upstream repository could not be reached and nothing is cached for this path; retry later',
  },
  ERR_UPSTREAM_COOLDOWN: {
    status: 503,
    hint: 'the upstream failed moments ago and is not asked again until its cool-down ends; nothing is cached for this path; retry after Retry-After seconds',
  },
  ERR_UPSTREAM_INVALID: {
    status: 502,
    hint: 'the upstream sent something unusable; nothing was cached',
  },
  ERR_UPSTREAM_REFUSED: {
    status: 502,
    hint: "nothing was fetched: a remote fetches only from its own origin and its allowedHosts, never from loopback, link-local or private addresses on other hosts; add the host to the remote's allowedHosts if you trust it",
  },
  ERR_UPSTREAM_DIGEST: {
    status: 502,
    hint: 'the upstream sent content that does not match the digest its own metadata declared; nothing was cached (the upstream or a mirror on the way may be tampered with)',
  },
  ERR_UPSTREAM_TOO_SLOW: {
    status: 502,
    hint: "the upstream sent too slowly and was cut off; nothing was cached; raise the remote's minBytesPerSec or idleTimeoutMs if it is just slow",
  },
  ERR_UPSTREAM_CREDENTIALS: {
    status: 502,
    hint: "the remote's upstream credentials are misconfigured",
  },
  ERR_INTERNAL: { status: 500, hint: 'see the server log for details' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class HttpError extends Error {
  override name = 'HttpError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { headers?: Record<string, string>; cause?: unknown; hint?: string } = {},
  ) {
    const spec: ErrorSpec = ERRORS[code];
    const hint = opts.hint ?? spec.hint;
    super(hint ? `${message}: ${hint}` : message, { cause: opts.cause });
    this.code = code;
    this.status = spec.status;
    this.headers = opts.headers ?? {};
  }
}

/**
 * The errno (ENOSPC, EDQUOT) or SQLite code (SQLITE_FULL) of a full disk anywhere in an error's
 * cause chain, or undefined when the failure was something else.
 */
export function diskFullCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const o = e as { code?: unknown; errcode?: unknown; message?: unknown; cause?: unknown };
    if (o.code === 'ENOSPC' || o.code === 'EDQUOT') return o.code;
    // node:sqlite: code ERR_SQLITE_ERROR, errcode 13 (SQLITE_FULL)
    if (
      o.errcode === 13 ||
      (typeof o.message === 'string' && /database or disk is full/.test(o.message))
    )
      return 'SQLITE_FULL';
    e = o.cause;
  }
  return undefined;
}

/** ERR_STORAGE_FULL for a failure caused by a full disk. */
export function storageFull(cause: unknown, code: string): HttpError {
  return new HttpError(
    'ERR_STORAGE_FULL',
    `the server ran out of disk space (${code}) while storing the request`,
    { cause },
  );
}

/** The Artifactory error body shape, with Stowage's code added. */
export function errorBody(err: HttpError): {
  errors: { status: number; code: string; message: string }[];
} {
  return { errors: [{ status: err.status, code: err.code, message: err.message }] };
}
