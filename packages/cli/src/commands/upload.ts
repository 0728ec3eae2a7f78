/** `stowage upload <pattern…> <repo/path/>` */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { glob } from 'tinyglobby';
import { formatStarted, parseStarted, type Artifact, type UploadResult } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { UsageError, CliError } from '../internal/errors.ts';
import { formatBytes } from '../internal/format.ts';
import { artifactType, mapUploadTargets, parseRepoPath } from '../internal/paths.ts';
import { mapLimit } from '../internal/pool.ts';
import { Progress, progressEnabled } from '../internal/progress.ts';
import { mergeProps, parseProps } from '../internal/props.ts';
import { Session, positiveInt } from '../internal/session.ts';

interface UploadOptions {
  module?: string;
  props?: string;
  flat: boolean;
  threads: string;
  dryRun?: boolean;
}

export function uploadCommand(program: Command, ctx: RunContext): void {
  program
    .command('upload')
    .summary('upload files to a repository, stamped with the build')
    .description(
      'Upload local files matching one or more glob patterns to <repo/path/>. With a build\n' +
        '(--build-name/--build-number, or the CI run) each file is stamped with build.name,\n' +
        'build.number and build.timestamp and recorded as a module artifact in the local\n' +
        'build-info store, ready for `stowage build publish`.',
    )
    .argument('<pattern...>', 'local file globs (quote them), followed by the target repo/path/')
    .usage('[options] <pattern...> <repo/path/>')
    .option('--module <id>', 'build-info module id (default: the build name)')
    .option('--props <k=v;…>', 'properties to set, e.g. "team=data;tier=gold,silver"')
    .option('--flat', 'upload into the target folder by base name (default)', true)
    .option('--no-flat', 'keep each file’s path relative to the current directory')
    .option('--threads <n>', 'parallel uploads', '3')
    .option('--dry-run', 'show what would be uploaded; upload nothing')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage upload "out/*.csv" generic-staging/nightly-report/ --build-name nightly-report --build-number 7\n' +
        '  stowage upload app.tgz generic-staging/app/app-1.2.0.tgz --props "channel=beta"\n',
    )
    .action(async (args: string[], opts: UploadOptions, cmd: Command) => {
      await upload(new Session(ctx, cmd), args, opts);
    });
}

interface UploadedFile extends UploadResult {
  source: string;
}

async function upload(s: Session, args: string[], opts: UploadOptions): Promise<void> {
  if (args.length < 2) {
    throw new UsageError(
      'upload needs at least one file pattern and a target, e.g. stowage upload "out/*.csv" generic-staging/reports/',
    );
  }
  const patterns = args.slice(0, -1);
  const target = parseRepoPath(args[args.length - 1] ?? '');
  const threads = positiveInt(opts.threads, '--threads');
  const userProps = parseProps(opts.props);
  const build = s.build();

  const matches: { file: string; pattern: string }[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const files = await glob(pattern, {
      cwd: s.ctx.cwd,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false,
    });
    if (files.length === 0) {
      throw new CliError(
        'ERR_CLI_NO_MATCH',
        `no files match "${pattern}" (in ${s.ctx.cwd}); check the pattern, and quote it so the shell does not expand it`,
      );
    }
    for (const file of files.sort()) {
      if (seen.has(file)) continue;
      seen.add(file);
      matches.push({ file, pattern });
    }
  }
  const plan = mapUploadTargets(matches, target, { flat: opts.flat, cwd: s.ctx.cwd });
  const sizes = await Promise.all(plan.map(async (p) => (await stat(p.file)).size));

  let started: string | undefined;
  let newBuild = false;
  const properties: Record<string, string[]> = { ...userProps };
  if (build) {
    const existing = await s.store().load(build.name, build.number);
    started = existing?.started ?? formatStarted(new Date());
    newBuild = existing === undefined;
    Object.assign(
      properties,
      mergeProps(userProps, {
        'build.name': build.name,
        'build.number': build.number,
        'build.timestamp': String(parseStarted(started).getTime()),
      }),
    );
  }

  if (opts.dryRun) {
    const planned = plan.map((p, i) => ({
      source: p.file,
      repo: target.repo,
      path: p.path,
      size: sizes[i],
    }));
    if (s.json) s.printJson({ dryRun: true, files: planned, properties, build: build ?? null });
    else {
      s.out(`dry run: would upload ${plan.length} file(s):`);
      for (const p of planned) s.out(`  ${p.source} → ${p.repo}/${p.path}`);
    }
    return;
  }

  const progress = new Progress(s.ctx.stderr, {
    enabled: progressEnabled(s.ctx.stderr, s.ctx.env, s.json),
    label: 'uploading',
    files: plan.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
  });
  let uploaded: UploadedFile[];
  try {
    uploaded = await s.withClient(
      (client) =>
        mapLimit(plan, threads, async (p, i) => {
          const res = await client.upload({
            repo: target.repo,
            path: p.path,
            file: p.file,
            properties,
            onProgress: (sent, total) => progress.update(i, sent, total),
          });
          progress.fileDone();
          return { ...res, source: p.file };
        }),
      build,
    );
  } finally {
    progress.finish();
  }

  if (build) {
    const moduleId = opts.module ?? build.name;
    const artifacts: Artifact[] = uploaded.map((u) => {
      const a: Artifact = {
        name: basename(u.path),
        path: u.path,
        sha1: u.sha1,
        sha256: u.sha256,
        md5: u.md5,
        size: u.size,
      };
      const type = artifactType(u.path);
      if (type) a.type = type;
      return a;
    });
    await s.store().addPart(build.name, build.number, {
      ...(newBuild && started ? { started } : {}),
      modules: [{ id: moduleId, artifacts }],
    });
  }

  if (s.json) {
    s.printJson({
      files: uploaded.map((u) => ({
        source: u.source,
        repo: u.repo,
        path: u.path,
        size: u.size,
        sha1: u.sha1,
        sha256: u.sha256,
        md5: u.md5,
        downloadUri: u.downloadUri,
        deployedByChecksum: u.deployedByChecksum,
      })),
      properties,
      build: build ? { ...build, module: opts.module ?? build.name } : null,
    });
    return;
  }
  for (const u of uploaded) {
    const how = u.deployedByChecksum ? ' (already stored; deployed by checksum)' : '';
    const rel = relative(s.ctx.cwd, u.source);
    const shown = rel.startsWith('..') || isAbsolute(rel) ? u.source : rel;
    s.out(`  ${shown} → ${u.repo}/${u.path}  ${formatBytes(u.size)}${how}`);
  }
  const total = uploaded.reduce((a, u) => a + u.size, 0);
  s.out(
    `uploaded ${uploaded.length} file(s), ${formatBytes(total)}` +
      (build ? `, recorded in build ${build.name} #${build.number}` : ''),
  );
}
