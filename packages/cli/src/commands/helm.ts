/**
 * `stowage helm push <chart.tgz|chart-dir> --repo r | --oci repo[/path]`: package (if needed) and
 * push a Helm chart to a chart repository or, as an OCI artifact, to a docker repository;
 * `stowage helm pull --oci repo/path/name:version dest.tgz`.
 */
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import {
  formatStarted,
  pullHelmChartOci,
  pushHelmChart,
  pushHelmChartOci,
  readChart,
  type Artifact,
  type ChartMetadata,
  type Module,
} from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { UsageError } from '../internal/errors.ts';
import { formatBytes } from '../internal/format.ts';
import { Session } from '../internal/session.ts';

export function helmCommand(program: Command, ctx: RunContext): void {
  const helm = program
    .command('helm')
    .summary(
      'Helm charts: push to a chart repository or, as OCI artifacts, to a docker repository',
    );
  helm
    .command('push')
    .summary('package a chart directory (or take a .tgz) and push it')
    .description(
      'Pushes a chart to the Helm repository --repo (ChartMuseum’s POST /api/helm/{repo}/api/charts).\n' +
        'A chart directory (holding Chart.yaml) is packaged first as `helm package` does:\n' +
        '{name}-{version}.tgz with every file under {name}/, .helmignore honoured. The server\n' +
        'checks Chart.yaml and regenerates index.yaml; an existing version is refused unless the\n' +
        'archive is identical. With a build (--build-name/--build-number or the CI run) the chart\n' +
        'is stamped with it and recorded as a module of type "helm" in the local build-info store.\n' +
        'With --oci {repo}[/{path}] instead, the chart goes to the docker repository as an OCI\n' +
        'artifact, as `helm push chart.tgz oci://host/{repo}/{path}` does: image {path}/{name},\n' +
        'tag the version (+ as _), the Chart.yaml fields as the config, the .tgz as its layer;\n' +
        'the module gets properties helm.oci.reference and docker.image.digest.',
    )
    .argument('<chart>', 'chart directory or packaged chart (.tgz)')
    .option('--repo <key>', 'Helm repository (local, or virtual with a default)')
    .option('--oci <repo[/path]>', 'push as an OCI artifact to this docker repository (and path)')
    .option('--module <id>', 'build-info module id (default: {chart name}:{version})')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  stowage helm push ./charts/nightly-report --repo helm-local\n' +
        '  stowage helm push nightly-report-1.2.0.tgz --repo helm --build-name etl --build-number 42\n' +
        '  stowage helm push ./charts/nightly-report --oci docker-local/charts\n',
    )
    .action(async (chart: string, opts: PushOptions, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if ((opts.repo === undefined) === (opts.oci === undefined))
        throw new UsageError(
          'pass either --repo <helm repository> or --oci <docker repository[/path]>',
        );
      if (opts.oci !== undefined) return pushOci(s, chart, opts.oci, opts.module);
      const repo = opts.repo ?? '';
      const token = s.globals.token ?? ctx.env.STOWAGE_TOKEN;
      const build = s.build();
      const res = await pushHelmChart({
        url: s.url,
        repo,
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

  helm
    .command('pull')
    .summary('download a chart pushed as an OCI artifact')
    .description(
      'Reads the manifest of {repo}/{path}/{name}:{version} (or @sha256:…) from the registry,\n' +
        'checks that it is a Helm chart and streams its chart layer to <dest>, checking its digest.',
    )
    .requiredOption('--oci <reference>', '{repo}/{path}/{name}:{version}')
    .argument('<dest>', 'where to write the chart archive (.tgz)')
    .addHelpText(
      'after',
      '\nExample:\n  stowage helm pull --oci docker-local/charts/nightly-report:1.2.0 nightly-report-1.2.0.tgz\n',
    )
    .action(async (dest: string, opts: { oci: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      const res = await s.withClient((client) =>
        pullHelmChartOci({ client, reference: opts.oci, dest: s.path(dest) }),
      );
      if (s.json) {
        s.printJson({ ...res, dest: s.path(dest) });
        return;
      }
      s.out(
        `pulled: oci://${opts.oci} (${res.manifestDigest}) → ${dest}  ${formatBytes(res.size)}`,
      );
    });
}

interface PushOptions {
  repo?: string;
  oci?: string;
  module?: string;
}

/** Chart.yaml read from the archive and checked as the server checks it (the OCI config). */
async function readMetadata(archive: string): Promise<ChartMetadata> {
  // core's reader: the CLI never loads the server for this.
  const entry = await readChart(createReadStream(archive));
  return { ...entry };
}

async function pushOci(
  s: Session,
  chart: string,
  target: string,
  module: string | undefined,
): Promise<void> {
  const build = s.build();
  const res = await s.withClient(
    (client) => pushHelmChartOci({ client, target, chart: s.path(chart), readMetadata }),
    build,
  );
  const moduleId = module ?? `${res.name}:${res.version}`;
  if (build) {
    const store = s.store();
    const existing = await store.load(build.name, build.number);
    const hex = res.manifestDigest.replace(/^sha256:/, '');
    // Paths inside the docker repository, as the registry stores them.
    const inRepo = res.image.slice(res.image.indexOf('/') + 1);
    const m: Module = {
      id: moduleId,
      type: 'helm',
      properties: {
        'helm.oci.reference': res.reference,
        'docker.image.digest': res.manifestDigest,
      },
      artifacts: [
        {
          name: res.file,
          path: `${inRepo}/_blobs/sha256/${res.sha256}`,
          type: 'tgz',
          sha1: res.sha1,
          sha256: res.sha256,
          md5: res.md5,
          size: res.size,
        },
        {
          name: 'manifest.json',
          path: `${inRepo}/_manifests/sha256/${hex}`,
          type: 'json',
          sha256: hex,
        },
      ],
    };
    await store.addPart(build.name, build.number, {
      ...(existing ? {} : { started: formatStarted(new Date()) }),
      modules: [m],
    });
  }
  if (s.json) {
    s.printJson({ ...res, build: build ? { ...build, module: moduleId } : null });
    return;
  }
  s.out(
    `pushed: ${res.name} ${res.version} → oci://${res.reference} (${res.manifestDigest})  ${formatBytes(res.size)}` +
      (res.packaged ? ' (packaged from the directory)' : '') +
      (build ? `, recorded in build ${build.name} #${build.number}` : ''),
  );
}
