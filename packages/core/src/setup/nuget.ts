import { join } from 'node:path';
import { writeManaged } from './files.ts';
import type { SetupOptions, SetupResult } from './index.ts';

const SOURCE = 'Stowage';

function xmlAttr(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** The v3 service index URL of a NuGet repository. */
export function nugetSourceUrl(opts: Pick<SetupOptions, 'url' | 'repo'>): string {
  return `${opts.url.replace(/\/+$/, '')}/api/nuget/v3/${encodeURIComponent(opts.repo)}/index.json`;
}

/**
 * NuGet: a project `NuGet.Config` whose only package source is the repository's v3 feed, with
 * the token as `ClearTextPassword` under `packageSourceCredentials`, so `dotnet restore`,
 * `nuget restore` and `dotnet nuget push --source Stowage` go through Stowage. Downloads are
 * recorded for a build when the token is build-scoped (NuGet sends no custom headers). An
 * existing `NuGet.Config` is left as it was unless `overwrite`.
 */
export async function setupNuget(opts: SetupOptions): Promise<SetupResult> {
  const file = join(opts.dir, 'NuGet.Config');
  const result: SetupResult = { tool: 'nuget', files: [], env: [], notes: [] };
  const secret = opts.token !== undefined && opts.token !== '';
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Written by stowage setup nuget: resolve NuGet packages through Stowage. -->',
    '<configuration>',
    '  <packageSources>',
    '    <clear />',
    `    <add key="${SOURCE}" value="${xmlAttr(nugetSourceUrl(opts))}" protocolVersion="3" />`,
    '  </packageSources>',
  ];
  if (secret) {
    lines.push(
      '  <packageSourceCredentials>',
      `    <${SOURCE}>`,
      `      <add key="Username" value="${xmlAttr(opts.user ?? 'token')}" />`,
      `      <add key="ClearTextPassword" value="${xmlAttr(opts.token ?? '')}" />`,
      `    </${SOURCE}>`,
      '  </packageSourceCredentials>',
    );
  }
  lines.push('</configuration>', '');
  const written = await writeManaged(result, file, lines.join('\n'), {
    overwrite: opts.overwrite,
    secret,
    comment: 'xml',
  });
  if (!written) return result;
  const deploy = nugetSourceUrl({ url: opts.url, repo: opts.deployRepo ?? opts.repo });
  result.notes.push(
    `NuGet resolves from ${opts.repo}; push with \`dotnet nuget push <pkg>.nupkg --source ${deploy} --api-key <token>\``,
  );
  if (secret) result.notes.push(`${file} holds the token: keep it out of version control`);
  return result;
}
