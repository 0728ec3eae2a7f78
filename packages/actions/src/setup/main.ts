/**
 * setup: connect the job to a Stowage server (or start the embedded one), configure package
 * managers to resolve through it, export the connection and the build for later steps and the
 * CLI, and open the build (environment and git into the local build-info store).
 * post: publish what the job recorded if no publish step did, stop the embedded server and save
 * its data to the cache.
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  BuildStore,
  DEFAULT_ENV_EXCLUDE,
  collectEnv,
  collectGit,
  formatStarted,
  setupTool,
  tokenForBuild,
  type BuildInfo,
} from '@stowage/core';
import { Env, SetupOutput } from '../constants.ts';
import { buildApiUrl, withStowage } from '../client.ts';
import { runner, storeDir, type Runner } from '../inputs.ts';
import { publishStore } from '../publishing.ts';
import { loadSetupState, saveSetupState, savePublished } from '../state.ts';
import { getInputs, jobStatus, type Inputs } from './context.ts';
import { writeCliLauncher } from './cli.ts';
import { startEmbedded, stopEmbedded, type Embedded } from './embedded.ts';

export async function main(): Promise<void> {
  const inputs = getInputs();
  const r = runner();
  const buildName = inputs['build-name'] || r.ci.name || r.workflow;
  const buildNumber = inputs['build-number'] || r.ci.number || '';
  if (!buildName || !buildNumber) {
    throw new Error(
      'no build name/number: pass build-name and build-number outside GitHub Actions',
    );
  }

  // Later steps call `stowage …`: the CLI bundled with this action, run by this action's Node.
  const cli = await writeCliLauncher({
    temp: r.temp,
    script: join(__dirname, 'stowage.mjs'),
    node: process.execPath,
    windows: process.platform === 'win32',
  });
  core.addPath(cli.dir);
  core.info(`stowage is on PATH for the later steps (${cli.command})`);

  let url = inputs.url;
  let token = inputs.token;
  let embedded: Embedded | undefined;
  if (inputs.server === 'embedded' || url === 'embedded') {
    embedded = await startEmbedded({
      serverScript: join(__dirname, 'server.cjs'),
      temp: r.temp,
      repository: r.repository,
      workflow: r.workflow,
      runId: r.env.GITHUB_RUN_ID ?? String(Date.now()),
      cache: inputs.cache,
      ...(inputs['server-config']
        ? { configFile: join(r.workspace, inputs['server-config']) }
        : {}),
    });
    url = embedded.url;
    token = embedded.token;
    core.info(`started the embedded Stowage server at ${url} (pid ${embedded.pid})`);
  }
  if (!url) throw new Error('pass the url of a Stowage server, or server: embedded');
  url = url.replace(/\/+$/, '');
  if (inputs['oidc-provider']) token = await oidcToken(url, inputs, r);
  if (token) core.setSecret(token);

  const store = join(storeDir(r));
  const runUrl = r.ci.url ?? '';
  await withStowage({ url, token }, (c) => c.ping());
  core.exportVariable(Env.url, url);
  if (token) core.exportVariable(Env.token, token);
  core.exportVariable(Env.buildName, buildName);
  core.exportVariable(Env.buildNumber, buildNumber);
  core.exportVariable(Env.buildUrl, runUrl);
  core.exportVariable(Env.store, store);
  core.setOutput(SetupOutput.url, url);
  core.setOutput(SetupOutput.buildName, buildName);
  core.setOutput(SetupOutput.buildNumber, buildNumber);
  core.setOutput(SetupOutput.buildUrl, buildApiUrl(url, buildName, buildNumber));

  if (inputs.tools.length && !inputs.repo) {
    throw new Error(`input repo is required to set up ${inputs.tools.join(', ')}`);
  }
  if (inputs.tools.length) {
    // The repositories must exist before any tool file is written (else npm's own 404, later).
    const wanted = [inputs.repo, ...(inputs['deploy-repo'] ? [inputs['deploy-repo']] : [])];
    const known = (await withStowage({ url, token }, (c) => c.listRepositories())).map(
      (x) => x.key,
    );
    const missing = wanted.filter((k) => !known.includes(k));
    if (missing.length) {
      throw new Error(
        `${url} has no repository ${missing.map((k) => `"${k}"`).join(', ')}; nothing was written. Set repo to one of: ${known.join(', ') || '(none)'}`,
      );
    }
  }
  const dir = join(r.workspace, inputs['working-directory']);
  // Package managers cannot send build headers: their configuration carries a token scoped to
  // this build, so the server records what the build downloads. STOWAGE_TOKEN stays as given.
  let toolToken = token;
  if (inputs.tools.length && token) {
    const t = await withStowage({ url, token }, (c) =>
      tokenForBuild(c, { token, build: { name: buildName, number: buildNumber } }),
    );
    if (t.token) core.setSecret(t.token);
    toolToken = t.token ?? token;
    if (t.note) core.info(t.note);
  }
  for (const tool of inputs.tools) {
    const res = await setupTool(tool, {
      url,
      repo: inputs.repo,
      dir,
      home: r.home,
      ...(inputs['deploy-repo'] ? { deployRepo: inputs['deploy-repo'] } : {}),
      ...(inputs.overwrite ? { overwrite: true } : {}),
      ...(toolToken ? { token: toolToken } : {}),
      build: { name: buildName, number: buildNumber },
    });
    core.startGroup(`${tool}: resolves from ${inputs.repo}`);
    for (const f of res.files) core.info(`${f.action === 'written' ? 'wrote' : 'kept '} ${f.path}`);
    for (const e of res.env) {
      if (e.secret) core.setSecret(e.value);
      core.exportVariable(e.name, e.value);
      core.info(`exported ${e.name}`);
    }
    for (const n of res.notes) core.info(n);
    core.endGroup();
  }

  const part: Partial<BuildInfo> = { started: formatStarted(new Date()) };
  if (inputs['collect-env']) {
    part.properties = collectEnv({ env: r.env, exclude: [...DEFAULT_ENV_EXCLUDE] });
  }
  if (inputs['collect-git']) {
    const vcs = await collectGit({ cwd: r.workspace }).catch((err: unknown) => {
      core.warning(`no git information recorded: ${String(err)}`);
      return undefined;
    });
    if (vcs) part.vcs = [vcs];
  }
  await new BuildStore({ dir: store }).addPart(buildName, buildNumber, part);
  core.info(`opened build ${buildName} #${buildNumber} (local store ${store})`);

  saveSetupState({
    buildName,
    buildNumber,
    storeDir: store,
    autoPublish: inputs['auto-publish'],
    ...(embedded
      ? {
          embedded: {
            pid: embedded.pid,
            dataDir: embedded.dataDir,
            logFile: embedded.logFile,
            cacheKey: embedded.cacheKey,
            restoredKey: embedded.restoredKey,
          },
        }
      : {}),
  });
}

/**
 * The job's GitHub OIDC ID token (`permissions: id-token: write`) exchanged with the server for
 * a short-lived token scoped by the server's identity mapping: no stored secret.
 */
