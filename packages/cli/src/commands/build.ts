/** `stowage build …`: collect build-info locally, publish it, promote, inspect and clean up. */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_ENV_EXCLUDE,
  DEPS_COLLECTORS,
  DOWNLOAD_IDS,
  collectDependencies,
  isStowageError,
  mergeWithDownloads,
  collectEnv,
  collectEnvDetailed,
  collectGit,
  formatStarted,
  mergeBuildInfo,
  newBuildInfo,
  parseStarted,
  publishMerged,
  type BuildInfo,
  type Dependency,
  type PromotionRequest,
  type RepositoryClient,
} from '@stowage/core';
import { VERSION, type RunContext } from '../internal/context.ts';
import { CliError, UsageError } from '../internal/errors.ts';
import { formatBytes, formatDuration, formatTable } from '../internal/format.ts';
import { mapLimit } from '../internal/pool.ts';
import { projectName } from '../internal/project.ts';
import { parseList, parseProps } from '../internal/props.ts';
import { Session, nonNegativeInt, positiveInt } from '../internal/session.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** Collector errors that mean "there is no lockfile here". */
const NO_LOCKFILE = new Set(['ERR_DEPS_LOCKFILE', 'ERR_FILE_NOT_FOUND']);
const DEPS_TOOLS = (): string => Object.keys(DEPS_COLLECTORS).sort().join(', ') || 'none yet';

