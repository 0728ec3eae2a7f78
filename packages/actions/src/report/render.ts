/**
 * The report as GitHub-flavoured Markdown (job summary and PR comment share it): small tables,
 * `<details>` for long lists, human-readable sizes, Mermaid charts (GitHub renders them) where a
 * chart says it better. Every number comes from the server's analytics (see analytics.ts) or, on
 * a server without them, from the client-side diff of the two build-info documents.
 */
import {
  formatBytes,
  formatBytesChange,
  formatDuration,
  formatLeadTime,
  type ArtifactChange,
  type BuildDiff,
  type BuildInfo,
  type DependencyChange,
} from '@stowage/core';
import { ReportDefaults } from '../constants.ts';
import type { Analytics } from './analytics.ts';

// Sizes and durations read the same in the report, the CLI and the web UI (core's formatter).
export { formatBytes, formatDuration };
export const signedBytes = formatBytesChange;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
const short = (s?: string): string => (s ? `\`${s.replace(/^sha256:/, '').slice(0, 12)}\`` : '');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const quote = (s: string): string => `"${s.replace(/"/g, "'")}"`;

/** A table, collapsed under `summary` when it has more rows than fit on a screen. */
function block(summary: string, head: string[], rows: string[][], open = false): string[] {
  const t = table(head, rows);
  if (rows.length <= ReportDefaults.tableRows && !open) return [t, ''];
  return [`<details><summary>${summary}</summary>`, '', t, '', '</details>', ''];
}

/** A unit that keeps the largest value readable on a chart axis. */
function byteScale(max: number): { unit: string; div: number } {
  const units: [string, number][] = [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ];
  for (const [unit, div] of units) if (max >= div) return { unit, div };
  return { unit: 'B', div: 1 };
}
const scaled = (n: number, div: number): number => Math.round((n / div) * 100) / 100;

/** A Mermaid `xychart-beta`: one x label per value, bar and line series. */
function xychart(
  title: string,
  labels: string[],
  yLabel: string,
  series: { kind: 'bar' | 'line'; values: number[] }[],
): string[] {
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quote(title)}`,
    `  x-axis [${labels.map(quote).join(', ')}]`,
    `  y-axis ${quote(yLabel)}`,
    ...series.map((s) => `  ${s.kind} [${s.values.join(', ')}]`),
    '```',
    '',
  ];
}

export interface RenderOptions {
  info: BuildInfo;
  chart: boolean;
  buildUrl: string;
  marker?: string;
  /** The build compared with ('' or absent: none). */
  other?: string;
  /** From the server's analytics API. */
  analytics?: Analytics;
  /** The client-side diff, when the server has no analytics API. */
  diff?: BuildDiff;
  /** The HTTP status that showed the server has no analytics API. */
  fallback?: number;
}

export function renderReport(o: RenderOptions): string {
  const { info } = o;
  const a = o.analytics;
  const out: string[] = [];
  if (o.marker) out.push(o.marker);
  out.push(`## Stowage: build ${info.name} #${info.number}`, '');
  const vcs = info.vcs?.[0];
  const last = info.statuses?.[info.statuses.length - 1];
  out.push(
    [
      `Started ${info.started}`,
      info.durationMillis !== undefined ? `took ${Math.round(info.durationMillis / 1000)} s` : '',
      vcs?.revision ? `commit ${short(vcs.revision)}${vcs.branch ? ` on ${vcs.branch}` : ''}` : '',
      `status **${last?.status ?? 'published'}**`,
      `[build-info](${o.buildUrl})`,
    ]
      .filter(Boolean)
      .join(' · '),
    '',
  );
  if (o.fallback !== undefined) {
    out.push(
      `> This server has no analytics API (HTTP ${o.fallback}): changes are computed from the two build-info documents; size history, dependency variation, the promotion funnel and image layers are not shown.`,
      '',
    );
  }

  out.push(...artifacts(o));
  if (a) out.push(...sizeHistory(a, o.chart));
  const diff = a?.diff ?? o.diff;
  // Image layers are compared under "Docker images" (matched by image, not by module id).
  const layerModules = new Set<string>(
    a?.imageDiff
      ? [
          ...(info.modules ?? []).filter((m) => m.type === 'docker').map((m) => m.id),
          ...a.imageDiff.images.flatMap((i) => [i.from ?? '', i.to ?? '']),
        ]
      : [],
  );
  if (diff) out.push(...changes(diff, a?.deps?.unchanged, layerModules));
  if (a) {
    out.push(...variation(a));
    out.push(...images(info, a, o.chart));
    out.push(...funnel(a, o.chart));
  }
  out.push(...promotions(info, o.chart));
  return `${out.join('\n').trimEnd()}\n`;
}

