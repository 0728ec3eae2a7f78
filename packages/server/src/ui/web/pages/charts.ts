/**
 * Sizes over time for one build name: the artifacts' total size per build, and for each Docker
 * image its size and layers per run, split into layers reused from the previous run and new ones.
 */
import type { ImageReport, SizeReport } from '../../../../../core/src/analytics.ts';
import { api, seg } from '../api.ts';
import { barChart } from '../chart.ts';
import { h } from '../dom.ts';
import { bytes, plural } from '../format.ts';
import { links } from '../links.ts';
import type { Page } from '../page.ts';
import { RECENT } from './builds.ts';

const ANALYTICS = '/api/stowage/v1/analytics';

export async function chartsPage(params: string[]): Promise<Page> {
  const name = params[0] ?? '';
  const q = `name=${seg(name)}&last=${RECENT}`;
  const [size, imgs] = await Promise.all([
    api<SizeReport>(`${ANALYTICS}/size?${q}`),
    api<ImageReport>(`${ANALYTICS}/images?${q}`),
  ]);
  const builds = size.builds;
  const images = new Map<
    string,
    { number: string; size: number; layers: number; newLayers: number; newBytes: number }[]
  >();
  for (const run of imgs.runs) {
    for (const im of run.images) {
      const list = images.get(im.image) ?? [];
      list.push({
        number: run.number,
        size: im.size,
        layers: im.layers.length,
        newLayers: im.newLayers,
        newBytes: im.newBytes,
      });
      images.set(im.image, list);
    }
  }
  const href = (n: string): string => links.build(name, n);
  const unknown = builds.reduce((t, p) => t + p.unknown, 0);
  const sections: HTMLElement[] = [
    h(
      'section',
      { 'aria-labelledby': 'h-size' },
      h('h2', { id: 'h-size' }, 'Artifact size per build'),
      unknown
        ? h(
            'p',
            { class: 'hint' },
            `${plural(unknown, 'artifact')} have no size in their build-info and are not counted.`,
          )
        : null,
      barChart({
        title: `Total artifact size of ${name} per build`,
        categories: builds.map((p) => p.number),
        series: [{ name: 'artifacts', values: builds.map((p) => p.bytes) }],
        format: bytes,
        scale: 'bytes',
        href,
      }),
    ),
  ];
  if (images.size === 0) {
    sections.push(
      h(
        'section',
        { 'aria-labelledby': 'h-images' },
        h('h2', { id: 'h-images' }, 'Docker images'),
        h('p', null, 'These builds have no Docker modules.'),
      ),
    );
  }
  for (const [image, runs] of [...images].sort(([a], [b]) => a.localeCompare(b))) {
    const cats = runs.map((r) => r.number);
    const id = `h-image-${image.replace(/[^a-z0-9]+/gi, '-')}`;
    sections.push(
      h(
        'section',
        { 'aria-labelledby': id },
        h('h2', { id }, 'Docker image ', h('code', null, image)),
        h(
          'div',
          { class: 'charts' },
          barChart({
            title: `Size of ${image} per run`,
            categories: cats,
            series: [
              {
                name: 'layers kept from the previous run',
                values: runs.map((r) => r.size - r.newBytes),
              },
              { name: 'new layers', values: runs.map((r) => r.newBytes) },
            ],
            format: bytes,
            scale: 'bytes',
            href,
          }),
          barChart({
            title: `Layers of ${image} per run`,
            categories: cats,
            series: [
              {
                name: 'layers kept from the previous run',
                values: runs.map((r) => r.layers - r.newLayers),
              },
              { name: 'new layers', values: runs.map((r) => r.newLayers) },
            ],
            format: (n) => (Number.isInteger(n) ? String(n) : n.toFixed(1)),
            scale: 'count',
            href,
          }),
        ),
      ),
    );
  }
  return {
    title: `${name} — sizes`,
    content: [
      h(
        'nav',
        { 'aria-label': 'Breadcrumb', class: 'crumbs' },
        h(
          'ol',
          null,
          h('li', null, h('a', { href: links.builds() }, 'Builds')),
          h('li', null, h('a', { href: links.buildName(name) }, name)),
          h('li', null, h('span', { 'aria-current': 'page' }, 'Sizes')),
        ),
      ),
      h('h1', { tabindex: '-1' }, `${name}: sizes over time`),
      h(
        'p',
        { class: 'lead' },
        `The ${plural(builds.length, 'newest build')}, oldest on the left.`,
      ),
      ...sections,
    ],
  };
}