export function buildCommand(program: Command, ctx: RunContext): void {
  const build = program
    .command('build')
    .summary('collect, publish, promote, show, list and discard build-info')
    .description(
      'Build-info records what a build produced and consumed. `upload`, `download`,\n' +
        '`collect-env` and `add-git` add parts to a local store (.stowage/builds); `publish`\n' +
        'merges them and sends the build-info to the server; `promote` moves its artifacts\n' +
        'through the stages (staged → qa → release).\n\n' +
        '[name] [number] default to --build-name/--build-number, then to the CI run\n' +
        '(GitHub Actions: GITHUB_WORKFLOW + GITHUB_RUN_NUMBER; Jenkins: JOB_NAME + BUILD_NUMBER).',
    );

  build
    .command('collect-env')
    .summary('record environment variables (secrets excluded)')
    .description(
      'Record the environment as build properties (buildInfo.env.NAME). Variables whose\n' +
        `names match ${DEFAULT_ENV_EXCLUDE.join(', ')} (case-insensitive)\n` +
        'are left out, and so are values shaped like credentials (GitHub, npm, Slack, AWS and\n' +
        'Stowage tokens, JWTs, private keys, URLs with a password) whatever their name.\n' +
        '--allow keeps a name those patterns match (its value is still checked).',
    )
    .argument('[name]', 'build name')
    .argument('[number]', 'build number')
    .option(
      '--include <glob>',
      'keep only matching variable names (repeatable, comma-separated)',
      collect,
    )
    .option(
      '--exclude <glob>',
      'also leave out matching names (repeatable, comma-separated)',
      collect,
    )
    .option(
      '--allow <glob>',
      'keep matching names even though a secret pattern matches them, e.g. AUTHOR_* (repeatable)',
      collect,
    )
    .action(async (name: string | undefined, number: string | undefined, opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const b = s.requireBuild(name, number);
      const o = opts as { include?: string[]; exclude?: string[]; allow?: string[] };
      const include = parseList(o.include);
      const allow = parseList(o.allow);
      const got = collectEnvDetailed({
        env: ctx.env,
        ...(include.length ? { include } : {}),
        exclude: [...DEFAULT_ENV_EXCLUDE, ...parseList(o.exclude)],
        ...(allow.length ? { allow } : {}),
      });
      const properties = got.properties;
      await s.store().addPart(b.name, b.number, { properties });
      const count = Object.keys(properties).length;
      const left = got.excludedByName.length + got.excludedByValue.length;
      if (s.json)
        s.printJson({
          build: b,
          collected: count,
          names: Object.keys(properties),
          excluded: { byName: got.excludedByName, byValue: got.excludedByValue },
        });
      else
        s.out(
          `collected ${count} environment variable(s) into build ${b.name} #${b.number}` +
            (left ? ` (${left} left out as secrets)` : ''),
        );
    });

  build
    .command('add-git')
    .summary('record the git remote, branch, revision and message')
    .argument('[name]', 'build name')
    .argument('[number]', 'build number')
    .option('--dir <path>', 'a directory inside the git work tree', '.')
    .action(async (name: string | undefined, number: string | undefined, opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const b = s.requireBuild(name, number);
      const dir = s.path((opts as { dir: string }).dir);
      const vcs = await collectGit({ cwd: dir });
      if (!vcs) {
        throw new CliError(
          'ERR_CLI_NOT_GIT',
          `${dir} is not inside a git work tree; pass --dir with the checked-out sources`,
        );
      }
      await s.store().addPart(b.name, b.number, { vcs: [vcs] });
      if (s.json) s.printJson({ build: b, vcs });
      else
        s.out(
          `recorded ${vcs.url ?? '(no remote)'} ${vcs.branch ?? '(detached)'} @ ${(vcs.revision ?? '?').slice(0, 12)} into build ${b.name} #${b.number}`,
        );
    });

  build
    .command('add-deps')
    .summary("record a package manager's resolved dependencies, with checksums")
    .description(
      "Reads what a tool resolved (package-lock.json, requirements.txt with hashes or pip's\n" +
        "installed set, go.sum, Maven's resolved tree, …) and cross-checks it against what the\n" +
        'server recorded as downloaded for this build, so every dependency appears once with\n' +
        'the checksums of the file actually served.',
    )
    .argument('<tool>', `the package manager (${DEPS_TOOLS()})`)
    .argument('[name]', 'build name')
    .argument('[number]', 'build number')
    .option('--dir <path>', 'project directory', '.')
    .option('--file <path>', "the lockfile or manifest (default: the tool's usual one)")
    .option(
      '--module <id>',
      "module id in the build-info (default: <tool>:<the project's name> from package.json, pom.xml, go.mod, pyproject.toml, …; else the directory's name)",
    )
    .option('--no-downloads', "don't cross-check with the server's download records")
    .action(
      async (
        tool: string,
        name: string | undefined,
        number: string | undefined,
        opts,
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        const b = s.requireBuild(name, number);
        const o = opts as { dir: string; file?: string; module?: string; downloads: boolean };
        const dir = s.path(o.dir);
        const downloads = o.downloads
          ? await s.withClient((c) => c.buildDownloads(b.name, b.number))
          : undefined;
        let deps: Dependency[];
        try {
          deps = await collectDependencies(tool, {
            dir,
            ...(o.file ? { file: s.path(o.file) } : {}),
          });
        } catch (err) {
          // No lockfile to read: what the server served to the build is the record.
          if (!downloads?.length || !isStowageError(err) || !NO_LOCKFILE.has(err.code)) throw err;
          s.err(`${err.message}; using the ${downloads.length} downloads the server recorded`);
          deps = [];
        }
        if (downloads) deps = mergeWithDownloads(deps, downloads, DOWNLOAD_IDS[tool]);
        const recorded = downloads?.length ?? 0;
        const id = o.module ?? `${tool}:${(await projectName(tool, dir)) ?? basename(dir)}`;
        await s
          .store()
          .addPart(b.name, b.number, { modules: [{ id, type: tool, dependencies: deps }] });
        const withSha256 = deps.filter((d) => d.sha256).length;
        if (s.json)
          s.printJson({
            build: b,
            module: id,
            dependencies: deps.length,
            withSha256,
            downloadsRecorded: recorded,
          });
        else
          s.out(
            `recorded ${deps.length} ${tool} dependencies (${withSha256} with sha256; ${recorded} downloads on the server) into build ${b.name} #${b.number}, module ${id}`,
          );
      },
    );

  build
    .command('push-part')
    .summary('move the parts recorded here to the server, for a publish on another agent')
    .description(
      'Send what this workspace recorded for the build (its local parts, merged) to the server\n' +
        'as one part of the build in progress, and clear the local parts. `build publish` on\n' +
        'any agent or job then merges every part kept on the server (Stowage only).',
    )
    .argument('[name]', 'build name')
    .argument('[number]', 'build number')
    .option(
      '--part <id>',
      'part id (default: host, time and a random suffix; the same id replaces)',
    )
    .action(async (name: string | undefined, number: string | undefined, opts, cmd: Command) => {
      await pushPart(new Session(ctx, cmd), name, number, opts as { part?: string });
    });

  build
    .command('publish')
    .summary('merge the local parts (and those on the server) and publish the build-info')
    .description(
      'Merge the parts recorded for the build, set started, durationMillis, agent,\n' +
        'buildAgent, url and principal, and publish it: on Stowage the server merges, in one\n' +
        'transaction, the build it has, the parts other agents pushed (`build push-part`) and\n' +
        'this one; elsewhere (Artifactory) it is merged over the published build with a\n' +
        'conditional PUT /api/build. Clears the local parts. --dry-run prints the build-info\n' +
        'instead and keeps the parts.',
    )
    .argument('[name]', 'build name')
    .argument('[number]', 'build number')
    .option('--dry-run', 'print the build-info; publish nothing, keep the local parts')
    .option('--env', 'also collect the environment (secrets excluded) before publishing')
    .action(async (name: string | undefined, number: string | undefined, opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      await publish(s, name, number, opts as { dryRun?: boolean; env?: boolean });
    });

  build
    .command('promote')
    .summary('promote a build to a stage (or repository)')
    .description(
      'Move (or --copy) the build’s artifacts to the stage’s repository and append a status.\n' +
        '--to takes a stage name (staged, qa, release: see GET /api/stowage/v1/stages) or a\n' +
        'repository key. The status defaults to the stage name. The server promotes all or\n' +
        'nothing unless --no-fail-fast is given.',
    )
    .argument('<name>', 'build name')
    .argument('<number>', 'build number')
    .requiredOption('--to <stage|repo>', 'target stage or repository')
    .option('--status <status>', 'status to record (default: the stage name)')
    .option('--comment <text>', 'comment stored with the status')
    .option('--copy', 'copy the artifacts instead of moving them')
    .option('--dry-run', 'check the promotion; change nothing')
    .option('--props <k=v;…>', 'properties to set on the promoted artifacts')
    .option('--source-repo <repo>', 'only promote artifacts found in this repository')
    .option('--include-dependencies', 'promote the build’s dependencies too')
    .option('--no-fail-fast', 'promote what can be promoted even if some artifacts are missing')
    .option('--allow-empty', 'promote (record the status) even when the build has nothing to move')
    .option(
      '--approver <who>',
      'who approved the promotion (recorded with the status; default $STOWAGE_APPROVER)',
    )
    .option('--ci-user <who>', 'who asked for it (default: the CI run’s user)')
    .action(async (name: string, number: string, opts, cmd: Command) => {
      await promote(new Session(ctx, cmd), name, number, opts as PromoteOptions);
    });

  build
    .command('show')
    .summary('show a published build')
    .argument('<name>', 'build name')
    .argument('<number>', 'build number')
    .action(async (name: string, number: string, _opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const info = await s.withClient((c) => c.getBuild(name, number));
      if (s.json) s.printJson(info);
      else s.out(describeBuild(info));
    });

  build
    .command('list')
    .summary('list build names, or the runs of one build with their status')
    .argument('[name]', 'build name')
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      await list(new Session(ctx, cmd), name);
    });

  build
    .command('discard')
    .summary('apply retention: keep the newest builds, discard the rest')
    .argument('<name>', 'build name')
    .option('--max-builds <n>', 'keep at most this many runs (newest first)')
    .option('--max-days <n>', 'discard runs started more than this many days ago')
    .option('--exclude-builds <numbers>', 'never discard these runs, e.g. 1,2')
    .option('--delete-artifacts', 'also delete the discarded runs’ artifacts')
    .action(async (name: string, opts, cmd: Command) => {
      await discard(new Session(ctx, cmd), name, opts as DiscardOptions);
    });

  build
    .command('delete')
    .summary('delete runs of a build')
    .argument('<name>', 'build name')
    .argument('<number...>', 'build numbers')
    .option('--delete-artifacts', 'also delete their artifacts')
    .action(async (name: string, numbers: string[], opts, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const deleteArtifacts = (opts as { deleteArtifacts?: boolean }).deleteArtifacts === true;
      await s.withClient((c) => c.deleteBuilds({ name, numbers, deleteArtifacts }));
      if (s.json) s.printJson({ name, deleted: numbers, deleteArtifacts });
      else
        s.out(
          `deleted build ${name} #${numbers.join(', #')}${deleteArtifacts ? ' and its artifacts' : ''}`,
        );
    });
}