function artifacts(o: RenderOptions): string[] {
  const { info } = o;
  const arts = (info.modules ?? []).flatMap((m) =>
    (m.artifacts ?? []).map((a) => ({ module: m.id, a })),
  );
  const sizes = o.analytics?.size.builds ?? [];
  const at = sizes.findIndex((b) => b.number === info.number);
  const mine = sizes[at];
  const total = mine?.bytes ?? arts.reduce((n, x) => n + (x.a.size ?? 0), 0);
  const prev = at > 0 ? sizes[at - 1] : undefined;
  const change =
    mine && prev && mine.delta !== null
      ? ` (${signedBytes(mine.delta)} since #${prev.number})`
      : '';
  const out = [`### Artifacts: ${arts.length}, ${formatBytes(total)}${change}`, ''];
  if (mine?.unknown) out.push(`${plural(mine.unknown, 'artifact')} of unknown size.`, '');
  if (arts.length) {
    out.push(
      ...block(
        `${plural(arts.length, 'artifact')}, largest first`,
        ['Module', 'Path', 'Type', 'Size', 'SHA-256'],
        [...arts]
          .sort((x, y) => (y.a.size ?? 0) - (x.a.size ?? 0))
          .map((x) => [
            x.module,
            x.a.path ?? x.a.name,
            x.a.type ?? '',
            x.a.size !== undefined ? formatBytes(x.a.size) : '',
            short(x.a.sha256 ?? x.a.sha1),
          ]),
      ),
    );
  }
  if (!o.other) {
    const deps = (info.modules ?? []).reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
    out.push(
      `${plural(deps, 'dependency', 'dependencies')}; no earlier build to compare with.`,
      '',
    );
  }
  return out;
}

function sizeHistory(a: Analytics, chart: boolean): string[] {
  const builds = a.size.builds;
  if (builds.length < 2) return [];
  const out = [`### Size over the last ${builds.length} builds`, ''];
  if (chart) {
    const { unit, div } = byteScale(Math.max(...builds.map((b) => b.bytes)));
    const values = builds.map((b) => scaled(b.bytes, div));
    out.push(
      ...xychart(
        `Total artifact size (${unit})`,
        builds.map((b) => `#${b.number}`),
        unit,
        [
          { kind: 'bar', values },
          { kind: 'line', values },
        ],
      ),
    );
  }
  out.push(
    ...block(
      'Size per build',
      ['Build', 'Started', 'Artifacts', 'Size', 'Change'],
      [...builds]
        .reverse()
        .map((b) => [
          `#${b.number}`,
          new Date(b.started).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          String(b.artifacts),
          formatBytes(b.bytes),
          b.delta === null ? '' : signedBytes(b.delta),
        ]),
      !chart,
    ),
  );
  // Growth of artifacts present in the oldest build too (a new one is not growth).
  const grew = a.size.topArtifacts.filter((g) => g.growth > 0 && g.firstBytes > 0);
  if (grew.length) {
    out.push(
      `Grew most since #${builds[0]?.number ?? '?'}: ${grew
        .map((g) => `\`${g.artifact ?? g.module}\` ${signedBytes(g.growth)}`)
        .join(', ')}.`,
      '',
    );
  }
  return out;
}

function changes(d: BuildDiff, unchanged: number | undefined, layerModules: Set<string>): string[] {
  const deps = d.dependencies;
  const out = [`### Changes since #${d.from.number}`, ''];
  if (deps.checksumChanged.length) {
    out.push(
      '> [!CAUTION]',
      `> **Same version, different content:** ${plural(deps.checksumChanged.length, 'dependency', 'dependencies')} changed checksum without a version change since #${d.from.number}. Check where ${deps.checksumChanged.length === 1 ? 'it' : 'they'} came from before trusting this build.`,
      '>',
      ...deps.checksumChanged.map(
        (c) => `> - \`${c.id}\` (${c.module}): ${short(c.fromSha256)} → ${short(c.toSha256)}`,
      ),
      '',
    );
  }
  const counts = [
    `${deps.added.length} added`,
    `${deps.removed.length} removed`,
    `${deps.versionChanged.length} upgraded or downgraded`,
    `${deps.checksumChanged.length} with other content`,
    ...(unchanged !== undefined ? [`${unchanged} unchanged`] : []),
  ];
  const notLayer = (c: ArtifactChange): boolean => !layerModules.has(c.module);
  const arts = {
    added: d.artifacts.added.filter(notLayer),
    removed: d.artifacts.removed.filter(notLayer),
    changed: d.artifacts.changed.filter(notLayer),
  };
  out.push(
    `**Dependencies:** ${counts.join(', ')}. **Artifacts:** ${arts.added.length} added, ${arts.removed.length} removed, ${arts.changed.length} changed${layerModules.size ? ' (image layers: see Docker images)' : ''}.`,
    '',
  );
  const depRows: string[][] = [
    ...deps.checksumChanged.map((c: DependencyChange) => [
      '⚠️ **checksum changed**',
      c.module,
      c.id,
      short(c.fromSha256),
      short(c.toSha256),
    ]),
    ...deps.versionChanged.map((c) => [
      'version changed',
      c.module,
      c.id,
      c.from ?? '',
      c.to ?? '',
    ]),
    ...deps.added.map((c) => ['added', c.module, c.id, '', c.to ?? '']),
    ...deps.removed.map((c) => ['removed', c.module, c.id, c.from ?? '', '']),
  ];
  if (depRows.length)
    out.push(
      ...block(
        `${plural(depRows.length, 'dependency change')}`,
        ['Dependency', 'Module', 'Id', 'Before', 'After'],
        depRows,
      ),
    );
  const size = (n?: number): string => (n === undefined ? '' : formatBytes(n));
  const artRows: string[][] = [
    ...arts.changed.map((c) => [
      'changed',
      c.module,
      c.path,
      c.fromSize !== undefined ? size(c.fromSize) : short(c.fromSha256),
      c.toSize !== undefined ? size(c.toSize) : short(c.toSha256),
      c.fromSize !== undefined && c.toSize !== undefined ? signedBytes(c.toSize - c.fromSize) : '',
    ]),
    ...arts.added.map((c) => ['added', c.module, c.path, '', size(c.toSize), '']),
    ...arts.removed.map((c) => ['removed', c.module, c.path, size(c.fromSize), '', '']),
  ];
  if (artRows.length)
    out.push(
      ...block(
        `${plural(artRows.length, 'artifact change')}`,
        ['Artifact', 'Module', 'Path', 'Before', 'After', 'Change'],
        artRows,
      ),
    );
  return out;
}

