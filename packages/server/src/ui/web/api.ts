/**
 * The REST API as the pages use it. The token a person pastes is kept in sessionStorage (gone
 * when the tab closes) and sent as `Authorization: Bearer` on every call; the server decides
 * what it allows. `credentials: 'omit'` keeps the browser from showing its own basic-auth
 * prompt on a 401.
 */

import type { BuildInfo } from '../../../../core/src/buildinfo.ts';

const TOKEN_KEY = 'stowage.token';

export const session = {
  get token(): string | undefined {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

interface ErrorBody {
  errors?: { status?: number; code?: string; message?: string }[];
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Overrides the session token (used to check a token before keeping it). */
  token?: string;
}

export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = opts.token ?? session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'ERR_NETWORK', `the server did not answer (${(err as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    let message = `${res.status} ${res.statusText}`;
    try {
      const first = (JSON.parse(text) as ErrorBody).errors?.[0];
      if (first?.code) code = first.code;
      if (first?.message) message = first.message;
    } catch {
      // Not the API's JSON error shape: keep the status line.
    }
    throw new ApiError(res.status, code, message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `a/b` → `a%2Fb`: build names and numbers are single URL segments. */
export const seg = encodeURIComponent;

export function repoPath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

// ---- Response shapes (Artifactory's where it has one) ----

export type {
  Artifact,
  BuildInfo,
  BuildStatus,
  Dependency,
  Module,
  Vcs,
} from '../../../../core/src/buildinfo.ts';

interface Checksums {
  sha1?: string;
  sha256?: string;
  md5?: string;
}

export interface Stage {
  name: string;
  repo: string;
}

export interface PromotionMessage {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface RepoSummary {
  key: string;
  type: string;
  description?: string;
  url: string;
  packageType: string;
}

export interface FileInfo {
  repo: string;
  path: string;
  created: string;
  createdBy?: string;
  lastModified: string;
  modifiedBy?: string;
  downloadUri: string;
  mimeType?: string;
  size: string;
  checksums: Checksums;
}

export interface FolderList {
  uri: string;
  files: { uri: string; size: number; lastModified: string; folder: boolean; sha2?: string }[];
}

/** One audit entry (`ip` and `tokenId` only for administrators). */
export interface AuditEntry {
  time: string;
  user: string;
  tokenId?: string;
  ip?: string;
  action: string;
  repo?: string;
  path?: string;
  buildName?: string;
  buildNumber?: string;
  details?: Record<string, unknown>;
}

export const calls = {
  builds: () => api<{ builds: { uri: string; lastStarted: string }[] }>('/api/build'),
  numbers: (name: string) =>
    api<{ buildsNumbers: { uri: string; started: string }[] }>(`/api/build/${seg(name)}`),
  build: async (name: string, number: string): Promise<BuildInfo> =>
    (await api<{ buildInfo: BuildInfo }>(`/api/build/${seg(name)}/${seg(number)}`)).buildInfo,
  stages: async (): Promise<Stage[]> =>
    (await api<{ stages: Stage[] }>('/api/stowage/v1/stages')).stages,
  promote: (name: string, number: string, body: Record<string, unknown>) =>
    api<{ messages: PromotionMessage[] }>(`/api/build/promote/${seg(name)}/${seg(number)}`, {
      method: 'POST',
      body,
    }),
  repos: () => api<RepoSummary[]>('/api/repositories'),
  audit: async (q: Record<string, string>): Promise<AuditEntry[]> =>
    (
      await api<{ entries: AuditEntry[] }>(
        `/api/stowage/v1/audit?${new URLSearchParams(q).toString()}`,
      )
    ).entries,
  storage: <T>(repo: string, path: string, query = '') =>
    api<T>(`/api/storage/${seg(repo)}${path ? `/${repoPath(path)}` : ''}${query}`),
};

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (x: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