function buildUrl(s: Session, name: string, number: string): string {
  return `${s.url.replace(/\/+$/, '')}/api/build/${encodeURIComponent(name)}/${encodeURIComponent(number)}`;
}

async function publish(
  s: Session,
  name: string | undefined,
  number: string | undefined,
  opts: { dryRun?: boolean; env?: boolean },
): Promise<void> {
  const b = s.requireBuild(name, number);
  const store = s.store();
  if (opts.env) {
    await store.addPart(b.name, b.number, {
      properties: collectEnv({ env: s.ctx.env, exclude: [...DEFAULT_ENV_EXCLUDE] }),
    });
  }
  const local = await store.load(b.name, b.number);
  const now = new Date();
  const started = local?.started ? parseStarted(local.started) : now;
  const base = newBuildInfo({
    name: b.name,
    number: b.number,
    started,
    agent: s.ci.agent ?? { name: 'stowage', version: VERSION },
    buildAgent: { name: 'stowage', version: VERSION },
    ...(s.ci.url ? { url: s.ci.url } : {}),
    ...(s.ci.principal ? { principal: s.ci.principal } : {}),
  });
  const info: BuildInfo = local ? mergeBuildInfo(base, local) : base;
  info.name = b.name;
  info.number = b.number;
  info.durationMillis = Math.max(0, now.getTime() - started.getTime());
  info.agent = base.agent;
  info.buildAgent = base.buildAgent;
  if (base.url) info.url = base.url;
  if (base.principal) info.principal = base.principal;

  if (opts.dryRun) {
    // What the server keeps for the build in progress is merged in the preview too, when
    // the server is there to ask (a dry run works offline).
    let unreachable = '';
    const parts = await s
      .withClient((c) => c.listBuildParts(b.name, b.number))
      .catch((err: unknown) => {
        if (!(isStowageError(err) && err.status === 404))
          unreachable = err instanceof Error ? err.message : String(err);
        return [];
      });
    if (unreachable && !s.json)
      s.err(`stowage: note: parts kept on the server are not included: ${unreachable}`);
    const preview = parts.length ? mergeBuildInfo(info, ...parts.map((p) => p.doc)) : info;
    if (s.json) s.printJson({ dryRun: true, serverParts: parts.length, buildInfo: preview });
    else {
      s.out(
        `dry run: would publish build ${b.name} #${b.number} to ${s.url}${parts.length ? ` (with ${parts.length} part(s) kept on the server)` : ''}:`,
      );
      s.out(JSON.stringify(preview, null, 2));
    }
    return;
  }
  const { published, parts } = await s.withClient(async (c) => {
    try {
      const r = await c.publishBuildParts(b.name, b.number, info);
      return { published: r.buildInfo, parts: r.parts };
    } catch (err) {
      // A server without build parts (Artifactory): merge over what it has, conditionally.
      if (!(isStowageError(err) && err.status === 404)) throw err;
      return { published: await publishMerged(c, info), parts: 0 };
    }
  });
  await store.clear(b.name, b.number);
  const url = buildUrl(s, b.name, b.number);
  const modules = published.modules ?? [];
  const artifacts = modules.reduce((n, m) => n + (m.artifacts?.length ?? 0), 0);
  const dependencies = modules.reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
  if (artifacts + dependencies === 0) {
    s.err(
      `stowage: warning: build ${b.name} #${b.number} was published with no artifacts and no dependencies: nothing was recorded in ${store.dir}${parts ? '' : ' nor pushed to the server'}. If the uploads ran on another agent or job, run \`stowage build push-part\` there first.`,
    );
  }
  if (s.json) {
    s.printJson({
      published: true,
      name: b.name,
      number: b.number,
      url,
      artifacts,
      dependencies,
      serverParts: parts,
      localParts: local !== undefined,
    });
    return;
  }
  s.out(
    `published build ${b.name} #${b.number} (${modules.length} module(s), ${artifacts} artifact(s), ${dependencies} dependenc${dependencies === 1 ? 'y' : 'ies'})`,
  );
  s.out(url);
}

