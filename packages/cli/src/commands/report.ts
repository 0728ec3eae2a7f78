/** `stowage report …`: the server's build analytics as tables (or --json). */
import type { Command } from 'commander';
import { formatLeadTime, type BuildPair } from '@stowage/core';
import type { RunContext } from '../internal/context.ts';
import { formatBytes, formatTable } from '../internal/format.ts';
import { UsageError } from '../internal/errors.ts';
import { Session, positiveInt } from '../internal/session.ts';

const when = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const signed = (n: number | null): string =>
  n === null ? '-' : `${n > 0 ? '+' : n < 0 ? '-' : ''}${formatBytes(Math.abs(n))}`;
const bytes = (n: number | null): string => (n === null ? '?' : formatBytes(n));
const short = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

function pair(name: string, number: string, other: string, otherName?: string): BuildPair {
  return { name, number, other, ...(otherName ? { otherName } : {}) };
}

export function reportCommand(program: Command, ctx: RunContext): void {
  const report = program
    .command('report')
    .summary('build analytics: promotion funnel, dependencies, sizes, image layers, diffs')
    .description(
      "Reads the server's analytics (/api/stowage/v1/analytics/…). Tables on a terminal,\n" +
        'the full report with --json.',
    );

  report
    .command('funnel')
    .summary('builds published, promoted to each stage, rolled back; lead time to release')
    .argument('[name]', 'build name (default: every build name)')
    .option('--from <date>', 'builds started at or after (ISO date or epoch ms)')
    .option('--to <date>', 'builds started before (ISO date or epoch ms)')
    .action(
      async (name: string | undefined, opts: { from?: string; to?: string }, cmd: Command) => {
        const s = new Session(ctx, cmd);
        const r = await s.withClient((c) =>
          c.funnel({
            ...(name ? { name } : {}),
            ...(opts.from ? { from: opts.from } : {}),
            ...(opts.to ? { to: opts.to } : {}),
          }),
        );
        if (s.json) return s.printJson(r);
        if (r.funnels.length === 0) return s.out('no builds in that window');
        for (const f of r.funnels) {
          s.out(`${f.name}: ${f.published} build(s) published`);
          s.out(
            formatTable(
              ['STAGE', 'REPOSITORY', 'REACHED', 'PROMOTED', '% OF PUBLISHED'],
              f.stages.map((st) => [
                st.stage,
                st.repo,
                String(st.reached),
                String(st.promoted),
                f.published ? `${Math.round((100 * st.reached) / f.published)}%` : '-',
              ]),
            ),
          );
          s.out(`rolled back: ${f.rolledBack} build(s), ${f.rollbacks} rollback(s)`);
          s.out(
            `lead time to ${r.stages[r.stages.length - 1]?.name ?? 'release'}: ${formatLeadTime(f.leadTimeMs)}\n`,
          );
        }
      },
    );

  report
    .command('deps')
    .summary('how dependencies vary across builds, or between two builds')
    .description(
      'With <name> only: the dependencies that changed most often over the last builds, with\n' +
        'their distinct versions, and every version seen with more than one checksum (a red flag).\n' +
        'With <number> <other>: what changed from build <other> to build <number>.',
    )
    .argument('<name>', 'build name')
    .argument('[number]', 'the newer build')
    .argument('[other]', 'the older build')
    .option('--other-name <name>', 'the older build’s name, when it differs')
    .option('--last <n>', 'how many recent builds to look at', '20')
    .option('--limit <n>', 'how many dependencies to list', '20')
    .action(
      async (
        name: string,
        number: string | undefined,
        other: string | undefined,
        opts: { otherName?: string; last: string; limit: string },
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        if (number !== undefined) {
          const d = await s.withClient((c) =>
            c.dependencyDiff(pair(name, number, requireOther(other), opts.otherName)),
          );
          if (s.json) return s.printJson(d);
          const rows: string[][] = [
            ...d.checksumChanged.map((c) => [
              'CHECKSUM CHANGED!',
              c.module,
              c.id,
              `${short(c.fromSha256 ?? '')} → ${short(c.toSha256 ?? '')}`,
            ]),
            ...d.versionChanged.map((c) => [
              'version',
              c.module,
              c.id,
              `${c.from ?? '?'} → ${c.to ?? '?'}`,
            ]),
            ...d.added.map((c) => ['added', c.module, c.id, '']),
            ...d.removed.map((c) => ['removed', c.module, c.id, '']),
          ];
          s.out(
            `dependencies of ${d.to.name} #${d.to.number} against ${d.from.name} #${d.from.number}: ` +
              `${d.added.length} added, ${d.removed.length} removed, ${d.versionChanged.length} version(s) changed, ` +
              `${d.checksumChanged.length} checksum(s) changed, ${d.unchanged} unchanged`,
          );
          if (rows.length) s.out(formatTable(['CHANGE', 'MODULE', 'DEPENDENCY', 'DETAIL'], rows));
          return;
        }
        const r = await s.withClient((c) =>
          c.dependencyVariation({
            name,
            last: positiveInt(opts.last, '--last'),
            limit: positiveInt(opts.limit, '--limit'),
          }),
        );
        if (s.json) return s.printJson(r);
        s.out(
          `dependencies of ${name} over ${r.numbers.length} build(s) (#${r.numbers[0] ?? '?'} … #${r.numbers[r.numbers.length - 1] ?? '?'})`,
        );
        s.out(
          formatTable(
            ['DEPENDENCY', 'VERSIONS', 'VERSION CHANGES', 'CHECKSUM CHANGES', 'BUILDS', 'LATEST'],
            r.dependencies.map((d) => [
              d.name,
              String(d.versions),
              String(d.versionChanges),
              String(d.checksumChanges),
              String(d.builds),
              d.latestVersion ?? '',
            ]),
          ),
        );
        if (r.redFlags.length) {
          s.out('same version, different checksums (red flags):');
          s.out(
            formatTable(
              ['DEPENDENCY', 'VERSION', 'CHECKSUMS', 'BUILDS'],
              r.redFlags.map((f) => [
                f.name,
                f.version,
                f.checksums.map(short).join(', '),
                f.numbers.join(', '),
              ]),
            ),
          );
        }
      },
    );

  report
    .command('size')
    .summary('artifact size per build and what grew; without a name, stored bytes per repository')
    .argument('[name]', 'build name (default: storage per repository with deduplication)')
    .option('--last <n>', 'how many recent builds', '30')
    .option('--top <n>', 'how many builds, modules and artifacts that grew most', '5')
    .action(async (name: string | undefined, opts: { last: string; top: string }, cmd: Command) => {
      const s = new Session(ctx, cmd);
      if (name === undefined) {
        const r = await s.withClient((c) => c.storageReport());
        if (s.json) return s.printJson(r);
        const rows = r.repositories.map((x) => [
          x.repo,
          String(x.files),
          formatBytes(x.logicalBytes),
          formatBytes(x.physicalBytes),
          formatBytes(x.logicalBytes - x.physicalBytes),
        ]);
        rows.push([
          'total',
          String(r.total.files),
          formatBytes(r.total.logicalBytes),
          formatBytes(r.total.physicalBytes),
          formatBytes(r.total.savedBytes),
        ]);
        s.out(formatTable(['REPOSITORY', 'FILES', 'LOGICAL', 'STORED', 'SAVED BY DEDUP'], rows));
        return;
      }
      const top = positiveInt(opts.top, '--top');
      const r = await s.withClient((c) =>
        c.sizeReport({ name, last: positiveInt(opts.last, '--last'), top }),
      );
      if (s.json) return s.printJson(r);
      s.out(
        formatTable(
          ['NUMBER', 'STARTED', 'ARTIFACTS', 'SIZE', 'CHANGE'],
          r.builds.map((b) => [
            b.number,
            when(b.started),
            b.unknown ? `${b.artifacts} (${b.unknown} unsized)` : String(b.artifacts),
            formatBytes(b.bytes),
            signed(b.delta),
          ]),
        ),
      );
      if (r.topBuilds.length) {
        s.out('builds that grew it most:');
        s.out(
          formatTable(
            ['NUMBER', 'GREW BY'],
            r.topBuilds.map((b) => [b.number, signed(b.delta)]),
          ),
        );
      }
      const growth = [
        ...r.topModules.map((g) => [
          g.module,
          '',
          formatBytes(g.firstBytes),
          formatBytes(g.lastBytes),
          signed(g.growth),
        ]),
        ...r.topArtifacts.map((g) => [
          g.module,
          g.artifact ?? '',
          formatBytes(g.firstBytes),
          formatBytes(g.lastBytes),
          signed(g.growth),
        ]),
      ];
      if (growth.length) {
        s.out('modules and artifacts that grew most (oldest → newest build listed):');
        s.out(formatTable(['MODULE', 'ARTIFACT', 'FIRST', 'LAST', 'GROWTH'], growth));
      }
    });

  report
    .command('layers')
    .summary('Docker image and layer sizes per run, or shared/new layers between two builds')
    .argument('<name>', 'build name')
    .argument('[number]', 'the newer build (with <other>: compare two builds)')
    .argument('[other]', 'the older build')
    .option('--other-name <name>', 'the older build’s name, when it differs')
    .option('--last <n>', 'how many recent runs', '20')
    .option('--image <image>', 'only this image')
    .option('--layers', 'list every layer of every run')
    .action(
      async (
        name: string,
        number: string | undefined,
        other: string | undefined,
        opts: { otherName?: string; last: string; image?: string; layers?: boolean },
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        if (number !== undefined) {
          const d = await s.withClient((c) =>
            c.imageDiff(pair(name, number, requireOther(other), opts.otherName)),
          );
          if (s.json) return s.printJson(d);
          s.out(
            formatTable(
              ['IMAGE', 'FROM', 'TO', 'SHARED', 'NEW', 'REMOVED'],
              d.images.map((i) => [
                i.image,
                i.from ?? '-',
                i.to ?? '-',
                `${i.shared.count} (${formatBytes(i.shared.bytes)})`,
                `${i.new.count} (${formatBytes(i.new.bytes)})`,
                `${i.removed.count} (${formatBytes(i.removed.bytes)})`,
              ]),
            ),
          );
          return;
        }
        const r = await s.withClient((c) =>
          c.imageReport({
            name,
            last: positiveInt(opts.last, '--last'),
            ...(opts.image ? { image: opts.image } : {}),
          }),
        );
        if (s.json) return s.printJson(r);
        if (r.runs.length === 0) return s.out(`no docker modules in the recent builds of ${name}`);
        const rows: string[][] = [];
        for (const run of r.runs) {
          for (const i of run.images) {
            rows.push([
              run.number,
              when(run.started),
              i.module,
              String(i.layers.length),
              formatBytes(i.size),
              `${i.newLayers} (${formatBytes(i.newBytes)})`,
            ]);
            if (opts.layers)
              for (const l of i.layers)
                rows.push([
                  '',
                  '',
                  `  ${short(l.digest)}${l.new ? ' (new)' : ''}`,
                  '',
                  bytes(l.size),
                  '',
                ]);
          }
        }
        s.out(formatTable(['NUMBER', 'STARTED', 'IMAGE', 'LAYERS', 'SIZE', 'NEW LAYERS'], rows));
      },
    );

  report
    .command('diff')
    .summary('artifacts and dependencies added, removed and changed between two builds')
    .argument('<name>', 'build name')
    .argument('<number>', 'the newer build')
    .argument('<other>', 'the older build')
    .option('--other-name <name>', 'the older build’s name, when it differs')
    .action(
      async (
        name: string,
        number: string,
        other: string,
        opts: { otherName?: string },
        cmd: Command,
      ) => {
        const s = new Session(ctx, cmd);
        const d = await s.withClient((c) => c.buildDiff(pair(name, number, other, opts.otherName)));
        if (s.json) return s.printJson(d);
        const rows: string[][] = [
          ...d.artifacts.added.map((a) => [
            'artifact',
            'added',
            a.module,
            a.path,
            bytes(a.toSize ?? null),
          ]),
          ...d.artifacts.removed.map((a) => [
            'artifact',
            'removed',
            a.module,
            a.path,
            bytes(a.fromSize ?? null),
          ]),
          ...d.artifacts.changed.map((a) => [
            'artifact',
            'changed',
            a.module,
            a.path,
            `${bytes(a.fromSize ?? null)} → ${bytes(a.toSize ?? null)}`,
          ]),
          ...d.dependencies.checksumChanged.map((c) => [
            'dependency',
            'CHECKSUM CHANGED!',
            c.module,
            c.id,
            `${short(c.fromSha256 ?? '')} → ${short(c.toSha256 ?? '')}`,
          ]),
          ...d.dependencies.versionChanged.map((c) => [
            'dependency',
            'version',
            c.module,
            c.id,
            `${c.from ?? '?'} → ${c.to ?? '?'}`,
          ]),
          ...d.dependencies.added.map((c) => ['dependency', 'added', c.module, c.id, '']),
          ...d.dependencies.removed.map((c) => ['dependency', 'removed', c.module, c.id, '']),
        ];
        s.out(
          `${d.to.name} #${d.to.number} against ${d.from.name} #${d.from.number}: ${rows.length} change(s)`,
        );
        if (rows.length) s.out(formatTable(['KIND', 'CHANGE', 'MODULE', 'NAME', 'DETAIL'], rows));
      },
    );
}

function requireOther(other: string | undefined): string {
  if (other === undefined) throw new UsageError('give both builds: <name> <number> <other>');
  return other;
}
