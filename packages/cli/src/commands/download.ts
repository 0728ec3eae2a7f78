/** `stowage download <repo/path-or-pattern> [dest/]` */
import { stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type Dependency, type RepositoryClient, type ChecksumsWithSize } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { CliError } from '../internal/errors.ts';
import { formatBytes } from '../internal/format.ts';
import {
  GLOB_CHARS,
  artifactType,
  parseRepoPath,
  remoteGlob,
  remoteGlobBase,
  safeJoin,
} from '../internal/paths.ts';
import { mapLimit } from '../internal/pool.ts';
import { Progress, progressEnabled } from '../internal/progress.ts';
import { Session, positiveInt } from '../internal/session.ts';

interface DownloadOptions {
  module?: string;
  flat?: boolean;
  threads: string;
}

export function downloadCommand(program: Command, ctx: RunContext): void {
  program
    .command('download')
    .summary('download a file, a folder or a pattern, verifying checksums')
    .description(
      'Download one file, a whole folder (recursively) or the files matching a pattern\n' +
        '(`*`, `**`, `?`, `{a,b}` in the path) into dest (default: the current directory).\n' +
        'Every file is checked against the checksums the server announces. With a build it\n' +
        'is recorded as a dependency of that build in the local build-info store.',
    )
    .argument('<source>', 'repo/path of a file or folder, or repo/path/with/*.globs')
    .argument('[dest]', 'destination folder (ending in /) or file name', '.')
    .option('--module <id>', 'build-info module id for the dependencies (default: the build name)')
    .option('--flat', 'put every file directly in dest instead of keeping folders')
    .option('--threads <n>', 'parallel downloads', '3')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage download generic-release/nightly-report/report.csv\n' +
        '  stowage download generic-release/nightly-report/ out/\n' +
        '  stowage download "generic-qa/nightly-report/**/*.csv" out/ --flat\n',
    )
    .action(async (source: string, dest: string, opts: DownloadOptions, cmd: Command) => {
      await download(new Session(ctx, cmd), source, dest, opts);
    });
}

interface Planned {
  /** Path in the repository. */
  path: string;
  /** Local file to write. */
  dest: string;
  sha1?: string;
  sha256?: string;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() === true;
}

async function plan(
  client: RepositoryClient,
  repo: string,
  path: string,
  destArg: string,
  destAbs: string,
  flat: boolean,
): Promise<Planned[]> {
  const destIsDir = destArg.endsWith('/') || destArg === '.' || (await isDirectory(destAbs));
  const place = (repoPath: string, rel: string): string =>
    safeJoin(destAbs, flat ? basename(repoPath) : rel);

  if (GLOB_CHARS.test(path)) {
    const base = remoteGlobBase(path);
    const re = remoteGlob(path);
    const { files } = await client.list(repo, base, { deep: true });
    const prefix = base === '' ? '' : `${base}/`;
    const out = files
      .filter((f) => !f.folder)
      .map((f) => ({ f, full: prefix + f.uri.replace(/^\/+/, '') }))
      .filter(({ full }) => re.test(full))
      .map(({ f, full }) => ({
        path: full,
        dest: place(full, full.slice(prefix.length)),
        ...(f.sha1 ? { sha1: f.sha1 } : {}),
        ...(f.sha2 ? { sha256: f.sha2 } : {}),
      }));
    if (out.length === 0) {
      throw new CliError(
        'ERR_CLI_NO_MATCH',
        `nothing in ${repo}/${base} matches "${path}"; list the folder with \`stowage download ${repo}/${base}/ --json\` or check the pattern`,
      );
    }
    return out;
  }

  const info = await client.storage(repo, path);
  if (path === '' || Array.isArray(info.children)) {
    const { files } = await client.list(repo, path, { deep: true });
    const prefix = path === '' ? '' : `${path}/`;
    const out = files
      .filter((f) => !f.folder)
      .map((f) => {
        const rel = f.uri.replace(/^\/+/, '');
        return {
          path: prefix + rel,
          dest: place(prefix + rel, rel),
          ...(f.sha1 ? { sha1: f.sha1 } : {}),
          ...(f.sha2 ? { sha256: f.sha2 } : {}),
        };
      });
    if (out.length === 0) {
      throw new CliError('ERR_CLI_NO_MATCH', `folder ${repo}/${path} holds no files`);
    }
    return out;
  }
  const dest = destIsDir ? safeJoin(destAbs, basename(path)) : destAbs;
  return [
    {
      path,
      dest,
      ...(info.checksums?.sha1 ? { sha1: info.checksums.sha1 } : {}),
      ...(info.checksums?.sha256 ? { sha256: info.checksums.sha256 } : {}),
    },
  ];
}

async function download(
  s: Session,
  source: string,
  destArg: string,
  opts: DownloadOptions,
): Promise<void> {
  const src = parseRepoPath(source, 'source');
  const threads = positiveInt(opts.threads, '--threads');
  const build = s.build();
  const destAbs = s.path(destArg);

  const results = await s.withClient(async (client) => {
    const items = await plan(client, src.repo, src.path, destArg, destAbs, opts.flat === true);
    const progress = new Progress(s.ctx.stderr, {
      enabled: progressEnabled(s.ctx.stderr, s.ctx.env, s.json),
      label: 'downloading',
      files: items.length,
      bytes: 0,
    });
    try {
      return await mapLimit(items, threads, async (item, i) => {
        const sums: ChecksumsWithSize = await client.download({
          repo: src.repo,
          path: item.path,
          dest: item.dest,
          onProgress: (got, total) => progress.update(i, got, total),
        });
        const expected = item.sha256 ?? item.sha1;
        const actual = item.sha256 ? sums.sha256 : sums.sha1;
        if (expected && expected.toLowerCase() !== actual) {
          await unlink(item.dest).catch(() => {});
          throw new CliError(
            'ERR_CLI_CHECKSUM',
            `${src.repo}/${item.path} does not match the checksum in the folder listing (${expected}); the file changed during the download or the server is inconsistent — download it again`,
          );
        }
        progress.fileDone();
        return { ...item, ...sums };
      });
    } finally {
      progress.finish();
    }
  }, build);

  if (build) {
    const dependencies: Dependency[] = results.map((r) => {
      const d: Dependency = {
        id: `${src.repo}/${r.path}`,
        sha1: r.sha1,
        sha256: r.sha256,
        md5: r.md5,
      };
      const type = artifactType(r.path);
      if (type) d.type = type;
      return d;
    });
    await s.store().addPart(build.name, build.number, {
      modules: [{ id: opts.module ?? build.name, dependencies }],
    });
  }

  if (s.json) {
    s.printJson({
      files: results.map((r) => ({
        repo: src.repo,
        path: r.path,
        dest: r.dest,
        size: r.size,
        sha1: r.sha1,
        sha256: r.sha256,
        md5: r.md5,
      })),
      build: build ? { ...build, module: opts.module ?? build.name } : null,
    });
    return;
  }
  for (const r of results) s.out(`  ${src.repo}/${r.path} → ${r.dest}  ${formatBytes(r.size)}`);
  const total = results.reduce((a, r) => a + r.size, 0);
  s.out(
    `downloaded ${results.length} file(s), ${formatBytes(total)}, checksums verified` +
      (build ? `; recorded as dependencies of build ${build.name} #${build.number}` : ''),
  );
}