async function pushPart(
  s: Session,
  name: string | undefined,
  number: string | undefined,
  opts: { part?: string },
): Promise<void> {
  const b = s.requireBuild(name, number);
  const store = s.store();
  const local = await store.load(b.name, b.number);
  if (!local) {
    if (s.json) s.printJson({ pushed: false, name: b.name, number: b.number });
    else
      s.out(`nothing recorded for build ${b.name} #${b.number} in ${store.dir}: nothing to push`);
    return;
  }
  const part = opts.part ?? defaultPartId();
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(part)) {
    throw new UsageError(
      `--part "${part}" is not usable: use letters, digits, ".", "_", ":" and "-" (at most 128)`,
    );
  }
  const { name: _n, number: _v, ...doc } = local;
  await s.withClient((c) => c.putBuildPart(b.name, b.number, part, doc));
  await store.clear(b.name, b.number);
  const modules = local.modules ?? [];
  const artifacts = modules.reduce((n, m) => n + (m.artifacts?.length ?? 0), 0);
  const dependencies = modules.reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
  if (s.json) {
    s.printJson({ pushed: true, name: b.name, number: b.number, part, artifacts, dependencies });
  } else {
    s.out(
      `pushed part ${part} of build ${b.name} #${b.number} to the server (${artifacts} artifact(s), ${dependencies} dependenc${dependencies === 1 ? 'y' : 'ies'}); \`stowage build publish\` anywhere merges it`,
    );
  }
}

