/**
 * The Stowage demo (`npm run demo`): an embedded server in a temporary directory, and the real
 * `stowage` CLI run the way a scheduled job would run it, for a nightly report task:
 *
 *   runs 1 and 2 upload their outputs stamped with the build, record environment and git,
 *   publish build-info; run 2 is promoted staged → qa → release; the build list shows it.
 *
 * Everything is removed at the end. Run `npm run build` first (npm run demo does).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@stowage/server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/cli.js');
const TASK = 'nightly-report';

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string): string => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function step(title: string): void {
  console.log(`\n${bold(`== ${title}`)}`);
}

/** Runs the CLI like a job would, echoing the command line and its output. */
function stowage(args: string[], env: Record<string, string>, cwd: string): Promise<void> {
  console.log(dim(`$ stowage ${args.map((a) => (/[\s*;]/.test(a) ? `"${a}"` : a)).join(' ')}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => process.stdout.write(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`stowage ${args[0]} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** The sample task's outputs for one run: a CSV report, a tarball-like bundle and a log. */
async function produceOutputs(dir: string, run: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const rows = ['day,region,rows'];
  for (let d = 1; d <= 5; d++) rows.push(`2026-11-${20 + d},eu-west-1,${1000 + run * 37 + d * 11}`);
  await writeFile(join(dir, 'report.csv'), `${rows.join('\n')}\n`);
  await writeFile(join(dir, 'report-bundle.tar.gz'), Buffer.alloc(64 * 1024 + run, run));
  await writeFile(
    join(dir, 'run.log'),
    `run ${run}: extracted, transformed, loaded ${rows.length - 1} rows\n`,
  );
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run \`npm run build\` first`);
  const tmp = await mkdtemp(join(tmpdir(), 'stowage-demo-'));
  const data = join(tmp, 'data');
  const job = join(tmp, 'job');
  await mkdir(job, { recursive: true });
  const server = await startServer({ dataDir: data, host: '127.0.0.1', port: 0 });
  try {
    console.log(`${bold('Stowage demo')}: an embedded server at ${server.url} (data in ${data})`);
    const env = {
      STOWAGE_URL: server.url,
      STOWAGE_TOKEN: server.adminToken,
      TZ: 'UTC',
      REPORT_REGION: 'eu-west-1',
    };

    // The job's sources live in git, so build-info can say which revision produced the report.
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], {
        cwd: job,
        stdio: 'ignore',
      });
    };
    await writeFile(
      join(job, 'report.sql'),
      'select day, region, count(*) from events group by 1, 2;\n',
    );
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/example/nightly-report.git');
    git('add', 'report.sql');
    git('commit', '-q', '-m', 'nightly report: count events per region');

    for (const run of [1, 2]) {
      step(`${TASK} run #${run}: produce, upload, record, publish`);
      const out = join(job, `out-${run}`);
      await produceOutputs(out, run);
      const build = ['--build-name', TASK, '--build-number', String(run)];
      await stowage(
        [
          'upload',
          `out-${run}/*`,
          `generic-staging/${TASK}/${run}/`,
          ...build,
          '--props',
          'team=data;schedule=nightly',
        ],
        env,
        job,
      );
      await stowage(['build', 'collect-env', TASK, String(run), '--include', 'REPORT_*'], env, job);
      await stowage(['build', 'add-git', TASK, String(run)], env, job);
      await stowage(['build', 'publish', TASK, String(run)], env, job);
    }

    step(`promote run #2: staged → qa → release`);
    await stowage(
      ['build', 'promote', TASK, '2', '--to', 'qa', '--comment', 'row counts checked'],
      env,
      job,
    );
    await stowage(
      ['build', 'promote', TASK, '2', '--to', 'release', '--comment', 'approved'],
      env,
      job,
    );

    step('what the repository knows now');
    await stowage(['build', 'list', TASK], env, job);
    await stowage(['build', 'show', TASK, '2'], env, job);

    console.log(
      `\n${bold('Done.')} Run #1 stays staged; run #2 is in generic-release with statuses qa → release.`,
    );
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
