/** Build names, one name's numbers with their promotion history, and one build. */
import {
  ApiError,
  api,
  calls,
  pool,
  seg,
  type AuditEntry,
  type BuildInfo,
  type BuildStatus,
  type Module,
} from '../api.ts';
import { code, facts, h, table, type Child } from '../dom.ts';
import type { FunnelReport } from '../../../../../core/src/analytics.ts';
import { bytes, compareNumbers, duration, plural, when } from '../format.ts';
import { links } from '../links.ts';
import type { Page } from '../page.ts';
import { promoteSection } from './promote.ts';

/** How many of a name's newest builds the pages read in full. */
export const RECENT = 50;

export async function buildsPage(): Promise<Page> {
  const { builds } = await calls.builds();
  const rows = builds
    .map((b) => ({ name: decodeURIComponent(b.uri.replace(/^\//, '')), last: b.lastStarted }))
    .sort((a, b) => b.last.localeCompare(a.last));
  return {
    title: 'Builds',
    content: [
      h('h1', { tabindex: '-1' }, 'Builds'),
      rows.length === 0
        ? h('p', null, 'No build-info has been published yet.')
        : table(
            plural(rows.length, 'build name'),
            ['Build', 'Last started', 'Charts'],
            rows.map((r) => [
              h('a', { href: links.buildName(r.name) }, r.name),
              when(r.last),
              h(
                'a',
                { href: links.charts(r.name), 'aria-label': `Size charts for ${r.name}` },
                'Sizes',
              ),
            ]),
          ),
    ],
  };
}

/** The numbers of a build name, newest first. */
export async function buildNumbers(name: string): Promise<{ number: string; started: string }[]> {
  const { buildsNumbers } = await calls.numbers(name);
  return buildsNumbers
    .map((b) => ({ number: decodeURIComponent(b.uri.replace(/^\//, '')), started: b.started }))
    .sort((a, b) => compareNumbers(b.number, a.number));
}

function statusText(st: BuildStatus): string {
  const by = st.ciUser ?? st.user;
  return `${st.status}${st.repository ? ` → ${st.repository}` : ''}, ${when(st.timestamp)}${by ? ` by ${by}` : ''}${st.approver ? `, approved by ${st.approver}` : ''}`;
}

export function statusBadge(st: BuildStatus | undefined): HTMLElement {
  return h('span', { class: `badge${st ? '' : ' none'}` }, st ? st.status : 'not promoted');
}

export function compareForm(name: string, number: string, numbers: string[]): HTMLElement {
  const others = numbers.filter((n) => n !== number);
  if (others.length === 0)
    return h('p', null, 'There is no other build of this name to compare with.');
  const older = others.filter((n) => compareNumbers(n, number) < 0);
  const select = h(
    'select',
    { id: 'compare-with', name: 'other' },
    others.map((n) => h('option', { value: n, selected: n === older[0] }, `#${n}`)),
  );
  return h(
    'form',
    {
      class: 'inline',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        navigateTo(links.diff(name, number, select.value));
      },
    },
    h('label', { for: 'compare-with' }, `Compare #${number} with`),
    select,
    h('button', { type: 'submit' }, 'Show the differences'),
  );
}

/** Set by main.ts: client-side navigation. */
export let navigateTo: (href: string) => void = (href) => location.assign(href);
export function setNavigate(fn: (href: string) => void): void {
  navigateTo = fn;
}

/** How many builds reached each stage; nothing when the server has no analytics. */
async function funnelList(name: string): Promise<HTMLElement | null> {
  let report: FunnelReport;
  try {
    report = await api<FunnelReport>(`/api/stowage/v1/analytics/funnel?name=${seg(name)}`);
  } catch {
    return null;
  }
  const f = report.funnels.find((x) => x.name === name);
  if (!f) return null;
  return h(
    'ul',
    { class: 'funnel', 'aria-label': 'How far builds got' },
    h('li', null, h('strong', null, f.published), 'published'),
    f.stages
      .filter((st, i) => i > 0 || st.reached !== f.published)
      .map((st) => h('li', null, h('strong', null, st.reached), `reached ${st.stage}`)),
  );
}

export async function buildNamePage(params: string[]): Promise<Page> {
  const name = params[0] ?? '';
  const [numbers, funnel] = await Promise.all([buildNumbers(name), funnelList(name)]);
  const recent = numbers.slice(0, RECENT);
  const infos = await pool(recent, 6, (b) => calls.build(name, b.number).catch(() => undefined));
  const released = infos.filter((i) => (i?.statuses ?? []).length > 0).length;
  const newest = recent[0]?.number;
  return {
    title: `${name} — builds`,
    content: [
      h('h1', { tabindex: '-1' }, name),
      funnel,
      h(
        'p',
        null,
        `${plural(numbers.length, 'build')}; ${released} of the ${recent.length} newest were promoted. `,
        h('a', { href: links.charts(name) }, 'Size and layer charts'),
        '.',
      ),
      newest
        ? compareForm(
            name,
            newest,
            recent.map((r) => r.number),
          )
        : null,
      table(
        numbers.length > recent.length ? `The ${recent.length} newest builds` : 'Builds',
        ['Build', 'Started', 'Status', 'Promotion history'],
        recent.map((b, i) => {
          const statuses = infos[i]?.statuses ?? [];
          return [
            h('a', { href: links.build(name, b.number) }, `#${b.number}`),
            when(b.started),
            statusBadge(statuses[statuses.length - 1]),
            statuses.length
              ? h(
                  'ol',
                  { class: 'history' },
                  statuses.map((st) => h('li', null, statusText(st))),
                )
              : '',
          ];
        }),
        'builds',
      ),
    ],
  };
}

function moduleSection(m: Module): HTMLElement {
  const arts = m.artifacts ?? [];
  const deps = m.dependencies ?? [];
  const total = arts.reduce((t, a) => t + (a.size ?? 0), 0);
  const props = Object.entries(m.properties ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'section',
    { class: 'module', 'aria-label': `Module ${m.id}` },
    h('h3', null, m.id, m.type ? h('span', { class: 'tag' }, m.type) : null),
    h(
      'p',
      { class: 'meta' },
      `${plural(arts.length, 'artifact')}${total ? ` (${bytes(total)})` : ''}, ${plural(deps.length, 'dependency', 'dependencies')}`,
    ),
    props.length
      ? table(
          `Properties of ${m.id}`,
          ['Name', 'Value'],
          props.map(([k, v]) => [code(k), v]),
        )
      : null,
    arts.length
      ? table(
          `Artifacts of ${m.id}`,
          ['Name', 'Type', 'Size', 'SHA-256'],
          arts.map((a) => [
            h('span', { class: 'path' }, a.path ?? a.name),
            a.type ?? '',
            bytes(a.size),
            code(a.sha256 ?? a.sha1 ?? a.md5 ?? '—', 'sum'),
          ]),
          'artifacts',
        )
      : null,
    deps.length
      ? table(
          `Dependencies of ${m.id}`,
          ['Id', 'Type', 'Scopes', 'SHA-256'],
          deps.map((d) => [
            code(d.id),
            d.type ?? '',
            (d.scopes ?? []).join(', '),
            code(d.sha256 ?? d.sha1 ?? d.md5 ?? '—', 'sum'),
          ]),
          'dependencies',
        )
      : null,
  );
}

function agent(a: BuildInfo['agent']): string {
  return a ? `${a.name}${a.version ? ` ${a.version}` : ''}` : '';
}

function safeLink(url: string | undefined): Child {
  if (!url) return '';
  return /^https?:\/\//i.test(url) ? h('a', { href: url, rel: 'noopener noreferrer' }, url) : url;
}

/** What an audit entry says besides who and when, in a few words. */
function auditWhat(e: AuditEntry): string {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (e.repo) parts.push(`${e.repo}${e.path ? `/${e.path.replace(/^\//, '')}` : ''}`);
  for (const k of ['status', 'approver', 'ciUser', 'comment', 'discarded'] as const)
    if (d[k] !== undefined)
      parts.push(`${k}: ${Array.isArray(d[k]) ? d[k].join(', ') : String(d[k])}`);
  return parts.join('; ');
}

/** The build's audit trail: who published, promoted or changed it, and who approved. */
async function auditSection(name: string, number: string): Promise<HTMLElement> {
  let body: Child;
  try {
    const entries = await calls.audit({ buildName: name, buildNumber: number, limit: '200' });
    body =
      entries.length === 0
        ? h('p', null, 'No changes of this build were recorded.')
        : table(
            'Changes of this build, newest first',
            ['When', 'What', 'Who', 'Details'],
            entries.map((e) => [
              when(e.time),
              code(e.action),
              `${e.user}${e.tokenId ? ` (token ${e.tokenId})` : ''}${e.ip ? ` from ${e.ip}` : ''}`,
              auditWhat(e),
            ]),
            'audit',
          );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    body = h('p', null, `The audit trail is not shown: ${err.message}`);
  }
  return h('section', { 'aria-labelledby': 'h-audit' }, h('h2', { id: 'h-audit' }, 'Audit'), body);
}

export async function buildPage(params: string[]): Promise<Page> {
  const [name = '', number = ''] = params;
  const [info, numbers] = await Promise.all([calls.build(name, number), buildNumbers(name)]);
  const statuses = info.statuses ?? [];
  const env = Object.entries(info.properties ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const modules = info.modules ?? [];
  const vcs = info.vcs ?? [];
  return {
    title: `${name} #${number}`,
    content: [
      h(
        'nav',
        { 'aria-label': 'Breadcrumb', class: 'crumbs' },
        h(
          'ol',
          null,
          h('li', null, h('a', { href: links.builds() }, 'Builds')),
          h('li', null, h('a', { href: links.buildName(name) }, name)),
          h('li', null, h('span', { 'aria-current': 'page' }, `#${number}`)),
        ),
      ),
      h(
        'h1',
        { tabindex: '-1' },
        `${name} #${number} `,
        statusBadge(statuses[statuses.length - 1]),
      ),
      facts([
        ['Started', when(info.started)],
        ['Duration', info.durationMillis !== undefined ? duration(info.durationMillis) : ''],
        ['Type', info.type ?? ''],
        ['Agent', agent(info.agent)],
        ['Build agent', agent(info.buildAgent)],
        ['Principal', info.principal ?? ''],
        ['CI run', safeLink(info.url)],
        ['Modules', String(modules.length)],
      ]),
      h(
        'section',
        { 'aria-labelledby': 'h-statuses' },
        h('h2', { id: 'h-statuses' }, 'Statuses'),
        statuses.length === 0
          ? h('p', null, 'This build has not been promoted.')
          : table(
              'Promotion history, oldest first',
              ['Status', 'Repository', 'When', 'Requested by', 'Approved by', 'Comment'],
              statuses.map((st) => [
                statusBadge(st),
                st.repository ?? '',
                when(st.timestamp),
                [
                  st.ciUser ?? st.user ?? '',
                  st.user && st.ciUser && st.ciUser !== st.user ? ` (token: ${st.user})` : '',
                ],
                st.approver ?? '',
                st.comment ?? '',
              ]),
              'statuses',
            ),
      ),
      await promoteSection(name, number, statuses[statuses.length - 1]?.status),
      await auditSection(name, number),
      h(
        'section',
        { 'aria-labelledby': 'h-compare' },
        h('h2', { id: 'h-compare' }, 'Compare'),
        compareForm(
          name,
          number,
          numbers.map((n) => n.number),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-modules' },
        h('h2', { id: 'h-modules' }, 'Modules'),
        modules.length === 0
          ? h('p', null, 'This build-info lists no modules.')
          : modules.map(moduleSection),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-vcs' },
        h('h2', { id: 'h-vcs' }, 'Version control'),
        vcs.length === 0
          ? h('p', null, 'No VCS information was recorded.')
          : table(
              'Version control',
              ['Repository', 'Branch', 'Revision', 'Message'],
              vcs.map((v) => [
                safeLink(v.url),
                v.branch ?? '',
                code(v.revision ?? '', 'sum'),
                v.message ?? '',
              ]),
            ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-env' },
        h('h2', { id: 'h-env' }, 'Environment'),
        env.length === 0
          ? h('p', null, 'No environment was recorded.')
          : table(
              `${plural(env.length, 'property', 'properties')}`,
              ['Name', 'Value'],
              env.map(([k, v]) => [code(k), v]),
              'env',
            ),
      ),
    ],
  };
}