/** A part id unique to this push: the host, the time and a random suffix. */
function defaultPartId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 60) || 'host';
  return `${host}.${Date.now().toString(36)}.${randomBytes(4).toString('hex')}`;
}

interface PromoteOptions {
  to: string;
  status?: string;
  comment?: string;
  copy?: boolean;
  dryRun?: boolean;
  props?: string;
  sourceRepo?: string;
  includeDependencies?: boolean;
  failFast: boolean;
  allowEmpty?: boolean;
  approver?: string;
  ciUser?: string;
}

async function resolveTarget(
  c: RepositoryClient,
  to: string,
): Promise<{ repo: string; stage?: string }> {
  const stages = await c.stages();
  const byName = stages.find((st) => st.name === to);
  if (byName) return { repo: byName.repo, stage: byName.name };
  const byRepo = stages.find((st) => st.repo === to);
  if (byRepo) return { repo: byRepo.repo, stage: byRepo.name };
  const repos = await c.listRepositories();
  if (!repos.some((r) => r.key === to)) {
    const names = stages.map((st) => st.name).join(', ');
    throw new CliError(
      'ERR_CLI_UNKNOWN_TARGET',
      `"${to}" is neither a stage (${names || 'none defined'}) nor a repository; pass one of the stages or a repository key`,
    );
  }
  return { repo: to };
}