function variation(a: Analytics): string[] {
  const v = a.variation;
  const changed = v.dependencies.filter((d) => d.versionChanges + d.checksumChanges > 0);
  if (!changed.length && !v.redFlags.length) return [];
  const first = v.numbers[0] ?? '?';
  const lastNumber = v.numbers[v.numbers.length - 1] ?? '?';
  const out = [`### Dependency variation over the last ${v.numbers.length} builds`, ''];
  out.push(
    `From #${first} to #${lastNumber}: ${plural(changed.length, 'dependency', 'dependencies')} changed, most often first.`,
    '',
  );
  if (changed.length)
    out.push(
      ...block(
        `${plural(changed.length, 'changed dependency', 'changed dependencies')}`,
        ['Dependency', 'Versions', 'Version changes', 'Checksum changes', 'Builds', 'Latest'],
        changed.map((d) => [
          d.name,
          String(d.versions),
          String(d.versionChanges),
          d.checksumChanges ? `**${d.checksumChanges}** ⚠️` : '0',
          String(d.builds),
          d.latestVersion ?? '',
        ]),
      ),
    );
  if (v.redFlags.length) {
    out.push(
      `**⚠️ Same version, several checksums** (${plural(v.redFlags.length, 'version')}):`,
      '',
      ...block(
        'Versions seen with more than one checksum',
        ['Dependency', 'Version', 'Checksums', 'Builds'],
        v.redFlags.map((f) => [
          f.name,
          f.version,
          f.checksums.map((c) => short(c)).join(' '),
          f.numbers.map((n) => `#${n}`).join(' '),
        ]),
      ),
    );
  }
  return out;
}

