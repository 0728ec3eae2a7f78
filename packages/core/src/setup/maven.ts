/**
 * `maven`: writes ~/.m2/settings.xml so that Maven resolves everything through one Stowage
 * repository (a `<mirror>` of `*`) and deploys to another (`altDeploymentRepository`), with
 * the token in `<server>` entries. An existing settings.xml is left alone unless `overwrite`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeManaged } from './files.ts';
import type { SetupOptions, SetupResult } from './index.ts';

export const MAVEN_MIRROR_ID = 'stowage';
export const MAVEN_DEPLOY_ID = 'stowage-deploy';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `{url}/{repo}` with no doubled slash. */
export function repoUrl(url: string, repo: string): string {
  return `${url.replace(/\/+$/, '')}/${encodeURIComponent(repo)}`;
}

/** The settings.xml text (exported for tests and for callers that write it elsewhere). */
export function mavenSettings(opts: SetupOptions): string {
  const resolve = repoUrl(opts.url, opts.repo);
  const deploy = repoUrl(opts.url, opts.deployRepo ?? opts.repo);
  const headers = opts.build
    ? `
      <configuration>
        <httpHeaders>
          <property><name>X-Stowage-Build-Name</name><value>${esc(opts.build.name)}</value></property>
          <property><name>X-Stowage-Build-Number</name><value>${esc(opts.build.number)}</value></property>
        </httpHeaders>
      </configuration>`
    : '';
  const server = (id: string): string => {
    const cred = opts.token
      ? `
      <username>${esc(opts.user ?? 'token')}</username>
      <password>${esc(opts.token)}</password>`
      : '';
    return `
    <server>
      <id>${id}</id>${cred}${headers}
    </server>`;
  };
  const repos = (kind: 'repository' | 'pluginRepository'): string => `
          <${kind}>
            <id>central</id>
            <url>${esc(resolve)}</url>
            <releases><enabled>true</enabled></releases>
            <snapshots><enabled>true</enabled></snapshots>
          </${kind}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by stowage setup maven: resolve through ${esc(opts.repo)}, deploy to ${esc(opts.deployRepo ?? opts.repo)}. -->
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 https://maven.apache.org/xsd/settings-1.0.0.xsd">
  <servers>${server(MAVEN_MIRROR_ID)}${server(MAVEN_DEPLOY_ID)}
  </servers>
  <mirrors>
    <mirror>
      <id>${MAVEN_MIRROR_ID}</id>
      <mirrorOf>*</mirrorOf>
      <url>${esc(resolve)}</url>
    </mirror>
  </mirrors>
  <profiles>
    <profile>
      <id>stowage</id>
      <properties>
        <altDeploymentRepository>${MAVEN_DEPLOY_ID}::default::${esc(deploy)}</altDeploymentRepository>
      </properties>
      <repositories>${repos('repository')}
      </repositories>
      <pluginRepositories>${repos('pluginRepository')}
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>stowage</activeProfile>
  </activeProfiles>
</settings>
`;
}

export async function setupMaven(opts: SetupOptions): Promise<SetupResult> {
  const dir = join(opts.home, '.m2');
  const path = join(dir, 'settings.xml');
  const result: SetupResult = { tool: 'maven', files: [], env: [], notes: [] };
  const notes = result.notes;
  await mkdir(dir, { recursive: true });
  const written = await writeManaged(result, path, mavenSettings(opts), {
    overwrite: opts.overwrite,
    secret: true,
    comment: 'xml',
    hint: 'run mvn -s with a settings file of your own',
  });
  if (!written) return result;
  notes.push(
    `mvn resolves everything through ${opts.repo} (mirror of *) and mvn deploy publishes to ${opts.deployRepo ?? opts.repo}`,
  );
  if (opts.token) notes.push(`${path} holds the token (mode 600)`);
  return result;
}
