import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';

/** `host:port` of the registry: Stowage serves the OCI distribution API at `/v2/` on its origin. */
export function registryHost(url: string): string {
  return new URL(url).host;
}

/** One credentials entry of a docker `config.json` / containers `auth.json`. */
export function authEntry(user: string, token: string): { auth: string } {
  return { auth: Buffer.from(`${user}:${token}`).toString('base64') };
}

export type MergeOutcome =
  { action: 'written'; text: string } | { action: 'kept'; reason: 'exists' | 'invalid' };

/**
 * Adds `auths[host]` to a docker config.json / containers auth.json text (undefined: no file).
 * Every other key and entry is kept; an existing entry for `host` is replaced only with
 * `overwrite`. A file that is not a JSON object is never touched.
 */
export function mergeAuths(
  existing: string | undefined,
  host: string,
  entry: { auth: string },
  overwrite: boolean,
): MergeOutcome {
  let doc: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch {
      return { action: 'kept', reason: 'invalid' };
    }
    if (!isObject(parsed)) return { action: 'kept', reason: 'invalid' };
    doc = parsed;
  }
  if (doc.auths !== undefined && !isObject(doc.auths)) return { action: 'kept', reason: 'invalid' };
  const auths: Record<string, unknown> = isObject(doc.auths) ? doc.auths : {};
  if (auths[host] !== undefined && !overwrite) return { action: 'kept', reason: 'exists' };
  const next = { ...doc, auths: { ...auths, [host]: entry } };
  return { action: 'written', text: `${JSON.stringify(next, null, 2)}\n` };
}

/** The credential helper docker would use for `host` instead of `auths`, if any. */
export function credentialHelper(text: string | undefined, host: string): string | undefined {
  if (text === undefined) return undefined;
  try {
    const doc: unknown = JSON.parse(text);
    if (!isObject(doc)) return undefined;
    const helpers = isObject(doc.credHelpers) ? doc.credHelpers : {};
    const h = helpers[host] ?? doc.credsStore;
    return typeof h === 'string' && h !== '' ? h : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Docker, podman and skopeo: registry credentials for Stowage's `/v2/` (the token as the
 * basic-auth password) in `<home>/.docker/config.json` (docker, and podman/skopeo's fallback)
 * and the containers `auth.json` — `<runtimeDir>/containers/auth.json` when a runtime dir
 * ($XDG_RUNTIME_DIR) is given, else `<home>/.config/containers/auth.json`. Existing files are
 * merged: other registries' entries and other keys stay; Stowage's entry is replaced only with
 * `overwrite`. Files are written with mode 0600. Without a token nothing is written.
 */
export async function setupDocker(opts: SetupOptions): Promise<SetupResult> {
  const result: SetupResult = { tool: 'docker', files: [], env: [], notes: [] };
  const host = registryHost(opts.url);
  const repo = opts.deployRepo ?? opts.repo;
  const insecure = new URL(opts.url).protocol === 'http:';
  if (!opts.token) {
    result.notes.push(
      `no token given: nothing written; the registry at ${host} needs one unless anonymous reads are on (docker login ${host} -u token)`,
    );
    return result;
  }
  const entry = authEntry(opts.user ?? 'token', opts.token);
  const files = [
    join(opts.home, '.docker', 'config.json'),
    opts.runtimeDir
      ? join(opts.runtimeDir, 'containers', 'auth.json')
      : join(opts.home, '.config', 'containers', 'auth.json'),
  ];
  for (const file of files) {
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    const outcome = mergeAuths(existing, host, entry, opts.overwrite === true);
    if (outcome.action === 'kept') {
      result.files.push({ path: file, action: 'kept' });
      result.notes.push(
        outcome.reason === 'exists'
          ? `${file} already has credentials for ${host} and was left as it was; pass overwrite to replace them`
          : `${file} is not a JSON object with an "auths" object and was left as it was`,
      );
      continue;
    }
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, outcome.text, { mode: 0o600 });
    await chmod(file, 0o600);
    result.files.push({ path: file, action: 'written' });
    const helper = credentialHelper(existing, host);
    if (helper) {
      result.notes.push(
        `${file} names the credential helper "${helper}", which docker asks before "auths": run docker login ${host} if it does not find Stowage`,
      );
    }
  }
  result.notes.unshift(
    `registry ${host}: images are ${host}/${repo}/<image>:<tag> (push with stowage docker push, or docker/podman/skopeo)`,
  );
  if (insecure) {
    result.notes.push(
      `${opts.url} is plain http: pass --tls-verify=false to podman/skopeo (skopeo copy --dest-tls-verify=false), and add "${host}" to docker's "insecure-registries" in /etc/docker/daemon.json (127.0.0.1 is allowed by default)`,
    );
  }
  result.notes.push('the credential files hold the token: mode 0600');
  return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