async function promote(
  s: Session,
  name: string,
  number: string,
  opts: PromoteOptions,
): Promise<void> {
  const props = parseProps(opts.props);
  const result = await s.withClient(async (c) => {
    const target = await resolveTarget(c, opts.to);
    const status = opts.status ?? target.stage ?? target.repo;
    const body: PromotionRequest = {
      status,
      targetRepo: target.repo,
      copy: opts.copy === true,
      dryRun: opts.dryRun === true,
      artifacts: true,
      dependencies: opts.includeDependencies === true,
      failFast: opts.failFast !== false,
      timestamp: formatStarted(new Date()),
    };
    if (opts.comment !== undefined) body.comment = opts.comment;
    if (opts.sourceRepo !== undefined) body.sourceRepo = opts.sourceRepo;
    const ciUser = opts.ciUser ?? s.ci.principal;
    if (ciUser) body.ciUser = ciUser;
    const approver = opts.approver ?? s.ctx.env.STOWAGE_APPROVER;
    if (approver) body.approver = approver;
    if (opts.allowEmpty) body.allowEmpty = true;
    if (Object.keys(props).length > 0) body.properties = props;
    const res = await c.promote(name, number, body);
    return { target, status, res };
  });
  const errors = result.res.messages.filter((m) => m.level.toLowerCase() === 'error');
  if (s.json) {
    s.printJson({
      name,
      number,
      status: result.status,
      targetRepo: result.target.repo,
      stage: result.target.stage ?? null,
      dryRun: opts.dryRun === true,
      copy: opts.copy === true,
      messages: result.res.messages,
    });
  } else {
    for (const m of result.res.messages) s.out(`  ${m.level}: ${m.message}`);
    const verb = opts.copy ? 'copied' : 'moved';
    s.out(
      opts.dryRun
        ? `dry run: build ${name} #${number} can be promoted to ${result.target.repo} (status ${result.status}); nothing changed`
        : `promoted build ${name} #${number} to ${result.target.repo} (status ${result.status}; artifacts ${verb})`,
    );
  }
  if (errors.length > 0) {
    throw new CliError(
      'ERR_CLI_PROMOTION',
      `promotion of build ${name} #${number} reported ${errors.length} error(s); see the messages above`,
    );
  }
}

function describeBuild(info: BuildInfo): string {
  const lines: string[] = [];
  const kv: [string, string | undefined][] = [
    ['Build', `${info.name} #${info.number}`],
    ['Started', info.started],
    [
      'Duration',
      info.durationMillis !== undefined ? formatDuration(info.durationMillis) : undefined,
    ],
    ['Agent', info.agent ? `${info.agent.name} ${info.agent.version ?? ''}`.trim() : undefined],
    [
      'Build agent',
      info.buildAgent
        ? `${info.buildAgent.name} ${info.buildAgent.version ?? ''}`.trim()
        : undefined,
    ],
    ['Principal', info.principal],
    ['URL', info.url],
  ];
  for (const v of info.vcs ?? []) {
    kv.push([
      'VCS',
      `${v.url ?? '(no remote)'} ${v.branch ?? ''} ${v.revision?.slice(0, 12) ?? ''}`
        .replace(/\s+/g, ' ')
        .trim(),
    ]);
  }
  const props = Object.keys(info.properties ?? {}).length;
  if (props) kv.push(['Properties', `${props} (see --json)`]);
  for (const [k, v] of kv) if (v) lines.push(`${`${k}:`.padEnd(13)}${v}`);

  const artRows: string[][] = [];
  const depRows: string[][] = [];
  for (const m of info.modules ?? []) {
    for (const a of m.artifacts ?? []) {
      artRows.push([
        m.id,
        a.path ?? a.name,
        a.type ?? '',
        a.size !== undefined ? formatBytes(a.size) : '',
        (a.sha256 ?? a.sha1 ?? '').slice(0, 12),
      ]);
    }
    for (const d of m.dependencies ?? []) {
      depRows.push([m.id, d.id, d.type ?? '', (d.sha256 ?? d.sha1 ?? '').slice(0, 12)]);
    }
  }
  if (artRows.length) {
    lines.push('', 'Artifacts:');
    lines.push(formatTable(['MODULE', 'PATH', 'TYPE', 'SIZE', 'SHA256'], artRows).trimEnd());
  }
  if (depRows.length) {
    lines.push('', 'Dependencies:');
    lines.push(formatTable(['MODULE', 'ID', 'TYPE', 'SHA256'], depRows).trimEnd());
  }
  const statuses = info.statuses ?? [];
  if (statuses.length) {
    lines.push('', 'Statuses:');
    lines.push(
      formatTable(
        ['STATUS', 'REPOSITORY', 'TIMESTAMP', 'REQUESTED BY', 'APPROVED BY', 'COMMENT'],
        statuses.map((st) => [
          st.status,
          st.repository ?? '',
          st.timestamp,
          st.ciUser ?? st.user ?? '',
          st.approver ?? '',
          st.comment ?? '',
        ]),
      ).trimEnd(),
    );
  }
  return lines.join('\n');
}

