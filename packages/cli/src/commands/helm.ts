/** `stowage helm push <chart.tgz|chart-dir> --repo r`: package (if needed) and push a Helm chart. */
import type { Command } from 'commander';
import { formatStarted, pushHelmChart, type Artifact } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { formatBytes } from '../internal/format.ts';
import { Session } from '../internal/session.ts';

export function helmCommand(program: Command, ctx: RunContext): void {
  const helm = program.command('helm').summary('Helm charts: push a chart to a chart repository');
  helm
    .command('push')
    .summary('package a chart directory (or take a .tgz) and push it')
    .description(
      'Pushes a chart to the Helm repository --repo (ChartMuseum’s POST /api/helm/{repo}/api/charts).\n' +
        'A chart directory (holding Chart.yaml) is packaged first as `helm package` does:\n' +
        '{name}-{version}.tgz with every file under {name}/, .helmignore honoured. The server\n' +
        'checks Chart.yaml and regenerates index.yaml; an existing version is refused unless the\n' +
        'archive is identical. With a build (--build-name/--build-number or the CI run) the chart\n' +
        'is stamped with it and recorded as a module of type "helm" in the local build-info store.',
    )
    .argument('<chart>', 'chart directory or packaged chart (.tgz)')
    .requiredOption('--repo <key>', 'Helm repository (local, or virtual with a default)')
    .option('--module <id>', 'build-info module id (default: {chart name}:{version})')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage helm push ./charts/nightly-report --repo helm-local\n' +
        '  stowage helm push nightly-report-1.2.0.tgz --repo helm --build-name etl --build-number 42\n',
    )
    .action(async (chart: string, opts: { repo: string; module?: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
      const build = s.build();
      const res = await pushHelmChart({
        url: s.url,
        repo: opts.repo,
        chart: s.path(chart),
        ...(token ? { token } : {}),
        ...(ctx.env.STOWAGE_USER ? { user: ctx.env.STOWAGE_USER } : {}),
        ...(build ? { build } : {}),
      });
      const moduleId = opts.module ?? `${res.name}:${res.version}`;
      if (build) {
        const store = s.store();
        const existing = await store.load(build.name, build.number);
        const artifact: Artifact = {
          name: res.file,
          path: res.path,
          type: 'tgz',
          sha1: res.sha1,
          sha256: res.sha256,
          md5: res.md5,
          size: res.size,
        };
        await store.addPart(build.name, build.number, {
          ...(existing ? {} : { started: formatStarted(new Date()) }),
          modules: [{ id: moduleId, type: 'helm', artifacts: [artifact] }],
        });
      }
      if (s.json) {
        s.printJson({ ...res, build: build ? { ...build, module: moduleId } : null });
        return;
      }
      const how = res.created ? 'pushed' : 'already there (identical)';
      s.out(
        `${how}: ${res.name} ${res.version} → ${res.repo}/${res.path}  ${formatBytes(res.size)}` +
          (res.packaged ? ' (packaged from the directory)' : '') +
          (build ? `, recorded in build ${build.name} #${build.number}` : ''),
      );
    });
}