async function oidcToken(url: string, inputs: Inputs, r: Runner): Promise<string> {
  const provider = inputs['oidc-provider'];
  const audience = inputs['oidc-audience'] || url;
  let idToken: string;
  try {
    idToken = await core.getIDToken(audience);
  } catch (err) {
    throw new Error(
      `could not get an OIDC ID token from GitHub (${err instanceof Error ? err.message : String(err)}): give the job "permissions: id-token: write"`,
      { cause: err },
    );
  }
  const minted = await withStowage({ url, token: '' }, (c) =>
    c.exchangeOidcToken({
      provider,
      idToken,
      ...(r.env.GITHUB_JOB ? { ghJobId: r.env.GITHUB_JOB } : {}),
      ...(r.env.GITHUB_RUN_ID ? { ghRunId: r.env.GITHUB_RUN_ID } : {}),
      ...(r.repository ? { ghRepo: r.repository } : {}),
    }),
  );
  core.setSecret(minted.token);
  core.info(
    `exchanged the job's OIDC ID token (provider ${provider}, audience ${audience}) for a token of ${minted.username || 'the mapped user'}` +
      `${minted.expiresIn ? ` valid ${minted.expiresIn} s` : ''}; scopes: ${minted.scope || "(the user's grants)"}`,
  );
  return minted.token;
}

/** Whether a build-info part records anything a build is for: artifacts or dependencies. */
function hasContent(info: Partial<BuildInfo>): boolean {
  return (info.modules ?? []).some(
    (m) => (m.artifacts?.length ?? 0) > 0 || (m.dependencies?.length ?? 0) > 0,
  );
}

export async function post(): Promise<void> {
  const s = loadSetupState();
  const r = runner();
  try {
    if (!s.buildName) return; // main failed before opening the build
    const published = (r.env[Env.published] ?? '').split('\n');
    const ran = published.includes(`${s.buildName}#${s.buildNumber}`);
    const store = new BuildStore({ dir: s.storeDir });
    const pending = await store.load(s.buildName, s.buildNumber);
    if (!s.autoPublish) {
      savePublished('off');
      if (pending) core.info('auto-publish is off: the build recorded locally is not published');
      return;
    }
    const url = r.env[Env.url] ?? '';
    const token = r.env[Env.token] ?? '';
    const status = jobStatus();
    const job = (r.env.GITHUB_JOB ?? 'job').replace(/[^A-Za-z0-9_.-]/g, '_');
    const statusProps: Record<string, string> = status
      ? { [`stowage.job.${job}.status`]: status }
      : {};
    if (!pending || !hasContent(pending)) {
      if (pending) await store.clear(s.buildName, s.buildNumber);
      if (ran) {
        savePublished('by-publish-step');
        core.info(`build ${s.buildName} #${s.buildNumber} was published by a publish step`);
        // The job's result still belongs in the build it published.
        if (status && url) {
          await withStowage({ url, token }, (client) =>
            publishStore({
              client,
              store,
              name: s.buildName,
              number: s.buildNumber,
              ci: r.ci,
              properties: statusProps,
            }),
          );
          core.info(
            `recorded the job's result (${status}) in build ${s.buildName} #${s.buildNumber}`,
          );
        }
      } else {
        savePublished('nothing-recorded');
        core.info(
          `nothing recorded by this job (no artifacts, no dependencies${status ? `; job ${status}` : ''}): build ${s.buildName} #${s.buildNumber} is not published`,
        );
      }
      return;
    }
    if (!url) throw new Error(`${Env.url} is not set: cannot publish the build`);
    const info = await withStowage({ url, token }, (client) =>
      publishStore({
        client,
        store,
        name: s.buildName,
        number: s.buildNumber,
        ci: r.ci,
        properties: statusProps,
      }),
    );
    savePublished('by-post');
    core.info(
      `published build ${s.buildName} #${s.buildNumber}${ran ? ' (what was recorded after the publish step)' : ''}: ${buildApiUrl(url, s.buildName, s.buildNumber)}`,
    );
    core.debug(JSON.stringify(info));
  } finally {
    if (s.embedded) await stopEmbedded(s.embedded);
  }
}
