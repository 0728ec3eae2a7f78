import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SetupOptions, SetupResult } from './index.ts';

/** The name the chart repository gets in Helm (`helm install stowage/<chart>`). */
export const HELM_REPO_NAME = 'stowage';

/** The chart repository URL Helm should use; the build rides in the repository segment. */
export function helmRepoUrl(opts: SetupOptions): string {
  const matrix = opts.build
    ? `;build.name=${encodeURIComponent(opts.build.name)};build.number=${encodeURIComponent(opts.build.number)}`
    : '';
  return `${opts.url.replace(/\/+$/, '')}/api/helm/${encodeURIComponent(opts.repo)}${matrix}`;
}

/** One `repositories:` item as Helm writes it (JSON strings are YAML scalars). */
function entry(url: string, user: string, password: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    `- caFile: ""`,
    `  certFile: ""`,
    `  insecure_skip_tls_verify: false`,
    `  keyFile: ""`,
    `  name: ${HELM_REPO_NAME}`,
    `  pass_credentials_all: false`,
    `  password: ${q(password)}`,
    `  url: ${q(url)}`,
    `  username: ${q(user)}`,
  ].join('\n');
}

/**
 * Replaces (or adds) the `stowage` item of a repositories.yaml in Helm's own block layout;
 * undefined when the file is laid out some other way (then it is not touched).
 */
export function mergeRepositories(text: string, item: string): string | undefined {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const at = lines.findIndex((l) => /^repositories:\s*(\[\]\s*)?$/.test(l));
  if (at < 0) return undefined;
  const head = lines.slice(0, at);
  const items: string[][] = [];
  let rest = at + 1;
  if (!/\[\]/.test(lines[at] ?? '')) {
    for (; rest < lines.length; rest++) {
      const l = lines[rest] ?? '';
      if (l.startsWith('- ')) items.push([l]);
      else if (l.startsWith('  ') && items.length) items[items.length - 1]?.push(l);
      else if (l.trim() !== '') break;
    }
  }
  const tail = lines.slice(rest);
  const kept = items.filter(
    (it) => !it.some((l) => /^(- | {2})name:\s*["']?stowage["']?\s*$/.test(l)),
  );
  return `${[...head, 'repositories:', ...kept.map((it) => it.join('\n')), item, ...tail].join('\n')}\n`;
}

/**
 * Helm: a `stowage` chart repository in `<home>/.config/helm/repositories.yaml` (the file
 * `helm repo add` writes), and the `helm repo add` command as a note. A user's existing
 * repositories.yaml is left alone unless `overwrite`, which replaces only the stowage item.
 * Helm downloads the repository's index on `helm repo update` (or `helm repo add`).
 */
export async function setupHelm(opts: SetupOptions): Promise<SetupResult> {
  const url = helmRepoUrl(opts);
  const user = opts.user ?? 'token';
  const dir = join(opts.home, '.config', 'helm');
  const file = join(dir, 'repositories.yaml');
  const result: SetupResult = { tool: 'helm', files: [], env: [], notes: [] };
  const item = entry(url, opts.token ? user : '', opts.token ?? '');
  result.notes.push(
    opts.token
      ? `or let Helm write it: echo "$STOWAGE_TOKEN" | helm repo add ${HELM_REPO_NAME} ${url} --username ${user} --password-stdin`
      : `or let Helm write it: helm repo add ${HELM_REPO_NAME} ${url}`,
  );
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  let text: string | undefined;
  if (existing === undefined) {
    text = `apiVersion: ""\ngenerated: "0001-01-01T00:00:00Z"\nrepositories:\n${item}\n`;
  } else if (opts.overwrite) {
    text = mergeRepositories(existing, item);
    if (text === undefined) {
      result.files.push({ path: file, action: 'kept' });
      result.notes.push(`${file} is not laid out as Helm writes it and was left as it was`);
      return result;
    }
  } else {
    result.files.push({ path: file, action: 'kept' });
    result.notes.unshift(
      `${file} exists and was left as it was; pass overwrite to add the ${HELM_REPO_NAME} repository to it`,
    );
    return result;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, text, { mode: 0o600 });
  result.files.push({ path: file, action: 'written' });
  result.notes.unshift(
    `Helm resolves charts from ${HELM_REPO_NAME} (${url}); run helm repo update to fetch its index`,
  );
  const deploy = opts.deployRepo ?? opts.repo;
  result.notes.push(`push charts with: stowage helm push <chart-dir|chart.tgz> --repo ${deploy}`);
  if (opts.token) result.notes.push(`${file} holds the token (as Helm keeps it): mode 0600`);
  return result;
}
