/**
 * publish: upload files by glob with the build's properties, record dependencies (checked
 * against what the server served for this build), environment (secrets excluded) and git, and
 * publish the build-info merged with what the server already holds for the build.
 */
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import {
  BuildStore,
  DEFAULT_ENV_EXCLUDE,
  collectDependencies,
  collectEnv,
  collectGit,
  formatStarted,
  mergeWithDownloads,
  parseStarted,
  type Artifact,
  type BuildInfo,
} from '@stowage/core';
import { glob } from 'tinyglobby';
import { Env, PublishOutput } from '../constants.ts';
import { buildApiUrl, withStowage } from '../client.ts';
import { runner, storeDir } from '../inputs.ts';
import { publishStore } from '../publishing.ts';
import { getInputs, type Inputs } from './context.ts';

interface Uploaded {
  source: string;
  repo: string;
  path: string;
  size: number;
  sha256: string;
  downloadUri: string;
}

function splitTarget(target: string): { repo: string; path: string; folder: boolean } {
  const t = target.replace(/^\/+/, '');
  const slash = t.indexOf('/');
  const repo = slash < 0 ? t : t.slice(0, slash);
  const path = slash < 0 ? '' : t.slice(slash + 1);
  if (!repo) throw new Error(`target "${target}" must start with a repository key`);
  return { repo, path, folder: path === '' || path.endsWith('/') };
}

const TYPES: [RegExp, string][] = [
  [/\.tar\.gz$|\.tgz$/, 'tgz'],
  [/\.([a-z0-9]+)$/i, '$1'],
];
function artifactType(path: string): string | undefined {
  for (const [re, t] of TYPES) {
    const m = re.exec(path);
    if (m) return t === '$1' ? m[1]?.toLowerCase() : t;
  }
  return undefined;
}

/**
 * Runs `stowage docker push`, `stowage helm push` and `stowage go publish` for the inputs, with
 * `@actions/exec`: the `stowage` the setup action put on PATH, the token in the environment
 * (never on the command line), the build and the local store passed explicitly.
 */
async function pushWithCli(
  inputs: Inputs,
  o: { name: string; number: string; store: string; cwd: string },
): Promise<void> {
  const runs: { what: string; args: string[] }[] = [
    ...inputs['docker-images'].map(([src, dst]) => ({
      what: `image ${src} → ${dst}`,
      args: ['docker', 'push', src, dst],
    })),
    ...inputs['helm-charts'].map(([chart, repo]) => ({
      what: `chart ${chart} → ${repo}`,
      args: ['helm', 'push', chart, '--repo', repo],
    })),
    ...inputs['go-modules'].map(([dir, version, repo]) => ({
      what: `Go module ${dir}@${version} → ${repo}`,
      args: ['go', 'publish', dir, version, '--repo', repo],
    })),
  ];
  if (!runs.length) return;
  if (inputs['dry-run']) {
    for (const r of runs) core.info(`dry run: would push ${r.what}`);
    return;
  }
  const globals = [
    '--url',
    inputs.url,
    '--build-name',
    o.name,
    '--build-number',
    o.number,
    '--store-dir',
    o.store,
  ];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  if (inputs.token) env[Env.token] = inputs.token;
  for (const r of runs) {
    core.startGroup(`stowage: ${r.what}`);
    try {
      await exec.exec('stowage', [...globals, ...r.args], { cwd: o.cwd, env });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        /Unable to locate executable/i.test(message)
          ? 'the stowage CLI is not on PATH: run the setup action (acme/stowage@v1) earlier in the job'
          : `pushing ${r.what} failed: ${message}`,
        { cause: err },
      );
    } finally {
      core.endGroup();
    }
  }
}

