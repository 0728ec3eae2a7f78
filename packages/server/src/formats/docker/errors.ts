/**
 * The OCI distribution error catalogue (https://github.com/opencontainers/distribution-spec,
 * "Error Codes"): `/v2/` answers `{"errors":[{"code","message","detail"}]}` with these codes,
 * so registry clients (skopeo, docker, podman) understand what went wrong.
 */
import { HttpError } from '../../errors.ts';

export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: {
    status: 404,
    message: 'manifest references a manifest or blob unknown to registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  UNAVAILABLE: { status: 502, message: 'the upstream registry is unavailable' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const;

export type OciCode = keyof typeof OCI_ERRORS;

/** An error `/v2/` answers with an OCI code; `status` overrides the code's usual one. */
export class OciError extends Error {
  override name = 'OciError';
  readonly code: OciCode;
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: OciCode,
    message: string,
    opts: { status?: number; detail?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.status = opts.status ?? OCI_ERRORS[code].status;
    this.detail = opts.detail ?? null;
    this.headers = opts.headers ?? {};
  }
}

/** Stowage's own errors (auth, storage, upstream) as the nearest OCI code; the Stowage code rides in `detail`. */
export function toOciError(err: HttpError): OciError {
  const map: Partial<Record<HttpError['code'], OciCode>> = {
    ERR_AUTH_REQUIRED: 'UNAUTHORIZED',
    ERR_AUTH_INVALID: 'UNAUTHORIZED',
    ERR_FORBIDDEN: 'DENIED',
    ERR_REPO_NOT_FOUND: 'NAME_UNKNOWN',
    ERR_REPO_NOT_DEPLOYABLE: 'UNSUPPORTED',
    ERR_PATH_INVALID: 'NAME_INVALID',
    ERR_NOT_FOUND: 'NAME_UNKNOWN',
    ERR_CHECKSUM_MISMATCH: 'DIGEST_INVALID',
    ERR_CHECKSUM_INVALID: 'DIGEST_INVALID',
    ERR_CHECKSUM_DEPLOY_MISSING: 'BLOB_UNKNOWN',
    ERR_UPLOAD_INCOMPLETE: 'BLOB_UPLOAD_INVALID',
    ERR_RANGE_NOT_SATISFIABLE: 'RANGE_INVALID',
    ERR_UPSTREAM_UNAVAILABLE: 'UNAVAILABLE',
    ERR_UPSTREAM_INVALID: 'UNAVAILABLE',
    ERR_UPSTREAM_COOLDOWN: 'UNAVAILABLE',
    // A Helm chart manifest whose config is not chart metadata, or without its chart layer.
    ERR_HELM_CHART_INVALID: 'MANIFEST_INVALID',
  };
  const mapped = map[err.code];
  const code = mapped ?? (err.status >= 500 ? 'UNKNOWN' : 'DENIED');
  return new OciError(code, err.message, {
    // The cool-down keeps its 503 (with Retry-After): clients retry rather than give up.
    status: mapped && err.code !== 'ERR_UPSTREAM_COOLDOWN' ? OCI_ERRORS[mapped].status : err.status,
    detail: { stowage: err.code },
    headers: err.headers,
  });
}

export function ociBody(err: OciError): {
  errors: { code: string; message: string; detail: unknown }[];
} {
  return { errors: [{ code: err.code, message: err.message, detail: err.detail }] };
}