function images(info: BuildInfo, a: Analytics, chart: boolean): string[] {
  const runs = a.images?.runs ?? [];
  if (!runs.length) return [];
  const out = ['### Docker images', ''];
  const mine = runs.find((r) => r.number === info.number);
  if (mine) {
    out.push(
      table(
        ['Image', 'Tag', 'Layers', 'Size', 'New layers', 'New bytes'],
        mine.images.map((i) => [
          i.image,
          i.tag ?? '',
          String(i.layers.length),
          formatBytes(i.size),
          String(i.newLayers),
          formatBytes(i.newBytes),
        ]),
      ),
      '',
    );
  }
  const diffs = a.imageDiff?.images ?? [];
  if (diffs.length && a.imageDiff) {
    out.push(
      `Layers against #${a.imageDiff.from.number}:`,
      '',
      table(
        ['Image', 'Shared', 'New', 'Removed'],
        diffs.map((d) => [
          d.image,
          `${d.shared.count} (${formatBytes(d.shared.bytes)})`,
          `${d.new.count} (${formatBytes(d.new.bytes)})`,
          `${d.removed.count} (${formatBytes(d.removed.bytes)})`,
        ]),
      ),
      '',
    );
  }
  if (chart && runs.length > 1) {
    const totals = runs.map((r) => r.images.reduce((n, i) => n + i.size, 0));
    const fresh = runs.map((r) => r.images.reduce((n, i) => n + i.newBytes, 0));
    const { unit, div } = byteScale(Math.max(...totals));
    out.push(
      ...xychart(
        `Image size per run, new layers in front (${unit})`,
        runs.map((r) => `#${r.number}`),
        unit,
        [
          { kind: 'bar', values: totals.map((n) => scaled(n, div)) },
          { kind: 'bar', values: fresh.map((n) => scaled(n, div)) },
        ],
      ),
    );
  }
  const rows = runs
    .slice()
    .reverse()
    .flatMap((r) =>
      r.images.map((i) => [
        `#${r.number}`,
        i.module,
        String(i.layers.length),
        formatBytes(i.size),
        `${i.newLayers} (${formatBytes(i.newBytes)})`,
      ]),
    );
  if (runs.length > 1)
    out.push(
      ...block(
        `Images of the last ${plural(runs.length, 'run')}`,
        ['Build', 'Image', 'Layers', 'Size', 'New layers'],
        rows,
        true,
      ),
    );
  return out;
}

function funnel(a: Analytics, chart: boolean): string[] {
  const f = a.funnel?.funnel;
  const stages = a.funnel?.stages ?? [];
  if (!f || !f.published || !f.stages.length) return [];
  const pct = (n: number): string => `${Math.round((100 * n) / f.published)}%`;
  const out = [`### Promotion funnel: ${f.name}`, ''];
  out.push(
    [
      `${plural(f.published, 'build')} published`,
      `${f.released} reached ${stages[stages.length - 1]?.name ?? 'the last stage'}`,
      `rolled back: ${plural(f.rolledBack, 'build')} (${plural(f.rollbacks, 'rollback')})`,
      `lead time to ${stages[stages.length - 1]?.name ?? 'release'}: ${formatLeadTime(f.leadTimeMs)}`,
    ].join(' · '),
    '',
  );
  if (chart) {
    out.push(
      ...xychart(
        'Builds reaching each stage',
        ['published', ...f.stages.map((s) => s.stage)],
        'builds',
        [{ kind: 'bar', values: [f.published, ...f.stages.map((s) => s.reached)] }],
      ),
    );
  }
  out.push(
    table(
      ['Stage', 'Repository', 'Reached', 'Promoted', '% of published'],
      f.stages.map((s) => [s.stage, s.repo, String(s.reached), String(s.promoted), pct(s.reached)]),
    ),
    '',
  );
  return out;
}

function promotions(info: BuildInfo, chart: boolean): string[] {
  const statuses = info.statuses ?? [];
  if (!statuses.length) return [];
  const out = ['### Promotions of this build', ''];
  out.push(
    table(
      ['Status', 'Repository', 'When', 'Requested by', 'Approved by', 'Comment'],
      statuses.map((s) => [
        s.status,
        s.repository ?? '',
        s.timestamp,
        s.ciUser ?? s.user ?? '',
        s.approver ?? '',
        s.comment ?? '',
      ]),
    ),
    '',
  );
  if (chart) {
    out.push('```mermaid', 'flowchart LR', '  built(["built"])');
    let prev = 'built';
    statuses.forEach((s, i) => {
      const id = `s${i}`;
      out.push(
        `  ${id}["${s.status.replace(/"/g, "'")}${s.repository ? `<br/>${s.repository}` : ''}"]`,
      );
      out.push(`  ${prev} --> ${id}`);
      prev = id;
    });
    out.push('```', '');
  }
  return out;
}
