/** What differs between two builds of one name: artifacts and dependencies. */
import type {
  BuildDiffReport as BuildDiff,
  ImageDiffReport,
} from '../../../../../core/src/analytics.ts';
import { api, seg } from '../api.ts';
import { code, h, table, type Child } from '../dom.ts';
import { bytes, compareNumbers, plural } from '../format.ts';
import { links } from '../links.ts';
import type { Page } from '../page.ts';

/** `GET /api/stowage/v1/analytics/diff`: artifacts and dependencies, older → newer. */
export function loadDiff(name: string, older: string, newer: string): Promise<BuildDiff> {
  return api<BuildDiff>(
    `/api/stowage/v1/analytics/diff?name=${seg(name)}&number=${seg(newer)}&other=${seg(older)}`,
  );
}

function sizeChange(from?: number, to?: number): string {
  if (from === undefined || to === undefined) return '';
  const d = to - from;
  return `${d >= 0 ? '+' : '−'}${bytes(Math.abs(d))}`;
}

function block(title: string, count: number, body: () => Child): HTMLElement {
  return h(
    'section',
    { class: 'diff-block' },
    h('h3', null, `${title} (${count})`),
    count === 0 ? h('p', { class: 'meta' }, 'None.') : body(),
  );
}

/** Docker layers kept, added and dropped per image; nothing when the server has no analytics. */
async function imageLayers(
  name: string,
  older: string,
  newer: string,
): Promise<HTMLElement | null> {
  let report: ImageDiffReport;
  try {
    report = await api<ImageDiffReport>(
      `/api/stowage/v1/analytics/images/diff?name=${seg(name)}&number=${seg(newer)}&other=${seg(older)}`,
    );
  } catch {
    return null;
  }
  if (report.images.length === 0) return null;
  const set = (x: { count: number; bytes: number }): string =>
    `${plural(x.count, 'layer')}, ${bytes(x.bytes)}`;
  return h(
    'section',
    { 'aria-labelledby': 'h-diff-img' },
    h('h2', { id: 'h-diff-img' }, 'Docker image layers'),
    table(
      'Layers per image',
      ['Image', `Tag in #${older}`, `Tag in #${newer}`, 'Kept', 'New', 'Dropped'],
      report.images.map((im) => [
        code(im.image),
        im.from ?? '—',
        im.to ?? '—',
        set(im.shared),
        set(im.new),
        set(im.removed),
      ]),
      'images',
    ),
  );
}

export async function diffPage(params: string[]): Promise<Page> {
  const [name = '', a = '', b = ''] = params;
  const [older, newer] = compareNumbers(a, b) <= 0 ? [a, b] : [b, a];
  const [d, layers] = await Promise.all([
    loadDiff(name, older, newer),
    imageLayers(name, older, newer),
  ]);
  const art = d.artifacts;
  const dep = d.dependencies;
  const changes =
    art.added.length +
    art.removed.length +
    art.changed.length +
    dep.added.length +
    dep.removed.length +
    dep.versionChanged.length +
    dep.checksumChanged.length;
  const artRow = (c: BuildDiff['artifacts']['added'][number]): Child[] => [
    h('span', { class: 'path' }, c.path),
    c.module,
    bytes(c.fromSize),
    bytes(c.toSize),
    sizeChange(c.fromSize, c.toSize),
  ];
  const artHead = ['Artifact', 'Module', `Size in #${older}`, `Size in #${newer}`, 'Change'];
  const depRow = (c: BuildDiff['dependencies']['added'][number]): Child[] => [
    code(c.id),
    c.module,
    c.from ?? '',
    c.to ?? '',
  ];
  const depHead = ['Dependency', 'Module', `Version in #${older}`, `Version in #${newer}`];
  return {
    title: `${name}: #${older} → #${newer}`,
    content: [
      h(
        'nav',
        { 'aria-label': 'Breadcrumb', class: 'crumbs' },
        h(
          'ol',
          null,
          h('li', null, h('a', { href: links.builds() }, 'Builds')),
          h('li', null, h('a', { href: links.buildName(name) }, name)),
          h('li', null, h('span', { 'aria-current': 'page' }, `#${older} → #${newer}`)),
        ),
      ),
      h(
        'h1',
        { tabindex: '-1' },
        `${name}: `,
        h('a', { href: links.build(name, older) }, `#${older}`),
        ' → ',
        h('a', { href: links.build(name, newer) }, `#${newer}`),
      ),
      h(
        'p',
        { class: 'lead' },
        changes === 0
          ? 'The two builds have the same artifacts and dependencies.'
          : `${plural(changes, 'difference')}.`,
      ),
      layers,
      h(
        'section',
        { 'aria-labelledby': 'h-diff-art' },
        h('h2', { id: 'h-diff-art' }, 'Artifacts'),
        block('Added', art.added.length, () =>
          table(`Artifacts added in #${newer}`, artHead, art.added.map(artRow), 'added'),
        ),
        block('Removed', art.removed.length, () =>
          table(`Artifacts removed in #${newer}`, artHead, art.removed.map(artRow), 'removed'),
        ),
        block('Changed content', art.changed.length, () =>
          table('Artifacts whose content changed', artHead, art.changed.map(artRow), 'changed'),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-diff-dep' },
        h('h2', { id: 'h-diff-dep' }, 'Dependencies'),
        block('Added', dep.added.length, () =>
          table(`Dependencies added in #${newer}`, depHead, dep.added.map(depRow), 'added'),
        ),
        block('Removed', dep.removed.length, () =>
          table(`Dependencies removed in #${newer}`, depHead, dep.removed.map(depRow), 'removed'),
        ),
        block('Version changed', dep.versionChanged.length, () =>
          table(
            'Dependencies with another version',
            depHead,
            dep.versionChanged.map(depRow),
            'changed',
          ),
        ),
        block('Same version, other content', dep.checksumChanged.length, () =>
          h(
            'div',
            null,
            h(
              'p',
              { class: 'notice error' },
              'These dependencies kept their version but their checksum changed: check where they came from.',
            ),
            table(
              'Dependencies whose checksum changed',
              ['Dependency', 'Module', `Checksum in #${older}`, `Checksum in #${newer}`],
              dep.checksumChanged.map((c) => [
                code(c.id),
                c.module,
                code(c.fromSha256 ?? '', 'sum'),
                code(c.toSha256 ?? '', 'sum'),
              ]),
              'changed',
            ),
          ),
        ),
      ),
    ],
  };
}