const byNumber = (a: { number: string }, b: { number: string }): number =>
  a.number.localeCompare(b.number, undefined, { numeric: true });

async function list(s: Session, name: string | undefined): Promise<void> {
  if (name === undefined) {
    const builds = await s.withClient((c) => c.listBuilds());
    builds.sort((a, b) => a.name.localeCompare(b.name));
    if (s.json) s.printJson({ builds });
    else if (builds.length === 0) s.out('no builds published yet');
    else
      s.out(
        formatTable(
          ['BUILD', 'LAST STARTED'],
          builds.map((b) => [b.name, b.lastStarted]),
        ),
      );
    return;
  }
  const runs = await s.withClient(async (c) => {
    const numbers = (await c.listBuildNumbers(name)).sort(byNumber);
    return mapLimit(numbers, 4, async (n) => {
      const info = await c.getBuild(name, n.number);
      const last = info.statuses?.[info.statuses.length - 1];
      return {
        number: n.number,
        started: n.started || info.started,
        status: last?.status ?? null,
        repository: last?.repository ?? null,
        statuses: (info.statuses ?? []).map((st) => st.status),
      };
    });
  });
  if (s.json) {
    s.printJson({ name, builds: runs });
    return;
  }
  s.out(
    formatTable(
      ['NUMBER', 'STARTED', 'STATUS', 'HISTORY'],
      runs.map((r) => [r.number, r.started, r.status ?? '-', r.statuses.join(' → ') || '-']),
    ),
  );
}

interface DiscardOptions {
  maxBuilds?: string;
  maxDays?: string;
  excludeBuilds?: string;
  deleteArtifacts?: boolean;
}

async function discard(s: Session, name: string, opts: DiscardOptions): Promise<void> {
  if (opts.maxBuilds === undefined && opts.maxDays === undefined) {
    throw new UsageError('say what to keep: pass --max-builds <n> and/or --max-days <n>');
  }
  const count =
    opts.maxBuilds !== undefined ? nonNegativeInt(opts.maxBuilds, '--max-builds') : undefined;
  const days = opts.maxDays !== undefined ? positiveInt(opts.maxDays, '--max-days') : undefined;
  const keep = parseList(opts.excludeBuilds);
  const discarded = await s.withClient(async (c) => {
    const before = (await c.listBuildNumbers(name)).map((b) => b.number);
    await c.retention(name, {
      ...(count !== undefined ? { count } : {}),
      ...(days !== undefined ? { minimumBuildDate: Date.now() - days * 86_400_000 } : {}),
      deleteBuildArtifacts: opts.deleteArtifacts === true,
      ...(keep.length ? { buildNumbersNotToBeDiscarded: keep } : {}),
    });
    const after = new Set((await c.listBuildNumbers(name).catch(() => [])).map((b) => b.number));
    return before.filter((n) => !after.has(n));
  });
  discarded.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (s.json) s.printJson({ name, discarded, deleteArtifacts: opts.deleteArtifacts === true });
  else if (discarded.length === 0) s.out(`nothing to discard for build ${name}`);
  else
    s.out(
      `discarded build ${name} #${discarded.join(', #')}${opts.deleteArtifacts ? ' and their artifacts' : ''}`,
    );
}