export async function main(): Promise<void> {
  const inputs = getInputs();
  const r = runner();
  const name = inputs['build-name'];
  const number = inputs['build-number'];
  const conn = { url: inputs.url, token: inputs.token };
  const store = new BuildStore({ dir: storeDir(r) });
  const cwd = join(r.workspace, inputs['working-directory']);
  const existing = await store.load(name, number);
  const started = existing?.started ?? formatStarted(new Date());

  const result = await withStowage(
    conn,
    async (client) => {
      // 1. Files.
      const uploaded: Uploaded[] = [];
      if (inputs.files.length) {
        const target = splitTarget(inputs.target);
        const found = new Set<string>();
        for (const pattern of inputs.files) {
          const files = await glob(pattern, { cwd, absolute: true, onlyFiles: true });
          if (files.length === 0) throw new Error(`no files match "${pattern}" in ${cwd}`);
          for (const f of files.sort()) found.add(f);
        }
        const files = [...found];
        if (!target.folder && files.length > 1) {
          throw new Error(
            `target ${inputs.target} names one file but ${files.length} files match; end it with / to upload into a folder`,
          );
        }
        const properties: Record<string, string[]> = {
          ...inputs.props,
          'build.name': [name],
          'build.number': [number],
          'build.timestamp': [String(parseStarted(started).getTime())],
        };
        for (const file of files) {
          const rel = inputs.flat ? basename(file) : relative(cwd, file).split(sep).join('/');
          const path = target.folder ? `${target.path}${rel}` : target.path;
          const size = (await stat(file)).size;
          if (inputs['dry-run']) {
            core.info(`would upload ${relative(cwd, file)} → ${target.repo}/${path}`);
            uploaded.push({
              source: file,
              repo: target.repo,
              path,
              size,
              sha256: '',
              downloadUri: '',
            });
            continue;
          }
          const res = await client.upload({ repo: target.repo, path, file, properties });
          core.info(
            `${relative(cwd, file)} → ${res.repo}/${res.path} (${res.size} bytes${res.deployedByChecksum ? ', deployed by checksum' : ''})`,
          );
          uploaded.push({
            source: file,
            repo: res.repo,
            path: res.path,
            size: res.size,
            sha256: res.sha256,
            downloadUri: res.downloadUri,
          });
          const artifact: Artifact = {
            name: basename(res.path),
            path: res.path,
            sha1: res.sha1,
            sha256: res.sha256,
            md5: res.md5,
            size: res.size,
          };
          const type = artifactType(res.path);
          if (type) artifact.type = type;
          await store.addPart(name, number, {
            ...(existing ? {} : { started }),
            modules: [{ id: inputs.module || name, artifacts: [artifact] }],
          });
        }
      }

      // 2. Images, charts and Go modules, pushed by the bundled CLI (which records each as a
      // module in the same local build-info store).
      await pushWithCli(inputs, { name, number, store: storeDir(r), cwd });

      // 3. Dependencies, environment, git.
      const part: Partial<BuildInfo> = { modules: [] };
      if (inputs.deps.length) {
        const downloads = await client.buildDownloads(name, number).catch((err: unknown) => {
          core.warning(`no download records for the cross-check: ${String(err)}`);
          return [];
        });
        for (const tool of inputs.deps) {
          const deps = mergeWithDownloads(await collectDependencies(tool, { dir: cwd }), downloads);
          core.info(
            `${tool}: ${deps.length} dependencies (${downloads.length} downloads recorded)`,
          );
          part.modules?.push({ id: `${tool}:${basename(cwd)}`, type: tool, dependencies: deps });
        }
      }
      if (inputs.env) {
        part.properties = collectEnv({
          env: r.env,
          exclude: [...DEFAULT_ENV_EXCLUDE, ...inputs['env-exclude']],
        });
      }
      if (inputs.git) {
        const vcs = await collectGit({ cwd: r.workspace }).catch((err: unknown) => {
          core.warning(`no git information recorded: ${String(err)}`);
          return undefined;
        });
        if (vcs) part.vcs = [vcs];
      }
      await store.addPart(name, number, part);

      // 4. Build-info.
      const info = await publishStore({
        client,
        store,
        name,
        number,
        ci: r.ci,
        dryRun: inputs['dry-run'],
      });
      return { uploaded, info };
    },
    { name, number },
  );

  const buildUrl = buildApiUrl(inputs.url, name, number);
  core.setOutput(PublishOutput.buildUrl, buildUrl);
  core.setOutput(
    PublishOutput.artifacts,
    JSON.stringify(
      result.uploaded.map((u) => ({
        repo: u.repo,
        path: u.path,
        size: u.size,
        sha256: u.sha256,
        downloadUri: u.downloadUri,
      })),
    ),
  );
  core.setOutput(PublishOutput.buildInfo, JSON.stringify(result.info ?? {}));
  if (inputs['dry-run']) {
    core.info(`dry run: build ${name} #${number} not published; the parts stay in the local store`);
    return;
  }
  const previous = r.env[Env.published];
  const entry = `${name}#${number}`;
  core.exportVariable(Env.published, previous ? `${previous}\n${entry}` : entry);
  core.info(`published build ${name} #${number}: ${buildUrl}`);
}
