/**
 * `gradle`: writes ~/.gradle/init.d/stowage.gradle, an init script that replaces every
 * repository of every project (and of plugin resolution) with one Stowage repository and adds
 * a `stowage` publishing repository to projects that apply `maven-publish`
 * (`gradle publishAllPublicationsToStowageRepository`). An existing script is kept unless `overwrite`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeManaged } from './files.ts';
import type { SetupOptions, SetupResult } from './index.ts';
import { repoUrl } from './maven.ts';

/** A Groovy single-quoted string literal. */
function lit(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function gradleInitScript(opts: SetupOptions): string {
  const resolve = repoUrl(opts.url, opts.repo);
  const deploy = repoUrl(opts.url, opts.deployRepo ?? opts.repo);
  const insecure = new URL(opts.url).protocol === 'http:';
  const creds = opts.token
    ? `
      credentials {
        username = STOWAGE_USER
        password = STOWAGE_TOKEN
      }`
    : '';
  const repo = (name: string, url: string): string => `maven {
      name = ${lit(name)}
      url = ${url}${insecure ? '\n      allowInsecureProtocol = true' : ''}${creds}
    }`;
  return `// Written by stowage setup gradle: resolve through ${opts.repo}, publish to ${opts.deployRepo ?? opts.repo}.
def STOWAGE_URL = ${lit(resolve)}
def STOWAGE_DEPLOY_URL = ${lit(deploy)}
def STOWAGE_USER = ${lit(opts.user ?? 'token')}
def STOWAGE_TOKEN = ${lit(opts.token ?? '')}

def onlyStowage = { RepositoryHandler handler ->
  handler.all { ArtifactRepository r ->
    if (!(r instanceof MavenArtifactRepository) || r.url.toString() != STOWAGE_URL) {
      handler.remove r
    }
  }
  handler.${repo('stowage', 'STOWAGE_URL')}
}

settingsEvaluated { settings ->
  onlyStowage(settings.pluginManagement.repositories)
}

allprojects { project ->
  onlyStowage(project.buildscript.repositories)
  onlyStowage(project.repositories)
  project.plugins.withId('maven-publish') {
    project.publishing.repositories.${repo('stowage', 'STOWAGE_DEPLOY_URL')}
  }
}
`;
}

export async function setupGradle(opts: SetupOptions): Promise<SetupResult> {
  const dir = join(opts.home, '.gradle', 'init.d');
  const path = join(dir, 'stowage.gradle');
  const result: SetupResult = { tool: 'gradle', files: [], env: [], notes: [] };
  await mkdir(dir, { recursive: true });
  const written = await writeManaged(result, path, gradleInitScript(opts), {
    overwrite: opts.overwrite,
    secret: true,
    comment: '//',
  });
  if (!written) return result;
  result.notes.push(
    `every Gradle build resolves through ${opts.repo}; maven-publish projects publish with publishAllPublicationsToStowageRepository`,
  );
  if (opts.token) result.notes.push(`${path} holds the token (mode 600)`);
  return result;
}
