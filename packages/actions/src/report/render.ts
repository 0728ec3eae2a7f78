/** The report as GitHub-flavoured Markdown (job summary and PR comment share it). */
import type { BuildDiff, BuildInfo } from '@stowage/core';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
const short = (s?: string): string => (s ? `\`${s.slice(0, 12)}\`` : '');

export interface RenderOptions {
  info: BuildInfo;
  diff?: BuildDiff;
  chart: boolean;
  buildUrl: string;
  marker?: string;
}

export function renderReport(o: RenderOptions): string {
  const { info } = o;
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

  const arts = (info.modules ?? []).flatMap((m) =>
    (m.artifacts ?? []).map((a) => ({ module: m.id, a })),
  );
  const total = arts.reduce((n, x) => n + (x.a.size ?? 0), 0);
  out.push(`### Artifacts (${arts.length}, ${formatBytes(total)})`, '');
  if (arts.length) {
    out.push(
      table(
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
      '',
    );
    if (o.chart && arts.length > 1 && total > 0) {
      const top = [...arts].sort((x, y) => (y.a.size ?? 0) - (x.a.size ?? 0)).slice(0, 8);
      const rest = total - top.reduce((n, x) => n + (x.a.size ?? 0), 0);
      out.push('```mermaid', 'pie showData title Artifact sizes (bytes)');
      for (const x of top)
        out.push(`  "${(x.a.path ?? x.a.name).replace(/"/g, "'")}" : ${x.a.size ?? 0}`);
      if (rest > 0) out.push(`  "other" : ${rest}`);
      out.push('```', '');
    }
  } else out.push('No artifacts.', '');

  const deps = (info.modules ?? []).reduce((n, m) => n + (m.dependencies?.length ?? 0), 0);
  if (o.diff) {
    const d = o.diff;
    out.push(`### Changes since #${d.from.number}`, '');
    const rows: string[][] = [
      ...d.dependencies.added.map((c) => ['dependency added', c.module, c.id, '', c.to ?? '']),
      ...d.dependencies.removed.map((c) => [
        'dependency removed',
        c.module,
        c.id,
        c.from ?? '',
        '',
      ]),
      ...d.dependencies.versionChanged.map((c) => [
        'version changed',
        c.module,
        c.id,
        c.from ?? '',
        c.to ?? '',
      ]),
      ...d.dependencies.checksumChanged.map((c) => [
        'checksum changed',
        c.module,
        c.id,
        short(c.fromSha256),
        short(c.toSha256),
      ]),
      ...d.artifacts.added.map((c) => [
        'artifact added',
        c.module,
        c.path,
        '',
        c.toSize !== undefined ? formatBytes(c.toSize) : '',
      ]),
      ...d.artifacts.removed.map((c) => [
        'artifact removed',
        c.module,
        c.path,
        c.fromSize !== undefined ? formatBytes(c.fromSize) : '',
        '',
      ]),
      ...d.artifacts.changed.map((c) => [
        'artifact changed',
        c.module,
        c.path,
        c.fromSize !== undefined ? formatBytes(c.fromSize) : short(c.fromSha256),
        c.toSize !== undefined ? formatBytes(c.toSize) : short(c.toSha256),
      ]),
    ];
    out.push(
      rows.length
        ? table(['Change', 'Module', 'Item', 'Before', 'After'], rows)
        : `No dependency or artifact changes (${deps} dependencies).`,
      '',
    );
  } else {
    out.push('### Dependencies', '', `${deps} dependencies; no earlier build to compare with.`, '');
  }

  const statuses = info.statuses ?? [];
  out.push('### Promotions', '');
  if (statuses.length) {
    out.push(
      table(
        ['Status', 'Repository', 'When', 'By', 'Comment'],
        statuses.map((s) => [
          s.status,
          s.repository ?? '',
          s.timestamp,
          s.user ?? s.ciUser ?? '',
          s.comment ?? '',
        ]),
      ),
      '',
    );
    if (o.chart) {
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
  } else out.push('Not promoted yet.', '');
  return out.join('\n');
}
